import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shaOf } from "../helpers/delivery-world.js";
import {
  latestStatuses,
  mergeRequestEvent,
  postGitLab,
  settled,
  startTestService,
  startWorld,
  type World,
} from "./harness.js";
import { FIRST_MR, LOAD_MRS, loadCases, redMrs, sendLoad } from "./load.js";
import { requireRedisOrSkip, startRedis, type RedisServer } from "./redis-server.js";

const run = requireRedisOrSkip();

describe.runIf(run)("Redis mode (BullMQ on a real redis-server)", () => {
  let redis: RedisServer;
  let world: World;

  beforeAll(async () => {
    redis = await startRedis();
    world = await startWorld(loadCases());
  });
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
  });

  it("shares deliveries between two replicas and never publishes out of order", { timeout: 120_000 }, async () => {
    const a = await startTestService(world, { redisUrl: redis.url, config: { lockSeconds: 5 } });
    const b = await startTestService(world, { redisUrl: redis.url, config: { lockSeconds: 5 } });
    try {
      // Half the deliveries to each replica, as a load balancer would.
      const [ra, rb] = await Promise.all([sendLoad(a.url, world, 150, 5_000), sendLoad(b.url, world, 150, 5_000)]);
      expect([...ra.statuses, ...rb.statuses].filter((s) => s !== 202)).toEqual([]);
      await settled(a.service, 60_000);
      await settled(b.service, 60_000);
      const red = new Set(redMrs());
      const latest = latestStatuses(world.gitlab);
      for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1)
        expect([n, latest.get(shaOf(n))]).toEqual([n, red.has(n) ? "failed" : "success"]);
      for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1)
        expect(world.gitlab.world.notes.filter((note) => note.mergeRequestIid === n)).toHaveLength(1);
      // Both replicas did some of the work.
      expect(a.logs.some((l) => l.includes('"bfd.result"'))).toBe(true);
      expect(b.logs.some((l) => l.includes('"bfd.result"'))).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("drops a delivery id seen by another replica", async () => {
    const a = await startTestService(world, { redisUrl: redis.url });
    const b = await startTestService(world, { redisUrl: redis.url });
    try {
      const first = await postGitLab(a.url, "Merge Request Hook", mergeRequestEvent(FIRST_MR), { uuid: "shared-uuid" });
      const again = await postGitLab(b.url, "Merge Request Hook", mergeRequestEvent(FIRST_MR), { uuid: "shared-uuid" });
      expect(await first.json()).toMatchObject({ status: "queued" });
      expect(await again.json()).toMatchObject({ status: "duplicate" });
      await settled(a.service);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
