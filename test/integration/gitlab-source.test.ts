import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BfdError, UpstreamError } from "../../src/errors.js";
import { flagRecords } from "../../src/checks/flag-records.js";
import { mergeRequestEvidence } from "../../src/sources/gather.js";
import { createGitLabSource, type GitLabSourceOptions } from "../../src/sources/gitlab/index.js";
import { MAX_TREE_ENTRIES } from "../../src/sources/gitlab/source.js";
import type { RetryPolicy } from "../../src/sources/retry-policy.js";
import type { RequestRecord } from "../../src/sources/trail.js";
import type { EvidencePlan } from "../../src/work-item/evidence.js";
import {
  FAKE_TOKEN,
  fakeBridge,
  fakeChangedFiles,
  fakeDeployment,
  fakeDiff,
  fakeJob,
  fakeLabelEvent,
  fakeMergeRequest,
  fakeNote,
  fakePipeline,
  fakeProject,
  fakeUser,
  fakeWorld,
  startFakeGitLab,
  type FakeGitLab,
  type FakeRequest,
} from "../fakes/gitlab.js";

const OTHER_TOKEN = "glpat-fake-other-0002";
const FLAG_SHA = "f".repeat(40);
const HUGE_SHA = "a".repeat(40);
const introduces = (flag: string) =>
  fakeDiff("app/models/user.rb", {
    diff: `@@ -1,2 +1,3 @@\n class User\n+  def audit? = Feature.enabled?(:${flag}, self)\n end\n`,
  });
const SHA = "d".repeat(40);
const CI_SHA = "e".repeat(40);
const CI_BFD_JOB = 9_511;
const FLAG_GLOBS = ["config/feature_flags/**/*.yml"];
const POLICY: RetryPolicy = { maxAttempts: 3, timeoutMs: 2_000, deadlineMs: 10_000, baseDelayMs: 1, maxDelayMs: 5 };

const MR_PATH = "/api/v4/projects/group%2Fapp/merge_requests/42";
const DIFFS_PATH = `${MR_PATH}/diffs`;
const RAW = /\/repository\/files\/.+\/raw$/;

// !42 changes 250 files (3 diff pages of 100): four feature-flag records among them — one modified (page 1),
// one deleted, one renamed (page 2) and one new (page 3).
const bigDiffs = [
  fakeDiff("config/feature_flags/alpha.yml"),
  ...fakeChangedFiles(120),
  fakeDiff("config/feature_flags/old.yml", { deletedFile: true }),
  fakeDiff("config/feature_flags/gamma.yml", { oldPath: "config/feature_flags/g.yml", renamedFile: true }),
  ...fakeChangedFiles(126, (i) => `lib/more-${i}.ts`),
  fakeDiff("config/feature_flags/beta.yml", { newFile: true }),
];

const world = fakeWorld({
  users: [fakeUser(1, "bfd-bot", "bfd bot"), fakeUser(2, "alice", "Alice")],
  projects: [
    fakeProject("group/app", {
      id: 42,
      files: {
        main: { "rules/ready.yaml": "rules: []\n" },
        // More entries than bfd lists (MAX_TREE_ENTRIES): a listing cut short is never read as whole.
        [HUGE_SHA]: Object.fromEntries(
          Array.from({ length: MAX_TREE_ENTRIES + 1 }, (_, i) => [`config/feature_flags/f${i}.yml`, ""]),
        ),
        // 130 records in one folder: two keyset pages of 100 when listed.
        [FLAG_SHA]: {
          "app/models/user.rb": "class User\nend\n",
          ...Object.fromEntries(
            Array.from({ length: 130 }, (_, i) => [`config/feature_flags/development/flag_${i}.yml`, "name: x\n"]),
          ),
        },
        [SHA]: {
          "config/feature_flags/alpha.yml": "name: alpha\n",
          "config/feature_flags/beta.yml": "name: beta\n",
          "config/feature_flags/gamma.yml": "name: gamma\n",
        },
      },
    }),
  ],
  mergeRequests: [
    // #22: !5 and !6 add a Feature.enabled? call each; flag_7 has a record at the head, brand_new none.
    fakeMergeRequest("group/app", 5, { sha: FLAG_SHA, sourceBranch: "eng-5", diffs: [introduces("flag_7")] }),
    fakeMergeRequest("group/app", 6, { sha: FLAG_SHA, sourceBranch: "eng-6", diffs: [introduces("brand_new")] }),
    fakeMergeRequest("group/app", 42, {
      title: "Ship the flags",
      description: "Closes ENG-1",
      author: "alice",
      labels: ["backend"],
      sourceBranch: "eng-1-ship-flags",
      sha: SHA,
      headPipeline: fakePipeline(900, "success"),
      diffs: bigDiffs,
    }),
    fakeMergeRequest("group/app", 8, {
      sourceBranch: "hidden-pipelines",
      pipelineVisible: false,
      diffs: fakeChangedFiles(2),
    }),
    // The merge-request pipeline bfd ci runs in: a job, two trigger jobs (one failed with its child pipeline), and
    // bfd's own job still running.
    fakeMergeRequest("group/app", 11, {
      sourceBranch: "eng-11-child-pipelines",
      sha: CI_SHA,
      headPipeline: fakePipeline(911, "running", "group/app", {
        jobs: [fakeJob("unit", "success"), fakeJob("bfd", "running", { id: CI_BFD_JOB, stage: ".post" })],
        bridges: [fakeBridge("child-e2e", "failed", { id: 9_301 }), fakeBridge("child-docs", "success", { id: 9_302 })],
      }),
      diffs: fakeChangedFiles(2),
    }),
    fakeMergeRequest("group/app", 9, { sourceBranch: "chatty" }),
    fakeMergeRequest("group/app", 10, { sourceBranch: "chatty", state: "closed" }),
    // 150 merged MRs: every 4th validated, every 10th into develop, the first 20 updated before the window.
    ...Array.from({ length: 150 }, (_, i) =>
      fakeMergeRequest("group/app", 1000 + i, {
        state: "merged",
        labels: i % 4 === 0 ? ["Validated in Staging"] : ["backend"],
        targetBranch: i % 10 === 5 ? "develop" : "main",
        updatedAt:
          i < 20 ? "2024-03-01T00:00:00.000Z" : `2024-05-${String((i % 28) + 1).padStart(2, "0")}T00:00:00.000Z`,
      }),
    ),
  ],
  // Set on !11's head commit by other tools and by bfd serve; GitLab puts each in the newest pipeline of the commit.
  commitStatuses: [
    ["security-scan", "failed"],
    ["ci/bfd-gate", "failed"],
  ].map(([name, state], i) => ({
    id: 9_400 + i,
    project: "group/app",
    sha: CI_SHA,
    name: name!,
    state: state!,
    targetUrl: null,
    description: null,
    authorId: 2,
    createdAt: "2024-05-01T10:00:00.000Z",
  })),
  notes: [
    fakeNote("group/app", 42, { id: 1, body: "LGTM", authorId: 2 }),
    fakeNote("group/app", 42, {
      id: 2,
      body: "<!-- bfd -->report",
      authorId: 1,
      createdAt: "2024-05-02T00:00:00.000Z",
    }),
    fakeNote("group/app", 42, {
      id: 3,
      body: "approved this merge request",
      authorId: 2,
      system: true,
      createdAt: "2024-05-03T00:00:00.000Z",
    }),
    ...Array.from({ length: 130 }, (_, i) =>
      fakeNote("group/app", 9, {
        id: 100 + i,
        body: `note ${i}`,
        authorId: 2,
        createdAt: `2024-05-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.000Z`,
      }),
    ),
  ],
});

