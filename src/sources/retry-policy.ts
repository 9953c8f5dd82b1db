/**
 * The one network policy bfd applies to Linear and GitLab alike (documented in README "Network policy"):
 *
 * - each attempt has its own timeout (`timeoutMs`, default 10 s), and the whole gate has a deadline
 *   (`deadlineMs`, default 30 s) that no retry may cross. The first attempt of a request always gets its whole
 *   timeout, so a request that comes late in a run (the MR note, staging's later pages) is never starved by the
 *   requests before it; only retries are cut to what is left. Writes start a budget of their own;
 * - 429 (and Linear's rate-limit error, known by `extensions.type` or by `extensions.code` RATELIMITED alone) is
 *   retried after `Retry-After` seconds when the server sends it,
 *   otherwise with exponential backoff; 502, 503, 504, timeouts and connection resets are retried with
 *   exponential backoff and full jitter;
 * - at most `maxAttempts` attempts (default 3); any other 4xx is never retried — a rejected or under-scoped token
 *   (401, 403) is a setup error that asking again cannot fix (src/errors.ts `SetupError`);
 * - a wait longer than what is left before the deadline is not started: the error is raised at once.
 */
export interface RetryPolicy {
  maxAttempts: number;
  timeoutMs: number;
  deadlineMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
};

/** What the caller learnt from one failed attempt. */
export interface AttemptFailure {
  retryable: boolean;
  /** Seconds the server asked us to wait (Retry-After), if it said. */
  retryAfterSeconds?: number | undefined;
}

export interface RetryDeps {
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

export const realRetryDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  random: () => Math.random(),
};

/** Parses a Retry-After header: delta-seconds or an HTTP date. Returns seconds, or undefined when absent/invalid. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - nowMs) / 1000);
}

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  failure: AttemptFailure,
  random: () => number,
): number {
  if (failure.retryAfterSeconds !== undefined) return Math.min(failure.retryAfterSeconds * 1000, policy.deadlineMs);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or would cross
 * the deadline. `classify` turns a thrown error into an AttemptFailure; the last error is rethrown as is.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number, signal: AbortSignal) => Promise<T>,
  classify: (error: unknown) => AttemptFailure,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  deps: RetryDeps = realRetryDeps,
  startedAt: number = deps.now(),
): Promise<T> {
  for (let n = 1; ; n += 1) {
    const remaining = policy.deadlineMs - (deps.now() - startedAt);
    const signal = AbortSignal.timeout(n === 1 ? policy.timeoutMs : Math.max(1, Math.min(policy.timeoutMs, remaining)));
    try {
      return await attempt(n, signal);
    } catch (error) {
      const failure = classify(error);
      if (!failure.retryable || n >= policy.maxAttempts) throw error;
      const wait = backoffDelay(policy, n, failure, deps.random);
      const left = policy.deadlineMs - (deps.now() - startedAt);
      if (wait >= left) throw error;
      await deps.sleep(wait);
    }
  }
}
