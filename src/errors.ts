/**
 * Errors by kind. Every failure the user can act on is a BfdError with a stable code and a one-line hint;
 * `src/cli.ts` renders them in one place and maps the kind to the exit code (usage/config/input/setup → 2,
 * upstream → 3). Anything else is an internal error: a bug, shown with a request to report it.
 *
 * The line between setup and upstream is whose move it is: a token Linear or GitLab rejects, one without the
 * scope or role bfd needs, or a GitLab too old for bfd will fail the same way on every run until someone changes
 * the setup (exit 2); an outage, a time-out or a rate limit passes by itself (exit 3, which CI may let fail open).
 */
export type ErrorKind = "usage" | "config" | "input" | "setup" | "upstream";

export class BfdError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly hint: string | undefined;
  /** Extra lines printed under the message (e.g. every problem found in a rule file). */
  readonly details: readonly string[];

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    options: { hint?: string; details?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BfdError";
    this.kind = kind;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

export type Service = "Linear" | "GitLab";

/**
 * Linear or GitLab refused bfd as it is set up: a rejected, expired or revoked token, one without the scope or role
 * a request needs, or a GitLab instance without an endpoint bfd uses. Never retried, never an outage. Exit 2.
 */
export class SetupError extends BfdError {
  readonly service: Service;
  readonly status: number | undefined;
  constructor(
    service: Service,
    code: string,
    message: string,
    options: { hint: string; status?: number; cause?: unknown },
  ) {
    super("setup", code, message, options);
    this.name = "SetupError";
    this.service = service;
    this.status = options.status;
  }
}

/** Linear or GitLab could not be reached, failed, was rate limited, or answered something unusable. Exit 3. */
export class UpstreamError extends BfdError {
  readonly service: Service;
  readonly status: number | undefined;
  constructor(
    service: Service,
    code: string,
    message: string,
    options: { hint?: string; status?: number; cause?: unknown } = {},
  ) {
    super("upstream", code, message, options);
    this.name = "UpstreamError";
    this.service = service;
    this.status = options.status;
  }
}

export function usageError(code: string, message: string, hint?: string): BfdError {
  return new BfdError("usage", code, message, hint === undefined ? {} : { hint });
}

export function inputError(code: string, message: string, hint?: string): BfdError {
  return new BfdError("input", code, message, hint === undefined ? {} : { hint });
}

export function isBfdError(error: unknown): error is BfdError {
  return error instanceof BfdError;
}

/**
 * User-supplied text as it may appear inside a one-line message: line breaks and other control characters are
 * escaped (`\n`, `\u0000`), so a pasted value can never split `bfd: <message>` over lines; long values are cut.
 */
export function printable(value: string, max = 120): string {
  const cut = value.length > max ? `${value.slice(0, max - 3)}...` : value;
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  let out = "";
  for (const c of cut) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || code === 0x7f || code === 0x85 || code === 0x2028 || code === 0x2029;
    out += control ? (named[c] ?? `\\u${code.toString(16).padStart(4, "0")}`) : c;
  }
  return out;
}
