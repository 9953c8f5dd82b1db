import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { ROOT } from "../helpers/cli.js";
import { item, withMr } from "../helpers/work-item.js";

const config = `
extends: none
rules:
  - gate: done
    id: green-mrs-are-labelled
    title: Green merge requests carry the ready label
    check: labels
    with: { on: mergeRequest, all: [ready] }
    when: { field: mergeRequest.headPipeline.status, equals: success }
`;
const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: { path: "bfd.config.yaml", text: config },
  readRuleFile: () => null,
}).rules;

describe("a when: condition over evidence", () => {
  it("skips the rule, with the reason, when the condition does not hold", () => {
    const report = evaluate(rules, withMr({ headPipeline: { id: 1, status: "failed", url: null } }), { gate: "done" });
    expect(report.results[0]).toMatchObject({
      status: "skipped",
      message: 'Only applies when mergeRequest.headPipeline.status is "success"',
    });
  });

  it("applies the rule when the condition holds", () => {
    const report = evaluate(rules, withMr({ headPipeline: { id: 1, status: "success", url: null } }), { gate: "done" });
    expect(report.results[0]?.status).toBe("fail");
  });

  it("is an error, never a skip, when the evidence it reads could not be read", () => {
    const unreadable = {
      ...withMr({}),
      unavailable: [{ evidence: "mergeRequest.headPipeline" as const, reason: "CI_JOB_TOKEN cannot read pipelines" }],
    };
    const report = evaluate(rules, unreadable, { gate: "done" });
    expect(report.results[0]).toMatchObject({
      status: "error",
      message: "Could not read mergeRequest.headPipeline: CI_JOB_TOKEN cannot read pipelines",
    });
    expect(report.verdict).toBe("fail");
  });

  it("leaves issue-only work items alone", () => {
    expect(evaluate(rules, item({}), { gate: "done" }).results[0]?.status).toBe("skipped");
  });
});
