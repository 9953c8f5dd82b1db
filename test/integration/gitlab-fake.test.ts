import { readFileSync } from "node:fs";
import { Gitlab, GitbeakerRequestError, GitbeakerRetryError } from "@gitbeaker/rest";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FAKE_JOB_TOKEN,
  FAKE_TARGET_TIP,
  FAKE_TOKEN,
  fakeBridge,
  fakeChangedFiles,
  fakeJob,
  fakeMergeRequest,
  fakeNote,
  fakePipeline,
  fakeProject,
  fakeUser,
  pipelineStatusOf,
  fakeWorld,
  startFakeGitLab,
  type FakeGitLab,
} from "../fakes/gitlab.js";

// The fake is proven with the real @gitbeaker/rest client over real HTTP: if gitbeaker can page, filter and fail
// against it the way the docs say GitLab behaves, the GitLab source's tests against it mean something.

const OTHER_TOKEN = "glpat-fake-other-0002";
const HEAD_101 = "5".repeat(40);
const MERGE_101 = "6".repeat(40);
const CHILD_TESTS_ID = 8_801;

const world = fakeWorld({
  users: [fakeUser(1, "bfd-bot", "bfd bot"), fakeUser(2, "alice", "Alice")],
  projects: [
    fakeProject("group/app", {
      id: 42,
      files: { main: { "README.md": "# app\n" }, ["c".repeat(40)]: { "config/flags/a.yml": "name: a\n" } },
    }),
    fakeProject("dev/app-fork", { id: 77 }),
  ],
  mergeRequests: [
    ...Array.from({ length: 45 }, (_, i) =>
      fakeMergeRequest("group/app", i + 1, {
        state: i % 3 === 0 ? "merged" : "opened",
        labels: i % 5 === 0 ? ["Validated in Staging"] : i % 5 === 1 ? ["wip", "backend"] : ["backend"],
        updatedAt: `2024-05-${String((i % 28) + 1).padStart(2, "0")}T10:00:00.000Z`,
      }),
    ),
    fakeMergeRequest("group/app", 100, {
      title: "Big change",
      sha: "c".repeat(40),
      headPipeline: fakePipeline(900, "failed", "group/app", {
        jobs: [fakeJob("unit", "success")],
        bridges: [
          fakeBridge("child-tests", "failed", { id: CHILD_TESTS_ID }),
          fakeBridge("not-started", "created", { downstream: null }),
        ],
      }),
      diffs: fakeChangedFiles(45),
    }),
    fakeMergeRequest("group/app", 101, {
      sha: HEAD_101,
      headPipeline: fakePipeline(611, "success", "group/app", { kind: "merged_result", sha: MERGE_101 }),
    }),
    fakeMergeRequest("group/app", 102, {
      state: "merged",
      headPipeline: fakePipeline(612, "success", "group/app", { kind: "merge_train", sha: "7".repeat(40) }),
    }),
    fakeMergeRequest("group/app", 103, {
      sha: "8".repeat(40),
      headPipeline: fakePipeline(613, "success", "dev/app-fork", {
        project: "dev/app-fork",
        jobs: [fakeJob("unit", "success")],
      }),
    }),
  ],
  notes: [
    fakeNote("group/app", 100, { id: 1, body: "by alice", authorId: 2 }),
    fakeNote("group/app", 100, { id: 2, body: "by bot", authorId: 1, createdAt: "2024-05-02T00:00:00.000Z" }),
  ],
});

let gitlab: FakeGitLab;
const client = (token: { token: string } | { jobToken: string } = { token: FAKE_TOKEN }) =>
  new Gitlab({ host: gitlab.url, ...token });

beforeAll(async () => {
  gitlab = await startFakeGitLab(world, {
    tokens: {
      [FAKE_TOKEN]: { userId: 1, kind: "personal" },
      [OTHER_TOKEN]: { userId: 2, kind: "personal" },
      [FAKE_JOB_TOKEN]: { userId: 1, kind: "job" },
    },
  });
});
afterAll(() => gitlab.close());
beforeEach(() => gitlab.reset());

async function requestError(promise: Promise<unknown>): Promise<{ status: number; description: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitbeakerRequestError);
  const cause = (error as GitbeakerRequestError).cause;
  return { status: cause?.response.status ?? 0, description: cause?.description ?? "" };
}

