import { stripTerminalControls as t } from "../sanitize.js";
import { wrapLine } from "../terminal.js";
import type { Reporter } from "../types.js";
import type { RuleDocs } from "./types.js";

/** `bfd rules list`: one line per rule; titles wrap under their column in a narrow terminal. */
export const renderRuleTable: Reporter<RuleDocs> = ({ rules }, options) => {
  const width = Math.max(...rules.map((r) => t(r.id).length), 2);
  const titleColumn = width + 2 + 5 + 2 + 8 + 2;
  const rows = [
    `${"id".padEnd(width)}  gate   severity  title`,
    ...rules.map((r) => `${t(r.id).padEnd(width)}  ${r.gate.padEnd(5)}  ${r.severity.padEnd(8)}  ${t(r.title)}`),
  ];
  const lines = rows.flatMap((row) =>
    options.columns === undefined ? [row] : wrapLine(row, options.columns, titleColumn),
  );
  return `${lines.join("\n")}\n`;
};
