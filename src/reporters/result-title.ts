import type { Report, RuleResult } from "../report/schema.js";

/** A result's title, naming its merge request when several were judged: `Pipeline passed (group/app!12)`. */
export function resultTitle(r: RuleResult): string {
  return r.mergeRequest === undefined ? r.title : `${r.title} (${r.mergeRequest})`;
}

/** The merge requests a report judged: every one when several were, else the one (or none). */
export function judgedMergeRequests(report: Report): NonNullable<Report["mergeRequest"]>[] {
  return report.mergeRequests ?? (report.mergeRequest === null ? [] : [report.mergeRequest]);
}
