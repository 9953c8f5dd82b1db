import { LinearError, LinearErrorType, RatelimitedLinearError } from "@linear/sdk";
import { BfdError, inputError, SetupError, UpstreamError } from "../../errors.js";
import { redact } from "../../redact.js";
import type { AttemptFailure } from "../retry-policy.js";
import { LINEAR_KEY_HINT } from "../tokens.js";
import { spentBudget } from "./budget.js";
import {
  HttpFailure,
  oneLine,
  rateLimitInfo,
  rateLimitMessage,
  retryDecision,
  type RateLimitInfo,
  upstreamErrorFor,
  writeRetryDecision,
  type AttemptInfo,
} from "../upstream.js";

/**
 * What Linear said in a GraphQL error, classified from the `@linear/sdk` error the SDK's own `parseLinearError`
 * built (`extensions.type` first, the HTTP status second). Plain data: vendor classes never leave this folder.
 * HTTP-level failures (timeouts, resets, 5xx, HTML pages) are the shared `HttpFailure` instead.
 */
export type LinearErrorKind =
  | "auth"
  | "forbidden"
  | "ratelimited"
  | "too-complex"
  | "not-found"
  | "query-rejected"
  | "partial-data"
  | "graphql-error";

export class LinearGraphqlFailure extends Error {
  readonly kind: LinearErrorKind;
  readonly at: AttemptInfo;
  readonly status: number | undefined;
  readonly rateLimit: RateLimitInfo;
  constructor(
    kind: LinearErrorKind,
    message: string,
    at: AttemptInfo,
    status: number | undefined,
    rateLimit: RateLimitInfo = {},
  ) {
    super(message);
    this.name = "LinearGraphqlFailure";
    this.kind = kind;
    this.at = at;
    this.status = status;
    this.rateLimit = rateLimit;
  }
}

/** Collapses whitespace, caps the length, and removes the API key (and anything token-shaped). */
export function cleanMessage(text: string, secrets: readonly (string | undefined)[]): string {
  const line = oneLine(text);
  return redact(line.length > 240 ? `${line.slice(0, 237)}...` : line, secrets);
}

/**
 * Classifies a LinearError. `data` is what came beside the errors (partial data is never acted on). A query Linear
 * refuses as too complex is told apart by its message: it would be refused again, so it is never retried. A rate
 * limit is known by the SDK's type (`extensions.type` "ratelimited", or HTTP 429 without a GraphQL error) or by
 * `extensions.code` "RATELIMITED" alone, which Linear may send with HTTP 400 or 429 and no type the SDK knows
 * (../shared/linear/NOTES.md "Added turn 3"): the SDK then makes it an UnknownLinearError.
 */
export function fromLinearError(
  error: LinearError,
  at: AttemptInfo,
  headers: Readonly<Record<string, string>>,
  hasData: boolean,
  secrets: readonly string[],
): LinearGraphqlFailure {
  const first = error.errors?.[0];
  const message = cleanMessage(first?.message ?? error.message, secrets);
  const status = error.status;
  const make = (kind: LinearErrorKind, rateLimit?: RateLimitInfo) =>
    new LinearGraphqlFailure(kind, message, at, status, rateLimit);
  // A spent complexity budget may say "complexity" too: the rate limit is decided first, then a query too complex.
  const rateLimited =
    error instanceof RatelimitedLinearError ||
    error.type === LinearErrorType.Ratelimited ||
    firstExtensionCode(error) === "RATELIMITED";
  if (/complex/i.test(first?.message ?? "") && !rateLimited) return make("too-complex");
  if (rateLimited) {
    const limited = error instanceof RatelimitedLinearError ? error : undefined;
    const fromHeaders = rateLimitInfo(headers, Date.now());
    return make(
      "ratelimited",
      spentBudget({ ...fromHeaders, retryAfterSeconds: limited?.retryAfter ?? fromHeaders.retryAfterSeconds }, headers),
    );
  }
  // The code says the same as the type on every body seen (AUTHENTICATION_ERROR, FORBIDDEN): either one decides.
  const code = firstExtensionCode(error);
  if (code === "AUTHENTICATION_ERROR") return make("auth");
  if (code === "FORBIDDEN") return make("forbidden");
  switch (first?.type) {
    case LinearErrorType.AuthenticationError:
      return make("auth");
    case LinearErrorType.Forbidden:
      return make("forbidden");
    case LinearErrorType.GraphqlError:
      return make("query-rejected");
    case LinearErrorType.InvalidInput:
      if (/entity not found|could not find referenced/i.test(first.message)) return make("not-found");
      break;
    default:
      break;
  }
  return make(hasData ? "partial-data" : "graphql-error");
}

/**
 * `extensions.code` of the first GraphQL error, from the raw reply the SDK keeps: the SDK's own error classes keep
 * only `extensions.type`, and its types do not declare `code`.
 */
