import { create } from "xmlbuilder2";
import { resultTitle } from "./result-title.js";
import type { RuleResult } from "../report/schema.js";
import { waiverText } from "../report/waiver-text.js";
import { capList, JUNIT_EVIDENCE_MAX } from "../limits.js";
import { xmlSafe } from "./sanitize.js";
import type { Reporter } from "./types.js";

/** Every text and attribute: no terminal escapes, and nothing XML forbids (a parser would reject the file). */
const clean = (text: string): string => xmlSafe(text, { keepNewlines: true });

function details(r: RuleResult): string {
  const parts = [r.message];
  if (r.waiver !== null) parts.push(`Waiver ${waiverText(r.waiver)}`);
  if (r.hint !== null) parts.push(`How to fix: ${r.hint}`);
  if (r.evidence.length > 0)
    parts.push(
      `Evidence:\n${capList(r.evidence, JUNIT_EVIDENCE_MAX)
        .map((e) => `  - ${e}`)
        .join("\n")}`,
    );
  parts.push(`Rule defined at ${r.location.path}:${r.location.line}`);
  return clean(parts.join("\n"));
}

/**
 * GitLab's test report shows a skipped test's reason from the <skipped> element's text, not its `message` attribute
 * (doc/ci/testing/unit_test_reports.md): the reason goes in both, so other readers of the attribute keep it.
 */
function reasonAsContent(testcase: ReturnType<typeof create>): void {
  const skipped = testcase.last();
  const message = (skipped.node as unknown as { getAttribute(name: string): string | null }).getAttribute("message");
  if (message !== null && message !== "") skipped.txt(message);
}

/**
 * JUnit XML for GitLab's test-report widget: one testsuite per gate, one testcase per rule — passes included
 * (a checklist lists what passed too). Failures carry the message and the fix; errors (evidence unreadable)
 * are <error>; waived and skipped rules are <skipped> with the reason; warnings pass with the message in
 * <system-out>, because they do not fail the gate and must not fail the widget either.
 */
export const renderJunit: Reporter = (report) => {
  const count = (s: RuleResult["status"]): number => report.results.filter((r) => r.status === s).length;
  const failures = report.results.filter((r) => r.status === "fail" && r.severity === "error").length;
  const errors = report.results.filter((r) => r.status === "error" && r.severity === "error").length;
  const skipped = count("skipped") + count("waived");
  const suiteName = `bfd ${report.gate}${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
  const doc = create({ version: "1.0", encoding: "UTF-8" });
  // junit-10.xsd (jenkinsci/xunit-plugin, ../shared/gitlab/spec) has no `skipped` on <testsuites>, only on
  // <testsuite>: the count lives there.
  const suites = doc.ele("testsuites", { name: "bfd", tests: report.results.length, failures, errors });
  const suite = suites.ele("testsuite", {
    name: clean(suiteName),
    tests: report.results.length,
    failures,
    errors,
    skipped,
    time: "0",
  });
  for (const r of report.results) {
    const testcase = suite.ele("testcase", {
      classname: clean(`bfd.${report.gate}`),
      name: clean(`${r.rule}: ${resultTitle(r)}`),
      time: "0",
    });
    const warning = r.severity === "warning" && (r.status === "fail" || r.status === "error");
    if (r.status === "fail" && !warning)
      testcase.ele("failure", { message: clean(r.message), type: clean(r.rule) }).txt(details(r));
    else if (r.status === "error" && !warning)
      testcase.ele("error", { message: clean(r.message), type: clean(r.rule) }).txt(details(r));
    else if (r.status === "waived")
      testcase.ele("skipped", { message: clean(r.waiver === null ? "waived" : waiverText(r.waiver)) });
    else if (r.status === "skipped") testcase.ele("skipped", { message: clean(r.message) });
    else if (warning) testcase.ele("system-out").txt(clean(`warning: ${details(r)}`));
    if (r.status === "waived" || r.status === "skipped") reasonAsContent(testcase);
  }
  return `${doc.end({ prettyPrint: true })}\n`;
};
