import { Ajv2020 } from "ajv/dist/2020.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/schema.js";
import type { WorkItemInput } from "../../src/work-item/schema.js";
import { ROOT, readJson, runCliInProcess, runCliProcess, tempDir, writeJson } from "../helpers/cli.js";

type Snapshot = WorkItemInput & {
  issue: NonNullable<WorkItemInput["issue"]>;
  mergeRequest: NonNullable<WorkItemInput["mergeRequest"]>;
};
const readyBase = (): Snapshot => readJson<Snapshot>(join(ROOT, "examples/ready-pass.json"));
const doneBase = (): Snapshot => readJson<Snapshot>(join(ROOT, "examples/done-pass.json"));
const dir = tempDir();
const validateReport = new Ajv2020({ strict: false }).compile(readJson(join(ROOT, "schemas/report.schema.json")));

async function gate(
  gateName: "ready" | "done",
  snapshot: Snapshot,
  name: string,
): Promise<{ code: number | null; report: Report }> {
  const file = writeJson(join(dir, `${gateName}-${name}.json`), snapshot);
  const result = await runCliInProcess([gateName, "--snapshot", file, "--format", "json"]);
  expect(result.stderr).toBe("");
  const report = JSON.parse(result.stdout) as Report;
  expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  return { code: result.code, report };
}

function statusOf(report: Report, rule: string): string | undefined {
  return report.results.find((r) => r.rule === rule)?.status;
}

type Mutate = (s: Snapshot) => void;
interface RuleCase {
  rule: string;
  gate: "ready" | "done";
  pass: Mutate;
  fail: Mutate;
  failStatus?: "fail" | "skipped" | "waived";
}

const noop: Mutate = () => undefined;

