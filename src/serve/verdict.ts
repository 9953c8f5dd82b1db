import { isBfdError } from "../errors.js";
import type { Report } from "../report/schema.js";
import { renderMarkdown } from "../reporters/markdown.js";
import { escapeMarkdownInline } from "../reporters/markdown-escape.js";
import { GATE_NAMES, summaryLine } from "../reporters/summary.js";
import type { Gate } from "../rules/schema.js";

/** What the publishers write: a gate's report, or why there is none (which is never a pass). */
export interface Verdict {
  outcome: "pass" | "fail" | "error";
  /** One line, e.g. for a commit status's description. */
  summary: string;
  markdown: string;
}

export function verdictFromReport(report: Report): Verdict {
  const verdict = report.verdict === "pass" ? "passed" : "failed";
  return {
    outcome: report.verdict,
    summary: `${GATE_NAMES[report.gate]} ${verdict}: ${summaryLine(report)}`,
    markdown: renderMarkdown(report, { colorLevel: 0, rerun: `bfd ${report.gate}` }),
  };
}

/**
 * The gate could not be judged (Linear or GitLab still failing after the retries, or the team's rules on the target
 * branch do not load): the outputs say so, in place of whatever they said before.
 */
export function verdictFromError(gate: Gate, error: unknown): Verdict {
  const message = isBfdError(error) ? error.message : "an internal error (see the service's log)";
  const hint = isBfdError(error) && error.hint !== undefined ? `\n\n${escapeMarkdownInline(error.hint)}` : "";
  const what = isBfdError(error) && error.kind === "upstream" ? "will check again" : "fix it and push again";
  return {
    outcome: "error",
    summary: `${GATE_NAMES[gate]} not judged: ${message}`,
    markdown: `### bfd ${gate} ❗ not judged · ${GATE_NAMES[gate]}\n\n${escapeMarkdownInline(message)} — bfd ${what}.${hint}\n`,
  };
}
