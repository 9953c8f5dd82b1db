import { LinearError, LinearErrorType, RatelimitedLinearError } from "@linear/sdk";
import { BfdError, inputError, UpstreamError } from "../../errors.js";
import { redact } from "../../redact.js";
import type { AttemptFailure } from "../retry-policy.js";
import { UnexpectedLinearShape } from "./map.js";

/**
 * Turns whatever one Linear attempt threw (an `@linear/sdk` LinearError, a fetch TypeError, a JSON
 * SyntaxError, an abort) into a LinearFailure — plain data, no SDK types — then into the BfdError the user
 * sees. Vendor error classes never leave this folder.
 */

export type LinearFailureKind =
  | "auth"
  | "forbidden"
  | "ratelimited"
  | "not-found"
  | "http-status"
  | "not-graphql"
  | "cut-off"
  | "query-rejected"
  | "graphql-error"
  | "partial-data"
  | "timeout"
  | "network"
  | "unexpected-shape";

/** What the HTTP layer saw of the response, when one arrived. */
export interface HttpObservation {
  status: number;
  contentType: string | null;
}

export interface LinearFailureDetails {
  status?: number | undefined;
  contentType?: string | null | undefined;
  retryAfterSeconds?: number | undefined;
  requestsRemaining?: number | undefined;
  complexityRemaining?: number | undefined;
  /** Epoch milliseconds (Linear sends ms; seconds are converted). */
  resetsAt?: number | undefined;
  /** Low-level error code, e.g. ECONNRESET. */
  code?: string | undefined;
}

/** One failed Linear attempt, classified. Messages are already redacted and on one line. */
export class LinearFailure extends Error {
  readonly kind: LinearFailureKind;
  readonly details: LinearFailureDetails;
  constructor(kind: LinearFailureKind, message: string, details: LinearFailureDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "LinearFailure";
    this.kind = kind;
    this.details = details;
  }
}

const RETRYABLE_STATUSES = new Set([502, 503, 504]);
/** Low-level codes of a connection that was open and then dropped (undici reports a reset mid-request as UND_ERR_SOCKET). */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "ECONNABORTED"]);

/** Collapses whitespace, caps the length, and removes the API key (and anything token-shaped). */
export function cleanMessage(text: string, secrets: readonly (string | undefined)[]): string {
  const line = text.replace(/\s+/g, " ").trim();
  const capped = line.length > 240 ? `${line.slice(0, 237)}...` : line;
  return redact(capped, secrets);
}

function epochMs(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value < 1e12 ? value * 1000 : value;
}

function headerOf(error: LinearError, name: string): string | null {
  const headers = error.raw?.response?.headers;
  return headers instanceof Headers ? headers.get(name) : null;
}

function lowLevelCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}

function fromLinearError(
  error: LinearError,
  observed: HttpObservation | undefined,
  secrets: readonly string[],
): LinearFailure {
  const status = observed?.status ?? error.status;
  const contentType = observed?.contentType ?? headerOf(error, "content-type");
  const graphqlErrors = error.errors ?? [];
  const first = graphqlErrors[0];
  const message = cleanMessage(first?.message ?? error.message, secrets);
  const details: LinearFailureDetails = { status, contentType };

  if (error instanceof RatelimitedLinearError || error.type === LinearErrorType.Ratelimited || status === 429) {
    const limited = error instanceof RatelimitedLinearError ? error : undefined;
    return new LinearFailure("ratelimited", message, {
      ...details,
      retryAfterSeconds: limited?.retryAfter,
      requestsRemaining: limited?.requestsRemaining,
      complexityRemaining: limited?.complexityRemaining,
      resetsAt: epochMs(limited?.requestsResetAt ?? limited?.complexityResetAt),
    });
  }
  if (first === undefined) {
    // No GraphQL error: the SDK guessed a type from the status alone, so decide from what was observed.
    // An HTML page (a proxy's or CDN's error page) is "not GraphQL" whatever its status; a bare 5xx is
    // Linear being unavailable.
    if (status === 401) return new LinearFailure("auth", message, details);
    if (status === 403) return new LinearFailure("forbidden", message, details);
    const html = contentType?.toLowerCase().startsWith("text/html") ?? false;
    if (status !== undefined && status >= 500 && !html) return new LinearFailure("http-status", message, details);
    return new LinearFailure("not-graphql", message, details);
  }
  switch (first.type) {
    case LinearErrorType.AuthenticationError:
      return new LinearFailure("auth", message, details);
    case LinearErrorType.Forbidden:
      return new LinearFailure("forbidden", message, details);
    case LinearErrorType.GraphqlError:
      return new LinearFailure("query-rejected", message, details);
    case LinearErrorType.InvalidInput:
      if (/entity not found|could not find referenced/i.test(first.message))
        return new LinearFailure("not-found", message, details);
      break;
    default:
      break;
  }
  if (error.data !== undefined && error.data !== null) return new LinearFailure("partial-data", message, details);
  if (status !== undefined && RETRYABLE_STATUSES.has(status)) return new LinearFailure("http-status", message, details);
  return new LinearFailure("graphql-error", message, details);
}

