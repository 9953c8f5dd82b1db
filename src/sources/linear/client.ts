import { LinearClient } from "@linear/sdk";
import type { z } from "zod";
import { BfdError, inputError, printable, UpstreamError } from "../../errors.js";
import { redact } from "../../redact.js";
import type { Issue, Person } from "../../work-item/schema.js";
import {
  DEFAULT_RETRY_POLICY,
  realRetryDeps,
  withRetry,
  type AttemptFailure,
  type RetryDeps,
  type RetryPolicy,
} from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import {
  AUDIT_PAGE_SIZE,
  CREATE_COMMENT,
  ISSUE_BY_BRANCH,
  ISSUE_BY_KEY,
  ISSUES_BY_ID,
  ISSUES_PAGE,
  REFETCH_BATCH_SIZE,
  type LinearOperationName,
} from "./documents.js";
import {
  classifyLinearFailure,
  classifyLinearMutationFailure,
  describeLinearFailure,
  LinearFailure,
  linearFailureToError,
  type HttpObservation,
} from "./errors.js";
import {
  CreateCommentDataSchema,
  hasTruncatedLists,
  IssueByBranchDataSchema,
  IssueByKeyDataSchema,
  IssuesByIdDataSchema,
  IssuesPageDataSchema,
  mapIssue,
  mapPerson,
  parseLinearData,
  type RawIssue,
} from "./map.js";

export const DEFAULT_LINEAR_API_URL = "https://api.linear.app/graphql";

export interface LinearSourceOptions {
  /** A personal API key, sent raw in `Authorization` (no Bearer), as Linear expects. */
  apiKey: string;
  /** Defaults to https://api.linear.app/graphql; tests point it at the loopback fake. */
  apiUrl?: string;
  policy?: RetryPolicy;
  /** Told about every HTTP exchange, for `--debug`. */
  onRequest?: RequestListener;
  /** Sleep/clock/random for the retry loop; tests only. */
  retryDeps?: RetryDeps;
}

export interface IssueListFilter {
  teamKey: string;
  stateName?: string;
  projectName?: string;
  label?: string;
}

