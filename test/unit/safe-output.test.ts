/**
 * What bfd writes is safe wherever it goes: no secret survives any format (escaped or not), no terminal escape
 * or XML-forbidden character gets through, no list or note grows without bound.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { convert } from "xmlbuilder2";
import { auditIssues } from "../../src/audit/audit.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { UpstreamError } from "../../src/errors.js";
import { composeHandoff } from "../../src/handoff/compose.js";
import { createRedactor, redact } from "../../src/redact.js";
import type { Report } from "../../src/report/schema.js";
import { loadAuditReporter } from "../../src/reporters/audit/index.js";
import {
  capMarkdown,
  GITLAB_NOTE_MAX_CHARS,
  LINEAR_COMMENT_MAX_CHARS,
  linearCommentBody,
  mergeRequestNoteBody,
} from "../../src/reporters/bodies.js";
import { loadHandoffReporter } from "../../src/reporters/handoff/index.js";
import { handoffWarningLine } from "../../src/reporters/handoff/warning.js";
import { FORMATS, loadReporter } from "../../src/reporters/index.js";
import { escapeMarkdownInline } from "../../src/reporters/markdown-escape.js";
import { xmlSafe } from "../../src/reporters/sanitize.js";
import { loadStagingReporter, STAGING_FORMATS } from "../../src/reporters/staging/index.js";
import { renderError } from "../../src/render-error.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { renderTemplate } from "../../src/rules/template.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { explicitWindow } from "../../src/staging/window.js";
import type { WorkItem } from "../../src/work-item/schema.js";
import { ROOT } from "../helpers/cli.js";
import { changed, withMr } from "../helpers/work-item.js";

const rules = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const exampleText = readFileSync(join(ROOT, "examples/done-fail.json"), "utf8");
const itemFrom = (text: string): WorkItem => parseSnapshot(text, "test.json");

/** A configured key (token-shaped), a configured token that is not, and a token bfd only knows by its shape. */
const LINEAR_KEY = "lin_api_S3cretKey0123456789";
const ODD_TOKEN = "gl-Secret_Token&<x>@team";
const UNCONFIGURED = "glpat-Abc_def_ghi_jkl_0123";
const redactor = createRedactor([LINEAR_KEY, ODD_TOKEN]);
/** Parts of each secret that must never show, in whatever escaped form. */
const FRAGMENTS = ["S3cretKey0123456789", "S3cretKey", "Secret", "Abc", "ghi"];

