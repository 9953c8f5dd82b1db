import { createHash } from "node:crypto";
import { resultTitle } from "./result-title.js";
import { isAbsolute } from "node:path";
import type { RuleResult } from "../report/schema.js";
import { waiverText } from "../report/waiver-text.js";
import { jsonText } from "./json.js";
import { filesOf } from "./result-files.js";
import { stripTerminalControls } from "./sanitize.js";
import type { RenderOptions, Reporter } from "./types.js";

type Severity = "info" | "minor" | "major" | "critical" | "blocker";

function severityOf(r: RuleResult): Severity {
  if (r.severity === "warning") return "minor";
  return r.status === "error" ? "critical" : "major";
}

/** GitLab shows a finding next to a file of the repository; a built-in rule's file lives in bfd's package. */
const PIPELINE_FILE = ".gitlab-ci.yml";

/**
 * A file a reviewer can open in the merge request: the changed file the finding is about; else the team's rule
 * file (config or `ruleFiles:` entry) that defines the rule; else `.gitlab-ci.yml`, where bfd is run. Rules read
 * from the target branch are located as `bfd.config.yaml (at main)` (src/commands/ci.ts): the path is the part
 * before the ref.
 */
function locationOf(
  r: RuleResult,
  options: RenderOptions,
  changed: ReadonlySet<string>,
): { path: string; lines: { begin: number } } {
  const file = filesOf(r, changed)[0];
  if (file !== undefined) return { path: file, lines: { begin: 1 } };
  const pipeline = { path: PIPELINE_FILE, lines: { begin: 1 } };
  if (options.rules === undefined || options.rules.builtinFiles.includes(r.location.path)) return pipeline;
  const path = r.location.path.replace(/ \(at [^()]*\)$/, "");
  return isAbsolute(path) || path.startsWith("../") ? pipeline : { path, lines: { begin: r.location.line } };
}

/**
 * GitLab Code Quality JSON (a subset of the Code Climate spec): one entry per rule that failed or errored,
 * pointing at a file inside the repository. The fingerprint hashes gate, rule, issue and MR — not the message
 * and not any path — so GitLab sees the same finding across pipelines and machines, and shows it as fixed once
 * it passes.
 */
export const renderCodeQuality: Reporter = (report, options) => {
  const subject = `${report.issue?.identifier ?? "-"}|${report.mergeRequest === null ? "-" : `${report.mergeRequest.project}!${report.mergeRequest.iid}`}`;
  const changed = new Set(options.changedFiles ?? []);
  const entries = report.results
    .filter((r) => r.status === "fail" || r.status === "error")
    .map((r) => ({
      description: stripTerminalControls(
        `${resultTitle(r)}: ${r.message}${r.waiver === null ? "" : ` — waiver ${waiverText(r.waiver)}`}${r.hint === null ? "" : ` — ${r.hint}`}`,
      ),
      check_name: r.rule,
      fingerprint: createHash("md5")
        .update(
          `bfd|${report.gate}|${r.rule}|${r.mergeRequest === undefined ? subject : `${report.issue?.identifier ?? "-"}|${r.mergeRequest}`}`,
        )
        .digest("hex"),
      severity: severityOf(r),
      location: locationOf(r, options, changed),
    }));
  return jsonText(entries);
};
