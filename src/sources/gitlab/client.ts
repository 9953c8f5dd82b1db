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
 *        │  `defaultOptionsHandler` has already built headers (PRIVATE-TOKEN), JSON body and query
 *        └─ requestHandler (below): `requestWithPolicy` from ../upstream.ts — ONE `fetch` per attempt under the
 *           shared retry policy, each attempt with its own AbortSignal timeout, failures as `HttpFailure`.
 * Resources are built with `queryTimeout: null` (core then passes no signal of its own, so the per-attempt
 * signal is the only clock) and `rateLimits: {}` (gitbeaker's client-side token bucket is not consulted by our
 * handler; GitLab's 429s are what we honour).
 */
import {
  Commits,
  Deployments,
  ExternalStatusChecks,
  Jobs,
  MergeRequestApprovals,
  MergeRequestLabelEvents,
  MergeRequestNotes,
  MergeRequests,
  PersonalAccessTokens,
  ProjectLabels,
  Projects,
  ProjectTemplates,
  Repositories,
  RepositoryFiles,
  Users,
} from "@gitbeaker/core";
import {
  createRequesterFn,
  type FormattedResponse,
  type RequestOptions,
  type ResponseBodyTypes,
} from "@gitbeaker/requester-utils";
import type { RetryDeps, RetryPolicy } from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import { jsonBody, requestWithPolicy, statusFailure, writeRetryDecision } from "../upstream.js";

export interface GitLabClientConfig {
  /** Instance root, e.g. https://gitlab.example.com (gitbeaker appends /api/v4). */
  host: string;
  token: string;
  policy: RetryPolicy;
  deps: RetryDeps;
  /** When the gate started: no read retry may cross `startedAt + policy.deadlineMs` (writes get their own budget). */
  startedAt: number;
  onRequest?: RequestListener | undefined;
}

export interface GitLabClient {
  mergeRequests: MergeRequests<false>;
  notes: MergeRequestNotes<false>;
  projects: Projects<false>;
  files: RepositoryFiles<false>;
  users: Users<false>;
  jobs: Jobs<false>;
  commits: Commits<false>;
  deployments: Deployments<false>;
  labelEvents: MergeRequestLabelEvents<false>;
  approvals: MergeRequestApprovals<false>;
  statusChecks: ExternalStatusChecks<false>;
  tokens: PersonalAccessTokens<false>;
  labels: ProjectLabels<false>;
  templates: ProjectTemplates<false>;
  repositories: Repositories<false>;
}

export function createGitLabClient(config: GitLabClientConfig): GitLabClient {
  const requesterFn = createRequesterFn(
    (_serviceOptions, requestOptions) => Promise.resolve(requestOptions),
    createRequestHandler(config),
  );
  const options = {
    host: instanceRoot(config.host),
    requesterFn,
    queryTimeout: null,
    rateLimits: {},
    token: config.token,
  };
  return {
    mergeRequests: new MergeRequests<false>(options),
    notes: new MergeRequestNotes<false>(options),
    projects: new Projects<false>(options),
    files: new RepositoryFiles<false>(options),
    users: new Users<false>(options),
    jobs: new Jobs<false>(options),
    commits: new Commits<false>(options),
    deployments: new Deployments<false>(options),
    labelEvents: new MergeRequestLabelEvents<false>(options),
    approvals: new MergeRequestApprovals<false>(options),
    statusChecks: new ExternalStatusChecks<false>(options),
    tokens: new PersonalAccessTokens<false>(options),
    labels: new ProjectLabels<false>(options),
    templates: new ProjectTemplates<false>(options),
    repositories: new Repositories<false>(options),
  };
}

/**
 * The instance root every API URL is built on. bfd authenticates with a header only (PRIVATE-TOKEN), so
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
  return async (endpoint: string, rawOptions?: Record<string, unknown>): Promise<FormattedResponse> => {
    // requester-utils' defaultOptionsHandler built these (see its RequestOptions type); we only read them.
    const options = (rawOptions ?? {}) as RequestOptions;
    const method = (options.method ?? "GET").toUpperCase();
    const write = method !== "GET" && method !== "HEAD";
    // Raw file endpoints answer with the file's bytes; everything else bfd calls answers JSON.
    const expectJson = !/\/raw$/.test(endpoint);
    return requestWithPolicy(
      {
        method,
        url: requestUrl(endpoint, options),
        headers: (options.headers ?? {}) as Record<string, string>,
        body: (options.body ?? null) as string | null,
        signal: options.signal,
      },
      {
        service: "GitLab",
        policy: config.policy,
        deps: config.deps,
        // A write comes after the gate has been decided; it gets a budget of its own rather than what reads left.
        startedAt: write ? config.deps.now() : config.startedAt,
        onRequest: config.onRequest,
        secrets: [config.token],
      },
      (reply, at) => {
        if (reply.status < 200 || reply.status >= 300) throw statusFailure(reply, at);
        const { status, headers } = reply;
        if (status === 204 || (reply.text === "" && method === "DELETE")) return { body: null, headers, status };
        if (!expectJson) return { body: reply.text, headers, status };
        return { body: jsonBody(reply, at) as ResponseBodyTypes, headers, status };
      },
      write ? writeRetryDecision : undefined,
    );
  };
}

function requestUrl(endpoint: string, options: RequestOptions): URL {
  const prefix = options.prefixUrl ?? "";
  const url = new URL(endpoint, prefix.endsWith("/") ? prefix : `${prefix}/`);
  url.search = options.searchParams ?? "";
  return url;
}
