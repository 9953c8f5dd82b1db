import { createHash } from "node:crypto";
import type { RuleResult } from "../report/schema.js";
import { stripTerminalControls } from "./sanitize.js";
import type { Reporter } from "./types.js";

type Severity = "info" | "minor" | "major" | "critical" | "blocker";

function severityOf(r: RuleResult): Severity {
  if (r.severity === "warning") return "minor";
  return r.status === "error" ? "critical" : "major";
}

/**
 * GitLab Code Quality JSON (a subset of the Code Climate spec): one entry per rule that failed or errored,
 * pointing at the rule in its rule file. The fingerprint hashes gate, rule, issue and MR — not the message —
 * so GitLab sees the same finding across pipelines and shows it as fixed once it passes.
 */
export const renderCodeQuality: Reporter = (report) => {
  const subject = `${report.issue?.identifier ?? "-"}|${report.mergeRequest === null ? "-" : `${report.mergeRequest.project}!${report.mergeRequest.iid}`}`;
  const entries = report.results
    .filter((r) => r.status === "fail" || r.status === "error")
    .map((r) => ({
      description: stripTerminalControls(`${r.title}: ${r.message}${r.hint === null ? "" : ` — ${r.hint}`}`),
      check_name: r.rule,
      fingerprint: createHash("md5").update(`bfd|${report.gate}|${r.rule}|${subject}`).digest("hex"),
      severity: severityOf(r),
      location: { path: r.location.path, lines: { begin: r.location.line } },
    }));
  return `${JSON.stringify(entries, null, 2)}\n`;
};
