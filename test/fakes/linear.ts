/**
 * A loopback fake of Linear's GraphQL API, for adapter tests over real HTTP.
 *
 * Every POST is parsed, validated and executed by graphql-js against the vendored schema
 * (`test/fixtures/linear/schema.graphql`), so a document Linear would reject is rejected here too, with
 * resolvers over a small in-memory world. Filters and arguments the fake does not implement are refused
 * loudly (HTTP 500, "fake Linear: …") so a test can never pass on a filter that was silently ignored.
 *
 * Response shapes. Sources, in order of weight:
 * - `@linear/sdk` 98 `parseLinearError` (node_modules/@linear/sdk/dist/index.mjs): the SDK picks the error
 *   class from `errors[0].extensions.type` ("authentication error" → AuthenticationLinearError,
 *   "ratelimited" → RatelimitedLinearError, "invalid input" → InvalidInputLinearError, "graphql error" →
 *   GraphqlLinearError, "forbidden", "internal error", …), and only when there is no GraphQL error from
 *   the HTTP status (403 Forbidden, 429 Ratelimited, other 4xx AuthenticationError, 500 InternalError,
 *   other 5xx NetworkError). RatelimitedLinearError reads `retry-after` and `x-ratelimit-{requests,
 *   complexity}-{limit,remaining,reset}` from the response headers.
 * - Bodies captured from api.linear.app by third-party projects, found with the `code` search corpus:
 *   a fake of Linear that says its bodies were captured on 2026-09-04 (a shell fake with not_found /
 *   auth_error / validation_error modes) and a Rust test holding "Linear's verbatim 401 body for a key it
 *   rejects". They agree on:
 *     bad key      HTTP 401 {"errors":[{"message":"Authentication required, not authenticated","extensions":
 *                  {"type":"authentication error","code":"AUTHENTICATION_ERROR","statusCode":401,
 *                  "userError":true,"userPresentableMessage":"You need to authenticate to access this operation."}}]}
 *                  (no `data` key at all)
 *     unknown id   HTTP 400 {"errors":[{"message":"Entity not found: Issue","path":["issue"],"locations":[…],
 *                  "extensions":{"type":"invalid input","code":"INPUT_ERROR","statusCode":400,"userError":true,
 *                  "userPresentableMessage":"Could not find referenced Issue."}}],"data":null}
 *                  (one Go test answers this with HTTP 200; the SDK maps both to InvalidInputLinearError)
 *     bad field    HTTP 400 {"errors":[{"message":"Cannot query field \"x\" on type \"Issue\".","locations":[…],
 *                  "extensions":{"http":{"status":400,"headers":{}},"code":"GRAPHQL_VALIDATION_FAILED",
 *                  "type":"graphql error","userError":true}}]}
 *                  Captured validation errors carry NO userPresentableMessage, so neither does this fake
 *                  (the SDK then shows graphql-js's own message, which names the field).
 *   Real rate-limit headers seen on every response: x-ratelimit-requests-limit 2500, …-reset as epoch ms.
 * - Rate limiting: no captured body was found. Linear's docs (via NOTES.md §8) and third-party clients say
 *   it comes as a GraphQL error with `extensions.code` RATELIMITED (HTTP 400), not necessarily a 429; this
 *   fake sends HTTP 400 with `type: "ratelimited"` (what the SDK keys on) and offers `http-429` separately.
 * - Limits a naive fake hides (NOTES.md, "Limits and behaviours"): every query is scored by Linear's complexity
 *   rule (test/fakes/linear-complexity.ts) before it runs; above `maxComplexity` it is refused with the body
 *   Linear sends, and every reply says `x-complexity` and the request and complexity budgets left, spent truthfully;
 *   a spent budget is answered RATELIMITED. Every connection is paged by `first` (default 50, at most 250) and
 *   `after`, with a truthful `pageInfo`.
 * - Syntax errors use Apollo's GRAPHQL_PARSE_FAILED code with the validation shape: not verified.
 */
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { LINEAR_DEFAULT_PAGE_SIZE, LINEAR_MAX_COMPLEXITY, linearComplexity } from "./linear-complexity.js";
import { listenOnLoopback } from "./loopback.js";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import {
  buildSchema,
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from "graphql";

export const FAKE_LINEAR_API_KEY = "lin_api_FakeKey0123456789abcdefghijklmnopqrstuv";
/** The OAuth access token of bfd's `actor=app` installation, sent as `Authorization: Bearer …` (the SDK's accessToken). */
export const FAKE_LINEAR_AGENT_TOKEN = "lin_oauth_FakeAgentToken0123456789abcdefghijkl";

/** A workflow state of a team (NOTES.md "Workflow states"): ordered by `position` within its team. */
export interface FakeWorkflowState {
  name: string;
  type: "triage" | "backlog" | "unstarted" | "started" | "completed" | "canceled";
  position: number;
}

export interface FakeTeam {
  id: string;
  key: string;
  name: string;
  /** `team.states`; none: a team with no states the fake knows of. */
  states?: FakeWorkflowState[];
  /** `team.labels`, by name. */
  labels?: string[];
}

/**
 * A team set up for bfd's built-in rules (docs/configuration.md, "What the built-in rules expect in Linear and
 * GitLab"): a ready state, the handoff states, Done; and the waiver labels.
 */
export function processStates(): FakeWorkflowState[] {
  const states: [string, FakeWorkflowState["type"]][] = [
    ["Backlog", "backlog"],
    ["Todo", "unstarted"],
    ["In Progress", "started"],
    ["In Review", "started"],
    ["Blocked", "started"],
    ["Ready for Staging Validation", "started"],
    ["Needs Decision", "started"],
    ["Done", "completed"],
    ["Canceled", "canceled"],
  ];
  return states.map(([name, type], index) => ({ name, type, position: index }));
}

export interface FakeUser {
  id: string;
  name: string;
  displayName: string;
  email: string;
}

export interface FakeDocument {
  id: string;
  title: string;
  url: string;
  content: string | null;
}

export interface FakeExternalLink {
  id: string;
  label: string;
  url: string;
}

export interface FakeProject {
  id: string;
  name: string;
  url: string;
  description: string;
  content: string | null;
  documents: FakeDocument[];
  externalLinks: FakeExternalLink[];
}

export interface FakeAttachment {
  id: string;
  url: string;
  title: string;
  subtitle: string | null;
  sourceType: string | null;
  createdAt: string;
}

export interface FakeIssue {
  id: string;
  identifier: string;
  /**
   * Keys the issue had before it moved to another team (schema: `Issue.previousIdentifiers`, "Previous identifiers
   * of the issue if it has been moved between teams"). Moving re-keys the issue; the old keys still reach it (Linear's
   * "Edit issues" docs, move-effects table, as quoted in gmickel/flow-next#446: "old identifiers stay searchable and
   * old URLs redirect"), so `issue(id: "OLD-7")` answers with the moved issue.
   */
  previousIdentifiers: string[];
  number: number;
  title: string;
  description: string | null;
  url: string;
  branchName: string;
  estimate: number | null;
  priority: number;
  stateName: string;
  stateType: string;
  assigneeId: string | null;
  labels: string[];
  teamKey: string;
  projectId: string | null;
  parentId: string | null;
  attachments: FakeAttachment[];
  createdAt: string;
}

export type FakeRelationType = "blocks" | "related" | "duplicate" | "similar";

export interface FakeRelation {
  id: string;
  type: FakeRelationType;
  issueId: string;
  relatedIssueId: string;
}

export interface FakeComment {
  id: string;
  issueId: string;
  body: string;
  userId: string;
  createdAt: string;
  /** Defaults to createdAt. */
  updatedAt?: string;
  url: string;
}

/** An activity bfd's agent wrote in a session (agentActivityCreate), in the order Linear took them. */
export interface FakeAgentActivity {
  id: string;
  agentSessionId: string;
  type: string;
  body: string;
  /** Who wrote it: the app user (the agent's token) or the API key's user. */
  actor: "app" | "apiKey";
}

export interface LinearWorld {
  workspace: string;
  teams: FakeTeam[];
  users: FakeUser[];
  /** The user who owns the API key. */
  viewerId: string;
  projects: FakeProject[];
  /** Workspace-level labels (no team); `issueLabels` also lists every team's labels. */
  workspaceLabels?: string[];
  issues: FakeIssue[];
  relations: FakeRelation[];
  comments: FakeComment[];
  /** Agent sessions Linear has opened for bfd's app user (by mention or delegation); activities go to these. */
  agentSessions?: { id: string; issueId: string | null }[];
  agentActivities?: FakeAgentActivity[];
}

export interface RecordedRequest {
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  headers: Record<string, string>;
  /** What the fake scored the query (test/fakes/linear-complexity.ts); null when it never got that far. */
  complexity: number | null;
}

export type LinearFault =
  | { kind: "http-status"; status: number; body?: string; contentType?: string; times?: number }
  | {
      kind: "ratelimited";
      retryAfterSeconds?: number;
      times?: number;
      /** HTTP status of the reply (default 400); Linear may send either (NOTES.md "Added turn 3"). */
      status?: 400 | 429;
      /** "code": only `extensions.code: "RATELIMITED"`, no `type` the SDK knows (default: both). */
      marker?: "type-and-code" | "code";
    }
  | { kind: "http-429"; retryAfterSeconds?: number; times?: number }
  | { kind: "html"; status?: number; times?: number }
  | { kind: "malformed-json"; status?: number; times?: number }
  | { kind: "truncated"; times?: number }
  | { kind: "reset"; times?: number }
  | { kind: "partial-data"; times?: number }
  | { kind: "hang"; times?: number };

export interface FakeLinearOptions {
  apiKey?: string;
  latencyMs?: number;
  maxLifetimeMs?: number;
  /** A query scoring more than this is refused before it runs (default 10,000, Linear's limit). */
  maxComplexity?: number;
  /** Points per budget window (default 3,000,000); each executed query spends its score. */
  complexityBudget?: number;
  /** Requests per budget window (default 2,500, the limit seen on Linear's replies); each request spends one. */
  requestBudget?: number;
}

export interface FakeLinear {
  /** `http://127.0.0.1:PORT/graphql` */
  url: string;
  requests: RecordedRequest[];
  requestCount(): number;
  /** Forgets recorded requests, pending faults and latency; the world is kept. */
  reset(): void;
  setLatency(ms: number): void;
  /**
   * The next `fault.times` (default 1) requests get this fault instead of an answer — only requests of `operation`
   * (an operation name, e.g. BfdIssueByKey) when one is given.
   */
  injectFault(fault: LinearFault, operation?: string): void;
  world: LinearWorld;
  close(): Promise<void>;
}

const RATE_LIMIT_REQUESTS = 2_500;
/**
 * No captured complexity limit header was found (third-party summaries say 250,000 points an hour; NOTES.md §8 marks
 * it unverified). bfd never assumes a number — it reads the headers — so the fake's default only has to outlast a
 * test file that shares one fake; tests of a spent budget lower it with `complexityBudget`.
 */
const RATE_LIMIT_COMPLEXITY = 3_000_000;
const BUDGET_WINDOW_MS = 3_600_000;
/**
 * Linear's largest page: third-party guides say `first` ranges 1–250, and n8n capped its Linear node at 250 after
 * requests of 251 failed (n8n-io/n8n#9273). The error Linear gives is not published; the fake refuses with an
 * "invalid input" error so a document asking for more fails loudly instead of being served.
 */
const MAX_PAGE_SIZE = 250;

let cachedSchema: GraphQLSchema | undefined;

/** Built once per process: the SDL is 1.2 MB and takes about half a second to build. */
export function linearSchema(): GraphQLSchema {
  cachedSchema ??= buildSchema(readFileSync(new URL("../fixtures/linear/schema.graphql", import.meta.url), "utf8"));
  return cachedSchema;
}

let sequence = 0;
/** A UUID-shaped id that stays readable in failure output. */
function fakeId(prefix: string): string {
  sequence += 1;
  const hex = sequence.toString(16).padStart(12, "0");
  const head = prefix
    .replace(/[^0-9a-f]/g, "")
    .padEnd(8, "0")
    .slice(0, 8);
  return `${head}-0000-4000-8000-${hex}`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);
}

