import { DEFAULT_CHECK_CONTEXT, type CheckContext, type CheckOutcome } from "../checks/types.js";
import { conditionNeeds, describeCondition, evaluateCondition } from "../work-item/condition.js";
import type { Gate, LoadedRule, WaiverPolicy } from "../rules/schema.js";
import { renderTemplate } from "../rules/template.js";
import { REPORT_SCHEMA_VERSION, type Report, type RuleResult } from "../report/schema.js";
import { getPath } from "../work-item/paths.js";
import { keysOf } from "../work-item/evidence.js";
import type { EvidenceKey, WorkItem } from "../work-item/schema.js";
import { decideWaiver, findWaiverLines, type WaiverLine } from "./waivers.js";
import { plural } from "../text/plural.js";

export interface EvaluateOptions {
  gate: Gate;
  /** Extra notices from the caller (e.g. "this MR changes rule files"). */
  notices?: readonly string[];
  /** Who may waive (the config's `waivers:`); default: anyone but the MR's author. */
  waivers?: WaiverPolicy | undefined;
  /** The config's `evidence:` as the rules loaded it (RuleSet.evidence); default: the built-in vocabulary only. */
  evidence?: CheckContext | undefined;
}

const DEFAULT_WAIVER_POLICY: WaiverPolicy = { allowAuthor: false };
/** Ignored waiver lines named in notices, per kind of mistake; the rest are counted (20,000 lines make one notice). */
const NOTICE_NAMES = 5;

const NO_ISSUE_HINT =
  "Name the Linear issue in the MR's branch or title, or write `Closes ENG-123` in its description; locally, pass it: bfd done ENG-123.";
const NO_MR_HINT =
  "Push the branch and open a merge request that names {{issue.identifier|the issue}} (git push -u origin HEAD), or pass it with --mr <iid>.";

interface Verdictless {
  status: RuleResult["status"];
  message: string;
  evidence: string[];
  data: Record<string, string>;
  hintOverride?: string;
  /** The rule could not be judged because the issue or the merge request does not exist (yet). */
  blockedBy?: "issue" | "mergeRequest";
}

/** Evidence a source tried and failed to read: the rule is `error` (it counts as failing), never pass or skip. */
function unreadable(needs: readonly EvidenceKey[], item: WorkItem): Verdictless | null {
  for (const need of needs) {
    const gap = item.unavailable.find((u) => u.evidence === need);
    if (gap !== undefined)
      return { status: "error", message: `Could not read ${need}: ${gap.reason}`, evidence: [], data: {} };
  }
  return null;
}

/** No issue or no merge request to judge: the rule fails with the hint to name or open one. */
function absent(needs: readonly EvidenceKey[], item: WorkItem): Verdictless | null {
  if (needs.includes("issue") && item.issue === null) {
    return {
      status: "fail",
      message: "No Linear issue found for this work",
      evidence: [],
      data: {},
      hintOverride: NO_ISSUE_HINT,
      blockedBy: "issue",
    };
  }
  if (needs.some((n) => n.startsWith("mergeRequest")) && item.mergeRequest === null) {
    const lookup = item.context.mergeRequestLookup;
    return {
      status: "fail",
      message: `No merge request found${lookup === null ? "" : ` (${lookup})`}`,
      evidence: [],
      data: {},
      hintOverride: NO_MR_HINT,
      blockedBy: "mergeRequest",
    };
  }
  return null;
}

function runRule(rule: LoadedRule, item: WorkItem, context: CheckContext): Verdictless {
  if (rule.when !== undefined) {
    const gap = unreadable(conditionNeeds(rule.when), item);
    if (gap !== null) return gap;
    if (!evaluateCondition(item, rule.when)) {
      return {
        status: "skipped",
        message: `Only applies when ${describeCondition(rule.when)}`,
        evidence: [],
        data: {},
      };
    }
  }
  const needs = rule.kind.needs(rule.options).flatMap(keysOf);
  const missing = unreadable(needs, item) ?? absent(needs, item);
  if (missing !== null) return missing;
  let outcome: CheckOutcome;
  try {
    outcome = rule.kind.run(item, rule.options, context);
  } catch (error) {
    // Fail closed: a check that crashed on odd data is an error, never a pass, and the rest still run.
    const why = error instanceof Error ? error.message : String(error);
    return {
      status: "error",
      message: `The ${rule.kind.id} check could not evaluate this work item (${why}); please report this`,
      evidence: [],
      data: {},
    };
  }
  return { status: outcome.status, message: outcome.message, evidence: outcome.evidence, data: outcome.data ?? {} };
}

