/**
 * The one model of an upstream failure, shared by Linear and GitLab: every HTTP exchange bfd makes goes through
 * `requestWithPolicy`, which runs the retry policy (src/sources/retry-policy.ts) over one `fetch` per attempt and
 * turns whatever went wrong into an `HttpFailure` — a timeout, a dropped connection, an unreachable host, a status
 * bfd did not want, or a body it cannot use. Each vendor maps the failures that mean something special to it
 * (GitLab's 404 "Project Not Found", Linear's GraphQL error types) and leaves the rest to `upstreamErrorFor`, so the
 * same failure reads the same way whichever service it came from.
 */
import { BfdError, UpstreamError, type Service } from "../errors.js";
import { redact } from "../redact.js";
import { parseRetryAfter, withRetry, type AttemptFailure, type RetryDeps, type RetryPolicy } from "./retry-policy.js";
import type { RequestListener } from "./trail.js";

/** One attempt of one request, as messages and the `--debug` trail show it: the URL is already token-free. */
export interface AttemptInfo {
  service: Service;
  method: string;
  url: string;
  attempt: number;
}

export type BodyProblem = "html" | "malformed-json" | "not-json" | "unexpected-shape";

export type HttpFailureKind = "timeout" | "reset" | "unreachable" | "status" | "bad-body";

/** What went wrong with one attempt. Plain data: no vendor type, no token (URLs and bodies are redacted). */
export class HttpFailure extends Error {
  readonly kind: HttpFailureKind;
  readonly at: AttemptInfo;
  /** The HTTP status, when a reply arrived (also for a body cut off after its headers). */
  readonly status: number | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The reply's text (status failures), redacted; what vendors read their error fields from. */
  readonly body: string;
  readonly bodyProblem: BodyProblem | undefined;
  /** Node's low-level error code (ECONNREFUSED, UND_ERR_SOCKET, …) for network failures. */
  readonly code: string | undefined;
  readonly detail: string | undefined;

  constructor(
    kind: HttpFailureKind,
    at: AttemptInfo,
    init: {
      status?: number | undefined;
      headers?: Record<string, string>;
      body?: string;
      bodyProblem?: BodyProblem;
      code?: string | undefined;
      detail?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(`${at.service} ${at.method} ${at.url}: ${kind}${init.status === undefined ? "" : ` (HTTP ${init.status})`}`, {
      cause: init.cause,
    });
    this.name = "HttpFailure";
    this.kind = kind;
    this.at = at;
    this.status = init.status;
    this.headers = init.headers ?? {};
    this.body = init.body ?? "";
    this.bodyProblem = init.bodyProblem;
    this.code = init.code;
    this.detail = init.detail;
  }

  get contentType(): string | undefined {
    return this.headers["content-type"];
  }

  get isHtml(): boolean {
    return /text\/html/i.test(this.contentType ?? "") || /^\s*<(!doctype|html)/i.test(this.body);
  }
}

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

/**
 * Seconds a service asked bfd to wait: `Retry-After` (both), else GitLab's `RateLimit-Reset` (Unix seconds) minus now.
 * Linear's `X-RateLimit-*-Reset` says when its leaky bucket is full again, not when the next request fits, so it
 * is shown to people but never waited for.
 */
export function retryAfterSeconds(headers: Readonly<Record<string, string>>, nowMs: number): number | undefined {
  const fromRetryAfter = parseRetryAfter(headers["retry-after"], nowMs);
  if (fromRetryAfter !== undefined) return fromRetryAfter;
  const reset = Number(headers["ratelimit-reset"]);
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - nowMs / 1000) : undefined;
}

/** When a spent rate limit resets, in epoch milliseconds, from whichever header the service sent. */
export function resetsAt(headers: Readonly<Record<string, string>>): number | undefined {
  for (const name of ["ratelimit-reset", "x-ratelimit-requests-reset", "x-ratelimit-complexity-reset"]) {
    const value = Number(headers[name]);
    if (Number.isFinite(value) && value > 0) return value < 1e12 ? value * 1000 : value;
  }
  return undefined;
}

