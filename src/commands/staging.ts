import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { loadStagingReporter, type StagingFormat } from "../reporters/staging/index.js";
import { gitlabFromEnv, resolveProject } from "../sources/env.js";
import type { StagingResult, StagingRow } from "../staging/result.js";
import { explicitWindow, formatInZone, stagingWindow } from "../staging/window.js";
import { instant } from "../time.js";
import { sourceSetup } from "./sources.js";
import { issueKeyFromMergeRequest } from "../work-item/issue-keys.js";
import { startProgress, type CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { renderOptionsFor, writeOutput } from "./output.js";

export interface StagingOptions {
  since: string | undefined;
  until: string | undefined;
  format: StagingFormat;
  output: string | undefined;
}

/**
 * `bfd staging`: merged MRs inside the release window that lack the staging label. GitLab does the
 * filtering (state=merged, target_branch, updated_after, not[labels]); bfd keeps those merged inside the window.
 */
export async function runStaging(ctx: CommandContext, options: StagingOptions): Promise<ExitCode> {
  const { config } = loadLocalRules(ctx);
  const calendar = {
    label: config.staging?.label ?? "Validated in Staging",
    timeZone: config.staging?.timeZone ?? "UTC",
    cutoff: config.staging?.cutoff ?? { weekday: "thursday" as const, time: "12:00" },
    release: config.staging?.release ?? { weekday: "tuesday" as const, time: "10:00" },
  };
  const now = ctx.now().toISOString();
  const window =
    options.since !== undefined || options.until !== undefined
      ? explicitWindow(options.since, options.until, calendar.timeZone, now)
      : stagingWindow(calendar, now);
  const reading = startProgress(ctx, options.format === "json" ? null : "bfd staging");
  const gitlab = await gitlabFromEnv(sourceSetup(reading.ctx));
  const project = await resolveProject(sourceSetup(reading.ctx), config.gitlab?.project);
  if (project === null) {
    throw usageError(
      "no-project",
      "cannot tell which GitLab project to look in",
      "Set gitlab.project in bfd.config.yaml, set CI_PROJECT_ID, or run inside a checkout whose origin is on GitLab.",
    );
  }
  const deployBranch = config.staging?.deployBranch ?? (await gitlab.getProject(project)).defaultBranch;
  const merged = await gitlab.listMergedMergeRequests(project, {
    targetBranch: deployBranch,
    updatedAfter: window.start,
    notLabels: [calendar.label],
  });
  reading.stop();
  const missing: StagingRow[] = merged
    .filter((mr) => instant(mr.mergedAt) >= instant(window.start) && instant(mr.mergedAt) < instant(window.end))
    .filter((mr) => !mr.labels.some((l) => l.toLowerCase() === calendar.label.toLowerCase()))
    .sort((a, b) => instant(a.mergedAt) - instant(b.mergedAt))
    .map((mr) => ({
      reference: `${mr.projectPath}!${mr.iid}`,
      title: mr.title,
      author: mr.author,
      mergedAt: mr.mergedAt!,
      mergedAtLocal: formatInZone(mr.mergedAt!, calendar.timeZone),
      issue: issueKeyFromMergeRequest(mr),
      url: mr.url,
    }));
  const result: StagingResult = {
    schemaVersion: 1,
    project,
    deployBranch,
    label: calendar.label,
    timeZone: calendar.timeZone,
    window,
    missing,
    verdict: window.mandatory && missing.length > 0 ? "fail" : "pass",
  };
  const render = await loadStagingReporter(options.format);
  writeOutput(ctx, render(result, renderOptionsFor(ctx, options.output)), options.output);
  return result.verdict === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}
