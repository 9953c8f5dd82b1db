/**
 * The delivery board (`bfd board`, `bfd serve`'s /board) as plain data, assembled by pure functions from what the
 * gates already computed: Ready reports of backlog issues, the staging result of the release window, Done reports
 * of open merge requests. Rendering is src/reporters/board/; reading is the command's (or the service's) job.
 */
import { evaluate, type EvaluateOptions } from "../engine/evaluate.js";
import type { Report, RuleResult } from "../report/schema.js";
import { waiverText } from "../report/waiver-text.js";
import type { LoadedRule } from "../rules/schema.js";
import type { StagingResult, StagingState } from "../staging/result.js";
import { instant } from "../time.js";
import { makeWorkItem, type Issue } from "../work-item/schema.js";
import { formatInZone, type ReleaseCalendar } from "../staging/window.js";
import { releaseTimeline, type ReleaseTimeline } from "./timeline.js";

export const BOARD_SCHEMA_VERSION = 1 as const;

/** What one heat-map cell shows: a rule's result for one issue, in the heat map's words. */
export type CellStatus = "pass" | "fail" | "warning" | "waived" | "skipped" | "error";
export const CELL_STATUSES: readonly CellStatus[] = ["fail", "error", "warning", "waived", "pass", "skipped"];

export interface BoardCell {
  status: CellStatus;
  message: string;
  /** How to fix it; null when there is nothing to fix. */
  hint: string | null;
  /** Who waived the rule and why, or the waiver asked for that does not count (one line, src/report/waiver-text.ts). */
  waiver: string | null;
}

export interface BoardRule {
  id: string;
  title: string;
  severity: "error" | "warning";
  /** How many issues have each status for this rule. */
  counts: Record<CellStatus, number>;
  /** Issues this rule keeps from Ready (fail or error; for a warning rule, its warnings). */
  missed: number;
}

export interface BacklogRow {
  identifier: string;
  title: string;
  url: string;
  state: string;
  project: string | null;
  assignee: string | null;
  labels: string[];
  verdict: "pass" | "fail";
  /** One cell per rule of `BacklogSection.rules`, in that order. */
  cells: BoardCell[];
}

export interface BacklogSection {
  /** The audit's filter (src/audit/audit.ts); `notStarted`: only triage, backlog and unstarted states. */
  filter: {
    team: string;
    state: string | null;
    notStarted: boolean;
    project: string | null;
    label: string | null;
    limit: number;
  };
  /** True when the listing stopped at --limit: there may be more issues. */
  limitReached: boolean;
  /** The Ready rules, the most missed first (the heat map's columns). */
  rules: BoardRule[];
  /** Worst first, as `bfd audit` orders them. */
  issues: BacklogRow[];
  summary: { issues: number; ready: number; notReady: number; withWarnings: number };
}

export interface ReleaseRow {
  reference: string;
  title: string;
  url: string;
  author: string;
  issue: { identifier: string; url: string | null } | null;
  state: StagingState;
  mergedAt: string;
  mergedAtLocal: string;
  deployedAt: string | null;
  deployedAtLocal: string | null;
  /** Since the deploy, at the board's time: "2 d 4 h"; null when not deployed. */
  sinceDeploy: string | null;
  labelAddedAtLocal: string | null;
}

export interface ReleaseStaging {
  project: string;
  deployBranch: string;
  environment: string;
  label: string;
  /** The window `bfd staging` judges, as it describes it. */
  window: { start: string; end: string; mandatory: boolean; description: string };
  /** Oldest merge first, as `bfd staging` lists them. */
  merged: ReleaseRow[];
  counts: Record<StagingState, number>;
  verdict: "pass" | "fail";
}

export interface ReleaseSection {
  timeZone: string;
  /** Where now is between the cut-off and the release, from the calendar in bfd.config.yaml. */
  timeline: ReleaseTimeline;
  /** The MRs merged in the window; null when the board has no staging reading (bfd serve reads no deployments). */
  staging: ReleaseStaging | null;
}

export interface ReviewFinding {
  rule: string;
  title: string;
  status: "fail" | "error" | "warning";
  message: string;
  hint: string | null;
}

