import {
  QueueUnavailable,
  RetryLater,
  type Job,
  type QueueDepth,
  type ServeState,
  type Work,
  type WorkQueue,
} from "./job.js";

export interface MemoryQueueOptions {
  concurrency: number;
  /** How long a delivery id is remembered (GitLab and Linear retry a delivery within minutes to hours). */
  deliveryTtlMs?: number;
  /** Delays before the 2nd, 3rd, … run of a job that threw RetryLater; its length bounds the runs. */
  retryDelaysMs?: readonly number[];
  onError?: (job: Job, error: unknown, final: boolean) => void;
  /** MRs and issues that may wait at once; a delivery for one more is refused (503, the sender retries). */
  maxWaiting?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The embedded queue: one process, no services. Jobs wait in a Map keyed by MR/issue, so a burst of deliveries for
 * one MR holds one entry (the latest replaces the one waiting, in its place in line); a key that is running gets its
 * next job only when the run ends. Memory is bounded by the number of distinct keys and the delivery-id window.
 */
export function createMemoryQueue(options: MemoryQueueOptions): WorkQueue {
  const deliveryTtlMs = options.deliveryTtlMs ?? DAY_MS;
  const retryDelays = options.retryDelaysMs ?? [2_000, 10_000, 60_000];
  const maxWaiting = options.maxWaiting ?? 10_000;
  const waiting = new Map<string, { job: Job; attempt: number }>();
  const running = new Set<string>();
  /** Bumped on every enqueue: an evaluation whose version is no longer the key's latest does not publish. */
  const versions = new Map<string, number>();
  const seen = new Map<string, number>();
  /** Jobs waiting to run again after a RetryLater, by their timer. */
  const retries = new Map<ReturnType<typeof setTimeout>, { job: Job; attempt: number }>();
  let work: Work | null = null;
  let draining = false;
  let idle: (() => void)[] = [];

  function forgetOldDeliveries(now: number): void {
    // Map keeps insertion order, so the oldest ids come first: stop at the first one still fresh.
    for (const [id, expires] of seen) {
      if (expires > now) break;
      seen.delete(id);
    }
  }

  function put(job: Job, attempt: number): void {
    versions.set(job.key, (versions.get(job.key) ?? 0) + 1);
    const queued = waiting.get(job.key);
    if (queued !== undefined) queued.job = job;
    else waiting.set(job.key, { job, attempt });
    pump();
  }

  function pump(): void {
    if (work === null) return;
    for (const [key, entry] of waiting) {
      if (running.size >= options.concurrency) break;
      if (running.has(key)) continue;
      waiting.delete(key);
      void run(work, entry.job, entry.attempt);
    }
    if (running.size === 0 && waiting.size === 0 && retries.size === 0) {
      const done = idle;
      idle = [];
      for (const resolve of done) resolve();
    }
  }

  async function run(work: Work, job: Job, attempt: number): Promise<void> {
    running.add(job.key);
    const version = versions.get(job.key);
    try {
      await work(job, { stillLatest: async () => versions.get(job.key) === version });
    } catch (error) {
      const final = !(error instanceof RetryLater) || attempt > retryDelays.length || draining;
      options.onError?.(job, error, final);
      // A newer job for the key is already waiting: it supersedes this one, no retry needed.
      if (!final && !waiting.has(job.key)) {
        const timer = setTimeout(
          () => {
            retries.delete(timer);
            if (!waiting.has(job.key)) put(job, attempt + 1);
            else pump();
          },
          retryDelays[attempt - 1],
        );
        timer.unref();
        retries.set(timer, { job, attempt: attempt + 1 });
      }
    } finally {
      running.delete(job.key);
      pump();
    }
  }

  return {
    kind: "memory",
    async enqueue(job) {
      if (job.deliveryId !== null) {
        const now = Date.now();
        forgetOldDeliveries(now);
        if ((seen.get(job.deliveryId) ?? 0) > now) return "duplicate";
      }
      // Pending work is bounded: a key already waiting coalesces, a new one beyond the bound is refused.
      if (!waiting.has(job.key) && waiting.size >= maxWaiting)
        throw new QueueUnavailable(`${maxWaiting} merge requests and issues are already waiting`);
      if (job.deliveryId !== null) {
        seen.set(job.deliveryId, Date.now() + deliveryTtlMs);
      }
      put(job, 1);
      return "queued";
    },
    start(w) {
      work = w;
      pump();
    },
    async drain(timeoutMs) {
      draining = true;
      // Retries that are only waiting on a timer run now (one last time) rather than be lost.
      const pending = [...retries.values()];
      for (const timer of retries.keys()) clearTimeout(timer);
      retries.clear();
      for (const { job, attempt } of pending) if (!waiting.has(job.key)) put(job, attempt);
      pump();
      if (running.size === 0 && waiting.size === 0) return;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => idle.push(resolve)),
        new Promise<void>((resolve) => {
          timeout = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timeout);
    },
    async close() {
      for (const timer of retries.keys()) clearTimeout(timer);
      retries.clear();
      work = null;
    },
    async depth(): Promise<QueueDepth> {
      return { waiting: waiting.size, active: running.size };
    },
    async healthy() {
      return true;
    },
  };
}

/** The embedded state: what was last published and which status checks exist, for this process's life. */
export function createMemoryState(maxEntries = 50_000): ServeState {
  const published = new Map<string, string>();
  const checks = new Map<string, Set<number>>();
  return {
    async rememberStatusCheck(project, checkId) {
      const key = project.toLowerCase();
      const set = checks.get(key) ?? new Set<number>();
      set.add(checkId);
      checks.set(key, set);
    },
    async statusChecks(project) {
      return [...(checks.get(project.toLowerCase()) ?? [])].sort((a, b) => a - b);
    },
    async lastPublished(output, key) {
      return published.get(`${output} ${key}`) ?? null;
    },
    async setLastPublished(output, key, fingerprint) {
      const id = `${output} ${key}`;
      published.delete(id);
      published.set(id, fingerprint);
      // Oldest first in a Map: drop the least recently written beyond the bound (memory stays flat).
      while (published.size > maxEntries) published.delete(published.keys().next().value!);
    },
    async claimSweep() {
      return true;
    },
  };
}
