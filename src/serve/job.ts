/** What one evaluation is about: the Done gate of one merge request, or the Ready gate of one Linear issue. */
export type JobTarget =
  | { kind: "mergeRequest"; project: string; iid: number }
  /** A Linear issue by its id (UUID) or key. */
  | { kind: "issue"; id: string }
  /** A branch pipeline changed: the open MRs from that branch are re-checked (GitLab names no MR for those). */
  | { kind: "branch"; project: string; branch: string }
  /** Someone asked bfd, as a Linear agent, about an issue: one answer in the agent session. */
  | { kind: "agentSession"; sessionId: string; issueId: string; ask: AgentAsk };

/**
 * What an agent session asks of bfd, read from the event (never the prompt's text itself: the queue holds no
 * user text): `check` is the Ready gate and, when the issue has an open MR, the Done gate too.
 */
export type AgentAsk = "check" | "ready" | "done" | "help";

export interface Job {
  /** One key per MR or issue: jobs with the same key coalesce (the latest wins) and never run at once. */
  key: string;
  target: JobTarget;
  /** Why it runs, for logs: "GitLab Merge Request Hook (update)", "Linear Issue update", "sweep", … */
  reason: string;
  /** The delivery's id (`Linear-Delivery`, `X-Gitlab-Event-UUID`); null for the sweep's own jobs. */
  deliveryId: string | null;
  /** An issue job also re-checks the open MRs the issue names (a Linear change can change their Done verdict). */
  fanOut: boolean;
}

/** GitLab paths are case-insensitive (`Group/App` and `group/app` are one project): one key for both. */
export function mergeRequestKey(project: string, iid: number): string {
  return `mr:${project.toLowerCase()}!${iid}`;
}

export function issueKey(id: string): string {
  return `issue:${id.toLowerCase()}`;
}

export function mergeRequestJob(project: string, iid: number, reason: string, deliveryId: string | null): Job {
  return {
    key: mergeRequestKey(project, iid),
    target: { kind: "mergeRequest", project, iid },
    reason,
    deliveryId,
    fanOut: false,
  };
}

export function branchJob(project: string, branch: string, reason: string, deliveryId: string | null): Job {
  return {
    key: `branch:${project.toLowerCase()}:${branch}`,
    target: { kind: "branch", project, branch },
    reason,
    deliveryId,
    fanOut: false,
  };
}

export function issueJob(id: string, reason: string, deliveryId: string | null, fanOut: boolean): Job {
  return { key: issueKey(id), target: { kind: "issue", id }, reason, deliveryId, fanOut };
}

/**
 * One job per event of a session (its `created`, each prompt by its activity id): events never coalesce — every
 * question gets its answer — and a retried delivery is the same key, so it is answered once.
 */
export function agentSessionJob(
  sessionId: string,
  event: string,
  issueId: string,
  ask: AgentAsk,
  deliveryId: string | null,
): Job {
  return {
    key: `agent:${sessionId}:${event}`,
    target: { kind: "agentSession", sessionId, issueId, ask },
    reason: `Linear AgentSessionEvent (${event === "created" ? "created" : "prompted"})`,
    deliveryId,
    fanOut: false,
  };
}

/**
 * Handed to the work with each job: whether it is still the latest for its key (and, with Redis, this replica
 * still holds the key's lock). Publishers ask right before every write, so an older evaluation never overwrites
 * a newer verdict.
 */
export interface Fence {
  stillLatest(): Promise<boolean>;
}

/** Thrown by the work when the job should run again later (an upstream fault that outlived the retries). */
export class RetryLater extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RetryLater";
  }
}

/**
 * Thrown by `enqueue` when the queue cannot take a job now (its store does not answer within
 * ENQUEUE_TIMEOUT_MS, or the bound on pending work is reached): the delivery is answered 503 with Retry-After, so
 * the sender keeps it and tries again, instead of waiting on a hung request.
 */
export class QueueUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueueUnavailable";
  }
}

/** How long a delivery may wait for the queue before it is refused; well inside GitLab's 10 s webhook timeout. */
export const ENQUEUE_TIMEOUT_MS = 2_000;

/**
 * Settles as `work` does, or rejects with QueueUnavailable once the work has had `ms` of the event loop's time
 * without settling (the work itself is not cancelled). Time the loop spent blocked (a heavy evaluation in this
 * process) counts as one tick only, and the verdict waits for the I/O turn after the timer: a Redis reply that
 * arrived during a stall is read before the delivery is refused, so only a store that does not answer is blamed.
 */
export async function withinQueueTimeout<T>(work: Promise<T>, what: string, ms = ENQUEUE_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    let counted = 0;
    let last = performance.now();
    const tick = (): void => {
      const now = performance.now();
      counted += Math.min(now - last, 2 * QUEUE_TIMEOUT_TICK_MS);
      last = now;
      if (counted < ms) timer = setTimeout(tick, QUEUE_TIMEOUT_TICK_MS);
      else setImmediate(() => reject(new QueueUnavailable(`${what} did not answer within ${ms} ms`)));
    };
    timer = setTimeout(tick, QUEUE_TIMEOUT_TICK_MS);
  });
  late.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } catch (error) {
    if (error instanceof QueueUnavailable) throw error;
    throw new QueueUnavailable(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

const QUEUE_TIMEOUT_TICK_MS = 100;

export type Work = (job: Job, fence: Fence) => Promise<void>;

export interface QueueDepth {
  waiting: number;
  active: number;
}

/**
 * Where deliveries wait for evaluation: in process by default, BullMQ on Redis with BFD_REDIS_URL.
 * Both drop a delivery id seen before, coalesce per key (the latest job wins), run at most `concurrency` jobs at
 * once and never two of one key, and retry a job that throws RetryLater a bounded number of times.
 */
export interface WorkQueue {
  readonly kind: "memory" | "redis";
  /**
   * "duplicate": the delivery id was seen before and nothing was queued. Rejects with QueueUnavailable within
   * ENQUEUE_TIMEOUT_MS when the job cannot be queued now; a job it answered "queued" for is never lost.
   */
  enqueue(job: Job): Promise<"queued" | "duplicate">;
  start(work: Work): void;
  /** Stops taking jobs and waits (at most `timeoutMs`) for the running ones — and, in memory, the queued ones. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  depth(): Promise<QueueDepth>;
  /** The queue's backing store answers (always true in memory). */
  healthy(): Promise<boolean>;
}

/** What the service remembers between jobs: in memory, or in Redis shared by every replica. */
export interface ServeState {
  /** Status-check ids GitLab asked about for a project (Ultimate), so every later evaluation answers them too. */
  rememberStatusCheck(project: string, checkId: number): Promise<void>;
  statusChecks(project: string): Promise<number[]>;
  /** What was last published under `output` for `key`: identical writes are skipped (no webhook ping-pong). */
  lastPublished(output: string, key: string): Promise<string | null>;
  setLastPublished(output: string, key: string, fingerprint: string): Promise<void>;
  /** Whether this replica runs the sweep round now (with Redis, one replica per interval; in memory, always). */
  claimSweep(intervalMs: number): Promise<boolean>;
}
