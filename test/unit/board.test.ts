import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { auditIssues } from "../../src/audit/audit.js";
import {
  backlogSection,
  capMergeRequests,
  cellStatus,
  judgeIssues,
  linearIssueUrl,
  releaseSection,
  reviewSection,
  since,
  type CellStatus,
  type JudgedMergeRequest,
} from "../../src/board/board.js";
import { releaseTimeline } from "../../src/board/timeline.js";
import type { Report, RuleResult } from "../../src/report/schema.js";
import { href, html, jsonForScript } from "../../src/reporters/board/escape.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import type { StagingResult, StagingRow } from "../../src/staging/result.js";
import { IssueSchema, type Issue } from "../../src/work-item/schema.js";
import { ROOT } from "../helpers/cli.js";

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const NOW = "2026-11-27T08:00:00.000Z";
const FILTER = { team: "ENG", state: null, notStarted: true, project: null, label: null, limit: 250 };
const CRITERIA = "\n\n## Acceptance criteria\n\n- [ ] it works\n";
const PROJECT = {
  name: "Billing",
  content: "Invoices on the ledger, answering [IC-42](https://index.example/challenges/IC-42) in full detail.",
};

function issue(n: number, patch: Partial<Omit<Issue, "identifier">> = {}): Issue {
  return IssueSchema.parse({
    identifier: `ENG-${n}`,
    title: `Issue ${n}`,
    url: `https://linear.app/acme/issue/ENG-${n}/issue-${n}`,
    description: `Do it.${CRITERIA}`,
    state: { name: "Ready", type: "unstarted" },
    teamKey: "ENG",
    estimate: 2,
    project: PROJECT,
    ...patch,
  });
}

describe("cellStatus: a rule's result in the heat map's words", () => {
  it.for([
    ["pass", "error", "pass"],
    ["pass", "warning", "pass"],
    ["fail", "error", "fail"],
    ["fail", "warning", "warning"],
    ["error", "error", "error"],
    ["waived", "error", "waived"],
    ["skipped", "error", "skipped"],
  ] as [RuleResult["status"], RuleResult["severity"], CellStatus][])(
    "%s at %s severity → %s",
    ([status, severity, cell]) => {
      expect(cellStatus({ status, severity })).toBe(cell);
    },
  );
});

describe("backlogSection: the heat map, worst first, the most missed rule first", () => {
  const issues = [
    issue(1), // ready
    issue(2, { description: "No criteria here." }), // acceptance criteria missing
    issue(3, { description: "No criteria.", project: null }), // criteria, specification and challenge
    issue(4, { description: `Do it.${CRITERIA}\n## Open questions\n\n- Which colours?\n` }), // a warning only
    issue(5, { estimate: 8 }), // too big for one unit of work
    issue(10, { description: "No criteria." }), // as bad as ENG-2: sorted by number after it
  ];
  const section = backlogSection(rules, judgeIssues(rules, issues, NOW), FILTER, false);

  it("orders issues as bfd audit does: failing error rules outweigh warnings, then by key", () => {
    expect(section.issues.map((r) => r.identifier)).toEqual(["ENG-3", "ENG-2", "ENG-5", "ENG-10", "ENG-4", "ENG-1"]);
    expect(section.issues.map((r) => r.identifier)).toEqual(
      auditIssues(rules, issues, NOW, FILTER).issues.map((r) => r.identifier),
    );
  });

  it.for([
    ["acceptance-criteria-present", { fail: 3, pass: 3 }, 3],
    ["unit-of-work", { fail: 1, pass: 5 }, 1],
    ["traceable-to-specification", { fail: 1, pass: 5 }, 1],
    ["open-questions", { warning: 1, pass: 5 }, 1],
    ["active-issue-matches", { skipped: 6 }, 0],
  ] as const)("counts %s per status", ([id, counts, missed]) => {
    const rule = section.rules.find((r) => r.id === id)!;
    expect(rule.counts).toEqual({ pass: 0, fail: 0, warning: 0, waived: 0, skipped: 0, error: 0, ...counts });
    expect(rule.missed).toBe(missed);
  });

  it("puts the most missed rule first, keeping the rule files' order among equals", () => {
    const missed = section.rules.map((r) => r.missed);
    expect(missed).toEqual([...missed].sort((a, b) => b - a));
    expect(section.rules[0]!.id).toBe("acceptance-criteria-present");
    expect(section.rules.filter((r) => r.missed === 1).map((r) => r.id)).toEqual([
      "unit-of-work",
      "traceable-to-specification",
      "traceable-to-challenge",
      "open-questions",
    ]);
  });

  it("gives each row one cell per column, with the message, and the fix only where there is one", () => {
    const worst = section.issues[0]!;
    expect(worst.cells).toHaveLength(section.rules.length);
    const criteria = worst.cells[0]!;
    expect(criteria).toMatchObject({ status: "fail", message: expect.stringContaining("Acceptance criteria") });
    // The row is the issue: its address reads "the issue" in the hint.
    expect(criteria.hint).toContain("to the issue with one checklist item");
    expect(criteria.hint).not.toContain("https://");
    const ready = section.issues.at(-1)!;
    expect(ready.verdict).toBe("pass");
    expect(ready.cells.every((c) => c.hint === null)).toBe(true);
    expect(section.summary).toEqual({ issues: 6, ready: 2, notReady: 4, withWarnings: 1 });
  });
});

