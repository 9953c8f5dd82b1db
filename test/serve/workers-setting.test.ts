import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ServeConfigSchema } from "../../src/rules/schema.js";
import { serveSettings } from "../../src/serve/settings.js";

const ENV = { BFD_LINEAR_WEBHOOK_SECRET: "linear-secret", BFD_GITLAB_WEBHOOK_TOKEN: "gitlab-token" };
const workersFor = (serve: Record<string, unknown>): number =>
  serveSettings(ENV, ServeConfigSchema.parse(serve), { port: "0" }).workers;

describe("serve.workers: the evaluation worker threads", () => {
  it.each<[string, Record<string, unknown>, number]>([
    ["default: the cores available but one, at least one", {}, Math.min(4, Math.max(1, availableParallelism() - 1))],
    ["as set", { workers: 3 }, 3],
    ["never more than the jobs run at once (more could never be busy)", { workers: 8, concurrency: 2 }, 2],
  ])("%s", (_, serve, expected) => {
    expect(workersFor(serve)).toBe(expected);
  });

  it.each([0, 65, 1.5])("refuses %s in bfd.config.yaml", (workers) => {
    expect(ServeConfigSchema.safeParse({ workers }).success).toBe(false);
  });
});