describe("redaction after escaping, through every format", () => {
  const planted = exampleText.replace(
    "- [ ] Admins can filter by user and by result",
    `- [ ] Admins can filter by ${LINEAR_KEY}, by ${ODD_TOKEN} and by ${UNCONFIGURED}`,
  );
  const item = itemFrom(planted);
  const report = evaluate(rules, item, { gate: "done" });

  it("plants the secrets where every format shows them (the test can fail)", async () => {
    const markdown = (await loadReporter("markdown"))(report, { colorLevel: 0 });
    expect(markdown).toContain(escapeMarkdownInline(LINEAR_KEY));
    expect(escapeMarkdownInline(LINEAR_KEY)).not.toContain(LINEAR_KEY);
  });

  it.each(FORMATS)("the %s report, redacted, shows none of them", async (format) => {
    const text = redactor((await loadReporter(format))(report, { colorLevel: 0 }));
    for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment);
    expect(text).toContain("[REDACTED]");
  });

  it.each(["markdown", "json"] as const)("the handoff note as %s, redacted, shows none of them", async (format) => {
    const note = composeHandoff("in-review", report, item, {
      acceptanceHeadings: ["Acceptance criteria"],
      testedHeadings: [],
    });
    const text = redactor((await loadHandoffReporter(format))({ note, report, comment: null }, { colorLevel: 0 }));
    for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment);
  });

  it.each(STAGING_FORMATS)("the staging list as %s, redacted, shows none of them", async (format) => {
    const rows = [
      {
        reference: "acme/web!1",
        title: `Rotate ${LINEAR_KEY} and ${ODD_TOKEN} and ${UNCONFIGURED}`,
        author: "priya",
        mergedAt: "2026-11-20T00:00:00.000Z",
        mergedAtLocal: "2026-11-20 00:00 +00:00",
        issue: null,
        url: "https://gitlab.example.com/acme/web/-/merge_requests/1",
        state: "not-validated" as const,
        deployedAt: "2026-11-20T01:00:00.000Z",
        deployedAtLocal: "2026-11-20 01:00 +00:00",
        labelAddedAt: null,
        labelAddedAtLocal: null,
      },
    ];
    const result = {
      schemaVersion: 1 as const,
      project: "acme/web",
      deployBranch: "main",
      label: "Validated in Staging",
      environment: "staging",
      timeZone: "UTC",
      window: explicitWindow("2026-11-19", "2026-11-26", "UTC", "2026-11-27T00:00:00Z"),
      merged: rows,
      missing: rows,
      verdict: "fail" as const,
    };
    const text = redactor((await loadStagingReporter(format))(result, { colorLevel: 0 }));
    for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment);
  });

  it("the MR note and the Linear comment are redacted before they are posted", async () => {
    const note = await mergeRequestNoteBody(report, {
      marker: "<!-- m -->",
      footer: "<sub>footer</sub>",
      renderOptions: { colorLevel: 0 },
      jobUrl: undefined,
      redact: redactor,
    });
    const handoff = composeHandoff("in-review", report, item, {
      acceptanceHeadings: ["Acceptance criteria"],
      testedHeadings: [],
    });
    const comment = await linearCommentBody({ note: handoff, report, comment: null }, redactor);
    for (const text of [note, comment]) for (const fragment of FRAGMENTS) expect(text).not.toContain(fragment);
  });

  it.each([
    ["Markdown", (s: string) => escapeMarkdownInline(s)],
    ["JSON", (s: string) => JSON.stringify(s)],
    ["Markdown inside JSON", (s: string) => JSON.stringify(escapeMarkdownInline(s))],
    ["XML", (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")],
  ])("finds each secret in its %s-escaped form", (_form, escape) => {
    for (const secret of [LINEAR_KEY, ODD_TOKEN, UNCONFIGURED])
      expect(redactor(escape(`before ${secret} after`))).not.toMatch(/S3cret|Secret|Abc/);
  });

  it.each([
    ["an ordinary sentence", "Fixes the audit_log export & the CSV <header>"],
    ["a short secret-like word", "lin_api_abc"],
    ["a URL without credentials", "https://gitlab.example.com/acme/web/-/merge_requests/1?tab=diffs"],
  ])("leaves %s alone", (_what, text) => {
    expect(redact(escapeMarkdownInline(text), [LINEAR_KEY])).toBe(escapeMarkdownInline(text));
  });
});

const hasTerminalControls = (text: string): boolean => [...text].some((c) => "\u001b\u0007\u009b".includes(c));

describe("terminal control characters from Linear, GitLab and config", () => {
  const hostile = "In \u001b]8;;https://evil.example/\u0007Review\u001b]8;;\u0007\u001b[2J\u009b31m";

  it("never reach the handoff warning on stderr", () => {
    const item = itemFrom(exampleText.replace('"name": "In Progress"', `"name": ${JSON.stringify(hostile)}`));
    const report = evaluate(rules, item, { gate: "done" });
    const note = composeHandoff("blocked", report, item, { acceptanceHeadings: [], testedHeadings: [] });
    const line = handoffWarningLine(note)!;
    expect(line).toContain('ENG-142 is "In Review" in Linear');
    expect(hasTerminalControls(line)).toBe(false);
  });

  it("never reach an error message", () => {
    const { text } = renderError(new UpstreamError("GitLab", "bad", `GitLab said: ${hostile}`), {
      debug: false,
      color: false,
      cwd: "/work",
    });
    expect(text).toContain("GitLab said: In Review");
    expect(hasTerminalControls(text)).toBe(false);
  });

  it("never reach the audit table", async () => {
    const issue = itemFrom(
      exampleText.replace(
        '"title": "Show sign-in events in the admin audit log"',
        `"title": ${JSON.stringify(hostile)}`,
      ),
    ).issue!;
    const result = auditIssues(rules, [issue], "2026-11-20T10:00:00.000Z", {
      team: "ENG",
      state: null,
      notStarted: false,
      project: null,
      label: null,
      limit: 10,
    });
    const text = (await loadAuditReporter("pretty"))(result, { colorLevel: 0 });
    expect(text).toContain("In Review");
    expect(hasTerminalControls(text)).toBe(false);
  });
});

