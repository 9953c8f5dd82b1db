import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import type { WorkItem } from "../../src/work-item/schema.js";
import { ROOT } from "../helpers/cli.js";
import { withMr } from "../helpers/work-item.js";

const config = `
extends: none
rules:
  - gate: done
    id: mr-labelled
    title: The merge request carries the ready label
    check: labels
    with: { on: mergeRequest, all: [ready] }
  - gate: done
    id: issue-labelled
    title: The issue carries the feature label
    check: labels
    with: { on: issue, all: [feature] }
`;
const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: { path: "bfd.config.yaml", text: config },
  readRuleFile: () => null,
}).rules;

/** The issue with two open MRs: the first labelled ready, the second (`!13`) as `second` says. */
function twoMrs(second: Partial<WorkItem["otherMergeRequests"][number]> & { labels?: string[] }): WorkItem {
  const base = withMr({ labels: ["ready"] });
  const first = base.mergeRequest!;
  const issue = { ...base.issue!, labels: [...base.issue!.labels, "feature"] };
  return {
    ...base,
    issue,
    otherMergeRequests: [
      {
        mergeRequest: { ...first, iid: 13, url: `${first.url.replace(/\d+$/, "")}13`, labels: second.labels ?? [] },
        unavailable: second.unavailable ?? [],
      },
    ],
  };
}

const ref = (item: WorkItem, iid: number): string => `${item.mergeRequest!.projectPath}!${iid}`;

describe("an issue with several open merge requests", () => {
  it("judges a rule that reads a merge request once per MR, naming each, and the worst verdict wins", () => {
    const item = twoMrs({ labels: [] });
    const report = evaluate(rules, item, { gate: "done" });
    expect(report.results.map((r) => [r.rule, r.mergeRequest ?? null, r.status])).toEqual([
      ["mr-labelled", ref(item, item.mergeRequest!.iid), "pass"],
      ["mr-labelled", ref(item, 13), "fail"],
      ["issue-labelled", null, "pass"],
    ]);
    expect(report.verdict).toBe("fail");
    expect(report.mergeRequests?.map((mr) => mr.iid)).toEqual([item.mergeRequest!.iid, 13]);
    expect(report.summary).toMatchObject({ passed: 2, failed: 1 });
  });

  it("passes when every MR passes", () => {
    const report = evaluate(rules, twoMrs({ labels: ["ready"] }), { gate: "done" });
    expect(report.verdict).toBe("pass");
    expect(report.results).toHaveLength(3);
  });

  it("holds evidence one MR could not be read against that MR alone", () => {
    const item = twoMrs({ labels: ["ready"], unavailable: [{ evidence: "mergeRequest", reason: "403 Forbidden" }] });
    const report = evaluate(rules, item, { gate: "done" });
    expect(report.results.filter((r) => r.rule === "mr-labelled").map((r) => r.status)).toEqual(["pass", "error"]);
  });

  it("reports one MR as before, with no MR named on any result", () => {
    const report = evaluate(rules, withMr({ labels: ["ready"] }), { gate: "done" });
    expect(report.mergeRequests).toBeUndefined();
    expect(report.results.every((r) => r.mergeRequest === undefined)).toBe(true);
  });
});
