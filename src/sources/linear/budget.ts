import { resetsAt, type RateLimitInfo } from "../upstream.js";

/** One of Linear's two budgets per API key, as its last reply stated it. */
export interface LinearBudget {
  limit: number | null;
  remaining: number | null;
  /** When the budget is full again, epoch milliseconds. */
  resetsAt: number | null;
}

/**
 * What Linear's last reply said of the API key's budgets: requests and complexity points (leaky buckets, refilled at
 * a constant rate; linear.app/developers/rate-limiting), and what the query it answered cost.
 */
export interface LinearRateLimitStatus {
  requests: LinearBudget;
  complexity: LinearBudget;
  /** `x-complexity`: the points Linear charged for the query it answered; null when it did not say. */
  lastQueryComplexity: number | null;
}

/** Reads the budget headers Linear sends on every reply (`x-ratelimit-*`, `x-complexity`); null when none came. */
export function rateLimitStatusFrom(headers: Readonly<Record<string, string>>): LinearRateLimitStatus | null {
  const number = (name: string): number | null => {
    const text = headers[name];
    if (text === undefined || text.trim() === "") return null;
    const value = Number(text);
    return Number.isFinite(value) ? value : null;
  };
  const budget = (kind: "requests" | "complexity"): LinearBudget => {
    const reset = `x-ratelimit-${kind}-reset`;
    return {
      limit: number(`x-ratelimit-${kind}-limit`),
      remaining: number(`x-ratelimit-${kind}-remaining`),
      resetsAt: headers[reset] === undefined ? null : (resetsAt({ [reset]: headers[reset] }) ?? null),
    };
  };
  const status = {
    requests: budget("requests"),
    complexity: budget("complexity"),
    lastQueryComplexity: number("x-complexity"),
  };
  const said = [status.requests, status.complexity].some((b) => b.limit !== null || b.remaining !== null);
  return said || status.lastQueryComplexity !== null ? status : null;
}

/**
 * What a rate-limited reply says, narrowed to the budget that ran out so the message names it: the requests when
 * none are left, else the complexity points when they are spent or fewer than the query costs. When the headers do
 * not tell, everything they said.
 */
export function spentBudget(everything: RateLimitInfo, headers: Readonly<Record<string, string>>): RateLimitInfo {
  const status = rateLimitStatusFrom(headers);
  const retryAfterSeconds = everything.retryAfterSeconds;
  if (status === null) return everything;
  const { requests, complexity, lastQueryComplexity } = status;
  if (requests.remaining === 0) {
    return { requestsRemaining: 0, resetsAt: requests.resetsAt ?? everything.resetsAt, retryAfterSeconds };
  }
  const remaining = complexity.remaining;
  if (remaining !== null && (remaining === 0 || (lastQueryComplexity !== null && lastQueryComplexity > remaining))) {
    return { complexityRemaining: remaining, resetsAt: complexity.resetsAt ?? everything.resetsAt, retryAfterSeconds };
  }
  return everything;
}
