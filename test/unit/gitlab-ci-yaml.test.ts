import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli.js";

type Job = {
  script?: unknown;
  rules?: { if?: string }[];
  artifacts?: { when?: string; reports?: Record<string, string> };
  allow_failure?: unknown;
  stage?: string;
};
const load = (path: string): Record<string, unknown> =>
  parse(readFileSync(join(ROOT, path), "utf8"), { merge: true }) as Record<string, unknown>;

describe("GitLab CI files", () => {
  it("the reusable job runs bfd ci on merge-request pipelines and uploads both reports even when it fails", () => {
    const job = load("docs/gitlab-ci/bfd.gitlab-ci.yml").bfd as Job;
    const script = JSON.stringify(job.script);
    expect(script).toContain(" ci");
    expect(script).toContain("--report junit=bfd-junit.xml");
    expect(script).toContain("--report codequality=gl-code-quality-report.json");
    expect(job.rules?.some((r) => r.if === '$CI_PIPELINE_SOURCE == "merge_request_event"')).toBe(true);
    expect(job.artifacts?.when).toBe("always");
    expect(job.artifacts?.reports).toEqual({ junit: "bfd-junit.xml", codequality: "gl-code-quality-report.json" });
  });

  it("the reusable job shows the opt-in fail-open line for outages (exit 3)", () => {
    const text = readFileSync(join(ROOT, "docs/gitlab-ci/bfd.gitlab-ci.yml"), "utf8");
    expect(text).toMatch(/#\s*allow_failure:\n\s*#\s*exit_codes: \[3\]/);
  });

  it("bfd's own pipeline installs with a cache, then typechecks, lints, tests and packs", () => {
    const ci = load(".gitlab-ci.yml");
    const jobs = ["typecheck", "lint", "test", "pack"].map((name) => [name, ci[name] as Job] as const);
    for (const [name, job] of jobs) expect(job, name).toBeDefined();
    expect(JSON.stringify((ci.default as { cache?: unknown }).cache)).toContain("package-lock.json");
    expect(JSON.stringify(ci.typecheck)).toContain("npm run typecheck");
    expect(JSON.stringify(ci.lint)).toContain("npm run lint");
    expect(JSON.stringify(ci.test)).toContain("vitest run");
    expect(JSON.stringify(ci.pack)).toContain("npm pack");
    expect((ci.test as Job).artifacts?.reports?.junit).toBe("junit.xml");
  });
});
