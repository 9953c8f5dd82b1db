import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BfdError, SetupError, UpstreamError } from "../../src/errors.js";
import { COMPLEXITY_CEILING } from "../../src/sources/linear/documents.js";
import { createLinearSource, type LinearSource } from "../../src/sources/linear/index.js";
import { realRetryDeps, type RetryDeps, type RetryPolicy } from "../../src/sources/retry-policy.js";
import type { RequestRecord } from "../../src/sources/trail.js";
import {
  addIssue,
  defaultWorld,
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeLinear,
  type FakeLinearOptions,
  type LinearFault,
  type LinearWorld,
} from "../fakes/linear.js";

const POLICY: RetryPolicy = { maxAttempts: 3, timeoutMs: 2_000, deadlineMs: 10_000, baseDelayMs: 1, maxDelayMs: 5 };

async function failure(promise: Promise<unknown>): Promise<BfdError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BfdError) return error;
    throw error;
  }
  throw new Error("expected a BfdError");
}

describe("the Linear source against the fake Linear", () => {
  let fake: FakeLinear;
  let records: RequestRecord[];
  let sleeps: number[];
  let source: LinearSource;

  function sourceWith(overrides: { apiKey?: string; policy?: RetryPolicy } = {}): LinearSource {
    const deps: RetryDeps = {
      ...realRetryDeps,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    };
    return createLinearSource({
      apiKey: overrides.apiKey ?? FAKE_LINEAR_API_KEY,
      apiUrl: fake.url,
      policy: overrides.policy ?? POLICY,
      retryDeps: deps,
      onRequest: (record) => records.push(record),
    });
  }

  beforeAll(async () => {
    fake = await startFakeLinear(defaultWorld());
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    records = [];
    sleeps = [];
    source = sourceWith();
  });

  describe("teamKeys", () => {
    it("reads the workspace's team keys in one request, once for the source's life", async () => {
      const [first, second] = await Promise.all([source.teamKeys(), source.teamKeys()]);
      expect(first).toEqual(["ENG", "OPS"]);
      expect(second).toBe(first);
      expect(await source.teamKeys()).toBe(first);
      expect(fake.requestCount()).toBe(1);
      expect(fake.requests[0]).toMatchObject({ operationName: "BfdTeamKeys" });
    });

    it("reads on past the first page of 250 teams", async () => {
      const teams = fake.world.teams.length;
      for (let i = 0; i < 260; i += 1)
        fake.world.teams.push({ id: `team-extra-${i}`, key: `T${i}`, name: `Team ${i}` });
      try {
        const keys = await source.teamKeys();
        expect(keys).toHaveLength(262);
        expect(keys.at(-1)).toBe("T259");
        expect(fake.requestCount()).toBe(2);
      } finally {
        fake.world.teams.splice(teams);
      }
    });
  });

  describe("workspaceNames", () => {
    it("reads the labels of the workspace and of every team, page after page (250 a page)", async () => {
      fake.world.workspaceLabels = Array.from({ length: 260 }, (_, i) => `Area ${i}`);
      try {
        const labels = await source.workspaceNames("labels");
        expect(labels).toContain("Area 259");
        expect(labels).toContain("Bug");
        expect(fake.requestCount()).toBe(2);
        expect(fake.requests.map((r) => r.operationName)).toEqual(["BfdLabelNames", "BfdLabelNames"]);
      } finally {
        delete fake.world.workspaceLabels;
      }
    });

    it("reads the workspace's projects by name in one request", async () => {
      expect(await source.workspaceNames("projects")).toEqual(fake.world.projects.map((p) => p.name));
      expect(fake.requests.map((r) => r.operationName)).toEqual(["BfdProjectNames"]);
    });
  });

  describe("fetchIssue", () => {
    it.each([
      ["a key", "ENG-123"],
      ["a lower-case key", "eng-123"],
      ["an issue URL", "https://linear.app/acme/issue/ENG-123/add-audit-log-to-checkout"],
    ])("reads the issue from %s in exactly one request", async (_case, reference) => {
      const { issue, viewer } = await source.fetchIssue(reference);
      expect(fake.requestCount()).toBe(1);
      expect(fake.requests[0]).toMatchObject({ operationName: "BfdIssueByKey", variables: { id: "ENG-123" } });
      expect(viewer).toEqual({ id: fake.world.viewerId, name: "Ada Lovelace", email: "ada@acme.example" });
      expect(issue).toMatchObject({
        identifier: "ENG-123",
        title: "Add audit log to checkout",
        state: { name: "Ready", type: "unstarted" },
        teamKey: "ENG",
        labels: ["Backend", "Validated in Staging"],
        project: { name: "Checkout v2" },
        parent: { identifier: "ENG-100" },
      });
      expect(issue.blockedBy.map((ref) => [ref.identifier, ref.state?.type])).toEqual([
        ["ENG-120", "started"],
        ["ENG-118", "completed"],
      ]);
      expect(issue.blocking.map((ref) => ref.identifier)).toEqual(["ENG-130"]);
      expect(issue.related.map((ref) => ref.identifier)).toEqual(["ENG-131", "ENG-99"]);
    });

    it("reads an issue moved to another team by its old key, with the keys it had before", async () => {
      if (!fake.world.issues.some((candidate) => candidate.identifier === "ENG-42"))
        addIssue(fake.world, { identifier: "ENG-42", title: "Moved login audit", previousIdentifiers: ["OLD-7"] });
      const { issue } = await source.fetchIssue("OLD-7");
      expect(issue).toMatchObject({ identifier: "ENG-42", previousIdentifiers: ["OLD-7"], workspaceTeamKeys: null });
      expect(fake.requestCount()).toBe(1);
    });

    it("reads an issue by UUID", async () => {
      const target = fake.world.issues.find((candidate) => candidate.identifier === "ENG-120");
      const { issue } = await source.fetchIssue(target?.id ?? "");
      expect(issue.identifier).toBe("ENG-120");
      expect(fake.requestCount()).toBe(1);
    });

    it("reports an unknown issue as an input error, without retrying", async () => {
      const error = await failure(source.fetchIssue("ENG-999"));
      expect(error).toMatchObject({
        kind: "input",
        code: "issue-not-found",
        message: "ENG-999 was not found in Linear",
      });
      expect(error.hint).toMatch(/ENG-123/);
      expect(fake.requestCount()).toBe(1);
    });

    it("refuses something that is not an issue key before asking Linear", async () => {
      const error = await failure(source.fetchIssue("https://example.com/issue/ENG-1"));
      expect(error).toMatchObject({ kind: "input", code: "bad-issue-key" });
      expect(fake.requestCount()).toBe(0);
    });
  });

  describe("fetchIssueByBranch", () => {
    it("finds the issue Linear links to the branch in one request", async () => {
      const { issue, viewer } = await source.fetchIssueByBranch("ada/eng-123-add-audit-log-to-checkout");
      expect(issue?.identifier).toBe("ENG-123");
      expect(viewer?.name).toBe("Ada Lovelace");
      expect(fake.requestCount()).toBe(1);
      expect(fake.requests[0]?.operationName).toBe("BfdIssueByBranch");
    });

    it("answers no issue for a branch Linear does not know", async () => {
      const { issue, viewer } = await source.fetchIssueByBranch("main");
      expect(issue).toBeNull();
      expect(viewer).not.toBeNull();
      expect(fake.requestCount()).toBe(1);
    });
  });

  describe("failures", () => {
    it("reports a rejected API key as linear-auth, once, without the key", async () => {
      const wrongKey = "lin_api_WrongKey0123456789abcdefghijklmnopqrst";
      const error = await failure(sourceWith({ apiKey: wrongKey }).fetchIssue("ENG-123"));
      // A rejected key is the setup's to fix (exit 2), never an outage (exit 3).
      expect(error).toBeInstanceOf(SetupError);
      expect(error).toMatchObject({
        kind: "setup",
        code: "linear-auth",
        service: "Linear",
        status: 401,
        message: "Linear rejected the API key in LINEAR_API_KEY (HTTP 401): it is wrong, expired or revoked",
      });
      expect(error.hint).toContain("Personal API keys");
      expect(`${error.message} ${error.hint ?? ""}`).not.toContain(wrongKey);
      expect(fake.requestCount()).toBe(1);
    });

    it("waits for Retry-After when rate limited, then succeeds on the second request", async () => {
      fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 1 });
      const { issue } = await source.fetchIssue("ENG-123");
      expect(issue.identifier).toBe("ENG-123");
      expect(fake.requestCount()).toBe(2);
      expect(sleeps).toEqual([1_000]);
    });

    it("really sleeps for Retry-After with the default clock", async () => {
      fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 1 });
      const realSource = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
      const started = Date.now();
      await realSource.fetchIssue("ENG-123");
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(fake.requestCount()).toBe(2);
    });

    it("honours Retry-After on a plain HTTP 429 too", async () => {
      fake.injectFault({ kind: "http-429", retryAfterSeconds: 2 });
      await source.fetchIssue("ENG-123");
      expect(sleeps).toEqual([2_000]);
      expect(fake.requestCount()).toBe(2);
    });

    it("gives up on a persistent rate limit with the remaining budget and reset time", async () => {
      fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 1, times: 10 });
      const error = await failure(source.fetchIssue("ENG-123"));
      expect(error).toMatchObject({ code: "linear-rate-limited", kind: "upstream" });
      expect(error.message).toMatch(
        /^Linear rate limit reached while reading ENG-123 \(0 requests remaining, resets at \d{4}-\d\d-\d\dT[\d:.]+Z; 3 attempts\)$/,
      );
      expect(fake.requestCount()).toBe(POLICY.maxAttempts);
    });

    it("retries a 503 and uses the answer that follows", async () => {
      fake.injectFault({ kind: "http-status", status: 503 });
      await source.fetchIssue("ENG-123");
      expect(fake.requestCount()).toBe(2);
      expect(records.map((record) => record.status)).toEqual([503, 200]);
    });

    it.each([
      [
        { kind: "http-status", status: 503, times: 10 },
        "linear-unavailable",
        /^Linear answered HTTP 503 while reading ENG-123 \(3 attempts\)$/,
      ],
      [
        { kind: "http-status", status: 504, times: 10 },
        "linear-unavailable",
        /^Linear answered HTTP 504 while reading ENG-123 \(3 attempts\)$/,
      ],
      [
        { kind: "html", times: 10 },
        "linear-unavailable",
        /^Linear answered HTTP 502 \(an HTML error page\) while reading ENG-123 \(3 attempts\)$/,
      ],
      [
        { kind: "truncated", times: 10 },
        "linear-connection-reset",
        /^Linear closed the connection before the reply was complete while reading ENG-123 \(3 attempts\)$/,
      ],
      [
        { kind: "reset", times: 10 },
        "linear-connection-reset",
        /^Linear closed the connection before the reply was complete while reading ENG-123 \(3 attempts\)$/,
      ],
    ] satisfies [LinearFault, string, RegExp][])(
      "retries a persistent %o up to maxAttempts, then reports %s",
      async (fault, code, message) => {
        fake.injectFault(fault);
        const error = await failure(source.fetchIssue("ENG-123"));
        expect(error).toBeInstanceOf(UpstreamError);
        expect(error.code).toBe(code);
        expect(error.message).toMatch(message);
        expect(fake.requestCount()).toBe(POLICY.maxAttempts);
        expect(sleeps).toHaveLength(POLICY.maxAttempts - 1);
      },
    );

    it.each([
      [
        { kind: "malformed-json" },
        "linear-bad-response",
        /^Linear sent malformed JSON while reading ENG-123 \(HTTP 200, application\/json\)$/,
      ],
      [{ kind: "http-status", status: 500 }, "linear-unavailable", /^Linear answered HTTP 500 while reading ENG-123$/],
      [
        { kind: "partial-data" },
        "linear-partial-data",
        /^Linear answered BfdIssueByKey with an error beside the data: Internal server error while loading attachments$/,
      ],
    ] satisfies [LinearFault, string, RegExp][])("does not retry %o and reports %s", async (fault, code, message) => {
      fake.injectFault(fault);
      const error = await failure(source.fetchIssue("ENG-123"));
      expect(error).toMatchObject({ code, kind: "upstream" });
      expect(error.message).toMatch(message);
      expect(fake.requestCount()).toBe(1);
    });

    it("times out a request Linear never answers, per attempt, within about a second", async () => {
      fake.injectFault({ kind: "hang", times: 10 });
      const started = Date.now();
      const error = await failure(sourceWith({ policy: { ...POLICY, timeoutMs: 200 } }).fetchIssue("ENG-123"));
      const elapsed = Date.now() - started;
      expect(error).toMatchObject({
        code: "linear-timeout",
        message: "Linear did not answer within 0.2 s while reading ENG-123 (3 attempts)",
      });
      expect(elapsed).toBeLessThan(1_500);
      expect(fake.requestCount()).toBe(3);
      expect(records.map((record) => record.status)).toEqual(["timeout", "timeout", "timeout"]);
    });

    it("stops retrying at the deadline", async () => {
      fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 60, times: 10 });
      const error = await failure(source.fetchIssue("ENG-123"));
      expect(error.code).toBe("linear-rate-limited");
      expect(fake.requestCount()).toBe(1);
      expect(sleeps).toEqual([]);
    });

    it("never shows the API key, even when Linear echoes it", async () => {
      fake.injectFault({
        kind: "http-status",
        status: 500,
        contentType: "application/json",
        body: JSON.stringify({
          errors: [{ message: `Key ${FAKE_LINEAR_API_KEY} is suspended`, extensions: { type: "internal error" } }],
        }),
      });
      const error = await failure(source.fetchIssue("ENG-123"));
      expect(error.code).toBe("linear-error");
      expect(error.message).toContain("[REDACTED]");
      expect(error.message).not.toContain(FAKE_LINEAR_API_KEY);
      expect(error.message).not.toContain("\n");
    });
  });

  describe("the --debug trail", () => {
    it("reports every HTTP exchange with its status and attempt number", async () => {
      fake.injectFault({ kind: "http-status", status: 502, times: 2 });
      await source.fetchIssue("ENG-123");
      expect(
        records.map(({ service, method, url, status, attempt }) => ({ service, method, url, status, attempt })),
      ).toEqual([
        { service: "Linear", method: "POST", url: fake.url, status: 502, attempt: 1 },
        { service: "Linear", method: "POST", url: fake.url, status: 502, attempt: 2 },
        { service: "Linear", method: "POST", url: fake.url, status: 200, attempt: 3 },
      ]);
      expect(records.every((record) => record.ms >= 0)).toBe(true);
    });

    it.each([
      [{ kind: "malformed-json" }, 200],
      [{ kind: "reset" }, "network-error"],
    ] satisfies [LinearFault, RequestRecord["status"]][])("reports %o as %s", async (fault, status) => {
      fake.injectFault(fault);
      await source.fetchIssue("ENG-123").catch(() => undefined);
      expect(records[0]?.status).toBe(status);
    });

    it("leaves globalThis.fetch as it found it", async () => {
      const before = globalThis.fetch;
      await Promise.all([source.fetchIssue("ENG-123"), source.fetchIssueByBranch("main")]);
      expect(globalThis.fetch).toBe(before);
    });
  });

  describe("createComment", () => {
    it("stores the comment in Linear and returns its URL", async () => {
      const { id, url } = await source.createComment("ENG-123", "**bfd**: ready ✅");
      const stored = fake.world.comments.find((comment) => comment.id === id);
      expect(stored).toMatchObject({ body: "**bfd**: ready ✅", userId: fake.world.viewerId });
      expect(url).toBe(stored?.url);
      expect(fake.requests[0]?.operationName).toBe("BfdCreateComment");
    });

    it("reports an unknown issue as issue-not-found", async () => {
      const error = await failure(source.createComment("ENG-999", "hello"));
      expect(error).toMatchObject({ code: "issue-not-found", message: "ENG-999 was not found in Linear" });
    });

    it("retries a comment that was rate limited, since Linear did not apply it", async () => {
      fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 1 });
      await source.createComment("ENG-123", "after the limit");
      expect(fake.requestCount()).toBe(2);
      expect(fake.world.comments.filter((comment) => comment.body === "after the limit")).toHaveLength(1);
    });

    it("does not retry a comment after a 502, which may have been applied", async () => {
      fake.injectFault({ kind: "http-status", status: 502 });
      const error = await failure(source.createComment("ENG-123", "maybe posted"));
      expect(error.code).toBe("linear-unavailable");
      expect(fake.requestCount()).toBe(1);
    });
  });
  describe("updateIssue", () => {
    it("assigns the issue and moves it to a state of its team in one write", async () => {
      const world = fake.world;
      const target = world.issues.find((issue) => issue.identifier === "ENG-131")!;
      const inProgress = (await source.teamWorkflow("ENG")).states.find((state) => state.name === "In Progress")!;
      fake.reset();
      const after = await source.updateIssue(target.id, { assigneeId: world.viewerId, stateId: inProgress.id });
      expect(after).toMatchObject({
        state: { name: "In Progress", type: "started" },
        assignee: { name: "Ada Lovelace" },
      });
      expect(target).toMatchObject({ assigneeId: world.viewerId, stateName: "In Progress" });
      expect(fake.requests.map((request) => request.operationName)).toEqual(["BfdUpdateIssue"]);
    });

    it("changes nothing for a state Linear does not know", async () => {
      const target = fake.world.issues.find((issue) => issue.identifier === "ENG-130")!;
      await failure(source.updateIssue(target.id, { stateId: "no-such-state" }));
      expect(target.stateName).toBe("Backlog");
    });

    it("does not retry an update after a 502, which may have been applied", async () => {
      fake.injectFault({ kind: "http-status", status: 502 });
      const error = await failure(source.updateIssue("ENG-130", { assigneeId: fake.world.viewerId }));
      expect(error.code).toBe("linear-unavailable");
      expect(fake.requestCount()).toBe(1);
    });
  });
});

