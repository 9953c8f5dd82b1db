/**
 * `bfd serve` put together: the queue (memory, or BullMQ on Redis), the work, the HTTP app, the sweep, and a stop
 * that drains. Everything from outside (settings, sources, rules, logger, clock) is handed in, so tests run the
 * real service on loopback.
 */
import { createAdaptorServer } from "@hono/node-server";
import { isBfdError } from "../errors.js";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RuleSet, SourceText } from "../rules/load.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import { DEFAULT_RETRY_POLICY } from "../sources/retry-policy.js";
import { createWork, EVALUATION_MARGIN_MS, type Sources } from "./evaluate.js";
import { createHttpApp, type ReadinessCheck } from "./http-app.js";
import { linearIssueComments, type IssueComments } from "./issue-comments.js";
import type { Job, ServeState, WorkQueue } from "./job.js";
import { errorMessage, type Logger } from "./log.js";
import { createMemoryQueue, createMemoryState } from "./memory-queue.js";
import { createMetrics } from "./metrics.js";
import { createEvaluatorPool, type Evaluator, type EvaluatorStats, type WorkerEntry } from "./evaluator.js";
import type { ServeSettings } from "./settings.js";
import { startSweep } from "./sweep.js";
import { boardPage, createBoardStore } from "./board.js";
import { createRedactor } from "../redact.js";
import { plural } from "../text/plural.js";
import { cachingRuleLoader } from "./rule-cache.js";
import type { LinearSource } from "../sources/linear/index.js";

export interface ServiceOptions {
  settings: ServeSettings;
  sources: () => Promise<Sources>;
  gitlabHost: string;
  readyRules: RuleSet;
  builtinFiles: SourceText[];
  linearTeam: string | null;
  log: Logger;
  now?: () => Date;
  /** The Linear-comment port; defaults to the Linear source's own comments API. */
  comments?: (linear: LinearSource) => IssueComments;
  /** How long a stop waits for running (and, in memory, queued) work. */
  drainTimeoutMs?: number;
  /** One evaluation's deadline for reading Linear and GitLab (default: the default request timeout plus a margin). */
  evaluationDeadlineMs?: number;
  /**
   * Runs the engine; default: a pool of `settings.workers` worker threads. Tests of the flow may pass
   * inlineEvaluator(), which runs it on the event loop.
   */
  evaluator?: Evaluator;
  /** The pool's worker script (default: bfd's own, evaluatorWorkerEntry()). */
  workerEntry?: WorkerEntry;
}

export interface RunningService {
  url: string;
  queue: WorkQueue;
  state: ServeState;
  sweepOnce: () => Promise<number>;
  /** Stop accepting, drain the queue, close. */
  stop: () => Promise<void>;
}

