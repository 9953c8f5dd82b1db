import { printable, usageError } from "./errors.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./sources/retry-policy.js";

function seconds(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0 || n > 3600) {
    throw usageError(
      "bad-seconds",
      `${name} ${printable(value)}: use a number of seconds between 0 and 3600`,
      `e.g. ${name} 15`,
    );
  }
  // A positive value never rounds down to 0 ms, which would leave no time at all.
  return Math.max(1, Math.round(n * 1000));
}

/** The retry policy from --timeout / --deadline (or BFD_TIMEOUT / BFD_DEADLINE), in seconds. */
export function networkPolicy(timeout: string | undefined, deadline: string | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  if (timeout !== undefined) policy.timeoutMs = seconds(timeout, "--timeout");
  if (deadline !== undefined) policy.deadlineMs = seconds(deadline, "--deadline");
  if (policy.deadlineMs < policy.timeoutMs) policy.timeoutMs = policy.deadlineMs;
  return policy;
}