export interface IssueInput extends Partial<Omit<FakeIssue, "identifier" | "number">> {
  identifier: string;
}

/** Adds an issue with realistic defaults derived from its identifier and title; returns it. */
export function addIssue(world: LinearWorld, input: IssueInput): FakeIssue {
  const identifier = input.identifier.toUpperCase();
  const [teamKey = "ENG", numberText = "1"] = identifier.split("-");
  const title = input.title ?? `Issue ${identifier}`;
  const issue: FakeIssue = {
    id: input.id ?? fakeId("1551e"),
    identifier,
    previousIdentifiers: (input.previousIdentifiers ?? []).map((key) => key.toUpperCase()),
    number: Number(numberText),
    title,
    description: input.description === undefined ? `Work for ${identifier}.` : input.description,
    url: input.url ?? `https://linear.app/${world.workspace}/issue/${identifier}/${slug(title)}`,
    branchName: input.branchName ?? `ada/${identifier.toLowerCase()}-${slug(title)}`,
    estimate: input.estimate === undefined ? null : input.estimate,
    priority: input.priority ?? 0,
    stateName: input.stateName ?? "Todo",
    stateType: input.stateType ?? "unstarted",
    assigneeId: input.assigneeId === undefined ? null : input.assigneeId,
    labels: input.labels ?? [],
    teamKey: input.teamKey ?? teamKey,
    projectId: input.projectId === undefined ? null : input.projectId,
    parentId: input.parentId === undefined ? null : input.parentId,
    attachments: input.attachments ?? [],
    createdAt: input.createdAt ?? new Date(Date.UTC(2025, 0, 1) + world.issues.length * 60_000).toISOString(),
  };
  world.issues.push(issue);
  return issue;
}