describe("the Linear audit listing", () => {
  let fake: FakeLinear;

  beforeAll(async () => {
    const world = emptyWorld();
    world.projects.push({
      id: "5a7e1f0c-3b2d-4c6e-9f8a-1b2c3d4e5f60",
      name: "Specification",
      url: "https://linear.app/acme/project/specification-1a2b3c4d5e6f",
      description: "",
      content: "Spec",
      documents: [],
      externalLinks: [],
    });
    for (let n = 1; n <= 270; n += 1) {
      addIssue(world, {
        identifier: `ENG-${n}`,
        title: `Task ${n}`,
        stateName: n % 10 === 0 ? "In Progress" : "Ready",
        stateType: n % 10 === 0 ? "started" : "unstarted",
        labels: n % 3 === 0 ? ["Backend"] : [],
        projectId: n <= 5 ? "5a7e1f0c-3b2d-4c6e-9f8a-1b2c3d4e5f60" : null,
      });
    }
    addIssue(world, { identifier: "OPS-1", title: "Other team", stateName: "Ready" });
    // OPS-2 has 12 blockers: more than an audit page carries per issue.
    addIssue(world, { identifier: "OPS-2", title: "Blocked a lot", stateName: "Ready" });
    for (let n = 300; n < 312; n += 1) {
      addIssue(world, {
        identifier: `OPS-${n}`,
        title: `Blocker ${n}`,
        stateName: "In Progress",
        stateType: "started",
      });
      relate(world, `OPS-${n}`, "blocks", "OPS-2");
    }
    fake = await startFakeLinear(world);
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("reads 250 issues in at most 5 requests", async () => {
    const source = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
    const { issues, viewer, requests } = await source.listIssues({ teamKey: "eng" }, 250);
    expect(issues).toHaveLength(250);
    expect(new Set(issues.map((issue) => issue.identifier)).size).toBe(250);
    expect(viewer?.name).toBe("Ada Lovelace");
    expect(requests).toBe(fake.requestCount());
    expect(requests).toBe(5);
    expect(fake.requests.every((request) => request.operationName === "BfdIssuesPage")).toBe(true);
  });

  it("reads on the blockers that did not fit the audit page, so none is missed", async () => {
    const source = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
    const { issues, requests } = await source.listIssues({ teamKey: "OPS", stateName: "Ready" }, 10);
    expect(issues.map((issue) => issue.identifier)).toEqual(["OPS-1", "OPS-2"]);
    expect(issues[1]?.blockedBy.map((ref) => ref.identifier)).toEqual(
      Array.from({ length: 12 }, (_, n) => `OPS-${300 + n}`),
    );
    expect(fake.requests.map((request) => request.operationName)).toEqual([
      "BfdIssuesPage",
      "BfdIssueInverseRelationsPage",
    ]);
    expect(fake.requests[1]?.variables).toMatchObject({
      id: fake.world.issues.find((i) => i.identifier === "OPS-2")?.id,
    });
    expect(requests).toBe(2);
  });

  it("keeps every audit page within bfd's complexity ceiling", async () => {
    const source = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
    await source.listIssues({ teamKey: "eng" }, 250);
    const scores = fake.requests.map((request) => request.complexity ?? Number.NaN);
    expect(Math.max(...scores)).toBeLessThanOrEqual(COMPLEXITY_CEILING);
  });

  it.each([
    [{ teamKey: "ENG", stateName: "in progress" }, 27],
    [{ teamKey: "ENG", stateName: "ready", label: "backend" }, 81],
    [{ teamKey: "ENG", projectName: "specification" }, 5],
    [{ teamKey: "ops" }, 2],
  ])("filters by %o in Linear, not after the fact", async (filter, expected) => {
    const source = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
    const { issues } = await source.listIssues(filter, 500);
    expect(issues.filter((issue) => !issue.title.startsWith("Blocker"))).toHaveLength(expected);
  });
});

/** ENG-1 with `counts` of each list, every item distinct; the blocker among the inverse relations is the `blockerAt`th. */
function longListsWorld(counts: {
  inverse?: number;
  blockerAt?: number;
  attachments?: number;
  mrAt?: number;
  labels?: number;
  children?: number;
  documents?: number;
  comments?: number;
}): LinearWorld {
  const world = emptyWorld();
  world.projects.push({
    id: "prj-long",
    name: "Long lists",
    url: "https://linear.app/acme/project/long-lists",
    description: "",
    content: null,
    documents: Array.from({ length: counts.documents ?? 0 }, (_, n) => ({
      id: `doc-${n + 1}`,
      title: `Doc ${n + 1}`,
      url: `https://linear.app/acme/document/doc-${n + 1}`,
      content: null,
    })),
    externalLinks: [],
  });
  const issue = addIssue(world, {
    identifier: "ENG-1",
    projectId: "prj-long",
    labels: Array.from({ length: counts.labels ?? 0 }, (_, n) => `Label ${n + 1}`),
    attachments: Array.from({ length: counts.attachments ?? 0 }, (_, n) => ({
      id: `attachment-${n + 1}`,
      url:
        n + 1 === counts.mrAt
          ? "https://gitlab.acme.example/shop/web/-/merge_requests/7"
          : `https://acme.slack.com/archives/C1/p${n + 1}`,
      title: `Attachment ${n + 1}`,
      subtitle: null,
      sourceType: n + 1 === counts.mrAt ? "gitlab" : "slack",
      createdAt: "2026-01-01T00:00:00.000Z",
    })),
  });
  for (let n = 1; n <= (counts.children ?? 0); n += 1)
    addIssue(world, { identifier: `ENG-${2000 + n}`, parentId: issue.id });
  for (let n = 1; n <= (counts.inverse ?? 0); n += 1) {
    addIssue(world, { identifier: `ENG-${1000 + n}`, stateName: "In Progress", stateType: "started" });
    relate(world, `ENG-${1000 + n}`, n === counts.blockerAt ? "blocks" : "related", "ENG-1");
  }
  for (let n = 1; n <= (counts.comments ?? 0); n += 1) {
    world.comments.push({
      id: `comment-${n}`,
      issueId: issue.id,
      body: `Comment ${n}`,
      userId: n % 2 === 0 ? world.viewerId : "someone-else",
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
      url: `${issue.url}#comment-${n}`,
    });
  }
  return world;
}

describe("Linear's paged lists, read whole", () => {
  const fakes: FakeLinear[] = [];
  async function sourceFor(world: LinearWorld, options: FakeLinearOptions = {}) {
    const fake = await startFakeLinear(world, options);
    fakes.push(fake);
    return { fake, source: createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY }) };
  }
  afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

  it("reads an ordinary issue in one request", async () => {
    const { fake, source } = await sourceFor(longListsWorld({ inverse: 50, attachments: 50, labels: 50 }));
    const { issue } = await source.fetchIssue("ENG-1");
    expect(issue.related).toHaveLength(50);
    expect(fake.requests.map((request) => request.operationName)).toEqual(["BfdIssueByKey"]);
  });

  it("finds the blocker that is the 100th of 120 relations, in one more request", async () => {
    const { fake, source } = await sourceFor(longListsWorld({ inverse: 120, blockerAt: 100 }));
    const { issue } = await source.fetchIssue("ENG-1");
    expect(issue.blockedBy.map((ref) => ref.identifier)).toEqual(["ENG-1100"]);
    expect(issue.related).toHaveLength(119);
    expect(fake.requests.map((request) => request.operationName)).toEqual([
      "BfdIssueByKey",
      "BfdIssueInverseRelationsPage",
    ]);
  });

  it("finds the merge request that is the 55th of 60 attachments", async () => {
    const { fake, source } = await sourceFor(longListsWorld({ attachments: 60, mrAt: 55 }));
    const { issue } = await source.fetchIssue("ENG-1");
    expect(issue.attachments).toHaveLength(60);
    expect(issue.attachments[54]?.url).toBe("https://gitlab.acme.example/shop/web/-/merge_requests/7");
    expect(fake.requestCount()).toBe(2);
  });

  it("reads a long list page after page until it ends", async () => {
    const { fake, source } = await sourceFor(longListsWorld({ attachments: 260 }));
    const { issue } = await source.fetchIssue("ENG-1");
    expect(issue.attachments.map((attachment) => attachment.title)).toEqual(
      Array.from({ length: 260 }, (_, n) => `Attachment ${n + 1}`),
    );
    // 50 on the issue, then 100, 100 and the last 10.
    expect(fake.requests.map((request) => request.operationName)).toEqual([
      "BfdIssueByKey",
      "BfdIssueAttachmentsPage",
      "BfdIssueAttachmentsPage",
      "BfdIssueAttachmentsPage",
    ]);
  });

  it("reads every list that has more in the same wave, one follow-up per list", async () => {
    const { fake, source } = await sourceFor(
      longListsWorld({ labels: 60, children: 60, attachments: 60, inverse: 60, documents: 30 }),
    );
    const { issue } = await source.fetchIssue("ENG-1");
    expect([
      issue.labels.length,
      issue.children.length,
      issue.attachments.length,
      issue.related.length,
      issue.project?.documents.length,
    ]).toEqual([60, 60, 60, 60, 30]);
    expect(fake.requests[0]?.operationName).toBe("BfdIssueByKey");
    expect(
      fake.requests
        .slice(1)
        .map((request) => request.operationName)
        .sort(),
    ).toEqual([
      "BfdIssueAttachmentsPage",
      "BfdIssueChildrenPage",
      "BfdIssueInverseRelationsPage",
      "BfdIssueLabelsPage",
      "BfdProjectDocumentsPage",
    ]);
  });

  it("reads a project's documents once for all the audit issues in that project", async () => {
    const world = longListsWorld({ documents: 7 });
    addIssue(world, { identifier: "ENG-2", projectId: "prj-long" });
    const { fake, source } = await sourceFor(world);
    const { issues, requests } = await source.listIssues({ teamKey: "ENG" }, 10);
    expect(issues.map((issue) => issue.project?.documents.length)).toEqual([7, 7]);
    expect(fake.requests.map((request) => request.operationName)).toEqual(["BfdIssuesPage", "BfdProjectDocumentsPage"]);
    expect(requests).toBe(2);
  });

  it("fails naming the list when the rest of it cannot be read, rather than answer with part of it", async () => {
    // The issue read (1,031 points) fits the budget; the follow-up page (482) does not.
    const { fake, source } = await sourceFor(longListsWorld({ inverse: 120, blockerAt: 100 }), {
      complexityBudget: 1_200,
    });
    const error = await failure(source.fetchIssue("ENG-1"));
    expect(error).toMatchObject({ code: "linear-rate-limited", kind: "upstream" });
    expect(error.message).toMatch(
      /^Linear rate limit reached while reading the rest of ENG-1's blockers and incoming relations \(169 complexity points remaining, resets at [\d-]+T[\d:.]+Z; 3 attempts\)$/,
    );
    expect(fake.requests.slice(1).every((request) => request.operationName === "BfdIssueInverseRelationsPage")).toBe(
      true,
    );
  });

  it("refuses a list that says it goes on without a cursor to go on from", async () => {
    const { fake, source } = await sourceFor(longListsWorld({}));
    const recorded = JSON.parse(
      readFileSync(new URL("../fixtures/linear/responses/issue-ENG-123.json", import.meta.url), "utf8"),
    ) as { data: { issue: { relations: { pageInfo: unknown } } } };
    recorded.data.issue.relations.pageInfo = { hasNextPage: true, endCursor: null };
    fake.injectFault({
      kind: "http-status",
      status: 200,
      contentType: "application/json",
      body: JSON.stringify(recorded),
    });
    const error = await failure(source.fetchIssue("ENG-123"));
    expect(error).toMatchObject({
      code: "linear-bad-response",
      message:
        "Linear said ENG-123's relations go on but gave no cursor to read on from: bfd cannot read the list whole",
    });
  });
});

