import { Chalk, type ChalkInstance } from "chalk";
import type { RuleResult } from "../report/schema.js";
import { stripTerminalControls } from "./sanitize.js";
import { GATE_NAMES, summaryLine } from "./summary.js";
import type { Reporter } from "./types.js";

const SYMBOLS: Record<string, string> = { pass: "✔", fail: "✖", warning: "⚠", waived: "◌", skipped: "–", error: "!" };

function symbolFor(r: RuleResult, c: ChalkInstance): string {
  if (r.status === "pass") return c.green(SYMBOLS.pass);
  if (r.status === "waived") return c.cyan(SYMBOLS.waived);
  if (r.status === "skipped") return c.dim(SYMBOLS.skipped);
  if (r.severity === "warning") return c.yellow(SYMBOLS.warning);
  return r.status === "error" ? c.magenta(SYMBOLS.error) : c.red(SYMBOLS.fail);
}

/** The checklist a person reads in a terminal. All text from Linear/GitLab is stripped of control sequences. */
export const renderPretty: Reporter = (report, options) => {
  const c = new Chalk({ level: options.colorLevel });
  const t = (s: string): string => stripTerminalControls(s);
  const lines: string[] = [];
  const issue = report.issue === null ? "no Linear issue" : `${t(report.issue.identifier)} ${t(report.issue.title)}`;
  lines.push(`${c.bold(`bfd ${report.gate}`)} ${c.dim("·")} ${GATE_NAMES[report.gate]} ${c.dim("·")} ${c.bold(issue)}`);
  if (report.issue !== null) lines.push(`  ${c.dim(t(report.issue.url))}`);
  if (report.mergeRequest !== null)
    lines.push(
      `  ${c.dim(`MR ${t(report.mergeRequest.project)}!${report.mergeRequest.iid}  ${t(report.mergeRequest.url)}`)}`,
    );
  lines.push("");
  let lastHint: string | null = null;
  for (const r of report.results) {
    const head = `  ${symbolFor(r, c)} ${r.status === "pass" || r.status === "skipped" ? r.title : c.bold(r.title)} ${c.dim(`(${r.rule})`)}`;
    lines.push(head);
    if (r.status === "pass" || r.status === "skipped") {
      lines.push(`      ${c.dim(t(r.message))}`);
      continue;
    }
    const label =
      r.status === "waived"
        ? "waived"
        : r.status === "error"
          ? "error"
          : r.severity === "warning"
            ? "warning"
            : "failed";
    lines.push(`      ${t(r.message)}`);
    if (r.waiver !== null) lines.push(`      ${c.cyan(`${label}: ${t(r.waiver.reason)} (${t(r.waiver.source)})`)}`);
    else if (r.hint !== null && r.hint === lastHint) lines.push(`      ${c.dim("→ (same as above)")}`);
    else if (r.hint !== null) lines.push(`      ${c.dim("→")} ${t(r.hint)}`);
    lastHint = r.hint;
  }
  if (report.notices.length > 0) {
    lines.push("");
    for (const notice of report.notices) lines.push(`  ${c.yellow("note:")} ${t(notice)}`);
  }
  lines.push("");
  lines.push(`  ${summaryLine(report)}`);
  const rerun = options.rerun ?? `bfd ${report.gate}`;
  const blocking = report.summary.failed + report.summary.errored;
  if (report.verdict === "pass") {
    const next =
      report.gate === "ready"
        ? "Ready to pick up."
        : "Done criteria met: hand off with what was tested and the state made explicit.";
    lines.push(`  ${c.green(next)}`);
  } else {
    const what = report.gate === "ready" ? "Not ready to pick up" : "Not done yet";
    lines.push(
      `  ${c.red(`${what}: fix the ${blocking} blocking item${blocking === 1 ? "" : "s"} above, then run \`${rerun}\` again.`)}`,
    );
  }
  return `${lines.join("\n")}\n`;
};
