/**
 * A loopback fake of the GitLab REST v4 endpoints bfd uses, over real HTTP.
 *
 * Replies are built from the docs' example replies in test/fixtures/gitlab (so field sets stay faithful) with the
 * world's values laid over them. Behaviours real GitLab has and a naive fake hides are reproduced, each with its
 * source: the head pipeline of an MR pipeline is the running one, and may lag the MR's head (`FakePipeline.sha`);
 * a pipeline's trigger jobs are listed apart from its jobs (`FakePipeline.bridges`);
 * `/diffs` stops at "Maximum diff files" with `changes_count` "1000+" (`maxDiffFiles`); CI_JOB_TOKEN is answered as
 * an anonymous caller on merge requests, notes, diffs, pipelines and repository files; self-managed instances write
 * timestamps with an offset (`timeOffset`). Pagination headers follow GitLab exactly (x-page … link), auth follows GitLab's
 * token rules including CI_JOB_TOKEN's narrow reach, and faults (statuses, 429s, HTML pages, broken or cut-short
 * bodies, resets, hangs) can be injected per path. The server is unref'd and stops by itself after
 * `maxLifetimeMs`, so a forgotten `close()` never keeps vitest alive.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./loopback.js";

export interface FakeUser {
  id: number;
  username: string;
  name: string;
}

export interface FakeProject {
  id: number;
  /** Full path, e.g. "group/app". */
  path: string;
  defaultBranch: string;
  /** Repository content by ref (branch name or commit sha), then by file path. */
  files: Record<string, Record<string, string>>;
  /**
   * `GET /projects/:id/labels`: the project's labels and, as GitLab lists them by default
   * (`include_ancestor_groups=true`, doc/api/labels.md), its groups'. `POST` adds to it.
   */
  labels: string[];
}

export interface FakeDiff {
  oldPath: string;
  newPath: string;
  newFile: boolean;
  renamedFile: boolean;
  deletedFile: boolean;
  /** A rename at 100% similarity: GitLab's `diff` is then "" (git writes no hunk for it). */
  renamedOnly?: boolean;
  /** The hunks GitLab sends as `diff` (from `@@`), when a test needs real changed lines. */
  diff?: string;
}

export interface FakeJob {
  id: number;
  name: string;
  stage: string;
  /** created, pending, running, success, failed, canceled, skipped, manual, … (doc/api/jobs.md) */
  status: string;
  allowFailure: boolean;
}

export interface FakePipeline {
  id: number;
  status: string;
  webUrl: string;
  /**
   * The commit it ran on; null: the MR's head. An older sha is GitLab's "head pipeline" lagging the MR (a push that
   * created no pipeline, or the seconds before one exists; app/models/merge_request.rb `diff_head_pipeline`).
   */
  sha: string | null;
  /** `GET /projects/:id/pipelines/:pipeline_id/jobs`: CI jobs only, never trigger jobs. */
  jobs: FakeJob[];
  /**
   * Trigger jobs (GitLab's "bridges": `trigger:` a child or multi-project pipeline), which the jobs endpoint does not
   * list: `GET /projects/:id/pipelines/:pipeline_id/bridges` does (doc/api/jobs.md "List pipeline bridges", renamed
   * "List pipeline trigger jobs"; lib/api/ci/pipelines.rb runs `Ci::JobsFinder` with `type: ::Ci::Bridge`, while the
   * jobs route keeps the finder's default `::Ci::Build`; gitlab-org/gitlab#207996). With `strategy: depend` a
   * bridge's status is its downstream pipeline's. None when left out.
   */
  bridges?: FakeBridge[];
  /**
   * A merged-results (`merged_result`) or merge-train (`merge_train`) pipeline: it runs on GitLab's merge commit of
   * the MR head into the target branch (ref `refs/merge-requests/:iid/merge`, or `…/train` for a train), so `sha`
   * is that merge commit, never the MR head. GitLab takes it as the MR's head pipeline because its *source* sha is
   * the head (app/models/merge_request.rb `for_sha_or_source_sha`), but the API shows only `sha`
   * (lib/api/entities/ci/pipeline_basic.rb); the merge commit's `parent_ids` hold the head (doc/api/commits.md).
   * Unset: the pipeline ran on the MR's own commits (`refs/merge-requests/:iid/head`).
   */
  kind?: "merged_result" | "merge_train";
  /** For `kind`: the MR commit the merge took (default: the MR's head); an older one is a stale merged pipeline. */
  merged?: string;
  /**
   * The project that ran it, when not the MR's: a fork MR's pipeline runs in the fork by default
   * (doc/ci/pipelines/merge_request_pipelines.md, "Use with forked projects"). Its jobs and statuses belong to the
   * fork: the target project answers 404 for them, and the pipeline JSON's `project_id` is the fork's.
   */
  project?: string;
}

/** The target branch's tip that merged-results and merge-train pipelines merge the MR head into. */
export const FAKE_TARGET_TIP = "e".repeat(40);

/**
 * A trigger job (`Ci::Bridge`) and the child pipeline it started, in the same project (null: none yet, or it could
 * not start one).
 */
export interface FakeBridge extends FakeJob {
  downstreamPipeline: { id: number; status: string } | null;
}

export type FakeMergeRequestState = "opened" | "closed" | "merged" | "locked";

export interface FakeMergeRequest {
  /** Global id (GitLab's `id`), distinct from the per-project `iid`. */
  id: number;
  iid: number;
  /** Full path of the project it belongs to. */
  project: string;
  title: string;
  description: string | null;
  state: FakeMergeRequestState;
  draft: boolean;
  labels: string[];
  /** Author's username. */
  author: string;
  sourceBranch: string;
  targetBranch: string;
  mergedAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Head commit sha. */
  sha: string;
  headPipeline: FakePipeline | null;
  /** False: GitLab leaves `head_pipeline`/`pipeline` out, as it does for users who may not read pipelines. */
  pipelineVisible: boolean;
  diffs: FakeDiff[];
}