describe("releaseTimeline: where now is between the cut-off and the release", () => {
  const calendar = {
    timeZone: "Europe/Berlin",
    cutoff: { weekday: "thursday", time: "12:00" },
    release: { weekday: "tuesday", time: "10:00" },
  } as const;

  it.for([
    // Friday after the cut-off: validation, the window closed Thursday, the release is Tuesday.
    ["2026-11-27T08:00:00.000Z", "validation", "Thu 19 Nov 12:00", "Thu 26 Nov 12:00", "Tue 1 Dec 10:00"],
    // Wednesday after the release: collecting for the release after next Thursday's cut-off.
    ["2026-12-02T08:00:00.000Z", "collecting", "Thu 26 Nov 12:00", "Thu 3 Dec 12:00", "Tue 8 Dec 10:00"],
    // The cut-off itself starts validation; across the end of summer time the wall-clock times hold.
    ["2026-10-29T11:00:00.000Z", "validation", "Thu 22 Oct 12:00", "Thu 29 Oct 12:00", "Tue 3 Nov 10:00"],
  ] as const)("at %s: %s", ([now, phase, start, cutoff, release]) => {
    const t = releaseTimeline(calendar, now);
    expect([t.phase, t.start.local, t.cutoff.local, t.release.local]).toEqual([phase, start, cutoff, release]);
    expect(t.position.now).toBeGreaterThanOrEqual(0);
    expect(t.position.now).toBeLessThanOrEqual(1);
    expect(phase === "validation" ? t.position.now >= t.position.cutoff : t.position.now < t.position.cutoff).toBe(
      true,
    );
  });
});

