import {
  AuthenticationLinearError,
  ForbiddenLinearError,
  InvalidInputLinearError,
  LinearClient,
  LinearError,
  LinearErrorType,
  RatelimitedLinearError,
} from "@linear/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  addIssue,
  defaultWorld,
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeLinear,
  type FakeLinearOptions,
  type LinearWorld,
} from "../fakes/linear.js";

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the request to fail");
}

/** The fake is only useful if the real SDK, over real HTTP, reads its answers the way it reads Linear's. */
describe("the fake Linear, as seen by @linear/sdk", () => {
  let fake: FakeLinear;
  let client: LinearClient;

  beforeAll(async () => {
    fake = await startFakeLinear(defaultWorld());
    client = new LinearClient({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url });
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it("answers a valid query with data and records it", async () => {
    const response = await client.client.rawRequest<
      { issue: { identifier: string; state: { type: string } } },
      { id: string }
    >("query One($id: String!) { issue(id: $id) { identifier state { type } } }", { id: "eng-123" });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ issue: { identifier: "ENG-123", state: { type: "unstarted" } } });
    expect(response.headers?.get("x-ratelimit-requests-remaining")).toMatch(/^\d+$/);
    expect(fake.requestCount()).toBe(1);
    expect(fake.requests[0]).toMatchObject({ operationName: "One", variables: { id: "eng-123" } });
    // Personal API keys go raw in Authorization, without "Bearer".
    expect(fake.requests[0]?.headers["authorization"]).toBe(FAKE_LINEAR_API_KEY);
  });

  it("serves the SDK's own viewer query", async () => {
    const viewer = await client.client.rawRequest<{ viewer: { name: string } }, Record<string, never>>(
      "query { viewer { name } }",
      {},
    );
    expect(viewer.data?.viewer.name).toBe("Ada Lovelace");
  });

  it("rejects a field Linear does not have with HTTP 400 and Linear's validation error shape", async () => {
    const error = await rejection(
      client.client.rawRequest(
        "query Wrong($id: String!) { issue(id: $id) { identifier blockedBy { nodes { identifier } } } }",
        { id: "ENG-123" },
      ),
    );
    expect(error).toBeInstanceOf(LinearError);
    const linearError = error as LinearError;
    expect(linearError.status).toBe(400);
    expect(linearError.type).toBe(LinearErrorType.GraphqlError);
    expect(linearError.errors?.[0]?.message).toMatch(/^Cannot query field "blockedBy" on type "Issue"/);
    expect(linearError.raw?.response?.errors?.[0]).toMatchObject({
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", type: "graphql error", userError: true },
      locations: [{ line: 1, column: 57 }],
    });
  });

  it("answers an unknown issue with Linear's 'Entity not found' error and null data", async () => {
    const error = await rejection(
      client.client.rawRequest("query One($id: String!) { issue(id: $id) { identifier } }", { id: "ENG-999" }),
    );
    expect(error).toBeInstanceOf(InvalidInputLinearError);
    const linearError = error as LinearError;
    expect(linearError.data).toBeNull();
    expect(linearError.errors?.[0]).toMatchObject({
      type: LinearErrorType.InvalidInput,
      message: "Could not find referenced Issue.",
      path: ["issue"],
    });
  });

  it.each([
    ["a wrong key", "lin_api_NotTheRightKey0123456789abcdefghijkl"],
    ["a Bearer-prefixed key", `Bearer ${FAKE_LINEAR_API_KEY}`],
  ])("refuses %s with the SDK's authentication error", async (_case, apiKey) => {
    const wrong = new LinearClient({ apiKey, apiUrl: fake.url });
    const error = await rejection(wrong.client.rawRequest("query { viewer { id } }", {}));
    expect(error).toBeInstanceOf(AuthenticationLinearError);
    expect((error as LinearError).status).toBe(401);
    expect((error as LinearError).message).toContain("You need to authenticate");
  });

  it("answers a rate-limited request the way the SDK turns into RatelimitedLinearError with retryAfter", async () => {
    fake.injectFault({ kind: "ratelimited", retryAfterSeconds: 7 });
    const error = await rejection(client.client.rawRequest("query { viewer { id } }", {}));
    expect(error).toBeInstanceOf(RatelimitedLinearError);
    const limited = error as RatelimitedLinearError;
    expect(limited.status).toBe(400);
    expect(limited.retryAfter).toBe(7);
    expect(limited.requestsRemaining).toBe(0);
    expect(limited.requestsResetAt).toBeGreaterThan(Date.now());
    // Only the next request was faulted.
    await expect(client.client.rawRequest("query { viewer { id } }", {})).resolves.toMatchObject({ status: 200 });
  });

  it("maps an HTTP 429 without GraphQL errors to the SDK's rate-limit error too", async () => {
    fake.injectFault({ kind: "http-429", retryAfterSeconds: 2 });
    const error = await rejection(client.client.rawRequest("query { viewer { id } }", {}));
    expect(error).toBeInstanceOf(RatelimitedLinearError);
    expect((error as RatelimitedLinearError).retryAfter).toBe(2);
  });

  it("repeats a fault for as many requests as asked, then answers again", async () => {
    fake.injectFault({ kind: "http-status", status: 503, times: 2 });
    for (let n = 0; n < 2; n += 1) {
      const error = await rejection(client.client.rawRequest("query { viewer { id } }", {}));
      expect((error as LinearError).status).toBe(503);
    }
    await expect(client.client.rawRequest("query { viewer { id } }", {})).resolves.toMatchObject({ status: 200 });
    expect(fake.requestCount()).toBe(3);
  });

  it("refuses a filter it does not implement loudly instead of ignoring it", async () => {
    const error = await rejection(
      client.client.rawRequest("query { issues(filter: { priority: { eq: 1 } }) { nodes { identifier } } }", {}),
    );
    expect((error as LinearError).status).toBe(500);
    expect((error as LinearError).message).toMatch(/fake Linear: filter key IssueFilter\.priority is not implemented/);
  });

  it("paginates issues with cursors and honours nested first", async () => {
    const query =
      'query Page($after: String) { issues(first: 4, after: $after, filter: { team: { key: { eq: "ENG" } } }) { nodes { identifier relations(first: 1) { nodes { type } pageInfo { hasNextPage } } } pageInfo { hasNextPage endCursor } } }';
    type Page = {
      issues: {
        nodes: { identifier: string; relations: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: Page } = await client.client.rawRequest<Page, { after: string | null }>(query, { after });
      const issues = page.data?.issues;
      if (issues === undefined) throw new Error("no data");
      seen.push(...issues.nodes.map((node) => node.identifier));
      const eng123 = issues.nodes.find((node) => node.identifier === "ENG-123");
      if (eng123 !== undefined)
        expect(eng123.relations).toMatchObject({ nodes: [{ type: "blocks" }], pageInfo: { hasNextPage: true } });
      if (!issues.pageInfo.hasNextPage) break;
      after = issues.pageInfo.endCursor;
    }
    expect(seen).toEqual([
      "ENG-99",
      "ENG-100",
      "ENG-118",
      "ENG-120",
      "ENG-123",
      "ENG-124",
      "ENG-125",
      "ENG-130",
      "ENG-131",
    ]);
    expect(fake.requestCount()).toBe(3);
  });

  it("creates a comment and stores it in the world", async () => {
    const response = await client.client.rawRequest<
      { commentCreate: { success: boolean; comment: { id: string; url: string; body: string } } },
      Record<string, string>
    >(
      "mutation C($issueId: String!, $body: String!) { commentCreate(input: { issueId: $issueId, body: $body }) { success comment { id url body } } }",
      { issueId: "ENG-123", body: "bfd: ready ✅" },
    );
    expect(response.data?.commentCreate).toMatchObject({ success: true, comment: { body: "bfd: ready ✅" } });
    expect(fake.world.comments.at(-1)).toMatchObject({ body: "bfd: ready ✅", userId: fake.world.viewerId });
  });

  it("updates a comment only for its author, and answers anyone else with the SDK's forbidden error", async () => {
    const issueId = fake.world.issues.find((issue) => issue.identifier === "ENG-123")?.id ?? "";
    fake.world.comments.push(
      {
        id: "mine",
        issueId,
        body: "v1",
        userId: fake.world.viewerId,
        createdAt: "2026-01-01T00:00:00.000Z",
        url: "u1",
      },
      { id: "theirs", issueId, body: "v1", userId: "someone-else", createdAt: "2026-01-01T00:00:00.000Z", url: "u2" },
    );
    const update =
      'mutation U($id: String!) { commentUpdate(id: $id, input: { body: "v2" }) { success comment { body } } }';
    const response = await client.client.rawRequest<{ commentUpdate: unknown }, { id: string }>(update, { id: "mine" });
    expect(response.data?.commentUpdate).toEqual({ success: true, comment: { body: "v2" } });
    const error = await rejection(client.client.rawRequest(update, { id: "theirs" }));
    expect(error).toBeInstanceOf(ForbiddenLinearError);
    expect(fake.world.comments.find((comment) => comment.id === "theirs")?.body).toBe("v1");
  });

  it("moves an issue only to a state of its own team's workflow, given by its UUID, as Linear does", async () => {
    const update =
      "mutation U($id: String!, $stateId: String!) { issueUpdate(id: $id, input: { stateId: $stateId }) { success issue { state { name } } } }";
    const states = await client.client.rawRequest<
      { team: { states: { nodes: { id: string; name: string }[] } } },
      { key: string }
    >("query S($key: String!) { team(id: $key) { states { nodes { id name } } } }", { key: "ENG" });
    const started = states.data?.team.states.nodes.find((state) => state.name === "In Progress");
    expect(started?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const moved = await client.client.rawRequest<{ issueUpdate: unknown }, Record<string, string>>(update, {
      id: "ENG-123",
      stateId: started?.id ?? "",
    });
    expect(moved.data?.issueUpdate).toEqual({ success: true, issue: { state: { name: "In Progress" } } });

    // A state's name where its id belongs: refused before any lookup.
    const byName = await rejection(client.client.rawRequest(update, { id: "ENG-123", stateId: "In Progress" }));
    expect(byName).toBeInstanceOf(InvalidInputLinearError);
    expect((byName as LinearError).message).toContain("stateId must be a UUID");

    // Another team's state (the issue moved since its states were read): an error, and the issue stays put.
    fake.world.teams.find((team) => team.key === "OPS")!.states = [{ name: "Triage", type: "triage", position: 0 }];
    const ops = await client.client.rawRequest<{ team: { states: { nodes: { id: string }[] } } }, { key: string }>(
      "query S($key: String!) { team(id: $key) { states { nodes { id } } } }",
      { key: "OPS" },
    );
    const elsewhere = await rejection(
      client.client.rawRequest(update, { id: "ENG-123", stateId: ops.data?.team.states.nodes[0]?.id ?? "" }),
    );
    expect(elsewhere).toBeInstanceOf(LinearError);
    expect(fake.world.issues.find((issue) => issue.identifier === "ENG-123")?.stateName).toBe("In Progress");
  });

  it("delays every answer by the configured latency", async () => {
    fake.setLatency(150);
    const started = Date.now();
    await client.client.rawRequest("query { viewer { id } }", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("the fake Linear's limits, as Linear applies them", () => {
  const fakes: FakeLinear[] = [];
  async function started(options: FakeLinearOptions = {}, world: LinearWorld = defaultWorld()): Promise<LinearClient> {
    const fake = await startFakeLinear(world, options);
    fakes.push(fake);
    return new LinearClient({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: fake.url });
  }
  afterAll(() => Promise.all(fakes.map((fake) => fake.close())));

  // issue 1 + identifier 0.1 + state 1 + type 0.1 = 2.2, rounded up.
  const CHEAP = 'query Cheap { issue(id: "ENG-123") { identifier state { type } } }';

  it("scores every query, says so in x-complexity and spends it from the complexity budget", async () => {
    const client = await started();
    const first = await client.client.rawRequest(CHEAP, {});
    const second = await client.client.rawRequest(CHEAP, {});
    expect(first.headers?.get("x-complexity")).toBe("3");
    const remaining = (response: typeof first): number =>
      Number(response.headers?.get("x-ratelimit-complexity-remaining"));
    expect(remaining(first) - remaining(second)).toBe(3);
    expect(Number(first.headers?.get("x-ratelimit-requests-remaining"))).toBe(
      Number(second.headers?.get("x-ratelimit-requests-remaining")) + 1,
    );
    expect(Number(first.headers?.get("x-ratelimit-complexity-reset"))).toBeGreaterThan(Date.now());
  });

  it("refuses a query above 10,000 points with Linear's too-complex error, naming the score", async () => {
    const client = await started();
    const error = await rejection(
      client.client.rawRequest(
        "query Huge { issues(first: 250) { nodes { children(first: 250) { nodes { id } } } } }",
        {},
      ),
    );
    expect(error).toBeInstanceOf(InvalidInputLinearError);
    expect((error as LinearError).status).toBe(400);
    // 1 + 250 × (1 + 1 + 250 × (1 + 0.1))
    expect((error as LinearError).errors?.[0]?.message).toBe(
      "The query is too complex. Complexity: 69251. Maximum allowed complexity: 10000.",
    );
  });

  it("refuses a too-complex mutation before running it", async () => {
    const world = defaultWorld();
    const client = await started({ maxComplexity: 1 }, world);
    const error = await rejection(
      client.client.rawRequest(
        'mutation { commentCreate(input: { issueId: "ENG-123", body: "x" }) { success comment { id } } }',
        {},
      ),
    );
    // commentCreate 1 + success 0.1 + comment 1 + id 0.1 = 2.2, rounded up.
    expect((error as LinearError).errors?.[0]?.message).toMatch(
      /too complex\. Complexity: 3\. Maximum allowed complexity: 1\./,
    );
    expect(world.comments).toEqual([]);
  });

  it("answers a query dearer than the complexity budget left with RATELIMITED and the budget in the headers", async () => {
    const client = await started({ complexityBudget: 5 });
    await client.client.rawRequest(CHEAP, {});
    const error = await rejection(client.client.rawRequest(CHEAP, {}));
    expect(error).toBeInstanceOf(RatelimitedLinearError);
    const limited = error as RatelimitedLinearError;
    expect([limited.complexityLimit, limited.complexityRemaining]).toEqual([5, 2]);
    expect(limited.requestsRemaining).toBeGreaterThan(0);
    expect(limited.complexityResetAt).toBeGreaterThan(Date.now());
  });

  it("answers every request after the request budget is spent with RATELIMITED", async () => {
    const client = await started({ requestBudget: 2 });
    await client.client.rawRequest(CHEAP, {});
    await client.client.rawRequest(CHEAP, {});
    const error = await rejection(client.client.rawRequest(CHEAP, {}));
    expect(error).toBeInstanceOf(RatelimitedLinearError);
    expect((error as RatelimitedLinearError).requestsRemaining).toBe(0);
    expect((error as RatelimitedLinearError).requestsResetAt).toBeGreaterThan(Date.now());
  });

  it.each([[251], [-1]])("refuses first: %i, outside Linear's page sizes", async (first) => {
    const client = await started();
    const error = await rejection(client.client.rawRequest(`query { issues(first: ${first}) { nodes { id } } }`, {}));
    expect(error).toBeInstanceOf(InvalidInputLinearError);
  });

  /** ENG-1 with three of everything bfd reads, in a project with three documents and three links. */
  function threeOfEach(): LinearWorld {
    const world = emptyWorld();
    const many = (prefix: string) =>
      [1, 2, 3].map((n) => ({ id: `${prefix}-${n}`, title: `${prefix} ${n}`, label: `${prefix} ${n}`, n }));
    world.projects.push({
      id: "prj-1",
      name: "Project",
      url: "https://linear.app/acme/project/p",
      description: "",
      content: null,
      documents: many("doc").map((d) => ({
        id: d.id,
        title: d.title,
        url: `https://linear.app/d/${d.n}`,
        content: null,
      })),
      externalLinks: many("link").map((l) => ({ id: l.id, label: l.label, url: `https://wiki.example/${l.n}` })),
    });
    const issue = addIssue(world, {
      identifier: "ENG-1",
      labels: ["a", "b", "c"],
      projectId: "prj-1",
      attachments: many("att").map((a) => ({
        id: a.id,
        url: `https://gitlab.example/g/p/-/merge_requests/${a.n}`,
        title: a.title,
        subtitle: null,
        sourceType: "gitlab",
        createdAt: "2026-01-01T00:00:00.000Z",
      })),
    });
    for (const n of [2, 3, 4]) addIssue(world, { identifier: `ENG-${n}`, parentId: issue.id });
    for (const n of [5, 6, 7]) {
      addIssue(world, { identifier: `ENG-${n}` });
      relate(world, "ENG-1", "related", `ENG-${n}`);
      relate(world, `ENG-${n}`, "blocks", "ENG-1");
    }
    return world;
  }

  it.each([
    ["labels", "labels"],
    ["children", "children"],
    ["relations", "relations"],
    ["inverseRelations", "inverseRelations"],
    ["attachments", "attachments"],
    ["comments", "comments"],
    ["project documents", "project.documents"],
    ["project externalLinks", "project.externalLinks"],
  ])("pages the issue's %s by first and after with a truthful pageInfo", async (_name, path) => {
    const world = threeOfEach();
    for (const n of [1, 2, 3]) {
      world.comments.push({
        id: `comment-${n}`,
        issueId: world.issues[0]?.id ?? "",
        body: `comment ${n}`,
        userId: world.viewerId,
        createdAt: "2026-01-01T00:00:00.000Z",
        url: `https://linear.app/acme/issue/ENG-1#comment-${n}`,
      });
    }
    const client = await started({}, world);
    const [outer, inner] = path.includes(".") ? path.split(".") : [undefined, path];
    const list = `${inner}(first: 2, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }`;
    const query = `query Page($after: String) { issue(id: "ENG-1") { ${outer === undefined ? list : `${outer} { ${list} }`} } }`;
    type Page = { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    const read = async (after: string | null): Promise<Page> => {
      const response = await client.client.rawRequest<{ issue: Record<string, unknown> }, { after: string | null }>(
        query,
        { after },
      );
      const owner =
        outer === undefined ? response.data?.issue : (response.data?.issue[outer] as Record<string, unknown>);
      return owner?.[inner ?? ""] as Page;
    };
    const one = await read(null);
    expect(one.nodes).toHaveLength(2);
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await read(one.pageInfo.endCursor);
    expect(two.nodes).toHaveLength(1);
    expect(two.pageInfo.hasNextPage).toBe(false);
    expect(two.pageInfo.endCursor).toBe(two.nodes[0]?.id);
    expect(new Set([...one.nodes, ...two.nodes].map((node) => node.id)).size).toBe(3);
  });
});

describe("the fake Linear's lifetime", () => {
  it("stops by itself once its maximum lifetime has passed", async () => {
    const shortLived = await startFakeLinear(defaultWorld(), { maxLifetimeMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(fetch(shortLived.url, { method: "POST", body: "{}" })).rejects.toThrow(/fetch failed/);
    await shortLived.close();
  });
});