describe("fake GitLab, driven by the real @gitbeaker/rest client", () => {
  it("follows link rel=next to the last page and returns every merge request", async () => {
    const mrs = await client().MergeRequests.all({ projectId: "group/app", perPage: 20 });
    expect(mrs).toHaveLength(49);
    expect(gitlab.requestCount({ path: "/api/v4/projects/group%2Fapp/merge_requests" })).toBe(3);
    expect(gitlab.requests.map((r) => r.query["page"] ?? "1")).toEqual(["1", "2", "3"]);
  });

  it("reports pagination info parsed from the x-* headers", async () => {
    const { paginationInfo } = await client().MergeRequests.allDiffs("group/app", 100, {
      perPage: 20,
      page: 2,
      showExpanded: true,
    });
    expect(paginationInfo).toMatchObject({ total: 45, totalPages: 3, current: 2, next: 3, previous: 1, perPage: 20 });
  });

  it.each([
    ["a comma string", "wip"],
    ["an array (not[labels][]=)", ["wip"]],
  ])("excludes merge requests carrying a not[labels] label given as %s", async (_, labels) => {
    const mrs = await client().MergeRequests.all({ projectId: 42, state: "opened", not: { labels } });
    expect(mrs.length).toBeGreaterThan(0);
    expect(mrs.every((mr) => !mr.labels.includes("wip"))).toBe(true);
    expect(mrs.every((mr) => mr.state === "opened")).toBe(true);
  });

  it("keeps the merged, validated and recently updated ones when all filters are combined", async () => {
    const mrs = await client().MergeRequests.all({
      projectId: "group/app",
      state: "merged",
      labels: "Validated in Staging",
      updatedAfter: "2024-05-10T00:00:00Z",
    });
    expect(mrs.map((mr) => mr.iid)).toEqual([16]);
  });

  it("answers 401 with GitLab's message to an unknown token", async () => {
    expect(await requestError(client({ token: "glpat-nope-nope-nope" }).Users.showCurrentUser())).toEqual({
      status: 401,
      description: "401 Unauthorized",
    });
  });

  it.each([
    [
      "an unknown project",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequests.show("group/nope", 1),
      "404 Project Not Found",
    ],
    [
      "an unknown merge request",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequests.show("group/app", 999),
      "404 Not found",
    ],
  ])("answers 404 for %s", async (_, call, description) => {
    expect(await requestError(call(client()))).toEqual({ status: 404, description });
  });

  it("serves a single merge request in the docs' shape with head_pipeline, references and diff_refs", async () => {
    const mr = await client().MergeRequests.show("group/app", 100);
    const docsKeys = Object.keys(
      JSON.parse(readFileSync(new URL("../fixtures/gitlab/merge_request.json", import.meta.url), "utf8")) as object,
    );
    expect(Object.keys(mr)).toEqual(expect.arrayContaining(docsKeys));
    expect(mr).toMatchObject({
      iid: 100,
      sha: "c".repeat(40),
      references: { full: "group/app!100" },
      diff_refs: { head_sha: "c".repeat(40) },
      head_pipeline: { id: 900, status: "failed" },
      web_url: `${gitlab.url}/group/app/-/merge_requests/100`,
    });
  });

  it("serves raw files at a ref and 404s for a missing one", async () => {
    expect(await client().RepositoryFiles.showRaw("group/app", "config/flags/a.yml", "c".repeat(40))).toBe("name: a\n");
    expect(await requestError(client().RepositoryFiles.showRaw("group/app", "config/flags/a.yml", "main"))).toEqual({
      status: 404,
      description: "404 File Not Found",
    });
  });

  // GitLab 16–17 answer a job token on these as an anonymous caller (doc/ci/jobs/ci_job_token.md "Job token feature
  // access"; gitlab-org/gitlab#545150): the same private project a personal token reads is "not found".
  it.each([
    ["a merge request", (c: InstanceType<typeof Gitlab>) => c.MergeRequests.show("group/app", 100)],
    [
      "the merge requests of a branch",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequests.all({ projectId: "group/app", sourceBranch: "feature-100" }),
    ],
    ["the notes of a merge request", (c: InstanceType<typeof Gitlab>) => c.MergeRequestNotes.all("group/app", 100)],
    [
      "a raw repository file",
      (c: InstanceType<typeof Gitlab>) => c.RepositoryFiles.showRaw("group/app", "README.md", "main"),
    ],
    ["the jobs of a pipeline", (c: InstanceType<typeof Gitlab>) => c.Jobs.all("group/app", { pipelineId: 900 })],
    ["the trigger jobs of a pipeline", (c: InstanceType<typeof Gitlab>) => c.Jobs.allPipelineBridges("group/app", 900)],
  ])("answers a job token reading %s as GitLab answers an anonymous caller on a private project", async (_, call) => {
    expect(await requestError(call(client({ jobToken: FAKE_JOB_TOKEN })))).toEqual({
      status: 404,
      description: "404 Project Not Found",
    });
    await expect(call(client())).resolves.toBeDefined();
    expect(gitlab.requests.map((r) => r.status)).toEqual([404, 200]);
  });

  it("lists a pipeline's trigger jobs apart from its jobs, each with the downstream pipeline it started", async () => {
    const jobs = await client().Jobs.all("group/app", { pipelineId: 900 });
    expect(jobs.map((j) => j.name)).toEqual(["unit"]);
    const bridges = await client().Jobs.allPipelineBridges("group/app", 900);
    expect(bridges).toMatchObject([
      {
        name: "child-tests",
        stage: "test",
        status: "failed",
        allow_failure: false,
        downstream_pipeline: { id: 60_000 + CHILD_TESTS_ID, status: "failed", source: "parent_pipeline" },
      },
      { name: "not-started", status: "created", downstream_pipeline: null },
    ]);
  });

  it("follows link rel=next through every page of trigger jobs", async () => {
    gitlab.world.mergeRequests
      .find((m) => m.iid === 100)!
      .headPipeline!.bridges!.push(...Array.from({ length: 3 }, (_, i) => fakeBridge(`more-${i}`, "success")));
    const bridges = await client().Jobs.allPipelineBridges("group/app", 900, { perPage: 2 } as Record<string, unknown>);
    expect(bridges).toHaveLength(5);
    expect(gitlab.requestCount({ path: "/api/v4/projects/group%2Fapp/pipelines/900/bridges" })).toBe(3);
  });

  it("lists trigger jobs among the statuses of the pipeline's commit, as CI jobs are", async () => {
    const statuses = await client().Commits.allStatuses("group/app", "c".repeat(40));
    expect(statuses.map((st) => [st.name, st.status, st.pipeline_id])).toEqual([
      ["unit", "success", 900],
      ["child-tests", "failed", 900],
      ["not-started", "created", 900],
    ]);
  });

  it("gives a merged-results pipeline the merge commit's sha and the merge ref, and the merge commit the MR head as a parent", async () => {
    const mr = await client().MergeRequests.show("group/app", 101);
    expect(mr.head_pipeline).toMatchObject({ id: 611, sha: MERGE_101, ref: "refs/merge-requests/101/merge" });
    const commit = await client().Commits.show("group/app", MERGE_101);
    expect(commit.parent_ids).toEqual([FAKE_TARGET_TIP, HEAD_101]);
    expect((await client().Commits.show("group/app", HEAD_101)).parent_ids).toHaveLength(1);
    expect(await requestError(client().Commits.show("group/app", "0".repeat(40)))).toEqual({
      status: 404,
      description: "404 Commit Not Found",
    });
  });

  it("gives a merge-train pipeline a ref ending in /train", async () => {
    const mr = await client().MergeRequests.show("group/app", 102);
    expect(mr.head_pipeline).toMatchObject({ id: 612, ref: "refs/merge-requests/102/train" });
  });

  it("keeps statuses set on a merged-results pipeline's merge commit there, not on the MR head", async () => {
    await client().Commits.editStatus("group/app", MERGE_101, "failed", { name: "security-scan" });
    // The pipeline's own job ("test") is a commit status on the merge commit too.
    expect((await client().Commits.allStatuses("group/app", MERGE_101)).map((st) => st.name)).toEqual([
      "test",
      "security-scan",
    ]);
    expect(await client().Commits.allStatuses("group/app", HEAD_101)).toEqual([]);
  });

  it("serves a fork MR's pipeline from the fork: project_id is the fork's, the target project answers 404", async () => {
    const mr = await client().MergeRequests.show("group/app", 103);
    expect(mr.head_pipeline).toMatchObject({ id: 613, project_id: 77 });
    expect((await client().Jobs.all("dev/app-fork", { pipelineId: 613 })).map((j) => j.name)).toEqual(["unit"]);
    expect(await requestError(client().Jobs.all("group/app", { pipelineId: 613 }))).toMatchObject({ status: 404 });
  });

  it.each([
    [
      "diffs",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequests.allDiffs("group/app", 100),
      404,
      "404 Project Not Found",
    ],
    [
      "MR pipelines",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequests.allPipelines("group/app", 100),
      404,
      "404 Project Not Found",
    ],
    ["the project", (c: InstanceType<typeof Gitlab>) => c.Projects.show("group/app"), 404, "404 Project Not Found"],
    [
      "posting a note",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequestNotes.create("group/app", 100, "hi"),
      401,
      "401 Unauthorized",
    ],
    [
      "editing a note",
      (c: InstanceType<typeof Gitlab>) => c.MergeRequestNotes.edit("group/app", 100, 2, { body: "x" }),
      401,
      "401 Unauthorized",
    ],
  ])(
    "refuses a job token %s the way GitLab treats a job token on a route that does not accept one",
    async (_, call, status, description) => {
      expect(await requestError(call(client({ jobToken: FAKE_JOB_TOKEN })))).toEqual({ status, description });
    },
  );

  it("creates, edits and deletes the caller's own notes", async () => {
    const api = client();
    const created = await api.MergeRequestNotes.create("group/app", 100, "gate report");
    expect(created).toMatchObject({
      body: "gate report",
      author: { id: 1, username: "bfd-bot" },
      system: false,
      noteable_iid: 100,
    });
    const edited = await api.MergeRequestNotes.edit("group/app", 100, created.id, { body: "gate report v2" });
    expect(edited.body).toBe("gate report v2");
    await api.MergeRequestNotes.remove("group/app", 100, created.id);
    expect(gitlab.world.notes.map((n) => n.id)).toEqual([1, 2]);
    expect(gitlab.requests.find((r) => r.method === "DELETE")?.status).toBe(204);
  });

  it.each([
    ["edit", (c: InstanceType<typeof Gitlab>) => c.MergeRequestNotes.edit("group/app", 100, 1, { body: "hijacked" })],
    ["delete", (c: InstanceType<typeof Gitlab>) => c.MergeRequestNotes.remove("group/app", 100, 1)],
  ])("forbids a user to %s someone else's note", async (_, call) => {
    expect(await requestError(call(client()))).toEqual({ status: 403, description: "403 Forbidden" });
    await expect(
      client({ token: OTHER_TOKEN }).MergeRequestNotes.edit("group/app", 100, 1, { body: "mine" }),
    ).resolves.toMatchObject({ body: "mine" });
  });

  it("restores the world on reset", async () => {
    await client().MergeRequestNotes.create("group/app", 100, "temporary");
    gitlab.reset();
    expect(gitlab.world.notes).toHaveLength(2);
    expect(gitlab.requests).toHaveLength(0);
  });

  it("shows why bfd replaces gitbeaker's retry loop: 10 requests, sub-millisecond apart, on a persistent 502", async () => {
    gitlab.injectFault({ kind: "http-status", status: 502, times: Infinity });
    await expect(client().Users.showCurrentUser()).rejects.toBeInstanceOf(GitbeakerRetryError);
    expect(gitlab.requestCount()).toBe(10);
    const first = gitlab.requests[0]?.startedAt ?? 0;
    const last = gitlab.requests[9]?.startedAt ?? 0;
    expect(last - first).toBeLessThan(2_000);
  });
});