/** Adds a relation "`from` <type> `to`", e.g. relate(world, "ENG-120", "blocks", "ENG-123"). */
/** What Linear shows of a GitLab merge request's status on its attachment. */
export type FakeMergeRequestStatus = "open" | "draft" | "merged" | "closed";

/**
 * A GitLab merge request as Linear's GitLab integration attaches it to an issue: the MR's web URL (unique per issue),
 * its title, its status as the subtitle, `sourceType` "gitlab". The attachment stays when the MR is merged or closed:
 * only its status changes (shared/linear/NOTES.md §4 — attachment metadata `status: open|merged|closed|draft`,
 * `closedAt` — and §9: "Linked MRs appear on the issue as attachments … subtitle/metadata = status"). So a closed,
 * abandoned MR is still attached to the issue it was opened for.
 */
export function gitLabMergeRequestAttachment(init: {
  id: string;
  url: string;
  title: string;
  status: FakeMergeRequestStatus;
  createdAt: string;
}): FakeAttachment {
  const subtitle = { open: "Open", draft: "Draft", merged: "Merged", closed: "Closed" }[init.status];
  return { id: init.id, url: init.url, title: init.title, subtitle, sourceType: "gitlab", createdAt: init.createdAt };
}

export function relate(world: LinearWorld, from: string, type: FakeRelationType, to: string): FakeRelation {
  const issue = findIssue(world, from);
  const related = findIssue(world, to);
  if (issue === undefined || related === undefined) throw new Error(`relate: unknown issue ${from} or ${to}`);
  const relation: FakeRelation = { id: fakeId("4e1a7"), type, issueId: issue.id, relatedIssueId: related.id };
  world.relations.push(relation);
  return relation;
}

export function emptyWorld(): LinearWorld {
  const viewer: FakeUser = {
    id: fakeId("a5e4"),
    name: "Ada Lovelace",
    displayName: "ada",
    email: "ada@acme.example",
  };
  return {
    workspace: "acme",
    teams: [
      {
        id: fakeId("7ea3"),
        key: "ENG",
        name: "Engineering",
        states: processStates(),
        labels: ["Bug", "Feature", "no-release-notes", "no-docs", "no-ops-docs"],
      },
      { id: fakeId("7ea3"), key: "OPS", name: "Operations" },
    ],
    users: [viewer],
    viewerId: viewer.id,
    projects: [],
    issues: [],
    relations: [],
    comments: [],
  };
}

/**
 * A small, realistic workspace: ENG-123 "Add audit log to checkout" is ready work in the "Checkout v2"
 * project, child of ENG-100, parent of ENG-124/ENG-125, blocked by ENG-120 (in progress) and ENG-118
 * (done), blocking ENG-130, related to ENG-131 from both sides and a duplicate of ENG-99 (canceled).
 */
export function defaultWorld(): LinearWorld {
  const world = emptyWorld();
  const grace: FakeUser = {
    id: fakeId("9ace"),
    name: "Grace Hopper",
    displayName: "grace",
    email: "grace@acme.example",
  };
  world.users.push(grace);
  const project: FakeProject = {
    id: fakeId("b0a4d"),
    name: "Checkout v2",
    url: `https://linear.app/${world.workspace}/project/checkout-v2-5f1c2a9e0b7d`,
    description: "Rebuild checkout on the new payments API.",
    content: "## Goals\n\n- One-page checkout\n- Audit every payment state change\n\n## Non-goals\n\n- New currencies",
    documents: [
      {
        id: fakeId("d0c"),
        title: "RFC: Checkout audit log",
        url: `https://linear.app/${world.workspace}/document/rfc-checkout-audit-log-3c9d1e2f4a5b`,
        content: "# RFC\n\nEvery payment state change writes an audit record.",
      },
      {
        id: fakeId("d0c"),
        title: "Rollout plan",
        url: `https://linear.app/${world.workspace}/document/rollout-plan-8e7f6a5b4c3d`,
        content: null,
      },
    ],
    externalLinks: [
      { id: fakeId("e1"), label: "Figma: checkout flow", url: "https://www.figma.com/file/AbC123/checkout-flow" },
      { id: fakeId("e1"), label: "Runbook", url: "https://wiki.acme.example/runbooks/checkout" },
    ],
  };
  world.projects.push(project);
  world.projects.push({
    id: fakeId("b0a4d"),
    name: "Specification",
    url: `https://linear.app/${world.workspace}/project/specification-1a2b3c4d5e6f`,
    description: "Specs waiting for a delivery project.",
    content: null,
    documents: [],
    externalLinks: [],
  });

  addIssue(world, {
    identifier: "ENG-99",
    title: "Audit log for payments",
    stateName: "Canceled",
    stateType: "canceled",
  });
  const epic = addIssue(world, {
    identifier: "ENG-100",
    title: "Checkout v2",
    stateName: "In Progress",
    stateType: "started",
    projectId: project.id,
  });
  addIssue(world, { identifier: "ENG-118", title: "Payments API client", stateName: "Done", stateType: "completed" });
  addIssue(world, {
    identifier: "ENG-120",
    title: "Payment state machine",
    stateName: "In Progress",
    stateType: "started",
    assigneeId: grace.id,
  });
  const issue = addIssue(world, {
    identifier: "ENG-123",
    title: "Add audit log to checkout",
    description:
      "Record every payment state change.\n\n## Acceptance criteria\n\n- [ ] Each transition writes an audit row\n- [ ] Rows are visible in the admin UI",
    branchName: "ada/eng-123-add-audit-log-to-checkout",
    estimate: 3,
    priority: 2,
    stateName: "Ready",
    stateType: "unstarted",
    assigneeId: world.viewerId,
    labels: ["Backend", "Validated in Staging"],
    projectId: project.id,
    parentId: epic.id,
    attachments: [
      {
        id: fakeId("a77"),
        url: "https://gitlab.acme.example/shop/checkout/-/merge_requests/42",
        title: "Add checkout audit log",
        subtitle: "Open",
        sourceType: "gitlab",
        createdAt: "2025-03-04T10:15:00.000Z",
      },
    ],
  });
  addIssue(world, {
    identifier: "ENG-124",
    title: "Audit table migration",
    stateName: "Done",
    stateType: "completed",
    parentId: issue.id,
  });
  addIssue(world, { identifier: "ENG-125", title: "Admin UI for audit rows", parentId: issue.id });
  addIssue(world, { identifier: "ENG-130", title: "Refund flow", stateName: "Backlog", stateType: "backlog" });
  addIssue(world, { identifier: "ENG-131", title: "Checkout metrics", stateName: "Todo", stateType: "unstarted" });

  relate(world, "ENG-120", "blocks", "ENG-123");
  relate(world, "ENG-118", "blocks", "ENG-123");
  relate(world, "ENG-123", "blocks", "ENG-130");
  relate(world, "ENG-123", "related", "ENG-131");
  relate(world, "ENG-131", "related", "ENG-123");
  relate(world, "ENG-123", "duplicate", "ENG-99");
  return world;
}

