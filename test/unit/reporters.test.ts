import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convert } from "xmlbuilder2";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Report } from "../../src/report/schema.js";
import { renderCodeQuality } from "../../src/reporters/codequality.js";
import { renderJunit } from "../../src/reporters/junit.js";
import { renderMarkdown } from "../../src/reporters/markdown.js";
import { escapeMarkdownInline } from "../../src/reporters/markdown-escape.js";
import { renderPretty } from "../../src/reporters/pretty.js";
import type { RenderOptions } from "../../src/reporters/types.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { ROOT } from "../helpers/cli.js";

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
function reportFor(example: string, gate: "ready" | "done", edit: (text: string) => string = (t) => t): Report {
  const text = edit(readFileSync(join(ROOT, "examples", example), "utf8"));
  return evaluate(rules, parseSnapshot(text, example), { gate });
}
const failing = reportFor("done-fail.json", "done");
const passing = reportFor("done-pass.json", "done");

interface XmlCase {
  "@name": string;
  failure?: { "@message": string; "#": string };
  error?: unknown;
  skipped?: { "@message": string };
  "system-out"?: string;
}

function junitCases(report: Report): { suite: Record<string, string>; cases: XmlCase[] } {
  const doc = convert(renderJunit(report, { colorLevel: 0 }), { format: "object" }) as unknown as {
    testsuites: { testsuite: Record<string, string> & { testcase: XmlCase | XmlCase[] } };
  };
  const suite = doc.testsuites.testsuite;
  const cases = Array.isArray(suite.testcase) ? suite.testcase : [suite.testcase];
  return { suite, cases };
}

describe("JUnit report", () => {
  it("has one testsuite for the gate and one testcase per rule, passes included", () => {
    const { suite, cases } = junitCases(failing);
    expect(suite["@name"]).toBe("bfd done ENG-142");
    expect(cases).toHaveLength(failing.results.length);
    expect(Number(suite["@tests"])).toBe(failing.results.length);
    expect(Number(suite["@failures"])).toBe(failing.summary.failed);
    expect(cases.filter((c) => c.failure === undefined && c.skipped === undefined)).toHaveLength(
      failing.summary.passed,
    );
  });

  it("gives failures their message and the fix", () => {
    const pipeline = junitCases(failing).cases.find((c) => c["@name"].startsWith("validated-in-pipeline"))!;
    expect(pipeline.failure?.["@message"]).toBe("Head pipeline is failed; needs success");
    expect(pipeline.failure?.["#"]).toContain(
      "How to fix: Wait for the pipeline to finish green, or fix it and run it again",
    );
  });

  it("shows waived and skipped rules as skipped with their reason, naming who waived", () => {
    const { cases } = junitCases(failing);
    expect(cases.find((c) => c["@name"].startsWith("release-notes-updated"))?.skipped?.["@message"]).toBe(
      "waived by Jonas Berg, who approved the merge request (asked in the merge request description, 23 Nov 15:10 UTC): Ships dark behind audit_log_sign_ins; release notes come with the rollout MR.",
    );
    expect(cases.find((c) => c["@name"].startsWith("staging-validated"))?.skipped?.["@message"]).toContain(
      "Not merged yet",
    );
  });

  it("keeps warnings from failing the widget", () => {
    const warned = reportFor("ready-fail.json", "ready");
    const question = junitCases(warned).cases.find((c) => c["@name"].startsWith("open-questions"))!;
    expect(question.failure).toBeUndefined();
    expect(question["system-out"]).toContain("warning:");
  });

  it("is well-formed even when issue text holds XML and control characters", () => {
    const evil = reportFor("done-fail.json", "done", (t) =>
      t.replace('"title": "Show sign-in events in the admin audit log"', '"title": "<x>&\\u0007]]>"'),
    );
    expect(() => junitCases(evil)).not.toThrow();
  });
});