/**
 * The retry decision for a failed read, the same for both services: a 429 waits for what the service asked, 502,
 * 503 and 504 (an HTML gateway page included), timeouts and dropped connections back off; everything else is final.
 */
export function retryDecision(error: unknown, nowMs: number): AttemptFailure {
  if (!(error instanceof HttpFailure)) return { retryable: false };
  switch (error.kind) {
    case "timeout":
    case "reset":
      return { retryable: true };
    case "status":
      if (error.status === 429) return { retryable: true, retryAfterSeconds: retryAfterSeconds(error.headers, nowMs) };
      return { retryable: error.status !== undefined && RETRYABLE_STATUSES.has(error.status) };
    default:
      return { retryable: false };
  }
}

/**
 * The retry decision for a write (a note, a comment): only when the service certainly did not apply it — it was
 * rate limited, or the connection was refused. A timeout or a 502 may come after the write happened.
 */
export function writeRetryDecision(error: unknown, nowMs: number): AttemptFailure {
  if (error instanceof HttpFailure && error.kind === "status" && error.status === 429)
    return retryDecision(error, nowMs);
  if (error instanceof HttpFailure && error.kind === "unreachable" && error.code === "ECONNREFUSED") {
    return { retryable: true };
  }
  return { retryable: false };
}

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | null;
  /** The caller's own signal (e.g. gitbeaker's), combined with each attempt's timeout. */
  signal?: AbortSignal | undefined;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface TransportConfig {
  service: Service;
  policy: RetryPolicy;
  deps: RetryDeps;
  /** When this budget started: no retry is started after `startedAt + policy.deadlineMs`. */
  startedAt: number;
  onRequest?: RequestListener | undefined;
  /** Values scrubbed from URLs, bodies and messages (the tokens). */
  secrets: readonly (string | undefined)[];
}

/**
 * Sends one request under the retry policy. `read` turns each reply into the result or throws: an `HttpFailure`
 * (use `statusFailure` / `bodyFailure`) or a vendor error. `decide` is the retry decision (reads by default).
 */
export async function requestWithPolicy<T>(
  request: HttpRequest,
  config: TransportConfig,
  read: (reply: HttpReply, at: AttemptInfo) => T,
  decide: (error: unknown, nowMs: number) => AttemptFailure = retryDecision,
): Promise<T> {
  const shownUrl = redact(request.url.toString(), config.secrets);
  const attempt = async (attemptNumber: number, attemptSignal: AbortSignal): Promise<T> => {
    const at: AttemptInfo = { service: config.service, method: request.method, url: shownUrl, attempt: attemptNumber };
    const started = config.deps.now();
    const report = (status: number | "network-error" | "timeout"): void =>
      config.onRequest?.({
        service: config.service,
        method: request.method,
        url: shownUrl,
        status,
        ms: Math.max(0, config.deps.now() - started),
        attempt: attemptNumber,
      });
    const signal = request.signal === undefined ? attemptSignal : AbortSignal.any([attemptSignal, request.signal]);
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        signal,
      });
    } catch (error) {
      const failure = networkFailure(error, attemptSignal, at, undefined);
      report(failure.kind === "timeout" ? "timeout" : "network-error");
      throw failure;
    }
    const headers = Object.fromEntries(response.headers.entries());
    let text: string;
    try {
      // The whole body is read under the same signal: a reply that stalls or breaks off fails this attempt.
      text = await response.text();
    } catch (error) {
      const failure = networkFailure(error, attemptSignal, at, { status: response.status, headers });
      report(failure.kind === "timeout" ? "timeout" : "network-error");
      throw failure;
    }
    report(response.status);
    return read({ status: response.status, headers, text: redact(text, config.secrets) }, at);
  };
  return withRetry(attempt, (error) => decide(error, config.deps.now()), config.policy, config.deps, config.startedAt);
}

