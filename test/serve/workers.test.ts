import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_PATH, shaOf } from "../helpers/delivery-world.js";
import {
  latestStatuses,
  mergeRequestEvent,
  postGitLab,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

// The title tells the stand-in worker what to do (test/serve/misbehaving-worker.mjs).
const CRASHES = 720;
const HANGS = 721;
let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld([
    { n: CRASHES, title: "crash" },
    { n: HANGS, title: "hang" },
  ]);
  serve = await startTestService(world, {
    config: { projects: [PROJECT_PATH], workers: 1 },
    workerEntry: { file: new URL("./misbehaving-worker.mjs", import.meta.url) },
    evaluationDeadlineMs: 1_500,
  });
});
afterAll(async () => {
  await serve.stop();
  await world.close();
});

async function until(done: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const by = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > by) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const replacements = async (reason: string): Promise<number> => {
  const text = await (await fetch(`${serve.url}/metrics`)).text();
  const sample = new RegExp(`^bfd_evaluation_worker_replacements_total\\{reason="${reason}"\\} (\\d+)`, "m").exec(text);
  return Number(sample?.[1] ?? 0);
};

describe("an evaluation whose worker thread fails", () => {
  it.each([
    ["crashes", CRASHES, "crashed", /^\[bfd serve\] Done not judged: the evaluation's worker stopped/],
    ["runs past the deadline", HANGS, "deadline", /^\[bfd serve\] Done not judged: /],
  ])(
    "publishes 'not judged' when the worker %s, replaces the worker, and retries the job — never a pass",
    { timeout: 40_000 },
    async (_, n, reason, description) => {
      expect((await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(n))).status).toBe(202);
      await until(() => latestStatuses(world.gitlab).has(shaOf(n)));
      const statuses = world.gitlab.world.commitStatuses.filter((s) => s.sha === shaOf(n));
      expect(statuses.at(-1)!.state).toBe("failed");
      expect(statuses.at(-1)!.description).toMatch(description);
      await until(async () => (await replacements(reason)) >= 1);
      await until(() => serve.logs.some((line) => line.includes(`mr:${PROJECT_PATH}!${n}: will retry`)));
      expect(statuses.map((s) => s.state)).not.toContain("success");
    },
  );
});
