import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shaOf } from "../helpers/delivery-world.js";
import { latestStatuses, settled, startTestService, startWorld, type TestService, type World } from "./harness.js";
import { FIRST_MR, LOAD_MRS, loadCases, redMrs, sendLoad } from "./load.js";

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld(loadCases());
  serve = await startTestService(world);
});
afterAll(async () => {
  await serve.stop();
  await world.close();
});

describe("500 signed deliveries in 10 s, bursts on the same MRs", () => {
  it(
    "acknowledges every one and leaves each MR with one bfd/done status matching its final state",
    { timeout: 90_000 },
    async () => {
      const result = await sendLoad(serve.url, world, 500, 10_000);
      expect(result.statuses.filter((s) => s !== 202)).toEqual([]);
      expect(result.statuses).toHaveLength(500 + LOAD_MRS);
      // Coalescing: while deliveries pour in, the queue holds at most one waiting job per MR or issue.
      const depth = await serve.service.queue.depth();
      expect(depth.waiting).toBeLessThanOrEqual(2 * LOAD_MRS);
      await settled(serve.service, 60_000);

      const red = new Set(redMrs());
      const latest = latestStatuses(world.gitlab);
      for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1) {
        expect([n, latest.get(shaOf(n))]).toEqual([n, red.has(n) ? "failed" : "success"]);
      }
      // GitLab lists exactly one bfd/done status per head commit (its latest), and far fewer writes than deliveries.
      const listed = await fetch(
        `${world.gitlab.url}/api/v4/projects/acme%2Fweb/repository/commits/${shaOf(FIRST_MR)}/statuses`,
        { headers: { "private-token": "glpat-fake-personal-0001" } },
      );
      expect(((await listed.json()) as { name: string }[]).filter((s) => s.name === "bfd/done")).toHaveLength(1);
      expect(world.gitlab.world.commitStatuses.length).toBeLessThan(4 * LOAD_MRS);
      // One note per MR, never two.
      for (let n = FIRST_MR; n < FIRST_MR + LOAD_MRS; n += 1)
        expect(world.gitlab.world.notes.filter((note) => note.mergeRequestIid === n)).toHaveLength(1);
    },
  );
});
