import { findSection, sectionLines, sectionTaskItems } from "../markdown/sections.js";
import type { Report } from "../report/schema.js";
import { escapeMarkdownInline as md, safeUrl } from "../reporters/markdown-escape.js";
import type { WorkItem } from "../work-item/schema.js";

export const HANDOFF_STATES = ["in-review", "blocked", "staging-validation", "decision"] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];

/** The declared state in words, and the Linear state names that agree with it. */
export const HANDOFF_STATE_INFO: Record<HandoffState, { label: string; linearNames: string[] }> = {
  "in-review": { label: "In Review", linearNames: ["In Review"] },
  blocked: { label: "Blocked", linearNames: ["Blocked"] },
  "staging-validation": { label: "Ready for staging validation", linearNames: ["Ready for Staging Validation"] },
  decision: { label: "Ready for a human decision", linearNames: ["Needs Decision"] },
};

export interface HandoffNote {
  state: HandoffState;
  /** Set when the declared state and the issue's Linear state disagree. */
  stateWarning: string | null;
  tested: string | null;
  criteriaCovered: string[];
  criteriaNotCovered: string[];
  waivers: { rule: string; reason: string; source: string }[];
  gaps: { rule: string; title: string; message: string; hint: string | null }[];
  links: { label: string; url: string }[];
  markdown: string;
}

export interface ComposeOptions {
  acceptanceHeadings: readonly string[];
  testedHeadings: readonly string[];
}

/**
 * The handoff note: the true state made explicit, with what was tested, which acceptance criteria are covered,
 * the waivers and the remaining gaps (failing Done rules), and the links a reader needs. Pure: the report and
 * the WorkItem in, the note out. All text from Linear/GitLab is escaped, so the note can go to Linear as is.
 */
export function composeHandoff(
  state: HandoffState,
  report: Report,
  item: WorkItem,
  options: ComposeOptions,
): HandoffNote {
  const info = HANDOFF_STATE_INFO[state];
  const linearState = item.issue?.state.name ?? null;
  const stateWarning =
    linearState !== null && !info.linearNames.some((n) => n.toLowerCase() === linearState.toLowerCase())
      ? `The handoff says "${info.label}" but ${item.issue!.identifier} is "${linearState}" in Linear; move it to ${info.linearNames.join(" or ")}.`
      : null;
  const ac = item.issue === null ? null : findSection(item.issue.description, options.acceptanceHeadings);
  const tasks = ac === null ? [] : sectionTaskItems(ac);
  const criteriaCovered = tasks.filter((t) => t.checked === true).map((t) => t.text);
  const criteriaNotCovered = tasks.filter((t) => t.checked !== true).map((t) => t.text);
  const testedSection =
    item.mergeRequest === null ? null : findSection(item.mergeRequest.description, options.testedHeadings);
  const testedLines = testedSection === null ? [] : sectionLines(testedSection);
  const tested = testedLines.length === 0 ? null : testedLines.join("\n");
  const waivers = report.results
    .filter((r) => r.status === "waived" && r.waiver !== null)
    .map((r) => ({ rule: r.rule, reason: r.waiver!.reason, source: r.waiver!.source }));
  const gaps = report.results
    .filter((r) => r.status === "fail" || r.status === "error")
    .map((r) => ({ rule: r.rule, title: r.title, message: r.message, hint: r.hint }));
  const links: { label: string; url: string }[] = [];
  if (item.mergeRequest !== null)
    links.push({
      label: `Merge request ${item.mergeRequest.projectPath}!${item.mergeRequest.iid}`,
      url: item.mergeRequest.url,
    });
  if (item.mergeRequest?.headPipeline?.url)
    links.push({
      label: `Pipeline (${item.mergeRequest.headPipeline.status})`,
      url: item.mergeRequest.headPipeline.url,
    });
  if (item.issue !== null) links.push({ label: `Linear ${item.issue.identifier}`, url: item.issue.url });

  const lines: string[] = [`## Handoff: ${info.label}`, ""];
  if (stateWarning !== null) lines.push(`> ⚠️ ${md(stateWarning)}`, "");
  lines.push(
    `**Done gate:** ${report.verdict === "pass" ? "passed" : "not met"} (${report.summary.passed} passed, ${report.summary.failed + report.summary.errored} failing, ${report.summary.waived} waived)`,
    "",
  );
  lines.push("### What was tested", "");
  if (tested === null) lines.push('_Not explained: the merge request has no "How tested" section._');
  else for (const line of tested.split("\n").filter((l) => l.trim() !== "")) lines.push(`> ${md(line)}`);
  lines.push("", "### Acceptance criteria", "");
  if (tasks.length === 0) lines.push("_No acceptance-criteria checklist on the issue._");
  for (const c of criteriaCovered) lines.push(`- [x] ${md(c)}`);
  for (const c of criteriaNotCovered) lines.push(`- [ ] ${md(c)} — not covered`);
  lines.push("", "### Remaining gaps", "");
  if (gaps.length === 0) lines.push("None: every Done rule passed or was waived.");
  for (const g of gaps)
    lines.push(`- **${md(g.title)}** \`${g.rule}\`: ${md(g.message)}${g.hint === null ? "" : ` — ${md(g.hint)}`}`);
  if (waivers.length > 0) {
    lines.push("", "### Waivers", "");
    for (const w of waivers) lines.push(`- \`${w.rule}\`: ${md(w.reason)} (${md(w.source)})`);
  }
  if (links.length > 0) {
    lines.push("", "### Links", "");
    for (const l of links) {
      const url = safeUrl(l.url);
      lines.push(url === null ? `- ${md(l.label)}` : `- [${md(l.label)}](${url})`);
    }
  }
  return {
    state,
    stateWarning,
    tested,
    criteriaCovered,
    criteriaNotCovered,
    waivers,
    gaps,
    links,
    markdown: `${lines.join("\n")}\n`,
  };
}