export interface FakeNote {
  id: number;
  project: string;
  mergeRequestIid: number;
  body: string;
  authorId: number;
  system: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * A deployment to an environment (doc/api/deployments.md). `mergeRequests` are the iids GitLab lists for it:
 * filled by diffing consecutive successful deployments, so an MR is listed by the deployment that first brought it.
 */
export interface FakeDeployment {
  id: number;
  project: string;
  environment: string;
  status: "created" | "running" | "success" | "failed" | "canceled" | "blocked";
  sha: string;
  ref: string;
  createdAt: string;
  finishedAt: string | null;
  mergeRequests: number[];
}

/** A label added to or removed from an MR (doc/api/resource_label_events.md). */
export interface FakeLabelEvent {
  id: number;
  project: string;
  mergeRequestIid: number;
  label: string;
  action: "add" | "remove";
  userId: number;
  createdAt: string;
}

/**
 * Someone's approval of an MR, as `GET /projects/:id/merge_requests/:iid/approvals` lists it (any tier). `approvedAt`
 * null: an instance from before lib/api/entities/approvals.rb exposed `approved_at`, which lists only the user.
 */
export interface FakeApproval {
  project: string;
  mergeRequestIid: number;
  userId: number;
  approvedAt: string | null;
}

/** A commit status set through `POST /projects/:id/statuses/:sha` (doc/api/commits.md). */
export interface FakeCommitStatus {
  id: number;
  project: string;
  sha: string;
  name: string;
  state: string;
  targetUrl: string | null;
  description: string | null;
  authorId: number;
  createdAt: string;
}

/** An external status check configured on a project (Ultimate), and the responses it received. */
export interface FakeStatusCheck {
  id: number;
  project: string;
  name: string;
  responses: { mergeRequestIid: number; sha: string; status: string }[];
}

export interface GitLabWorld {
  users: FakeUser[];
  projects: FakeProject[];
  mergeRequests: FakeMergeRequest[];
  notes: FakeNote[];
  deployments: FakeDeployment[];
  labelEvents: FakeLabelEvent[];
  approvals: FakeApproval[];
  commitStatuses: FakeCommitStatus[];
  statusChecks: FakeStatusCheck[];
}

export interface FakeToken {
  userId: number;
  kind: "personal" | "job";
  /** What `GET /personal_access_tokens/self` reports (doc/api/personal_access_tokens.md). */
  name?: string;
  /** With `enforceScopes`, requests these scopes do not allow are refused as GitLab refuses them. */
  scopes?: string[];
  expiresAt?: string | null;
}

export interface FakeGitLabOptions {
  /** Accepted tokens. Default: FAKE_TOKEN (personal) and FAKE_JOB_TOKEN (job), both for the world's first user. */
  tokens?: Record<string, FakeToken>;
  latencyMs?: number;
  /** The server closes itself after this long (default 120 s). */
  maxLifetimeMs?: number;
  /** Behave like GitLab above 10,000 records: no x-total, x-total-pages or rel="last". */
  omitTotals?: boolean;
  /**
   * The instance's "Maximum diff files" (default 1,000; admins may raise it to 3,000): `/diffs` lists no more, and
   * `changes_count` becomes "1000+" (doc/administration/diff_limits.md: the limits "apply to both the GitLab UI and
   * API endpoints that return diff information"; doc/api/merge_requests.md: `changes_count` is a string).
   */
  maxDiffFiles?: number;
  /** Write every timestamp with this UTC offset, as self-managed instances may ("+02:00"); default "Z". */
  timeOffset?: string;
  /**
   * Refuse what a token's `scopes` do not allow with GitLab's 403 `insufficient_scope` (see `scopesAllow`). Off by
   * default: tokens are then unscoped, and `scopes` is only what `/personal_access_tokens/self` reports.
   */
  enforceScopes?: boolean;
  /**
   * Behave like a self-managed GitLab of this version ("15.6"): an endpoint added later (`ROUTES_ADDED_IN`) is not
   * there, so GitLab's catch-all route answers it. Default: a current GitLab, every endpoint present.
   */
  version?: string;
}

export interface FakeRequest {
  method: string;
  /** Pathname as received, still URL-encoded ("/api/v4/projects/group%2Fapp/merge_requests/42"). */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** performance.now() when the request arrived and when its reply finished (or the socket closed). */
  startedAt: number;
  finishedAt: number | undefined;
  status: number | undefined;
}

/**
 * `http-status`: any status, JSON `{"message":"<status> <reason>"}` unless `body` says otherwise (strings go as text).
 * `http-429`: GitLab's throttle reply (examples/rate_limited_429.txt); Retry-After and RateLimit-Reset only when given.
 * `html`: an HTML error page, status 502 unless given (200 mimics a proxy's sign-in page). `malformed-json`: a 200
 * with broken JSON. `truncated`: a 200 whose body stops halfway (Content-Length promises more). `reset`: the socket
 * is destroyed unanswered. `hang`: never answered.
 */
export type FakeFault = (
  | { kind: "http-status"; status: number; body?: string | Record<string, unknown> | unknown[]; contentType?: string }
  | { kind: "http-429"; retryAfter?: number | string; rateLimitReset?: number }
  | { kind: "html"; status?: number }
  | { kind: "malformed-json" }
  | { kind: "truncated" }
  | { kind: "reset" }
  | { kind: "hang" }
) & {
  /** How many matching requests it applies to (default 1; Infinity for a persistent fault). */
  times?: number;
  /** Substring of the raw request path; default: every request. */
  match?: string;
  method?: string;
};

export type RequestFilter =
  { method?: string; path?: string | RegExp; pathIncludes?: string } | ((request: FakeRequest) => boolean);

export interface FakeGitLab {
  /** http://127.0.0.1:PORT — the instance root, without /api/v4. */
  url: string;
  requests: FakeRequest[];
  requestCount(filter?: RequestFilter): number;
  /** Requests per "METHOD path?query": a count above 1 means something was fetched twice. */
  countsByUrl(): Map<string, number>;
  /** Clears the request log and faults, restores latency and the world as they were at start. */
  reset(): void;
  setLatency(ms: number): void;
  injectFault(fault: FakeFault): void;
  world: GitLabWorld;
  close(): Promise<void>;
}

export const FAKE_TOKEN = "glpat-fake-personal-0001";
export const FAKE_JOB_TOKEN = "fake-ci-job-token-0001";

const API = "/api/v4";

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/gitlab/${name}`, import.meta.url), "utf8")) as T;
}

type Json = Record<string, unknown>;
const MR_SINGLE_TEMPLATE = fixture<Json>("merge_request.json");
const MR_LIST_TEMPLATE = fixture<Json[]>("merge_requests_list.json")[0] as Json;
const DIFF_TEMPLATE = fixture<Json[]>("mr_diffs.json")[0] as Json;
const PIPELINE_TEMPLATE = fixture<Json[]>("mr_pipelines.json")[0] as Json;
const NOTE_TEMPLATE = fixture<Json>("note_created.json");

let nextId = 1000;
const newId = (): number => (nextId += 1);

export function fakeUser(id: number, username: string, name = username): FakeUser {
  return { id, username, name };
}

export function fakeProject(path: string, init: Partial<Omit<FakeProject, "path">> = {}): FakeProject {
  const defaultBranch = init.defaultBranch ?? "main";
  return {
    id: init.id ?? newId(),
    path,
    defaultBranch,
    files: init.files ?? { [defaultBranch]: {} },
    labels: init.labels ?? [],
  };
}

export function fakeDiff(newPath: string, init: Partial<FakeDiff> = {}): FakeDiff {
  return { oldPath: init.oldPath ?? newPath, newPath, newFile: false, renamedFile: false, deletedFile: false, ...init };
}

/** `count` modified files named by `name(i)` (default src/file-000.ts …). */
export function fakeChangedFiles(
  count: number,
  name: (index: number) => string = (i) => `src/file-${String(i).padStart(3, "0")}.ts`,
): FakeDiff[] {
  return Array.from({ length: count }, (_, i) => fakeDiff(name(i)));
}

export function fakeMergeRequest(
  project: string,
  iid: number,
  init: Partial<Omit<FakeMergeRequest, "project" | "iid">> = {},
): FakeMergeRequest {
  const state = init.state ?? "opened";
  const updatedAt = init.updatedAt ?? "2024-05-01T10:00:00.000Z";
  const title = init.title ?? `Merge request ${iid}`;
  return {
    id: init.id ?? newId(),
    iid,
    project,
    title,
    description: "",
    state,
    // The Draft flag lives in the title: "[Draft]", "Draft:" or "(Draft)" at its start makes the MR a draft, and
    // "Mark as ready" removes it (gitlabhq doc/user/project/merge_requests/drafts.md).
    draft: /^\s*(\[draft\]|\(draft\)|draft:)/i.test(title),
    labels: [],
    author: "dev",
    sourceBranch: `feature-${iid}`,
    targetBranch: "main",
    mergedAt: state === "merged" ? updatedAt : null,
    createdAt: "2024-04-30T09:00:00.000Z",
    updatedAt,
    sha: `${String(iid).padStart(8, "0")}${"a".repeat(32)}`,
    headPipeline: null,
    pipelineVisible: true,
    diffs: [],
    ...init,
  };
}

/**
 * A pipeline. GitLab creates none without a job (a config whose rules leave no job gives "No stages / jobs for this
 * pipeline"), so a green one given no jobs holds one that passed.
 */
export function fakePipeline(
  id: number,
  status: string,
  project = "group/app",
  init: Partial<Omit<FakePipeline, "id" | "status">> = {},
): FakePipeline {
  return {
    id,
    status,
    webUrl: `https://gitlab.example.com/${project}/-/pipelines/${id}`,
    sha: null,
    jobs: status === "success" && init.jobs === undefined ? [fakeJob("test", "success")] : [],
    ...init,
  };
}

/** A finished pipeline of `jobs`, with the status GitLab gives it (`pipelineStatusOf`). */
export function fakeFinishedPipeline(
  id: number,
  jobs: FakeJob[],
  project = "group/app",
  init: Partial<Omit<FakePipeline, "id" | "status" | "jobs">> = {},
): FakePipeline {
  return fakePipeline(id, pipelineStatusOf(jobs), project, { ...init, jobs });
}

/**
 * The status GitLab gives a pipeline from its jobs' (lib/gitlab/ci/status/composite.rb `status`, non-DAG, as
 * Ci::PipelineProcessing sets it): a job that may fail and failed or was canceled counts as `success_with_warnings`,
 * a manual job that may fail (the default for `when: manual` outside `rules`) as `ignored`
 * (app/models/concerns/ci/has_status.rb PASSED_WITH_WARNINGS_STATUSES, IGNORED_STATUSES). So a pipeline whose jobs
 * were all manual or skipped is `skipped`, one with a blocking manual job is `manual`, and one where a job that may
 * fail failed beside unplayed manual jobs is `success`: green, though nothing in it passed.
 */
export function pipelineStatusOf(jobs: readonly FakeJob[]): string {
  const set = new Set(
    jobs.map((job) => {
      if (job.allowFailure && (job.status === "failed" || job.status === "canceled")) return "success_with_warnings";
      if (job.allowFailure && job.status === "manual") return "ignored";
      return job.status;
    }),
  );
  const onlyOf = (...names: string[]): boolean => {
    const matching = names.filter((name) => set.has(name)).length;
    return matching > 0 && matching === set.size;
  };
  const anyOf = (...names: string[]): boolean => names.some((name) => set.has(name));
  if (onlyOf("skipped", "ignored")) return "skipped";
  if (onlyOf("success", "skipped", "success_with_warnings", "ignored")) return "success";
  if (onlyOf("created", "success_with_warnings", "ignored")) return "created";
  if (onlyOf("preparing", "success_with_warnings", "ignored")) return "preparing";
  if (onlyOf("canceled", "success", "skipped", "success_with_warnings", "ignored")) return "canceled";
  if (onlyOf("pending", "created", "skipped", "success_with_warnings", "ignored")) return "pending";
  if (anyOf("running", "pending")) return "running";
  if (anyOf("waiting_for_resource")) return "waiting_for_resource";
  if (anyOf("manual")) return "manual";
  if (anyOf("scheduled")) return "scheduled";
  if (anyOf("preparing")) return "preparing";
  if (anyOf("created")) return "running";
  return "failed";
}

let nextJobId = 70_000;
export function fakeJob(name: string, status: string, init: Partial<Omit<FakeJob, "name" | "status">> = {}): FakeJob {
  return { id: (nextJobId += 1), name, stage: "test", status, allowFailure: false, ...init };
}

/** A trigger job; `downstream` is the status of the child pipeline it started (id 60,000 + its own). */
export function fakeBridge(
  name: string,
  status: string,
  init: Partial<Omit<FakeBridge, "name" | "status">> & { downstream?: string | null } = {},
): FakeBridge {
  const { downstream, ...rest } = init;
  const id = rest.id ?? (nextJobId += 1);
  return {
    id,
    name,
    stage: "test",
    status,
    allowFailure: false,
    downstreamPipeline: downstream === null ? null : { id: 60_000 + id, status: downstream ?? status },
    ...rest,
  };
}

export function fakeNote(
  project: string,
  mergeRequestIid: number,
  init: Partial<Omit<FakeNote, "project" | "mergeRequestIid">> & { body: string; authorId: number },
): FakeNote {
  const createdAt = init.createdAt ?? "2024-05-01T11:00:00.000Z";
  return { id: init.id ?? newId(), project, mergeRequestIid, system: false, createdAt, updatedAt: createdAt, ...init };
}