const cases: RuleCase[] = [
  {
    gate: "ready",
    rule: "unit-of-work",
    pass: noop,
    fail: (s) =>
      (s.issue.children = [{ identifier: "ENG-143", title: "part", state: { name: "Todo", type: "unstarted" } }]),
  },
  {
    gate: "ready",
    rule: "acceptance-criteria-present",
    pass: noop,
    fail: (s) => (s.issue.description = "Make the audit log better."),
  },
  { gate: "ready", rule: "traceable-to-specification", pass: noop, fail: (s) => (s.issue.project = null) },
  {
    gate: "ready",
    rule: "traceable-to-challenge",
    pass: noop,
    fail: (s) =>
      s.issue.project &&
      ((s.issue.project.content = "Spec text without any upstream reference, long enough to count."),
      (s.issue.project.links = []),
      (s.issue.project.description = "")),
  },
  { gate: "ready", rule: "dependencies-visible", pass: noop, fail: (s) => (s.issue.blockedBy = []) },
  {
    gate: "ready",
    rule: "open-questions",
    pass: noop,
    fail: (s) =>
      (s.issue.description = s.issue.description!.replace(
        "- Resolved: retention is 400 days (see spec)",
        "- How long do we keep records?",
      )),
  },
  {
    gate: "ready",
    rule: "active-issue-matches",
    pass: (s) => (s.branch = "priya/eng-142-audit"),
    fail: (s) => (s.branch = "priya/eng-99-other-work"),
  },
  {
    gate: "done",
    rule: "scope-matches-issue",
    pass: noop,
    fail: (s) => (s.mergeRequest.description = s.mergeRequest.description + "\nCloses ENG-150\n"),
  },
  {
    gate: "done",
    rule: "merge-request-ready",
    pass: noop,
    fail: (s) => ((s.mergeRequest.title = `Draft: ${s.mergeRequest.title}`), (s.mergeRequest.draft = true)),
  },
  {
    gate: "done",
    rule: "acceptance-criteria-met",
    pass: noop,
    fail: (s) =>
      (s.issue.description = s.issue.description!.replace("- [x] Admins can filter", "- [ ] Admins can filter")),
  },
  {
    gate: "done",
    rule: "validated-in-pipeline",
    pass: noop,
    fail: (s) => (s.mergeRequest.headPipeline = { id: 1, status: "running", url: null }),
  },
  {
    gate: "done",
    rule: "validation-explained",
    pass: noop,
    fail: (s) => (s.mergeRequest.description = "Closes ENG-142\n\n## How tested\n<!-- describe -->\n"),
  },
  { gate: "done", rule: "linear-state-current", pass: noop, fail: (s) => (s.issue.assignee = null) },
  {
    gate: "done",
    rule: "release-notes-updated",
    pass: noop,
    fail: (s) => (s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => c.newPath !== "CHANGELOG.md")),
  },
  {
    gate: "done",
    rule: "user-docs-updated",
    pass: noop,
    fail: (s) => (s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => !c.newPath.startsWith("docs/"))),
  },
  {
    gate: "done",
    rule: "ops-docs-updated",
    pass: (s) =>
      s.mergeRequest.changes!.push(
        { oldPath: "deploy/helmfile.yaml", newPath: "deploy/helmfile.yaml" },
        { oldPath: "docs/runbooks/audit-log.md", newPath: "docs/runbooks/audit-log.md" },
      ),
    fail: (s) => s.mergeRequest.changes!.push({ oldPath: "deploy/helmfile.yaml", newPath: "deploy/helmfile.yaml" }),
  },
  {
    gate: "done",
    rule: "design-decisions-checked",
    pass: (s) => (
      s.mergeRequest.changes!.push({ oldPath: "db/migrate/2026_add.rb", newPath: "db/migrate/2026_add.rb" }),
      (s.mergeRequest.description += "\n\nFollows [ADR 31](https://wiki.acme.example/adr/0031-audit-events).\n")
    ),
    fail: (s) => s.mergeRequest.changes!.push({ oldPath: "db/migrate/2026_add.rb", newPath: "db/migrate/2026_add.rb" }),
  },
  {
    gate: "done",
    rule: "feature-flag-documented",
    pass: noop,
    fail: (s) =>
      (s.mergeRequest.files = [
        {
          path: "config/feature_flags/audit_log_sign_ins.yml",
          content: "name: audit_log_sign_ins\nrollout_state: off\n",
        },
      ]),
  },
  {
    gate: "done",
    rule: "staging-validated",
    pass: (s) => (
      (s.mergeRequest.state = "merged"),
      (s.mergeRequest.mergedAt = "2026-11-20T10:00:00Z"),
      s.mergeRequest.labels!.push("Validated in Staging"),
      (s.mergeRequest.staging = {
        environment: "staging",
        label: "Validated in Staging",
        deployedAt: "2026-11-20T14:02:00Z",
        deploymentId: 902,
        labelAddedAt: "2026-11-20T16:00:00Z",
      })
    ),
    fail: (s) => (
      (s.mergeRequest.state = "merged"),
      (s.mergeRequest.mergedAt = "2026-11-20T10:00:00Z"),
      (s.mergeRequest.staging = {
        environment: "staging",
        label: "Validated in Staging",
        deployedAt: "2026-11-20T14:02:00Z",
        deploymentId: 902,
        labelAddedAt: null,
      })
    ),
  },
  {
    gate: "done",
    rule: "handoff-state-explicit",
    pass: noop,
    fail: (s) => (s.issue.state = { name: "In Progress", type: "started" }),
  },
  { gate: "done", rule: "active-issue-matches", pass: noop, fail: (s) => (s.branch = "priya/eng-77-something-else") },
];

describe("every built-in rule through the built CLI on snapshots", () => {
  it.each(cases)("$gate/$rule passes on a snapshot that meets it", async ({ gate: g, rule, pass }) => {
    const snapshot = g === "ready" ? readyBase() : doneBase();
    pass(snapshot);
    const { code, report } = await gate(g, snapshot, `${rule}-pass`);
    expect(statusOf(report, rule)).toBe("pass");
    expect(code).toBe(0);
  });

  it.each(cases)("$gate/$rule fails on a snapshot that misses it", async ({ gate: g, rule, fail, failStatus }) => {
    const snapshot = g === "ready" ? readyBase() : doneBase();
    fail(snapshot);
    const { code, report } = await gate(g, snapshot, `${rule}-fail`);
    const result = report.results.find((r) => r.rule === rule)!;
    expect(result.status).toBe(failStatus ?? "fail");
    expect(result.hint).toBeTruthy();
    expect(code).toBe(result.severity === "error" ? 1 : 0);
    expect(report.verdict).toBe(result.severity === "error" ? "fail" : "pass");
  });

  it("covers every built-in rule id", async () => {
    const listed = await runCliInProcess(["rules", "list", "--format", "json"]);
    const ids = (JSON.parse(listed.stdout) as { id: string; gate: string }[]).map((r) => `${r.gate}/${r.id}`).sort();
    expect(cases.map((c) => `${c.gate}/${c.rule}`).sort()).toEqual(ids);
  });
});

