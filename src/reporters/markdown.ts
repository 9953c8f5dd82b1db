import type { RuleResult } from "../report/schema.js";
import { judgedMergeRequests, resultTitle } from "./result-title.js";
import { waiverCounts, waiverText } from "../report/waiver-text.js";
import { markdownLink as link, escapeMarkdownInline as md } from "./markdown-escape.js";
import { GATE_NAMES, rulesInForceText, summaryLine } from "./summary.js";
import type { Reporter } from "./types.js";

const ICONS: Record<string, string> = {
  pass: "✅",
  fail: "❌",
  warning: "⚠️",
  waived: "➖",
  skipped: "⏭️",
  error: "❗",
};

function icon(r: RuleResult): string {
  if (r.status === "fail" && r.severity === "warning") return ICONS.warning!;
  return ICONS[r.status]!;
}

function line(r: RuleResult): string[] {
  const head = `- ${icon(r)} **${md(resultTitle(r))}** \`${r.rule}\` — ${md(r.message)}`;
  const out = [head];
  if (r.waiver !== null) {
    const text = waiverText(r.waiver);
    out.push(
      `  - ${waiverCounts(r.waiver) ? "" : "**Not waived:** "}${md(text.charAt(0).toUpperCase() + text.slice(1))}`,
    );
  }
  if (r.hint !== null && r.status !== "pass" && r.status !== "skipped" && r.status !== "waived")
    out.push(`  - **Fix:** ${md(r.hint)}`);
  return out;
}

/**
 * The checklist as Markdown: an MR note, a Linear comment, or a CI artifact. Failures first with their fix,
 * then passes in a collapsed block, so reviewers see what matters. All outside text is escaped.
 */
export const renderMarkdown: Reporter = (report, options) => {
  const verdict = report.verdict === "pass" ? "✅ passed" : "❌ failed";
  const subject =
    report.issue === null
      ? "no Linear issue"
      : link(`${report.issue.identifier} ${report.issue.title}`, report.issue.url);
  const lines = [`### bfd ${report.gate} ${verdict} · ${GATE_NAMES[report.gate]} · ${subject}`, ""];
  const judged = judgedMergeRequests(report);
  if (judged.length > 0)
    lines.push(
      `Merge request${judged.length === 1 ? "" : "s"} ${judged.map((mr) => link(`${mr.project}!${mr.iid}`, mr.url)).join(", ")}`,
      "",
    );
  if (options.rules !== undefined) lines.push(`Rules: ${md(rulesInForceText(options.rules))}`, "");
  const attention = report.results.filter((r) => r.status === "fail" || r.status === "error" || r.status === "waived");
  const rest = report.results.filter((r) => !attention.includes(r));
  for (const r of attention) lines.push(...line(r));
  if (attention.length > 0) lines.push("");
  if (rest.length > 0) {
    lines.push(`<details><summary>${rest.length} passed or skipped</summary>`, "");
    for (const r of rest) lines.push(...line(r));
    lines.push("", "</details>", "");
  }
  for (const notice of report.notices) lines.push(`> **Note:** ${md(notice)}`, "");
  lines.push(`**${summaryLine(report)}**`);
  return `${lines.join("\n")}\n`;
};