describe("Linear's budgets and refusals", () => {
  const fakes: FakeLinear[] = [];
  async function sourceFor(options: FakeLinearOptions = {}) {
    const fake = await startFakeLinear(defaultWorld(), options);
    fakes.push(fake);
    return { fake, source: createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY }) };
  }
  afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

  it("remembers what Linear's last reply said of the budgets", async () => {
    const { fake, source } = await sourceFor({ requestBudget: 100, complexityBudget: 50_000 });
    expect(source.rateLimitStatus()).toBeNull();
    await source.fetchIssue("ENG-123");
    const cost = fake.requests[0]?.complexity ?? 0;
    expect(source.rateLimitStatus()).toEqual({
      requests: { limit: 100, remaining: 99, resetsAt: expect.any(Number) as unknown },
      complexity: { limit: 50_000, remaining: 50_000 - cost, resetsAt: expect.any(Number) as unknown },
      lastQueryComplexity: cost,
    });
    expect(source.rateLimitStatus()?.complexity.resetsAt).toBeGreaterThan(Date.now());
  });

  it("reports a query Linear refuses as too complex at once, with the score, without retrying", async () => {
    const { fake, source } = await sourceFor({ maxComplexity: 500 });
    const error = await failure(source.fetchIssue("ENG-123"));
    expect(error).toMatchObject({
      code: "linear-too-complex",
      kind: "upstream",
      message:
        "Linear refused bfd's BfdIssueByKey query as too complex: The query is too complex. Complexity: 1031. Maximum allowed complexity: 500.",
    });
    expect(fake.requestCount()).toBe(1);
  });

  it.each([
    [{ complexityBudget: 400 }, /\(400 complexity points remaining, resets at [\d-]+T[\d:.]+Z; 3 attempts\)$/],
    [{ requestBudget: 0 }, /\(0 requests remaining, resets at [\d-]+T[\d:.]+Z; 3 attempts\)$/],
  ])("names the spent budget %o and when it resets", async (options, message) => {
    const { source } = await sourceFor(options);
    const error = await failure(source.fetchIssue("ENG-123"));
    expect(error.code).toBe("linear-rate-limited");
    expect(error.message).toMatch(/^Linear rate limit reached while reading ENG-123 /);
    expect(error.message).toMatch(message);
  });
});

