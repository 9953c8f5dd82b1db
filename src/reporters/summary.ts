import type { Report } from "../report/schema.js";
import type { RulesInForce } from "./types.js";

/** `2 failed · 1 warning · 7 passed · 1 waived` — only non-zero counts, failures first. */
export function summaryLine(report: Report): string {
  const s = report.summary;
  const parts: string[] = [];
  const add = (n: number, one: string, many: string = one): void => {
    if (n > 0) parts.push(`${n} ${n === 1 ? one : many}`);
  };
  add(s.failed, "failed");
  add(s.errored, "error", "errors");
  add(s.warnings, "warning", "warnings");
  add(s.passed, "passed");
  add(s.waived, "waived");
  add(s.skipped, "skipped");
  return parts.length === 0 ? "no rules ran" : parts.join(" · ");
}

export const GATE_NAMES: Record<Report["gate"], string> = { ready: "Ready to pick up", done: "Done" };

/** `bfd.config.yaml + built-in`, or `built-in` when there is no team config. */
export function rulesInForceText(rules: RulesInForce): string {
  return rules.config === null ? "built-in" : `${rules.config} + built-in`;
}
