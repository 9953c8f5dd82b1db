/**
 * The queue and state on Redis, for restarts and several replicas: BullMQ holds the jobs (they survive a restart,
 * and a job whose replica died is taken back by BullMQ's stalled-job check), and plain Redis keys hold the rest.
 *
 * Ordering across replicas without BullMQ Pro's groups: every enqueue INCRs `seq:<key>`, and the job carries that
 * version. A worker skips a job that is no longer its key's latest, takes `lock:<key>` (SET NX PX, a token of its
 * own, extended while it works) before evaluating, and each publish first checks — atomically, in one script — that
 * the version is still the latest and the lock still its own. So two replicas never evaluate one key at once, and an
 * older evaluation never publishes over a newer one.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job as BullJob } from "bullmq";
import { Redis } from "ioredis";
import { BfdError } from "../errors.js";
import {
  ENQUEUE_TIMEOUT_MS,
  QueueUnavailable,
  RetryLater,
  withinQueueTimeout,
  type Job,
  type QueueDepth,
  type ServeState,
  type Work,
  type WorkQueue,
} from "./job.js";

export interface RedisQueueOptions {
  url: string;
  concurrency: number;
  /** How long a replica holds a key (and BullMQ a job) without renewing: a crashed replica's work waits this long. */
  lockMs: number;
  onError?: (job: Job, error: unknown, final: boolean) => void;
}

const QUEUE = "bfd-serve";
const PREFIX = "bfd:serve:";
const DELIVERY_TTL_S = 24 * 60 * 60;
const PUBLISHED_TTL_S = 30 * 24 * 60 * 60;
/** Runs of a job that keeps meeting upstream faults: the first and three retries, 2 s, 4 s, 8 s apart. */
const ATTEMPTS = 4;

/** Still the latest version of the key, and the lock still ours. */
const FENCE = `return (redis.call("GET", KEYS[1]) == ARGV[1] and redis.call("GET", KEYS[2]) == ARGV[2]) and 1 or 0`;
/** Claims a delivery id ("claimed"), or says what holds it: "pending" (being queued) or "queued". */
const CLAIM = `if redis.call("SET", KEYS[1], "pending", "NX", "EX", ARGV[1]) then return "claimed" end return redis.call("GET", KEYS[1])`;
/** How long a claim outlives a replica that died between claiming a delivery and queueing it. */
const CLAIM_TTL_S = 60;
const CLAIM_POLL_MS = 20;
const EXTEND = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

interface JobData {
  job: Job;
  version: number;
}