/** An open merge request as the board names it. */
export interface OpenMergeRequest {
  reference: string;
  title: string;
  url: string;
  author: string | null;
  draft: boolean;
  targetBranch: string;
  updatedAt: string;
}

export interface ReviewRow extends OpenMergeRequest {
  issue: { identifier: string; title: string; url: string } | null;
  /** `error`: the gate could not be judged (see `problem`). */
  verdict: "pass" | "fail" | "error";
  /** Failing rules (error severity) first, then warnings. */
  findings: ReviewFinding[];
  /** Why there is no verdict, when `verdict` is error. */
  problem: string | null;
  /** When the verdict was reached (bfd serve keeps the latest per MR). */
  judgedAt: string;
}

export interface ReviewSection {
  projects: string[];
  /** Open MRs that exist; `rows` holds at most the cap, the most recently updated. */
  total: number;
  rows: ReviewRow[];
  /** Open MRs left off by the cap ("and N more"). */
  more: number;
  summary: { pass: number; fail: number; error: number };
  /** Where the Done rules came from, e.g. "the rules on each MR's target branch". */
  rules: string;
}

export interface BoardConfig {
  /** The team config in force (`bfd.config.yaml`), or null for the built-in rules only. */
  configPath: string | null;
  team: string;
  /** "Thursday 12:00 cut-off, Tuesday 10:00 release, Europe/Berlin". */
  calendar: string;
}

export interface BoardData {
  schemaVersion: typeof BOARD_SCHEMA_VERSION;
  /** Who built it: the CLI (one run of the queries) or bfd serve (its latest evaluations). */
  origin: "bfd board" | "bfd serve";
  generatedAt: string;
  generatedAtLocal: string;
  timeZone: string;
  config: BoardConfig;
  backlog: BacklogSection;
  release: ReleaseSection;
  review: ReviewSection;
  notices: string[];
}

/** An issue with its Ready report (bfd serve keeps the latest; `bfd board` evaluates them with `judgeIssues`). */
export interface JudgedIssue {
  issue: Issue;
  report: Report;
}

/** The Ready gate over already-listed issues, exactly as `bfd audit` runs it (no branch, no viewer). */
export function judgeIssues(
  rules: readonly LoadedRule[],
  issues: readonly Issue[],
  now: string,
  evidence?: EvaluateOptions["evidence"],
): JudgedIssue[] {
  return issues.map((issue) => ({
    issue,
    report: evaluate(rules, makeWorkItem({ now, branch: null, viewer: null, issue, mergeRequest: null }), {
      gate: "ready",
      evidence,
    }),
  }));
}

export function cellStatus(result: Pick<RuleResult, "status" | "severity">): CellStatus {
  if (result.status === "fail") return result.severity === "warning" ? "warning" : "fail";
  return result.status;
}

const NOT_JUDGED: BoardCell = { status: "skipped", message: "Not judged by this rule", hint: null, waiver: null };

/**
 * One cell. The row is the issue, so its address in a hint reads as the template's own fallback, "the issue": the
 * tip stays short, and a page of 250 issues does not carry each address seven times over.
 */
function cellOf(result: RuleResult | undefined, issueUrl: string): BoardCell {
  if (result === undefined) return NOT_JUDGED;
  const status = cellStatus(result);
  const plain = (text: string): string => (issueUrl === "" ? text : text.split(issueUrl).join("the issue"));
  return {
    status,
    message: plain(result.message),
    hint: status === "pass" || status === "skipped" || result.hint === null ? null : plain(result.hint),
    waiver: result.waiver === null ? null : plain(waiverText(result.waiver)),
  };
}

const emptyCounts = (): Record<CellStatus, number> => ({
  pass: 0,
  fail: 0,
  warning: 0,
  waived: 0,
  skipped: 0,
  error: 0,
});

/**
 * How bad an issue is, as `bfd audit` ranks it: each failing or errored error-severity rule outweighs any number of
 * warnings (src/audit/audit.ts).
 */
export function badness(report: Report): number {
  let errors = 0;
  let warnings = 0;
  for (const r of report.results) {
    if (r.severity === "error" && (r.status === "fail" || r.status === "error")) errors += 1;
    if (r.severity === "warning" && (r.status === "fail" || r.status === "error")) warnings += 1;
  }
  return errors * 100 + warnings;
}

