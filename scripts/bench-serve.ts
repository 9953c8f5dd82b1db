/**
 * `npm run bench` (second step): `bfd serve` under load, the figures the load test does not assert — acknowledgement
 * latency (p50, p99, max), throughput, time to settle, and the service's resident memory after each of three rounds
 * of 500 signed deliveries in 10 s (flat memory: later rounds end near the first). The service is the built CLI in a
 * process of its own (as a container runs it); the loopback fakes and the sender live in this one. "server" latency
 * is what the service logs per request (`http.server.request.duration`); "client" adds this process's own event
 * loop, which the fakes keep busy (Linear's fake validates every GraphQL request against a 1.2 MB schema).
 *
 * Env: BENCH_SERVE_ROUNDS (default 3), BENCH_SERVE_DELIVERIES (default 500), BENCH_SERVE_SECONDS (default 10).
 *
 * Then, per queue mode (in-process, and BullMQ on a real redis-server when one is installed), a fresh service with
 * one issue whose description is 1 MB of Markdown: deliveries at 50/s for BENCH_SERVE_SECONDS, sent by a process of
 * their own (this script again, with --send: the sender shares no event loop with the service or the fakes), every
 * 25th of them for the heavy MR, so one of its evaluations is in a worker thread nearly all the time. Acknowledgement
 * p50/p95/p99/max as the sender sees them, and how many heavy evaluations ran meanwhile and how long each took.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CRITERIA_TICKED } from "../test/helpers/delivery-world.js";
import {
  latestStatuses,
  linearIssueEvent,
  mergeRequestEvent,
  postGitLab,
  postLinear,
  startWorld,
} from "../test/serve/harness.js";
import { serveConfigDir, serveEnv, startServeChild, type ServeChild } from "../test/serve/child.js";
import { FIRST_MR, LOAD_MRS, loadCases, percentile, sendLoad } from "../test/serve/load.js";
import { REDIS_AVAILABLE, startRedis } from "../test/serve/redis-server.js";

/** What the sender process is asked to send (`--send <json>`). */
interface SendPlan {
  url: string;
  perSecond: number;
  seconds: number;
  heavyMr: number;
  /** Linear ids of the load's issues, by MR number (ENG-<n>). */
  linearIds: Record<number, string>;
  tag: string;
}

if (process.argv[2] === "--send") {
  const plan = JSON.parse(process.argv[3]!) as SendPlan;
  const ackMs: number[] = [];
  const statuses: number[] = [];
  const total = plan.perSecond * plan.seconds;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    const n = i % 25 === 12 ? plan.heavyMr : FIRST_MR + (Math.floor(i / 5) % LOAD_MRS);
    const sent = performance.now();
    const delivery =
      i % 10 === 9 && n !== plan.heavyMr
        ? postLinear(plan.url, linearIssueEvent(plan.linearIds[n]!), { deliveryId: `${plan.tag}-linear-${i}` })
        : postGitLab(plan.url, "Merge Request Hook", mergeRequestEvent(n), { uuid: `${plan.tag}-gitlab-${i}` });
    pending.push(
      delivery.then(async (reply) => {
        ackMs.push(performance.now() - sent);
        statuses.push(reply.status);
        await reply.arrayBuffer();
      }),
    );
    const wait = started + ((i + 1) * 1000) / plan.perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await Promise.all(pending);
  process.stdout.write(JSON.stringify({ ackMs, statuses, elapsedMs: performance.now() - started }));
  process.exit(0);
}

const rounds = Number(process.env.BENCH_SERVE_ROUNDS ?? 3);
const deliveries = Number(process.env.BENCH_SERVE_DELIVERIES ?? 500);
const seconds = Number(process.env.BENCH_SERVE_SECONDS ?? 10);