export function fakeWorld(parts: Partial<GitLabWorld> = {}): GitLabWorld {
  return {
    users: parts.users ?? [fakeUser(1, "bfd-bot", "bfd bot")],
    projects: parts.projects ?? [],
    mergeRequests: parts.mergeRequests ?? [],
    notes: parts.notes ?? [],
    deployments: parts.deployments ?? [],
    labelEvents: parts.labelEvents ?? [],
    approvals: parts.approvals ?? [],
    commitStatuses: parts.commitStatuses ?? [],
    statusChecks: parts.statusChecks ?? [],
  };
}

export function fakeDeployment(
  project: string,
  init: Partial<Omit<FakeDeployment, "project">> & { finishedAt: string | null; mergeRequests: number[] },
): FakeDeployment {
  return {
    id: init.id ?? newId(),
    project,
    environment: "staging",
    status: "success",
    sha: "f".repeat(40),
    ref: "main",
    createdAt: init.finishedAt ?? "2026-01-01T00:00:00.000Z",
    ...init,
  };
}

export function fakeLabelEvent(
  project: string,
  mergeRequestIid: number,
  init: Partial<Omit<FakeLabelEvent, "project" | "mergeRequestIid">> & { label: string; createdAt: string },
): FakeLabelEvent {
  return { id: newId(), project, mergeRequestIid, action: "add", userId: 1, ...init };
}

export function fakeApproval(
  project: string,
  mergeRequestIid: number,
  userId: number,
  approvedAt: string | null = "2024-05-01T12:00:00.000Z",
): FakeApproval {
  return { project, mergeRequestIid, userId, approvedAt };
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Objects and arrays are sent as JSON; strings as text/plain unless headers say otherwise. */
  body?: unknown;
}

class HttpReply extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

const message = (status: number, text: string): HttpReply => new HttpReply({ status, body: { message: text } });

/**
 * Whether a token with these scopes may call the route (with `enforceScopes`, for tokens whose `scopes` are given):
 * `api` may call anything and `read_api` any GET (lib/api/api.rb: `allow_access_with_scope :api`, and `:read_api, if:
 * request.get? || request.head?`); `read_user` may GET /user (lib/api/users.rb); any scope may read
 * /personal_access_tokens/self (lib/api/personal_access_tokens/self_information.rb: "any token regardless of `scope`
 * should be able to view/revoke itself").
 */
function scopesAllow(scopes: readonly string[], method: string, route: string): boolean {
  if (route === "tokenSelf" || scopes.includes("api")) return true;
  if (method !== "GET") return false;
  return scopes.includes("read_api") || (route === "user" && scopes.includes("read_user"));
}

/**
 * GitLab's reply to a token without the scope a route needs: 403 with the OAuth error body (lib/api/api_guard.rb,
 * `InsufficientScopeError` → Rack::OAuth2 `Bearer::Forbidden.new(:insufficient_scope, DEFAULT_DESCRIPTION, { scope: })`).
 */
const insufficientScope = (): HttpReply =>
  new HttpReply({
    status: 403,
    body: {
      error: "insufficient_scope",
      error_description: "The request requires higher privileges than provided by the access token.",
      scope: "api read_api",
    },
  });