describe("releaseSection and reviewSection", () => {
  const row = (iid: number, state: StagingRow["state"], deployedAt: string | null): StagingRow => ({
    reference: `acme/web!${iid}`,
    title: `Change ${iid}`,
    author: "grace",
    mergedAt: "2026-11-20T09:00:00.000Z",
    mergedAtLocal: "2026-11-20 10:00 +01:00",
    issue: iid === 3 ? null : `ENG-${iid}`,
    url: `https://gitlab.example/acme/web/-/merge_requests/${iid}`,
    state,
    deployedAt,
    deployedAtLocal: deployedAt,
    labelAddedAt: null,
    labelAddedAtLocal: null,
  });
  const staging: StagingResult = {
    schemaVersion: 1,
    project: "acme/web",
    deployBranch: "main",
    label: "Validated in Staging",
    environment: "staging",
    timeZone: "Europe/Berlin",
    window: { start: "2026-11-19T11:00:00.000Z", end: "2026-11-26T11:00:00.000Z", mandatory: true, description: "…" },
    merged: [
      row(1, "validated", "2026-11-25T06:30:00.000Z"),
      row(2, "not-validated", "2026-11-24T08:00:00.000Z"),
      row(3, "not-deployed", null),
    ],
    missing: [],
    verdict: "fail",
  };
  const calendar = {
    timeZone: "Europe/Berlin",
    cutoff: { weekday: "thursday", time: "12:00" },
    release: { weekday: "tuesday", time: "10:00" },
  } as const;

  it("counts the staging states, says how long ago each deploy was, and links the issues it can", () => {
    const section = releaseSection({
      calendar,
      now: NOW,
      staging,
      knownIssueUrls: ["https://gitlab.example/x", "https://linear.app/acme/issue/ENG-9/x"],
    });
    expect(section.staging!.counts).toEqual({ "not-deployed": 1, "not-validated": 1, stale: 0, validated: 1 });
    expect(section.staging!.merged.map((r) => r.sinceDeploy)).toEqual([
      "2 d 1 h 30 min".replace(" 30 min", ""),
      "3 d",
      null,
    ]);
    expect(section.staging!.merged.map((r) => r.issue)).toEqual([
      { identifier: "ENG-1", url: "https://linear.app/acme/issue/ENG-1" },
      { identifier: "ENG-2", url: "https://linear.app/acme/issue/ENG-2" },
      null,
    ]);
    expect(releaseSection({ calendar, now: NOW, staging: null, knownIssueUrls: [] }).staging).toBeNull();
  });

  it.for([
    ["2026-11-27T07:59:00.000Z", "1 min"],
    ["2026-11-27T05:00:00.000Z", "3 h"],
    ["2026-11-27T04:45:00.000Z", "3 h 15 min"],
    ["2026-11-25T08:00:00.000Z", "2 d"],
    ["2026-11-28T08:00:00.000Z", "0 min"],
  ] as [string, string][])("since(%s) at the board's time is %s", ([from, text]) => {
    expect(since(from, NOW)).toBe(text);
  });

  it.for([
    [["https://linear.app/acme/issue/ENG-1/title"], "https://linear.app/acme/issue/ENG-7"],
    [["https://gitlab.example/acme/web/-/merge_requests/1"], null],
    [[], null],
  ] as [string[], string | null][])("links a key from the workspace of %j", ([known, url]) => {
    expect(linearIssueUrl("ENG-7", known)).toBe(url);
  });

  const report = (verdict: "pass" | "fail", failing: string[]): Report => ({
    schemaVersion: 1,
    gate: "done",
    verdict,
    issue: { identifier: "ENG-1", title: "One", url: "https://linear.app/acme/issue/ENG-1/one" },
    mergeRequest: null,
    summary: { passed: 0, failed: failing.length, warnings: 0, waived: 0, skipped: 0, errored: 0 },
    results: failing.map((rule) => ({
      rule,
      title: rule,
      severity: rule.startsWith("warn") ? "warning" : "error",
      status: "fail",
      message: `${rule} failed`,
      hint: "fix it",
      evidence: [],
      waiver: null,
      location: { path: "rules/done.yaml", line: 1 },
    })),
    notices: [],
  });
  const mr = (iid: number, updatedAt: string, outcome: JudgedMergeRequest["outcome"]): JudgedMergeRequest => ({
    mergeRequest: {
      reference: `acme/web!${iid}`,
      title: `MR ${iid}`,
      url: `https://gitlab.example/acme/web/-/merge_requests/${iid}`,
      author: "ada",
      draft: false,
      targetBranch: "main",
      updatedAt,
    },
    outcome,
    judgedAt: NOW,
  });

  it("puts MRs that are not done first, then the unjudged, then the done; failing rules before warnings", () => {
    const section = reviewSection({
      projects: ["acme/web"],
      total: 60,
      rules: "target branch",
      judged: [
        mr(1, "2026-11-26T00:00:00Z", { report: report("pass", []) }),
        mr(2, "2026-11-25T00:00:00Z", { report: report("fail", ["warn-x", "validated-in-pipeline"]) }),
        mr(3, "2026-11-26T00:00:00Z", { problem: "GitLab answered 503" }),
        mr(4, "2026-11-26T00:00:00Z", { report: report("fail", ["criteria-met"]) }),
      ],
    });
    expect(section.rows.map((r) => [r.reference, r.verdict])).toEqual([
      ["acme/web!4", "fail"],
      ["acme/web!2", "fail"],
      ["acme/web!3", "error"],
      ["acme/web!1", "pass"],
    ]);
    expect(section.rows[1]!.findings.map((f) => [f.rule, f.status])).toEqual([
      ["validated-in-pipeline", "fail"],
      ["warn-x", "warning"],
    ]);
    expect(section.rows[2]!.problem).toBe("GitLab answered 503");
    expect(section.more).toBe(56);
    expect(section.summary).toEqual({ pass: 1, fail: 2, error: 1 });
  });

  it("judges the most recently updated MRs when there are more than the cap", () => {
    const open = [1, 2, 3, 4].map((n) => ({ iid: n, updatedAt: `2026-11-2${n}T00:00:00+01:00` }));
    expect(capMergeRequests(open, 2).map((m) => m.iid)).toEqual([4, 3]);
  });
});

describe("escaping for the page", () => {
  it.for([
    ["<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"],
    [`"quotes" & 'single'`, "&quot;quotes&quot; &amp; &#39;single&#39;"],
    ["<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"],
    ["bidi \u202eevil\u202c and \u001b[31mred", "bidi evil and red"],
    ["plain text", "plain text"],
  ] as [string, string][])("html(%j) is %j", ([text, escaped]) => {
    expect(html(text)).toBe(escaped);
  });

  it.for([
    ["https://linear.app/acme/issue/ENG-1", "https://linear.app/acme/issue/ENG-1"],
    ["https://x.example/?a=1&b=<2>", "https://x.example/?a=1&amp;b=&lt;2&gt;"],
    ["javascript:alert(1)", "#"],
    ["data:text/html,<script>", "#"],
    ["not a url", "#"],
  ] as [string, string][])("href(%j) is %j", ([url, attribute]) => {
    expect(href(url)).toBe(attribute);
  });

  it("writes JSON that cannot close its script element, and reads back the same", () => {
    const value = { title: "</script><script>alert(1)</script> <!-- & \u2028" };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