export interface LinearSource {
  /** ONE request: the issue by key (ENG-123), Linear URL or UUID, with everything the gates need, and `viewer`. */
  fetchIssue(key: string): Promise<{ issue: Issue; viewer: Person | null }>;
  /** ONE request: issueVcsBranchSearch(branch) with the same issue fields, and viewer. issue null when no match. */
  fetchIssueByBranch(branch: string): Promise<{ issue: Issue | null; viewer: Person | null }>;
  /**
   * Audit: issues(filter:) with cursor pagination, never one request per issue. `requests` counts HTTP
   * exchanges, retries included. Issues whose nested lists overflowed the audit page are refetched in
   * batches of REFETCH_BATCH_SIZE.
   */
  listIssues(
    filter: IssueListFilter,
    limit: number,
  ): Promise<{ issues: Issue[]; viewer: Person | null; requests: number }>;
  /** commentCreate; returns the comment's id and URL. Retried only when Linear certainly did not apply it. */
  createComment(issueId: string, body: string): Promise<{ id: string; url: string }>;
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

/**
 * The SDK's LinearGraphQLClient takes no `fetch` option: `rawRequest` reads `globalThis.fetch` and spreads
 * the client options (RequestInit) into the fetch call. So:
 * - the per-attempt timeout is a fresh LinearClient per attempt built with `signal` (a RequestInit field
 *   the SDK passes through), which aborts the request and the body read alike;
 * - to see the HTTP status and content type even when the SDK cannot parse the body (malformed JSON, a
 *   cut-off answer), `globalThis.fetch` is swapped for an observing wrapper only while `rawRequest` is
 *   being *called*. The SDK reads `globalThis.fetch` synchronously before its first `await`, so the swap
 *   never spans an await: no other caller (GitLab, a concurrent Linear call) can ever see the wrapper.
 *   Should a future SDK read it later, the wrapper is simply not used and the status falls back to what
 *   the SDK reports (the `--debug` listener test would notice).
 */
function callWithObservedFetch<T>(observe: (observation: HttpObservation) => void, call: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  const observing: typeof fetch = async (input, init) => {
    const response = await original(input, init);
    observe({ status: response.status, contentType: response.headers.get("content-type") });
    return response;
  };
  globalThis.fetch = observing;
  try {
    return call();
  } finally {
    globalThis.fetch = original;
  }
}

interface RunResult<T> {
  data: T;
  attempts: number;
}

export function createLinearSource(options: LinearSourceOptions): LinearSource {
  const apiKey = options.apiKey.trim();
  const apiUrl = options.apiUrl ?? DEFAULT_LINEAR_API_URL;
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
  try {
    // Validates apiUrl once, up front (the SDK refuses plain http except for localhost).
    new LinearClient({ apiKey, apiUrl });
  } catch (error) {
    throw new BfdError("config", "linear-api-url", `LINEAR_API_URL is not usable: ${shownApiUrl}`, {
      hint: "Use https://api.linear.app/graphql (http:// is only accepted for localhost).",
      cause: error,
    });
  }

  async function exchange(
    query: string,
    variables: Record<string, unknown>,
    attempt: number,
    signal: AbortSignal,
  ): Promise<unknown> {
    const client = new LinearClient({ apiKey, apiUrl, signal });
    let observed: HttpObservation | undefined;
    const started = deps.now();
    const report = (status: number | "network-error" | "timeout"): void => {
      options.onRequest?.({
        service: "Linear",
        method: "POST",
        url: shownApiUrl,
        status,
        ms: Math.max(0, deps.now() - started),
        attempt,
      });
    };
    try {
      const response = await callWithObservedFetch(
        (observation) => {
          observed = observation;
        },
        () => client.client.rawRequest<unknown, Record<string, unknown>>(query, variables),
      );
      report(observed?.status ?? response.status ?? 200);
      return response.data;
    } catch (error) {
      const failure = describeLinearFailure(error, { observed, aborted: signal.aborted, secrets });
      report(failure.details.status ?? (failure.kind === "timeout" ? "timeout" : "network-error"));
      throw failure;
    }
  }

  async function run<S extends z.ZodType>(
    operation: LinearOperationName,
    query: string,
    variables: Record<string, unknown>,
    schema: S,
    subject?: string,
    classify: (error: unknown) => AttemptFailure = classifyLinearFailure,
  ): Promise<RunResult<z.infer<S>>> {
    let attempts = 0;
    const context = (): Parameters<typeof linearFailureToError>[1] => ({
      operation,
      ...(subject === undefined ? {} : { subject }),
      attempts,
      timeoutMs: policy.timeoutMs,
      apiUrl: shownApiUrl,
      secrets,
    });
    let data: unknown;
    try {
      data = await withRetry(
        (attempt, signal) => {
          attempts = attempt;
          return exchange(query, variables, attempt, signal);
        },
        classify,
        policy,
        deps,
      );
    } catch (error) {
      if (error instanceof LinearFailure) throw linearFailureToError(error, context());
      throw error;
    }
    try {
      return { data: parseLinearData(operation, schema, data), attempts };
    } catch (error) {
      throw linearFailureToError(describeLinearFailure(error, { secrets }), context());
    }
  }

  return {
    async fetchIssue(key) {
      const id = parseIssueReference(key);
      const { data } = await run("BfdIssueByKey", ISSUE_BY_KEY, { id }, IssueByKeyDataSchema, id);
      return { issue: mapIssue(data.issue), viewer: mapPerson(data.viewer) };
    },

    async fetchIssueByBranch(branch) {
      const name = branch.trim();
      if (name === "")
        throw inputError(
          "bad-branch",
          "The git branch name is empty",
          "Check out a branch, or pass the issue key explicitly.",
        );
      const { data } = await run("BfdIssueByBranch", ISSUE_BY_BRANCH, { branch: name }, IssueByBranchDataSchema);
      return {
        issue: data.issueVcsBranchSearch === null ? null : mapIssue(data.issueVcsBranchSearch),
        viewer: mapPerson(data.viewer),
      };
    },

    async listIssues(filter, limit) {
      const teamKey = filter.teamKey.trim().toUpperCase();
      if (teamKey === "")
        throw inputError("bad-team-key", "The Linear team key is empty", "Pass the team's key, e.g. ENG.");
      const issueFilter: Record<string, unknown> = { team: { key: { eq: teamKey } } };
      if (filter.stateName !== undefined) issueFilter["state"] = { name: { eqIgnoreCase: filter.stateName } };
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
        );
        requests += page.attempts;
        viewer ??= mapPerson(page.data.viewer);
        raws.push(...page.data.issues.nodes);
        const { hasNextPage, endCursor } = page.data.issues.pageInfo;
        if (!hasNextPage || endCursor === null) break;
        after = endCursor;
      }

      const truncated = raws.filter(hasTruncatedLists).map((raw) => raw.id);
      for (let start = 0; start < truncated.length; start += REFETCH_BATCH_SIZE) {
        const ids = truncated.slice(start, start + REFETCH_BATCH_SIZE);
        const refetched = await run("BfdIssuesById", ISSUES_BY_ID, { ids, first: ids.length }, IssuesByIdDataSchema);
        requests += refetched.attempts;
        for (const full of refetched.data.issues.nodes) {
          const index = raws.findIndex((raw) => raw.id === full.id);
          if (index >= 0) raws[index] = full;
        }
      }
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
        id,
        classifyLinearMutationFailure,
      );
      const comment = data.commentCreate.comment;
      if (!data.commentCreate.success || comment === null) {
        throw new UpstreamError("Linear", "linear-comment-failed", `Linear did not create the comment on ${id}`, {
          hint: "Check that the Linear user who owns LINEAR_API_KEY may comment on this issue.",
        });
      }
      return { id: comment.id, url: comment.url };
    },
  };
}
