import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { findWaiverLines } from "../../src/engine/waivers.js";
import type { BfdError } from "../../src/errors.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet, type RuleSet } from "../../src/rules/load.js";
import { ROOT } from "../helpers/cli.js";
import { md, withIssue, withMr } from "../helpers/work-item.js";

const TEMPLATE = md("## Acceptance criteria", "- [ ] Criterion as the user sees it", "", "## Context");

function problemsOf(config: string): readonly string[] {
  try {
    load(config);
  } catch (error) {
    return (error as BfdError).details ?? [];
  }
  return [];
}

function load(config: string, files: Record<string, string> = {}): RuleSet {
  return loadRuleSet({
    builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
    configFile: { path: "bfd.config.yaml", text: config },
    readRuleFile: (name) => (name in files ? { path: name, text: files[name]! } : null),
  });
}

const statusOf = (ruleSet: RuleSet, description: string, id: string): string | undefined =>
  evaluate(ruleSet.rules, withIssue({ description }), { gate: "ready", evidence: ruleSet.evidence }).results.find(
    (r) => r.rule === id,
  )?.status;

describe("evidence: in bfd.config.yaml reaches every rule (#22)", () => {
  const sloppy = md("## Acceptance criteria", "- [ ] À définir", "", "## Open questions", "- à définir");

  it("makes the team's placeholder words no criteria and no question", () => {
    const french = load("evidence:\n  placeholders: ['À définir']\n");
    expect(statusOf(french, sloppy, "acceptance-criteria-present")).toBe("fail");
    expect(statusOf(french, sloppy, "open-questions")).toBe("pass");
    const plain = load("{}\n");
    expect(statusOf(plain, sloppy, "acceptance-criteria-present")).toBe("pass");
    expect(statusOf(plain, sloppy, "open-questions")).toBe("fail");
  });

  it("reads the Linear issue template from a file relative to the config, and inline", () => {
    const copied = md("## Acceptance criteria", "- [ ] Criterion as the user sees it");
    for (const config of [
      "evidence:\n  issueTemplates: [{ file: templates/issue.md }]\n",
      `evidence:\n  issueTemplates:\n    - |\n${TEMPLATE.replace(/^/gm, "      ")}\n`,
    ]) {
      const ruleSet = load(config, { "templates/issue.md": TEMPLATE });
      expect(statusOf(ruleSet, copied, "acceptance-criteria-present")).toBe("fail");
      expect(
        statusOf(ruleSet, md("## Acceptance criteria", "- [ ] Exports finish in 5 s"), "acceptance-criteria-present"),
      ).toBe("pass");
    }
  });

  it("reports an issue template file that does not exist at its entry, with the fix", () => {
    expect(problemsOf("evidence:\n  issueTemplates:\n    - { file: nowhere.md }\n")).toEqual([
      expect.stringMatching(
        /bfd\.config\.yaml:3:\d+ .*issue template "nowhere\.md" not found \(paths are relative to the config file\)/,
      ),
    ]);
  });

  it("rejects an unknown key under evidence:", () => {
    expect(problemsOf("evidence:\n  placeholder: [x]\n")).toEqual([expect.stringMatching(/placeholder/)]);
  });

  it("gives a waiver whose reason is one of the team's words no reason", () => {
    const item = withMr({ description: md("bfd-waive: user-docs-updated à définir") });
    const ruleSet = load("evidence:\n  placeholders: ['à définir']\n");
    expect(findWaiverLines(item, ruleSet.evidence.placeholders)[0]?.reason).toBe("");
    expect(findWaiverLines(item)[0]?.reason).toBe("à définir");
  });
});
