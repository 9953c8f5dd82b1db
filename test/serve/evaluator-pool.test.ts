import { afterEach, describe, expect, it } from "vitest";
import { join } from "node:path";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { fromPortableRules, toPortableRules } from "../../src/rules/portable-rules.js";
import { createEvaluatorPool, type Evaluator, type WorkerReplaced } from "../../src/serve/evaluator.js";
import { RetryLater } from "../../src/serve/job.js";
import { md, withIssue } from "../helpers/work-item.js";

const ROOT = join(import.meta.dirname, "..", "..");
const misbehaving = { file: new URL("./misbehaving-worker.mjs", import.meta.url) };
const pools: Evaluator[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

async function pool(options: Parameters<typeof createEvaluatorPool>[0]): Promise<Evaluator> {
  const made = await createEvaluatorPool(options);
  pools.push(made);
  return made;
}

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const titled = (title: string) => withIssue({ title });

describe("bfd serve's evaluation workers", () => {
  it("take every built-in rule as plain data: structured clone copies it, and its check kind comes back by id", () => {
    const crossed = fromPortableRules(structuredClone(toPortableRules(rules)));
    expect(crossed.map((rule) => rule.kind)).toEqual(rules.map((rule) => rule.kind));
    expect(crossed.map(({ kind: _, ...rest }) => rest)).toEqual(rules.map(({ kind: _, ...rest }) => rest));
  });

  it("give the report the engine gives on the calling thread (the real worker, from sources)", async () => {
    const workers = await pool({ size: 1, deadlineMs: 60_000 });
    const item = withIssue({
      title: "Show sign-in events",
      description: md("## Acceptance criteria", "", "- [x] Events are listed", "", "## Notes", "", "x".repeat(5_000)),
    });
    for (const gate of ["ready", "done"] as const) {
      expect(await workers.evaluate(rules, item, { gate })).toEqual(evaluate(rules, item, { gate }));
    }
    expect(workers.stats()).toEqual({ size: 1, busy: 0, waiting: 0 });
  });

  it("run at most `size` evaluations at once; the rest wait in line, in order", async () => {
    const workers = await pool({ size: 1, deadlineMs: 60_000, entry: misbehaving });
    const answers = ["a", "b", "c"].map((t) => workers.evaluate(rules, titled(t), { gate: "ready" }));
    expect(workers.stats()).toEqual({ size: 1, busy: 1, waiting: 2 });
    expect((await Promise.all(answers)).map((r) => (r as unknown as { title: string }).title)).toEqual(["a", "b", "c"]);
  });

  it.each<[string, WorkerReplaced, RegExp]>([
    ["crashes", "crashed", /worker stopped \(it exited with code 7\)/],
    ["overruns the deadline", "deadline", /did not finish within 1 s; its worker was stopped/],
  ])(
    "replace a worker that %s: its evaluation is retried later (RetryLater), the next one runs",
    async (_, why, message) => {
      const replaced: WorkerReplaced[] = [];
      const workers = await pool({
        size: 1,
        deadlineMs: 1_000,
        entry: misbehaving,
        onReplaced: (reason) => replaced.push(reason),
      });
      const bad = workers.evaluate(rules, titled(why === "crashed" ? "crash" : "hang"), { gate: "ready" });
      const next = workers.evaluate(rules, titled("after"), { gate: "ready" });
      const failure = await bad.catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(RetryLater);
      expect((failure as Error).message).toMatch(message);
      expect(replaced).toEqual([why]);
      expect(await next).toMatchObject({ title: "after" });
      expect(workers.stats()).toMatchObject({ size: 1, busy: 0 });
    },
  );

  it("pass on an engine's error as an error, keeping the worker", async () => {
    const replaced: WorkerReplaced[] = [];
    const workers = await pool({
      size: 1,
      deadlineMs: 60_000,
      entry: misbehaving,
      onReplaced: (r) => replaced.push(r),
    });
    await expect(workers.evaluate(rules, titled("throw"), { gate: "ready" })).rejects.toThrow("the engine failed");
    expect(await workers.evaluate(rules, titled("fine"), { gate: "ready" })).toMatchObject({ title: "fine" });
    expect(replaced).toEqual([]);
  });

  it("refuse to start when the worker cannot start, and answer RetryLater once stopping", async () => {
    await expect(
      createEvaluatorPool({ size: 1, deadlineMs: 1_000, entry: { file: join(ROOT, "no-such-worker.cjs") } }),
    ).rejects.toThrow(/did not start/);
    const workers = await pool({ size: 2, deadlineMs: 60_000, entry: misbehaving });
    const hanging = expect(workers.evaluate(rules, titled("hang"), { gate: "ready" })).rejects.toBeInstanceOf(
      RetryLater,
    );
    await workers.close();
    await hanging;
    await expect(workers.evaluate(rules, titled("late"), { gate: "ready" })).rejects.toBeInstanceOf(RetryLater);
  });
});