const byKey = (a: string, b: string): number => a.localeCompare(b, "en", { numeric: true });

/** The heat map: one row per issue (worst first), one column per Ready rule (the most missed first). */
export function backlogSection(
  readyRules: readonly LoadedRule[],
  judged: readonly JudgedIssue[],
  filter: BacklogSection["filter"],
  limitReached: boolean,
): BacklogSection {
  const ranked = [...judged].sort(
    (a, b) => badness(b.report) - badness(a.report) || byKey(a.issue.identifier, b.issue.identifier),
  );
  const order = readyRules.filter((r) => r.gate === "ready");
  const rules: BoardRule[] = order.map((rule) => {
    const counts = emptyCounts();
    for (const { report } of ranked)
      counts[
        cellOf(
          report.results.find((r) => r.rule === rule.id),
          "",
        ).status
      ] += 1;
    const missed = counts.fail + counts.error + counts.warning;
    return { id: rule.id, title: rule.title, severity: rule.severity, counts, missed };
  });
  // Most missed first; ties keep the rule files' order ("which criterion do we miss most").
  const columns = rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => b.rule.missed - a.rule.missed || a.index - b.index)
    .map(({ rule }) => rule);
  const issues: BacklogRow[] = ranked.map(({ issue, report }) => ({
    identifier: issue.identifier,
    title: issue.title,
    url: issue.url,
    state: issue.state.name,
    project: issue.project?.name ?? null,
    assignee: issue.assignee?.name ?? null,
    labels: [...issue.labels],
    verdict: report.verdict,
    cells: columns.map((rule) =>
      cellOf(
        report.results.find((r) => r.rule === rule.id),
        issue.url,
      ),
    ),
  }));
  const ready = issues.filter((r) => r.verdict === "pass").length;
  return {
    filter,
    limitReached,
    rules: columns,
    issues,
    summary: {
      issues: issues.length,
      ready,
      notReady: issues.length - ready,
      withWarnings: ranked.filter(({ report }) =>
        report.results.some((r) => r.severity === "warning" && (r.status === "fail" || r.status === "error")),
      ).length,
    },
  };
}