describe("Code Quality report", () => {
  const builtinFiles = ["rules/ready.yaml", "rules/done.yaml"];
  const changedFilesOf = (example: string): string[] =>
    (
      JSON.parse(readFileSync(join(ROOT, "examples", example), "utf8")) as {
        mergeRequest: { changes: { newPath: string }[] };
      }
    ).mergeRequest.changes.map((c) => c.newPath);
  const options: RenderOptions = {
    colorLevel: 0,
    rules: { config: null, builtinFiles },
    changedFiles: changedFilesOf("done-fail.json"),
  };
  interface Entry {
    check_name: string;
    fingerprint: string;
    severity: string;
    location: { path: string; lines: { begin: number } };
  }
  const render = (report: Report, with_: Partial<RenderOptions> = {}): Entry[] =>
    JSON.parse(renderCodeQuality(report, { ...options, ...with_ })) as Entry[];
  const entries = render(failing);

  it("has GitLab's fields for every failing rule and nothing for passes", () => {
    expect(entries).toHaveLength(failing.summary.failed + failing.summary.errored + failing.summary.warnings);
    for (const entry of entries) {
      expect(Object.keys(entry).sort()).toEqual(["check_name", "description", "fingerprint", "location", "severity"]);
      expect(["info", "minor", "major", "critical", "blocker"]).toContain(entry.severity);
      expect(entry.location).toEqual({ path: expect.any(String), lines: { begin: expect.any(Number) } });
    }
    expect(render(passing)).toEqual([]);
  });

  it.each([
    ["the changed file that made the rule apply", "user-docs-updated", "app/views/admin/audit_log/index.html.erb"],
    ["the flag record that is incomplete", "feature-flag-documented", "config/feature_flags/audit_log_sign_ins.yml"],
    ["the pipeline file for a built-in rule about no file", "validated-in-pipeline", ".gitlab-ci.yml"],
    ["the pipeline file for a built-in rule about the issue", "acceptance-criteria-met", ".gitlab-ci.yml"],
  ])("points a finding at %s, inside the repository", (_what, rule, path) => {
    expect(entries.find((e) => e.check_name === rule)?.location).toEqual({ path, lines: { begin: 1 } });
  });

  it("never points at bfd's own rule files, wherever bfd is installed", () => {
    const npx = "/home/dev/.npm/_npx/5f3c/node_modules/bfd/rules/done.yaml";
    const relocated: Report = {
      ...failing,
      results: failing.results.map((r) => ({ ...r, location: { ...r.location, path: npx } })),
    };
    const paths = render(relocated, { rules: { config: null, builtinFiles: [npx] } }).map((e) => e.location.path);
    expect(paths.filter((p) => p.includes("node_modules"))).toEqual([]);
  });

  it("points a team rule at its own rule file and line, read from the target branch", () => {
    const team = loadRuleSet({
      builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
      configFile: { path: "bfd.config.yaml (at main)", text: "ruleFiles: [bfd/team-rules.yaml]\n" },
      readRuleFile: () => ({
        path: "bfd/team-rules.yaml (at main)",
        text: [
          "gate: done",
          "rules:",
          "  - id: mr-not-draft",
          "    title: The merge request is not a draft",
          "    check: field",
          "    with: { field: mergeRequest.draft, equals: false }",
          '    hint: "Mark the merge request as ready."',
          "",
        ].join("\n"),
      }),
    }).rules;
    const text = readFileSync(join(ROOT, "examples/done-fail.json"), "utf8").replace('"draft": false', '"draft": true');
    const report = evaluate(team, parseSnapshot(text, "draft.json"), { gate: "done" });
    const entry = render(report, { rules: { config: "bfd.config.yaml (at main)", builtinFiles } }).find(
      (e) => e.check_name === "mr-not-draft",
    );
    expect(entry?.location).toEqual({ path: "bfd/team-rules.yaml", lines: { begin: 3 } });
  });

  it("uses fingerprints that are unique, and stable across runs, messages and machines", () => {
    const fingerprints = entries.map((e) => e.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    const reworded = reportFor("done-fail.json", "done", (t) =>
      t.replace('"status": "failed"', '"status": "canceled"'),
    );
    const elsewhere: Report = {
      ...reworded,
      results: reworded.results.map((r) => ({
        ...r,
        location: { ...r.location, path: `/ci/builds/x/${r.location.path}` },
      })),
    };
    const again = render(elsewhere, { rules: { config: null, builtinFiles: [] }, changedFiles: [] });
    expect(again.map((e) => [e.check_name, e.fingerprint])).toEqual(entries.map((e) => [e.check_name, e.fingerprint]));
    // The fingerprint is a contract with GitLab: the same finding keeps it across bfd versions, too.
    expect(entries.find((e) => e.check_name === "validated-in-pipeline")?.fingerprint).toBe(
      createHash("md5").update("bfd|done|validated-in-pipeline|ENG-142|acme/web!421").digest("hex"),
    );
  });

  it("maps severities: error → major, unreadable evidence → critical, warning → minor", () => {
    const warned = JSON.parse(renderCodeQuality(reportFor("ready-fail.json", "ready"), { colorLevel: 0 })) as {
      check_name: string;
      severity: string;
    }[];
    expect(warned.find((e) => e.check_name === "open-questions")?.severity).toBe("minor");
    expect(warned.find((e) => e.check_name === "unit-of-work")?.severity).toBe("major");
    const unreadable = reportFor("done-pass.json", "done", (t) =>
      t.replace(
        '"schemaVersion": 3,',
        '"schemaVersion": 3, "unavailable": [{"evidence": "mergeRequest.changes", "reason": "the token may not read diffs"}],',
      ),
    );
    const entriesUnreadable = JSON.parse(renderCodeQuality(unreadable, { colorLevel: 0 })) as {
      check_name: string;
      severity: string;
    }[];
    expect(entriesUnreadable.find((e) => e.check_name === "release-notes-updated")?.severity).toBe("critical");
  });
});

describe("Markdown report and escaping", () => {
  it.each([
    ["@all please look", "@\u200ball please look"],
    ["ping @group/team", "ping @\u200bgroup/team"],
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["**bold** [link](http://evil)", "\\*\\*bold\\*\\* \\[link\\](http://evil)"],
    ["line one\n## heading", "line one \\#\\# heading"],
    ["/close", "\\/close"],
    ["fixes #12 and !3", "fixes \\#12 and \\!3"],
  ])("makes %j inert", (input, expected) => {
    expect(escapeMarkdownInline(input)).toBe(expected);
  });

  it("never lets an issue title ping @all or inject HTML into the note", () => {
    const evil = reportFor("done-fail.json", "done", (t) =>
      t.replace(
        '"title": "Show sign-in events in the admin audit log"',
        '"title": "@all <script>x</script> ](javascript:alert(1))"',
      ),
    );
    const body = renderMarkdown(evil, { colorLevel: 0 });
    expect(body).not.toMatch(/(^|[^\u200b])@all/);
    expect(body).not.toContain("<script>");
    expect(body).not.toMatch(/[^\\]\]\(javascript:/);
  });

  it("renders the failing checklist (snapshot)", () => {
    expect(
      renderMarkdown(failing, { colorLevel: 0, rules: { config: "bfd.config.yaml", builtinFiles: [] } }),
    ).toMatchSnapshot();
  });
});

describe("pretty report", () => {
  it("renders the failing checklist without colour (snapshot)", () => {
    expect(
      renderPretty(failing, { colorLevel: 0, rerun: "bfd done ENG-142", rules: { config: null, builtinFiles: [] } }),
    ).toMatchSnapshot();
  });
});

describe("pretty report: what blocks first, one headline for what is missing, --quiet (#24)", () => {
  const symbols = (text: string): string[] =>
    text
      .split("\n")
      .map((line) => /^ {2}([✖⚠◌✔–!]) /.exec(line)?.[1])
      .filter((s): s is string => s !== undefined);

  it("lists failures, then warnings, waivers, passes and skips", () => {
    const order = symbols(renderPretty(failing, { colorLevel: 0 }));
    const rank = (s: string): number => ["✖", "!", "⚠", "◌", "✔", "–"].indexOf(s);
    expect(order.length).toBe(failing.results.length);
    expect(order.map(rank)).toEqual([...order.map(rank)].sort((a, b) => a - b));
  });

  it("with quiet, shows only what blocks the gate, and still the summary", () => {
    const text = renderPretty(failing, { colorLevel: 0, quiet: true });
    expect(symbols(text).every((s) => s === "✖" || s === "!")).toBe(true);
    expect(symbols(text)).toHaveLength(failing.summary.failed + failing.summary.errored);
    expect(text).toContain("7 failed · 3 passed · 1 waived · 3 skipped");
    expect(text).not.toContain("note:");
  });

  it("says a missing merge request once, with the rules waiting for it, and counts it as one thing to fix", () => {
    const noMr = reportFor("done-pass.json", "done", (t) => {
      const item = JSON.parse(t) as Record<string, unknown>;
      return JSON.stringify({ ...item, mergeRequest: null });
    });
    const text = renderPretty(noMr, { colorLevel: 0, rerun: "bfd done ENG-142" });
    expect(text.match(/No merge request found/g)).toHaveLength(1);
    expect(text).toMatch(/\d+ rules wait for the merge request: scope-matches-issue, merge-request-ready, /);
    expect(text).toContain("fix the 1 blocking item above");
    expect(noMr.results.filter((r) => r.blockedBy === "mergeRequest").length).toBeGreaterThan(5);
  });
});

describe("a waiver no one else stands behind, in every format (#23)", () => {
  // done-fail.json without the reviewer's approval: the author's bfd-waive line is a request, not a waiver.
  const unapproved = reportFor("done-fail.json", "done", (t) =>
    t.replace(/"approvals": \[[^\]]*\]/, '"approvals": []'),
  );
  const requested = "requested by Priya Natarajan (merge request description: Ships dark";

  it("fails the rule and says how to get the waiver accepted", () => {
    expect(unapproved.results.find((r) => r.rule === "release-notes-updated")).toMatchObject({
      status: "fail",
      waiver: { standing: "requested" },
    });
  });

  it.each<[string, (report: Report) => string, string]>([
    ["pretty", (r) => renderPretty(r, { colorLevel: 0 }), requested],
    [
      "Markdown (the MR note)",
      (r) => renderMarkdown(r, { colorLevel: 0 }),
      "**Not waived:** Requested by Priya Natarajan",
    ],
    ["JUnit", (r) => renderJunit(r, { colorLevel: 0 }), `Waiver ${requested}`],
    ["Code Quality", (r) => renderCodeQuality(r, { colorLevel: 0 }), `waiver ${requested}`],
  ])("%s says it was requested, not accepted", (_format, render, text) => {
    const out = render(unapproved);
    expect(out).toContain(text);
    expect(out).toContain("not accepted");
  });
});
