import { evaluate, type EvaluateOptions } from "../engine/evaluate.js";
import type { LoadedRule } from "../rules/schema.js";
import { makeWorkItem, type Issue } from "../work-item/schema.js";

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
  /** `notStarted`: only issues in not-started states (triage, backlog, unstarted), the default without --state/--all. */
  filter: {
    team: string;
    state: string | null;
    notStarted: boolean;
    project: string | null;
    label: string | null;
    limit: number;
  };
  summary: { issues: number; ready: number; notReady: number; withWarnings: number };
  issues: AuditRow[];
}

/** The ready gate over many issues: pure, over already-fetched issues (the branch is unknown, so branch rules skip). */
export function auditIssues(
  rules: readonly LoadedRule[],
  issues: readonly Issue[],
  now: string,
  filter: AuditResult["filter"],
  evidence?: EvaluateOptions["evidence"],
): AuditResult {
  const rows = issues.map((issue): AuditRow => {
    // No viewer: an audit is a planning view by whoever runs it, and nobody is doing the work yet, so whom an issue
    // is assigned to says nothing about the person running bfd (branch-names-issue skips when nothing is active).
    const report = evaluate(rules, makeWorkItem({ now, branch: null, viewer: null, issue, mergeRequest: null }), {
      gate: "ready",
      evidence,
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
