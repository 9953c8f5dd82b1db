/**
 * The gitbeaker client bfd uses, with bfd's network policy in place of gitbeaker's own.
 *
 * Why not `new Gitlab()` from `@gitbeaker/rest`: its `defaultRequestHandler` (rest/dist/index.mjs) loops up to
 * 10 times on 429 and 502 with `delay(2 ** i * 0.25)` — a quarter of a *millisecond* doubling — ignores
 * Retry-After, and its only timeout is one `AbortSignal.timeout(queryTimeout)` that core's RequestHelper creates
 * per call and shares across every page of a paginated `.all()`. Stacking our policy on top would multiply
 * attempts (3 × 10) and hammer a rate-limited server.
 *
 * So we assemble the same thing rest does, minus its handler:
 *   resources from `@gitbeaker/core` (URL building, pagination via `link rel="next"`, showExpanded)
 *   └─ `requesterFn` = `createRequesterFn(optionsHandler, requestHandler)` from `@gitbeaker/requester-utils`
 *        ├─ optionsHandler: identity (rest passes `(_, reqo) => Promise.resolve(reqo)` too); requester-utils'
 *        │  `defaultOptionsHandler` has already built headers (PRIVATE-TOKEN / JOB-TOKEN), JSON body and query
 *        └─ requestHandler (below): ONE `fetch` per attempt, wrapped in `withRetry` from ../retry-policy.ts, which
 *           gives each attempt its own AbortSignal timeout and the gate-wide deadline.
 * Resources are built with `queryTimeout: null` (core then passes no signal of its own, so the per-attempt
 * signal is the only clock) and `rateLimits: {}` (gitbeaker's client-side token bucket is not consulted by our
 * handler; GitLab's 429s are what we honour).
 */
import { MergeRequestNotes, MergeRequests, Projects, RepositoryFiles, Users } from "@gitbeaker/core";
import {
  createRequesterFn,
  type FormattedResponse,
  type RequestOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import { redact } from "../../redact.js";
import { withRetry, type RetryDeps, type RetryPolicy } from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import { GitLabHttpError, GitLabResponseError, gitLabAttemptFailure, networkErrorFrom } from "./errors.js";

export interface GitLabClientConfig {
  /** Instance root, e.g. https://gitlab.example.com (gitbeaker appends /api/v4). */
  host: string;
  token?: string | undefined;
  jobToken?: string | undefined;
  policy: RetryPolicy;
  deps: RetryDeps;
  /** When the gate started: no retry may cross `startedAt + policy.deadlineMs`. */
  startedAt: number;
  onRequest?: RequestListener | undefined;
}

export interface GitLabClient {
  mergeRequests: MergeRequests<false>;
  notes: MergeRequestNotes<false>;
  projects: Projects<false>;
  files: RepositoryFiles<false>;
  users: Users<false>;
}

export function createGitLabClient(config: GitLabClientConfig): GitLabClient {
  const requesterFn = createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    createRequestHandler(config),
  );
  // A personal/project token wins over the job token: it can read diffs and post notes, CI_JOB_TOKEN cannot.
  // BaseResource picks the auth header with `"token" in options`, so an absent token must be an absent key.
  const auth =
    config.token !== undefined && config.token !== ""
      ? { token: config.token }
      : config.jobToken !== undefined && config.jobToken !== ""
        ? { jobToken: config.jobToken }
        : {};
  const options = { host: instanceRoot(config.host), requesterFn, queryTimeout: null, rateLimits: {}, ...auth };
  return {
    mergeRequests: new MergeRequests<false>(options),
    notes: new MergeRequestNotes<false>(options),
    projects: new Projects<false>(options),
    files: new RepositoryFiles<false>(options),
    users: new Users<false>(options),
  };
}

/**
 * The instance root every API URL is built on. bfd authenticates with a header only (PRIVATE-TOKEN / JOB-TOKEN), so
 * credentials, a query or a fragment in GITLAB_URL are never meant for the API: `fetch` refuses a URL with
 * credentials outright, a query would land in the middle of every request path, and either would be shown by the
 * `--debug` trail. They are dropped here.
 */
export function instanceRoot(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    return host.replace(/\/+$/, "");
  }
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/+$/, "");
}

/** The request handler gitbeaker's requester calls for every HTTP request (each page of a list is one call). */
export function createRequestHandler(config: GitLabClientConfig) {
  const secrets = [config.token, config.jobToken];
  return async (endpoint: string, rawOptions?: Record<string, unknown>): Promise<FormattedResponse> => {
    // requester-utils' defaultOptionsHandler built these (see its RequestOptions type); we only read them.
    const options = (rawOptions ?? {}) as RequestOptions;
    const method = (options.method ?? "GET").toUpperCase();
    const url = requestUrl(endpoint, options);
    const shownUrl = redact(url.toString(), secrets);
    // Raw file endpoints answer with the file's bytes; everything else bfd calls answers JSON.
    const expectJson = !/\/raw$/.test(endpoint);

    const attempt = async (attemptNumber: number, attemptSignal: AbortSignal): Promise<FormattedResponse> => {
      const started = config.deps.now();
      const report = (status: number | "network-error" | "timeout"): void =>
        config.onRequest?.({
          service: "GitLab",
          method,
          url: shownUrl,
          status,
          ms: Math.max(0, config.deps.now() - started),
          attempt: attemptNumber,
        });
      const signal = options.signal === undefined ? attemptSignal : AbortSignal.any([attemptSignal, options.signal]);
      const where = { method, url: shownUrl, attempt: attemptNumber };

      let response: Response;
      let text: string;
      try {
        response = await fetch(url, { method, headers: options.headers ?? {}, body: options.body ?? null, signal });
      } catch (error) {
        const failure = networkErrorFrom(error, attemptSignal, where);
        report(failure.problem === "timeout" ? "timeout" : "network-error");
        throw failure;
      }
      try {
        // Read the whole body under the same signal: a reply that stalls or is cut short fails this attempt.
        text = await response.text();
      } catch (error) {
        const failure = networkErrorFrom(error, attemptSignal, where);
        report(failure.problem === "timeout" ? "timeout" : "network-error");
        throw failure;
      }
      report(response.status);

      const headers = Object.fromEntries(response.headers.entries());
      const status = response.status;
      if (!response.ok)
        throw new GitLabHttpError({ status, method, url: shownUrl, headers, body: text, attempt: attemptNumber });
      if (status === 204 || (text === "" && method === "DELETE")) return { body: null, headers, status };
      if (!expectJson) return { body: text, headers, status };
      return { body: parseJsonBody(text, headers["content-type"] ?? "", { status, ...where }), headers, status };
    };

    return withRetry(
      attempt,
      (error) => gitLabAttemptFailure(error, config.deps.now()),
      config.policy,
      config.deps,
      config.startedAt,
    );
  };
}

function requestUrl(endpoint: string, options: RequestOptions): URL {
  const prefix = options.prefixUrl ?? "";
  const url = new URL(endpoint, prefix.endsWith("/") ? prefix : `${prefix}/`);
  url.search = options.searchParams ?? "";
  return url;
}

function parseJsonBody(
  text: string,
  contentType: string,
  where: { status: number; method: string; url: string; attempt: number },
): ResponseBodyTypes {
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(text) as ResponseBodyTypes;
    } catch (error) {
      throw new GitLabResponseError("malformed-json", {
        ...where,
        detail: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(text))
    throw new GitLabResponseError("html", where);
  throw new GitLabResponseError("not-json", { ...where, detail: contentType === "" ? "no content type" : contentType });
}
