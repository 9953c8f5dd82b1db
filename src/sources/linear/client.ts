import { GraphQLClientError, LinearClient, parseLinearError } from "@linear/sdk";
import type { z } from "zod";
import { BfdError, inputError, printable, SetupError, UpstreamError } from "../../errors.js";
import { redact, withoutUserInfo } from "../../redact.js";
import type { Issue, Person } from "../../work-item/schema.js";
import {
  DEFAULT_RETRY_POLICY,
  realRetryDeps,
  type AttemptFailure,
  type RetryDeps,
  type RetryPolicy,
} from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import { bodyFailure, requestWithPolicy, statusFailure, type AttemptInfo, type HttpReply } from "../upstream.js";
import { rateLimitStatusFrom, type LinearRateLimitStatus } from "./budget.js";
import {
  AUDIT_PAGE_SIZE,
  CREATE_AGENT_ACTIVITY,
  CREATE_COMMENT,
  ISSUE_BY_BRANCH,
  ISSUE_BY_BRANCH_WITH_TEAMS,
  ISSUE_BY_KEY,
  ISSUE_BY_KEY_WITH_TEAMS,
  ISSUE_COMMENTS,
  ISSUES_PAGE,
  LABEL_NAMES,
  PROJECT_NAMES,
  TEAM_KEYS,
  UPDATE_COMMENT,
  UPDATE_ISSUE,
  TEAM_WORKFLOW,
  VIEWER,
  type LinearOperationName,
} from "./documents.js";
import { fromLinearError, linearFailureToError, linearReadRetry, linearWriteRetry } from "./errors.js";
import { readListsWhole, type RunPage } from "./lists.js";
import {
  CreateAgentActivityDataSchema,
  CreateCommentDataSchema,
  IssueByBranchWithTeamsDataSchema,
  IssueByKeyWithTeamsDataSchema,
  IssueCommentsDataSchema,
  IssuesPageDataSchema,
  mapIssue,
  mapPerson,
  parseLinearData,
  LabelNamesDataSchema,
  ProjectNamesDataSchema,
  TeamKeysDataSchema,
  TeamWorkflowDataSchema,
  ViewerDataSchema,
  UpdateCommentDataSchema,
  UpdateIssueDataSchema,
  type RawComment,
  type RawIssue,
} from "./map.js";

export const DEFAULT_LINEAR_API_URL = "https://api.linear.app/graphql";

export interface FetchIssueOptions {
  /**
   * Ask the first page of the workspace's team keys in the same request (a rule needs them): `teamKeys()` then answers
   * without a request of its own unless the workspace has more than one page of teams.
   */
  teamKeys?: boolean | undefined;
}

export interface LinearSourceOptions {
  /** A personal API key, sent raw in `Authorization` (no Bearer), as Linear expects. */
  apiKey: string;
  /**
   * An OAuth access token instead of the key (the SDK sends it as `Authorization: Bearer …`): bfd serve's agent
   * writes with the token of its `actor=app` installation, so its activities come from the app user.
   */
  accessToken?: string;
  /** Defaults to https://api.linear.app/graphql; tests point it at the loopback fake. */
  apiUrl?: string;
  policy?: RetryPolicy;
  /** Told about every HTTP exchange, for `--debug`. */
  onRequest?: RequestListener;
  /** Sleep/clock/random for the retry loop; tests only. */
  retryDeps?: RetryDeps;
  /** Start of the gate run; the policy's deadline counts from here. Defaults to when the source is created. */
  startedAt?: number;
}

export interface IssueListFilter {
  teamKey: string;
  stateName?: string;
  /** Only issues whose state has one of these types (e.g. triage, backlog, unstarted). */
  stateTypes?: readonly string[];
  projectName?: string;
  label?: string;
}

/** A comment on an issue, as bfd reads it to find (and update) its own. */
export interface LinearComment {
  id: string;
  /** Markdown. */
  body: string;
  /** The author's Linear user id; null for comments by an integration or a deleted user. */
  userId: string | null;
  createdAt: string;
  updatedAt: string;
  url: string;
}

