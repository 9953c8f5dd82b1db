import type { StagingResult } from "../../staging/result.js";
import { stripTerminalControls as t } from "../sanitize.js";
import { terminalLink, wrapLines } from "../terminal.js";
import type { Reporter } from "../types.js";
import { STAGING_STATE, stagingAction, stagingCounts, stagingTimeline } from "./states.js";

/** Every merged MR of the window with where it stands in staging, for a terminal; every outside string stripped. */
export const renderStagingPretty: Reporter<StagingResult> = (result, options) => {
  const links = options.hyperlinks === true;
  const env = t(result.environment);
  const lines = [
    `bfd staging · ${t(result.project)} → ${t(result.deployBranch)} · environment ${env} · label "${t(result.label)}"`,
    `  window: ${t(result.window.description)}`,
    "",
  ];
  if (result.merged.length === 0) {
    lines.push("  No merge request was merged in this window.");
  } else {
    for (const row of result.merged) {
      const state = STAGING_STATE[row.state];
      lines.push(
        `  ${state.symbol} ${terminalLink(t(row.reference), row.url, links)}  ${t(row.title)}  (${state.name})`,
      );
      const who = `by ${t(row.author)} · ${row.issue === null ? "no Linear issue named" : t(row.issue)}`;
      lines.push(`      ${who} · ${t(stagingTimeline(row, result.environment))}${links ? "" : ` · ${t(row.url)}`}`);
      if (row.state !== "validated") lines.push(`      → ${t(stagingAction(row, result))}`);
    }
  }
  lines.push("", `  ${t(stagingCounts(result))}`);
  if (result.missing.length === 0) {
    lines.push(`  No deployed merge request in this window is missing "${t(result.label)}".`);
  } else {
    const what = `${result.missing.length} deployed merge request${result.missing.length === 1 ? "" : "s"} not validated in ${env}`;
    lines.push(
      result.window.mandatory
        ? `  ${what}: validate them in ${env}, then add the label.`
        : `  ${what} (validation becomes mandatory at the cut-off).`,
    );
  }
  return `${wrapLines(lines, options.columns).join("\n")}\n`;
};
