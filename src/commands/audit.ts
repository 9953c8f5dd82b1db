import { auditIssues, type AuditResult } from "../audit/audit.js";
import { evidencePlan } from "../engine/plan.js";
import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { redactDeep } from "../redact.js";
import { loadAuditReporter, type AuditFormat } from "../reporters/audit/index.js";
import type { LoadedRule } from "../rules/schema.js";
import { linearFromEnv } from "../sources/env.js";
import { explainEmptyListing, type IssueListFilter } from "../sources/linear/index.js";
import type { Issue } from "../work-item/schema.js";
import { startProgress, type CommandContext } from "./context.js";
import { sourceSetup } from "./sources.js";
import { loadLocalRules } from "./load-rules.js";
import { renderOptionsFor, writeOutput } from "./output.js";

export interface AuditOptions {
  team: string | undefined;
  state: string | undefined;
  project: string | undefined;
  label: string | undefined;
  /** Every state, started and finished ones too (default: only not-started states, unless --state names one). */
  all?: boolean | undefined;
  limit: string;
  format: AuditFormat;
  output: string | undefined;
}

/** Linear's state types of work nobody has started: what planning looks at (`--all` for every state). */
export const NOT_STARTED_TYPES = ["triage", "backlog", "unstarted"] as const;

/** Which issues an audit reads: the team (--team, else linear.team) and --limit checked, the filter as reported. */
export interface AuditScope {
  teamKey: string;
  limit: number;
  filter: AuditResult["filter"];
}

/** The team and --limit as `bfd audit` and `bfd board` take them; `command` names the one that asks. */
export function auditScope(
  command: string,
  options: Pick<AuditOptions, "team" | "state" | "project" | "label" | "limit" | "all">,
  configTeam: string | undefined,
): AuditScope {
  const team = options.team ?? configTeam;
  if (team === undefined || !/^[A-Za-z][A-Za-z0-9]{0,9}$/.test(team)) {
    throw usageError(
      "bad-team",
      team === undefined ? `${command} needs a team: --team ENG` : `--team ${team}: not a Linear team key`,
      "Pass the team key shown in issue keys (ENG for ENG-123), or set linear.team in bfd.config.yaml.",
    );
  }
  if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000) {
    throw usageError("bad-limit", `--limit ${options.limit}: use a whole number from 1 to 1000`);
  }
  const limit = Number(options.limit);
  return {
    teamKey: team,
    limit,
    filter: {
      team: team.toUpperCase(),
      state: options.state ?? null,
      notStarted: options.state === undefined && options.all !== true,
      project: options.project ?? null,
      label: options.label ?? null,
      limit,
    },
  };
}

/**
 * The issues of the scope, from Linear's issues(filter:) page by page (never one request per issue), with the
 * workspace's team keys (read once, beside the first page) when the Ready rules tell issue keys from key-like words.
 */
export async function listAuditIssues(
  ctx: CommandContext,
  scope: AuditScope,
  rules: readonly LoadedRule[],
): Promise<Issue[]> {
  const linear = await linearFromEnv(sourceSetup(ctx));
  const { state, project, label, notStarted } = scope.filter;
  const teamKeys = evidencePlan(rules, "ready").teamKeys ? linear.teamKeys() : Promise.resolve(null);
  teamKeys.catch(() => undefined);
  const filter: IssueListFilter = {
    teamKey: scope.teamKey,
    ...(state === null ? {} : { stateName: state }),
    ...(notStarted ? { stateTypes: NOT_STARTED_TYPES } : {}),
    ...(project === null ? {} : { projectName: project }),
    ...(label === null ? {} : { label }),
  };
  const listed = await linear.listIssues(filter, scope.limit);
  // Nothing listed may be a typo in a filter rather than an empty plan: said as an error, never "No issues match."
  if (listed.issues.length === 0) await explainEmptyListing(linear, filter);
  const workspaceTeamKeys = await teamKeys;
  return listed.issues.map((issue) => ({ ...issue, workspaceTeamKeys }));
}

/** `bfd audit`: the ready gate over a filtered set of Linear issues, fetched page by page (never one request per issue). */
export async function runAudit(ctx: CommandContext, options: AuditOptions): Promise<ExitCode> {
  const { rules, config, evidence } = loadLocalRules(ctx);
  const scope = auditScope("bfd audit", options, config.linear?.team);
  const reading = startProgress(ctx, options.format === "json" ? null : "bfd audit");
  const issues = await listAuditIssues(reading.ctx, scope, rules);
  reading.stop();
  const result = auditIssues(rules, issues, ctx.now().toISOString(), scope.filter, evidence);
  const render = await loadAuditReporter(options.format);
  // Redacted before rendering too: the table cuts titles to a column, which could leave half a token behind.
  writeOutput(ctx, render(redactDeep(result, ctx.redact), renderOptionsFor(ctx, options.output)), options.output);
  if (issues.length >= scope.limit)
    ctx.stderr(`bfd audit: stopped at --limit ${scope.limit}; there may be more issues\n`);
  return result.summary.notReady > 0 ? ExitCode.gateFailed : ExitCode.ok;
}
