import { evidencePlan } from "../engine/plan.js";
import { evaluate } from "../engine/evaluate.js";
import { requireRules } from "../app/rules.js";
import { printable } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Report } from "../report/schema.js";
import { loadReporter, type Format } from "../reporters/index.js";
import { rulesInForceText } from "../reporters/summary.js";
import type { RuleSet } from "../rules/load.js";
import { waiverPolicy, type Gate } from "../rules/schema.js";
import { readSnapshot } from "../sources/snapshot.js";
import type { WorkItem } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { changedPathsOf, isStdout, renderOptionsFor, rulesInForce, writeOutput } from "./output.js";
import { sourceSetup } from "./sources.js";

export interface GateOptions {
  issue: string | undefined;
  snapshot: string | undefined;
  mr: string | undefined;
  format: Format;
  output: string | undefined;
  /** Print only what blocks the gate (the pretty checklist). */
  quiet?: boolean | undefined;
}

/**
 * The WorkItem a command judges: a snapshot when given, else gathered live — exactly the evidence the gate's rules
 * need (src/engine/plan.ts). The sources are imported on demand, so snapshot runs never load the SDKs.
 */
export async function workItemFor(
  ctx: CommandContext,
  ruleSet: RuleSet,
  request: {
    gate: Gate;
    issue: string | undefined;
    mr: string | undefined;
    snapshot?: string | undefined;
    /** The command the person ran, for hints (`bfd snapshot`); default `bfd <gate>`. */
    command?: string | undefined;
  },
): Promise<WorkItem> {
  if (request.snapshot !== undefined) return readSnapshot(request.snapshot);
  const [{ gatherWorkItem }, env, { currentBranch }, { settled }] = await Promise.all([
    import("../sources/gather.js"),
    import("../sources/env.js"),
    import("../sources/git.js"),
    import("../sources/waves.js"),
  ]);
  const setup = sourceSetup(ctx);
  const plan = evidencePlan(ruleSet.rules, request.gate);
  const sources = Promise.all([env.linearFromEnv(setup), plan.mergeRequest ? env.gitlabFromEnv(setup) : null]);
  const branch = await settled(currentBranch(ctx.cwd), sources);
  const [linear, gitlab] = await sources;
  const project = plan.mergeRequest ? env.resolveProject(setup, ruleSet.config.gitlab?.project) : Promise.resolve(null);
  const statusName = ruleSet.config.serve?.statusName;
  return gatherWorkItem(
    // bfd serve's status under the name the team gave it is bfd's own: the pipeline rule never judges it.
    { linear, gitlab, ownStatuses: statusName === undefined ? undefined : [statusName] },
    {
      plan,
      now: ctx.now().toISOString(),
      branch,
      command: request.command ?? `bfd ${request.gate}`,
      issue: request.issue === undefined ? { by: "branch" } : { by: "reference", reference: request.issue },
      mergeRequest: !plan.mergeRequest
        ? { by: "none" }
        : request.mr === undefined
          ? { by: "discover", project }
          : { by: "reference", reference: request.mr, project },
    },
  );
}

/** A gate's report for the working tree's rules: what `bfd ready`/`bfd done` print and `bfd mcp` returns. */
export async function gateReport(
  ctx: CommandContext,
  gate: Gate,
  request: { issue: string | undefined; mr: string | undefined; snapshot?: string | undefined },
  /** The evidence as the gate should judge it (`bfd start` judges the issue as its pickup will leave it). */
  judgeAs: (item: WorkItem) => WorkItem = (item) => item,
): Promise<{ report: Report; item: WorkItem; ruleSet: RuleSet }> {
  const ruleSet = loadLocalRules(ctx);
  requireRules(ruleSet, gate);
  const item = await workItemFor(ctx, ruleSet, { gate, ...request });
  const judged = judgeAs(item);
  return {
    report: evaluate(ruleSet.rules, judged, {
      gate,
      waivers: waiverPolicy(ruleSet.config),
      evidence: ruleSet.evidence,
    }),
    item,
    ruleSet,
  };
}

/** `bfd ready` / `bfd done`: evidence (snapshot or live) → rules → report → exit 0/1. */
export async function runGate(
  ctx: CommandContext,
  gate: Gate,
  options: GateOptions,
): Promise<{ code: ExitCode; report: Report }> {
  const { report, item, ruleSet } = await gateReport(ctx, gate, options);
  const rules = rulesInForce(ctx, ruleSet);
  if (ctx.debug) ctx.stderr(`debug: rules: ${rulesInForceText(rules)}\n`);
  const rerun = `bfd ${gate}${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
  const render = await loadReporter(options.format);
  const renderOptions = {
    ...renderOptionsFor(ctx, options.output),
    rerun,
    rules,
    changedFiles: changedPathsOf(item),
    quiet: options.quiet === true,
  };
  writeOutput(ctx, render(report, renderOptions), options.output);
  if (!isStdout(options.output))
    ctx.stderr(`bfd ${gate}: ${report.verdict} — report written to ${printable(options.output!)}\n`);
  return { code: report.verdict === "pass" ? ExitCode.ok : ExitCode.gateFailed, report };
}
