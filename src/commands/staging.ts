import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadStagingReporter, type StagingFormat } from "../reporters/staging/index.js";
import { gitlabFromEnv, requireProject } from "../sources/env.js";
import type { StagingResult, StagingRow } from "../staging/result.js";
import { explicitWindow, formatInZone, stagingWindow } from "../staging/window.js";
import { instant } from "../time.js";
import { sourceSetup } from "./sources.js";
import { deploymentsOfMergeRequests } from "../sources/deployments.js";
import { mapConcurrently } from "../sources/waves.js";
import { labelAddedAt, needsValidation, stagingState } from "../work-item/staging-state.js";
import { issueKeyFromMergeRequest } from "../work-item/issue-keys.js";
import { startProgress, type CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { evidencePlan } from "../engine/plan.js";
import type { RuleSet } from "../rules/load.js";
import { stagingConfig } from "../rules/schema.js";
import { renderOptionsFor, writeOutput } from "./output.js";

export interface StagingOptions {
  since: string | undefined;
  until: string | undefined;
  format: StagingFormat;
  output: string | undefined;
}

/** What `bfd staging` reads: the release window, or the one given with --since/--until. */
export interface StagingQuery {
  since?: string | undefined;
  until?: string | undefined;
}

/** How many label histories are read at once. */
const LABEL_READS_AT_ONCE = 8;

/**
 * The merge requests merged into the deploy branch inside the release window, each with where it stands in staging
 * (src/work-item/staging-state.ts): GitLab filters the merged MRs (state=merged, target_branch, updated_after); the
 * successful deployments to the staging environment say which brought each MR; the label history of the labelled
 * ones says when the label was added. Shared by `bfd staging` and `bfd board`.
 */
export async function collectStaging(
  ctx: CommandContext,
  query: StagingQuery,
  ruleSet: RuleSet = loadLocalRules(ctx),
): Promise<StagingResult> {
  const { config, rules } = ruleSet;
  // The label and environment are the Done gate's (the rule that reads staging names them in rules/done.yaml);
  // staging: in bfd.config.yaml can set them for this command too.
  const fromRules = evidencePlan(rules, "done").staging;
  const label = config.staging?.label ?? fromRules?.label;
  const environment = config.staging?.environment ?? fromRules?.environment;
  if (label === undefined || environment === undefined) {
    throw usageError(
      "no-staging-label",
      "no rule in force says which label and environment record a staging validation",
      "Set staging.label and staging.environment in bfd.config.yaml, or keep the built-in staging-validated rule.",
    );
  }
  const { timeZone, cutoff, release, deployBranch: configuredBranch } = stagingConfig(config);
  const calendar = { label, environment, timeZone, cutoff, release };
  const now = ctx.now().toISOString();
  const window =
    query.since !== undefined || query.until !== undefined
      ? explicitWindow(query.since, query.until, calendar.timeZone, now)
      : stagingWindow(calendar, now);
  const gitlab = await gitlabFromEnv(sourceSetup(ctx));
  const project = await requireProject(sourceSetup(ctx), config.gitlab?.project);
  const deployBranch = configuredBranch ?? (await gitlab.getProject(project)).defaultBranch;
  const inWindow = (
    await gitlab.listMergedMergeRequests(project, {
      targetBranch: deployBranch,
      updatedAfter: window.start,
      notLabels: [],
    })
  )
    .filter((mr) => instant(mr.mergedAt) >= instant(window.start) && instant(mr.mergedAt) < instant(window.end))
    .sort((a, b) => instant(a.mergedAt) - instant(b.mergedAt));
  const wanted = calendar.label.toLowerCase();
  const isLabelled = (mr: { labels: string[] }) => mr.labels.some((l) => l.toLowerCase() === wanted);
  const deployed = await deploymentsOfMergeRequests(gitlab, project, {
    environment: calendar.environment,
    since: window.start,
    iids: inWindow.map((mr) => mr.iid),
  });
  // When the label was added matters only for a deployed MR that carries it: read just those histories.
  const histories = await mapConcurrently(
    inWindow.filter((mr) => isLabelled(mr) && deployed.has(mr.iid)),
    LABEL_READS_AT_ONCE,
    async (mr) => [mr.iid, labelAddedAt(await gitlab.labelEvents(project, mr.iid), calendar.label)] as const,
  );
  const addedAt = new Map(histories);
  const local = (iso: string | null) => (iso === null ? null : formatInZone(iso, calendar.timeZone));
  const merged: StagingRow[] = inWindow.map((mr) => {
    const deployedAt = deployed.get(mr.iid)?.finishedAt ?? null;
    const labelAdded = addedAt.get(mr.iid) ?? null;
    return {
      reference: `${mr.projectPath}!${mr.iid}`,
      title: mr.title,
      author: mr.author,
      mergedAt: mr.mergedAt!,
      mergedAtLocal: formatInZone(mr.mergedAt!, calendar.timeZone),
      issue: issueKeyFromMergeRequest(mr),
      url: mr.url,
      state: stagingState({ deployedAt, labelled: isLabelled(mr), labelAddedAt: labelAdded }),
      deployedAt,
      deployedAtLocal: local(deployedAt),
      labelAddedAt: labelAdded,
      labelAddedAtLocal: local(labelAdded),
    };
  });
  const missing = merged.filter((row) => needsValidation(row.state));
  return {
    schemaVersion: 1,
    project,
    deployBranch,
    label: calendar.label,
    environment: calendar.environment,
    timeZone: calendar.timeZone,
    window,
    merged,
    missing,
    // Only a deployed MR can be validated: one still waiting for its deploy never fails the window.
    verdict: window.mandatory && missing.length > 0 ? "fail" : "pass",
  };
}

/** `bfd staging`: the merged MRs of the release window and where each stands in staging. */
export async function runStaging(ctx: CommandContext, options: StagingOptions): Promise<ExitCode> {
  const reading = startProgress(ctx, options.format === "json" ? null : "bfd staging");
  const result = await collectStaging(reading.ctx, { since: options.since, until: options.until });
  reading.stop();
  const render = await loadStagingReporter(options.format);
  writeOutput(ctx, render(result, renderOptionsFor(ctx, options.output)), options.output);
  return result.verdict === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}
