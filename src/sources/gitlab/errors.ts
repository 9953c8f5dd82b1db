import { BfdError, UpstreamError, inputError } from "../../errors.js";
import { redact } from "../../redact.js";
import { parseRetryAfter, type AttemptFailure } from "../retry-policy.js";

/** GitLab answered with a non-2xx status. Thrown by the request handler, one per failed attempt. */
export class GitLabHttpError extends Error {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** GitLab's `message` / `error` field, or the start of a non-JSON body. */
  readonly description: string;
  readonly attempt: number;
  constructor(init: {
    status: number;
    method: string;
    url: string;
    headers: Record<string, string>;
    body: string;
    attempt: number;
  }) {
    const description = describeBody(init.body, init.headers["content-type"]);
    super(`GitLab answered HTTP ${init.status} to ${init.method} ${init.url}: ${description}`);
    this.name = "GitLabHttpError";
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.headers = init.headers;
    this.description = description;
    this.attempt = init.attempt;
  }

  /** True when the body looks like an HTML page rather than GitLab's JSON error. */
  get isHtml(): boolean {
    return /text\/html/i.test(this.headers["content-type"] ?? "");
  }
}

export type GitLabResponseProblem = "html" | "malformed-json" | "not-json" | "unexpected-shape";

/** A 2xx reply bfd cannot use: an HTML page, broken JSON, or JSON of the wrong shape. Never retried. */
export class GitLabResponseError extends Error {
  readonly problem: GitLabResponseProblem;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  constructor(
    problem: GitLabResponseProblem,
    init: { status: number; method: string; url: string; attempt: number; detail?: string },
  ) {
    super(
      `GitLab sent ${problemText(problem)} for ${init.method} ${init.url} (HTTP ${init.status})${init.detail === undefined ? "" : `: ${init.detail}`}`,
    );
    this.name = "GitLabResponseError";
    this.problem = problem;
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.attempt = init.attempt;
  }
}

export type GitLabNetworkProblem = "timeout" | "reset" | "unreachable";

/** No usable reply: the attempt timed out, the connection dropped (also mid-body), or the host could not be reached. */
export class GitLabNetworkError extends Error {
  readonly problem: GitLabNetworkProblem;
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  /** Node's error code when there is one (ECONNREFUSED, UND_ERR_SOCKET, …). */
  readonly code: string | undefined;
  constructor(
    problem: GitLabNetworkProblem,
    init: { method: string; url: string; attempt: number; code?: string; cause?: unknown },
  ) {
    super(`${init.method} ${init.url}: ${problem}${init.code === undefined ? "" : ` (${init.code})`}`, {
      cause: init.cause,
    });
    this.name = "GitLabNetworkError";
    this.problem = problem;
    this.method = init.method;
    this.url = init.url;
    this.attempt = init.attempt;
    this.code = init.code;
  }
}

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

/** Turns what `fetch` (or reading its body) threw into a GitLabNetworkError. */
export function networkErrorFrom(
  error: unknown,
  attemptSignal: AbortSignal,
  init: { method: string; url: string; attempt: number },
): GitLabNetworkError {
  if (attemptSignal.aborted || isNamed(error, "TimeoutError") || isNamed(error, "AbortError")) {
    return new GitLabNetworkError("timeout", { ...init, cause: error });
  }
  const code = errorCode(error);
  // A body cut short surfaces as `TypeError: terminated` whose cause is the socket error; treat it as a reset.
  const reset =
    (code !== undefined && RESET_CODES.has(code)) || (error instanceof Error && error.message === "terminated");
  return new GitLabNetworkError(reset ? "reset" : "unreachable", {
    ...init,
    ...(code === undefined ? {} : { code }),
    cause: error,
  });
}

/**
 * What the shared retry policy needs to know about one failed attempt: 429 waits for Retry-After (or
 * RateLimit-Reset), 502/503/504, timeouts and dropped connections back off; everything else is final.
 */
export function gitLabAttemptFailure(error: unknown, nowMs: number = Date.now()): AttemptFailure {
  if (error instanceof GitLabHttpError) {
    if (error.status === 429) return { retryable: true, retryAfterSeconds: retryAfterSeconds(error.headers, nowMs) };
    return { retryable: error.status === 502 || error.status === 503 || error.status === 504 };
  }
  if (error instanceof GitLabNetworkError)
    return { retryable: error.problem === "timeout" || error.problem === "reset" };
  return { retryable: false };
}

/** Seconds GitLab asked us to wait: `Retry-After`, else `RateLimit-Reset` (Unix seconds) minus now. */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>, nowMs: number): number | undefined {
  const fromRetryAfter = parseRetryAfter(headers["retry-after"], nowMs);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const reset = Number(headers["ratelimit-reset"]);
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(0, reset - nowMs / 1000);
}

export type GitLabAuth = "token" | "jobToken" | "none";

/** Names of the environment variables the composition root reads the tokens from; used in messages only. */
export const TOKEN_ENV: Record<Exclude<GitLabAuth, "none">, string> = {
  token: "GITLAB_TOKEN",
  jobToken: "CI_JOB_TOKEN",
};