describe("skips and waivers", () => {
  it("skips staging-validated until the merge request is merged, with the reason", async () => {
    const { report } = await gate("done", doneBase(), "staging-open");
    const result = report.results.find((r) => r.rule === "staging-validated")!;
    expect(result.status).toBe("skipped");
    expect(result.message).toContain("Not merged yet");
  });

  it("skips user-docs-updated when no user-facing path changed", async () => {
    const s = doneBase();
    s.mergeRequest.changes = [
      { oldPath: "lib/x.rb", newPath: "lib/x.rb" },
      { oldPath: "CHANGELOG.md", newPath: "CHANGELOG.md" },
    ];
    const { report } = await gate("done", s, "docs-skip");
    expect(statusOf(report, "user-docs-updated")).toBe("skipped");
  });

  const REVIEWER = { username: "jonas", name: "Jonas Berg" };
  const AUTHOR = { username: "priya", name: "Priya Natarajan" };

  it.each([
    ["a reviewer", REVIEWER, "waived", 0],
    ["the author", AUTHOR, "fail", 1],
  ] as const)("judges a waiver label added by %s (the label event in the snapshot)", async (_who, by, status, exit) => {
    const s = doneBase();
    s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => !c.newPath.startsWith("docs/"));
    s.mergeRequest.labels!.push("no-docs");
    s.mergeRequest.activity = { labelEvents: [{ label: "no-docs", action: "add", at: "2026-11-22T10:00:00Z", by }] };
    const { code, report } = await gate("done", s, `waive-label-${by.username}`);
    const result = report.results.find((r) => r.rule === "user-docs-updated")!;
    expect(result.status).toBe(status);
    expect(result.waiver).toMatchObject({
      reason: 'label "no-docs"',
      source: "label no-docs",
      standing: status === "waived" ? "accepted" : "requested",
      by,
      at: "2026-11-22T10:00:00Z",
    });
    expect(report.summary.waived).toBe(status === "waived" ? 1 : 0);
    expect(code).toBe(exit);
  });

  it("waives by the author's bfd-waive line once a reviewer approved, and not before", async () => {
    const s = doneBase();
    s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => c.newPath !== "CHANGELOG.md");
    s.mergeRequest.description += "\nbfd-waive: release-notes-updated internal refactor, nothing ships\n";
    const before = await gate("done", s, "waive-line-unapproved");
    expect(before.report.results.find((r) => r.rule === "release-notes-updated")).toMatchObject({
      status: "fail",
      waiver: {
        reason: "internal refactor, nothing ships",
        source: "merge request description",
        standing: "requested",
      },
    });
    s.mergeRequest.activity = { approvals: [{ by: REVIEWER, at: null }] };
    const { report } = await gate("done", s, "waive-line");
    expect(report.results.find((r) => r.rule === "release-notes-updated")!.waiver).toEqual({
      reason: "internal refactor, nothing ships",
      source: "merge request description",
      standing: "accepted",
      by: REVIEWER,
      at: null,
      approval: true,
      accept: null,
    });
  });

  it("judges a version 2 snapshot's waiver (who acted was not recorded then) as requested, not accepted", async () => {
    const s = doneBase();
    Object.assign(s, { schemaVersion: 2 });
    delete s.mergeRequest.activity;
    delete s.mergeRequest.authorName;
    s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => !c.newPath.startsWith("docs/"));
    s.mergeRequest.labels!.push("no-docs");
    const { code, report } = await gate("done", s, "waive-v2");
    expect(report.results.find((r) => r.rule === "user-docs-updated")).toMatchObject({
      status: "fail",
      waiver: { standing: "requested", by: null },
    });
    expect(code).toBe(1);
  });

  it.each([
    ["a non-waivable rule", "bfd-waive: validated-in-pipeline flaky", "that rule cannot be waived"],
    ["an unknown rule", "bfd-waive: no-such-rule because", "there is no rule with that id"],
    ["a waiver with no reason", "bfd-waive: release-notes-updated", "a waiver needs a reason"],
  ])("reports %s instead of ignoring it silently", async (_name, line, notice) => {
    const s = doneBase();
    s.mergeRequest.headPipeline = { id: 2, status: "failed", url: null };
    s.mergeRequest.changes = s.mergeRequest.changes!.filter((c) => c.newPath !== "CHANGELOG.md");
    s.mergeRequest.description += `\n${line}\n`;
    const { code, report } = await gate("done", s, `waiver-${notice.length}`);
    expect(report.notices.join("\n")).toContain(notice);
    expect(statusOf(report, "validated-in-pipeline")).toBe("fail");
    expect(code).toBe(1);
  });

  it("fails closed: evidence that could not be read makes the rule error and the verdict fail", async () => {
    const s = doneBase() as Snapshot & { unavailable: unknown[] };
    s.unavailable = [{ evidence: "mergeRequest.changes", reason: "CI_JOB_TOKEN cannot read merge request diffs" }];
    const { code, report } = await gate("done", s, "unavailable");
    expect(statusOf(report, "release-notes-updated")).toBe("error");
    expect(report.results.find((r) => r.rule === "release-notes-updated")!.message).toContain(
      "CI_JOB_TOKEN cannot read",
    );
    expect(report.verdict).toBe("fail");
    expect(code).toBe(1);
  });

  it("reports a missing merge request on the MR rules, with the hint to open one", async () => {
    const s = doneBase() as unknown as Omit<Snapshot, "mergeRequest"> & { mergeRequest: null };
    s.mergeRequest = null;
    const { code, report } = await gate("done", s as unknown as Snapshot, "no-mr");
    const result = report.results.find((r) => r.rule === "validated-in-pipeline")!;
    expect(result.status).toBe("fail");
    expect(result.message).toContain("No merge request found");
    expect(result.hint).toContain("open a merge request");
    expect(code).toBe(1);
  });
});

