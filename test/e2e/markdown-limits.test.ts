import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/schema.js";
import { ROOT, readJson, runCli, tempDir, writeJson } from "../helpers/cli.js";

interface Snapshot {
  issue: { description: string };
  mergeRequest: { description: string; changes: { oldPath: string; newPath: string; newFile: boolean }[] };
}
const dir = tempDir();
const doneWith = (change: (s: Snapshot) => void): string => {
  const snapshot = readJson<Snapshot>(join(ROOT, "examples/done-pass.json"));
  change(snapshot);
  return writeJson(join(dir, `done-${Math.random().toString(36).slice(2)}.json`), snapshot);
};

async function done(file: string, extra: string[] = []): Promise<{ code: number | null; report: Report }> {
  const result = await runCli(["done", "--snapshot", file, "--format", "json", ...extra], { timeoutMs: 60_000 });
  expect(result.stderr).toBe("");
  return { code: result.code, report: JSON.parse(result.stdout) as Report };
}

const acceptanceCriteria = (report: Report) => report.results.find((r) => r.rule === "acceptance-criteria-met");

describe("descriptions bfd will not parse, and parsing that cannot be made slow (built CLI)", () => {
  it("fails the gate with an error naming the size limit for a 5 MB description", async () => {
    const file = doneWith((s) => {
      s.issue.description += `\n\n${"Pasted log line with some words in it.\n".repeat(130_000)}`;
    });
    const { code, report } = await done(file);
    expect(code).toBe(1);
    expect(acceptanceCriteria(report)).toMatchObject({
      status: "error",
      message: expect.stringMatching(
        /^The issue description is 5,\d{3},\d{3} characters long; bfd reads at most 2,000,000 characters of Markdown/,
      ),
    });
  });

  it("fails the gate with an error naming the nesting limit for a block quote nested 20,000 deep", async () => {
    const file = doneWith((s) => {
      s.issue.description += `\n\n${">".repeat(20_000)} deep`;
    });
    const { code, report } = await done(file);
    expect(code).toBe(1);
    expect(acceptanceCriteria(report)?.message).toMatch(/nests block quotes or lists more than 999 levels deep/);
  });

  it("still reads a 1 MB description with a short acceptance-criteria section", async () => {
    const file = doneWith((s) => {
      s.issue.description += `\n\n## Notes\n\n${"Prose with a [link](https://x.example) and `code`.\n\n```\nlog\n```\n\n".repeat(14_000)}`;
    });
    const { code, report } = await done(file);
    expect(acceptanceCriteria(report)?.status).toBe("pass");
    expect(code).toBe(0);
  });

  it("matches a team's many-star glob against a 250-character file name", async () => {
    const name = `db/${"_".repeat(250)}.sq`;
    const file = doneWith((s) => {
      s.mergeRequest.changes.push({ oldPath: name, newPath: name, newFile: true });
    });
    const config = join(dir, "bfd.config.yaml");
    writeJson(config, {
      extends: "builtin",
      override: { "user-docs-updated": { with: { ifChanged: ["**/*_*_*_*_*.sql"] } } },
    });
    const { report } = await done(file, ["--config", config]);
    expect(report.results.find((r) => r.rule === "user-docs-updated")).toMatchObject({
      status: "skipped",
      message: "Not needed: no changed file matches **/*_*_*_*_*.sql",
    });
  });
});
