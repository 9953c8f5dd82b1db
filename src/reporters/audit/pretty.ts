import type { AuditResult } from "../../audit/audit.js";
import { stripTerminalControls } from "../sanitize.js";
import { plural } from "../../text/plural.js";
import { terminalLink, wrapLine, wrapLines } from "../terminal.js";
import type { Reporter } from "../types.js";

/** The text in a column of `width`: whole, or cut after its last whole word that fits (mid-word only for one long word). */
function cut(text: string, width: number): string {
  const clean = stripTerminalControls(text);
  if (clean.length <= width) return clean.padEnd(width);
  const room = clean.slice(0, width - 1);
  const lastSpace = room.lastIndexOf(" ");
  const kept = lastSpace >= width / 2 ? room.slice(0, lastSpace) : room;
  return `${kept.trimEnd()}…`.padEnd(width);
}

const TITLE_WIDTH = 40;
const ASSIGNEE_WIDTH = 16;
/** Room the failing rules keep on the row before the title and assignee columns give way in a narrow terminal. */
const FAILING_ROOM = 24;

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
  const lines = [...wrapLines([`bfd audit · ready gate · ${stripTerminalControls(scope)}`], options.columns), ""];
  if (result.issues.length === 0) {
    lines.push("  No issues match.");
    return `${lines.join("\n")}\n`;
  }
  const ids = result.issues.map((r) => stripTerminalControls(r.identifier));
  const keyWidth = Math.max(5, ...ids.map((id) => id.length));
  // In a narrow terminal the title (then the assignee) column narrows, so the failing rules keep a column of their own.
  const fixed = 2 + 2 + keyWidth + 2 + 2 + 2;
  const spare = options.columns === undefined ? Infinity : options.columns - fixed - FAILING_ROOM;
  const assigneeWidth = Math.max(10, Math.min(ASSIGNEE_WIDTH, spare - TITLE_WIDTH));
  const titleWidth = Math.max(12, Math.min(TITLE_WIDTH, spare - assigneeWidth));
  const failingColumn = fixed + titleWidth + assigneeWidth;
  const header = `  ${"".padEnd(2)}${"issue".padEnd(keyWidth)}  ${"title".padEnd(titleWidth)}  ${"assignee".padEnd(assigneeWidth)}  failing rules`;
  lines.push(...(options.columns === undefined ? [header] : wrapLine(header, options.columns, failingColumn)));
  result.issues.forEach((r, i) => {
    const mark = r.verdict === "pass" ? (r.warnings.length > 0 ? "⚠" : "✔") : "✖";
    const failing =
      [...r.failing, ...r.errored, ...r.warnings.map((w) => `${w} (warning)`)]
        .map((id) => stripTerminalControls(id))
        .join(", ") || "—";
    const id = `${terminalLink(ids[i]!, r.url, options.hyperlinks === true)}${" ".repeat(keyWidth - ids[i]!.length)}`;
    const row = `  ${mark} ${id}  ${cut(r.title, titleWidth)}  ${cut(r.assignee ?? "unassigned", assigneeWidth)}  ${failing}`;
    lines.push(...(options.columns === undefined ? [row] : wrapLine(row, options.columns, failingColumn)));
  });
  const s = result.summary;
  const footer = [
    `  ${plural(s.issues, "issue")} · ${s.ready} ready · ${s.notReady} not ready${s.withWarnings > 0 ? ` · ${s.withWarnings} with warnings` : ""}`,
    ...(s.notReady > 0
      ? ["  Shape the issues marked ✖ before planning them in: `bfd ready <ISSUE>` shows how to fix each."]
      : []),
  ];
  lines.push("", ...wrapLines(footer, options.columns));
  return `${lines.join("\n")}\n`;
};
