import { evaluate } from "../engine/evaluate.js";
import { printable } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Report } from "../report/schema.js";
import { loadReporter, type Format } from "../reporters/index.js";
import { rulesInForceText } from "../reporters/summary.js";
import type { RuleSet } from "../rules/load.js";
import type { Gate } from "../rules/schema.js";
import { readSnapshot } from "../sources/snapshot.js";
import type { WorkItem } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { changedPathsOf, isStdout, renderOptionsFor, rulesInForce, writeOutput } from "./output.js";

export interface GateOptions {
  issue: string | undefined;
  snapshot: string | undefined;
  mr: string | undefined;
  format: Format;
  output: string | undefined;
}

export function flagRecordGlobsOf(rules: RuleSet["rules"]): string[] {
  return rules.filter((r) => r.kind.id === "flag-records").flatMap((r) => (r.options as { paths: string[] }).paths);
}

/**
 * The WorkItem a command judges: a snapshot when given, else gathered live from Linear (and GitLab for done).
 * The sources are imported on demand, so snapshot runs never load the SDKs.
 */
export async function workItemFor(
  ctx: CommandContext,
  ruleSet: RuleSet,
  request: { gate: Gate; issue: string | undefined; mr: string | undefined; snapshot?: string | undefined },
): Promise<WorkItem> {
  if (request.snapshot !== undefined) return readSnapshot(request.snapshot);
  const { gatherWorkItem } = await import("../sources/gather.js");
  return gatherWorkItem(ctx, {
    gate: request.gate,
    issue: request.issue,
    mr: request.mr,
    flagRecordGlobs: flagRecordGlobsOf(ruleSet.rules),
    configProject: ruleSet.config.gitlab?.project,
  });
}

/** `bfd ready` / `bfd done`: evidence (snapshot or live) → rules → report → exit 0/1. */
export async function runGate(
  ctx: CommandContext,
  gate: Gate,
  options: GateOptions,
): Promise<{ code: ExitCode; report: Report }> {
  const ruleSet = loadLocalRules(ctx);
  const rules = rulesInForce(ctx, ruleSet);
  if (ctx.debug) ctx.stderr(`debug: rules: ${rulesInForceText(rules)}\n`);
  const item = await workItemFor(ctx, ruleSet, { gate, ...options });
  const report = evaluate(ruleSet.rules, item, { gate });
  const rerun = `bfd ${gate}${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
  const render = await loadReporter(options.format);
  const renderOptions = { ...renderOptionsFor(ctx, options.output), rerun, rules, changedFiles: changedPathsOf(item) };
  writeOutput(ctx, render(report, renderOptions), options.output);
  if (!isStdout(options.output))
    ctx.stderr(`bfd ${gate}: ${report.verdict} — report written to ${printable(options.output!)}\n`);
  return { code: report.verdict === "pass" ? ExitCode.ok : ExitCode.gateFailed, report };
}