export interface LinearSource {
  /**
   * ONE request for an ordinary issue: the issue by key (ENG-123), Linear URL or UUID, with everything the gates
   * need, and `viewer`. A list longer than a page (relations, attachments, …) is read on until it is whole.
   */
  fetchIssue(key: string, options?: FetchIssueOptions): Promise<{ issue: Issue; viewer: Person | null }>;
  /** issueVcsBranchSearch(branch) with the same issue fields (and lists read whole), and viewer; null when no match. */
  fetchIssueByBranch(
    branch: string,
    options?: FetchIssueOptions,
  ): Promise<{ issue: Issue | null; viewer: Person | null }>;
  /**
   * Audit: issues(filter:) with cursor pagination, never one request per issue; the lists of every issue that has
   * more than the page carried are then read on together. `requests` counts HTTP exchanges, retries included.
   */
  listIssues(
    filter: IssueListFilter,
    limit: number,
  ): Promise<{ issues: Issue[]; viewer: Person | null; requests: number }>;
  /**
   * agentActivityCreate: one activity (thought, response, error, …) in an agent session. Retried only when Linear
   * certainly did not apply it, like createComment.
   */
  createAgentActivity(sessionId: string, content: AgentActivityContent): Promise<{ id: string }>;
  /** commentCreate; returns the comment's id and URL. Retried only when Linear certainly did not apply it. */
  createComment(issueId: string, body: string): Promise<{ id: string; url: string }>;
  /** Every comment on the issue (key or UUID), oldest first, all pages. */
  listComments(issueId: string): Promise<LinearComment[]>;
  /** commentUpdate: replaces the body of a comment the API key's user wrote. Retried like createComment. */
  updateComment(commentId: string, body: string): Promise<{ id: string; url: string }>;
  /**
   * The keys of the workspace's teams the API key's user can see, upper-cased: one request (more only past 250 teams),
   * asked once for the source's life and shared by every caller after.
   */
  teamKeys(): Promise<string[]>;
  /** What Linear's most recent reply said of the key's request and complexity budgets; null before any reply. */
  rateLimitStatus(): LinearRateLimitStatus | null;
  /** ONE small request: who owns the API key (`bfd doctor`). */
  viewer(): Promise<Person>;
  /**
   * A team's workflow states (in Linear's order) and its labels, by key or UUID: ONE request unless a list is longer
   * than a page. An unknown team is an input error (exit 2) naming the key.
   */
  teamWorkflow(team: string): Promise<TeamWorkflow>;
  /**
   * issueUpdate: assigns the issue and/or moves it to a workflow state, in ONE write; a field left out is unchanged.
   * Retried only when Linear certainly did not apply it. Returns the issue's state and assignee afterwards.
   */
  updateIssue(
    issueId: string,
    change: IssueChange,
  ): Promise<{ state: { name: string; type: string }; assignee: Person | null }>;
  /**
   * The name of every issue label (workspace and team labels) or every project the API key's user can see: one
   * request per 250. Read only when a filtered listing came back empty, to say which filter matched nothing.
   */
  workspaceNames(of: "labels" | "projects"): Promise<string[]>;
}

/** What `bfd start` changes on an issue: Linear's ids of the new assignee and workflow state. */
export interface IssueChange {
  assigneeId?: string;
  stateId?: string;
}

/** What an agent activity says (linear.app/developers/agent-interaction, "Activity content payload"). */
export interface AgentActivityContent {
  type: "thought" | "action" | "elicitation" | "response" | "error";
  /** Markdown. */
  body: string;
}

/** A Linear team's workflow as bfd compares it with the names its rules expect. */
export interface TeamWorkflow {
  key: string;
  name: string;
  /** Workflow states by `position`; `type` is triage, backlog, unstarted, started, completed or canceled. */
  states: { id: string; name: string; type: string; position: number }[];
  /** The team's label names. */
  labels: string[];
}

const KEY_PATTERN = /^([A-Za-z][A-Za-z0-9]{0,9})-([0-9]{1,9})$/;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LINEAR_HOSTS = new Set(["linear.app", "www.linear.app"]);

/**
 * Accepts `ENG-123` (any case; returned upper-cased), a Linear issue URL
 * (`https://linear.app/<workspace>/issue/ENG-123/<slug>`) or an issue UUID (returned lower-cased).
 */
