import { auditIssues } from "../audit/audit.js";
import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { redactDeep } from "../redact.js";
import { loadAuditReporter, type AuditFormat } from "../reporters/audit/index.js";
import { linearFromEnv } from "../sources/env.js";
import { startProgress, type CommandContext } from "./context.js";
import { sourceSetup } from "./sources.js";
import { loadLocalRules } from "./load-rules.js";
import { renderOptionsFor, writeOutput } from "./output.js";

export interface AuditOptions {
  team: string | undefined;
  state: string | undefined;
  project: string | undefined;
  label: string | undefined;
  limit: string;
  format: AuditFormat;
  output: string | undefined;
}

/** `bfd audit`: the ready gate over a filtered set of Linear issues, fetched page by page (never one request per issue). */
export async function runAudit(ctx: CommandContext, options: AuditOptions): Promise<ExitCode> {
  const { rules, config } = loadLocalRules(ctx);
  const team = options.team ?? config.linear?.team;
  if (team === undefined || !/^[A-Za-z][A-Za-z0-9]{0,9}$/.test(team)) {
    throw usageError(
      "bad-team",
      team === undefined ? "bfd audit needs a team: --team ENG" : `--team ${team}: not a Linear team key`,
      "Pass the team key shown in issue keys (ENG for ENG-123), or set linear.team in bfd.config.yaml.",
    );
  }
  if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000) {
    throw usageError("bad-limit", `--limit ${options.limit}: use a whole number from 1 to 1000`);
  }
  const limit = Number(options.limit);
  const reading = startProgress(ctx, options.format === "json" ? null : "bfd audit");
  const linear = await linearFromEnv(sourceSetup(reading.ctx));
  const listed = await linear.listIssues(
    {
      teamKey: team,
      ...(options.state === undefined ? {} : { stateName: options.state }),
      ...(options.project === undefined ? {} : { projectName: options.project }),
      ...(options.label === undefined ? {} : { label: options.label }),
    },
    limit,
  );
  reading.stop();
  const result = auditIssues(rules, listed.issues, ctx.now().toISOString(), {
    team: team.toUpperCase(),
    state: options.state ?? null,
    project: options.project ?? null,
    label: options.label ?? null,
    limit,
  });
  const render = await loadAuditReporter(options.format);
  // Redacted before rendering too: the table cuts titles to a column, which could leave half a token behind.
  writeOutput(ctx, render(redactDeep(result, ctx.redact), renderOptionsFor(ctx, options.output)), options.output);
  if (listed.issues.length >= limit) ctx.stderr(`bfd audit: stopped at --limit ${limit}; there may be more issues\n`);
  return result.summary.notReady > 0 ? ExitCode.gateFailed : ExitCode.ok;
}