function networkFailure(
  error: unknown,
  attemptSignal: AbortSignal,
  at: AttemptInfo,
  reply: { status: number; headers: Record<string, string> } | undefined,
): HttpFailure {
  const init = { status: reply?.status, headers: reply?.headers ?? {}, cause: error };
  if (attemptSignal.aborted || isNamed(error, "TimeoutError") || isNamed(error, "AbortError")) {
    return new HttpFailure("timeout", at, init);
  }
  const code = errorCode(error);
  // A body cut short surfaces as `TypeError: terminated` whose cause is the socket error: a dropped connection.
  const reset =
    reply !== undefined ||
    (code !== undefined && RESET_CODES.has(code)) ||
    (error instanceof Error && error.message === "terminated");
  return new HttpFailure(reset ? "reset" : "unreachable", at, { ...init, code });
}

/** The failure for a status bfd did not expect. */
export function statusFailure(reply: HttpReply, at: AttemptInfo): HttpFailure {
  return new HttpFailure("status", at, { status: reply.status, headers: reply.headers, body: reply.text });
}

/** The failure for a 2xx reply bfd cannot use. Never retried: asking again gives the same nonsense. */
export function bodyFailure(reply: HttpReply, at: AttemptInfo, problem: BodyProblem, detail?: string): HttpFailure {
  return new HttpFailure("bad-body", at, {
    status: reply.status,
    headers: reply.headers,
    bodyProblem: problem,
    detail,
  });
}

/** Parses a JSON reply, or throws the body failure that says why it is not JSON. */
export function jsonBody(reply: HttpReply, at: AttemptInfo): unknown {
  const contentType = reply.headers["content-type"] ?? "";
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(reply.text) as unknown;
    } catch (error) {
      throw bodyFailure(reply, at, "malformed-json", error instanceof Error ? error.message : String(error));
    }
  }
  if (/text\/html/i.test(contentType) || /^\s*<(!doctype|html)/i.test(reply.text)) throw bodyFailure(reply, at, "html");
  throw bodyFailure(reply, at, "not-json", contentType === "" ? "no content type" : contentType);
}

/** What bfd was doing when it failed, in words that finish "while …": "reading merge request !42 in group/app". */
export interface FailureContext {
  doing: string;
  /** Environment variable naming the host or endpoint, for hints: GITLAB_URL, LINEAR_API_URL. */
  hostVariable: string;
  statusPage?: string | undefined;
  secrets?: readonly (string | undefined)[];
}

/**
 * The one-line error the user sees for a failure every service can have: timeouts, dropped connections, an
 * unreachable host, 429 and 5xx statuses, bodies that are not what was asked for. Anything else (and anything that
 * is not an `HttpFailure`) returns null: the vendor mapper decides.
 */
