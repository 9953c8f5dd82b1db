import { findSection, sectionLines, sectionTaskItems } from "../markdown/sections.js";
import { resultTitle } from "../reporters/result-title.js";
import type { Report } from "../report/schema.js";
import { waiverText } from "../report/waiver-text.js";
import type { WorkItem } from "../work-item/schema.js";
import { stagingState, type StagingState } from "../work-item/staging-state.js";

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
  /** `text`: who stands behind the waiver and when (src/report/waiver-text.ts). */
  waivers: { rule: string; reason: string; source: string; text: string }[];
  gaps: { rule: string; title: string; message: string; hint: string | null }[];
  links: { label: string; url: string }[];
  /** Where the merged MR stands in staging; null when the MR is not merged or no rule read its deployments. */
  staging: {
    environment: string;
    label: string;
    state: StagingState;
    deployedAt: string | null;
    labelAddedAt: string | null;
  } | null;
}

/** What `bfd handoff` renders (src/reporters/handoff/): the note, the Done report it rests on, the Linear comment. */
export interface HandoffResult {
  note: HandoffNote;
  report: Report;
  /** The comment `--post` created; null when not posted (yet). */
  comment: { id: string; url: string } | null;
}

export interface ComposeOptions {
  acceptanceHeadings: readonly string[];
  testedHeadings: readonly string[];
}

/**
 * The handoff note: the true state made explicit, with what was tested, which acceptance criteria are covered,
 * the waivers and the remaining gaps (failing Done rules), and the links a reader needs. Pure: the report and
 * the WorkItem in, the note's content out; src/reporters/handoff/ renders it.
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
    .map((r) => ({ rule: r.rule, reason: r.waiver!.reason, source: r.waiver!.source, text: waiverText(r.waiver!) }));
  const gaps = report.results
    .filter((r) => r.status === "fail" || r.status === "error")
    .map((r) => ({ rule: r.rule, title: resultTitle(r), message: r.message, hint: r.hint }));
  const links: { label: string; url: string }[] = [];
  if (item.mergeRequest !== null)
    links.push({
      label: `Merge request ${item.mergeRequest.projectPath}!${item.mergeRequest.iid}`,
      url: item.mergeRequest.url,
    });
  for (const other of item.otherMergeRequests)
    links.push({
      label: `Merge request ${other.mergeRequest.projectPath}!${other.mergeRequest.iid}`,
      url: other.mergeRequest.url,
    });
  if (item.mergeRequest?.headPipeline?.url)
    links.push({
      label: `Pipeline (${item.mergeRequest.headPipeline.status})`,
      url: item.mergeRequest.headPipeline.url,
    });
  if (item.issue !== null) links.push({ label: `Linear ${item.issue.identifier}`, url: item.issue.url });

  const mr = item.mergeRequest;
  const staging =
    mr === null || mr.state !== "merged" || mr.staging === null
      ? null
      : {
          environment: mr.staging.environment,
          label: mr.staging.label,
          state: stagingState({
            deployedAt: mr.staging.deployedAt,
            labelled: mr.labels.some((l) => l.toLowerCase() === mr.staging!.label.toLowerCase()),
            labelAddedAt: mr.staging.labelAddedAt,
          }),
          deployedAt: mr.staging.deployedAt,
          labelAddedAt: mr.staging.labelAddedAt,
        };

  return {
    state,
    stateWarning,
    staging,
    tested,
    criteriaCovered,
    criteriaNotCovered,
    waivers,
    gaps,
    links,
  };
}