function findIssue(world: LinearWorld, idOrIdentifier: string): FakeIssue | undefined {
  const wanted = idOrIdentifier.toUpperCase();
  return (
    world.issues.find((issue) => issue.id === idOrIdentifier || issue.identifier === wanted) ??
    // A moved issue is still reached by its old keys (see FakeIssue.previousIdentifiers).
    world.issues.find((issue) => issue.previousIdentifiers.includes(wanted))
  );
}

/** An error a resolver raises on purpose, in Linear's shape. */
class LinearShapedError extends Error {
  readonly extensions: Record<string, unknown>;
  readonly httpStatus: number;
  constructor(message: string, httpStatus: number, extensions: Record<string, unknown>) {
    super(message);
    this.httpStatus = httpStatus;
    this.extensions = extensions;
  }
}

function entityNotFound(entity: string): LinearShapedError {
  return new LinearShapedError(`Entity not found: ${entity}`, 400, {
    type: "invalid input",
    code: "INPUT_ERROR",
    statusCode: 400,
    userError: true,
    userPresentableMessage: `Could not find referenced ${entity}.`,
  });
}

/**
 * Linear lets a user edit only their own comments (so third-party clients check authorship before offering an edit,
 * e.g. pearl's docs/issue-comment-editing-spec.org). What the API answers otherwise is not published: the fake answers
 * with the SDK's "forbidden" type in the shape of Linear's 403 body (test/e2e/faults.test.ts).
 */
function notTheAuthor(): LinearShapedError {
  return new LinearShapedError("Forbidden", 403, {
    type: "forbidden",
    code: "FORBIDDEN",
    statusCode: 403,
    userError: true,
  });
}

/** The fake was asked for something it does not implement: fail the test, never answer approximately. */
class FakeUnsupportedError extends Error {
  constructor(what: string) {
    super(`fake Linear: ${what} is not implemented; extend test/fakes/linear.ts`);
  }
}

const AUTH_ERROR_BODY = {
  errors: [
    {
      message: "Authentication required, not authenticated",
      extensions: {
        type: "authentication error",
        code: "AUTHENTICATION_ERROR",
        statusCode: 401,
        userError: true,
        userPresentableMessage: "You need to authenticate to access this operation.",
      },
    },
  ],
};

/**
 * Linear's refusal of a query scoring above the limit, verbatim from a body captured from api.linear.app (HTTP 400,
 * "Bad Request"; contentful-labs/gqli.rb#23, an introspection query). bfd's client recognises it by "complex" in the
 * message (`fromLinearError`), which is the SDK's `userPresentableMessage`; the score is in that message only.
 */
function tooComplexBody(complexity: number, limit: number): unknown {
  return {
    errors: [
      {
        message: "Query too complex",
        extensions: {
          code: "INPUT_ERROR",
          type: "invalid input",
          userError: true,
          userPresentableMessage: `The query is too complex. Complexity: ${complexity}. Maximum allowed complexity: ${limit}.`,
          meta: {},
        },
      },
    ],
  };
}

/**
 * A spent budget. No captured body was found: Linear's docs (via NOTES.md §8) and third-party clients say it comes as
 * a GraphQL error with `extensions.code` RATELIMITED (HTTP 400), not necessarily a 429; `type: "ratelimited"` is what
 * the SDK keys on. Which budget ran out shows only in the remaining counts of the rate-limit headers.
 */
const RATE_LIMITED_BODY = {
  errors: [
    {
      message: "Rate limit exceeded",
      extensions: {
        type: "ratelimited",
        code: "RATELIMITED",
        statusCode: 429,
        userError: true,
        userPresentableMessage: "You have exceeded the rate limit. Please try again later.",
      },
    },
  ],
};

/**
 * The same spent budget known only by `extensions.code: "RATELIMITED"`: ../shared/linear/NOTES.md ("Added turn 3")
 * says Linear's rate-limit errors "may carry `extensions.code: "RATELIMITED"` (HTTP 400 or 429)"; no captured body
 * shows which other fields come with it, so this one has none the SDK keys on. Without `type` the SDK's
 * `parseLinearError` makes it an UnknownLinearError.
 */
const RATE_LIMITED_BY_CODE_BODY = {
  errors: [
    {
      message: "Rate limit exceeded",
      extensions: {
        code: "RATELIMITED",
        userError: true,
        userPresentableMessage: "You have exceeded the rate limit. Please try again later.",
      },
    },
  ],
};

function requestErrorBody(errors: readonly GraphQLError[], code: string): unknown {
  return {
    errors: errors.map((error) => ({
      message: error.message,
      ...(error.locations === undefined ? {} : { locations: error.locations }),
      extensions: { http: { status: 400, headers: {} }, code, type: "graphql error", userError: true },
    })),
  };
}

// Resolvers are plain objects whose function properties graphql-js's default field resolver calls with (args).
type Args = Readonly<Record<string, unknown>>;
type Node = { readonly id: string };
type View = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(args: Args, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new FakeUnsupportedError(`non-string argument ${key}`);
  return value;
}

const CONNECTION_ARGS = new Set(["first", "after", "includeArchived", "orderBy"]);

/** Relay connection over `items`, honouring `first` (default 50, as Linear) and `after` (a node id). */
function connection<T extends Node>(items: readonly T[], args: Args): View {
  for (const [key, value] of Object.entries(args)) {
    if (value !== undefined && value !== null && !CONNECTION_ARGS.has(key))
      throw new FakeUnsupportedError(`connection argument "${key}"`);
  }
  if (args["orderBy"] !== undefined && args["orderBy"] !== null && args["orderBy"] !== "createdAt") {
    throw new FakeUnsupportedError(`orderBy ${String(args["orderBy"])}`);
  }
  const first = typeof args["first"] === "number" ? args["first"] : LINEAR_DEFAULT_PAGE_SIZE;
  if (first < 0 || first > MAX_PAGE_SIZE) {
    throw new LinearShapedError(`first must be between 0 and ${MAX_PAGE_SIZE}`, 400, {
      type: "invalid input",
      code: "INPUT_ERROR",
      statusCode: 400,
      userError: true,
    });
  }
  const after = optionalString(args, "after");
  let start = 0;
  if (after !== undefined) {
    const index = items.findIndex((item) => item.id === after);
    if (index < 0)
      throw new LinearShapedError("Invalid cursor", 400, {
        type: "invalid input",
        code: "INPUT_ERROR",
        userError: true,
      });
    start = index + 1;
  }
  const nodes = items.slice(start, start + first);
  const last = nodes.at(-1);
  return {
    nodes,
    edges: nodes.map((node) => ({ node, cursor: node.id })),
    pageInfo: {
      hasNextPage: start + first < items.length,
      hasPreviousPage: start > 0,
      startCursor: nodes[0]?.id ?? null,
      endCursor: last?.id ?? null,
    },
  };
}

