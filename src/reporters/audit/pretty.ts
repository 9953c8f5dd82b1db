import type { AuditResult } from "../../audit/audit.js";
import { stripTerminalControls } from "../sanitize.js";
import { terminalLink, wrapLine } from "../terminal.js";
import type { Reporter } from "../types.js";

function cut(text: string, width: number): string {
  const clean = stripTerminalControls(text);
  return clean.length <= width ? clean.padEnd(width) : `${clean.slice(0, width - 1)}…`;
}

/**
 * The audit as a table, worst first. Titles and assignees are cut to their column; the failing rules wrap under
 * their own column when the terminal is narrower than the row.
 */
export const renderAuditPretty: Reporter<AuditResult> = (result, options) => {
  const f = result.filter;
  const scope = [
    `team ${f.team}`,
    f.state === null ? (f.notStarted ? "not started" : "every state") : `state "${f.state}"`,
    f.project === null ? null : `project "${f.project}"`,
    f.label === null ? null : `label "${f.label}"`,
  ]
    .filter((s) => s !== null)
    .join(", ");
  const lines = [`bfd audit · ready gate · ${stripTerminalControls(scope)}`, ""];
  if (result.issues.length === 0) {
    lines.push("  No issues match.");
    return `${lines.join("\n")}\n`;
  }
  const ids = result.issues.map((r) => stripTerminalControls(r.identifier));
  const keyWidth = Math.max(5, ...ids.map((id) => id.length));
  const failingColumn = 2 + 2 + keyWidth + 2 + 40 + 2 + 16 + 2;
  lines.push(
    `  ${"".padEnd(2)}${"issue".padEnd(keyWidth)}  ${"title".padEnd(40)}  ${"assignee".padEnd(16)}  failing rules`,
  );
  result.issues.forEach((r, i) => {
    const mark = r.verdict === "pass" ? (r.warnings.length > 0 ? "⚠" : "✔") : "✖";
    const failing =
      [...r.failing, ...r.errored, ...r.warnings.map((w) => `${w} (warning)`)]
        .map((id) => stripTerminalControls(id))
        .join(", ") || "—";
    const id = `${terminalLink(ids[i]!, r.url, options.hyperlinks === true)}${" ".repeat(keyWidth - ids[i]!.length)}`;
    const row = `  ${mark} ${id}  ${cut(r.title, 40)}  ${cut(r.assignee ?? "unassigned", 16)}  ${failing}`;
    lines.push(...(options.columns === undefined ? [row] : wrapLine(row, options.columns, failingColumn)));
  });
  const s = result.summary;
  lines.push(
    "",
    `  ${s.issues} issue${s.issues === 1 ? "" : "s"} · ${s.ready} ready · ${s.notReady} not ready${s.withWarnings > 0 ? ` · ${s.withWarnings} with warnings` : ""}`,
  );
  if (s.notReady > 0)
    lines.push("  Shape the issues marked ✖ before planning them in: `bfd ready <ISSUE>` shows how to fix each.");
  return `${lines.join("\n")}\n`;
};
