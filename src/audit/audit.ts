import { evaluate } from "../engine/evaluate.js";
import type { LoadedRule } from "../rules/schema.js";
import { stripTerminalControls } from "../reporters/sanitize.js";
import { makeWorkItem, type Issue, type Person } from "../work-item/schema.js";

export interface AuditRow {
  identifier: string;
  title: string;
  url: string;
  assignee: string | null;
  verdict: "pass" | "fail";
  failing: string[];
  warnings: string[];
  errored: string[];
}

export interface AuditResult {
  schemaVersion: 1;
  filter: { team: string; state: string | null; project: string | null; label: string | null; limit: number };
  summary: { issues: number; ready: number; notReady: number; withWarnings: number };
  issues: AuditRow[];
}

/** The ready gate over many issues: pure, over already-fetched issues (the branch is unknown, so branch rules skip). */
export function auditIssues(
  rules: readonly LoadedRule[],
  issues: readonly Issue[],
  viewer: Person | null,
  now: string,
  filter: AuditResult["filter"],
): AuditResult {
  const rows = issues.map((issue): AuditRow => {
    const report = evaluate(rules, makeWorkItem({ now, branch: null, viewer, issue, mergeRequest: null }), {
      gate: "ready",
    });
    const ids = (pred: (r: (typeof report.results)[number]) => boolean): string[] =>
      report.results.filter(pred).map((r) => r.rule);
    return {
      identifier: issue.identifier,
      title: issue.title,
      url: issue.url,
      assignee: issue.assignee?.name ?? null,
      verdict: report.verdict,
      failing: ids((r) => r.severity === "error" && r.status === "fail"),
      warnings: ids((r) => r.severity === "warning" && (r.status === "fail" || r.status === "error")),
      errored: ids((r) => r.severity === "error" && r.status === "error"),
    };
  });
  const badness = (r: AuditRow): number => (r.failing.length + r.errored.length) * 100 + r.warnings.length;
  rows.sort((a, b) => badness(b) - badness(a) || a.identifier.localeCompare(b.identifier, "en", { numeric: true }));
  const ready = rows.filter((r) => r.verdict === "pass").length;
  return {
    schemaVersion: 1,
    filter,
    summary: {
      issues: rows.length,
      ready,
      notReady: rows.length - ready,
      withWarnings: rows.filter((r) => r.warnings.length > 0).length,
    },
    issues: rows,
  };
}

function cut(text: string, width: number): string {
  const clean = stripTerminalControls(text);
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, width - 1)}…`;
}

export function renderAuditTable(result: AuditResult): string {
  const f = result.filter;
  const scope = [
    `team ${f.team}`,
    f.state === null ? null : `state "${f.state}"`,
    f.project === null ? null : `project "${f.project}"`,
    f.label === null ? null : `label "${f.label}"`,
  ]
    .filter((s) => s !== null)
    .join(", ");
  const lines = [`bfd audit · ready gate · ${stripTerminalControls(scope)}`, ""];
  if (result.issues.length === 0) {
    lines.push("  No issues match.");
    return `${lines.join("\n")}\n`;
  }
  const keyWidth = Math.max(5, ...result.issues.map((r) => r.identifier.length));
  lines.push(
    `  ${"".padEnd(2)}${"issue".padEnd(keyWidth)}  ${"title".padEnd(40)}  ${"assignee".padEnd(16)}  failing rules`,
  );
  for (const r of result.issues) {
    const mark = r.verdict === "pass" ? (r.warnings.length > 0 ? "⚠" : "✔") : "✖";
    const failing = [...r.failing, ...r.errored, ...r.warnings.map((w) => `${w} (warning)`)].join(", ") || "—";
    lines.push(
      `  ${mark} ${r.identifier.padEnd(keyWidth)}  ${cut(r.title, 40)}  ${cut(r.assignee ?? "unassigned", 16)}  ${failing}`,
    );
  }
  const s = result.summary;
  lines.push(
    "",
    `  ${s.issues} issue${s.issues === 1 ? "" : "s"} · ${s.ready} ready · ${s.notReady} not ready${s.withWarnings > 0 ? ` · ${s.withWarnings} with warnings` : ""}`,
  );
  if (s.notReady > 0)
    lines.push("  Shape the issues marked ✖ before planning them in: `bfd ready <ISSUE>` shows how to fix each.");
  return `${lines.join("\n")}\n`;
}
