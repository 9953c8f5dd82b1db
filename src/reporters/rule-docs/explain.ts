import { stripTerminalControls } from "../sanitize.js";
import { ruleOptionsYaml } from "./markdown.js";
import type { RuleExplanation } from "./types.js";

/**
 * `bfd rules explain ID`, for a terminal: each rule with that id, then the check kind of that name. Rule text
 * comes from the team's files, so it is stripped of control characters (newlines kept in option YAML).
 */
export function renderRuleExplanation({ rules, kind, workItemPaths }: RuleExplanation): string {
  const t = (s: string): string => stripTerminalControls(s);
  const lines: string[] = [];
  for (const r of rules) {
    lines.push(`${t(r.id)} (gate ${r.gate}, ${r.severity})`, `  ${t(r.title)}`);
    if (r.process !== undefined) lines.push(`  process: "${t(r.process)}"`);
    lines.push(`  check: ${r.kind.id} — ${r.kind.description}`);
    lines.push(
      `  options:`,
      ...stripTerminalControls(ruleOptionsYaml(r), { keepNewlines: true })
        .split("\n")
        .map((l) => `    ${l}`),
    );
    if (r.when !== undefined) lines.push(`  applies when: ${t(JSON.stringify(r.when))}`);
    lines.push(
      `  waivable: ${r.waivable ? `yes (bfd-waive: ${t(r.id)} <reason>${r.waiverLabels.length > 0 ? `; labels: ${t(r.waiverLabels.join(", "))}` : ""})` : "no"}`,
    );
    lines.push(
      `  hint: ${t(r.hint)}`,
      `  defined at: ${t(r.location.file)}:${r.location.line}:${r.location.column}`,
      "",
    );
  }
  if (kind !== null) {
    lines.push(`check kind ${kind.id}`, `  ${kind.description}`, "  options:");
    for (const d of kind.options) {
      const dflt =
        d.default === undefined ? (d.required ? " (required)" : "") : ` (default ${JSON.stringify(d.default)})`;
      lines.push(`    ${d.name}: ${d.type}${dflt}${d.description === "" ? "" : ` — ${d.description}`}`);
    }
    if (workItemPaths !== null) lines.push("  WorkItem paths:", ...workItemPaths.map((p) => `    ${p}`));
    lines.push("");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