describe("comments bfd can update", () => {
  let fake: FakeLinear;
  let source: LinearSource;
  beforeEach(async () => {
    fake = await startFakeLinear(longListsWorld({ comments: 130 }));
    source = createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url, policy: POLICY });
  });
  afterEach(() => fake.close());

  it("lists every comment of an issue, all pages, with its author", async () => {
    const comments = await source.listComments("ENG-1");
    expect(comments).toHaveLength(130);
    expect(comments[1]).toEqual({
      id: "comment-2",
      body: "Comment 2",
      userId: fake.world.viewerId,
      createdAt: "2026-01-01T00:02:00.000Z",
      updatedAt: "2026-01-01T00:02:00.000Z",
      url: expect.stringMatching(/#comment-2$/) as unknown,
    });
    // A comment by someone the workspace no longer has, or an integration, has no user.
    expect(comments[0]?.userId).toBeNull();
    expect(fake.requests.map((request) => request.operationName)).toEqual(["BfdIssueComments", "BfdIssueComments"]);
  });

  it("updates a comment the API key's user wrote, in place", async () => {
    const updated = await source.updateComment("comment-2", "**bfd**: still in review");
    expect(updated).toEqual({ id: "comment-2", url: expect.stringMatching(/#comment-2$/) as unknown });
    const stored = fake.world.comments.find((comment) => comment.id === "comment-2");
    expect(stored?.body).toBe("**bfd**: still in review");
    expect(Date.parse(stored?.updatedAt ?? "")).toBeGreaterThan(Date.parse(stored?.createdAt ?? ""));
    expect(fake.world.comments).toHaveLength(130);
  });

  it("refuses to update someone else's comment, saying why", async () => {
    const error = await failure(source.updateComment("comment-1", "mine now"));
    expect(error).toMatchObject({ code: "linear-forbidden", message: "Linear refused to update comment comment-1" });
    expect(error.hint).toMatch(/only a comment's author/);
    expect(fake.world.comments[0]?.body).toBe("Comment 1");
  });

  it("says so when the comment is gone", async () => {
    const error = await failure(source.updateComment("comment-999", "text"));
    expect(error).toMatchObject({ code: "comment-not-found", kind: "input" });
  });

  it.each([
    [{ kind: "ratelimited", retryAfterSeconds: 0 }, 2, "updated"],
    [{ kind: "http-status", status: 502 }, 1, "linear-unavailable"],
  ] satisfies [LinearFault, number, string][])(
    "retries an update after %o only when Linear cannot have applied it",
    async (fault, requests, outcome) => {
      fake.injectFault(fault);
      const result = await source.updateComment("comment-2", "again").then(
        () => "updated",
        (error: unknown) => (error instanceof BfdError ? error.code : String(error)),
      );
      expect(result).toBe(outcome);
      expect(fake.requestCount()).toBe(requests);
    },
  );
});
