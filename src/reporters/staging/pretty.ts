import type { StagingResult } from "../../staging/result.js";
import { stripTerminalControls as t } from "../sanitize.js";
import { terminalLink, wrapLines } from "../terminal.js";
import type { Reporter } from "../types.js";

/** The merged merge requests still lacking the label, for a terminal; every outside string stripped. */
export const renderStagingPretty: Reporter<StagingResult> = (result, options) => {
  const links = options.hyperlinks === true;
  const lines = [
    `bfd staging · ${t(result.project)} → ${t(result.deployBranch)} · label "${t(result.label)}"`,
    `  window: ${t(result.window.description)}`,
    "",
  ];
  if (result.missing.length === 0) {
    lines.push(`  No merged merge request in this window is missing "${t(result.label)}".`);
  } else {
    for (const row of result.missing) {
      lines.push(`  ✖ ${terminalLink(t(row.reference), row.url, links)}  ${t(row.title)}`);
      const where = `by ${t(row.author)} · merged ${t(row.mergedAtLocal)} · ${row.issue === null ? "no Linear issue named" : t(row.issue)}`;
      lines.push(`      ${links ? where : `${where} · ${t(row.url)}`}`);
    }
    lines.push("");
    const what = `${result.missing.length} merged merge request${result.missing.length === 1 ? "" : "s"} missing "${t(result.label)}"`;
    lines.push(
      result.window.mandatory
        ? `  ${what}: validate them in staging, then add the label.`
        : `  ${what} (validation becomes mandatory at the cut-off).`,
    );
  }
  return `${wrapLines(lines, options.columns).join("\n")}\n`;
};