describe("evidence: in bfd.config.yaml, through the built CLI (#22)", () => {
  it("takes the team's placeholder words and its Linear issue template (a file next to the config) as no evidence", async () => {
    const project = tempDir("bfd-evidence-");
    writeFileSync(
      join(project, "bfd.config.yaml"),
      "evidence:\n  placeholders: ['À définir']\n  issueTemplates: [{ file: templates/issue.md }]\n",
    );
    mkdirSync(join(project, "templates"));
    writeFileSync(
      join(project, "templates/issue.md"),
      "## Acceptance criteria\n- [ ] Criterion as the user sees it\n\n## Open questions\n",
    );
    const judge = async (description: string) => {
      const s = readyBase();
      s.issue.description = description;
      const file = writeJson(join(project, `ready-${description.length}.json`), s);
      const result = await runCliProcess(["ready", "--snapshot", file, "--format", "json"], { cwd: project });
      expect(result.stderr).toBe("");
      return JSON.parse(result.stdout) as Report;
    };
    const sloppy = await judge("## Acceptance criteria\n- [ ] Criterion as the user sees it\n- [ ] à définir\n");
    expect(statusOf(sloppy, "acceptance-criteria-present")).toBe("fail");
    const written = await judge("## Acceptance criteria\n- [ ] Exports finish within a minute\n- [ ] à définir\n");
    expect(statusOf(written, "acceptance-criteria-present")).toBe("pass");
  });
});

describe("the project's MR templates in a snapshot (#22)", () => {
  it("replays them: a How tested section the template already held fails, and a snapshot without them still loads", async () => {
    const s = doneBase();
    const copied = "## How tested\n- Unit and request specs for the audit log controller (CI).\n";
    s.mergeRequest.description = `Closes ENG-142\n\n${copied}`;
    const withTemplate = {
      ...s,
      mergeRequest: { ...s.mergeRequest, templates: [{ name: "Default", content: copied }] },
    };
    const { report } = await gate("done", withTemplate, "mr-template");
    expect(statusOf(report, "validation-explained")).toBe("fail");
    const { report: without } = await gate("done", s, "mr-no-template");
    expect(statusOf(without, "validation-explained")).toBe("pass");
  });
});