/**
 * Evaluates one gate's rules over a WorkItem. Pure and synchronous: everything it reads is in the
 * WorkItem, so a snapshot replays the same report. A rule whose evidence could not be read is `error`;
 * a waiver turns a failing (or erroring) waivable rule into `waived` when someone the policy accepts stands behind
 * it (src/engine/waivers.ts); one no one else stands behind is reported on the rule, which fails as if unwaived.
 */
export function evaluate(rules: readonly LoadedRule[], item: WorkItem, options: EvaluateOptions): Report {
  const notices: string[] = [...(options.notices ?? [])];
  const gateRules = rules.filter((r) => r.gate === options.gate);
  const byId = new Map(gateRules.map((r) => [r.id, r]));
  const context = options.evidence ?? DEFAULT_CHECK_CONTEXT;
  const policy = options.waivers ?? DEFAULT_WAIVER_POLICY;
  // Several open MRs for the issue: each is judged by the rules that read a merge request, over the issue and it alone;
  // the other rules once, over the first.
  const views = mergeRequestViews(item);
  const several = views.length > 1;
  const judged = views.map((view) => ({
    item: view,
    waivers: usableWaiverLines(rules, byId, findWaiverLines(view, context.placeholders), notices),
    ref: view.mergeRequest === null ? null : mergeRequestRef(view.mergeRequest),
  }));

  const results: RuleResult[] = gateRules.flatMap((rule) =>
    several && readsMergeRequest(rule)
      ? judged.map((view) => judgeRule(rule, view.item, view.waivers, policy, view.ref, context))
      : [judgeRule(rule, judged[0]!.item, judged[0]!.waivers, policy, null, context)],
  );

  const count = (predicate: (r: RuleResult) => boolean): number => results.filter(predicate).length;
  const summary = {
    passed: count((r) => r.status === "pass"),
    failed: count((r) => r.status === "fail" && r.severity === "error"),
    warnings: count((r) => (r.status === "fail" || r.status === "error") && r.severity === "warning"),
    waived: count((r) => r.status === "waived"),
    skipped: count((r) => r.status === "skipped"),
    errored: count((r) => r.status === "error" && r.severity === "error"),
  };
  const failing = results.some((r) => r.severity === "error" && (r.status === "fail" || r.status === "error"));
  const mergeRequestOf = (view: WorkItem): Report["mergeRequest"] =>
    view.mergeRequest === null
      ? null
      : { iid: view.mergeRequest.iid, project: view.mergeRequest.projectPath, url: view.mergeRequest.url };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    gate: options.gate,
    verdict: failing ? "fail" : "pass",
    issue:
      item.issue === null ? null : { identifier: item.issue.identifier, title: item.issue.title, url: item.issue.url },
    mergeRequest: mergeRequestOf(item),
    ...(several ? { mergeRequests: views.map((view) => mergeRequestOf(view)!) } : {}),
    summary,
    results,
    // The same ignored waiver line, read once per MR judged, is one notice.
    notices: [...new Set(notices)],
  };
}

/** `group/app!12`: how a result names the merge request it judged. */
export function mergeRequestRef(mr: { projectPath: string; iid: number }): string {
  return `${mr.projectPath}!${mr.iid}`;
}

/** The WorkItem as each of its merge requests sees it: the first as it is, each other with its own evidence gaps. */
function mergeRequestViews(item: WorkItem): WorkItem[] {
  const first: WorkItem = { ...item, otherMergeRequests: [] };
  if (item.otherMergeRequests.length === 0) return [first];
  const issueGaps = item.unavailable.filter((gap) => !gap.evidence.startsWith("mergeRequest"));
  return [
    first,
    ...item.otherMergeRequests.map((other) => ({
      ...first,
      mergeRequest: other.mergeRequest,
      unavailable: [...issueGaps, ...other.unavailable],
    })),
  ];
}