export interface GitLabFailureContext {
  /** What bfd was doing, in words that finish "while …": "reading merge request !42 in group/app". */
  doing: string;
  access: "read" | "write";
  auth: GitLabAuth;
  project?: string | number;
  mergeRequestIid?: number;
  noteId?: number;
  /**
   * False for calls GitLab never accepts a job token on (doc/ci/jobs/ci_job_token.md: /user, /projects/:id, note
   * writes). A job token is then ignored and the request runs as anonymous, so its 401/403/404 says nothing about
   * the token or the project. Writes count as false.
   */
  jobTokenAllowed?: boolean;
  /** Values to scrub from every message (the tokens). */
  secrets?: readonly (string | undefined)[];
}

const TOKEN_HINT =
  "Create a personal or project access token with read_api scope (api to post notes) and export GITLAB_TOKEN=…";

/**
 * Maps a failed GitLab call to the error bfd shows: one line, naming GitLab, never a token. Failures that are not
 * GitLab's (bugs) come back unchanged so they surface as internal errors.
 */
export function classifyGitLabFailure(error: unknown, context: GitLabFailureContext): Error {
  const scrub = (text: string): string => redact(oneLine(text), context.secrets ?? []);
  if (error instanceof BfdError) return error;
  if (error instanceof GitLabHttpError) return fromHttpError(error, context, scrub);
  if (error instanceof GitLabResponseError) {
    const hint =
      error.problem === "html"
        ? "Check the GitLab host (GITLAB_URL or CI_SERVER_URL): it must be the instance root, like https://gitlab.example.com, not a web page or a proxy's sign-in page."
        : "Run again; if it persists, check the GitLab instance's health or a proxy in between.";
    return new UpstreamError(
      "GitLab",
      "gitlab-bad-response",
      scrub(`GitLab sent ${problemText(error.problem)} while ${context.doing} (HTTP ${error.status})`),
      {
        hint,
        status: error.status,
        cause: error,
      },
    );
  }
  if (error instanceof GitLabNetworkError) {
    const attempts = attemptsText(error.attempt);
    if (error.problem === "timeout") {
      return new UpstreamError(
        "GitLab",
        "gitlab-timeout",
        scrub(`GitLab did not answer in time while ${context.doing}${attempts}`),
        {
          hint: "GitLab may be slow or unreachable from here; run again, or check the host and any proxy in between.",
          cause: error,
        },
      );
    }
    if (error.problem === "reset") {
      return new UpstreamError(
        "GitLab",
        "gitlab-connection-reset",
        scrub(`GitLab closed the connection before the reply was complete while ${context.doing}${attempts}`),
        {
          hint: "Run again; if it persists, check the network or proxy between bfd and GitLab.",
          cause: error,
        },
      );
    }
    const host = safeOrigin(error.url);
    return new UpstreamError(
      "GitLab",
      "gitlab-unreachable",
      scrub(
        `Could not reach GitLab at ${host} while ${context.doing}${error.code === undefined ? "" : ` (${error.code})`}`,
      ),
      {
        hint: "Check the GitLab host (GITLAB_URL, CI_SERVER_URL or the merge request URL) and the network.",
        cause: error,
      },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function fromHttpError(error: GitLabHttpError, context: GitLabFailureContext, scrub: (text: string) => string): Error {
  const status = error.status;
  const tokenName = context.auth === "none" ? undefined : TOKEN_ENV[context.auth];
  const where = projectLabel(context.project);
  const jobTokenRefused =
    context.auth === "jobToken" && (context.jobTokenAllowed === false || context.access === "write");
  if (jobTokenRefused && (status === 401 || status === 403 || status === 404)) {
    return new UpstreamError(
      "GitLab",
      "gitlab-job-token-unsupported",
      scrub(`GitLab does not accept CI_JOB_TOKEN for ${context.doing} (HTTP ${status})`),
      {
        hint: "Set GITLAB_TOKEN to a project or personal access token with the read_api scope (api to post notes); bfd prefers it over CI_JOB_TOKEN.",
        status,
        cause: error,
      },
    );
  }
  if (status === 401) {
    if (tokenName === undefined) {
      return new UpstreamError("GitLab", "gitlab-auth", "GitLab requires a token (HTTP 401)", {
        hint: TOKEN_HINT,
        status,
        cause: error,
      });
    }
    const hint =
      context.auth === "jobToken"
        ? "CI_JOB_TOKEN is valid only while its job runs. Or set GITLAB_TOKEN to a project or personal access token with read_api scope."
        : TOKEN_HINT;
    return new UpstreamError("GitLab", "gitlab-auth", `GitLab rejected the token in ${tokenName} (HTTP 401)`, {
      hint,
      status,
      cause: error,
    });
  }
  if (status === 403) {
    const insufficientScope = /insufficient_scope/i.test(error.description);
    const scope = context.access === "write" ? "api" : "read_api";
    if (context.noteId !== undefined && !insufficientScope) {
      return new UpstreamError(
        "GitLab",
        "gitlab-forbidden",
        scrub(`GitLab refused ${context.doing} (HTTP 403): only a note's author may edit or delete it`),
        {
          hint: `bfd edits only notes posted with the token in ${tokenName ?? "GITLAB_TOKEN"}; use the same token that posted the note.`,
          status,
          cause: error,
        },
      );
    }
    const needs = insufficientScope
      ? `it lacks the ${scope} scope`
      : `it needs the ${scope} scope and at least the Reporter role in ${where}`;
    return new UpstreamError(
      "GitLab",
      "gitlab-forbidden",
      scrub(`GitLab refused the token in ${tokenName ?? "(none)"} while ${context.doing} (HTTP 403): ${needs}`),
      {
        hint: `Use a project or personal access token with the ${scope} scope whose user has at least the Reporter role in ${where}.`,
        status,
        cause: error,
      },
    );
  }
  if (status === 404) {
    const projectMissing = /project not found/i.test(error.description);
    const jobTokenNote =
      context.auth === "jobToken"
        ? " (CI_JOB_TOKEN reaches only some endpoints and projects; GitLab answers 404 for the rest)"
        : "";
    if (projectMissing || (context.mergeRequestIid === undefined && context.noteId === undefined)) {
      return inputError(
        "project-not-found",
        scrub(
          `GitLab ${where.startsWith("project ") ? where : `project ${where}`} was not found, or ${tokenName === undefined ? "it is not public" : `the token in ${tokenName} cannot see it`}${jobTokenNote}`,
        ),
        "Give the project as its full path (like group/app) or numeric id — bfd takes it from the merge request URL, CI_PROJECT_ID or the git remote — and use a token whose user is a member of it.",
      );
    }
    if (context.noteId !== undefined) {
      return inputError(
        "note-not-found",
        scrub(
          `GitLab note ${context.noteId} was not found on merge request !${context.mergeRequestIid ?? "?"} in ${where}`,
        ),
      );
    }
    return inputError(
      "mr-not-found",
      scrub(`GitLab merge request !${context.mergeRequestIid} was not found in ${where}`),
    );
  }
  if (status === 429) {
    const wait = retryAfterSeconds(error.headers, Date.now());
    const asked = wait === undefined ? "it gave no Retry-After" : `it asks to retry after ${Math.ceil(wait)} s`;
    return new UpstreamError(
      "GitLab",
      "gitlab-rate-limited",
      scrub(`GitLab rate-limited bfd while ${context.doing} (HTTP 429${attemptsText(error.attempt, true)}); ${asked}`),
      {
        hint: "Wait and run again; GitLab's limits are per user, so a dedicated token for bfd avoids sharing them.",
        status,
        cause: error,
      },
    );
  }
  if (status >= 500) {
    return new UpstreamError(
      "GitLab",
      "gitlab-unavailable",
      scrub(
        `GitLab answered HTTP ${status}${error.isHtml ? " (an HTML error page)" : ""} while ${context.doing}${attemptsText(error.attempt)}`,
      ),
      {
        hint: "GitLab is failing or overloaded; run again later.",
        status,
        cause: error,
      },
    );
  }
  return new UpstreamError(
    "GitLab",
    "gitlab-request-rejected",
    scrub(`GitLab answered HTTP ${status} while ${context.doing}: ${error.description}`),
    {
      status,
      cause: error,
    },
  );
}

export function projectLabel(project: string | number | undefined): string {
  if (project === undefined) return "the project";
  return typeof project === "number" || /^\d+$/.test(project) ? `project ${project}` : project;
}

function attemptsText(attempt: number, inline = false): string {
  if (attempt <= 1) return "";
  return inline ? `, ${attempt} attempts` : ` (${attempt} attempts)`;
}

function problemText(problem: GitLabResponseProblem): string {
  switch (problem) {
    case "html":
      return "an HTML page instead of JSON";
    case "malformed-json":
      return "malformed JSON";
    case "not-json":
      return "a reply that is not JSON";
    case "unexpected-shape":
      return "JSON of an unexpected shape";
  }
}

function describeBody(body: string, contentType: string | undefined): string {
  if (/json/i.test(contentType ?? "")) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed !== null && typeof parsed === "object") {
        const record = parsed as Record<string, unknown>;
        // OAuth-style errors ({"error":"insufficient_scope","error_description":…}) keep both parts.
        const oauth =
          typeof record["error"] === "string" && typeof record["error_description"] === "string"
            ? `${record["error"]}: ${record["error_description"]}`
            : undefined;
        const field = record["message"] ?? oauth ?? record["error"];
        if (field !== undefined) return oneLine(typeof field === "string" ? field : JSON.stringify(field));
      }
    } catch {
      // fall through to the raw text
    }
  }
  if (/text\/html/i.test(contentType ?? "") || /^\s*</.test(body)) return "an HTML page";
  return oneLine(body).slice(0, 200);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the configured host";
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function errorCode(error: unknown): string | undefined {
  for (
    let current: unknown = error, depth = 0;
    current instanceof Error && depth < 4;
    current = current.cause, depth += 1
  ) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
}
