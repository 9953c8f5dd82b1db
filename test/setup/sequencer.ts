/**
 * The order test files start in (#26): the longest first, so the workers finish together instead of one of them
 * running a 20-second file alone at the end. Vitest hands files to free workers in the order `sort` returns (its
 * pool is a queue), and by default orders them by the durations it cached from the last run — which a fresh clone
 * (CI) does not have, so it falls back to file size, and the small, slow files (the fuzz targets, the Redis and
 * load runs of `bfd serve`) started last. HEAVIEST names them, longest first, so every run starts them first;
 * every other file keeps Vitest's own order after them.
 *
 * Refresh the list when the shape of the suite changes: `npx vitest run --no-cache --reporter=verbose` and the
 * slowest files of its report (docs/development.md, "How long the suite takes").
 */
import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Test files that take longest on the 2-core CI machine, longest first (paths from the repository root; from the
 * fresh-clone CI run of 2026-12-07 20:16 UTC). */
export const HEAVIEST: readonly string[] = [
  "test/fuzz/fuzz.test.ts",
  "test/e2e/package.test.ts",
  "test/e2e/built-cli.test.ts",
  "test/serve/load.test.ts",
  "test/e2e/faults.test.ts",
  "test/serve/redis-restart.test.ts",
  "test/e2e/board.test.ts",
  "test/serve/redis.test.ts",
  "test/e2e/ci.test.ts",
  "test/e2e/done-live.test.ts",
  "test/integration/gitlab-source.test.ts",
  "test/serve/faults.test.ts",
  "test/serve/redis-outage.test.ts",
  "test/e2e/start.test.ts",
  "test/e2e/cli-basics.test.ts",
  "test/e2e/serve-workers.test.ts",
  "test/unit/markdown-sections.test.ts",
  "test/e2e/real-pipelines.test.ts",
  "test/e2e/redaction.test.ts",
  "test/serve/flow.test.ts",
  "test/e2e/serve.test.ts",
  "test/e2e/progress.test.ts",
  "test/e2e/init.test.ts",
  "test/e2e/ready-live.test.ts",
  "test/serve/evaluator-pool.test.ts",
  "test/e2e/mcp.test.ts",
  "test/e2e/done-several-mrs.test.ts",
  "test/e2e/doctor.test.ts",
];

const rank = new Map(HEAVIEST.map((path, index) => [path, index]));

export default class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rest = await super.sort(files);
    const place = (spec: TestSpecification): number =>
      rank.get(relative(this.ctx.config.root, spec.moduleId).split("\\").join("/")) ?? HEAVIEST.length;
    // Array.prototype.sort is stable: the files HEAVIEST does not name keep Vitest's order among themselves.
    return rest.sort((a, b) => place(a) - place(b));
  }
}
