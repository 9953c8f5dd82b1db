import { Chalk, type ChalkInstance } from "chalk";
import { judgedMergeRequests, resultTitle } from "./result-title.js";
import type { RuleResult } from "../report/schema.js";
import { waiverText } from "../report/waiver-text.js";
import { stripTerminalControls } from "./sanitize.js";
import { GATE_NAMES, rulesInForceText, summaryLine } from "./summary.js";
import { terminalLink, wrapLines } from "./terminal.js";
import type { Reporter } from "./types.js";

const SYMBOLS: Record<string, string> = { pass: "✔", fail: "✖", warning: "⚠", waived: "◌", skipped: "–", error: "!" };

function symbolFor(r: RuleResult, c: ChalkInstance): string {
  if (r.status === "pass") return c.green(SYMBOLS.pass);
  if (r.status === "waived") return c.cyan(SYMBOLS.waived);
  if (r.status === "skipped") return c.dim(SYMBOLS.skipped);
  if (r.severity === "warning") return c.yellow(SYMBOLS.warning);
  return r.status === "error" ? c.magenta(SYMBOLS.error) : c.red(SYMBOLS.fail);
}

/** What blocks the gate comes first, then warnings, then waived rules, then what passed, then what was skipped. */
function rank(r: RuleResult): number {
  if (r.status === "fail" || r.status === "error") return r.severity === "error" ? 0 : 1;
  return { waived: 2, pass: 3, skipped: 4 }[r.status];
}

const blocks = (r: RuleResult): boolean => r.severity === "error" && (r.status === "fail" || r.status === "error");

const MISSING: Record<NonNullable<RuleResult["blockedBy"]>, string> = {
  issue: "the Linear issue",
  mergeRequest: "the merge request",
};

/**
 * The checklist a person reads in a terminal, failures first (then warnings, waivers, passes, skips). All text from Linear, GitLab and rule files is stripped of control
 * sequences. Where the terminal shows links, the issue and the merge request are short linked labels (ENG-123,
 * acme/web!42) instead of their URLs; lines wrap to the terminal's width when it is known. Rules that could not be
 * judged because the issue or the MR does not exist yet share one headline (the missing thing, and how to make it)
 * with the rules it blocks listed under it. `quiet` shows only what blocks the gate.
 */
export const renderPretty: Reporter = (report, options) => {
  const c = new Chalk({ level: options.colorLevel });
  const links = options.hyperlinks === true;
  const issueLabel = report.issue === null ? null : stripTerminalControls(report.issue.identifier);
  const mrLabel =
    report.mergeRequest === null
      ? null
      : `${stripTerminalControls(report.mergeRequest.project)}!${report.mergeRequest.iid}`;
  // With links, a URL of the issue or the MR inside a message or hint becomes its short linked label too.
  const short: [string, string][] = [];
  if (links && report.issue !== null && report.issue.url !== "")
    short.push([report.issue.url, terminalLink(issueLabel!, report.issue.url, true)]);
  if (links && report.mergeRequest !== null && report.mergeRequest.url !== "")
    short.push([report.mergeRequest.url, terminalLink(mrLabel!, report.mergeRequest.url, true)]);
  const t = (s: string): string =>
    short.reduce((text, [url, label]) => text.split(url).join(label), stripTerminalControls(s));
  const lines: string[] = [];
  const issue =
    report.issue === null
      ? "no Linear issue"
      : `${terminalLink(issueLabel!, report.issue.url, links)} ${stripTerminalControls(report.issue.title)}`;
  lines.push(`${c.bold(`bfd ${report.gate}`)} ${c.dim("·")} ${GATE_NAMES[report.gate]} ${c.dim("·")} ${c.bold(issue)}`);
  if (report.issue !== null && !links) lines.push(`  ${c.dim(stripTerminalControls(report.issue.url))}`);
  if (report.mergeRequest !== null)
    lines.push(
      links
        ? `  ${c.dim("MR")} ${terminalLink(mrLabel!, report.mergeRequest.url, true)}`
        : `  ${c.dim(`MR ${mrLabel!}  ${stripTerminalControls(report.mergeRequest.url)}`)}`,
    );
  // Several judged: the others too, each named as its results are.
  for (const other of judgedMergeRequests(report).slice(1)) {
    const label = stripTerminalControls(`${other.project}!${other.iid}`);
    lines.push(
      links
        ? `  ${c.dim("MR")} ${terminalLink(label, other.url, true)}`
        : `  ${c.dim(`MR ${label}  ${stripTerminalControls(other.url)}`)}`,
    );
  }
  if (options.rules !== undefined)
    lines.push(`  ${c.dim(`rules: ${stripTerminalControls(rulesInForceText(options.rules))}`)}`);
  lines.push("");
  let lastHint: string | null = null;
  const shown = report.results
    .map((r, index) => ({ r, index }))
    .filter(({ r }) => options.quiet !== true || blocks(r))
    .sort((a, b) => rank(a.r) - rank(b.r) || a.index - b.index)
    .map(({ r }) => r);
  for (const missing of ["issue", "mergeRequest"] as const) {
    const blocked = shown.filter((r) => r.blockedBy === missing);
    if (blocked.length < 2) continue;
    const first = blocked[0]!;
    lines.push(`  ${symbolFor(first, c)} ${c.bold(t(first.message))}`);
    if (first.hint !== null) lines.push(`      ${c.dim("→")} ${t(first.hint)}`);
    const ids = blocked.map((r) => stripTerminalControls(r.rule)).join(", ");
    lines.push(`      ${c.dim(`${blocked.length} rules wait for ${MISSING[missing]}: ${ids}`)}`);
    for (const r of blocked) shown.splice(shown.indexOf(r), 1);
  }
  for (const r of shown) {
    const title = stripTerminalControls(resultTitle(r));
    const head = `  ${symbolFor(r, c)} ${r.status === "pass" || r.status === "skipped" ? title : c.bold(title)} ${c.dim(`(${stripTerminalControls(r.rule)})`)}`;
    lines.push(head);
    if (r.status === "pass" || r.status === "skipped") {
      lines.push(`      ${c.dim(t(r.message))}`);
      continue;
    }
    lines.push(`      ${t(r.message)}`);
    if (r.waiver !== null) lines.push(`      ${c.cyan(t(waiverText(r.waiver)))}`);
    if (r.status === "waived") {
      lastHint = null;
      continue;
    }
    if (r.hint !== null && r.hint === lastHint) lines.push(`      ${c.dim("→ (same as above)")}`);
    else if (r.hint !== null) lines.push(`      ${c.dim("→")} ${t(r.hint)}`);
    lastHint = r.hint;
  }
  if (report.notices.length > 0 && options.quiet !== true) {
    lines.push("");
    for (const notice of report.notices) lines.push(`  ${c.yellow("note:")} ${t(notice)}`);
  }
  lines.push("");
  lines.push(`  ${summaryLine(report)}`);
  const rerun = options.rerun ?? `bfd ${report.gate}`;
  // The rules a missing issue or MR blocks are one item to fix: name or open it.
  const blockedBy = new Set(
    report.results.filter((r) => blocks(r) && r.blockedBy !== undefined).map((r) => r.blockedBy),
  );
  const blocking =
    report.summary.failed +
    report.summary.errored -
    report.results.filter((r) => blocks(r) && r.blockedBy).length +
    blockedBy.size;
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
  return `${wrapLines(lines, options.columns).join("\n")}\n`;
};
