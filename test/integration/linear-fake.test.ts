import {
  AuthenticationLinearError,
  InvalidInputLinearError,
  LinearClient,
  LinearError,
  LinearErrorType,
  RatelimitedLinearError,
} from "@linear/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultWorld, FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";

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

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error("expected the request to fail");
  }

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

  it("delays every answer by the configured latency", async () => {
    fake.setLatency(150);
    const started = Date.now();
    await client.client.rawRequest("query { viewer { id } }", {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
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