/** "3 d 4 h", "5 h 12 min", "40 min": how long ago, for people; never negative. */
export function since(fromIso: string, nowIso: string): string {
  const minutes = Math.max(0, Math.floor((instant(nowIso) - instant(fromIso)) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes % 60 > 0 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${minutes} min`;
}

/**
 * Linear's issue address for a key, from any issue address the board already has (its workspace): Linear answers
 * `https://linear.app/<workspace>/issue/ENG-123` without the title slug. Null when the board knows no workspace.
 */
export function linearIssueUrl(key: string, knownUrls: readonly string[]): string | null {
  for (const url of knownUrls) {
    const match = /^(https:\/\/linear\.app\/[^/]+)\/issue\//.exec(url);
    if (match !== null) return `${match[1]}/issue/${key}`;
  }
  return null;
}

export const STAGING_STATES: readonly StagingState[] = ["not-validated", "stale", "not-deployed", "validated"];

/** The release window: the timeline from the calendar and, when read, every MR merged in it with its staging state. */
export function releaseSection(input: {
  calendar: ReleaseCalendar;
  now: string;
  staging: StagingResult | null;
  /** Issue addresses the board knows, to link the keys MRs name. */
  knownIssueUrls: readonly string[];
}): ReleaseSection {
  const { staging, now } = input;
  return {
    timeZone: input.calendar.timeZone,
    timeline: releaseTimeline(input.calendar, now),
    staging: staging === null ? null : releaseStaging(staging, now, input.knownIssueUrls),
  };
}

function releaseStaging(staging: StagingResult, now: string, knownIssueUrls: readonly string[]): ReleaseStaging {
  const counts: Record<StagingState, number> = { "not-deployed": 0, "not-validated": 0, stale: 0, validated: 0 };
  const merged = staging.merged.map((row): ReleaseRow => {
    counts[row.state] += 1;
    return {
      reference: row.reference,
      title: row.title,
      url: row.url,
      author: row.author,
      issue: row.issue === null ? null : { identifier: row.issue, url: linearIssueUrl(row.issue, knownIssueUrls) },
      state: row.state,
      mergedAt: row.mergedAt,
      mergedAtLocal: row.mergedAtLocal,
      deployedAt: row.deployedAt,
      deployedAtLocal: row.deployedAtLocal,
      sinceDeploy: row.deployedAt === null ? null : since(row.deployedAt, now),
      labelAddedAtLocal: row.labelAddedAtLocal,
    };
  });
  return {
    project: staging.project,
    deployBranch: staging.deployBranch,
    environment: staging.environment,
    label: staging.label,
    window: { ...staging.window },
    merged,
    counts,
    verdict: staging.verdict,
  };
}

/** One open MR's Done verdict, or why there is none. */
export interface JudgedMergeRequest {
  mergeRequest: OpenMergeRequest;
  outcome: { report: Report } | { problem: string };
  judgedAt: string;
}

const VERDICT_ORDER: Record<ReviewRow["verdict"], number> = { fail: 0, error: 1, pass: 2 };

function findingsOf(report: Report): ReviewFinding[] {
  const failing = report.results
    .filter((r) => r.severity === "error" && (r.status === "fail" || r.status === "error"))
    .map((r): ReviewFinding => ({
      rule: r.rule,
      title: r.title,
      status: r.status as "fail" | "error",
      message: r.message,
      hint: r.hint,
    }));
  const warnings = report.results
    .filter((r) => r.severity === "warning" && (r.status === "fail" || r.status === "error"))
    .map((r): ReviewFinding => ({ rule: r.rule, title: r.title, status: "warning", message: r.message, hint: r.hint }));
  return [...failing, ...warnings];
}

/** In review: open MRs with their Done verdict, failing first, then the most recently updated. */
export function reviewSection(input: {
  projects: string[];
  judged: readonly JudgedMergeRequest[];
  total: number;
  rules: string;
}): ReviewSection {
  const rows = input.judged.map(({ mergeRequest: mr, outcome, judgedAt }): ReviewRow => {
    const report = "report" in outcome ? outcome.report : null;
    return {
      ...mr,
      issue: report?.issue ?? null,
      verdict: report === null ? "error" : report.verdict,
      findings: report === null ? [] : findingsOf(report),
      problem: "problem" in outcome ? outcome.problem : null,
      judgedAt,
    };
  });
  rows.sort(
    (a, b) =>
      VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] ||
      instant(b.updatedAt) - instant(a.updatedAt) ||
      byKey(a.reference, b.reference),
  );
  return {
    projects: input.projects,
    total: input.total,
    rows,
    more: Math.max(0, input.total - rows.length),
    summary: {
      pass: rows.filter((r) => r.verdict === "pass").length,
      fail: rows.filter((r) => r.verdict === "fail").length,
      error: rows.filter((r) => r.verdict === "error").length,
    },
    rules: input.rules,
  };
}

/** The open MRs to judge when there are more than `cap`: the most recently updated. */
export function capMergeRequests<T extends { updatedAt: string }>(open: readonly T[], cap: number): T[] {
  return [...open].sort((a, b) => instant(b.updatedAt) - instant(a.updatedAt)).slice(0, cap);
}

const capital = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** "cut-off Thursday 12:00, release Tuesday 10:00 (Europe/Berlin)". */
export function describeCalendar(calendar: ReleaseCalendar): string {
  return `cut-off ${capital(calendar.cutoff.weekday)} ${calendar.cutoff.time}, release ${capital(calendar.release.weekday)} ${calendar.release.time} (${calendar.timeZone})`;
}

/** The whole board, its sections already assembled. */
export function assembleBoard(input: {
  origin: BoardData["origin"];
  now: string;
  config: BoardConfig;
  backlog: BacklogSection;
  release: ReleaseSection;
  review: ReviewSection;
  notices?: readonly string[];
}): BoardData {
  return {
    schemaVersion: BOARD_SCHEMA_VERSION,
    origin: input.origin,
    generatedAt: input.now,
    generatedAtLocal: formatInZone(input.now, input.release.timeZone),
    timeZone: input.release.timeZone,
    config: input.config,
    backlog: input.backlog,
    release: input.release,
    review: input.review,
    notices: [...(input.notices ?? [])],
  };
}
