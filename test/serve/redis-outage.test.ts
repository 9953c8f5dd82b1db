import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shaOf } from "../helpers/delivery-world.js";
import {
  latestStatuses,
  mergeRequestEvent,
  postGitLab,
  settled,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";
import { requireRedisOrSkip, startRedis, type RedisServer } from "./redis-server.js";

const run = requireRedisOrSkip();
const OUTAGE_MRS = Array.from({ length: 12 }, (_, i) => 600 + i);
const DUPLICATE_MRS = Array.from({ length: 40 }, (_, i) => 700 + i);

/** GitLab gives up on a webhook after 10 s (and disables a hook that keeps failing): a refusal must come well before. */
const LONGEST_WAIT_MS = 5_000;

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function timedPost(url: string, n: number, uuid: string): Promise<{ status: number; ms: number; res: Response }> {
  const started = Date.now();
  const res = await postGitLab(url, "Merge Request Hook", mergeRequestEvent(n), { uuid });
  return { status: res.status, ms: Date.now() - started, res };
}

describe.runIf(run)("Redis mode when Redis goes away", () => {
  let redis: RedisServer;
  let world: World;

  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true });
    world = await startWorld([...OUTAGE_MRS, ...DUPLICATE_MRS].map((n) => ({ n })));
  });
  afterAll(async () => {
    await world?.close();
    await redis?.stop();
  });

  it(
    "refuses deliveries with 503 and Retry-After at once, shows it on /readyz, and loses none it took",
    {
      timeout: 90_000,
    },
    async () => {
      const service = await startTestService(world, { redisUrl: redis.url });
      const accepted = new Set<number>();
      const refused = new Set<number>();
      try {
        const before = await timedPost(service.url, OUTAGE_MRS[0]!, "outage-0");
        expect(before.status).toBe(202);
        accepted.add(OUTAGE_MRS[0]!);

        await redis.stop();
        const ready = await fetch(`${service.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({
          checks: expect.arrayContaining([{ name: "queue", ok: false, detail: expect.any(String) }]),
        });

        const during = await Promise.all(OUTAGE_MRS.slice(1).map((n) => timedPost(service.url, n, `outage-${n}`)));
        for (const [i, reply] of during.entries()) {
          const n = OUTAGE_MRS[i + 1]!;
          expect(reply.ms).toBeLessThan(LONGEST_WAIT_MS);
          if (reply.status === 202) accepted.add(n);
          else {
            expect(reply.status).toBe(503);
            expect(reply.res.headers.get("retry-after")).toMatch(/^\d+$/);
            expect(reply.res.headers.get("content-type")).toBe("application/problem+json");
            expect(await reply.res.json()).toMatchObject({ status: 503, code: "queue-unavailable" });
            refused.add(n);
          }
        }
        expect(refused.size).toBeGreaterThan(0);

        // Redis comes back with its data (append-only file); the senders retry what was refused.
        redis = await startRedis({ appendOnly: true, port: redis.port, dir: redis.dir });
        await until(
          "/readyz to see the queue again",
          async () => (await fetch(`${service.url}/readyz`)).status === 200,
          20_000,
        );
        for (const n of refused) {
          const retry = await timedPost(service.url, n, `outage-${n}`);
          expect([n, retry.status]).toEqual([n, 202]);
          expect(await retry.res.json()).toMatchObject({ status: "queued" });
          accepted.add(n);
        }
        await settled(service.service, 60_000);
        const latest = latestStatuses(world.gitlab);
        expect([...accepted].sort().map((n) => [n, latest.get(shaOf(n))])).toEqual(
          [...accepted].sort().map((n) => [n, "success"]),
        );
      } finally {
        await service.stop();
      }
    },
  );

  it("queues a delivery sent to two replicas at the same moment exactly once", { timeout: 90_000 }, async () => {
    const replicas: TestService[] = [
      await startTestService(world, { redisUrl: redis.url }),
      await startTestService(world, { redisUrl: redis.url }),
    ];
    const probe = new Redis(redis.url);
    try {
      for (const n of DUPLICATE_MRS) {
        const replies = await Promise.all(replicas.map((replica) => timedPost(replica.url, n, `dup-${n}`)));
        const outcomes = await Promise.all(
          replies.map(async (r) => (r.status === 202 ? ((await r.res.json()) as { status: string }).status : r.status)),
        );
        // One replica queues it; the other waits for that and says duplicate.
        expect([n, [...outcomes].sort()]).toEqual([n, ["duplicate", "queued"]]);
        // Every enqueue bumps the MR's version: exactly one bump is exactly one job.
        expect([n, await probe.get(`bfd:serve:seq:mr:acme/web!${n}`)]).toEqual([n, "1"]);
      }
    } finally {
      probe.disconnect();
      await Promise.all(replicas.map((replica) => replica.stop()));
    }
  });
});
