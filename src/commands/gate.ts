import { evaluate } from "../engine/evaluate.js";
import { ExitCode } from "../exit-codes.js";
import type { Report } from "../report/schema.js";
import { loadReporter, type Format } from "../reporters/index.js";
import type { Gate } from "../rules/schema.js";
import { readSnapshot } from "../sources/snapshot.js";
import type { WorkItem } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { writeOutput } from "./output.js";

export interface GateOptions {
  issue: string | undefined;
  snapshot: string | undefined;
  mr: string | undefined;
  format: Format;
  output: string | undefined;
}

/** Gathers the WorkItem live (Linear, GitLab); loaded on demand so snapshot runs never load the SDKs. */
async function gatherLive(ctx: CommandContext, gate: Gate, options: GateOptions, flagRecordGlobs: string[], configProject: string | undefined): Promise<WorkItem> {
  const { gatherWorkItem } = await import("../sources/gather.js");
  return gatherWorkItem(ctx, { gate, issue: options.issue, mr: options.mr, flagRecordGlobs, configProject });
}

export function flagRecordGlobsOf(rules: ReturnType<typeof loadLocalRules>["rules"]): string[] {
  return rules.filter((r) => r.kind.id === "flag-records").flatMap((r) => (r.options as { paths: string[] }).paths);
}

/** `bfd ready` / `bfd done`: evidence (snapshot or live) → rules → report → exit 0/1. */
export async function runGate(ctx: CommandContext, gate: Gate, options: GateOptions): Promise<{ code: ExitCode; report: Report }> {
  const ruleSet = loadLocalRules(ctx);
  const item = options.snapshot !== undefined ? await readSnapshot(options.snapshot) : await gatherLive(ctx, gate, options, flagRecordGlobsOf(ruleSet.rules), ruleSet.config.gitlab?.project);
  const report = evaluate(ruleSet.rules, item, { gate });
  const rerun = `bfd ${gate}${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
  const colorLevel = options.output === undefined ? ctx.colorLevel : 0;
  const render = await loadReporter(options.format);
  writeOutput(ctx, render(report, { colorLevel, rerun }), options.output);
  if (options.output !== undefined) ctx.stderr(`bfd ${gate}: ${report.verdict} — report written to ${options.output}\n`);
  return { code: report.verdict === "pass" ? ExitCode.ok : ExitCode.gateFailed, report };
}