/** GitLab and Linear are probed at most this often by /readyz (each probe is an API request). */
const READINESS_TTL_MS = 15_000;

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { settings, log } = options;
  const now = options.now ?? (() => new Date());
  const onError = (job: Job, error: unknown, final: boolean): void => {
    // A rejected token or a GitLab too old for bfd stays so until the operator acts: an error, not a passing warning.
    if (isBfdError(error) && error.kind === "setup") {
      log.error(
        { "bfd.job.key": job.key, "error.type": "setup", "error.code": error.code, "error.message": error.message },
        `${job.key}: not judged: ${error.message}`,
      );
      return;
    }
    log.warn(
      { "bfd.job.key": job.key, "error.message": errorMessage(error), "bfd.retry": !final },
      `${job.key}: ${final ? "gave up" : "will retry"}: ${errorMessage(error)}`,
    );
  };
  const { queue, state } =
    settings.redisUrl === null
      ? { queue: createMemoryQueue({ concurrency: settings.config.concurrency, onError }), state: createMemoryState() }
      : await (
          await import("./redis-queue.js")
        ).createRedisQueue({
          url: settings.redisUrl,
          concurrency: settings.config.concurrency,
          lockMs: settings.config.lockSeconds * 1000,
          onError,
        });
  const evaluationDeadlineMs = options.evaluationDeadlineMs ?? DEFAULT_RETRY_POLICY.timeoutMs + EVALUATION_MARGIN_MS;
  let poolStats: () => EvaluatorStats = () => ({ size: 0, busy: 0, waiting: 0 });
  const metrics = createMetrics(
    () => queue.depth(),
    () => poolStats(),
  );
  let evaluator: Evaluator;
  try {
    evaluator =
      options.evaluator ??
      (await createEvaluatorPool({
        size: settings.workers,
        deadlineMs: evaluationDeadlineMs,
        ...(options.workerEntry === undefined ? {} : { entry: options.workerEntry }),
        onReplaced: (reason, detail) => {
          metrics.workersReplaced.inc({ reason });
          log.warn(
            { "bfd.worker.replaced": reason, "error.message": detail },
            `an evaluation worker was replaced (${reason === "deadline" ? "it overran the deadline" : detail}); its job will retry`,
          );
        },
      }));
  } catch (error) {
    await queue.close();
    throw error;
  }
  poolStats = () => evaluator.stats();
  const board = createBoardStore();

  let gitlabUser: Promise<number> | null = null;
  const gitlabUserId = (gitlab: GitLabSource): Promise<number> => {
    gitlabUser ??= gitlab.currentUser().then(
      (user) => user.id,
      (error: unknown) => {
        gitlabUser = null;
        throw error;
      },
    );
    return gitlabUser;
  };

  // Every text the work publishes is redacted with every secret the service holds, before it is cut (verdict.ts).
  const redact = createRedactor(settings.secretValues);
  const comments = options.comments ?? linearIssueComments;
  const enqueue = (job: Job): Promise<unknown> => queue.enqueue(job);
  queue.start(
    createWork({
      config: settings.config,
      sources: options.sources,
      gitlabHost: options.gitlabHost,
      readyRules: options.readyRules,
      builtinFiles: options.builtinFiles,
      now,
      state,
      metrics,
      log,
      enqueue,
      gitlabUserId,
      comments,
      redact,
      board,
      evaluator,
      loadRules: cachingRuleLoader(),
      evaluationDeadlineMs,
    }),
  );

  const check = async (name: string, run: () => Promise<string>): Promise<ReadinessCheck> => {
    try {
      return { name, ok: true, detail: await run() };
    } catch (error) {
      return { name, ok: false, detail: errorMessage(error) };
    }
  };
  // The queue is asked on every /readyz (one PING, answered or refused within 2 s), so an outage shows at once; the
  // upstream probes cost API requests and are cached.
  const queueReady = (): Promise<ReadinessCheck> =>
    check("queue", async () => {
      if (!(await queue.healthy())) throw new Error(`the ${queue.kind} queue does not answer`);
      return queue.kind;
    });
  let upstreamReadiness: { at: number; checks: Promise<ReadinessCheck[]> } | null = null;
  const probeUpstream = async (): Promise<ReadinessCheck[]> => {
    const sources = options.sources();
    return Promise.all([
      check("gitlab", async () => `token user ${await gitlabUserId((await sources).gitlab)}`),
      // A branch no issue has: Linear answers with the key's user and no issue, proving reach and auth in one request.
      check("linear", async () => {
        const { viewer } = await (await sources).linear.fetchIssueByBranch("bfd-serve-readiness-probe");
        return viewer === null ? "reachable" : `API key user ${viewer.name}`;
      }),
    ]);
  };

  const app = createHttpApp({
    settings,
    queue,
    state,
    metrics,
    log,
    now: () => now().getTime(),
    // Opt-in (serve.board): the page has no authentication of its own.
    board: !settings.config.board
      ? undefined
      : () =>
          boardPage({
            store: board,
            readyRules: options.readyRules,
            config: settings.config,
            linearTeam: options.linearTeam,
            now,
            redact,
          }),
    readiness: async () => {
      if (upstreamReadiness === null || Date.now() - upstreamReadiness.at > READINESS_TTL_MS)
        upstreamReadiness = { at: Date.now(), checks: probeUpstream() };
      const [queueCheck, upstream] = await Promise.all([queueReady(), upstreamReadiness.checks]);
      return [queueCheck, ...upstream];
    },
  });

  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  // A slow client may not hold a connection open for long (webhook senders post small bodies at once).
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;

  const sweep = startSweep({
    config: settings.config,
    linearTeam: options.linearTeam,
    sources: options.sources,
    enqueue,
    claim: (intervalMs) => state.claimSweep(intervalMs),
    onOpenMergeRequests: (project, open) => board.retainOpen(project, open),
    log,
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      sweep.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Running jobs finish (their evaluations with them) before the workers end.
      await queue.drain(options.drainTimeoutMs ?? 25_000);
      await closed;
      await queue.close();
      await evaluator.close();
    })();
    return stopping;
  };

  log.info(
    {
      "server.address": address.address,
      "server.port": address.port,
      "bfd.queue": queue.kind,
      "bfd.sweep_minutes": settings.config.sweepMinutes,
      "bfd.workers": evaluator.stats().size,
    },
    `bfd serve listening on ${url} (${queue.kind} queue, ${evaluator.stats().size === 0 ? "evaluations on this thread" : plural(evaluator.stats().size, "evaluation worker")})`,
  );
  return { url, queue, state, sweepOnce: sweep.runOnce, stop };
}
