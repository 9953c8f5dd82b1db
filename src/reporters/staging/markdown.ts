import type { StagingResult } from "../../staging/result.js";
import { escapeMarkdownInline as md, markdownLink } from "../markdown-escape.js";
import type { Reporter } from "../types.js";
import { STAGING_STATE, stagingAction, stagingCounts, stagingTimeline } from "./states.js";

/** The staging list as Markdown (a release note, an MR or Linear comment); all outside text escaped. */
export const renderStagingMarkdown: Reporter<StagingResult> = (result) => {
  const lines = [
    `### Staging validation: ${result.missing.length} to validate in ${md(result.environment)} ("${md(result.label)}")`,
    "",
    `Window: ${md(result.window.description)}`,
    "",
    md(stagingCounts(result)),
    "",
  ];
  if (result.merged.length === 0) lines.push("No merge request was merged in this window.");
  for (const row of result.merged) {
    const state = STAGING_STATE[row.state];
    const issue = row.issue === null ? "" : `, ${md(row.issue)}`;
    const action = row.state === "validated" ? "" : ` **${md(stagingAction(row, result))}**`;
    lines.push(
      `- ${state.symbol} ${markdownLink(row.reference, row.url)} ${md(row.title)} — ${md(row.author)}${issue}; ${state.name}: ${md(stagingTimeline(row, result.environment))}.${action}`,
    );
  }
  return `${lines.join("\n")}\n`;
};
