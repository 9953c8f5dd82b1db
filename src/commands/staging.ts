import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { escapeMarkdownInline } from "../reporters/markdown-escape.js";
import { stripTerminalControls } from "../reporters/sanitize.js";
import { gitlabFromEnv, resolveProject } from "../sources/gather.js";
import { explicitWindow, formatInZone, stagingWindow, type StagingWindow } from "../staging/window.js";
import { issueKeyFromMergeRequest } from "../work-item/issue-keys.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { writeOutput } from "./output.js";

export interface StagingOptions {
  since: string | undefined;
  until: string | undefined;
  format: "pretty" | "json" | "markdown";
  output: string | undefined;
}

export interface StagingRow {
  reference: string;
  title: string;
  author: string;
  mergedAt: string;
  mergedAtLocal: string;
  issue: string | null;
  url: string;
}

/** What `bfd staging --format json` prints (a stable contract, like the gate report). */
export interface StagingResult {
  schemaVersion: 1;
  project: string;
  deployBranch: string;
  label: string;
  timeZone: string;
  window: StagingWindow;
  missing: StagingRow[];
  verdict: "pass" | "fail";
}

export function renderPretty(result: StagingResult): string {
  const t = (s: string): string => stripTerminalControls(s);
  const lines = [
    `bfd staging · ${t(result.project)} → ${t(result.deployBranch)} · label "${t(result.label)}"`,
    `  window: ${result.window.description}`,
    "",
  ];
  if (result.missing.length === 0) {
    lines.push(`  No merged merge request in this window is missing "${t(result.label)}".`);
  } else {
    for (const row of result.missing) {
      lines.push(`  ✖ ${t(row.reference)}  ${t(row.title)}`);
      lines.push(
        `      by ${t(row.author)} · merged ${row.mergedAtLocal} · ${row.issue ?? "no Linear issue named"} · ${t(row.url)}`,
      );
    }
    lines.push("");
    const what = `${result.missing.length} merged merge request${result.missing.length === 1 ? "" : "s"} missing "${t(result.label)}"`;
    lines.push(
      result.window.mandatory
        ? `  ${what}: validate them in staging, then add the label.`
        : `  ${what} (validation becomes mandatory at the cut-off).`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function renderMarkdown(result: StagingResult): string {
  const md = escapeMarkdownInline;
  const lines = [
    `### Staging validation: ${result.missing.length} missing "${md(result.label)}"`,
    "",
    `Window: ${md(result.window.description)}`,
    "",
  ];
  if (result.missing.length === 0) lines.push("Nothing is missing the label.");
  for (const row of result.missing)
    lines.push(
      `- [${md(row.reference)}](${row.url}) ${md(row.title)} — ${md(row.author)}, merged ${md(row.mergedAtLocal)}${row.issue === null ? "" : `, ${md(row.issue)}`}`,
    );
  return `${lines.join("\n")}\n`;
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
  const gitlab = await gitlabFromEnv(ctx);
  const project = await resolveProject(ctx, config.gitlab?.project);
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
  const missing: StagingRow[] = merged
    .filter((mr) => mr.mergedAt !== null && mr.mergedAt >= window.start && mr.mergedAt < window.end)
    .filter((mr) => !mr.labels.some((l) => l.toLowerCase() === calendar.label.toLowerCase()))
    .sort((a, b) => (a.mergedAt ?? "").localeCompare(b.mergedAt ?? ""))
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
  const text =
    options.format === "json"
      ? `${JSON.stringify(result, null, 2)}\n`
      : options.format === "markdown"
        ? renderMarkdown(result)
        : renderPretty(result);
  writeOutput(ctx, text, options.output);
  return result.verdict === "fail" ? ExitCode.gateFailed : ExitCode.ok;
}