export function upstreamErrorFor(error: unknown, context: FailureContext, timeoutMs: number): BfdError | null {
  if (error instanceof BfdError) return error;
  if (!(error instanceof HttpFailure)) return null;
  const { service, attempt } = error.at;
  const scrub = (text: string): string => redact(oneLine(text), context.secrets ?? []);
  const attempts = attemptsText(attempt);
  const retryLater =
    context.statusPage === undefined ? "run again later" : `see ${context.statusPage}; run again later`;
  const withStatus = error.status === undefined ? {} : { status: error.status };
  const make = (code: string, message: string, hint: string): UpstreamError =>
    new UpstreamError(service, `${service.toLowerCase()}-${code}`, scrub(message), {
      hint,
      ...withStatus,
      cause: error,
    });
  switch (error.kind) {
    case "timeout":
      return make(
        "timeout",
        `${service} did not answer within ${timeoutMs / 1000} s while ${context.doing}${attempts}`,
        `${service} may be slow or unreachable from here: ${retryLater}, or raise --timeout.`,
      );
    case "reset":
      return make(
        "connection-reset",
        `${service} closed the connection before the reply was complete while ${context.doing}${attempts}`,
        `Run again; if it persists, check the network or proxy between bfd and ${service}.`,
      );
    case "unreachable":
      return make(
        "unreachable",
        `Could not reach ${service} at ${safeOrigin(error.at.url)} while ${context.doing}${error.code === undefined ? "" : ` (${error.code})`}`,
        `Check ${context.hostVariable} and the network.`,
      );
    case "bad-body":
      return make(
        "bad-response",
        `${service} sent ${problemText(error.bodyProblem ?? "not-json")} while ${context.doing} (${httpLabel(error)})${error.detail === undefined || error.bodyProblem !== "unexpected-shape" ? "" : `: ${error.detail}`}`,
        error.bodyProblem === "unexpected-shape"
          ? "This is a bfd bug or a change in the service's API: please report it with the output of --debug."
          : `Check ${context.hostVariable}: it must be ${service}'s API, not a web page or a proxy's sign-in page.`,
      );
    case "status":
      if (error.status === 429) {
        return make(
          "rate-limited",
          rateLimitMessage(service, context.doing, rateLimitInfo(error.headers, Date.now()), attempt),
          `Wait for the reset and run again; ${service}'s limits are per user or key, so a dedicated one for bfd avoids sharing them.`,
        );
      }
      if (error.status !== undefined && error.status >= 500) {
        return make(
          "unavailable",
          `${service} answered HTTP ${error.status}${error.isHtml ? " (an HTML error page)" : ""} while ${context.doing}${attempts}`,
          `${service} is failing or overloaded: ${retryLater}.`,
        );
      }
      return null;
  }
}

/** What a rate-limited reply says about the budget: Linear's `X-RateLimit-*` headers or GitLab's `RateLimit-*`. */
export interface RateLimitInfo {
  retryAfterSeconds?: number | undefined;
  requestsRemaining?: number | undefined;
  complexityRemaining?: number | undefined;
  /** Epoch milliseconds. */
  resetsAt?: number | undefined;
}

export function rateLimitInfo(headers: Readonly<Record<string, string>>, nowMs: number): RateLimitInfo {
  const number = (...names: string[]): number | undefined => {
    for (const name of names) {
      const value = Number(headers[name]);
      if (headers[name] !== undefined && headers[name] !== "" && Number.isFinite(value)) return value;
    }
    return undefined;
  };
  return {
    retryAfterSeconds: parseRetryAfter(headers["retry-after"], nowMs),
    requestsRemaining: number("x-ratelimit-requests-remaining", "ratelimit-remaining"),
    complexityRemaining: number("x-ratelimit-complexity-remaining"),
    resetsAt: resetsAt(headers),
  };
}

/** "Linear rate limit reached while reading ENG-1 (0 requests remaining, resets at …; 3 attempts)" — for both services. */
export function rateLimitMessage(service: Service, doing: string, info: RateLimitInfo, attempt: number): string {
  const parts: string[] = [];
  if (info.requestsRemaining !== undefined) parts.push(`${info.requestsRemaining} requests remaining`);
  if (info.complexityRemaining !== undefined) parts.push(`${info.complexityRemaining} complexity points remaining`);
  if (info.resetsAt !== undefined) parts.push(`resets at ${new Date(info.resetsAt).toISOString()}`);
  else if (info.retryAfterSeconds !== undefined) parts.push(`retry after ${Math.ceil(info.retryAfterSeconds)} s`);
  else parts.push("no reset time given");
  const label = [parts.join(", "), attempt > 1 ? `${attempt} attempts` : ""].filter((p) => p !== "").join("; ");
  return `${service} rate limit reached while ${doing} (${label})`;
}

export function attemptsText(attempt: number): string {
  return attempt <= 1 ? "" : ` (${attempt} attempts)`;
}

function httpLabel(error: HttpFailure): string {
  const type = error.contentType?.split(";")[0]?.trim();
  return [`HTTP ${error.status ?? "?"}`, ...(type === undefined || type === "" ? [] : [type])].join(", ");
}

function problemText(problem: BodyProblem): string {
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

export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** The scheme, host and port of a URL for messages (never its path, query or credentials). */
export function safeOrigin(url: string): string {
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
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}