function firstExtensionCode(error: LinearError): string | undefined {
  const first: unknown = error.raw?.response?.errors?.[0];
  if (first === null || typeof first !== "object") return undefined;
  const extensions: unknown = (first as { extensions?: unknown }).extensions;
  if (extensions === null || typeof extensions !== "object") return undefined;
  const code: unknown = (extensions as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** The retry decision for a Linear read: rate limits (as a GraphQL error or a 429), then the shared HTTP rules. */
export function linearReadRetry(error: unknown, nowMs: number): AttemptFailure {
  if (error instanceof LinearGraphqlFailure) {
    return error.kind === "ratelimited"
      ? { retryable: true, retryAfterSeconds: error.rateLimit.retryAfterSeconds }
      : { retryable: false };
  }
  return retryDecision(error, nowMs);
}

/** The retry decision for a mutation: only when Linear certainly did not apply it (see `writeRetryDecision`). */
export function linearWriteRetry(error: unknown, nowMs: number): AttemptFailure {
  if (error instanceof LinearGraphqlFailure) return linearReadRetry(error, nowMs);
  return writeRetryDecision(error, nowMs);
}

export interface LinearFailureContext {
  /** Operation name, e.g. BfdIssueByKey. */
  operation: string;
  /** What bfd was doing, in words that finish "while …": "reading ENG-123". */
  doing: string;
  /** What was asked for, for "not found": e.g. "ENG-999". */
  subject?: string | undefined;
  timeoutMs: number;
  secrets: readonly string[];
}

const STATUS_PAGE = "https://linearstatus.com";
const keyRejected = (status: number | undefined): string =>
  `Linear rejected the API key in LINEAR_API_KEY${status === undefined ? "" : ` (HTTP ${status})`}: it is wrong, expired or revoked`;
const FORBIDDEN_HINT = "The Linear user who owns LINEAR_API_KEY needs access to this team and issue.";
const BUG_HINT = "This is a bfd bug or a change in Linear's API: please report it with the output of --debug.";

/** The one-line, key-free error the user sees for a failed Linear call. */
export function linearFailureToError(failure: unknown, context: LinearFailureContext): BfdError | Error {
  const clean = (text: string): string => cleanMessage(text, context.secrets);
  if (failure instanceof HttpFailure) {
    if (failure.kind === "status" && (failure.status === 401 || failure.status === 403)) {
      return failure.status === 401
        ? new SetupError("Linear", "linear-auth", keyRejected(401), {
            hint: LINEAR_KEY_HINT,
            status: 401,
            cause: failure,
          })
        : new SetupError("Linear", "linear-forbidden", "Linear refused access (HTTP 403)", {
            hint: FORBIDDEN_HINT,
            status: 403,
            cause: failure,
          });
    }
    const shared = upstreamErrorFor(
      failure,
      {
        doing: context.doing,
        hostVariable: "LINEAR_API_URL (default https://api.linear.app/graphql)",
        statusPage: STATUS_PAGE,
        secrets: context.secrets,
      },
      context.timeoutMs,
    );
    return (
      shared ??
      new UpstreamError(
        "Linear",
        "linear-request-rejected",
        clean(`Linear answered HTTP ${failure.status ?? "?"} while ${context.doing}`),
        {
          hint: BUG_HINT,
          cause: failure,
        },
      )
    );
  }
  if (!(failure instanceof LinearGraphqlFailure))
    return failure instanceof Error ? failure : new Error(String(failure));
  const statusOption = failure.status === undefined ? {} : { status: failure.status };
  switch (failure.kind) {
    case "not-found":
      return inputError(
        "issue-not-found",
        clean(`${context.subject ?? "The issue"} was not found in Linear`),
        "Check the issue key (e.g. ENG-123), and that the Linear user who owns LINEAR_API_KEY can see that team.",
      );
    case "auth":
      return new SetupError("Linear", "linear-auth", keyRejected(failure.status), {
        hint: LINEAR_KEY_HINT,
        ...statusOption,
        cause: failure,
      });
    case "forbidden":
      return new SetupError("Linear", "linear-forbidden", clean(`Linear refused access: ${failure.message}`), {
        hint: FORBIDDEN_HINT,
        ...statusOption,
        cause: failure,
      });
    case "ratelimited":
      return new UpstreamError(
        "Linear",
        "linear-rate-limited",
        clean(rateLimitMessage("Linear", context.doing, failure.rateLimit, failure.at.attempt)),
        {
          hint: "Wait for the reset, or run bfd less often; a gate check costs one Linear request (bfd doctor shows the budget left).",
          ...statusOption,
          cause: failure,
        },
      );
    case "too-complex":
      return new UpstreamError(
        "Linear",
        "linear-too-complex",
        clean(`Linear refused bfd's ${context.operation} query as too complex: ${failure.message}`),
        {
          hint: `${BUG_HINT} Lowering --limit makes audit pages smaller meanwhile.`,
          ...statusOption,
          cause: failure,
        },
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
          hint: `bfd never acts on a partial answer. See ${STATUS_PAGE}; run again later.`,
          ...statusOption,
          cause: failure,
        },
      );
    case "graphql-error":
      return new UpstreamError(
        "Linear",
        "linear-error",
        clean(`Linear answered ${context.operation} with an error: ${failure.message}`),
        {
          hint: `See ${STATUS_PAGE}; run again later.`,
          ...statusOption,
          cause: failure,
        },
      );
  }
}