describe("fake GitLab over plain fetch", () => {
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${gitlab.url}/api/v4${path}`, {
      ...init,
      headers: { "PRIVATE-TOKEN": FAKE_TOKEN, ...(init.headers ?? {}) },
    });

  it("sends pagination headers exactly as GitLab does (examples/pagination_headers.txt)", async () => {
    const response = await get("/projects/group%2Fapp/merge_requests/100/notes?page=2&per_page=1");
    const base = `${gitlab.url}/api/v4/projects/group%2Fapp/merge_requests/100/notes`;
    expect(Object.fromEntries([...response.headers].filter(([key]) => key.startsWith("x-") || key === "link"))).toEqual(
      {
        link: `<${base}?page=1&per_page=1>; rel="prev", <${base}?page=1&per_page=1>; rel="first", <${base}?page=2&per_page=1>; rel="last"`,
        "x-next-page": "",
        "x-page": "2",
        "x-per-page": "1",
        "x-prev-page": "1",
        "x-total": "2",
        "x-total-pages": "2",
      },
    );
  });

  it("keeps every query parameter in the link URLs and clamps per_page to 100", async () => {
    const response = await get("/projects/group%2Fapp/merge_requests/100/diffs?per_page=500&not%5Blabels%5D=x");
    expect(response.headers.get("x-per-page")).toBe("100");
    const big = await get("/projects/group%2Fapp/merge_requests?per_page=10&state=opened&not%5Blabels%5D=wip");
    expect(big.headers.get("link")).toContain(
      `${gitlab.url}/api/v4/projects/group%2Fapp/merge_requests?per_page=10&state=opened&not%5Blabels%5D=wip&page=2>; rel="next"`,
    );
  });

  it("answers 429 with the rate-limit headers, and Retry-After only when asked", async () => {
    gitlab.injectFault({ kind: "http-429", retryAfter: 30, rateLimitReset: 1609844400 });
    gitlab.injectFault({ kind: "http-429" });
    const withRetryAfter = await get("/user");
    expect(withRetryAfter.status).toBe(429);
    expect(await withRetryAfter.text()).toBe("Retry later\n");
    expect(Object.fromEntries(withRetryAfter.headers)).toMatchObject({
      "retry-after": "30",
      "ratelimit-name": "throttle_authenticated_api",
      "ratelimit-remaining": "0",
      "ratelimit-reset": "1609844400",
      "ratelimit-resettime": "Tue, 05 Jan 2021 11:00:00 GMT",
    });
    const without = await get("/user");
    expect(without.status).toBe(429);
    expect(without.headers.get("retry-after")).toBeNull();
    expect((await get("/user")).status).toBe(200);
  });

  it.each([
    ["html", { kind: "html" as const }, 502, "text/html; charset=utf-8"],
    ["html with 200", { kind: "html" as const, status: 200 }, 200, "text/html; charset=utf-8"],
    [
      "http-status with a text body",
      { kind: "http-status" as const, status: 503, body: "upstream down" },
      503,
      "text/plain",
    ],
    ["malformed-json", { kind: "malformed-json" as const }, 200, "application/json"],
  ])("injects the %s fault once, only on matching paths", async (_, fault, status, contentType) => {
    gitlab.injectFault({ ...fault, match: "/merge_requests/100" });
    expect((await get("/user")).status).toBe(200);
    const response = await get("/projects/42/merge_requests/100");
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(contentType);
    expect((await get("/projects/42/merge_requests/100")).status).toBe(200);
  });

  it.each([
    ["truncated", { kind: "truncated" as const }],
    ["reset", { kind: "reset" as const }],
  ])("breaks the connection for the %s fault", async (_, fault) => {
    gitlab.injectFault(fault);
    await expect(get("/user").then((r) => r.text())).rejects.toThrow();
  });

  it("never answers a hung request, so the client's timeout fires", async () => {
    gitlab.injectFault({ kind: "hang" });
    await expect(get("/user", { signal: AbortSignal.timeout(100) })).rejects.toThrow(/timeout|aborted/i);
  });

  it("delays every reply by the latency", async () => {
    gitlab.setLatency(80);
    const started = performance.now();
    await get("/user");
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("omits totals and rel=last like GitLab above 10,000 records when asked", async () => {
    const big = await startFakeGitLab(world, { omitTotals: true });
    try {
      const response = await fetch(`${big.url}/api/v4/projects/42/merge_requests?per_page=20`, {
        headers: { "PRIVATE-TOKEN": FAKE_TOKEN },
      });
      expect(response.headers.get("x-total")).toBeNull();
      expect(response.headers.get("x-total-pages")).toBeNull();
      expect(response.headers.get("link")).not.toContain('rel="last"');
      expect(response.headers.get("x-next-page")).toBe("2");
    } finally {
      await big.close();
    }
  });
});

describe("the status the fake gives a pipeline from its jobs, as GitLab's Composite status does", () => {
  const may = { allowFailure: true };
  it.each([
    ["every job manual (may fail, the default for when: manual)", [fakeJob("a", "manual", may)], "skipped"],
    ["every job manual or skipped", [fakeJob("a", "manual", may), fakeJob("b", "skipped")], "skipped"],
    ["a blocking manual job beside a passed one", [fakeJob("a", "success"), fakeJob("b", "manual")], "manual"],
    ["a passed job beside a manual one", [fakeJob("a", "success"), fakeJob("b", "manual", may)], "success"],
    [
      "a job that may fail failed, beside manual ones: green though nothing passed",
      [fakeJob("a", "failed", may), fakeJob("b", "manual", may)],
      "success",
    ],
    ["a job failed", [fakeJob("a", "success"), fakeJob("b", "failed")], "failed"],
    ["a job runs", [fakeJob("a", "success"), fakeJob("b", "running")], "running"],
  ])("%s", (_name, jobs, status) => {
    expect(pipelineStatusOf(jobs)).toBe(status);
  });
});
