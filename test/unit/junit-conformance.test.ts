import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convert } from "xmlbuilder2";
import { evaluate } from "../../src/engine/evaluate.js";
import type { Report } from "../../src/report/schema.js";
import { renderJunit } from "../../src/reporters/junit.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { ROOT, tempDir } from "../helpers/cli.js";
import { needTool } from "../helpers/system-tools.js";

/** junit-10.xsd of jenkinsci/xunit-plugin, vendored verbatim (test/fixtures/junit/SOURCE.md). */
const XSD = join(ROOT, "test", "fixtures", "junit", "junit-10.xsd");

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const reportFor = (example: string, gate: "ready" | "done"): Report =>
  evaluate(rules, parseSnapshot(readFileSync(join(ROOT, "examples", example), "utf8"), example), { gate });

// done-fail has failures, a waiver and skipped rules; done-pass only passes; ready-fail the other gate.
const REPORTS: [string, Report][] = [
  ["done-fail.json (failures, a waiver, skips)", reportFor("done-fail.json", "done")],
  ["done-pass.json (all pass)", reportFor("done-pass.json", "done")],
  ["ready-fail.json", reportFor("ready-fail.json", "ready")],
];

describe("the JUnit report against junit-10.xsd", () => {
  it.for(REPORTS)("%s validates with xmllint", ([, report], { skip }) => {
    needTool("xmllint", ["--version"], skip);
    const file = join(tempDir("bfd-junit-"), "report.xml");
    writeFileSync(file, renderJunit(report, { colorLevel: 0 }));
    const lint = spawnSync("xmllint", ["--noout", "--schema", XSD, file], { encoding: "utf8" });
    expect(lint.stderr.trim()).toBe(`${file} validates`);
    expect(lint.status).toBe(0);
  });

  it("puts no skipped attribute on <testsuites> (the XSD has none) and keeps the count on <testsuite>", () => {
    const xml = renderJunit(REPORTS[0]![1], { colorLevel: 0 });
    expect(xml).toMatch(/<testsuites (?![^>]*skipped=)[^>]*>/);
    expect(xml).toMatch(/<testsuite [^>]*skipped="[1-9]\d*"/);
  });

  it("gives every skipped and waived rule its reason as the element's text, which GitLab shows", () => {
    const doc = convert(renderJunit(REPORTS[0]![1], { colorLevel: 0 }), { format: "object" }) as unknown as {
      testsuites: { testsuite: { testcase: { "@name": string; skipped?: { "@message": string; "#"?: string } }[] } };
    };
    const skipped = doc.testsuites.testsuite.testcase.filter((c) => c.skipped !== undefined);
    expect(skipped.length).toBeGreaterThan(1);
    for (const c of skipped) expect([c["@name"], c.skipped!["#"]]).toEqual([c["@name"], c.skipped!["@message"]]);
    expect(skipped.some((c) => c.skipped!["#"]!.startsWith("waived by "))).toBe(true);
  });
});
