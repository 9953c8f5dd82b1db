/**
 * Rendered text of every result type other than the gate report (audit, staging, handoff note, rule docs):
 * snapshots pin the exact bytes a user sees, so moving the renderers cannot change them unnoticed.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditIssues } from "../../src/audit/audit.js";
import { ruleDocs, rulesExplain, rulesList } from "../../src/commands/rules.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { composeHandoff } from "../../src/handoff/compose.js";
import { renderAuditPretty } from "../../src/reporters/audit/pretty.js";
import { renderRuleTable } from "../../src/reporters/rule-docs/table.js";
import { visibleWidth } from "../../src/reporters/terminal.js";
import { renderHandoffMarkdown } from "../../src/reporters/handoff/markdown.js";
import { renderRuleReference } from "../../src/reporters/rule-docs/markdown.js";
import { renderStagingMarkdown } from "../../src/reporters/staging/markdown.js";
import { renderStagingPretty } from "../../src/reporters/staging/pretty.js";
import type { StagingResult } from "../../src/staging/result.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { explicitWindow } from "../../src/staging/window.js";
import type { WorkItem } from "../../src/work-item/schema.js";
import { ROOT } from "../helpers/cli.js";
import { captureContext } from "../helpers/context.js";

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const example = (name: string): WorkItem => parseSnapshot(readFileSync(join(ROOT, "examples", name), "utf8"), name);

const plain = { colorLevel: 0 } as const;

describe("audit table", () => {
  const issues = ["ready-pass.json", "ready-fail.json", "done-fail.json"].map((n) => example(n).issue!);
  const result = auditIssues(rules, issues, "2026-11-20T10:00:00.000Z", {
    team: "ENG",
    state: "Ready",
    notStarted: false,
    project: null,
    label: null,
    limit: 250,
  });

  it("lists the issues worst first with a summary (snapshot)", () => {
    expect(renderAuditPretty(result, plain)).toMatchSnapshot();
  });

  it.each([50, 64, 80, 100, 140])("fits a %i-column terminal without breaking a word (#24)", (columns) => {
    const text = renderAuditPretty(result, { ...plain, columns });
    for (const line of text.split("\n")) if (visibleWidth(line) > columns) expect(line.trim()).not.toContain(" ");
    // Every failing rule and the footer's words come out whole.
    const words = new Set(text.split(/[\s,]+/));
    for (const id of result.issues.flatMap((r) => r.failing)) expect(words).toContain(id);
    expect(text.replace(/\s+/g, " ")).toContain("`bfd ready <ISSUE>` shows how to fix each.");
    // A cut title ends at a word: "…" follows a whole word of the title.
    for (const cell of text.match(/\S+…/g) ?? []) expect(cell.slice(0, -1)).not.toMatch(/[^A-Za-z]$/);
  });

  it("says so when no issue matches", () => {
    expect(
      renderAuditPretty(
        { ...result, issues: [], summary: { issues: 0, ready: 0, notReady: 0, withWarnings: 0 } },
        plain,
      ),
    ).toContain("No issues match.");
  });
});

describe("rules list table", () => {
  it.each([40, 60, 80])("fits a %i-column terminal without breaking a word (#24)", (columns) => {
    const docs = ruleDocs(rules, join(ROOT, "rules"));
    const text = renderRuleTable(docs, { ...plain, columns });
    for (const line of text.split("\n")) if (visibleWidth(line) > columns) expect(line.trim()).not.toContain(" ");
    expect(text.replace(/\s+/g, " ")).toBe(renderRuleTable(docs, plain).replace(/\s+/g, " "));
  });
});

describe("staging result", () => {
  const rows: StagingResult["merged"] = [
    {
      reference: "acme/web!421",
      title: "ENG-142 Show sign-in events",
      author: "priya",
      mergedAt: "2026-11-20T09:00:00.000Z",
      mergedAtLocal: "2026-11-20 10:00 +01:00",
      issue: "ENG-142",
      url: "https://gitlab.acme.example/acme/web/-/merge_requests/421",
      state: "not-validated",
      deployedAt: "2026-11-20T13:02:00.000Z",
      deployedAtLocal: "2026-11-20 14:02 +01:00",
      labelAddedAt: null,
      labelAddedAtLocal: null,
    },
    {
      reference: "acme/web!433",
      title: "Tidy the_build",
      author: "omar",
      mergedAt: "2026-11-21T09:00:00.000Z",
      mergedAtLocal: "2026-11-21 10:00 +01:00",
      issue: null,
      url: "https://gitlab.acme.example/acme/web/-/merge_requests/433",
      state: "stale",
      deployedAt: "2026-11-21T13:00:00.000Z",
      deployedAtLocal: "2026-11-21 14:00 +01:00",
      labelAddedAt: "2026-11-21T10:00:00.000Z",
      labelAddedAtLocal: "2026-11-21 11:00 +01:00",
    },
    {
      reference: "acme/web!440",
      title: "Export the audit log",
      author: "ada",
      mergedAt: "2026-11-24T09:00:00.000Z",
      mergedAtLocal: "2026-11-24 10:00 +01:00",
      issue: "ENG-150",
      url: "https://gitlab.acme.example/acme/web/-/merge_requests/440",
      state: "validated",
      deployedAt: "2026-11-24T10:00:00.000Z",
      deployedAtLocal: "2026-11-24 11:00 +01:00",
      labelAddedAt: "2026-11-24T15:00:00.000Z",
      labelAddedAtLocal: "2026-11-24 16:00 +01:00",
    },
    {
      reference: "acme/web!441",
      title: "Late change",
      author: "ada",
      mergedAt: "2026-11-25T09:00:00.000Z",
      mergedAtLocal: "2026-11-25 10:00 +01:00",
      issue: "ENG-151",
      url: "https://gitlab.acme.example/acme/web/-/merge_requests/441",
      state: "not-deployed",
      deployedAt: null,
      deployedAtLocal: null,
      labelAddedAt: null,
      labelAddedAtLocal: null,
    },
  ];
  const result: StagingResult = {
    schemaVersion: 1,
    project: "acme/web",
    deployBranch: "main",
    label: "Validated in Staging",
    environment: "staging",
    timeZone: "Europe/Berlin",
    window: explicitWindow("2026-11-19T12:00", "2026-11-26T12:00", "Europe/Berlin", "2026-11-27T10:00:00.000Z"),
    merged: rows,
    missing: rows.slice(0, 2),
    verdict: "fail",
  };

  it("renders the pretty list (snapshot)", () => {
    expect(renderStagingPretty(result, plain)).toMatchSnapshot();
  });

  it("renders Markdown (snapshot)", () => {
    expect(renderStagingMarkdown(result, plain)).toMatchSnapshot();
  });

  it("says so when nothing is missing", () => {
    const none = { ...result, merged: rows.slice(2), missing: [], verdict: "pass" as const };
    expect(renderStagingPretty(none, plain)).toContain(
      'No deployed merge request in this window is missing "Validated in Staging".',
    );
    expect(renderStagingMarkdown(none, plain)).toContain("### Staging validation: 0 to validate in staging");
  });

  it.each([
    ["not-validated", "✖ acme/web!421", 'Validate in staging now; when it passes, add "Validated in Staging".'],
    [
      "stale",
      "✖ acme/web!433",
      'Labelled before the deploy: validate again in staging, then remove and add "Validated in Staging".',
    ],
    ["not-deployed", "○ acme/web!441", "Wait for the deploy to staging, then validate."],
  ])("tells what to do for a %s MR", (_state, line, action) => {
    const text = renderStagingPretty(result, plain);
    expect(text).toContain(line);
    expect(text).toContain(`→ ${action}`);
  });

  it("says nothing to do for a validated MR", () => {
    const text = renderStagingPretty({ ...result, merged: [rows[2]!], missing: [] }, plain);
    expect(text).toContain("✔ acme/web!440");
    expect(text).not.toContain("    → ");
  });
});

describe("handoff note", () => {
  const options = {
    acceptanceHeadings: ["Acceptance criteria"],
    testedHeadings: ["How tested", "How was this tested", "How it was tested", "Validation", "Testing", "Test plan"],
  };
  it.each(["done-fail.json", "done-pass.json"])("renders the note for %s (snapshot)", (name) => {
    const item = example(name);
    const report = evaluate(rules, item, { gate: "done" });
    const note = composeHandoff("decision", report, item, options);
    expect(renderHandoffMarkdown({ note, report, comment: null }, plain)).toMatchSnapshot();
  });

  const merged = (staging: { deployedAt: string | null; labelAddedAt: string | null }, labels: string[]) => {
    const item = example("done-pass.json");
    return {
      ...item,
      mergeRequest: {
        ...item.mergeRequest!,
        state: "merged" as const,
        mergedAt: "2026-11-20T10:00:00Z",
        labels,
        staging: { environment: "staging", label: "Validated in Staging", deploymentId: 7, ...staging },
      },
    };
  };
  it.each([
    [
      { deployedAt: null, labelAddedAt: null },
      [],
      "merged, not deployed to staging yet: validate once it is deployed.",
    ],
    [
      { deployedAt: "2026-11-20T14:02:00Z", labelAddedAt: null },
      [],
      'deployed to staging 2026-11-20 14:02 UTC; not validated yet (no "Validated in Staging" label).',
    ],
    [
      { deployedAt: "2026-11-20T14:02:00Z", labelAddedAt: "2026-11-20T11:00:00Z" },
      ["Validated in Staging"],
      'labelled "Validated in Staging" 2026-11-20 11:00 UTC, before the deploy: validate again.',
    ],
    [
      { deployedAt: "2026-11-20T14:02:00Z", labelAddedAt: "2026-11-20T16:00:00Z" },
      ["Validated in Staging"],
      'validated ("Validated in Staging" added 2026-11-20 16:00 UTC).',
    ],
  ])("says where the merged MR stands in staging (%j)", (staging, labels, text) => {
    const item = merged(staging, labels);
    const report = evaluate(rules, item, { gate: "done" });
    const note = composeHandoff("staging-validation", report, item, options);
    const markdown = renderHandoffMarkdown({ note, report, comment: null }, plain);
    expect(markdown).toContain("### Staging");
    expect(markdown).toContain(text);
  });

  it("has no staging section while the MR is open", () => {
    const item = example("done-pass.json");
    const report = evaluate(rules, item, { gate: "done" });
    const markdown = renderHandoffMarkdown(
      { note: composeHandoff("in-review", report, item, options), report, comment: null },
      plain,
    );
    expect(markdown).not.toContain("### Staging");
  });
});

describe("rule docs", () => {
  it.each(["table", "json"] as const)("lists the rules as %s (snapshot)", async (format) => {
    const { ctx, stdout } = captureContext();
    await rulesList(ctx, format, undefined);
    expect(stdout()).toMatchSnapshot();
  });

  it("renders the Markdown reference that docs/rules.md holds", () => {
    expect(renderRuleReference(ruleDocs(rules, join(ROOT, "rules")), plain)).toBe(
      readFileSync(join(ROOT, "docs/rules.md"), "utf8"),
    );
  });

  it.each(["validated-in-pipeline", "changed-paths", "field"])("explains %s (snapshot)", (id) => {
    const { ctx, stdout } = captureContext();
    rulesExplain(ctx, id);
    expect(stdout()).toMatchSnapshot();
  });
});