/** Whether a rule reads a merge request, in its condition or its check. */
function readsMergeRequest(rule: LoadedRule): boolean {
  const needs = [
    ...(rule.when === undefined ? [] : conditionNeeds(rule.when)),
    ...rule.kind.needs(rule.options).flatMap(keysOf),
  ];
  return needs.some((need) => need.startsWith("mergeRequest"));
}

function judgeRule(
  rule: LoadedRule,
  item: WorkItem,
  usableWaivers: ReadonlyMap<string, WaiverLine[]>,
  policy: WaiverPolicy,
  mergeRequest: string | null,
  context: CheckContext,
): RuleResult {
  const outcome = runRule(rule, item, context);
  let status = outcome.status;
  let waiver: RuleResult["waiver"] = null;
  if ((status === "fail" || status === "error") && rule.waivable) {
    waiver = decideWaiver(item, rule, usableWaivers.get(rule.id) ?? [], policy);
    if (waiver !== null && (waiver.standing === "accepted" || waiver.standing === "self-waived")) status = "waived";
  }
  const lookup = (name: string): unknown => {
    if (name === "rule.id") return rule.id;
    if (name === "rule.title") return rule.title;
    if (name in outcome.data) return outcome.data[name];
    return getPath(item, name);
  };
  const needsHint = status === "fail" || status === "error" || status === "waived";
  return {
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    status,
    message: outcome.message,
    hint: needsHint ? renderTemplate(outcome.hintOverride ?? rule.hint, lookup) : null,
    evidence: outcome.evidence,
    waiver,
    location: { path: rule.location.file, line: rule.location.line },
    ...(outcome.blockedBy === undefined ? {} : { blockedBy: outcome.blockedBy }),
    ...(mergeRequest === null ? {} : { mergeRequest }),
  };
}

/**
 * The `bfd-waive:` lines that can waive something, by rule id (in reading order); the others become notices, one per
 * kind of mistake and source, naming a few rule ids and counting the rest — so many lines cost one notice, not many.
 */
function usableWaiverLines(
  rules: readonly LoadedRule[],
  gateRules: ReadonlyMap<string, LoadedRule>,
  lines: readonly WaiverLine[],
  notices: string[],
): Map<string, WaiverLine[]> {
  const allRules = new Map(rules.map((r) => [r.id, r]));
  const usable = new Map<string, WaiverLine[]>();
  const ignored = new Map<string, { ids: string[]; count: number }>();
  const ignore = (line: WaiverLine, why: string): void => {
    const key = `${line.source}\u0000${why}`;
    const entry = ignored.get(key) ?? { ids: [], count: 0 };
    entry.count += 1;
    if (entry.ids.length < NOTICE_NAMES && !entry.ids.includes(line.ruleId)) entry.ids.push(line.ruleId);
    ignored.set(key, entry);
  };
  for (const line of lines) {
    const rule = gateRules.get(line.ruleId) ?? allRules.get(line.ruleId);
    if (rule === undefined) ignore(line, "there is no rule with that id.");
    else if (!rule.waivable) ignore(line, "that rule cannot be waived.");
    else if (line.reason === "") ignore(line, "a waiver needs a reason of a few words (bfd-waive: <rule-id> <why>).");
    else {
      const forRule = usable.get(line.ruleId);
      if (forRule === undefined) usable.set(line.ruleId, [line]);
      else forRule.push(line);
    }
  }
  for (const [key, { ids, count }] of ignored) {
    const [source, why] = key.split("\u0000") as [string, string];
    const named = ids.map((id) => `"bfd-waive: ${id}"`).join(", ");
    const more = count > ids.length ? ` and ${plural(count - ids.length, "more line")}` : "";
    notices.push(`Ignored ${named}${more} in the ${source}: ${why}`);
  }
  return usable;
}
