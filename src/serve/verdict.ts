import { STICKY_MARKER } from "../ci/sticky-note.js";
import { isBfdError } from "../errors.js";
import type { Report } from "../report/schema.js";
import { markdownLinearComment, markdownNoteBody } from "../reporters/bodies.js";
import { renderMarkdown } from "../reporters/markdown.js";
import { escapeMarkdownInline } from "../reporters/markdown-escape.js";
import { GATE_NAMES, summaryLine } from "../reporters/summary.js";
import type { Gate } from "../rules/schema.js";
import { OWN_STATUS_MARKER } from "../work-item/own-status.js";
import { RetryLater } from "./job.js";

/** What the publishers write: a gate's report, or why there is none (which is never a pass). */
export interface Verdict {
  outcome: "pass" | "fail" | "error";
  /** One line of plain text, e.g. for a commit status's description (not yet redacted: see the bodies below). */
  summary: string;
  /** The report as Markdown, outside text escaped by the reporter (not yet redacted or cut: see the bodies below). */
  markdown: string;
  /** The command that prints the whole report, for the notice of a cut comment. */
  rerun: string;
}

export function verdictFromReport(report: Report): Verdict {
  const verdict = report.verdict === "pass" ? "passed" : "failed";
  // The command goes in inline code, where nothing can be escaped: only a plain issue key (ENG-123) is named there.
  const key = report.issue?.identifier;
  return {
    outcome: report.verdict,
    summary: `${GATE_NAMES[report.gate]} ${verdict}: ${summaryLine(report)}`,
    markdown: renderMarkdown(report, { colorLevel: 0, rerun: `bfd ${report.gate}` }),
    rerun: key !== undefined && /^[A-Za-z0-9-]+$/.test(key) ? `bfd ${report.gate} ${key}` : `bfd ${report.gate}`,
  };
}

/**
 * The gate could not be judged (Linear or GitLab still failing after the retries, a token of the service's rejected,
 * or the team's rules on the target branch do not load): the outputs say so, in place of whatever they said before,
 * with whose move it is — nobody's (an outage: bfd checks again), the service's operator (its setup), or the team.
 */
export function verdictFromError(gate: Gate, error: unknown): Verdict {
  // RetryLater here: the evaluation's worker crashed or overran its deadline; the queue runs the job again.
  const message =
    isBfdError(error) || error instanceof RetryLater ? error.message : "an internal error (see the service's log)";
  const hint = isBfdError(error) && error.hint !== undefined ? `\n\n${escapeMarkdownInline(error.hint)}` : "";
  const kind = isBfdError(error) ? error.kind : error instanceof RetryLater ? "upstream" : "internal";
  const what =
    kind === "upstream"
      ? "bfd will check again"
      : kind === "setup"
        ? "bfd serve's settings must change; bfd checks again on the next change"
        : "fix it and push again";
  return {
    outcome: "error",
    summary: `${GATE_NAMES[gate]} not judged: ${message}`,
    markdown: `### bfd ${gate} ❗ not judged · ${GATE_NAMES[gate]}\n\n${escapeMarkdownInline(message)} — ${what}.${hint}\n`,
    rerun: `bfd ${gate}`,
  };
}

// The text of every output bfd serve publishes is built here, in the CLI's order: escaped (by the reporter), then
// redacted with every secret the service holds (`PublishContext.redact`), then cut to the output's limit — so neither
// escaping nor a cut can split a token the redactor must see whole.

/** Hidden marker that identifies bfd's own comment on a Linear issue. */
export const LINEAR_MARKER = "<!-- bfd:ready-comment -->";

/** The last line of bfd serve's MR note. */
const NOTE_FOOTER = "<sub>Kept current by bfd serve: it re-checks on every change.</sub>";

/**
 * bfd's MR note: the marker `bfd ci --comment` uses too (so both keep one note), the report cut to GitLab's note
 * limit, the footer. It carries no time or trigger, so an unchanged verdict is the same text.
 */
export function mergeRequestNoteText(
  markdown: string,
  mr: { project: string; iid: number },
  redact: (text: string) => string,
): string {
  return markdownNoteBody(markdown, {
    marker: STICKY_MARKER,
    footer: NOTE_FOOTER,
    redact,
    whole: `\`bfd done --mr ${mr.iid}\` in a checkout of ${escapeMarkdownInline(mr.project)} prints it whole`,
  });
}

/** bfd's Ready comment on a Linear issue: the marker, a first line that says "ready" once it passes, the report. */
export function readyCommentText(verdict: Verdict, redact: (text: string) => string): string {
  const headline =
    verdict.outcome === "pass"
      ? "**Ready to pick up.** Every Ready criterion is met."
      : "**Not ready to pick up yet.** bfd updates this comment as the issue changes.";
  return markdownLinearComment(`${LINEAR_MARKER}\n${headline}\n\n`, verdict.markdown, {
    redact,
    notice: `> **Note:** this report was cut to fit a comment; \`${verdict.rerun}\` prints it whole.`,
  });
}

/**
 * A commit status's description: bfd's marker, then the summary, redacted. The marker is how every bfd run knows this
 * status for its own and never judges it (a CI job may carry any name, `bfd/done` included, but no description).
 * GitLab keeps 255 characters; the GitLab adapter cuts there, after the redaction, so the cut never splits a token
 * either, and the marker, first, is never cut.
 */
export function commitStatusDescription(verdict: Verdict, redact: (text: string) => string): string {
  return `${OWN_STATUS_MARKER}${redact(verdict.summary)}`;
}

/**
 * bfd's answer in a Linear agent session: a first line of its own, then each gate's report (rendered, so outside
 * text is escaped), redacted, then cut like a Linear comment — Linear shows an activity's body as a comment's.
 */
export function agentActivityText(
  headline: string,
  verdicts: readonly Verdict[],
  redact: (text: string) => string,
): string {
  const rerun = verdicts.map((verdict) => `\`${verdict.rerun}\``).join(" and ");
  return markdownLinearComment(`${headline}\n\n`, verdicts.map((verdict) => verdict.markdown).join("\n\n"), {
    redact,
    notice: `> **Note:** this answer was cut to fit; ${rerun === "" ? "the CLI" : rerun} prints it whole.`,
  });
}