export async function startFakeGitLab(world: GitLabWorld, options: FakeGitLabOptions = {}): Promise<FakeGitLab> {
  const firstUser = world.users[0]?.id ?? 1;
  const tokens: Record<string, FakeToken> = options.tokens ?? {
    [FAKE_TOKEN]: { userId: firstUser, kind: "personal" },
    [FAKE_JOB_TOKEN]: { userId: firstUser, kind: "job" },
  };
  const initialWorld = structuredClone(world);
  const initialLatency = options.latencyMs ?? 0;
  const maxDiffFiles = options.maxDiffFiles ?? 1000;
  /** GitLab's JSON timestamps, with the instance's offset. */
  const at = (iso: string | null): string | null => (iso === null ? null : withOffset(iso, options.timeOffset));
  let latencyMs = initialLatency;
  const requests: FakeRequest[] = [];
  let faults: { fault: FakeFault; remaining: number }[] = [];
  let baseUrl = "";

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.on("error", () => undefined);
    res.on("error", () => undefined);
    const url = new URL(req.url ?? "/", baseUrl);
    const method = (req.method ?? "GET").toUpperCase();
    const entry: FakeRequest = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: headerRecord(req),
      startedAt: performance.now(),
      finishedAt: undefined,
      status: undefined,
    };
    requests.push(entry);
    res.on("close", () => {
      entry.finishedAt = performance.now();
      entry.status = res.headersSent ? res.statusCode : undefined;
    });
    const body = await readBody(req);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    const fault = takeFault(method, url.pathname);
    if (fault !== undefined) {
      applyFault(fault, req, res);
      return;
    }
    let reply: Reply;
    try {
      reply = route(method, url, req, body);
    } catch (error) {
      // A bug in the fake answers 500 (and names itself) rather than leaving the client to time out.
      reply =
        error instanceof HttpReply
          ? error.reply
          : { status: 500, body: { message: `fake GitLab failed: ${String(error)}` } };
    }
    send(res, reply);
  }

  function takeFault(method: string, path: string): FakeFault | undefined {
    for (const entry of faults) {
      if (entry.remaining <= 0) continue;
      if (entry.fault.match !== undefined && !path.includes(entry.fault.match)) continue;
      if (entry.fault.method !== undefined && entry.fault.method.toUpperCase() !== method) continue;
      entry.remaining -= 1;
      return entry.fault;
    }
    return undefined;
  }

  function applyFault(fault: FakeFault, req: IncomingMessage, res: ServerResponse): void {
    switch (fault.kind) {
      case "http-status": {
        const body = fault.body ?? { message: `${fault.status} ${STATUS_CODES[fault.status] ?? "Error"}` };
        const contentType = fault.contentType ?? (typeof body === "string" ? "text/plain" : "application/json");
        send(res, {
          status: fault.status,
          headers: { "content-type": contentType },
          body: typeof body === "string" ? body : JSON.stringify(body),
        });
        return;
      }
      case "http-429": {
        // Header set of examples/rate_limited_429.txt; Retry-After and RateLimit-Reset only when asked for.
        const headers: Record<string, string> = {
          "content-type": "text/plain",
          "ratelimit-name": "throttle_authenticated_api",
          "ratelimit-limit": "60",
          "ratelimit-observed": "67",
          "ratelimit-remaining": "0",
        };
        if (fault.rateLimitReset !== undefined) {
          headers["ratelimit-reset"] = String(fault.rateLimitReset);
          headers["ratelimit-resettime"] = new Date(fault.rateLimitReset * 1000).toUTCString();
        }
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
        send(res, { status: 429, headers, body: "Retry later\n" });
        return;
      }
      case "html": {
        const status = fault.status ?? 502;
        const page = `<!DOCTYPE html>\n<html>\n<head><title>GitLab is not responding (${status})</title></head>\n<body><h1>${status}</h1><p>Whoops, GitLab is taking too much time to respond.</p></body>\n</html>\n`;
        send(res, { status, headers: { "content-type": "text/html; charset=utf-8" }, body: page });
        return;
      }
      case "malformed-json":
        send(res, {
          status: 200,
          headers: { "content-type": "application/json" },
          body: '{"id": 1, "iid": 42, "title": "unterminated',
        });
        return;
      case "truncated": {
        const full = JSON.stringify(
          Array.from({ length: 40 }, (_, i) => ({ ...DIFF_TEMPLATE, new_path: `src/cut-${i}.ts` })),
        );
        res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(full)) });
        res.write(full.slice(0, Math.floor(full.length / 2)), () => req.socket.destroy());
        return;
      }
      case "reset":
        req.socket.destroy();
        return;
      case "hang":
        return;
    }
  }

  function authenticate(req: IncomingMessage): FakeToken {
    const privateToken = single(req.headers["private-token"]);
    const jobToken = single(req.headers["job-token"]);
    const token = privateToken ?? jobToken;
    const known = token === undefined ? undefined : tokens[token];
    const kind = privateToken !== undefined ? "personal" : "job";
    if (known === undefined || known.kind !== kind) throw message(401, "401 Unauthorized");
    return known;
  }

  function route(method: string, url: URL, req: IncomingMessage, body: string): Reply {
    if (!url.pathname.startsWith(`${API}/`)) return { status: 404, body: { error: "404 Not Found" } };
    const segments = url.pathname
      .slice(API.length + 1)
      .split("/")
      .map(decodeSegment);
    const token = authenticate(req);
    const r = resolveRoute(method, segments);
    if (r === undefined || !routeExistsIn(r.name, options.version)) return ROUTE_NOT_FOUND;
    if (token.kind === "job") {
      // No route this fake serves is on a job token's allow-list in GitLab 16–17 (doc/ci/jobs/ci_job_token.md, "Job
      // token feature access": packages, releases, deployments and environments, job artifacts, pipeline triggers, …;
      // not merge requests, notes, diffs, pipelines or repository files). GitLab ignores a job token on a route
      // outside that list, so the request runs as anonymous: reads of a private project answer "404 Project Not
      // Found" (the doc's Troubleshooting: "CI job token failures are usually shown as responses like 404 Not Found";
      // gitlab-org/gitlab#545150 for MRs, notes and diffs, #555868 proposing `files/raw`), writes answer 401 because
      // lib/api/notes.rb runs `before { authenticate! }`, and /user needs a user.
      if (method !== "GET" || r.name === "user" || r.name === "tokenSelf") throw message(401, "401 Unauthorized");
      throw message(404, "404 Project Not Found");
    }
    if (options.enforceScopes === true && token.scopes !== undefined && !scopesAllow(token.scopes, method, r.name))
      throw insufficientScope();
    const user = world.users.find((u) => u.id === token.userId) ?? fakeUser(token.userId, `user${token.userId}`);
    if (r.name === "user") return { status: 200, body: userJson(user, true) };
    if (r.name === "tokenSelf") return { status: 200, body: tokenJson(token) };

    const project = findProject(r.projectId);
    switch (r.name) {
      case "project":
        return { status: 200, body: projectJson(project) };
      case "mergeRequests":
        return paginated(
          url,
          listMergeRequests(project, url.searchParams).map((mr) => mergeRequestListJson(mr, project)),
        );
      case "rawFile": {
        // `ref=HEAD` reads the default branch (doc/api/repository_files.md, "Use HEAD to automatically use the
        // default branch", gitlab-org/gitlab commit a0fd1031).
        const ref = url.searchParams.get("ref") ?? project.defaultBranch;
        return rawFile(project, r.filePath ?? "", ref === "HEAD" ? project.defaultBranch : ref);
      }
      case "tree":
        return repositoryTree(project, url);
      case "mergeRequestTemplates":
        return paginated(
          url,
          mergeRequestTemplates(project).map((t) => ({ key: t.name, name: t.name })),
        );
      case "mergeRequestTemplate": {
        const template = mergeRequestTemplates(project).find((t) => t.name === r.filePath);
        // lib/api/project_templates.rb: `not_found!('Template')`.
        if (template === undefined) throw message(404, "404 Template Not Found");
        return { status: 200, body: { name: template.name, content: template.content } };
      }
      case "labels":
        if (method === "POST") return createLabel(project, body, req);
        return paginated(
          url,
          project.labels.map((name, index) => ({ id: index + 1, name, color: "#6699cc", description: null })),
        );
      case "pipelineJobs":
        return pipelineJobs(url, project, r.pipelineId ?? 0);
      case "pipelineBridges":
        return pipelineBridges(url, project, r.pipelineId ?? 0);
      case "setStatus":
        return setStatus(project, r.sha ?? "", user, body, req);
      case "commit": {
        const parents = commitParents(project, r.sha ?? "");
        if (parents === null) throw message(404, "404 Commit Not Found");
        return { status: 200, body: commitJson(r.sha ?? "", parents) };
      }
      case "commitStatuses": {
        // doc/api/commits.md "List the statuses of a commit": `all` — "Return all statuses, not only the latest
        // ones"; by default GitLab lists only the latest status of each name.
        const all = url.searchParams.get("all") === "true";
        const newestFirst = world.commitStatuses
          .filter((st) => st.project === project.path && st.sha === r.sha)
          .sort((a, b) => b.id - a.id);
        const listed = all
          ? newestFirst
          : newestFirst.filter((st, i) => newestFirst.findIndex((o) => o.name === st.name) === i);
        // A pipeline's own jobs are commit statuses too (Ci::Build is a CommitStatus): GitLab lists them beside the
        // external ones, each with its pipeline_id (the example reply in doc/api/commits.md lists CI jobs). So are its
        // trigger jobs: lib/api/commit_statuses.rb lists `::CommitStatus.where(pipeline: pipelines)`, and
        // `Ci::Bridge < Ci::Processable < ::CommitStatus` (app/models/ci/bridge.rb, app/models/ci/processable.rb).
        const head = pipelineOnCommit(project, r.sha ?? "");
        const builds = [...(head?.jobs ?? []), ...(head?.bridges ?? [])].map((job) => ({
          id: job.id,
          sha: r.sha,
          ref: null,
          status: job.status,
          name: job.name,
          stage: job.stage,
          target_url: `${baseUrl}/${project.path}/-/jobs/${job.id}`,
          description: null,
          created_at: "2024-05-01T10:00:00.000Z",
          allow_failure: job.allowFailure,
          pipeline_id: head?.id ?? null,
        }));
        return paginated(url, [
          ...builds,
          ...listed.map((st) => ({ ...commitStatusJson(st), pipeline_id: head?.id ?? null, stage: "external" })),
        ]);
      }
      case "deployments":
        return paginated(
          url,
          listDeployments(project, url.searchParams).map((d) => deploymentJson(d, project)),
        );
      case "deploymentMergeRequests": {
        const deployment = world.deployments.find((d) => d.project === project.path && d.id === r.deploymentId);
        if (deployment === undefined) throw message(404, "404 Deployment Not Found");
        const mrs = world.mergeRequests.filter(
          (m) => m.project === project.path && deployment.mergeRequests.includes(m.iid),
        );
        return paginated(
          url,
          mrs.map((m) => mergeRequestListJson(m, project)),
        );
      }
      default:
        break;
    }
    const mr = findMergeRequest(project, r.iid ?? 0);
    switch (r.name) {
      case "mergeRequest":
        return { status: 200, body: mergeRequestJson(mr, project) };
      case "diffs":
        return paginated(
          url,
          mr.diffs.slice(0, maxDiffFiles).map((diff) => diffJson(diff, mr)),
        );
      case "pipelines":
        return paginated(url, mr.headPipeline === null ? [] : [pipelineJson(mr.headPipeline, mr, project)]);
      case "notes":
        if (method === "POST") return createNote(project, mr, user, body, req);
        return paginated(
          url,
          listNotes(project, mr, url.searchParams).map((note) => noteJson(note, mr, project)),
        );
      case "note":
        return noteRoute(method, project, mr, user, r.noteId ?? 0, body, req);
      case "labelEvents":
        return paginated(
          url,
          world.labelEvents
            .filter((e) => e.project === project.path && e.mergeRequestIid === mr.iid)
            .sort((a, b) => a.id - b.id)
            .map((e) => labelEventJson(e, mr)),
        );
      case "approvals":
        return { status: 200, body: approvalsJson(project, mr, user) };
      case "statusCheckResponses":
        return statusCheckResponse(project, mr, body, req);
    }
    return { status: 404, body: { error: "404 Not Found" } };
  }

  function findProject(id: string | undefined): FakeProject {
    const project = world.projects.find((p) => String(p.id) === id || p.path === id);
    if (project === undefined) throw message(404, "404 Project Not Found");
    return project;
  }

  function findMergeRequest(project: FakeProject, iid: number): FakeMergeRequest {
    const mr = world.mergeRequests.find((m) => m.project === project.path && m.iid === iid);
    if (mr === undefined) throw message(404, "404 Not found");
    return mr;
  }

  function listMergeRequests(project: FakeProject, query: URLSearchParams): FakeMergeRequest[] {
    const state = query.get("state") ?? "all";
    const labels = listParam(query, "labels");
    const notLabels = listParam(query, "not[labels]");
    const updatedAfter = query.get("updated_after");
    let mrs = world.mergeRequests.filter((mr) => mr.project === project.path);
    if (state !== "all") mrs = mrs.filter((mr) => mr.state === state);
    const source = query.get("source_branch");
    if (source !== null) mrs = mrs.filter((mr) => mr.sourceBranch === source);
    const target = query.get("target_branch");
    if (target !== null) mrs = mrs.filter((mr) => mr.targetBranch === target);
    if (labels.length > 0) mrs = mrs.filter((mr) => labels.every((label) => mr.labels.includes(label)));
    // GitLab's negated label filter drops an MR carrying ANY of the labels.
    if (notLabels.length > 0) mrs = mrs.filter((mr) => !notLabels.some((label) => mr.labels.includes(label)));
    if (updatedAfter !== null) mrs = mrs.filter((mr) => Date.parse(mr.updatedAt) >= Date.parse(updatedAfter));
    const orderBy = query.get("order_by") ?? "created_at";
    const key = (mr: FakeMergeRequest): string =>
      orderBy === "updated_at"
        ? mr.updatedAt
        : orderBy === "merged_at"
          ? (mr.mergedAt ?? "")
          : orderBy === "title"
            ? mr.title
            : mr.createdAt;
    const direction = (query.get("sort") ?? "desc") === "asc" ? 1 : -1;
    return [...mrs].sort((a, b) => direction * (key(a).localeCompare(key(b)) || a.iid - b.iid));
  }

  function listNotes(project: FakeProject, mr: FakeMergeRequest, query: URLSearchParams): FakeNote[] {
    const orderBy = query.get("order_by") === "updated_at" ? "updatedAt" : "createdAt";
    const direction = (query.get("sort") ?? "desc") === "asc" ? 1 : -1;
    return world.notes
      .filter((note) => note.project === project.path && note.mergeRequestIid === mr.iid)
      .sort((a, b) => direction * (a[orderBy].localeCompare(b[orderBy]) || a.id - b.id));
  }

  /**
   * A head pipeline the project ran, by id; GitLab's 404 when there is none. A fork MR's pipeline belongs to the fork
   * (`FakePipeline.project`): the MR's own project answers 404 for it.
   */
  function headPipelineById(project: FakeProject, pipelineId: number): FakePipeline {
    const pipeline = world.mergeRequests
      .map((mr) => mr.headPipeline)
      .find((p) => p !== null && p.id === pipelineId && ranIn(p) === project.path);
    if (pipeline === undefined || pipeline === null) throw message(404, "404 Not found");
    return pipeline;
  }

  /** The project that ran the pipeline: the fork's, or else its MR's. */
  function ranIn(pipeline: FakePipeline): string {
    return (
      pipeline.project ?? world.mergeRequests.find((mr) => mr.headPipeline === pipeline)?.project ?? "(unknown project)"
    );
  }

  /** The commit a pipeline ran on: its merge commit, an older commit, or its MR's head. */
  function ranOn(pipeline: FakePipeline, mr: FakeMergeRequest): string {
    return pipeline.sha ?? mr.sha;
  }

  /** The head pipeline the project ran on `sha`, if any. */
  function pipelineOnCommit(project: FakeProject, sha: string): FakePipeline | undefined {
    for (const mr of world.mergeRequests) {
      const pipeline = mr.headPipeline;
      if (pipeline !== null && ranIn(pipeline) === project.path && ranOn(pipeline, mr) === sha) return pipeline;
    }
    return undefined;
  }

  /**
   * The parents of a commit the world knows (doc/api/commits.md "Get a single commit", `parent_ids`): a merged-results
   * or merge-train pipeline's merge commit has the target branch's tip and the MR commit it merged; an MR head, one
   * parent on its branch. Null: no such commit in the project. Fork commits are known in the fork (where its MR's
   * pipeline ran) and in the target project (GitLab keeps refs/merge-requests/:iid/head there).
   */
  function commitParents(project: FakeProject, sha: string): string[] | null {
    for (const mr of world.mergeRequests) {
      const pipeline = mr.headPipeline;
      if (pipeline?.kind !== undefined && pipeline.sha === sha && ranIn(pipeline) === project.path)
        return [FAKE_TARGET_TIP, pipeline.merged ?? mr.sha];
      const inProject = mr.project === project.path || (pipeline !== null && ranIn(pipeline) === project.path);
      if (inProject && (mr.sha === sha || pipeline?.sha === sha)) return ["d".repeat(40)];
    }
    return null;
  }

  /** The shape of doc/api/commits.md "Get a single commit". */
  function commitJson(sha: string, parents: string[]): Json {
    return {
      id: sha,
      short_id: sha.slice(0, 8),
      title: parents.length > 1 ? "Merge branch into main" : "A commit",
      author_name: "dev",
      author_email: "dev@example.com",
      authored_date: "2024-05-01T09:00:00.000Z",
      committer_name: "dev",
      committer_email: "dev@example.com",
      committed_date: "2024-05-01T09:00:00.000Z",
      created_at: "2024-05-01T09:00:00.000Z",
      message: parents.length > 1 ? "Merge branch into main\n" : "A commit\n",
      parent_ids: parents,
      web_url: `${baseUrl}/-/commit/${sha}`,
      stats: { additions: 1, deletions: 0, total: 1 },
      status: null,
      last_pipeline: null,
    };
  }

  /** Its CI jobs, never its trigger jobs (see `FakePipeline.bridges`). */
  function pipelineJobs(url: URL, project: FakeProject, pipelineId: number): Reply {
    const pipeline = headPipelineById(project, pipelineId);
    return paginated(
      url,
      pipeline.jobs.map((job) => ({
        id: job.id,
        name: job.name,
        stage: job.stage,
        status: job.status,
        allow_failure: job.allowFailure,
        created_at: "2024-05-01T10:00:00.000Z",
        web_url: `${baseUrl}/${project.path}/-/jobs/${job.id}`,
        pipeline: { id: pipelineId, project_id: project.id, status: pipeline.status },
      })),
    );
  }

  /**
   * `GET /projects/:id/pipelines/:pipeline_id/bridges`, paginated like every list (lib/api/ci/pipelines.rb:
   * `present paginate(bridges), with: Entities::Ci::Bridge`), in the shape of the example reply in doc/api/jobs.md
   * "List pipeline bridges": the job's fields, and `downstream_pipeline` (null until the bridge has started one).
   * GitLab 19.2 adds `/trigger_jobs` for the same list and deprecates this path; both answer on 19.x.
   */
  function pipelineBridges(url: URL, project: FakeProject, pipelineId: number): Reply {
    const pipeline = headPipelineById(project, pipelineId);
    return paginated(
      url,
      (pipeline.bridges ?? []).map((bridge) => ({
        id: bridge.id,
        name: bridge.name,
        stage: bridge.stage,
        status: bridge.status,
        allow_failure: bridge.allowFailure,
        coverage: null,
        created_at: "2024-05-01T10:00:00.000Z",
        started_at: null,
        finished_at: null,
        duration: null,
        queued_duration: null,
        ref: "main",
        tag: false,
        web_url: `${baseUrl}/${project.path}/-/jobs/${bridge.id}`,
        pipeline: { id: pipelineId, project_id: project.id, status: pipeline.status },
        project: { ci_job_token_scope_enabled: false },
        downstream_pipeline:
          bridge.downstreamPipeline === null
            ? null
            : {
                id: bridge.downstreamPipeline.id,
                project_id: project.id,
                sha: pipeline.sha ?? "0".repeat(40),
                ref: "main",
                status: bridge.downstreamPipeline.status,
                source: "parent_pipeline",
                created_at: "2024-05-01T10:01:00.000Z",
                updated_at: "2024-05-01T10:05:00.000Z",
                web_url: `${baseUrl}/${project.path}/-/pipelines/${bridge.downstreamPipeline.id}`,
              },
      })),
    );
  }

  /** doc/api/personal_access_tokens.md "Get single personal access token" (`self`). */
  function tokenJson(token: FakeToken): Json {
    return {
      id: token.userId * 100,
      name: token.name ?? "bfd",
      revoked: false,
      created_at: "2026-01-01T00:00:00.000Z",
      description: "",
      scopes: token.scopes ?? ["api"],
      user_id: token.userId,
      last_used_at: at(new Date().toISOString()),
      active: true,
      expires_at: token.expiresAt === undefined ? "2027-01-01" : token.expiresAt,
    };
  }

  /**
   * `POST /projects/:id/statuses/:sha` (doc/api/commits.md "Set the pipeline status of a commit"): `state` is one of
   * pending, running, success, failed, canceled (anything else is 400), `description` at most 255 characters; a
   * status with the same name on the same sha is updated, GitLab keeping its latest state.
   */
  function setStatus(project: FakeProject, sha: string, user: FakeUser, body: string, req: IncomingMessage): Reply {
    const state = bodyField(body, req, "state") ?? "";
    if (!["pending", "running", "success", "failed", "canceled"].includes(state)) {
      return { status: 400, body: { error: "state does not have a valid value" } };
    }
    if (commitParents(project, sha) === null) throw message(404, "404 Commit Not Found");
    const description = bodyField(body, req, "description") ?? null;
    if (description !== null && description.length > 255) {
      return { status: 400, body: { message: { description: ["is too long (maximum is 255 characters)"] } } };
    }
    const name = bodyField(body, req, "name") ?? bodyField(body, req, "context") ?? "default";
    const status: FakeCommitStatus = {
      id: newId(),
      project: project.path,
      sha,
      name,
      state,
      targetUrl: bodyField(body, req, "target_url") ?? null,
      description,
      authorId: user.id,
      createdAt: new Date().toISOString(),
    };
    world.commitStatuses.push(status);
    return { status: 201, body: commitStatusJson(status) };
  }

  function commitStatusJson(st: FakeCommitStatus): Json {
    const author = world.users.find((u) => u.id === st.authorId) ?? fakeUser(st.authorId, `user${st.authorId}`);
    return {
      id: st.id,
      sha: st.sha,
      ref: null,
      status: st.state,
      name: st.name,
      target_url: st.targetUrl,
      description: st.description,
      created_at: at(st.createdAt),
      started_at: null,
      finished_at: null,
      allow_failure: false,
      coverage: null,
      author: userJson(author),
    };
  }

  /**
   * `GET /projects/:id/deployments` (doc/api/deployments.md): filters `environment` and `status`; `finished_after` /
   * `finished_before` are refused (400) unless `order_by=finished_at` and `status=success`, as the docs require.
   */
  function listDeployments(project: FakeProject, query: URLSearchParams): FakeDeployment[] {
    const finishedAfter = query.get("finished_after");
    const finishedBefore = query.get("finished_before");
    const orderBy = query.get("order_by") ?? "id";
    if (
      (finishedAfter !== null || finishedBefore !== null) &&
      (orderBy !== "finished_at" || query.get("status") !== "success")
    ) {
      throw new HttpReply({
        status: 400,
        body: { message: "finished_after and finished_before require order_by=finished_at and status=success" },
      });
    }
    let list = world.deployments.filter((d) => d.project === project.path);
    const environment = query.get("environment");
    if (environment !== null) list = list.filter((d) => d.environment === environment);
    const status = query.get("status");
    if (status !== null) list = list.filter((d) => d.status === status);
    if (finishedAfter !== null)
      list = list.filter((d) => d.finishedAt !== null && Date.parse(d.finishedAt) > Date.parse(finishedAfter));
    if (finishedBefore !== null)
      list = list.filter((d) => d.finishedAt !== null && Date.parse(d.finishedAt) < Date.parse(finishedBefore));
    const key = (d: FakeDeployment): number =>
      orderBy === "finished_at"
        ? Date.parse(d.finishedAt ?? "")
        : orderBy === "created_at"
          ? Date.parse(d.createdAt)
          : d.id;
    const direction = (query.get("sort") ?? "asc") === "desc" ? -1 : 1;
    return [...list].sort((a, b) => direction * (key(a) - key(b)));
  }

  function deploymentJson(d: FakeDeployment, project: FakeProject): Json {
    return {
      id: d.id,
      iid: d.id,
      ref: d.ref,
      sha: d.sha,
      created_at: at(d.createdAt),
      updated_at: at(d.finishedAt ?? d.createdAt),
      finished_at: at(d.finishedAt),
      status: d.status,
      user: userJson(world.users[0] ?? fakeUser(1, "deployer")),
      environment: { id: 1, name: d.environment, external_url: `https://${d.environment}.example.com` },
      deployable: {
        id: d.id + 1,
        status: d.status,
        stage: "deploy",
        name: `deploy-${d.environment}`,
        ref: d.ref,
        tag: false,
        finished_at: at(d.finishedAt),
        pipeline: { id: d.id + 2, project_id: project.id, sha: d.sha, status: d.status },
      },
    };
  }

  /**
   * `GET /projects/:id/merge_requests/:iid/approvals` (doc/api/merge_request_approvals.md; any tier): the fields of
   * lib/api/entities/merge_request_approvals.rb — `approved_by` lists `{ user: UserBasic, approved_at }`, the
   * approval's `created_at` exposed as `approved_at` (lib/api/entities/approvals.rb), left out by older instances.
   */
  function approvalsJson(project: FakeProject, mr: FakeMergeRequest, viewer: FakeUser): Json {
    const approvals = world.approvals.filter((a) => a.project === project.path && a.mergeRequestIid === mr.iid);
    const author = userByName(mr.author);
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: at(mr.createdAt),
      updated_at: at(mr.updatedAt),
      merge_status: "can_be_merged",
      user_has_approved: approvals.some((a) => a.userId === viewer.id),
      user_can_approve: viewer.id !== author.id && !approvals.some((a) => a.userId === viewer.id),
      approved: approvals.length > 0,
      approved_by: approvals.map((a) => {
        const user = world.users.find((u) => u.id === a.userId) ?? fakeUser(a.userId, `user${a.userId}`);
        return a.approvedAt === null
          ? { user: userJson(user) }
          : { user: userJson(user), approved_at: at(a.approvedAt) };
      }),
    };
  }

  function labelEventJson(e: FakeLabelEvent, mr: FakeMergeRequest): Json {
    const user = world.users.find((u) => u.id === e.userId) ?? fakeUser(e.userId, `user${e.userId}`);
    return {
      id: e.id,
      user: userJson(user),
      created_at: at(e.createdAt),
      resource_type: "MergeRequest",
      resource_id: mr.id,
      label: { id: 73, name: e.label, color: "#00b140", description: null },
      action: e.action,
    };
  }

  /**
   * `POST /projects/:id/merge_requests/:iid/status_check_responses` (doc/api/status_checks.md, Ultimate): 409 unless
   * `sha` is the MR's source-branch head, 404 for an unknown `external_status_check_id`, status passed|failed|pending.
   */
  function statusCheckResponse(project: FakeProject, mr: FakeMergeRequest, body: string, req: IncomingMessage): Reply {
    const sha = bodyField(body, req, "sha") ?? "";
    const id = Number(bodyField(body, req, "external_status_check_id"));
    const status = bodyField(body, req, "status") ?? "passed";
    const check = world.statusChecks.find((c) => c.project === project.path && c.id === id);
    if (check === undefined) throw message(404, "404 Not found");
    if (!["passed", "failed", "pending"].includes(status))
      return { status: 400, body: { error: "status does not have a valid value" } };
    if (sha !== mr.sha) return { status: 409, body: { message: "SHA does not match HEAD of source branch" } };
    check.responses.push({ mergeRequestIid: mr.iid, sha, status });
    return {
      status: 201,
      body: {
        id: newId(),
        merge_request: { id: mr.id, iid: mr.iid },
        external_status_check: { id: check.id, name: check.name },
        status,
      },
    };
  }

  /**
   * The project's MR description templates as GitLab's project templates API serves them (doc/api/project_templates.md,
   * lib/api/project_templates.rb): the `.md` files in `.gitlab/merge_request_templates/` on the default branch
   * (doc/user/project/description_templates.md: templates must "be present on the default branch"), each keyed by its
   * file name without `.md`. No folder: an empty list. Group and instance template projects are not modelled.
   */
  function mergeRequestTemplates(project: FakeProject): { name: string; content: string }[] {
    const folder = ".gitlab/merge_request_templates/";
    return Object.entries(project.files[project.defaultBranch] ?? {})
      .filter(([path]) => path.startsWith(folder) && path.endsWith(".md") && !path.slice(folder.length).includes("/"))
      .map(([path, content]) => ({ name: path.slice(folder.length, -".md".length), content }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * `GET /projects/:id/repository/tree` (doc/api/repositories.md "List repository tree"): the files and folders under
   * `path` at `ref` (default branch when absent), every level with `recursive=true`, each `{ id, name, type, path,
   * mode }`. Keyset pages with `pagination=keyset`: `page_token` is the id of the last entry of the previous page and
   * the next page is linked as rel="next" (lib/gitlab/pagination/gitaly_keyset_pager.rb); page numbers are unsupported
   * since GitLab 15.0. A path the commit does not have is a 404 (lib/api/repositories.rb rescues
   * Gitlab::Git::Index::IndexError into `not_found!`), and so is a ref it does not have ("404 Tree Not Found").
   */
  function repositoryTree(project: FakeProject, url: URL): Reply {
    const ref = url.searchParams.get("ref") ?? project.defaultBranch;
    const files = project.files[ref];
    if (files === undefined) throw message(404, "404 Tree Not Found");
    const folder = (url.searchParams.get("path") ?? "").replace(/\/+$/, "");
    const recursive = url.searchParams.get("recursive") === "true";
    const under = folder === "" ? "" : `${folder}/`;
    const entries = new Map<string, "blob" | "tree">();
    for (const path of Object.keys(files).sort()) {
      if (!path.startsWith(under)) continue;
      const rest = path.slice(under.length).split("/");
      const depth = recursive ? rest.length : 1;
      for (let i = 1; i <= depth; i += 1) {
        const entry = under + rest.slice(0, i).join("/");
        entries.set(entry, i === rest.length ? "blob" : "tree");
      }
    }
    // `not_found!(e.message)`: the message carries git's error text, never "Project Not Found".
    if (folder !== "" && entries.size === 0) throw message(404, `404 ${folder} Not Found`);
    const all = [...entries].map(([path, type]) => ({
      id: createHash("sha1").update(`${type}:${path}`).digest("hex"),
      name: path.slice(path.lastIndexOf("/") + 1),
      type,
      path,
      mode: type === "tree" ? "040000" : "100644",
    }));
    const perPageRaw = Number.parseInt(url.searchParams.get("per_page") ?? "", 10);
    const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(100, perPageRaw) : 20;
    const token = url.searchParams.get("page_token");
    const start = token === null ? 0 : all.findIndex((e) => e.id === token) + 1;
    const page = all.slice(start, start + perPage);
    const headers: Record<string, string> = {};
    if (url.searchParams.get("pagination") === "keyset" && start + perPage < all.length) {
      const params = new URLSearchParams(url.searchParams);
      params.set("page_token", page.at(-1)!.id);
      params.set("per_page", String(perPage));
      headers["link"] = `<${baseUrl}${url.pathname}?${params.toString()}>; rel="next"`;
    }
    return { status: 200, headers, body: page };
  }

  function rawFile(project: FakeProject, path: string, ref: string): Reply {
    const content = project.files[ref]?.[path];
    if (content === undefined) throw message(404, "404 File Not Found");
    return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: content };
  }

  /**
   * `POST /projects/:id/labels` (doc/api/labels.md "Create a new label"): `name` and `color` are required. A name
   * the project (or one of its ancestor groups) already has is refused before anything is created:
   * lib/api/helpers/label_helpers.rb `create_label` looks it up in `available_labels_for(parent)` and calls
   * `conflict!('Label already exists')`, which lib/api/helpers.rb renders as 409 `{"message": "Label already exists"}`.
   */
  function createLabel(project: FakeProject, body: string, req: IncomingMessage): Reply {
    const name = bodyField(body, req, "name");
    const color = bodyField(body, req, "color");
    if (name === undefined || name === "") return { status: 400, body: { error: "name is missing" } };
    if (color === undefined || color === "") return { status: 400, body: { error: "color is missing" } };
    if (project.labels.includes(name)) return { status: 409, body: { message: "Label already exists" } };
    project.labels.push(name);
    return { status: 201, body: { id: project.labels.length, name, color, description: null } };
  }

  function createNote(
    project: FakeProject,
    mr: FakeMergeRequest,
    user: FakeUser,
    body: string,
    req: IncomingMessage,
  ): Reply {
    const text = bodyField(body, req, "body");
    if (text === undefined || text === "") return { status: 400, body: { error: "body is missing" } };
    const now = new Date().toISOString();
    const id = Math.max(0, ...world.notes.map((n) => n.id)) + 1;
    const note: FakeNote = {
      id,
      project: project.path,
      mergeRequestIid: mr.iid,
      body: text,
      authorId: user.id,
      system: false,
      createdAt: now,
      updatedAt: now,
    };
    world.notes.push(note);
    return { status: 201, body: noteJson(note, mr, project) };
  }

  function noteRoute(
    method: string,
    project: FakeProject,
    mr: FakeMergeRequest,
    user: FakeUser,
    noteId: number,
    body: string,
    req: IncomingMessage,
  ): Reply {
    const note = world.notes.find((n) => n.id === noteId && n.project === project.path && n.mergeRequestIid === mr.iid);
    if (note === undefined) throw message(404, "404 Note Not Found");
    if (method === "GET") return { status: 200, body: noteJson(note, mr, project) };
    // NotesHelpers#update_note / #delete_note authorize :admin_note, which only the note's author holds here.
    if (note.authorId !== user.id) throw message(403, "403 Forbidden");
    if (method === "PUT") {
      const text = bodyField(body, req, "body");
      if (text !== undefined) note.body = text;
      note.updatedAt = new Date().toISOString();
      return { status: 200, body: noteJson(note, mr, project) };
    }
    world.notes.splice(world.notes.indexOf(note), 1);
    return { status: 204 };
  }

  function webUrl(path: string): string {
    return `${baseUrl}/${path}`;
  }

  function userJson(user: FakeUser, full = false): Json {
    const base: Json = {
      id: user.id,
      username: user.username,
      name: user.name,
      state: "active",
      locked: false,
      avatar_url: null,
      web_url: webUrl(user.username),
    };
    return full ? { ...base, created_at: "2020-01-01T00:00:00.000Z", bio: "", public_email: null, bot: false } : base;
  }

  function userByName(username: string): FakeUser {
    return world.users.find((u) => u.username === username) ?? fakeUser(0, username);
  }

  function projectJson(project: FakeProject): Json {
    const segments = project.path.split("/");
    const name = segments[segments.length - 1] ?? project.path;
    const namespace = segments.slice(0, -1).join("/");
    return {
      id: project.id,
      description: null,
      name,
      name_with_namespace: segments.join(" / "),
      path: name,
      path_with_namespace: project.path,
      created_at: "2020-01-01T00:00:00.000Z",
      default_branch: project.defaultBranch,
      tag_list: [],
      topics: [],
      ssh_url_to_repo: `git@127.0.0.1:${project.path}.git`,
      http_url_to_repo: `${webUrl(project.path)}.git`,
      web_url: webUrl(project.path),
      readme_url: null,
      avatar_url: null,
      visibility: "private",
      namespace: {
        id: 1,
        name: namespace,
        path: namespace,
        kind: "group",
        full_path: namespace,
        parent_id: null,
        avatar_url: null,
        web_url: webUrl(namespace),
      },
    };
  }

  function commonMergeRequestFields(mr: FakeMergeRequest, project: FakeProject): Json {
    const author = userJson(userByName(mr.author));
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: at(mr.createdAt),
      updated_at: at(mr.updatedAt),
      merged_by: mr.state === "merged" ? author : null,
      merge_user: mr.state === "merged" ? author : null,
      merged_at: at(mr.mergedAt),
      // A closed MR keeps its state "closed" and says who closed it and when (doc/api/merge_requests.md).
      closed_by: mr.state === "closed" ? author : null,
      closed_at: mr.state === "closed" ? at(mr.updatedAt) : null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      author,
      assignee: null,
      assignees: [],
      reviewers: [],
      source_project_id: project.id,
      target_project_id: project.id,
      labels: mr.labels,
      draft: mr.draft,
      work_in_progress: mr.draft,
      milestone: null,
      detailed_merge_status: mr.state === "opened" ? (mr.draft ? "draft_status" : "mergeable") : "not_open",
      sha: mr.sha,
      web_url: webUrl(`${project.path}/-/merge_requests/${mr.iid}`),
      reference: `!${mr.iid}`,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${project.path}!${mr.iid}` },
    };
  }

  function mergeRequestListJson(mr: FakeMergeRequest, project: FakeProject): Json {
    return { ...structuredClone(MR_LIST_TEMPLATE), ...commonMergeRequestFields(mr, project) };
  }

  function mergeRequestJson(mr: FakeMergeRequest, project: FakeProject): Json {
    const json: Json = {
      ...structuredClone(MR_SINGLE_TEMPLATE),
      ...commonMergeRequestFields(mr, project),
      changes_count: mr.diffs.length > maxDiffFiles ? `${maxDiffFiles}+` : String(mr.diffs.length),
      diff_refs: { base_sha: "b".repeat(40), head_sha: mr.sha, start_sha: "b".repeat(40) },
      pipeline: mr.headPipeline === null ? null : pipelineJson(mr.headPipeline, mr, project),
      head_pipeline: mr.headPipeline === null ? null : headPipelineJson(mr.headPipeline, mr, project),
    };
    if (!mr.pipelineVisible) {
      delete json["pipeline"];
      delete json["head_pipeline"];
    }
    return json;
  }

  function pipelineJson(pipeline: FakePipeline, mr: FakeMergeRequest, project: FakeProject): Json {
    const ref = pipeline.kind === "merged_result" ? "merge" : pipeline.kind === "merge_train" ? "train" : "head";
    const ranBy = world.projects.find((p) => p.path === ranIn(pipeline)) ?? project;
    return {
      ...structuredClone(PIPELINE_TEMPLATE),
      id: pipeline.id,
      project_id: ranBy.id,
      sha: ranOn(pipeline, mr),
      ref: `refs/merge-requests/${mr.iid}/${ref}`,
      status: pipeline.status,
      web_url: pipeline.webUrl,
    };
  }

  function headPipelineJson(pipeline: FakePipeline, mr: FakeMergeRequest, project: FakeProject): Json {
    const template = structuredClone(MR_SINGLE_TEMPLATE["head_pipeline"]) as Json;
    return {
      ...template,
      ...pipelineJson(pipeline, mr, project),
      before_sha: ranOn(pipeline, mr),
      user: userJson(userByName(mr.author)),
      detailed_status: {
        ...(template["detailed_status"] as Json),
        icon: `status_${pipeline.status}`,
        text: pipeline.status,
        label: pipeline.status,
        group: pipeline.status,
        tooltip: pipeline.status,
        details_path: `/${project.path}/-/pipelines/${pipeline.id}`,
      },
    };
  }

  /** A unified diff as GitLab sends it; an added file whose content the world holds at the MR's head shows it whole. */
  function diffText(diff: FakeDiff, mr: FakeMergeRequest): string {
    if (diff.diff !== undefined) return diff.diff;
    if (diff.deletedFile) return `@@ -1 +0,0 @@\n-${diff.oldPath}\n`;
    if (diff.renamedFile && diff.renamedOnly === true) return "";
    const content = diff.newFile
      ? world.projects.find((p) => p.path === mr.project)?.files[mr.sha]?.[diff.newPath]
      : undefined;
    if (content === undefined) return `@@ -0,0 +1 @@\n+${diff.newPath}\n`;
    const endsWithNewline = content.endsWith("\n");
    const lines = (endsWithNewline ? content.slice(0, -1) : content).split("\n");
    return `@@ -0,0 +1${lines.length === 1 ? "" : `,${lines.length}`} @@\n${lines.map((l) => `+${l}`).join("\n")}\n${endsWithNewline ? "" : "\\ No newline at end of file\n"}`;
  }

  function diffJson(diff: FakeDiff, mr: FakeMergeRequest): Json {
    return {
      ...structuredClone(DIFF_TEMPLATE),
      old_path: diff.oldPath,
      new_path: diff.newPath,
      a_mode: diff.newFile ? "0" : "100644",
      b_mode: diff.deletedFile ? "0" : "100644",
      diff: diffText(diff, mr),
      new_file: diff.newFile,
      renamed_file: diff.renamedFile,
      deleted_file: diff.deletedFile,
    };
  }

  function noteJson(note: FakeNote, mr: FakeMergeRequest, project: FakeProject): Json {
    const author = world.users.find((u) => u.id === note.authorId) ?? fakeUser(note.authorId, `user${note.authorId}`);
    const template = structuredClone(NOTE_TEMPLATE);
    return {
      ...template,
      id: note.id,
      body: note.body,
      author: {
        ...(template["author"] as Json),
        id: author.id,
        username: author.username,
        name: author.name,
        email: `${author.username}@example.com`,
      },
      created_at: at(note.createdAt),
      updated_at: at(note.updatedAt),
      system: note.system,
      noteable_id: mr.id,
      noteable_type: "MergeRequest",
      project_id: project.id,
      noteable_iid: mr.iid,
    };
  }

  /** Offset pagination with GitLab's headers and link rels (examples/pagination_headers.txt), same query kept. */
  function paginated(url: URL, items: unknown[]): Reply {
    const perPageRaw = Number.parseInt(url.searchParams.get("per_page") ?? "", 10);
    const perPage = Number.isFinite(perPageRaw) && perPageRaw > 0 ? Math.min(100, perPageRaw) : 20;
    const pageRaw = Number.parseInt(url.searchParams.get("page") ?? "", 10);
    const page = Number.isFinite(pageRaw) && pageRaw > 0 ? pageRaw : 1;
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const hasNext = page < totalPages;
    const linkTo = (target: number): string => {
      const params = new URLSearchParams(url.searchParams);
      params.set("page", String(target));
      params.set("per_page", String(perPage));
      return `<${baseUrl}${url.pathname}?${params.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${linkTo(page - 1)}; rel="prev"`);
    if (hasNext) links.push(`${linkTo(page + 1)}; rel="next"`);
    links.push(`${linkTo(1)}; rel="first"`);
    if (options.omitTotals !== true) links.push(`${linkTo(totalPages)}; rel="last"`);
    const headers: Record<string, string> = {
      link: links.join(", "),
      "x-next-page": hasNext ? String(page + 1) : "",
      "x-page": String(page),
      "x-per-page": String(perPage),
      "x-prev-page": page > 1 ? String(page - 1) : "",
    };
    if (options.omitTotals !== true) {
      headers["x-total"] = String(items.length);
      headers["x-total-pages"] = String(totalPages);
    }
    return { status: 200, headers, body: slice };
  }

  const { port, close } = await listenOnLoopback(server, options.maxLifetimeMs);
  baseUrl = `http://127.0.0.1:${port}`;

  const matches = (request: FakeRequest, filter: RequestFilter | undefined): boolean => {
    if (filter === undefined) return true;
    if (typeof filter === "function") return filter(request);
    if (filter.method !== undefined && filter.method.toUpperCase() !== request.method) return false;
    if (filter.pathIncludes !== undefined && !request.path.includes(filter.pathIncludes)) return false;
    if (typeof filter.path === "string" && filter.path !== request.path) return false;
    if (filter.path instanceof RegExp && !filter.path.test(request.path)) return false;
    return true;
  };

  return {
    url: baseUrl,
    requests,
    requestCount: (filter) => requests.filter((request) => matches(request, filter)).length,
    countsByUrl: () => {
      const counts = new Map<string, number>();
      for (const request of requests) {
        const key = `${request.method} ${request.path}?${new URLSearchParams(flatQuery(request.query)).toString()}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      return counts;
    },
    reset: () => {
      requests.length = 0;
      faults = [];
      latencyMs = initialLatency;
      const fresh = structuredClone(initialWorld);
      world.users.splice(0, Infinity, ...fresh.users);
      world.projects.splice(0, Infinity, ...fresh.projects);
      world.mergeRequests.splice(0, Infinity, ...fresh.mergeRequests);
      world.notes.splice(0, Infinity, ...fresh.notes);
      world.deployments.splice(0, Infinity, ...fresh.deployments);
      world.labelEvents.splice(0, Infinity, ...fresh.labelEvents);
      world.commitStatuses.splice(0, Infinity, ...fresh.commitStatuses);
      world.statusChecks.splice(0, Infinity, ...fresh.statusChecks);
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    injectFault: (fault) => {
      faults.push({ fault, remaining: fault.times ?? 1 });
    },
    world,
    close,
  };
}

interface ResolvedRoute {
  name:
    | "user"
    | "project"
    | "mergeRequests"
    | "mergeRequest"
    | "diffs"
    | "pipelines"
    | "notes"
    | "note"
    | "rawFile"
    | "tree"
    | "labels"
    | "pipelineJobs"
    | "pipelineBridges"
    | "tokenSelf"
    | "setStatus"
    | "commit"
    | "commitStatuses"
    | "deployments"
    | "deploymentMergeRequests"
    | "labelEvents"
    | "approvals"
    | "mergeRequestTemplates"
    | "mergeRequestTemplate"
    | "statusCheckResponses";
  projectId?: string;
  pipelineId?: number;
  sha?: string;
  deploymentId?: number;
  iid?: number;
  noteId?: number;
  filePath?: string;
}

const ROUTE_METHODS: Record<ResolvedRoute["name"], string[]> = {
  user: ["GET"],
  project: ["GET"],
  mergeRequests: ["GET"],
  mergeRequest: ["GET"],
  diffs: ["GET"],
  pipelines: ["GET"],
  notes: ["GET", "POST"],
  note: ["GET", "PUT", "DELETE"],
  rawFile: ["GET"],
  tree: ["GET"],
  labels: ["GET", "POST"],
  pipelineJobs: ["GET"],
  pipelineBridges: ["GET"],
  tokenSelf: ["GET"],
  setStatus: ["POST"],
  commit: ["GET"],
  commitStatuses: ["GET"],
  deployments: ["GET"],
  deploymentMergeRequests: ["GET"],
  labelEvents: ["GET"],
  approvals: ["GET"],
  mergeRequestTemplates: ["GET"],
  mergeRequestTemplate: ["GET"],
  statusCheckResponses: ["POST"],
};

/**
 * What GitLab answers for a path no endpoint matches — on an older instance, an endpoint it does not have yet: the
 * catch-all `route :any, '*path'` → `error!('404 Not Found', 404)` at the end of lib/api/api.rb, which Grape sends as
 * `{"error":"404 Not Found"}`. A record an endpoint cannot find is answered by `not_found!` (lib/api/helpers.rb) as
 * `{"message":"404 Project Not Found"}` or `{"message":"404 Not found"}` instead (`message()` below).
 */
const ROUTE_NOT_FOUND: Reply = { status: 404, body: { error: "404 Not Found" } };

/**
 * Endpoints newer than some self-managed instances still run, by the version that added them. `/diffs`: GitLab 15.7
 * (gitlab-org/gitlab#322117 deprecated `/changes` for it in 15.7; gitlab-org/quality/performance#547 switches its
 * API test to `/diffs` "when GitLab version is >= 15.7"). Every other route the fake serves is older than that.
 */
const ROUTES_ADDED_IN: Partial<Record<ResolvedRoute["name"], string>> = { diffs: "15.7" };

function routeExistsIn(name: ResolvedRoute["name"], version: string | undefined): boolean {
  const added = ROUTES_ADDED_IN[name];
  if (version === undefined || added === undefined) return true;
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const [addedMajor = 0, addedMinor = 0] = added.split(".").map(Number);
  return major > addedMajor || (major === addedMajor && minor >= addedMinor);
}

function resolveRoute(method: string, s: string[]): ResolvedRoute | undefined {
  const resolved = matchRoute(s);
  if (resolved === undefined) return undefined;
  if (!ROUTE_METHODS[resolved.name].includes(method))
    throw new HttpReply({ status: 405, body: { error: "405 Not Allowed" } });
  return resolved;
}

function matchRoute(s: string[]): ResolvedRoute | undefined {
  if (s.length === 1 && s[0] === "user") return { name: "user" };
  if (s.length === 2 && s[0] === "personal_access_tokens" && s[1] === "self") return { name: "tokenSelf" };
  if (s[0] !== "projects" || s[1] === undefined) return undefined;
  const projectId = s[1];
  if (s.length === 2) return { name: "project", projectId };
  if (s[2] === "statuses" && s.length === 4) return { name: "setStatus", projectId, sha: s[3] ?? "" };
  if (s[2] === "repository" && s[3] === "commits" && s[5] === "statuses" && s.length === 6) {
    return { name: "commitStatuses", projectId, sha: s[4] ?? "" };
  }
  if (s[2] === "repository" && s[3] === "commits" && s.length === 5)
    return { name: "commit", projectId, sha: s[4] ?? "" };
  if (s[2] === "deployments" && s.length === 3) return { name: "deployments", projectId };
  if (s[2] === "labels" && s.length === 3) return { name: "labels", projectId };
  if (s[2] === "templates" && s[3] === "merge_requests" && s.length === 4)
    return { name: "mergeRequestTemplates", projectId };
  if (s[2] === "templates" && s[3] === "merge_requests" && s.length === 5)
    return { name: "mergeRequestTemplate", projectId, filePath: s[4] ?? "" };
  if (s[2] === "deployments" && s.length === 5 && s[4] === "merge_requests" && /^\d+$/.test(s[3] ?? "")) {
    return { name: "deploymentMergeRequests", projectId, deploymentId: Number(s[3]) };
  }
  if (s[2] === "pipelines" && s.length === 5 && s[4] === "jobs" && /^\d+$/.test(s[3] ?? "")) {
    return { name: "pipelineJobs", projectId, pipelineId: Number(s[3]) };
  }
  if (s[2] === "pipelines" && s.length === 5 && s[4] === "bridges" && /^\d+$/.test(s[3] ?? "")) {
    return { name: "pipelineBridges", projectId, pipelineId: Number(s[3]) };
  }
  if (s[2] === "repository" && s[3] === "tree" && s.length === 4) return { name: "tree", projectId };
  if (s[2] === "repository" && s[3] === "files" && s.length === 6 && s[5] === "raw")
    return { name: "rawFile", projectId, filePath: s[4] ?? "" };
  if (s[2] !== "merge_requests") return undefined;
  if (s.length === 3) return { name: "mergeRequests", projectId };
  const iid = Number(s[3]);
  if (!Number.isInteger(iid)) return undefined;
  if (s.length === 4) return { name: "mergeRequest", projectId, iid };
  if (s.length === 5 && s[4] === "diffs") return { name: "diffs", projectId, iid };
  if (s.length === 5 && s[4] === "pipelines") return { name: "pipelines", projectId, iid };
  if (s.length === 5 && s[4] === "notes") return { name: "notes", projectId, iid };
  if (s.length === 6 && s[4] === "notes") return { name: "note", projectId, iid, noteId: Number(s[5]) };
  if (s.length === 5 && s[4] === "resource_label_events") return { name: "labelEvents", projectId, iid };
  if (s.length === 5 && s[4] === "approvals") return { name: "approvals", projectId, iid };
  if (s.length === 5 && s[4] === "status_check_responses") return { name: "statusCheckResponses", projectId, iid };
  return undefined;
}

/** An ISO instant in UTC written with `offset` ("+02:00"): the same instant, as GitLab on that instance writes it. */
export function withOffset(iso: string, offset: string | undefined): string {
  if (offset === undefined || offset === "Z") return iso;
  const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (match === null) throw new Error(`fake GitLab: bad timeOffset ${offset}`);
  const minutes = (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const local = new Date(Date.parse(iso) + minutes * 60_000).toISOString().replace(/Z$/, "");
  return `${local}${offset}`;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function listParam(query: URLSearchParams, key: string): string[] {
  return [...query.getAll(key), ...query.getAll(`${key}[]`)]
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function flatQuery(query: Record<string, string | string[]>): [string, string][] {
  return Object.entries(query).flatMap(([key, value]) =>
    Array.isArray(value) ? value.map((v): [string, string] => [key, v]) : [[key, value] as [string, string]],
  );
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers))
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(", ") : value;
  return out;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}

function bodyField(body: string, req: IncomingMessage, field: string): string | undefined {
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/json")) {
    try {
      const value = (JSON.parse(body) as Record<string, unknown>)[field];
      return typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined;
    } catch {
      return undefined;
    }
  }
  return new URLSearchParams(body).get(field) ?? undefined;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  let payload = "";
  if (reply.body !== undefined && reply.status !== 204) {
    if (typeof reply.body === "string") {
      payload = reply.body;
      headers["content-type"] ??= "text/plain";
    } else {
      payload = JSON.stringify(reply.body);
      headers["content-type"] ??= "application/json";
    }
  }
  headers["content-length"] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}
