/**
 * The built CLI's `bfd serve` evaluates in worker threads, in both queue modes: a delivery is acknowledged while the
 * one evaluation in flight (an issue with a 1 MB description) is still running in its worker. Proven by the order of
 * events, not by timing: two scrapes of /metrics that both show the worker busy, with the acknowledgement between
 * them — with the engine on the event loop, neither scrape nor acknowledgement could be answered mid-evaluation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CRITERIA_TICKED, shaOf } from "../helpers/delivery-world.js";
import { serveConfigDir, serveEnv, startServeChild } from "../serve/child.js";
import { mergeRequestEvent, postGitLab, startWorld, type World } from "../serve/harness.js";
import { requireRedisOrSkip, startRedis, type RedisServer } from "../serve/redis-server.js";

const HEAVY = 930;
/** About 1 MB of Markdown after a short criteria section: within bfd's limits, seconds of parsing. */
const HEAVY_DESCRIPTION = `Admins see every sign-in in the audit log.\n\n${CRITERIA_TICKED}\n\n## Notes\n\n${"Prose with a [link](https://x.example) and `code`.\n\n```\nlog\n```\n\n".repeat(14_000)}`;

let world: World;
let redis: RedisServer | null = null;
beforeAll(async () => {
  world = await startWorld([{ n: HEAVY, issue: { description: HEAVY_DESCRIPTION } }]);
  if (requireRedisOrSkip()) redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  await world.close();
});

const busyWorkers = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^bfd_evaluation_workers\{state="busy"\} (\d+)/m.exec(text)?.[1] ?? Number.NaN);
};

describe("bfd serve's evaluation workers (built CLI)", () => {
  it.each(["memory", "redis"] as const)(
    "acknowledges a delivery while a worker is busy with a 1 MB description (%s queue), then publishes its verdict",
    { timeout: 120_000 },
    async (mode) => {
      if (mode === "redis" && redis === null) return;
      const config =
        "serve:\n  projects: [acme/web]\n  sweepMinutes: 0\n  workers: 1\n  outputs: { linearComment: false }\n";
      const env = serveEnv(world, redis !== null && mode === "redis" ? { BFD_REDIS_URL: redis.url } : {});
      const served = await startServeChild(serveConfigDir(config), env);
      const statusesBefore = world.gitlab.world.commitStatuses.filter((s) => s.sha === shaOf(HEAVY)).length;
      try {
        expect(served.output()).toContain("1 evaluation worker)");
        let ackedWhileBusy = false;
        // Each try is one more evaluation of the heavy MR; one is enough on any machine where parsing 1 MB takes
        // longer than two loopback requests.
        for (let attempt = 0; attempt < 5 && !ackedWhileBusy; attempt += 1) {
          const delivery = { uuid: `heavy-${mode}-${attempt}` };
          expect((await postGitLab(served.url, "Merge Request Hook", mergeRequestEvent(HEAVY), delivery)).status).toBe(
            202,
          );
          const by = Date.now() + 30_000;
          while ((await busyWorkers(served.url)) !== 1 && Date.now() < by)
            await new Promise((resolve) => setTimeout(resolve, 5));
          // A delivery that queues nothing, so the busy worker can only be the heavy MR's evaluation.
          const reply = await postGitLab(
            served.url,
            "Note Hook",
            { object_kind: "note" },
            { uuid: `note-${mode}-${attempt}` },
          );
          expect(reply.status).toBe(202);
          ackedWhileBusy = (await busyWorkers(served.url)) === 1;
          const settled = Date.now() + 60_000;
          while ((await busyWorkers(served.url)) !== 0 && Date.now() < settled)
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(ackedWhileBusy).toBe(true);
        // This service's verdict (the world outlives it): a new status, and a pass.
        const statuses = () => world.gitlab.world.commitStatuses.filter((s) => s.sha === shaOf(HEAVY));
        const published = Date.now() + 60_000;
        while (statuses().length === statusesBefore && Date.now() < published)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(
          statuses()
            .slice(statusesBefore)
            .map((s) => s.state),
        ).toEqual(["success"]);
      } finally {
        served.child.kill("SIGTERM");
        expect(await served.exited).toBe(0);
      }
    },
  );
});