export function parseIssueReference(input: string): string {
  const text = input.trim();
  const key = KEY_PATTERN.exec(text);
  if (key !== null) return `${key[1]?.toUpperCase()}-${key[2]}`;
  if (UUID_PATTERN.test(text)) return text.toLowerCase();
  if (/^https?:\/\//i.test(text)) {
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    const segments = url?.pathname.split("/").filter((segment) => segment !== "") ?? [];
    const fromUrl = segments[1] === "issue" ? KEY_PATTERN.exec(segments[2] ?? "") : null;
    if (url !== undefined && LINEAR_HOSTS.has(url.hostname.toLowerCase()) && fromUrl !== null) {
      return `${fromUrl[1]?.toUpperCase()}-${fromUrl[2]}`;
    }
  }
  const shown = printable(text, 80);
  throw inputError(
    "bad-issue-key",
    `"${shown}" is not a Linear issue key`,
    "Write the key as TEAM-NUMBER (e.g. ENG-123), or paste the issue's URL (https://linear.app/<workspace>/issue/ENG-123/…).",
  );
}

interface RunResult<T> {
  data: T;
  attempts: number;
}

export function createLinearSource(options: LinearSourceOptions): LinearSource {
  const accessToken = options.accessToken?.trim() ?? "";
  const apiKey = accessToken !== "" ? accessToken : options.apiKey.trim();
  // The key travels in the Authorization header only, so user-info in LINEAR_API_URL (`https://u:p@host/…`) is never
  // meant for Linear — and `fetch` refuses such a URL outright. It is dropped, as GitLab's host drops it.
  const apiUrl = withoutUserInfo(options.apiUrl ?? DEFAULT_LINEAR_API_URL);
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const deps = options.retryDeps ?? realRetryDeps;
  const secrets = [apiKey];
  // What messages and the --debug trail show of the endpoint: never credentials or a token in it.
  const shownApiUrl = redact(apiUrl, secrets);
  if (apiKey === "") {
    throw new BfdError("config", "linear-api-key-missing", "LINEAR_API_KEY is empty", {
      hint: "Create a personal API key in Linear → Settings → Security & access → Personal API keys, then export LINEAR_API_KEY=…",
    });
  }
  let client: LinearClient;
  try {
    // One client for the source's life; it validates apiUrl up front (the SDK refuses plain http except for localhost).
    client = new LinearClient(accessToken !== "" ? { accessToken, apiUrl } : { apiKey, apiUrl });
  } catch (error) {
    throw new BfdError("config", "linear-api-url", `LINEAR_API_URL is not usable: ${shownApiUrl}`, {
      hint: "Use https://api.linear.app/graphql (http:// is only accepted for localhost).",
      cause: error,
    });
  }
  const startedAt = options.startedAt ?? deps.now();
  // The SDK's own options: Authorization exactly as Linear wants it (the raw key, no Bearer) and its User-Agent.
  const baseHeaders = { ...(client.options.headers as Record<string, string>), "Content-Type": "application/json" };
  let lastRateLimitStatus: LinearRateLimitStatus | null = null;

  /**
   * One GraphQL exchange per attempt through the shared transport (src/sources/upstream.ts): bfd's own `fetch`, so
   * each attempt has its own timeout and the status, content type and headers of every reply are seen — the SDK's
   * `rawRequest` takes no per-request signal and hides a reply it cannot parse. Errors are classified exactly as
   * the SDK does it (`parseLinearError` over a `GraphQLClientError`, what `LinearGraphQLClient.rawRequest` builds).
   */
  function readReply(reply: HttpReply, at: AttemptInfo, query: string, variables: Record<string, unknown>): unknown {
    lastRateLimitStatus = rateLimitStatusFrom(reply.headers) ?? lastRateLimitStatus;
    const ok = reply.status >= 200 && reply.status < 300;
    const contentType = reply.headers["content-type"] ?? "";
    const fatalStatus = reply.status === 401 || reply.status === 403 || reply.status === 429 || reply.status >= 500;
    if (!contentType.toLowerCase().startsWith("application/json")) {
      if (fatalStatus) throw statusFailure(reply, at);
      throw bodyFailure(reply, at, /text\/html/i.test(contentType) || /^\s*</.test(reply.text) ? "html" : "not-json");
    }
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch (error) {
      if (fatalStatus) throw statusFailure(reply, at);
      throw bodyFailure(reply, at, "malformed-json", error instanceof Error ? error.message : String(error));
    }
    const result =
      body !== null && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const errors = Array.isArray(result["errors"]) ? result["errors"] : [];
    if (errors.length === 0) {
      if (!ok) throw statusFailure(reply, at);
      if (result["data"] !== null && typeof result["data"] === "object") return result["data"];
      throw bodyFailure(reply, at, "unexpected-shape", "no data in the reply");
    }
    const sdkError = parseLinearError(
      new GraphQLClientError(
        { ...result, status: reply.status, headers: new Headers(reply.headers) },
        { query, variables },
      ),
    );
    throw fromLinearError(
      sdkError,
      at,
      reply.headers,
      result["data"] !== null && result["data"] !== undefined,
      secrets,
    );
  }

  async function run<S extends z.ZodType>(
    operation: LinearOperationName,
    query: string,
    variables: Record<string, unknown>,
    schema: S,
    doing: string,
    call: { subject?: string; decide?: (error: unknown, nowMs: number) => AttemptFailure; write?: boolean } = {},
  ): Promise<RunResult<z.infer<S>>> {
    let attempts = 0;
    const context = { operation, doing, subject: call.subject, timeoutMs: policy.timeoutMs, secrets };
    let data: unknown;
    try {
      data = await requestWithPolicy(
        { method: "POST", url: new URL(apiUrl), headers: baseHeaders, body: JSON.stringify({ query, variables }) },
        {
          service: "Linear",
          policy,
          deps,
          // A write comes after the gate has been decided; it gets a budget of its own rather than what reads left.
          startedAt: call.write === true ? deps.now() : startedAt,
          onRequest: options.onRequest,
          secrets,
        },
        (reply, at) => {
          attempts = at.attempt;
          return readReply(reply, at, query, variables);
        },
        call.decide ?? linearReadRetry,
      );
    } catch (error) {
      throw linearFailureToError(error, context);
    }
    try {
      return { data: parseLinearData(operation, schema, data), attempts: Math.max(1, attempts) };
    } catch (error) {
      throw new UpstreamError(
        "Linear",
        "linear-bad-response",
        redact(
          `Linear's answer to ${operation} did not have the expected shape: ${error instanceof Error ? error.message : String(error)}`,
          secrets,
        ),
        {
          hint: "This is a bfd bug or a change in Linear's API: please report it with the output of --debug.",
          cause: error,
        },
      );
    }
  }

  const runPage: RunPage = (operation, query, variables, schema, doing) =>
    run(operation, query, variables, schema, doing);

  /** A workspace-wide list of names, page after page until Linear says it is whole. */
  async function readAllNames<Data>(
    operation: LinearOperationName,
    query: string,
    schema: z.ZodType<Data>,
    pageOf: (data: Data) => { names: string[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } },
    what: string,
  ): Promise<string[]> {
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: RunResult<Data> = await run(operation, query, { after }, schema, `reading ${what}`);
      const { names: more, pageInfo } = pageOf(page.data);
      names.push(...more);
      if (!pageInfo.hasNextPage) return [...new Set(names)];
      if (pageInfo.endCursor === null || pageInfo.endCursor === after) {
        throw new UpstreamError(
          "Linear",
          "linear-bad-response",
          `Linear said ${what} go on but gave no new cursor: bfd cannot read them all`,
          { hint: "This is a bfd bug or a change in Linear's API: please report it with the output of --debug." },
        );
      }
      after = pageInfo.endCursor;
    }
  }

  let teamKeys: Promise<string[]> | null = null;
  const readTeamKeys = (): Promise<string[]> =>
    readAllNames(
      "BfdTeamKeys",
      TEAM_KEYS,
      TeamKeysDataSchema,
      (data) => ({ names: data.teams.nodes.map((team) => team.key.toUpperCase()), pageInfo: data.teams.pageInfo }),
      "the workspace's team keys",
    );

  /** Team keys that came with an issue: the whole list when it fit one page (else `teamKeys()` reads them all). */
  const rememberTeamKeys = (teams: { nodes: { key: string }[]; pageInfo: { hasNextPage: boolean } }): void => {
    if (teamKeys === null && !teams.pageInfo.hasNextPage)
      teamKeys = Promise.resolve(teams.nodes.map((team) => team.key.toUpperCase()));
  };

  /** The issue with every list whole: ONE request when each fits its first page. */
  async function wholeIssue(raw: RawIssue): Promise<Issue> {
    await readListsWhole([raw], runPage);
    return mapIssue(raw);
  }

  return {
    async fetchIssue(key, options) {
      const id = parseIssueReference(key);
      const { data } =
        options?.teamKeys === true
          ? await run(
              "BfdIssueByKeyWithTeams",
              ISSUE_BY_KEY_WITH_TEAMS,
              { id },
              IssueByKeyWithTeamsDataSchema,
              `reading ${id}`,
              { subject: id },
            )
          : await run("BfdIssueByKey", ISSUE_BY_KEY, { id }, IssueByKeyWithTeamsDataSchema, `reading ${id}`, {
              subject: id,
            });
      if (data.teams !== undefined) rememberTeamKeys(data.teams);
      return { issue: await wholeIssue(data.issue), viewer: mapPerson(data.viewer) };
    },

    async fetchIssueByBranch(branch, options) {
      const name = branch.trim();
      if (name === "")
        throw inputError(
          "bad-branch",
          "The git branch name is empty",
          "Check out a branch, or pass the issue key explicitly.",
        );
      const what = `looking up the issue of branch ${printable(name, 80)}`;
      const { data } =
        options?.teamKeys === true
          ? await run(
              "BfdIssueByBranchWithTeams",
              ISSUE_BY_BRANCH_WITH_TEAMS,
              { branch: name },
              IssueByBranchWithTeamsDataSchema,
              what,
            )
          : await run("BfdIssueByBranch", ISSUE_BY_BRANCH, { branch: name }, IssueByBranchWithTeamsDataSchema, what);
      if (data.teams !== undefined) rememberTeamKeys(data.teams);
      return {
        issue: data.issueVcsBranchSearch === null ? null : await wholeIssue(data.issueVcsBranchSearch),
        viewer: mapPerson(data.viewer),
      };
    },

    async listIssues(filter, limit) {
      const teamKey = filter.teamKey.trim().toUpperCase();
      if (teamKey === "")
        throw inputError("bad-team-key", "The Linear team key is empty", "Pass the team's key, e.g. ENG.");
      const issueFilter: Record<string, unknown> = { team: { key: { eq: teamKey } } };
      if (filter.stateName !== undefined || filter.stateTypes !== undefined)
        issueFilter["state"] = {
          ...(filter.stateName === undefined ? {} : { name: { eqIgnoreCase: filter.stateName } }),
          ...(filter.stateTypes === undefined ? {} : { type: { in: [...filter.stateTypes] } }),
        };
      if (filter.projectName !== undefined) issueFilter["project"] = { name: { eqIgnoreCase: filter.projectName } };
      if (filter.label !== undefined) issueFilter["labels"] = { some: { name: { eqIgnoreCase: filter.label } } };

      const raws: RawIssue[] = [];
      let viewer: Person | null = null;
      let requests = 0;
      let after: string | null = null;
      while (raws.length < limit) {
        const first = Math.min(AUDIT_PAGE_SIZE, limit - raws.length);
        const page: RunResult<z.infer<typeof IssuesPageDataSchema>> = await run(
          "BfdIssuesPage",
          ISSUES_PAGE,
          { filter: issueFilter, first, after },
          IssuesPageDataSchema,
          `listing the issues of team ${teamKey}`,
        );
        requests += page.attempts;
        viewer ??= mapPerson(page.data.viewer);
        raws.push(...page.data.issues.nodes);
        const { hasNextPage, endCursor } = page.data.issues.pageInfo;
        if (!hasNextPage || endCursor === null) break;
        after = endCursor;
      }

      requests += await readListsWhole(raws, runPage);
      return { issues: raws.slice(0, Math.max(0, limit)).map(mapIssue), viewer, requests };
    },

    async createComment(issueId, body) {
      const id = issueId.trim();
      if (id === "") throw inputError("bad-issue-key", "No issue to comment on", "Pass the issue key, e.g. ENG-123.");
      const { data } = await run(
        "BfdCreateComment",
        CREATE_COMMENT,
        { issueId: id, body },
        CreateCommentDataSchema,
        `posting a comment on ${id}`,
        { subject: id, decide: linearWriteRetry, write: true },
      );
      const comment = data.commentCreate.comment;
      if (!data.commentCreate.success || comment === null) {
        throw new UpstreamError("Linear", "linear-comment-failed", `Linear did not create the comment on ${id}`, {
          hint: "Check that the Linear user who owns LINEAR_API_KEY may comment on this issue.",
        });
      }
      return { id: comment.id, url: comment.url };
    },

    async createAgentActivity(sessionId, content) {
      const id = sessionId.trim();
      if (id === "") throw inputError("bad-agent-session", "No agent session to answer in", "Pass the session's id.");
      const { data } = await run(
        "BfdCreateAgentActivity",
        CREATE_AGENT_ACTIVITY,
        { input: { agentSessionId: id, content: { type: content.type, body: content.body } } },
        CreateAgentActivityDataSchema,
        `answering in agent session ${printable(id, 40)}`,
        { subject: `agent session ${printable(id, 40)}`, decide: linearWriteRetry, write: true },
      );
      const activity = data.agentActivityCreate.agentActivity;
      if (!data.agentActivityCreate.success || activity === null) {
        throw new UpstreamError(
          "Linear",
          "linear-activity-failed",
          `Linear did not take bfd's ${content.type} in agent session ${printable(id, 40)}`,
          {
            hint: "Check that BFD_LINEAR_AGENT_TOKEN is the access token of bfd's actor=app installation in this workspace.",
          },
        );
      }
      return { id: activity.id };
    },

    async listComments(issueId) {
      const id = issueId.trim();
      if (id === "")
        throw inputError("bad-issue-key", "No issue to read comments of", "Pass the issue key, e.g. ENG-123.");
      const comments: RawComment[] = [];
      let after: string | null = null;
      for (;;) {
        const page: RunResult<z.infer<typeof IssueCommentsDataSchema>> = await run(
          "BfdIssueComments",
          ISSUE_COMMENTS,
          { id, after },
          IssueCommentsDataSchema,
          `reading the comments of ${id}`,
          { subject: id },
        );
        const { nodes, pageInfo } = page.data.issue.comments;
        comments.push(...nodes);
        if (!pageInfo.hasNextPage) break;
        if (pageInfo.endCursor === null || pageInfo.endCursor === after) {
          throw new UpstreamError(
            "Linear",
            "linear-bad-response",
            `Linear said ${id}'s comments go on but gave no new cursor: bfd cannot read them all`,
            { hint: "This is a bfd bug or a change in Linear's API: please report it with the output of --debug." },
          );
        }
        after = pageInfo.endCursor;
      }
      return comments.map((comment) => ({
        id: comment.id,
        body: comment.body,
        userId: comment.user?.id ?? null,
        createdAt: comment.createdAt,
        updatedAt: comment.updatedAt,
        url: comment.url,
      }));
    },

    async updateComment(commentId, body) {
      const id = commentId.trim();
      if (id === "") throw inputError("bad-comment-id", "No comment to update", "Pass the comment's id.");
      let data: z.infer<typeof UpdateCommentDataSchema>;
      try {
        ({ data } = await run(
          "BfdUpdateComment",
          UPDATE_COMMENT,
          { id, body },
          UpdateCommentDataSchema,
          `updating comment ${id}`,
          { decide: linearWriteRetry, write: true },
        ));
      } catch (error) {
        if (error instanceof BfdError && error.code === "linear-forbidden") {
          throw new SetupError("Linear", "linear-forbidden", `Linear refused to update comment ${id}`, {
            hint: "Linear lets only a comment's author edit it: bfd can update only comments posted with this LINEAR_API_KEY's user.",
            cause: error,
          });
        }
        if (error instanceof BfdError && error.code === "issue-not-found") {
          throw inputError(
            "comment-not-found",
            `Comment ${id} was not found in Linear`,
            "It may have been deleted: post a new comment instead.",
          );
        }
        throw error;
      }
      const comment = data.commentUpdate.comment;
      if (!data.commentUpdate.success || comment === null) {
        throw new UpstreamError("Linear", "linear-comment-failed", `Linear did not update comment ${id}`, {
          hint: "Check that the comment still exists and that the Linear user who owns LINEAR_API_KEY wrote it.",
        });
      }
      return { id: comment.id, url: comment.url };
    },

    async updateIssue(issueId, change) {
      const id = issueId.trim();
      if (id === "") throw inputError("bad-issue-key", "No issue to update", "Pass the issue key, e.g. ENG-123.");
      const { data } = await run(
        "BfdUpdateIssue",
        UPDATE_ISSUE,
        { id, input: { ...change } },
        UpdateIssueDataSchema,
        `updating ${id}`,
        { subject: id, decide: linearWriteRetry, write: true },
      );
      const issue = data.issueUpdate.issue;
      if (!data.issueUpdate.success || issue === null) {
        throw new UpstreamError("Linear", "linear-update-failed", `Linear did not update ${id}`, {
          hint: "Check that the Linear user who owns LINEAR_API_KEY may edit this issue.",
        });
      }
      return { state: issue.state, assignee: mapPerson(issue.assignee) };
    },

    teamKeys() {
      teamKeys ??= readTeamKeys();
      // A failed read is not cached: the next caller asks again.
      teamKeys.catch(() => {
        teamKeys = null;
      });
      return teamKeys;
    },

    rateLimitStatus: () => lastRateLimitStatus,

    workspaceNames(of) {
      const names = (list: {
        nodes: { name: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      }) => ({
        names: list.nodes.map((node) => node.name),
        pageInfo: list.pageInfo,
      });
      return of === "labels"
        ? readAllNames(
            "BfdLabelNames",
            LABEL_NAMES,
            LabelNamesDataSchema,
            (d) => names(d.issueLabels),
            "the workspace's labels",
          )
        : readAllNames(
            "BfdProjectNames",
            PROJECT_NAMES,
            ProjectNamesDataSchema,
            (d) => names(d.projects),
            "the workspace's projects",
          );
    },

    async viewer() {
      const { data } = await run("BfdViewer", VIEWER, {}, ViewerDataSchema, "reading who owns the API key");
      return mapPerson(data.viewer)!;
    },

    async teamWorkflow(team) {
      const id = team.trim();
      if (id === "") throw inputError("bad-team-key", "The Linear team key is empty", "Pass the team's key, e.g. ENG.");
      const shown = printable(id, 40);
      const states: TeamWorkflow["states"] = [];
      const labels: string[] = [];
      let statesAfter: string | null = null;
      let labelsAfter: string | null = null;
      let statesOpen = true;
      let labelsOpen = true;
      let found: { key: string; name: string } | null = null;
      while (statesOpen || labelsOpen) {
        let data: z.infer<typeof TeamWorkflowDataSchema>;
        try {
          ({ data } = await run(
            "BfdTeamWorkflow",
            TEAM_WORKFLOW,
            { id, statesAfter, labelsAfter },
            TeamWorkflowDataSchema,
            `reading the workflow states and labels of team ${shown}`,
            { subject: `team ${shown}` },
          ));
        } catch (error) {
          if (error instanceof BfdError && error.code === "issue-not-found")
            throw inputError(
              "team-not-found",
              `No Linear team ${shown} in this workspace`,
              "Pass the team's key (Linear: Settings → Teams, e.g. ENG) with --team, or set linear.team in bfd.config.yaml.",
            );
          throw error;
        }
        found = { key: data.team.key, name: data.team.name };
        if (statesOpen) states.push(...data.team.states.nodes);
        if (labelsOpen) labels.push(...data.team.labels.nodes.map((label) => label.name));
        const next = (page: { hasNextPage: boolean; endCursor: string | null }, after: string | null) =>
          page.hasNextPage && page.endCursor !== null && page.endCursor !== after ? page.endCursor : null;
        const statesNext: string | null = statesOpen ? next(data.team.states.pageInfo, statesAfter) : null;
        const labelsNext: string | null = labelsOpen ? next(data.team.labels.pageInfo, labelsAfter) : null;
        statesOpen = statesNext !== null;
        labelsOpen = labelsNext !== null;
        statesAfter = statesNext ?? statesAfter;
        labelsAfter = labelsNext ?? labelsAfter;
      }
      return {
        key: found!.key,
        name: found!.name,
        states: states.sort((a, b) => a.position - b.position),
        labels,
      };
    },
  };
}
