/**
 * `npm run bench` (second step): `bfd serve` under load, the figures the load test does not assert — acknowledgement
 * latency (p50, p99, max), throughput, time to settle, and the service's resident memory after each of three rounds
 * of 500 signed deliveries in 10 s (flat memory: later rounds end near the first). The service is the built CLI in a
 * process of its own (as a container runs it); the loopback fakes and the sender live in this one. "server" latency
 * is what the service logs per request (`http.server.request.duration`); "client" adds this process's own event
 * loop, which the fakes keep busy (Linear's fake validates every GraphQL request against a 1.2 MB schema).
 *
 * Env: BENCH_SERVE_ROUNDS (default 3), BENCH_SERVE_DELIVERIES (default 500), BENCH_SERVE_SECONDS (default 10).
 */
import { readFileSync } from "node:fs";
import { latestStatuses, startWorld } from "../test/serve/harness.js";
import { serveConfigDir, serveEnv, startServeChild } from "../test/serve/child.js";
import { FIRST_MR, LOAD_MRS, loadCases, percentile, sendLoad } from "../test/serve/load.js";

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
const depth = async (): Promise<number> => {
  const text = await (await fetch(`${served.url}/metrics`)).text();
  return [...text.matchAll(/^bfd_queue_jobs\{state="(?:waiting|active)"\} (\d+)/gm)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
};

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
