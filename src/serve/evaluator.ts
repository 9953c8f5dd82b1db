/**
 * Where `bfd serve` runs the pure engine: in a bounded pool of worker threads, so the event loop that answers
 * webhooks never waits for a gate's Markdown parsing (a 1 MB description: 0.3 to 2 s of CPU). Only the engine
 * crosses: evidence is gathered and verdicts are published on the main thread, where the network I/O, the queue's
 * fences and the service's state already live; the engine is the one CPU-heavy step (src/markdown/ is reached only
 * from the checks and the waiver reader, both inside `evaluate`).
 *
 * What crosses is plain data: the WorkItem, the evaluate options, and each rule with its check kind named by id (the
 * worker takes the kind from its own registry); the Report comes back. Structured clone copies them (posting a 1 MB
 * item costs about 3 ms), and nothing else needs rebuilding in the worker.
 */
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import { evaluate, type EvaluateOptions } from "../engine/evaluate.js";
import type { Report } from "../report/schema.js";
import { toPortableRules, type PortableRule } from "../rules/portable-rules.js";
import type { LoadedRule } from "../rules/schema.js";
import type { WorkItem } from "../work-item/schema.js";
import { RetryLater } from "./job.js";

/** Runs the engine for the service's jobs. */
export interface Evaluator {
  evaluate(rules: readonly LoadedRule[], item: WorkItem, options: EvaluateOptions): Promise<Report>;
  stats(): EvaluatorStats;
  /** Ends the workers (after the queue drained: a job still evaluating is stopped and retried by the queue). */
  close(): Promise<void>;
}

export interface EvaluatorStats {
  /** Worker threads in the pool (0: the engine runs on the event loop, as in-process tests do). */
  size: number;
  busy: number;
  /** Evaluations waiting for a free worker. */
  waiting: number;
}

/** Why a worker was stopped and replaced. */
export type WorkerReplaced = "crashed" | "deadline";

export interface EvaluationRequest {
  rules: PortableRule[];
  item: WorkItem;
  options: EvaluateOptions;
}

export type EvaluationReply = { ready: true } | { report: Report } | { error: string };

/** The engine on the calling thread: for tests of the service's flow, which do not measure the event loop. */
export function inlineEvaluator(): Evaluator {
  return {
    evaluate: async (rules, item, options) => evaluate(rules, item, options),
    stats: () => ({ size: 0, busy: 0, waiting: 0 }),
    close: async () => undefined,
  };
}

/** The worker's script: a file, or (`eval`) the code itself. */
export interface WorkerEntry {
  file: string | URL;
  eval?: boolean;
  workerData?: unknown;
}

declare const __BFD_BUNDLE__: string | undefined;

/**
 * bfd's own worker. The built CLI re-enters its bundle (dist/bfd.cjs, which exports runEvaluatorWorker and loads the
 * engine only when it is called), so the engine ships once; from the TypeScript sources (tests), a shim registers tsx
 * in the worker first.
 */
export function evaluatorWorkerEntry(): WorkerEntry {
  // The bundle runs with __dirname = dist/ (src/launch/code-cache.ts); scripts/build.mjs names the file.
  if (typeof __BFD_BUNDLE__ === "string")
    return { file: `require(${JSON.stringify(join(__dirname, __BFD_BUNDLE__))}).runEvaluatorWorker();`, eval: true };
  return {
    file: new URL("./evaluator-worker-source.mjs", import.meta.url),
    workerData: { entry: new URL("./evaluator-worker.ts", import.meta.url).href },
  };
}

export interface EvaluatorPoolOptions {
  size: number;
  /** An evaluation still running this long after a worker took it is stopped: its worker is ended and replaced. */
  deadlineMs: number;
  entry?: WorkerEntry;
  onReplaced?: (why: WorkerReplaced, detail: string) => void;
}