function userView(user: FakeUser): View & Node {
  return {
    id: user.id,
    name: user.name,
    displayName: user.displayName,
    email: user.email,
    active: true,
    url: `https://linear.app/acme/profiles/${user.displayName}`,
  };
}

/**
 * A workflow state's id: a UUID, as every Linear id is (NOTES.md), derived from team and name so a test run gives the
 * same ids every time. Linear refuses a `stateId` that is not a UUID before it looks anything up (below).
 */
function workflowStateId(teamKey: string, stateName: string): string {
  const hex = createHash("sha256")
    .update(`state:${teamKey.toLowerCase()}:${slug(stateName)}`)
    .digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stateId(issue: FakeIssue): string {
  return workflowStateId(issue.teamKey, issue.stateName);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A `stateId` that is not a UUID is refused as an argument error before any lookup: "Argument Validation Error -
 * stateId must be a UUID." is what clients print (modelcontextprotocol/servers#3150, linear/linear#1094, both
 * 2025–2026). The extensions follow Linear's other input errors (`type: "invalid input"`).
 */
function notAUuid(field: string): LinearShapedError {
  return new LinearShapedError("Argument Validation Error", 400, {
    type: "invalid input",
    code: "INPUT_ERROR",
    statusCode: 400,
    userError: true,
    userPresentableMessage: `${field} must be a UUID.`,
  });
}

/**
 * A state of another team's workflow (an issue moved to another team since its states were read) is refused; Linear
 * answered it with an internal server error (linear/linear#184, a Linear engineer: "if you're using a state id for a
 * workflow state that only exists on Team A, and trying to assign a Team B issue for that state, it will throw an
 * error").
 */
function stateOfAnotherTeam(): LinearShapedError {
  return new LinearShapedError("Internal server error", 200, {
    type: "internal error",
    code: "INTERNAL_SERVER_ERROR",
    userError: false,
  });
}

function projectView(project: FakeProject): View & Node {
  return {
    id: project.id,
    name: project.name,
    url: project.url,
    description: project.description,
    content: project.content,
    documents: (args: Args) => connection(project.documents, args),
    externalLinks: (args: Args) => connection(project.externalLinks, args),
  };
}

function issueView(world: LinearWorld, issue: FakeIssue): View & Node {
  const team = world.teams.find((candidate) => candidate.key === issue.teamKey);
  return {
    id: issue.id,
    identifier: issue.identifier,
    previousIdentifiers: [...issue.previousIdentifiers],
    number: issue.number,
    title: issue.title,
    description: issue.description,
    url: issue.url,
    branchName: issue.branchName,
    estimate: issue.estimate,
    priority: issue.priority,
    priorityLabel: ["No priority", "Urgent", "High", "Medium", "Low"][issue.priority] ?? "No priority",
    createdAt: issue.createdAt,
    updatedAt: issue.createdAt,
    state: { id: stateId(issue), name: issue.stateName, type: issue.stateType },
    team: team === undefined ? null : teamView(team),
    assignee: () => {
      const user = world.users.find((candidate) => candidate.id === issue.assigneeId);
      return user === undefined ? null : userView(user);
    },
    labels: (args: Args) =>
      connection(
        issue.labels.map((name) => ({ id: `label-${slug(name)}`, name })),
        args,
      ),
    project: () => {
      const project = world.projects.find((candidate) => candidate.id === issue.projectId);
      return project === undefined ? null : projectView(project);
    },
    parent: () => {
      const parent = world.issues.find((candidate) => candidate.id === issue.parentId);
      return parent === undefined ? null : issueView(world, parent);
    },
    children: (args: Args) =>
      connection(
        world.issues.filter((candidate) => candidate.parentId === issue.id).map((child) => issueView(world, child)),
        args,
      ),
    relations: (args: Args) =>
      connection(
        world.relations
          .filter((relation) => relation.issueId === issue.id)
          .map((relation) => relationView(world, relation)),
        args,
      ),
    inverseRelations: (args: Args) =>
      connection(
        world.relations
          .filter((relation) => relation.relatedIssueId === issue.id)
          .map((relation) => relationView(world, relation)),
        args,
      ),
    attachments: (args: Args) => connection(issue.attachments, args),
    comments: (args: Args) =>
      connection(
        world.comments.filter((comment) => comment.issueId === issue.id).map((comment) => commentView(world, comment)),
        args,
      ),
  };
}

function relationView(world: LinearWorld, relation: FakeRelation): View & Node {
  const issue = world.issues.find((candidate) => candidate.id === relation.issueId);
  const related = world.issues.find((candidate) => candidate.id === relation.relatedIssueId);
  return {
    id: relation.id,
    type: relation.type,
    issue: issue === undefined ? null : issueView(world, issue),
    relatedIssue: related === undefined ? null : issueView(world, related),
  };
}

function commentView(world: LinearWorld, comment: FakeComment): View & Node {
  const user = world.users.find((candidate) => candidate.id === comment.userId);
  return {
    id: comment.id,
    body: comment.body,
    url: comment.url,
    createdAt: comment.createdAt,
    updatedAt: comment.updatedAt ?? comment.createdAt,
    user: user === undefined ? null : userView(user),
  };
}

// Filters: only the comparators and keys bfd sends are implemented; anything else throws.

function matchesString(actual: string | null, comparator: unknown, path: string): boolean {
  if (!isRecord(comparator)) throw new FakeUnsupportedError(`${path} without a comparator object`);
  return Object.entries(comparator).every(([operator, expected]) => {
    switch (operator) {
      case "eq":
        return actual === expected;
      case "neq":
        return actual !== expected;
      case "eqIgnoreCase":
        return typeof expected === "string" && actual?.toLowerCase() === expected.toLowerCase();
      case "in":
        return Array.isArray(expected) && expected.includes(actual);
      case "nin":
        return Array.isArray(expected) && !expected.includes(actual);
      case "null":
        return (actual === null) === expected;
      default:
        throw new FakeUnsupportedError(`comparator ${path}.${operator}`);
    }
  });
}

function matchesObject(
  filter: unknown,
  path: string,
  fields: Readonly<Record<string, (comparator: unknown) => boolean>>,
): boolean {
  if (!isRecord(filter)) throw new FakeUnsupportedError(`${path} that is not an object`);
  return Object.entries(filter).every(([key, value]) => {
    const field = fields[key];
    if (field === undefined) throw new FakeUnsupportedError(`filter key ${path}.${key}`);
    return field(value);
  });
}

function matchesIssueFilter(world: LinearWorld, issue: FakeIssue, filter: unknown): boolean {
  const project = world.projects.find((candidate) => candidate.id === issue.projectId);
  const team = world.teams.find((candidate) => candidate.key === issue.teamKey);
  return matchesObject(filter, "IssueFilter", {
    and: (list) => Array.isArray(list) && list.every((item) => matchesIssueFilter(world, issue, item)),
    or: (list) => Array.isArray(list) && list.some((item) => matchesIssueFilter(world, issue, item)),
    id: (comparator) => matchesString(issue.id, comparator, "id"),
    team: (teamFilter) =>
      matchesObject(teamFilter, "team", {
        key: (comparator) => matchesString(team?.key ?? issue.teamKey, comparator, "team.key"),
      }),
    state: (stateFilter) =>
      matchesObject(stateFilter, "state", {
        name: (comparator) => matchesString(issue.stateName, comparator, "state.name"),
        type: (comparator) => matchesString(issue.stateType, comparator, "state.type"),
      }),
    project: (projectFilter) =>
      matchesObject(projectFilter, "project", {
        name: (comparator) => project !== undefined && matchesString(project.name, comparator, "project.name"),
        null: (expected) => (project === undefined) === expected,
      }),
    labels: (labelsFilter) =>
      matchesObject(labelsFilter, "labels", {
        some: (labelFilter) =>
          issue.labels.some((name) =>
            matchesObject(labelFilter, "labels.some", {
              name: (comparator) => matchesString(name, comparator, "labels.some.name"),
            }),
          ),
      }),
  });
}

function teamView(team: FakeTeam): View & Node {
  return {
    id: team.id,
    key: team.key,
    name: team.name,
    states: (args: Args) =>
      connection(
        (team.states ?? []).map((state) => ({
          id: workflowStateId(team.key, state.name),
          name: state.name,
          type: state.type,
          position: state.position,
        })),
        args,
      ),
    labels: (args: Args) =>
      connection(
        (team.labels ?? []).map((name) => ({ id: `label-${team.key.toLowerCase()}-${slug(name)}`, name })),
        args,
      ),
  };
}

function rootValue(world: LinearWorld, actor: () => "app" | "apiKey" = () => "apiKey"): View {
  return {
    // `team(id:)` takes the team's UUID or its key (ENG); a team's name is "Entity not found: Team"
    // (qwrobins/linearctl#78, against api.linear.app: `team get QWR` works, `team get qwrobins` does not).
    team: (args: Args) => {
      const id = optionalString(args, "id") ?? "";
      const team = world.teams.find((candidate) => candidate.id === id || candidate.key === id);
      if (team === undefined) throw entityNotFound("Team");
      return teamView(team);
    },
    viewer: () => {
      const viewer = world.users.find((user) => user.id === world.viewerId);
      if (viewer === undefined) throw new FakeUnsupportedError("a world without its viewer");
      return userView(viewer);
    },
    issue: (args: Args) => {
      const id = optionalString(args, "id") ?? "";
      const issue = findIssue(world, id);
      if (issue === undefined) throw entityNotFound("Issue");
      return issueView(world, issue);
    },
    project: (args: Args) => {
      const project = world.projects.find((candidate) => candidate.id === optionalString(args, "id"));
      if (project === undefined) throw entityNotFound("Project");
      return projectView(project);
    },
    // Query.teams: "All teams whose issues the user can access" (schema); the fake's viewer can access every team.
    teams: (args: Args) => connection(world.teams, args),
    // Query.issueLabels: "All issue labels … including both workspace-level and team-scoped labels" (schema).
    issueLabels: (args: Args) =>
      connection(
        [
          ...(world.workspaceLabels ?? []).map((name) => ({ id: `label-workspace-${slug(name)}`, name })),
          ...world.teams.flatMap((team) =>
            (team.labels ?? []).map((name) => ({ id: `label-${team.key.toLowerCase()}-${slug(name)}`, name })),
          ),
        ],
        args,
      ),
    // Query.projects: "Returns all projects in the workspace, with optional filtering and sorting" (schema).
    projects: (args: Args) => connection(world.projects.map(projectView), args),
    issueVcsBranchSearch: (args: Args) => {
      const branch = optionalString(args, "branchName");
      const issue = world.issues.find((candidate) => candidate.branchName === branch);
      return issue === undefined ? null : issueView(world, issue);
    },
    issues: (args: Args) => {
      const { filter, ...rest } = args;
      const matching = world.issues.filter(
        (issue) => filter === undefined || filter === null || matchesIssueFilter(world, issue, filter),
      );
      return connection(
        matching.map((issue) => issueView(world, issue)),
        rest,
      );
    },
    // agentActivityCreate(input: AgentActivityCreateInput!): content is a JSONObject "not strictly typed" (schema);
    // its shape is `{ type, body }` for thought, elicitation, response and error
    // (linear.app/developers/agent-interaction, "Activity content payload"). The session must exist.
    agentActivityCreate: (args: Args) => {
      const input = args["input"];
      if (!isRecord(input)) throw new FakeUnsupportedError("agentActivityCreate without input");
      for (const key of Object.keys(input))
        if (key !== "agentSessionId" && key !== "content")
          throw new FakeUnsupportedError(`AgentActivityCreateInput.${key}`);
      const content = input["content"];
      const types = ["thought", "elicitation", "response", "error"];
      if (!isRecord(content) || typeof content["type"] !== "string" || !types.includes(content["type"]))
        throw new FakeUnsupportedError(`agent activity content ${JSON.stringify(content)}`);
      if (typeof content["body"] !== "string") throw new FakeUnsupportedError("agent activity content without a body");
      const sessionId = typeof input["agentSessionId"] === "string" ? input["agentSessionId"] : "";
      if (!(world.agentSessions ?? []).some((session) => session.id === sessionId))
        throw entityNotFound("AgentSession");
      const activity: FakeAgentActivity = {
        id: randomUUID(),
        agentSessionId: sessionId,
        type: content["type"],
        body: content["body"],
        actor: actor(),
      };
      (world.agentActivities ??= []).push(activity);
      return { success: true, lastSyncId: world.agentActivities.length, agentActivity: { id: activity.id } };
    },
    commentCreate: (args: Args) => {
      const input = args["input"];
      if (!isRecord(input)) throw new FakeUnsupportedError("commentCreate without input");
      for (const key of Object.keys(input)) {
        if (key !== "issueId" && key !== "body") throw new FakeUnsupportedError(`CommentCreateInput.${key}`);
      }
      const issue = findIssue(world, typeof input["issueId"] === "string" ? input["issueId"] : "");
      if (issue === undefined) throw entityNotFound("Issue");
      const id = randomUUID();
      const comment: FakeComment = {
        id,
        issueId: issue.id,
        body: typeof input["body"] === "string" ? input["body"] : "",
        userId: world.viewerId,
        createdAt: new Date().toISOString(),
        url: `${issue.url}#comment-${id.slice(0, 8)}`,
      };
      world.comments.push(comment);
      return { success: true, lastSyncId: world.comments.length, comment: commentView(world, comment) };
    },
    // Mutation.issueUpdate(id: String!, input: IssueUpdateInput!): IssuePayload! (../shared/linear/schema.graphql;
    // NOTES.md "Workflow states"): `id` takes the UUID or the key like `issue(id:)`; an unknown state or user id is
    // "Entity not found" like every lookup by id. The fake supports the two fields bfd start sends, nothing else.
    issueUpdate: (args: Args) => {
      const input = args["input"];
      if (!isRecord(input)) throw new FakeUnsupportedError("issueUpdate without input");
      for (const key of Object.keys(input))
        if (key !== "stateId" && key !== "assigneeId") throw new FakeUnsupportedError(`IssueUpdateInput.${key}`);
      const issue = findIssue(world, optionalString(args, "id") ?? "");
      if (issue === undefined) throw entityNotFound("Issue");
      const stateId = optionalString(input, "stateId");
      if (stateId !== undefined) {
        if (!UUID.test(stateId)) throw notAUuid("stateId");
        const team = world.teams.find((candidate) => candidate.key === issue.teamKey);
        const state = (team?.states ?? []).find(
          (candidate) => workflowStateId(issue.teamKey, candidate.name) === stateId,
        );
        if (state === undefined) {
          const elsewhere = world.teams.some((other) =>
            (other.states ?? []).some((candidate) => workflowStateId(other.key, candidate.name) === stateId),
          );
          throw elsewhere ? stateOfAnotherTeam() : entityNotFound("WorkflowState");
        }
        issue.stateName = state.name;
        issue.stateType = state.type;
      }
      const assigneeId = optionalString(input, "assigneeId");
      if (assigneeId !== undefined) {
        if (!world.users.some((user) => user.id === assigneeId)) throw entityNotFound("User");
        issue.assigneeId = assigneeId;
      }
      return { success: true, lastSyncId: world.comments.length, issue: issueView(world, issue) };
    },
    commentUpdate: (args: Args) => {
      const input = args["input"];
      if (!isRecord(input)) throw new FakeUnsupportedError("commentUpdate without input");
      for (const key of Object.keys(input))
        if (key !== "body") throw new FakeUnsupportedError(`CommentUpdateInput.${key}`);
      if (args["skipEditedAt"] !== undefined && args["skipEditedAt"] !== null)
        throw new FakeUnsupportedError("commentUpdate(skipEditedAt:)");
      const comment = world.comments.find((candidate) => candidate.id === optionalString(args, "id"));
      if (comment === undefined) throw entityNotFound("Comment");
      if (comment.userId !== world.viewerId) throw notTheAuthor();
      if (typeof input["body"] === "string") comment.body = input["body"];
      comment.updatedAt = new Date().toISOString();
      return { success: true, lastSyncId: world.comments.length, comment: commentView(world, comment) };
    },
  };
}

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

interface ParsedBody {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

function readBody(raw: string): ParsedBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || typeof parsed["query"] !== "string") return undefined;
  const variables = isRecord(parsed["variables"]) ? { ...parsed["variables"] } : {};
  let operationName = typeof parsed["operationName"] === "string" ? parsed["operationName"] : null;
  if (operationName === null)
    operationName = /^\s*(?:query|mutation|subscription)\s+(\w+)/m.exec(parsed["query"])?.[1] ?? null;
  return { query: parsed["query"], variables, operationName };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return texts[status] ?? "Error";
}