let gitlab: FakeGitLab;
let records: RequestRecord[];

beforeAll(async () => {
  gitlab = await startFakeGitLab(world, {
    tokens: {
      [FAKE_TOKEN]: { userId: 1, kind: "personal" },
      [OTHER_TOKEN]: { userId: 2, kind: "personal" },
    },
  });
});
afterAll(() => gitlab.close());
beforeEach(() => {
  gitlab.reset();
  records = [];
});

function source(options: Partial<GitLabSourceOptions> = {}) {
  // The trail of the test that made the source: a read its gather left in flight (beside one that failed) reports to
  // that test's trail, never to the next one's.
  const trail = records;
  return createGitLabSource({
    host: gitlab.url,
    token: FAKE_TOKEN,
    policy: POLICY,
    onRequest: (record) => trail.push(record),
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<BfdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BfdError);
  return error as BfdError;
}

/** Every request in the group started before every other one had finished: they were in flight together. */
const inFlightTogether = (requests: FakeRequest[]): boolean =>
  requests.length > 1 &&
  requests.every((a) => requests.every((b) => a.startedAt < (b.finishedAt ?? Number.POSITIVE_INFINITY)));

const DONE_PLAN: EvidencePlan = {
  issue: true,
  mergeRequest: true,
  changes: true,
  pipeline: true,
  teamKeys: false,
  fileGlobs: [],
  staging: null,
};
const evidence = (project: string, iid: number, globs: string[] = FLAG_GLOBS, src = source()) =>
  mergeRequestEvidence(src, { project, iid }, { plan: { ...DONE_PLAN, fileGlobs: globs } });

describe("GitLab source: merge request evidence, as the gatherer reads it", () => {
  it("reads the MR once, each of the 3 diff pages once, and only the touched flag records the diffs do not hold whole", async () => {
    const { mergeRequest, unavailable } = await evidence("group/app", 42);

    expect(gitlab.requestCount({ path: MR_PATH })).toBe(1);
    expect(gitlab.requestCount({ path: DIFFS_PATH })).toBe(3);
    expect(
      gitlab.requests.filter((r) => r.path === DIFFS_PATH).map((r) => [r.query["page"], r.query["per_page"]]),
    ).toEqual(
      expect.arrayContaining([
        ["1", "100"],
        ["2", "100"],
        ["3", "100"],
      ]),
    );
    const raws = gitlab.requests.filter((r) => RAW.test(r.path));
    // beta.yml is added by the MR: its diff is the whole file, so it costs no read.
    expect(raws.map((r) => decodeURIComponent(r.path.split("/")[7] ?? "")).sort()).toEqual([
      "config/feature_flags/alpha.yml",
      "config/feature_flags/gamma.yml",
    ]);
    expect(raws.every((r) => r.query["ref"] === SHA)).toBe(true);
    // The MR, its 3 diff pages, 2 flag records, and its green pipeline's jobs and trigger jobs (something must have
    // run; trigger jobs' children decide).
    expect(gitlab.requestCount()).toBe(1 + 3 + 2 + 2);
    expect([...gitlab.countsByUrl().values()].every((count) => count === 1)).toBe(true);

    expect(unavailable).toEqual([]);
    expect(mergeRequest).toMatchObject({
      iid: 42,
      projectPath: "group/app",
      url: `${gitlab.url}/group/app/-/merge_requests/42`,
      title: "Ship the flags",
      description: "Closes ENG-1",
      author: "alice",
      labels: ["backend"],
      sourceBranch: "eng-1-ship-flags",
      headSha: SHA,
      headPipeline: {
        id: 900,
        status: "success",
        url: "https://gitlab.example.com/group/app/-/pipelines/900",
        sha: SHA,
        // A green pipeline is read for what ran in it.
        jobs: [expect.objectContaining({ name: "test", status: "success", trigger: false })],
      },
    });
    expect(mergeRequest.changes).toHaveLength(250);
    expect(mergeRequest.changes.map((c) => c.newPath)).toEqual(bigDiffs.map((d) => d.newPath));
    expect(mergeRequest.changes.find((c) => c.newPath === "config/feature_flags/gamma.yml")).toEqual({
      oldPath: "config/feature_flags/g.yml",
      newPath: "config/feature_flags/gamma.yml",
      newFile: false,
      deletedFile: false,
      renamedFile: true,
    });
    expect(mergeRequest.files).toEqual([
      { path: "config/feature_flags/alpha.yml", content: "name: alpha\n" },
      { path: "config/feature_flags/beta.yml", content: "name: beta\n" },
      { path: "config/feature_flags/gamma.yml", content: "name: gamma\n" },
    ]);
  });

  it("runs each wave's requests concurrently: MR with diff page 1, the other pages together, the raw reads together", async () => {
    // Judged from the fake's request log, not wall time: with 100 ms latency per reply, requests issued together are
    // in flight together, and a request that needed an earlier reply starts at least one latency after it.
    const latency = 100;
    gitlab.setLatency(latency);
    await evidence("group/app", 42);

    const page = (n: string) => gitlab.requests.filter((r) => r.path === DIFFS_PATH && r.query["page"] === n);
    const mr = gitlab.requests.filter((r) => r.path === MR_PATH);
    const raws = gitlab.requests.filter((r) => RAW.test(r.path));
    expect(inFlightTogether([...mr, ...page("1")])).toBe(true);
    expect(inFlightTogether([...page("2"), ...page("3")])).toBe(true);
    expect(inFlightTogether(raws)).toBe(true);
    const startOf = (requests: FakeRequest[]) => requests.map((r) => r.startedAt);
    expect(Math.min(...startOf([...page("2"), ...page("3")]))).toBeGreaterThanOrEqual(
      Math.max(...startOf(page("1"))) + latency - 5,
    );
    expect(Math.min(...startOf(raws))).toBeGreaterThanOrEqual(
      Math.max(...startOf([...mr, ...page("3")])) + latency - 5,
    );
  });

  it("falls back to x-next-page when GitLab leaves out the totals, still reading each page once", async () => {
    const big = await startFakeGitLab(world, { omitTotals: true });
    try {
      const result = await evidence(
        "group/app",
        42,
        [],
        createGitLabSource({ host: big.url, token: FAKE_TOKEN, policy: POLICY }),
      );
      expect(result.mergeRequest.changes).toHaveLength(250);
      expect(big.requestCount({ path: DIFFS_PATH })).toBe(3);
      expect(big.requestCount({ path: RAW })).toBe(0);
    } finally {
      await big.close();
    }
  });

  it("reads no file when no glob is given or none matches", async () => {
    const result = await evidence("group/app", 42, ["nothing/**"]);
    expect(result.mergeRequest.files).toEqual([]);
    expect(gitlab.requestCount({ path: RAW })).toBe(0);
  });

  it("reads neither the diffs nor any file when the plan needs no changes", async () => {
    const result = await mergeRequestEvidence(
      source(),
      { project: "group/app", iid: 42 },
      {
        plan: { ...DONE_PLAN, changes: false },
      },
    );
    expect(result.mergeRequest.changes).toEqual([]);
    // The MR, and its green pipeline's jobs and trigger jobs.
    expect(gitlab.requestCount()).toBe(3);
    expect(
      gitlab.requests
        .slice(-2)
        .map((r) => r.path.replace(/.*\//, ""))
        .sort(),
    ).toEqual(["bridges", "jobs"]);
  });

  it("never trusts a capped list: past GitLab's Maximum diff files the changed files are unavailable, naming the cap", async () => {
    const capped = await startFakeGitLab(world, { maxDiffFiles: 100 });
    try {
      const result = await evidence(
        "group/app",
        42,
        FLAG_GLOBS,
        createGitLabSource({ host: capped.url, token: FAKE_TOKEN, policy: POLICY }),
      );
      expect(result.mergeRequest.changes).toEqual([]);
      expect(result.unavailable).toEqual([
        {
          evidence: "mergeRequest.changes",
          reason: expect.stringContaining('GitLab lists only 100 of the changed files of !42 (changes_count "100+"'),
        },
        { evidence: "mergeRequest.files", reason: expect.stringContaining("needs the changed files of !42") },
      ]);
    } finally {
      await capped.close();
    }
  });

  it("reports the head pipeline as unavailable when GitLab leaves the pipeline fields out", async () => {
    const { mergeRequest, unavailable } = await evidence("group/app", 8, []);
    expect(mergeRequest.headPipeline).toBeNull();
    expect(unavailable).toEqual([
      { evidence: "mergeRequest.headPipeline", reason: expect.stringContaining("may not read pipelines in group/app") },
    ]);
  });

  it("fails with mr-not-found for an unknown merge request", async () => {
    const error = await failure(evidence("group/app", 999));
    expect(error).toMatchObject({
      kind: "input",
      code: "mr-not-found",
      message: "GitLab merge request !999 was not found in group/app",
    });
  });

  it("fails with project-not-found naming the project for an unknown project", async () => {
    const error = await failure(evidence("group/nope", 1, []));
    expect(error).toMatchObject({ kind: "input", code: "project-not-found" });
    expect(error.message).toContain("group/nope");
    expect(error.hint).toContain("full path");
  });

  it.each([
    ["a path", "group/nope", "GitLab project group/nope was not found, or the token in GITLAB_TOKEN cannot see it"],
    ["a numeric id", 4040, "GitLab project 4040 was not found, or the token in GITLAB_TOKEN cannot see it"],
  ])("names an unknown project given as %s", async (_, project, message) => {
    expect(await failure(source().getMergeRequestSummary(project, 1))).toMatchObject({
      code: "project-not-found",
      message,
    });
  });

  it("fails when a diff page fails for a reason other than access, after the policy's attempts", async () => {
    gitlab.injectFault({ kind: "http-status", status: 503, match: "/diffs", times: Infinity });
    const error = await failure(evidence("group/app", 42, []));
    expect(error).toMatchObject({ kind: "upstream", code: "gitlab-unavailable" });
    expect(error.message).toBe(
      "GitLab answered HTTP 503 while reading the changed files of !42 in group/app (3 attempts)",
    );
  });

  it("reports the changed files as unavailable, naming the scope, when the token may not read them", async () => {
    gitlab.injectFault({ kind: "http-status", status: 403, body: { message: "403 Forbidden" }, match: "/diffs" });
    const { unavailable } = await evidence("group/app", 42, []);
    expect(unavailable).toEqual([
      {
        evidence: "mergeRequest.changes",
        reason: expect.stringMatching(
          /^the token in GITLAB_TOKEN may not read the changed files of !42 \(GitLab answered HTTP 403\); it needs the read_api scope/,
        ),
      },
    ]);
  });
});

describe("GitLab source: the pipeline bfd ci runs in", () => {
  const PIPELINE = "/api/v4/projects/group%2Fapp/pipelines/911";
  const ci = {
    jobId: CI_BFD_JOB,
    pipelineId: 911,
    pipelineUrl: null,
    sha: CI_SHA,
    diffBaseSha: null,
    checkout: "/nonexistent",
  };
  const inCi = (src = source()) =>
    mergeRequestEvidence(src, { project: "group/app", iid: 11 }, { plan: { ...DONE_PLAN, changes: false }, ci });

  it("reads a pipeline's trigger jobs beside its jobs, at once and every page of each: GitLab lists them apart", async () => {
    gitlab.world.mergeRequests
      .find((m) => m.iid === 11)!
      .headPipeline!.bridges!.push(...Array.from({ length: 150 }, (_, i) => fakeBridge(`shard-${i}`, "success")));
    // With 50 ms per reply, requests sent together are in flight together (see the diff pages above).
    gitlab.setLatency(50);
    const read = await source().readPipelineJobs("group/app", 911);
    if (!read.ok) throw new Error(read.reason);
    expect(read.value).toHaveLength(154);
    expect(read.value.filter((job) => job.trigger)).toHaveLength(152);
    expect(read.value.find((job) => job.name === "child-e2e")).toEqual({
      id: 9_301,
      name: "child-e2e",
      stage: "test",
      status: "failed",
      allowFailure: false,
      url: `${gitlab.url}/group/app/-/jobs/9301`,
      trigger: true,
      downstreamPipeline: { id: 69_301, status: "failed", url: `${gitlab.url}/group/app/-/pipelines/69301` },
      description: null,
    });
    expect(gitlab.requestCount({ path: `${PIPELINE}/jobs` })).toBe(1);
    expect(gitlab.requests.filter((r) => r.path === `${PIPELINE}/bridges`).map((r) => r.query["page"] ?? "1")).toEqual([
      "1",
      "2",
    ]);
    const firstPages = gitlab.requests.filter((r) => r.path.startsWith(PIPELINE) && r.query["page"] === undefined);
    expect(inFlightTogether(firstPages)).toBe(true);
  });

  it("reports the jobs as unreadable, naming the trigger jobs, when GitLab refuses to list those", async () => {
    gitlab.injectFault({ kind: "http-status", status: 403, match: "/bridges" });
    expect(await source().readPipelineJobs("group/app", 911)).toEqual({
      ok: false,
      reason: expect.stringContaining("may not read the trigger jobs of pipeline #911 (GitLab answered HTTP 403)"),
    });
  });

  it("judges the jobs, the trigger jobs and the external statuses of the pipeline, each once, all in the first wave", async () => {
    gitlab.setLatency(50);
    const { mergeRequest, unavailable } = await inCi();
    expect(unavailable).toEqual([]);
    expect(mergeRequest.headPipeline?.jobs?.map((job) => [job.name, job.status, job.trigger])).toEqual([
      ["unit", "success", false],
      ["bfd", "running", false],
      ["child-e2e", "failed", true],
      ["child-docs", "success", true],
      ["ci/bfd-gate", "failed", false],
      ["security-scan", "failed", false],
    ]);
    const wave = gitlab.requests.filter((r) => r.path.includes("/pipelines/911/") || r.path.includes("/statuses"));
    expect(wave.map((r) => r.path.replace("/api/v4/projects/group%2Fapp", "")).sort()).toEqual([
      "/pipelines/911/bridges",
      "/pipelines/911/jobs",
      `/repository/commits/${CI_SHA}/statuses`,
    ]);
    expect(inFlightTogether([...wave, gitlab.requests.find((r) => r.path === `${MR_PATH.replace("42", "11")}`)!])).toBe(
      true,
    );
  });

  it.each([
    ["the trigger jobs", "/bridges", "the trigger jobs of pipeline #911"],
    ["the statuses of its commit", "/statuses", "the statuses of pipeline #911"],
  ])(
    "never judges the pipeline without %s: refused, the pipeline is unavailable, naming them",
    async (_, match, what) => {
      gitlab.injectFault({ kind: "http-status", status: 404, match });
      const { mergeRequest, unavailable } = await inCi();
      expect(mergeRequest.headPipeline?.jobs).toBeNull();
      expect(unavailable).toEqual([
        { evidence: "mergeRequest.headPipeline", reason: expect.stringContaining(`may not read ${what}`) },
      ]);
    },
  );
});

describe("GitLab source: retries follow the one policy", () => {
  it("waits Retry-After on a 429, then succeeds on the second request", async () => {
    gitlab.injectFault({ kind: "http-429", retryAfter: 1, match: "/user" });
    const started = performance.now();
    await expect(source().currentUser()).resolves.toEqual({ id: 1, username: "bfd-bot" });
    expect(gitlab.requestCount({ path: "/api/v4/user" })).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(records.map((r) => [r.status, r.attempt])).toEqual([
      [429, 1],
      [200, 2],
    ]);
  });

  it("backs off on a 429 without Retry-After, then succeeds", async () => {
    gitlab.injectFault({ kind: "http-429", match: "/user" });
    await expect(source().currentUser()).resolves.toMatchObject({ id: 1 });
    expect(gitlab.requestCount()).toBe(2);
  });

  it("uses RateLimit-Reset when Retry-After is missing", async () => {
    gitlab.injectFault({ kind: "http-429", rateLimitReset: Math.ceil(Date.now() / 1000) + 1 });
    const started = performance.now();
    await source().currentUser();
    expect(gitlab.requestCount()).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("gives up on a persistent 429 with a one-line error carrying Retry-After", async () => {
    gitlab.injectFault({ kind: "http-429", retryAfter: 0, times: Infinity });
    const error = await failure(source().getProject("group/app"));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "gitlab-rate-limited", status: 429 });
    expect(error.message).toBe(
      "GitLab rate limit reached while reading project group/app (0 requests remaining, retry after 0 s; 3 attempts)",
    );
    expect(gitlab.requestCount()).toBe(3);
  });

  it("does not start a Retry-After wait that would cross the deadline", async () => {
    gitlab.injectFault({ kind: "http-429", retryAfter: 60, times: Infinity });
    const started = performance.now();
    const error = await failure(source().currentUser());
    expect(error.code).toBe("gitlab-rate-limited");
    expect(error.message).toContain("retry after 60 s");
    expect(gitlab.requestCount()).toBe(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([1, 3, 5])(
    "makes exactly maxAttempts=%i requests on a persistent 502 (gitbeaker's own 10-retry loop is gone)",
    async (maxAttempts) => {
      gitlab.injectFault({ kind: "http-status", status: 502, times: Infinity });
      const error = await failure(
        source({ policy: { ...POLICY, maxAttempts } }).getMergeRequestSummary("group/app", 42),
      );
      expect(error).toMatchObject({ kind: "upstream", code: "gitlab-unavailable", status: 502 });
      expect(gitlab.requestCount()).toBe(maxAttempts);
      expect(records.map((r) => r.attempt)).toEqual(Array.from({ length: maxAttempts }, (_, i) => i + 1));
    },
  );

  it.each([
    [502, 3],
    [503, 3],
    [504, 3],
    [500, 1],
    [400, 1],
    [409, 1],
    [422, 1],
  ])("on a persistent HTTP %i makes %i request(s)", async (status, requests) => {
    gitlab.injectFault({ kind: "http-status", status, times: Infinity });
    const error = await failure(source().getMergeRequestSummary("group/app", 42));
    expect(error).toMatchObject({ kind: "upstream", status });
    expect(error.message).toMatch(
      new RegExp(`^GitLab answered HTTP ${status} while reading merge request !42 in group/app`),
    );
    expect(gitlab.requestCount()).toBe(requests);
  });

  it.each([
    ["a dropped connection", { kind: "reset" as const }],
    ["a body cut short", { kind: "truncated" as const }],
    ["a 503", { kind: "http-status" as const, status: 503 }],
  ])("recovers from %s on the next attempt", async (_, fault) => {
    gitlab.injectFault({ ...fault, match: "/merge_requests" });
    await expect(source().listOpenMergeRequestsForBranch("group/app", "chatty")).resolves.toHaveLength(1);
    expect(gitlab.requestCount()).toBe(2);
    expect(records[0]?.status).toBe(fault.kind === "http-status" ? 503 : "network-error");
  });

  it("fails after maxAttempts when every body is cut short", async () => {
    gitlab.injectFault({ kind: "truncated", times: Infinity });
    const error = await failure(source().currentUser());
    expect(error).toMatchObject({ code: "gitlab-connection-reset" });
    expect(error.message).toBe(
      "GitLab closed the connection before the reply was complete while reading the token's user (3 attempts)",
    );
    expect(gitlab.requestCount()).toBe(3);
  });

  it("times out a hung request per attempt and reports it", async () => {
    gitlab.injectFault({ kind: "hang", times: Infinity });
    const started = performance.now();
    const error = await failure(source({ policy: { ...POLICY, timeoutMs: 150, maxAttempts: 2 } }).currentUser());
    expect(error).toMatchObject({ kind: "upstream", code: "gitlab-timeout" });
    expect(error.message).toBe("GitLab did not answer within 0.15 s while reading the token's user (2 attempts)");
    expect(gitlab.requestCount()).toBe(2);
    expect(records.map((r) => r.status)).toEqual(["timeout", "timeout"]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("stops retrying at the deadline even with attempts left", async () => {
    gitlab.injectFault({ kind: "hang", times: Infinity });
    const error = await failure(
      source({ policy: { ...POLICY, timeoutMs: 150, deadlineMs: 200, maxAttempts: 10 } }).currentUser(),
    );
    expect(error.code).toBe("gitlab-timeout");
    expect(gitlab.requestCount()).toBeLessThanOrEqual(2);
  });
});

describe("GitLab source: unusable replies", () => {
  it.each([
    [
      "an HTML page with 200",
      { kind: "html" as const, status: 200 },
      "gitlab-bad-response",
      "GitLab sent an HTML page instead of JSON while reading merge request !42 in group/app (HTTP 200, text/html)",
      1,
    ],
    [
      "malformed JSON",
      { kind: "malformed-json" as const },
      "gitlab-bad-response",
      "GitLab sent malformed JSON while reading merge request !42 in group/app (HTTP 200, application/json)",
      1,
    ],
    [
      "a text body where JSON belongs",
      { kind: "http-status" as const, status: 200, body: "OK" },
      "gitlab-bad-response",
      "GitLab sent a reply that is not JSON while reading merge request !42 in group/app (HTTP 200, text/plain)",
      1,
    ],
    [
      "an HTML 502 error page",
      { kind: "html" as const },
      "gitlab-unavailable",
      "GitLab answered HTTP 502 (an HTML error page) while reading merge request !42 in group/app (3 attempts)",
      3,
    ],
  ])("turns %s into one UpstreamError line", async (_, fault, code, message, requests) => {
    gitlab.injectFault({ ...fault, times: Infinity });
    const error = await failure(source().getMergeRequestSummary("group/app", 42));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code, message });
    expect(error.message).not.toContain("\n");
    expect(gitlab.requestCount()).toBe(requests);
  });

  it("rejects JSON of the wrong shape with the field that is off", async () => {
    gitlab.injectFault({ kind: "http-status", status: 200, body: { iid: "forty-two" } });
    const error = await failure(source().getMergeRequestSummary("group/app", 42));
    expect(error).toMatchObject({
      code: "gitlab-bad-response",
      message:
        "GitLab sent JSON of an unexpected shape while reading merge request !42 in group/app (HTTP 200): iid: Invalid input: expected number, received string",
    });
  });

  it("names an unreachable host and does not retry a refused connection", async () => {
    const closed = await startFakeGitLab(fakeWorld());
    await closed.close();
    // Its own trail: a request an earlier test left in flight (a wave-1 read beside a read that failed) may still
    // report to the shared one.
    const trail: RequestRecord[] = [];
    const error = await failure(
      createGitLabSource({
        host: closed.url,
        token: FAKE_TOKEN,
        policy: POLICY,
        onRequest: (r) => trail.push(r),
      }).currentUser(),
    );
    expect(error).toMatchObject({
      code: "gitlab-unreachable",
      message: `Could not reach GitLab at ${closed.url} while reading the token's user (ECONNREFUSED)`,
    });
    expect(trail.map((r) => r.status)).toEqual(["network-error"]);
  });
});

describe("GitLab source: auth", () => {
  it("rejects a bad token with the one-line message and hint, never showing the token", async () => {
    const token = "glpat-this-is-not-valid-123";
    const error = await failure(source({ token }).currentUser());
    expect(error).toMatchObject({
      kind: "setup",
      code: "gitlab-auth",
      message: "GitLab rejected the token in GITLAB_TOKEN (HTTP 401): it is wrong, expired or revoked",
      hint: "Create a personal, group or project access token with the read_api scope (api to post notes) and export GITLAB_TOKEN=glpat-…",
    });
    expect(`${error.message} ${error.hint} ${JSON.stringify(records)}`).not.toContain(token);
    expect(gitlab.requestCount()).toBe(1);
  });

  it("names the missing scope when GitLab says insufficient_scope", async () => {
    gitlab.injectFault({
      kind: "http-status",
      status: 403,
      body: {
        error: "insufficient_scope",
        error_description: "The request requires higher privileges than provided by the access token.",
        scope: "api",
      },
    });
    const error = await failure(source().createNote("group/app", 42, "report"));
    expect(error).toMatchObject({
      code: "gitlab-forbidden",
      message:
        "GitLab refused the token in GITLAB_TOKEN while posting a note on !42 in group/app (HTTP 403): it lacks the api scope",
    });
  });

  it("names the scope and role needed when a read is forbidden", async () => {
    gitlab.injectFault({ kind: "http-status", status: 403 });
    const error = await failure(source().getProject(42));
    expect(error.message).toBe(
      "GitLab refused the token in GITLAB_TOKEN while reading project 42 (HTTP 403): it needs the read_api scope and at least the Reporter role in project 42",
    );
  });
});

describe("GitLab source: lookups", () => {
  it("reads the token's user, the project and an MR summary", async () => {
    const gl = source();
    await expect(gl.currentUser()).resolves.toEqual({ id: 1, username: "bfd-bot" });
    await expect(gl.getProject("group/app")).resolves.toEqual({
      id: 42,
      path: "group/app",
      defaultBranch: "main",
      webUrl: `${gitlab.url}/group/app`,
    });
    await expect(gl.getMergeRequestSummary(42, 42)).resolves.toEqual({
      iid: 42,
      projectPath: "group/app",
      url: `${gitlab.url}/group/app/-/merge_requests/42`,
      title: "Ship the flags",
      state: "opened",
      sourceBranch: "eng-1-ship-flags",
      targetBranch: "main",
      draft: false,
      author: "alice",
      mergedAt: null,
      updatedAt: "2024-05-01T10:00:00.000Z",
    });
  });

  it("lists only open merge requests from the branch, asking GitLab to filter", async () => {
    const mrs = await source().listOpenMergeRequestsForBranch("group/app", "chatty");
    expect(mrs.map((mr) => mr.iid)).toEqual([9]);
    expect(gitlab.requests[0]?.query).toMatchObject({ state: "opened", source_branch: "chatty", per_page: "100" });
  });

  it("lists merged MRs with GitLab-side filters, not[labels] included, across every page", async () => {
    const merged = await source().listMergedMergeRequests("group/app", {
      targetBranch: "main",
      updatedAfter: "2024-04-01T00:00:00Z",
      notLabels: ["Validated in Staging"],
    });
    const expected = Array.from({ length: 150 }, (_, i) => i).filter((i) => i >= 20 && i % 4 !== 0 && i % 10 !== 5);
    expect(merged.map((mr) => mr.iid).sort((a, b) => a - b)).toEqual(expected.map((i) => 1000 + i));
    expect(merged.every((mr) => mr.labels.includes("backend") && mr.author === "dev" && mr.state === "merged")).toBe(
      true,
    );
    const lists = gitlab.requests.filter((r) => r.path === "/api/v4/projects/group%2Fapp/merge_requests");
    expect(lists).toHaveLength(Math.ceil(expected.length / 100));
    for (const request of lists) {
      expect(request.query).toMatchObject({
        state: "merged",
        target_branch: "main",
        updated_after: "2024-04-01T00:00:00Z",
        "not[labels]": "Validated in Staging",
        per_page: "100",
      });
    }
  });

  it("sends no not[labels] when there is nothing to exclude", async () => {
    await source().listMergedMergeRequests("group/app", {
      targetBranch: "develop",
      updatedAfter: "2024-01-01T00:00:00Z",
      notLabels: [],
    });
    expect(Object.keys(gitlab.requests[0]?.query ?? {})).not.toContain("not[labels]");
  });

  it.each([
    ["an existing file", "rules/ready.yaml", "main", "rules: []\n"],
    ["a file missing at that ref", "rules/ready.yaml", SHA, null],
    ["a missing file", "nope.yaml", "main", null],
  ])("reads %s", async (_, path, ref, expected) => {
    await expect(source().readFile("group/app", path, ref)).resolves.toBe(expected);
  });

  it("still fails on an unknown project when reading a file", async () => {
    expect(await failure(source().readFile("group/nope", "a.yml", "main"))).toMatchObject({
      code: "project-not-found",
    });
  });
});

describe("GitLab source: notes", () => {
  it("lists every note across pages, oldest first, system notes included", async () => {
    const notes = await source().listNotes("group/app", 9);
    expect(notes).toHaveLength(130);
    expect(notes.map((n) => n.id)).toEqual(Array.from({ length: 130 }, (_, i) => 100 + i));
    expect(gitlab.requestCount({ pathIncludes: "/notes" })).toBe(2);
    expect(
      (await source().listNotes("group/app", 42)).map(({ id, body, authorId, system }) => ({
        id,
        body,
        authorId,
        system,
      })),
    ).toEqual([
      { id: 1, body: "LGTM", authorId: 2, system: false },
      { id: 2, body: "<!-- bfd -->report", authorId: 1, system: false },
      { id: 3, body: "approved this merge request", authorId: 2, system: true },
    ]);
  });

  it("creates, edits and deletes its own note", async () => {
    const gl = source();
    const { id } = await gl.createNote("group/app", 42, "<!-- bfd -->new report");
    expect(gitlab.world.notes.find((n) => n.id === id)).toMatchObject({ body: "<!-- bfd -->new report", authorId: 1 });
    await gl.updateNote("group/app", 42, id, "<!-- bfd -->updated");
    expect(gitlab.world.notes.find((n) => n.id === id)?.body).toBe("<!-- bfd -->updated");
    await gl.deleteNote("group/app", 42, id);
    expect(gitlab.world.notes.some((n) => n.id === id)).toBe(false);
    expect(records.map((r) => [r.method, r.status])).toEqual([
      ["POST", 201],
      ["PUT", 200],
      ["DELETE", 204],
    ]);
  });

  it.each([
    [
      "edit",
      (gl: ReturnType<typeof source>) => gl.updateNote("group/app", 42, 1, "hijacked"),
      "editing note 1 on !42 in group/app",
    ],
    [
      "delete",
      (gl: ReturnType<typeof source>) => gl.deleteNote("group/app", 42, 1),
      "deleting note 1 on !42 in group/app",
    ],
  ])("refuses to %s someone else's note with a 403 explained", async (_, call, doing) => {
    const error = await failure(call(source()));
    expect(error).toMatchObject({
      kind: "setup",
      code: "gitlab-forbidden",
      status: 403,
      message: `GitLab refused ${doing} (HTTP 403): only a note's author may edit or delete it`,
    });
    expect(gitlab.requestCount()).toBe(1);
    expect(gitlab.world.notes.find((n) => n.id === 1)?.body).toBe("LGTM");
  });

  it("reports a missing note as note-not-found", async () => {
    expect(await failure(source().updateNote("group/app", 42, 4242, "x"))).toMatchObject({
      kind: "input",
      code: "note-not-found",
    });
  });
});

describe("GitLab source: request trail", () => {
  it("reports every exchange to onRequest with the service, method, token-free URL, status, time and attempt", async () => {
    await evidence("group/app", 42);
    expect(records).toHaveLength(gitlab.requestCount());
    for (const record of records) {
      expect(record).toMatchObject({ service: "GitLab", method: "GET", status: 200, attempt: 1 });
      expect(record.url.startsWith(`${gitlab.url}/api/v4/projects/group%2Fapp/`)).toBe(true);
      expect(record.url).not.toContain(FAKE_TOKEN);
      expect(record.ms).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("GitLab source: what bfd serve, bfd staging and bfd doctor read and write", () => {
  const SERVE_SHA = "5".repeat(40);
  const world = fakeWorld({
    projects: [fakeProject("acme/api", { id: 77 })],
    mergeRequests: [
      fakeMergeRequest("acme/api", 5, {
        sha: SERVE_SHA,
        state: "merged",
        mergedAt: "2026-11-20T10:00:00.000Z",
        labels: ["Validated in Staging"],
      }),
      fakeMergeRequest("acme/api", 6, { sha: "6".repeat(40) }),
      fakeMergeRequest("acme/api", 7, { sha: "7".repeat(40), state: "closed" }),
    ],
    deployments: [
      fakeDeployment("acme/api", { id: 901, finishedAt: "2026-11-19T09:00:00.000Z", mergeRequests: [] }),
      fakeDeployment("acme/api", { id: 902, finishedAt: "2026-11-20T14:02:00.000Z", mergeRequests: [5] }),
      fakeDeployment("acme/api", {
        id: 903,
        finishedAt: "2026-11-21T08:00:00.000Z",
        mergeRequests: [],
        environment: "production",
      }),
      fakeDeployment("acme/api", {
        id: 904,
        finishedAt: "2026-11-22T08:00:00.000Z",
        mergeRequests: [],
        status: "failed",
      }),
    ],
    labelEvents: [
      fakeLabelEvent("acme/api", 5, { label: "Validated in Staging", createdAt: "2026-11-20T12:00:00.000Z" }),
      fakeLabelEvent("acme/api", 5, {
        label: "Validated in Staging",
        action: "remove",
        createdAt: "2026-11-20T12:30:00.000Z",
      }),
      fakeLabelEvent("acme/api", 5, { label: "Validated in Staging", createdAt: "2026-11-21T09:00:00.000Z" }),
    ],
    statusChecks: [{ id: 31, project: "acme/api", name: "bfd", responses: [] }],
  });
  let fake: FakeGitLab;
  beforeAll(async () => {
    fake = await startFakeGitLab(world, {
      timeOffset: "+02:00",
      tokens: {
        [FAKE_TOKEN]: { userId: 1, kind: "personal", name: "bfd-ci", scopes: ["read_api"], expiresAt: "2027-03-01" },
      },
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  const src = () => createGitLabSource({ host: fake.url, token: FAKE_TOKEN, policy: POLICY });

  it("reads the token's own name, scopes and expiry", async () => {
    expect(await src().tokenInfo()).toEqual({
      name: "bfd-ci",
      scopes: ["read_api"],
      active: true,
      expiresAt: "2027-03-01",
    });
  });

  it("lists successful staging deployments after a time, newest first, filtered by GitLab", async () => {
    const deployments = await src().listDeployments("acme/api", {
      environment: "staging",
      finishedAfter: "2026-11-19T12:00:00Z",
    });
    expect(deployments.map((d) => [d.id, d.environment])).toEqual([[902, "staging"]]);
    // Written with the instance's offset: the same instant.
    expect(Date.parse(deployments[0]!.finishedAt)).toBe(Date.parse("2026-11-20T14:02:00.000Z"));
    expect(deployments[0]!.finishedAt).toMatch(/\+02:00$/);
    const request = fake.requests.find((r) => r.path.endsWith("/deployments"));
    expect(request?.query).toMatchObject({ environment: "staging", status: "success", order_by: "finished_at" });
  });

  it("reads the MRs a deployment brought, and an MR's label history", async () => {
    expect(await src().deploymentMergeRequests("acme/api", 902)).toEqual([5]);
    const events = await src().labelEvents("acme/api", 5);
    expect(events.map((e) => [e.action, e.label])).toEqual([
      ["add", "Validated in Staging"],
      ["remove", "Validated in Staging"],
      ["add", "Validated in Staging"],
    ]);
  });

  it("finds where a merged MR stands in staging: the deployment that lists it, and when the label was last added", async () => {
    const { mergeRequest } = await mergeRequestEvidence(
      src(),
      { project: "acme/api", iid: 5 },
      {
        plan: {
          ...DONE_PLAN,
          changes: false,
          pipeline: false,
          staging: { environment: "staging", label: "Validated in Staging" },
        },
      },
    );
    expect(mergeRequest.staging).toMatchObject({ environment: "staging", deploymentId: 902 });
    expect(Date.parse(mergeRequest.staging!.deployedAt!)).toBe(Date.parse("2026-11-20T14:02:00.000Z"));
    // Added, removed, added again: the last addition counts.
    expect(Date.parse(mergeRequest.staging!.labelAddedAt!)).toBe(Date.parse("2026-11-21T09:00:00.000Z"));
  });

  it("lists only open merge requests, every page", async () => {
    expect((await src().listOpenMergeRequests("acme/api")).map((m) => m.iid)).toEqual([6]);
  });

  it("sets a commit status with a description cut to GitLab's 255 characters", async () => {
    await src().setCommitStatus("acme/api", SERVE_SHA, {
      state: "failed",
      name: "bfd/done",
      targetUrl: "https://bfd.example.com/board",
      description: "x".repeat(400),
    });
    expect(fake.world.commitStatuses).toMatchObject([{ name: "bfd/done", state: "failed", sha: SERVE_SHA }]);
    expect(fake.world.commitStatuses[0]!.description).toHaveLength(255);
  });

  it("answers an external status check, and GitLab refuses an answer for a sha that is not the head (409)", async () => {
    await src().respondToStatusCheck("acme/api", 6, { sha: "6".repeat(40), checkId: 31, status: "passed" });
    expect(fake.world.statusChecks[0]!.responses).toEqual([
      { mergeRequestIid: 6, sha: "6".repeat(40), status: "passed" },
    ]);
    const error = await failure(
      src().respondToStatusCheck("acme/api", 6, { sha: "0".repeat(40), checkId: 31, status: "passed" }),
    );
    expect(error).toMatchObject({ kind: "upstream", status: 409 });
  });
});

describe("GitLab source: records at the MR's head, for a flag the MR introduces without one (#22)", () => {
  const TREE = "/api/v4/projects/group%2Fapp/repository/tree";
  const introducedNames = [
    { introducers: flagRecords.options.parse({}).introducedBy, records: ["config/feature_flags/**/*.yml"] },
  ];
  const withFlags = (iid: number) =>
    mergeRequestEvidence(source(), { project: "group/app", iid }, { plan: { ...DONE_PLAN, introducedNames } });

  it("lists every file under a folder, recursively, following GitLab's keyset pages once each", async () => {
    const listed = await source().listFilesUnder("group/app", "config/feature_flags", FLAG_SHA);
    expect(listed.ok && listed.value.length).toBe(130);
    const pages = gitlab.requests.filter((r) => r.path === TREE);
    expect(pages).toHaveLength(2);
    expect(pages.map((r) => r.query["pagination"])).toEqual(["keyset", "keyset"]);
    expect(pages[1]!.query["page_token"]).toEqual(expect.any(String));
  });

  it("refuses to call a listing whole past its bound, naming it", async () => {
    const listed = await source().listFilesUnder("group/app", "config/feature_flags", HUGE_SHA);
    expect(listed).toEqual({
      ok: false,
      reason: `config/feature_flags holds more than ${MAX_TREE_ENTRIES} entries at aaaaaaaa: bfd lists no more`,
    });
    expect(gitlab.requests.filter((r) => r.path === TREE)).toHaveLength(MAX_TREE_ENTRIES / 100);
  });

  it("lists no files under a folder the commit does not have (GitLab's 404)", async () => {
    expect(await source().listFilesUnder("group/app", "feature-flags", FLAG_SHA)).toEqual({ ok: true, value: [] });
  });

  it("finds the record of a flag the MR introduces at its head, listing the record folder once (its two keyset pages)", async () => {
    const { mergeRequest, unavailable } = await withFlags(5);
    expect(unavailable).toEqual([]);
    expect(mergeRequest.existingFiles).toEqual(["config/feature_flags/development/flag_7.yml"]);
    expect(mergeRequest.changes[0]!.addedLines).toEqual([
      { line: 2, text: "  def audit? = Feature.enabled?(:flag_7, self)" },
    ]);
    expect(gitlab.requests.filter((r) => r.path === TREE).map((r) => r.query["path"])).toEqual([
      "config/feature_flags",
      "config/feature_flags",
    ]);
  });

  it("finds no record of a flag new to the repository", async () => {
    expect((await withFlags(6)).mergeRequest.existingFiles).toEqual([]);
  });

  it("lists nothing for an MR whose added lines introduce no flag (the usual MR)", async () => {
    const { mergeRequest } = await withFlags(42);
    expect(mergeRequest.existingFiles).toBeNull();
    expect(gitlab.requests.filter((r) => r.path === TREE)).toEqual([]);
  });

  it("reports the records as unavailable when GitLab refuses the listing, so the rule is an error, never a pass", async () => {
    gitlab.injectFault({
      kind: "http-status",
      status: 403,
      body: { message: "403 Forbidden" },
      match: "/repository/tree",
    });
    const { mergeRequest, unavailable } = await withFlags(6);
    expect(mergeRequest.existingFiles).toBeNull();
    expect(unavailable).toEqual([
      { evidence: "mergeRequest.existingFiles", reason: expect.stringContaining("HTTP 403") },
    ]);
  });
});
