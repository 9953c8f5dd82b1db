import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shaOf } from "../helpers/delivery-world.js";
import { latestStatuses, mergeRequestEvent, postGitLab, startWorld, type World } from "./harness.js";
import { serveConfigDir, serveEnv, startServeChild } from "./child.js";
import { requireRedisOrSkip, startRedis, type RedisServer } from "./redis-server.js";

const run = requireRedisOrSkip();
const MRS = Array.from({ length: 8 }, (_, i) => 900 + i);
const CONFIG = [
  "serve:",
  "  projects: [acme/web]",
  "  sweepMinutes: 0",
  "  lockSeconds: 5",
  "  concurrency: 2",
  "  outputs: { linearComment: false }",
  "",
].join("\n");

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(run)("Redis mode across a crash (the built CLI as replicas)", () => {
  let redis: RedisServer;
  let world: World;

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    world = await startWorld(MRS.map((n) => ({ n })));
  });
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
  });

  it("loses no delivery when a replica is killed with SIGKILL mid-evaluation", { timeout: 120_000 }, async () => {
    const cwd = serveConfigDir(CONFIG);
    const env = serveEnv(world, { BFD_REDIS_URL: redis.url });
    // Slow GitLab: each evaluation takes seconds, so the kill lands while some are running.
    world.gitlab.setLatency(300);
    const first = await startServeChild(cwd, env);
    for (const n of MRS) {
      const reply = await postGitLab(first.url, "Merge Request Hook", mergeRequestEvent(n), { uuid: `crash-${n}` });
      expect(reply.status).toBe(202);
    }
    await until(
      "an evaluation to start",
      () => world.gitlab.requestCount({ pathIncludes: "/merge_requests/9" }) > 0,
      20_000,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(latestStatuses(world.gitlab).size).toBeLessThan(MRS.length);

    world.gitlab.setLatency(0);
    const second = await startServeChild(cwd, env);
    try {
      await until("every MR's status", () => MRS.every((n) => latestStatuses(world.gitlab).has(shaOf(n))), 90_000);
      expect(MRS.map((n) => latestStatuses(world.gitlab).get(shaOf(n)))).toEqual(MRS.map(() => "success"));
    } finally {
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    }
  });
});
