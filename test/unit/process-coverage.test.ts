/**
 * docs/rules.md maps every sentence of the delivery process to what enforces it (rules/process-coverage.yaml).
 * These tests keep that map whole: a sentence added to docs/process.md, or a rule renamed, fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readProcessCoverage } from "../../src/rules/process-coverage.js";
import { ROOT } from "../helpers/cli.js";

const BUILTIN = join(ROOT, "rules");
const coverage = readProcessCoverage(BUILTIN);

/**
 * The process page's sentences, section by section: list items and numbered steps (with their continuation lines),
 * and each sentence of a paragraph. Lines that only introduce a list ("Start only when:") are framing, not rules.
 */
function processSentences(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let section: string | null = null;
  let items: string[] = [];
  let paragraph: string[] = [];
  const flush = (): void => {
    if (section === null) return;
    const text = paragraph.join(" ").trim();
    paragraph = [];
    if (text === "" || text.endsWith(":")) return;
    items.push(...text.split(/(?<=[.!?])\s+(?=[A-Z])/));
  };
  for (const line of markdown.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading !== null) {
      flush();
      if (section !== null) sections.set(section, items);
      section = heading[1]!;
      items = [];
      continue;
    }
    const item = /^(?:- |\d+\. )(.+)$/.exec(line);
    if (item !== null) {
      flush();
      paragraph = [item[1]!];
      flush();
      continue;
    }
    if (/^\s+\S/.test(line) && items.length > 0 && paragraph.length === 0) {
      items[items.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (line.trim() === "") flush();
    else paragraph.push(line.trim());
  }
  flush();
  if (section !== null) sections.set(section, items);
  return sections;
}

const builtinRuleIds = new Set(
  ["ready.yaml", "done.yaml"].flatMap((file) =>
    [...readFileSync(join(BUILTIN, file), "utf8").matchAll(/^ {2}- id: (\S+)$/gm)].map((m) => m[1]!),
  ),
);

describe("the process coverage map (rules/process-coverage.yaml)", () => {
  const page = processSentences(readFileSync(join(ROOT, "docs/process.md"), "utf8"));

  it("has every section of the process page that holds rules, in the page's order", () => {
    // "What counts as evidence" (#22) describes how bfd reads evidence, after the process: it holds no rules.
    const sections = [...page.keys()];
    const end = sections.indexOf("What counts as evidence");
    const withRules = sections.slice(sections.indexOf("Ready To Pick Up"), end < 0 ? undefined : end);
    expect(coverage.sections.map((s) => s.section)).toEqual(withRules);
  });

  it.each(coverage.sections.map((s) => [s.section, s] as const))(
    "maps every sentence of '%s', word for word, and nothing else",
    (name, section) => {
      expect(section.sentences.map((s) => s.text)).toEqual(page.get(name));
    },
  );

  it("names only built-in rules", () => {
    const named = coverage.sections.flatMap((s) => s.sentences.flatMap((t) => t.rules));
    expect(named.filter((id) => !builtinRuleIds.has(id))).toEqual([]);
  });

  it("leaves no built-in rule out", () => {
    const named = new Set(coverage.sections.flatMap((s) => s.sentences.flatMap((t) => t.rules)));
    expect([...builtinRuleIds].filter((id) => !named.has(id))).toEqual([]);
  });

  it("quotes, in each rule's process: line, a sentence the map gives that rule", () => {
    const mapped = new Map<string, string[]>();
    for (const s of coverage.sections.flatMap((x) => x.sentences))
      for (const id of s.rules) mapped.set(id, [...(mapped.get(id) ?? []), s.text]);
    const mismatched: string[] = [];
    for (const file of ["ready.yaml", "done.yaml"]) {
      const text = readFileSync(join(BUILTIN, file), "utf8");
      for (const m of text.matchAll(/^ {2}- id: (\S+)\n(?: {4}.*\n)*? {4}process: "(.+)"$/gm)) {
        const [, id, quote] = m;
        const norm = (s: string) => s.replace(/\s+/g, " ").replace(/[.,]$/, "").toLowerCase();
        if (!(mapped.get(id!) ?? []).some((t) => norm(quote!).includes(norm(t)) || norm(t).includes(norm(quote!))))
          mismatched.push(`${file} ${id}: "${quote}"`);
      }
    }
    expect(mismatched).toEqual([]);
  });
});