export async function createRedisQueue(options: RedisQueueOptions): Promise<{ queue: WorkQueue; state: ServeState }> {
  // BullMQ needs maxRetriesPerRequest: null on its worker's connections (docs.bullmq.io "Connections"): they wait
  // out an outage, which is right for work already taken.
  const connect = (): Redis => new Redis(options.url, { maxRetriesPerRequest: null, lazyConnect: false });
  // The webhook path must not wait out an outage: without the offline queue a command fails at once while Redis is
  // away (nothing piles up in this process). The delivery is refused after ENQUEUE_TIMEOUT_MS (withinQueueTimeout);
  // commandTimeout, longer than any stall of this process's event loop, only frees commands a hung Redis never
  // answers.
  // docs.bullmq.io "Going to production": a Queue that should fail fast when Redis is down sets
  // enableOfflineQueue: false.
  const front = new Redis(options.url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: 5 * ENQUEUE_TIMEOUT_MS,
    lazyConnect: false,
  });
  const redis = connect();
  const workerConnection = connect();
  const queue = new Queue<JobData>(QUEUE, { connection: front, prefix: "bfd" });
  queue.on("error", () => undefined);
  for (const connection of [front, redis, workerConnection]) connection.on("error", () => undefined);
  const replica = randomUUID();
  let worker: Worker<JobData> | null = null;
  const key = (name: string): string => `${PREFIX}${name}`;

  async function enqueueNow(job: Job): Promise<"queued" | "duplicate"> {
    const delivery = job.deliveryId === null ? null : key(`delivery:${job.deliveryId}`);
    if (delivery !== null) {
      // One atomic claim per delivery id, before anything is queued: of two replicas given the same delivery at
      // once, exactly one queues it. The other waits for that to settle (a sender must not hear "duplicate" for a
      // delivery whose enqueue then fails); past ENQUEUE_TIMEOUT_MS the caller answers 503 and the sender retries.
      for (let poll = 0; ; poll += 1) {
        const seen = await front.eval(CLAIM, 1, delivery, String(CLAIM_TTL_S));
        if (seen === "claimed") break;
        if (seen === "queued") return "duplicate";
        if (poll * CLAIM_POLL_MS > ENQUEUE_TIMEOUT_MS)
          throw new QueueUnavailable("this delivery is being queued by another replica");
        await new Promise((resolve) => setTimeout(resolve, CLAIM_POLL_MS));
      }
    }
    try {
      const version = await front.incr(key(`seq:${job.key}`));
      await queue.add(
        "evaluate",
        { job, version },
        {
          attempts: ATTEMPTS,
          backoff: { type: "exponential", delay: 2_000 },
          removeOnComplete: { count: 1_000 },
          removeOnFail: { age: DELIVERY_TTL_S },
        },
      );
    } catch (error) {
      // Not queued: free the claim so the sender's retry is taken (if Redis is gone, it lapses after CLAIM_TTL_S).
      if (delivery !== null) await front.del(delivery).catch(() => undefined);
      throw error;
    }
    // Queued: from here a failure to record it only lets a later retry queue it once more (harmless, it coalesces).
    if (delivery !== null) await front.set(delivery, "queued", "EX", DELIVERY_TTL_S).catch(() => undefined);
    return "queued";
  }

  const workQueue: WorkQueue = {
    kind: "redis",
    enqueue: (job) => withinQueueTimeout(enqueueNow(job), "Redis"),
    start(work) {
      worker = new Worker<JobData>(QUEUE, (bullJob, token) => process(work, bullJob, token), {
        connection: workerConnection,
        prefix: "bfd",
        concurrency: options.concurrency,
        lockDuration: options.lockMs,
        stalledInterval: Math.max(1_000, Math.floor(options.lockMs / 2)),
        maxStalledCount: 3,
      });
      worker.on("failed", (bullJob, error) => {
        if (bullJob === undefined || error instanceof DelayedError) return;
        const final = bullJob.attemptsMade >= (bullJob.opts.attempts ?? 1) || error instanceof UnrecoverableError;
        options.onError?.(bullJob.data.job, error, final);
      });
      worker.on("error", () => undefined);
    },
    async drain(timeoutMs) {
      if (worker === null) return;
      // Running jobs finish; waiting ones stay in Redis for the other replicas or the next start.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const closing = worker.close();
      await Promise.race([closing, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    },
    async close() {
      await worker?.close(true).catch(() => undefined);
      await queue.close().catch(() => undefined);
      for (const connection of [front, redis, workerConnection]) await connection.quit().catch(() => undefined);
    },
    async depth(): Promise<QueueDepth> {
      const counts = await queue.getJobCounts("waiting", "delayed", "prioritized", "active");
      return {
        waiting: (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0),
        active: counts.active ?? 0,
      };
    },
    async healthy() {
      try {
        return (await withinQueueTimeout(front.ping(), "Redis")) === "PONG";
      } catch {
        return false;
      }
    },
  };

  async function process(work: Work, bullJob: BullJob<JobData>, token: string | undefined): Promise<void> {
    const { job, version } = bullJob.data;
    const seq = key(`seq:${job.key}`);
    if (Number(await redis.get(seq)) !== version) return; // a newer job for the key will do the work
    const lock = key(`lock:${job.key}`);
    const mine = `${replica}:${bullJob.id}:${version}`;
    if ((await redis.set(lock, mine, "PX", options.lockMs, "NX")) !== "OK") {
      // Another replica is on this key: come back shortly (BullMQ's own pattern for a job that must wait).
      await bullJob.moveToDelayed(Date.now() + 500, token);
      throw new DelayedError();
    }
    const heartbeat = setInterval(
      () => {
        void redis.eval(EXTEND, 1, lock, mine, String(options.lockMs)).catch(() => undefined);
      },
      Math.max(500, Math.floor(options.lockMs / 3)),
    );
    try {
      await work(job, {
        stillLatest: async () => (await redis.eval(FENCE, 2, seq, lock, String(version), mine)) === 1,
      });
    } catch (error) {
      // A fan-out that could not be queued (Redis away) is retried like an upstream fault, never dropped.
      if (error instanceof RetryLater || error instanceof QueueUnavailable) throw error;
      throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
    } finally {
      clearInterval(heartbeat);
      await redis.eval(RELEASE, 1, lock, mine).catch(() => undefined);
    }
  }

  const state: ServeState = {
    async rememberStatusCheck(project, checkId) {
      // On the request path: fails fast like an enqueue.
      await withinQueueTimeout(front.sadd(key(`checks:${project.toLowerCase()}`), String(checkId)), "Redis");
    },
    async statusChecks(project) {
      const ids = await redis.smembers(key(`checks:${project.toLowerCase()}`));
      return ids.map(Number).sort((a, b) => a - b);
    },
    async lastPublished(output, name) {
      return redis.get(key(`published:${output}:${name}`));
    },
    async setLastPublished(output, name, fingerprint) {
      await redis.set(key(`published:${output}:${name}`), fingerprint, "EX", PUBLISHED_TTL_S);
    },
    async claimSweep(intervalMs) {
      return (await redis.set(key("sweep"), replica, "PX", Math.max(1_000, intervalMs - 1_000), "NX")) === "OK";
    },
  };

  // ioredis waits for the server forever by design; at start a wrong URL must stop the service, not hang it.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reached = await Promise.race([
    Promise.all([redis.ping(), connected(front)]).then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 5_000))),
  ]).catch(() => false);
  clearTimeout(timer);
  if (!reached) {
    await workQueue.close();
    throw new BfdError("config", "redis-unreachable", "Redis at BFD_REDIS_URL did not answer within 5 s", {
      hint: "Check BFD_REDIS_URL (redis://host:6379/0) and that Redis is running; unset it to use the in-process queue.",
    });
  }
  return { queue: workQueue, state };
}

/** The fail-fast connection takes no command before it is connected (it has no offline queue): wait for that once. */
function connected(connection: Redis): Promise<void> {
  if (connection.status === "ready") return Promise.resolve();
  return new Promise((resolve) => connection.once("ready", () => resolve()));
}
