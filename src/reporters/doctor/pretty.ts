import { Chalk, type ChalkInstance } from "chalk";
import type { DoctorCheck, DoctorResult } from "../../doctor/result.js";
import { stripTerminalControls as t } from "../sanitize.js";
import { wrapLines } from "../terminal.js";
import type { Reporter } from "../types.js";

function symbol(check: DoctorCheck, c: ChalkInstance): string {
  if (check.status === "pass") return c.green("✔");
  return check.status === "warn" ? c.yellow("!") : c.red("✖");
}

/**
 * One line per check, like `gh auth status`: the verdict, what was checked, what was found; a failing or warning
 * check's fix indented under it. Names, e-mails, messages and paths come from outside: every one is stripped.
 */
export const renderDoctorPretty: Reporter<DoctorResult> = (result, options) => {
  const c = new Chalk({ level: options.colorLevel });
  const lines: string[] = [];
  for (const check of result.checks) {
    const title = check.status === "pass" ? t(check.title) : c.bold(t(check.title));
    lines.push(`${symbol(check, c)} ${title}: ${t(check.detail)}`);
    if (check.fix !== undefined && check.status !== "pass") {
      for (const line of check.fix.split("\n")) lines.push(`    ${c.dim(t(line))}`);
    }
  }
  const failed = result.checks.filter((check) => check.status === "fail").length;
  const warned = result.checks.filter((check) => check.status === "warn").length;
  lines.push("");
  if (failed > 0) {
    lines.push(`${failed} ${failed === 1 ? "problem" : "problems"} to fix before bfd's gates can run.`);
  } else {
    const note = warned === 0 ? "" : ` (${warned} ${warned === 1 ? "warning" : "warnings"})`;
    lines.push(`All good: bfd can read Linear and GitLab${note}.`);
  }
  return `${wrapLines(lines, options.columns).join("\n")}\n`;
};