/**
 * Classifies what one attempt threw. `observed` is the HTTP status and content type seen by bfd's fetch
 * observer (undefined when no response arrived); `aborted` says the attempt's timeout fired.
 */
export function describeLinearFailure(
  error: unknown,
  context: { observed?: HttpObservation | undefined; aborted?: boolean; secrets?: readonly string[] } = {},
): LinearFailure {
  const secrets = context.secrets ?? [];
  const observed = context.observed;
  if (error instanceof LinearFailure) return error;
  if (
    context.aborted === true ||
    (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
  ) {
    return new LinearFailure(
      "timeout",
      "no answer before the timeout",
      { status: observed?.status, contentType: observed?.contentType },
      error,
    );
  }
  if (error instanceof LinearError) return fromLinearError(error, observed, secrets);
  if (error instanceof UnexpectedLinearShape)
    return new LinearFailure("unexpected-shape", cleanMessage(error.message, secrets), {}, error);
  if (error instanceof SyntaxError) {
    return new LinearFailure(
      "not-graphql",
      cleanMessage(error.message, secrets),
      { status: observed?.status, contentType: observed?.contentType },
      error,
    );
  }
  const code = lowLevelCode(error);
  const text = cleanMessage(error instanceof Error ? error.message : String(error), secrets);
  if (observed !== undefined) {
    // Headers arrived, then the body stopped: a truncated answer.
    return new LinearFailure(
      "cut-off",
      text,
      { status: observed.status, contentType: observed.contentType, code },
      error,
    );
  }
  return new LinearFailure("network", text, { code }, error);
}

/** The retry decision for a Linear read, as `withRetry` wants it: rate limits, 502/503/504, timeouts, resets. */
export function classifyLinearFailure(error: unknown): AttemptFailure {
  const failure = describeLinearFailure(error);
  switch (failure.kind) {
    case "ratelimited":
      return { retryable: true, retryAfterSeconds: failure.details.retryAfterSeconds };
    case "timeout":
    case "network":
    case "cut-off":
      return { retryable: true };
    case "http-status":
    case "not-graphql":
      return { retryable: failure.details.status !== undefined && RETRYABLE_STATUSES.has(failure.details.status) };
    default:
      return { retryable: false };
  }
}

/**
 * The retry decision for a mutation: only when Linear certainly did not apply it (rate limited, or the
 * connection was refused). A timeout or a 502/504 may come after the comment was created, and a retry
 * would post it twice.
 */
export function classifyLinearMutationFailure(error: unknown): AttemptFailure {
  const failure = describeLinearFailure(error);
  if (failure.kind === "ratelimited") return { retryable: true, retryAfterSeconds: failure.details.retryAfterSeconds };
  if (failure.kind === "network" && failure.details.code === "ECONNREFUSED") return { retryable: true };
  return { retryable: false };
}

export interface FailureContext {
  /** Operation name, e.g. BfdIssueByKey. */
  operation: string;
  /** What was asked for, for "not found": e.g. "ENG-999". */
  subject?: string;
  attempts: number;
  timeoutMs: number;
  apiUrl: string;
  secrets: readonly string[];
}

const AUTH_HINT =
  "Create a personal API key in Linear → Settings → Security & access → Personal API keys, then export LINEAR_API_KEY=…";
const STATUS_HINT = "Linear may be having an incident (https://linearstatus.com); try again in a few minutes.";
const BUG_HINT = "This is a bfd bug or a change in Linear's API: please report it with the output of --debug.";

function httpLabel(details: LinearFailureDetails): string {
  const parts = [details.status === undefined ? "no HTTP status" : `HTTP ${details.status}`];
  if (details.contentType !== undefined && details.contentType !== null)
    parts.push(details.contentType.split(";")[0]?.trim() ?? "");
  return parts.join(", ");
}

function attemptsLabel(attempts: number): string {
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

function rateLimitLabel(details: LinearFailureDetails): string {
  const parts: string[] = [];
  if (details.requestsRemaining !== undefined) parts.push(`${details.requestsRemaining} requests remaining`);
  if (details.complexityRemaining !== undefined && details.requestsRemaining === undefined)
    parts.push(`${details.complexityRemaining} complexity points remaining`);
  if (details.resetsAt !== undefined) parts.push(`resets at ${new Date(details.resetsAt).toISOString()}`);
  else if (details.retryAfterSeconds !== undefined) parts.push(`retry after ${details.retryAfterSeconds} s`);
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/** The one-line, key-free error the user sees for a Linear failure. */
export function linearFailureToError(failure: LinearFailure, context: FailureContext): BfdError {
  const { details } = failure;
  const status = details.status;
  const statusOption = status === undefined ? {} : { status };
  const clean = (text: string): string => cleanMessage(text, context.secrets);
  switch (failure.kind) {
    case "not-found":
      return inputError(
        "issue-not-found",
        clean(`${context.subject ?? "The issue"} was not found in Linear`),
        "Check the issue key (e.g. ENG-123), and that the Linear user who owns LINEAR_API_KEY can see that team.",
      );
    case "auth":
      return new UpstreamError("Linear", "linear-auth", "Linear rejected the API key in LINEAR_API_KEY", {
        hint: AUTH_HINT,
        ...statusOption,
        cause: failure,
      });
    case "forbidden":
      return new UpstreamError("Linear", "linear-forbidden", clean(`Linear refused access: ${failure.message}`), {
        hint: "The Linear user who owns LINEAR_API_KEY needs access to this team and issue.",
        ...statusOption,
        cause: failure,
      });
    case "ratelimited":
      return new UpstreamError(
        "Linear",
        "linear-rate-limited",
        clean(`Linear rate limit reached${rateLimitLabel(details)}`),
        {
          hint: "Wait for the reset, or run bfd less often; each gate check costs one Linear request.",
          ...statusOption,
          cause: failure,
        },
      );
    case "http-status":
      return new UpstreamError(
        "Linear",
        "linear-unavailable",
        clean(`Linear answered ${httpLabel(details)} (${attemptsLabel(context.attempts)})`),
        {
          hint: STATUS_HINT,
          ...statusOption,
          cause: failure,
        },
      );
    case "not-graphql":
      return new UpstreamError(
        "Linear",
        "linear-bad-response",
        clean(`Linear answered with something that is not GraphQL JSON (${httpLabel(details)})`),
        {
          hint: `${STATUS_HINT} If it persists, check that LINEAR_API_URL (${context.apiUrl}) is Linear's GraphQL endpoint.`,
          ...statusOption,
          cause: failure,
        },
      );
    case "cut-off":
      return new UpstreamError(
        "Linear",
        "linear-bad-response",
        clean(
          `Linear answered with something that is not GraphQL JSON (${httpLabel(details)}, cut off before the end; ${attemptsLabel(context.attempts)})`,
        ),
        { hint: STATUS_HINT, ...statusOption, cause: failure },
      );
    case "timeout":
      return new UpstreamError(
        "Linear",
        "linear-timeout",
        `Linear did not answer within ${context.timeoutMs / 1000} s (${attemptsLabel(context.attempts)})`,
        {
          hint: STATUS_HINT,
          cause: failure,
        },
      );
    case "network":
      if (details.code !== undefined && RESET_CODES.has(details.code)) {
        // The connection was made and then dropped: "could not reach" would send the user after the wrong problem.
        return new UpstreamError(
          "Linear",
          "linear-connection-reset",
          `Linear closed the connection before answering (${attemptsLabel(context.attempts)})`,
          {
            hint: "Run again; if it persists, check the network or proxy between this machine and Linear.",
            cause: failure,
          },
        );
      }
      return new UpstreamError(
        "Linear",
        "linear-unreachable",
        clean(
          `Could not reach Linear at ${context.apiUrl}: ${details.code ?? failure.message} (${attemptsLabel(context.attempts)})`,
        ),
        { hint: "Check the network connection and any proxy between this machine and Linear.", cause: failure },
      );
    case "query-rejected":
      return new UpstreamError(
        "Linear",
        "linear-query-rejected",
        clean(`Linear rejected bfd's ${context.operation} query: ${failure.message}`),
        {
          hint: BUG_HINT,
          ...statusOption,
          cause: failure,
        },
      );
    case "partial-data":
      return new UpstreamError(
        "Linear",
        "linear-partial-data",
        clean(`Linear answered ${context.operation} with an error beside the data: ${failure.message}`),
        {
          hint: `bfd never acts on a partial answer. ${STATUS_HINT}`,
          ...statusOption,
          cause: failure,
        },
      );
    case "unexpected-shape":
      return new UpstreamError(
        "Linear",
        "linear-bad-response",
        clean(`Linear's answer to ${context.operation} did not have the expected shape: ${failure.message}`),
        {
          hint: BUG_HINT,
          cause: failure,
        },
      );
    case "graphql-error":
      return new UpstreamError(
        "Linear",
        "linear-error",
        clean(`Linear answered ${context.operation} with an error: ${failure.message}`),
        {
          hint: STATUS_HINT,
          ...statusOption,
          cause: failure,
        },
      );
  }
}