describe("JUnit XML", () => {
  const forbidden = "a\u0000b\u0008c\u000bd\u000ce\u001ff\ufffeg\uffffh\ud800i\udc00j😀k";

  it.each([
    ["U+FFFE and U+FFFF", "\ufffe\uffff", ""],
    ["a lone high surrogate", "x\ud800y", "xy"],
    ["a lone low surrogate", "x\udc00y", "xy"],
    ["C0 controls", "a\u0000\u0008\u000b\u000c\u001fb", "ab"],
    ["a real surrogate pair (kept)", "😀", "😀"],
    ["newlines and tabs (kept)", "a\nb\tc", "a\nb\tc"],
  ])("drops %s", (_what, input, output) => {
    expect(xmlSafe(input, { keepNewlines: true })).toBe(output);
  });

  it("parses when every text and attribute carried forbidden characters", async () => {
    const item = itemFrom(
      exampleText
        .replace('"title": "Show sign-in events in the admin audit log"', `"title": ${JSON.stringify(forbidden)}`)
        .replace(
          "- [ ] Admins can filter by user and by result",
          `- [ ] Admins ${JSON.stringify(forbidden).slice(1, -1)}`,
        ),
    );
    const xml = (await loadReporter("junit"))(evaluate(rules, item, { gate: "done" }), { colorLevel: 0 });
    // eslint-disable-next-line no-control-regex -- the characters under test
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/);
    expect(xml).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    expect(() => convert(xml, { format: "object" })).not.toThrow();
    // The Markdown parser already turns U+0000 into U+FFFD (CommonMark), which XML allows.
    expect(xml).toContain("Admins a\ufffdbcdefghij😀k");
  });
});

describe("long lists are cut, and say how much", () => {
  const paths = Array.from({ length: 20_000 }, (_, i) => `app/views/page_${i}.html.erb`);
  const item = withMr({ changes: paths.map((p) => changed(p)) });
  const report = evaluate(rules, item, { gate: "done" });
  const docs = report.results.find((r) => r.rule === "user-docs-updated")!;

  it("in a hint that names every triggering file", () => {
    expect(docs.evidence).toHaveLength(20_000);
    expect(docs.hint).toContain("app/views/page_9.html.erb … and 19,990 more");
    expect(docs.hint).not.toContain("page_10.html.erb");
  });

  it("in the JSON report: 1,000 evidence entries and a count of the rest", async () => {
    const json = JSON.parse((await loadReporter("json"))(report, { colorLevel: 0 })) as Report;
    const evidence = json.results.find((r) => r.rule === "user-docs-updated")!.evidence;
    expect(evidence).toHaveLength(1001);
    expect(evidence.at(-1)).toBe("… and 19,000 more");
  });

  it("in JUnit: 50 evidence entries and a count of the rest", async () => {
    const xml = (await loadReporter("junit"))(report, { colorLevel: 0 });
    expect(xml).toContain("… and 19,950 more");
    expect(xml).not.toContain("page_50.html.erb");
  });

  it.each([
    [["a", "b"], "a, b"],
    [Array.from({ length: 12 }, (_, i) => `f${i}`), "f0, f1, f2, f3, f4, f5, f6, f7, f8, f9 … and 2 more"],
    ["x; y; z", "x; y; z"],
    [Array.from({ length: 11 }, (_, i) => `q${i}`).join("; "), "q0; q1; q2; q3; q4; q5; q6; q7; q8; q9 … and 1 more"],
  ])("a hint value %j becomes %j", (value, text) => {
    expect(renderTemplate("{{list}}", () => value)).toBe(text);
  });

  it("a single hint value longer than 1,000 characters is cut", () => {
    const text = renderTemplate("see {{x}}", () => "y".repeat(5000));
    expect(text).toBe(`see ${"y".repeat(1000)}…`);
  });
});