interface Task {
  request: EvaluationRequest;
  resolve: (report: Report) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  /** The worker loaded the engine and said so: it takes evaluations. */
  started: boolean;
  task: Task | null;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * A fixed number of worker threads, one evaluation each at a time; the rest wait in line (at most the queue's
 * concurrency minus the pool's size, since every running job awaits at most one evaluation). A worker that crashes
 * or overruns the deadline is ended and replaced, and its evaluation rejects with RetryLater: the job publishes
 * "not judged" (never a pass) and the queue runs it again on its retry schedule.
 */
export async function createEvaluatorPool(options: EvaluatorPoolOptions): Promise<Evaluator> {
  const entry = options.entry ?? evaluatorWorkerEntry();
  const waiting: Task[] = [];
  const slots: Slot[] = [];
  let closed = false;

  /** Resolves once the worker has loaded the engine; rejects when it cannot start. */
  function spawn(): { slot: Slot; started: Promise<void> } {
    const worker = new Worker(entry.file, { eval: entry.eval === true, workerData: entry.workerData });
    const slot: Slot = { worker, started: false, task: null, timer: undefined };
    const started = new Promise<void>((resolve, reject) => {
      worker.on("message", (reply: EvaluationReply) => {
        if ("ready" in reply) {
          slot.started = true;
          resolve();
          dispatch();
          return;
        }
        const task = slot.task;
        if (task === null) return;
        clearTimeout(slot.timer);
        slot.task = null;
        if ("report" in reply) task.resolve(reply.report);
        else task.reject(new Error(reply.error));
        dispatch();
      });
      const stopped = (detail: string): void => {
        if (!slot.started) {
          remove(slot);
          reject(new Error(`the evaluation worker did not start: ${detail}`));
          // A pool left without workers (no replacement starts) refuses rather than keeps jobs waiting forever.
          if (slots.length === 0)
            for (const task of waiting.splice(0)) task.reject(new RetryLater("no evaluation worker runs"));
        } else replace(slot, "crashed", detail);
      };
      worker.on("error", (error) => stopped(error.message));
      worker.on("exit", (code) => stopped(`it exited with code ${code}`));
    });
    started.catch(() => undefined);
    slots.push(slot);
    return { slot, started };
  }

  function remove(slot: Slot): void {
    const index = slots.indexOf(slot);
    if (index !== -1) slots.splice(index, 1);
  }

  function replace(slot: Slot, why: WorkerReplaced, detail: string): void {
    if (!slots.includes(slot)) return; // already replaced (a terminated worker also emits exit)
    clearTimeout(slot.timer);
    const task = slot.task;
    slot.task = null;
    remove(slot);
    void slot.worker.terminate();
    if (closed) {
      task?.reject(new RetryLater("bfd serve stopped while the evaluation ran"));
      return;
    }
    options.onReplaced?.(why, detail);
    task?.reject(
      new RetryLater(
        why === "deadline"
          ? `the evaluation did not finish within ${Math.round(options.deadlineMs / 1000)} s; its worker was stopped`
          : `the evaluation's worker stopped (${detail})`,
      ),
    );
    spawn();
  }

  function dispatch(): void {
    if (closed) return;
    for (const slot of slots) {
      if (!slot.started || slot.task !== null) continue;
      const task = waiting.shift();
      if (task === undefined) return;
      slot.task = task;
      slot.timer = setTimeout(() => replace(slot, "deadline", "deadline"), options.deadlineMs);
      try {
        slot.worker.postMessage(task.request);
      } catch (error) {
        // Something in the item that structured clone refuses: a bug in the data, not the worker's fault.
        clearTimeout(slot.timer);
        slot.task = null;
        task.reject(error);
      }
    }
  }

  const starting = Array.from({ length: options.size }, () => spawn().started);
  try {
    await Promise.all(starting);
  } catch (error) {
    closed = true;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
    throw error;
  }

  return {
    evaluate(rules, item, evaluateOptions) {
      if (closed) return Promise.reject(new RetryLater("bfd serve is stopping"));
      if (slots.length === 0) return Promise.reject(new RetryLater("no evaluation worker runs"));
      return new Promise<Report>((resolve, reject) => {
        waiting.push({ request: { rules: toPortableRules(rules), item, options: evaluateOptions }, resolve, reject });
        dispatch();
      });
    },
    stats: () => ({
      size: slots.length,
      busy: slots.filter((slot) => slot.task !== null).length,
      waiting: waiting.length,
    }),
    async close() {
      closed = true;
      for (const task of waiting.splice(0)) task.reject(new RetryLater("bfd serve is stopping"));
      await Promise.all([...slots].map((slot) => slot.worker.terminate()));
    },
  };
}