const world = await startWorld(loadCases());
const config = "serve:\n  projects: [acme/web]\n  sweepMinutes: 0\n  outputs: { linearComment: false }\n";
const served = await startServeChild(serveConfigDir(config), serveEnv(world));
const rss = (): string => {
  const status = readFileSync(`/proc/${served.child.pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return `${(kb / 1024).toFixed(1)} MB`;
};
const depth = (): Promise<number> => depthOf(served.url);
async function depthOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^bfd_queue_jobs\{state="(?:waiting|active)"\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

console.log(
  `bfd serve: ${rounds} × ${deliveries} signed deliveries in ${seconds} s (built CLI, in-process queue, loopback fakes)`,
);
console.log(`start-up RSS ${rss()}`);
console.log(
  "round | server p50 | server p99 | server max | client p50 | client p99 | deliveries/s | settled after | RSS",
);
let logged = 0;
const serverMs = (): number[] => {
  const lines = served.output().split("\n");
  const fresh = lines.slice(logged);
  logged = lines.length;
  return fresh
    .filter((line) => line.includes('"url.path":"/webhooks/'))
    .map((line) => 1000 * Number((JSON.parse(line) as Record<string, unknown>)["http.server.request.duration"]));
};
serverMs();
for (let round = 1; round <= rounds; round += 1) {
  const result = await sendLoad(served.url, world, deliveries, seconds * 1000);
  const sent = performance.now();
  while ((await depth()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  const settle = performance.now() - sent;
  const failed = result.statuses.filter((s) => s !== 202).length;
  const server = serverMs();
  console.log(
    [
      String(round).padStart(5),
      ...[percentile(server, 50), percentile(server, 99), Math.max(...server)].map((ms) =>
        `${ms.toFixed(1)} ms`.padStart(10),
      ),
      ...[percentile(result.ackMs, 50), percentile(result.ackMs, 99)].map((ms) => `${ms.toFixed(1)} ms`.padStart(10)),
      (deliveries / (result.elapsedMs / 1000)).toFixed(0).padStart(12),
      `${(settle / 1000).toFixed(1)} s`.padStart(13),
      rss(),
    ].join(" | ") + (failed > 0 ? `  (${failed} not acknowledged!)` : ""),
  );
}
const published = latestStatuses(world.gitlab);
console.log(`MRs with a bfd/done status: ${[...published.keys()].length} of ${LOAD_MRS} (from !${FIRST_MR})`);
served.child.kill("SIGTERM");
await served.exited;
await world.close();

const HEAVY_MR = 990;
const heavyDescription = `Admins see every sign-in in the audit log.\n\n${CRITERIA_TICKED}\n\n## Notes\n\n${"Prose with a [link](https://x.example) and `code`.\n\n```\nlog\n```\n\n".repeat(14_000)}`;
const heavyWorld = await startWorld([...loadCases(), { n: HEAVY_MR, issue: { description: heavyDescription } }]);
const linearIds = Object.fromEntries(
  heavyWorld.linear.world.issues.map((issue) => [Number(issue.identifier.replace("ENG-", "")), issue.id]),
);
const perSecond = 50;
console.log(
  `\nbeside a 1 MB description (${(heavyDescription.length / 1e6).toFixed(2)} M characters): ${perSecond} deliveries/s for ${seconds} s from a separate process, every 25th for the heavy MR (${cpus().length} cores, ${cpus()[0]?.model ?? "?"}, ${new Date().toISOString().slice(0, 10)})`,
);
console.log(
  "queue  | workers | ack p50 | ack p95 | ack p99 | ack max | server p99 | loop delay p99 | loop delay max | deliveries/s | heavy evaluations (median)",
);
const redis = REDIS_AVAILABLE ? await startRedis() : null;
for (const mode of ["memory", "redis"] as const) {
  if (mode === "redis" && redis === null) {
    console.log("redis  | skipped: redis-server is not installed (apt-get install -y redis-server)");
    continue;
  }
  const env = serveEnv(heavyWorld, mode === "redis" ? { BFD_REDIS_URL: redis!.url } : {});
  const service: ServeChild = await startServeChild(serveConfigDir(config), env);
  const workers = /(\d+) evaluation workers?\)/.exec(service.output())?.[1] ?? "?";
  // Warm first, as a service in production is: each MR judged once, so the measured window holds no module loading.
  for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1)
    await postGitLab(service.url, "Merge Request Hook", mergeRequestEvent(n), { uuid: `warm-${mode}-${n}` });
  await postGitLab(service.url, "Merge Request Hook", mergeRequestEvent(HEAVY_MR), { uuid: `warm-${mode}-heavy` });
  while ((await depthOf(service.url)) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  const plan: SendPlan = { url: service.url, perSecond, seconds, heavyMr: HEAVY_MR, linearIds, tag: `heavy-${mode}` };
  const warmLog = service.output().length;
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    fileURLToPath(import.meta.url),
    "--send",
    JSON.stringify(plan),
  ]);
  const result = JSON.parse(stdout) as { ackMs: number[]; statuses: number[]; elapsedMs: number };
  const heavy = service
    .output()
    .slice(warmLog)
    .split("\n")
    .filter((line) => line.includes(`"bfd.job.key":"mr:acme/web!${HEAVY_MR}"`) && line.includes('"bfd.duration_ms"'))
    .map((line) => Number((JSON.parse(line) as Record<string, unknown>)["bfd.duration_ms"]));
  // prom-client's event-loop delay histogram restarts at every scrape: this one covers the measured window (the
  // warm-up ended with a scrape). A loop that answers within these figures is not what delays an acknowledgement.
  const metrics = await (await fetch(`${service.url}/metrics`)).text();
  const loopDelay = (stat: string): string =>
    `${(1000 * Number(new RegExp(`^nodejs_eventloop_lag_${stat}_seconds (\\S+)`, "m").exec(metrics)?.[1])).toFixed(1)} ms`;
  const failed = result.statuses.filter((status) => status !== 202).length;
  const server = service
    .output()
    .slice(warmLog)
    .split("\n")
    .filter((line) => line.includes('"url.path":"/webhooks/'))
    .map((line) => 1000 * Number((JSON.parse(line) as Record<string, unknown>)["http.server.request.duration"]));
  console.log(
    [
      mode.padEnd(6),
      workers.padStart(7),
      ...[50, 95, 99].map((p) => `${percentile(result.ackMs, p).toFixed(1)} ms`.padStart(7)),
      `${Math.max(...result.ackMs).toFixed(1)} ms`.padStart(7),
      `${percentile(server, 99).toFixed(1)} ms`.padStart(10),
      loopDelay("p99").padStart(14),
      loopDelay("max").padStart(14),
      (result.ackMs.length / (result.elapsedMs / 1000)).toFixed(0).padStart(12),
      `${heavy.length} (${(percentile(heavy, 50) / 1000).toFixed(1)} s each)`,
    ].join(" | ") + (failed > 0 ? `  (${failed} not acknowledged!)` : ""),
  );
  service.child.kill("SIGTERM");
  await service.exited;
}
await redis?.stop();
await heavyWorld.close();