describe("notes and comments fit their service", () => {
  const huge = (n: number): Report => {
    const base = evaluate(rules, itemFrom(exampleText), { gate: "done" });
    const message = "m".repeat(1000);
    return {
      ...base,
      results: Array.from({ length: n }, (_, i) => ({ ...base.results[0]!, rule: `rule-${i}`, message })),
    };
  };

  it("the MR note is cut below GitLab's 1,000,000 characters and says where the whole report is", async () => {
    const body = await mergeRequestNoteBody(huge(1500), {
      marker: "<!-- bfd:sticky-note -->",
      footer: "<sub>Posted by bfd ci</sub>",
      renderOptions: { colorLevel: 0 },
      jobUrl: "https://gitlab.example.com/acme/web/-/jobs/42",
      redact: (t) => t,
    });
    expect(body.length).toBeLessThanOrEqual(GITLAB_NOTE_MAX_CHARS);
    expect(body.length).toBeGreaterThan(GITLAB_NOTE_MAX_CHARS - 2000);
    expect(body.startsWith("<!-- bfd:sticky-note -->\n")).toBe(true);
    expect(body.endsWith("\n<sub>Posted by bfd ci</sub>\n")).toBe(true);
    expect(body).toContain(
      "the whole report is in the log of [the bfd ci job](https://gitlab.example.com/acme/web/-/jobs/42)",
    );
  });

  it("a note within the limit is the report, marker and footer, unchanged", async () => {
    const report = evaluate(rules, itemFrom(exampleText), { gate: "done" });
    const body = await mergeRequestNoteBody(report, {
      marker: "<!-- m -->",
      footer: "<sub>f</sub>",
      renderOptions: { colorLevel: 0 },
      jobUrl: undefined,
      redact: (t) => t,
    });
    expect(body).toBe(`<!-- m -->\n${(await loadReporter("markdown"))(report, { colorLevel: 0 })}\n<sub>f</sub>\n`);
  });

  it("the Linear comment is cut at 64 KiB with a line saying how to get it whole", async () => {
    const report = huge(100);
    const item = itemFrom(exampleText);
    const note = composeHandoff("in-review", report, item, { acceptanceHeadings: [], testedHeadings: [] });
    const body = await linearCommentBody({ note, report, comment: null }, (t) => t);
    expect(body.length).toBeLessThanOrEqual(LINEAR_COMMENT_MAX_CHARS);
    expect(body).toContain("`bfd handoff --state in-review --format json` prints it whole");
  });

  it.each([
    ["text within the limit", "a\nb\n", 10, "a\nb\n"],
    ["lines past the limit", "aaaa\n".repeat(10), 40, "aaaa\naaaa\naaaa\naaaa\n\nNOTE\n"],
    [
      "inside a <details> block, which it closes",
      `x\n<details><summary>s</summary>\n\n${"yyyyyyyyy\n".repeat(10)}</details>\n`,
      70,
      "x\n<details><summary>s</summary>\n\nyyyyyyyyy\n</details>\n\nNOTE\n",
    ],
    ["one line longer than the limit", "q".repeat(100), 40, `${"q".repeat(20)}…\n\nNOTE\n`],
  ])("capMarkdown cuts %s at a line boundary", (_what, text, max, expected) => {
    const out = capMarkdown(text, max, "NOTE");
    expect(out).toBe(expected);
    expect(out.length).toBeLessThanOrEqual(max);
  });
});