function cloudflarePage(status: number): string {
  const title = `${status} ${statusText(status)}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`;
}

function executionReply(result: ExecutionResult): Reply {
  if (result.errors === undefined || result.errors.length === 0) return json(200, { data: result.data });
  const unexpected = result.errors.find((error) => !(error.originalError instanceof LinearShapedError));
  if (unexpected !== undefined) {
    // A fake limitation or a world the resolvers cannot serve: make the test fail loudly.
    const message = unexpected.message.startsWith("fake Linear")
      ? unexpected.message
      : `fake Linear: ${unexpected.message}`;
    return json(500, { errors: [{ message, extensions: { type: "internal error", code: "INTERNAL_SERVER_ERROR" } }] });
  }
  const status = Math.max(
    ...result.errors.map((error) =>
      error.originalError instanceof LinearShapedError ? error.originalError.httpStatus : 200,
    ),
  );
  return json(status, { errors: result.errors.map((error) => error.toJSON()), data: result.data ?? null });
}

export async function startFakeLinear(world: LinearWorld, options: FakeLinearOptions = {}): Promise<FakeLinear> {
  const apiKey = options.apiKey ?? FAKE_LINEAR_API_KEY;
  const initialLatency = options.latencyMs ?? 0;
  const schema = linearSchema();
  const requests: RecordedRequest[] = [];
  const faults: LinearFault[] = [];
  const faultUses = new Map<LinearFault, number>();
  const onlyFor = new Map<LinearFault, string>();
  let latencyMs = initialLatency;
  const maxComplexity = options.maxComplexity ?? LINEAR_MAX_COMPLEXITY;
  const requestBudget = options.requestBudget ?? RATE_LIMIT_REQUESTS;
  const complexityBudget = options.complexityBudget ?? RATE_LIMIT_COMPLEXITY;
  // Linear's buckets leak continuously (leaky bucket, linear.app/developers/rate-limiting); the fake's fill up at
  // once when the window ends, which is the moment Linear's reset headers name ("when the bucket is full again").
  let windowEndsAt = Date.now() + BUDGET_WINDOW_MS;
  let requestsRemaining = requestBudget;
  let complexityRemaining = complexityBudget;
  const refillWhenDue = (): void => {
    if (Date.now() < windowEndsAt) return;
    windowEndsAt = Date.now() + BUDGET_WINDOW_MS;
    requestsRemaining = requestBudget;
    complexityRemaining = complexityBudget;
  };

  /** On every reply, as Linear sends them (epoch milliseconds for the resets, as captured from api.linear.app). */
  const rateLimitHeaders = (): Record<string, string> => ({
    "x-ratelimit-requests-limit": String(requestBudget),
    "x-ratelimit-requests-remaining": String(requestsRemaining),
    "x-ratelimit-requests-reset": String(windowEndsAt),
    "x-ratelimit-complexity-limit": String(complexityBudget),
    "x-ratelimit-complexity-remaining": String(complexityRemaining),
    "x-ratelimit-complexity-reset": String(windowEndsAt),
  });

  const takeFault = (operationName: string | null): LinearFault | undefined => {
    // A fault aimed at one operation lets the others through (an outage of reads while writes still land).
    const fault = faults.find((f) => onlyFor.get(f) === undefined || onlyFor.get(f) === operationName);
    if (fault === undefined) return undefined;
    const used = (faultUses.get(fault) ?? 0) + 1;
    faultUses.set(fault, used);
    if (used >= (fault.times ?? 1)) faults.splice(faults.indexOf(fault), 1);
    return fault;
  };

  const send = (res: ServerResponse, reply: Reply): void => {
    res.writeHead(reply.status, {
      ...rateLimitHeaders(),
      ...reply.headers,
      "content-length": Buffer.byteLength(reply.body),
    });
    res.end(reply.body);
  };

  const executeBody = (
    body: ParsedBody,
    recorded: RecordedRequest,
  ): { reply: Reply; document?: DocumentNode; result?: ExecutionResult } => {
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      if (error instanceof GraphQLError) return { reply: json(400, requestErrorBody([error], "GRAPHQL_PARSE_FAILED")) };
      throw error;
    }
    const errors = validate(schema, document);
    if (errors.length > 0) return { reply: json(400, requestErrorBody(errors, "GRAPHQL_VALIDATION_FAILED")) };
    if (
      document.definitions.some(
        (definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === "subscription",
      )
    ) {
      throw new FakeUnsupportedError("subscriptions");
    }
    // Scored before it runs: a query too complex, or dearer than the budget left, is never executed.
    const complexity = linearComplexity(schema, document, body.variables, body.operationName);
    recorded.complexity = complexity;
    const scored = { "x-complexity": String(complexity) };
    if (complexity > maxComplexity) return { reply: json(400, tooComplexBody(complexity, maxComplexity), scored) };
    if (complexity > complexityRemaining) return { reply: json(400, RATE_LIMITED_BODY, scored) };
    complexityRemaining -= complexity;
    const result = execute({
      schema,
      document,
      rootValue: rootValue(world, () =>
        recorded.headers["authorization"] === `Bearer ${FAKE_LINEAR_AGENT_TOKEN}` ? "app" : "apiKey",
      ),
      variableValues: body.variables,
      operationName: body.operationName ?? undefined,
    });
    if ("then" in result) throw new FakeUnsupportedError("asynchronous resolvers");
    if (result.data === undefined && result.errors !== undefined) {
      // Variable coercion failed before execution: a request error, like validation.
      return { reply: json(400, requestErrorBody(result.errors, "BAD_USER_INPUT")), document, result };
    }
    const reply = executionReply(result);
    return { reply: { ...reply, headers: { ...reply.headers, ...scored } }, document, result };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    const raw = Buffer.concat(chunks).toString("utf8");
    const body = readBody(raw);
    const recorded: RecordedRequest = {
      operationName: body?.operationName ?? null,
      query: body?.query ?? raw,
      variables: body?.variables ?? {},
      headers: flattenHeaders(req.headers),
      complexity: null,
    };
    requests.push(recorded);
    refillWhenDue();
    const requestBudgetSpent = requestsRemaining === 0;
    requestsRemaining = Math.max(0, requestsRemaining - 1);
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));

    const fault = takeFault(body?.operationName ?? null);
    if (fault !== undefined) {
      switch (fault.kind) {
        case "hang":
          return; // never answered; close() or the client's timeout ends it
        case "reset":
          req.socket.destroy();
          return;
        case "truncated": {
          const payload = JSON.stringify({
            data: { viewer: { id: world.viewerId, name: "Ada Lovelace", email: "ada@acme.example" } },
          });
          res.writeHead(200, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(payload) + 512,
          });
          res.write(payload.slice(0, Math.floor(payload.length / 2)), () => req.socket.destroy());
          return;
        }
        case "http-status":
          send(res, {
            status: fault.status,
            body: fault.body ?? statusText(fault.status),
            headers: { "content-type": fault.contentType ?? "text/plain; charset=utf-8" },
          });
          return;
        case "html": {
          const status = fault.status ?? 502;
          send(res, { status, body: cloudflarePage(status), headers: { "content-type": "text/html" } });
          return;
        }
        case "malformed-json":
          send(res, {
            status: fault.status ?? 200,
            body: '{"data":{"issue":{"id":"9c1b',
            headers: { "content-type": "application/json; charset=utf-8" },
          });
          return;
        case "ratelimited": {
          // Says the request budget is spent without spending it, so the request after the fault is answered.
          const retryAfter = fault.retryAfterSeconds ?? 60;
          const reset = String(Date.now() + retryAfter * 1000);
          send(
            res,
            json(fault.status ?? 400, fault.marker === "code" ? RATE_LIMITED_BY_CODE_BODY : RATE_LIMITED_BODY, {
              "retry-after": String(retryAfter),
              "x-ratelimit-requests-remaining": "0",
              "x-ratelimit-requests-reset": reset,
              "x-ratelimit-complexity-reset": reset,
            }),
          );
          return;
        }
        case "http-429":
          send(res, {
            status: 429,
            body: "Too Many Requests",
            headers: {
              "content-type": "text/plain; charset=utf-8",
              ...(fault.retryAfterSeconds === undefined ? {} : { "retry-after": String(fault.retryAfterSeconds) }),
            },
          });
          return;
        case "partial-data":
          break; // answered below, after execution
      }
    }

    if (req.method !== "POST") {
      send(res, { status: 404, body: "Not Found", headers: { "content-type": "text/plain" } });
      return;
    }
    // The SDK sends an OAuth access token as `Bearer …`, a personal API key raw (NOTES.md §10).
    if (req.headers.authorization !== apiKey && req.headers.authorization !== `Bearer ${FAKE_LINEAR_AGENT_TOKEN}`) {
      send(res, json(401, AUTH_ERROR_BODY));
      return;
    }
    if (requestBudgetSpent) {
      send(res, json(400, RATE_LIMITED_BODY));
      return;
    }
    if (body === undefined) {
      send(
        res,
        json(400, {
          errors: [
            {
              message: "Must provide query string.",
              extensions: { type: "graphql error", code: "BAD_REQUEST", userError: true },
            },
          ],
        }),
      );
      return;
    }
    const { reply, result } = executeBody(body, recorded);
    if (fault?.kind === "partial-data" && result?.data !== undefined && result.data !== null) {
      const firstField = Object.keys(result.data)[0] ?? "issue";
      send(
        res,
        json(200, {
          errors: [
            {
              message: "Internal server error while loading attachments",
              path: [firstField, "attachments"],
              extensions: { type: "internal error", code: "INTERNAL_SERVER_ERROR", userError: false },
            },
          ],
          data: result.data,
        }),
      );
      return;
    }
    send(res, reply);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      send(
        res,
        json(500, {
          errors: [
            {
              message: message.startsWith("fake Linear") ? message : `fake Linear: ${message}`,
              extensions: { type: "internal error" },
            },
          ],
        }),
      );
    });
  });
  const { port, close } = await listenOnLoopback(server, options.maxLifetimeMs);
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    requests,
    requestCount: () => requests.length,
    reset: () => {
      requests.length = 0;
      faults.length = 0;
      faultUses.clear();
      latencyMs = initialLatency;
      windowEndsAt = Date.now() + BUDGET_WINDOW_MS;
      requestsRemaining = requestBudget;
      complexityRemaining = complexityBudget;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    injectFault: (fault, operation) => {
      faults.push(fault);
      if (operation !== undefined) onlyFor.set(fault, operation);
    },
    world,
    close,
  };
}
