import { HANDOFF_STATE_INFO, type HandoffResult } from "../../handoff/compose.js";
import { markdownLink, escapeMarkdownInline as md } from "../markdown-escape.js";
import type { Reporter } from "../types.js";
import { shownInstant } from "../../time.js";

/**
 * The handoff note as Markdown: what `bfd handoff` prints and `--post` adds to the Linear issue. All text from
 * Linear and GitLab is escaped, so the note can go to Linear as is.
 */
export const renderHandoffMarkdown: Reporter<HandoffResult> = ({ note, report }) => {
  const lines: string[] = [`## Handoff: ${HANDOFF_STATE_INFO[note.state].label}`, ""];
  if (note.stateWarning !== null) lines.push(`> ⚠️ ${md(note.stateWarning)}`, "");
  lines.push(
    `**Done gate:** ${report.verdict === "pass" ? "passed" : "not met"} (${report.summary.passed} passed, ${report.summary.failed + report.summary.errored} failing, ${report.summary.waived} waived)`,
    "",
  );
  lines.push("### What was tested", "");
  if (note.tested === null) lines.push('_Not explained: the merge request has no "How tested" section._');
  else for (const line of note.tested.split("\n").filter((l) => l.trim() !== "")) lines.push(`> ${md(line)}`);
  lines.push("", "### Acceptance criteria", "");
  if (note.criteriaCovered.length + note.criteriaNotCovered.length === 0)
    lines.push("_No acceptance-criteria checklist on the issue._");
  for (const c of note.criteriaCovered) lines.push(`- [x] ${md(c)}`);
  for (const c of note.criteriaNotCovered) lines.push(`- [ ] ${md(c)} — not covered`);
  if (note.staging !== null) {
    const { environment, label, state, deployedAt, labelAddedAt } = note.staging;
    const when = (iso: string | null) => (iso === null ? "" : shownInstant(iso));
    const text: Record<typeof state, string> = {
      "not-deployed": `merged, not deployed to ${environment} yet: validate once it is deployed.`,
      "not-validated": `deployed to ${environment} ${when(deployedAt)}; not validated yet (no "${label}" label).`,
      stale:
        labelAddedAt === null
          ? `deployed to ${environment} ${when(deployedAt)}; labelled "${label}", but GitLab has no record of when: validate again.`
          : `deployed to ${environment} ${when(deployedAt)}; labelled "${label}" ${when(labelAddedAt)}, before the deploy: validate again.`,
      validated: `deployed to ${environment} ${when(deployedAt)}; validated ("${label}" added ${when(labelAddedAt)}).`,
    };
    lines.push("", "### Staging", "", md(text[state]));
  }
  lines.push("", "### Remaining gaps", "");
  if (note.gaps.length === 0) lines.push("None: every Done rule passed or was waived.");
  for (const g of note.gaps)
    lines.push(`- **${md(g.title)}** \`${g.rule}\`: ${md(g.message)}${g.hint === null ? "" : ` — ${md(g.hint)}`}`);
  if (note.waivers.length > 0) {
    lines.push("", "### Waivers", "");
    for (const w of note.waivers) lines.push(`- \`${w.rule}\`: ${md(w.text)}`);
  }
  if (note.links.length > 0) {
    lines.push("", "### Links", "");
    for (const l of note.links) lines.push(`- ${markdownLink(l.label, l.url)}`);
  }
  return `${lines.join("\n")}\n`;
};
