import type { Report } from "../report/schema.js";
import { capList, JSON_EVIDENCE_MAX } from "../limits.js";
import type { Reporter } from "./types.js";

/** Any result as the JSON a tool reads: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The report as tools read it. Every field is kept; only an evidence list longer than JSON_EVIDENCE_MAX ends in a
 * `… and N more` entry — a tool gets the facts a person could check, not a 20,000-path dump that makes a CI
 * artifact (and every parser reading it) a hundred times bigger than the report.
 */
export function cappedReport(report: Report): Report {
  if (!report.results.some((r) => r.evidence.length > JSON_EVIDENCE_MAX)) return report;
  return {
    ...report,
    results: report.results.map((r) =>
      r.evidence.length > JSON_EVIDENCE_MAX ? { ...r, evidence: capList(r.evidence, JSON_EVIDENCE_MAX) } : r,
    ),
  };
}

export const renderJson: Reporter = (report) => jsonText(cappedReport(report));
