import type { StagingResult } from "../../staging/result.js";
import { escapeMarkdownInline as md, markdownLink } from "../markdown-escape.js";
import type { Reporter } from "../types.js";

/** The staging list as Markdown (a release note, an MR or Linear comment); all outside text escaped. */
export const renderStagingMarkdown: Reporter<StagingResult> = (result) => {
  const lines = [
    `### Staging validation: ${result.missing.length} missing "${md(result.label)}"`,
    "",
    `Window: ${md(result.window.description)}`,
    "",
  ];
  if (result.missing.length === 0) lines.push("Nothing is missing the label.");
  for (const row of result.missing)
    lines.push(
      `- ${markdownLink(row.reference, row.url)} ${md(row.title)} — ${md(row.author)}, merged ${md(row.mergedAtLocal)}${row.issue === null ? "" : `, ${md(row.issue)}`}`,
    );
  return `${lines.join("\n")}\n`;
};
