import { describe, expect, it } from "vitest";
import {
  findSection,
  findSections,
  markdownLinks,
  mentionTextOf,
  sectionCriteria,
  sectionItems,
  sectionTaskItems,
  sectionText,
  visibleLines,
  type MarkdownSection,
} from "../../src/markdown/sections.js";
import { parsedCharacters } from "../../src/markdown/parse.js";
import { htmlAsMarkdown, matchHeading } from "../../src/markdown/sections.js";

const lines = (...text: string[]) => text.join("\n");
const AC = ["Acceptance criteria", "AC"];

function mustFind(markdown: string, aliases: readonly string[] = AC): MarkdownSection {
  const section = findSection(markdown, aliases);
  if (section === null) throw new Error(`no section in ${JSON.stringify(markdown)}`);
  return section;
}

describe("findSection", () => {
  it.each<[string, string, string | null, string | null]>([
    ["finds an ATX heading by alias", lines("# Title", "## AC", "- a"), "AC", "a"],
    ["matches case-insensitively", lines("## acceptance CRITERIA", "text"), "acceptance CRITERIA", "text"],
    ["ignores a trailing colon", lines("### Acceptance criteria:", "text"), "Acceptance criteria:", "text"],
    [
      "ignores a space before the trailing colon",
      lines("## Acceptance criteria :", "text"),
      "Acceptance criteria :",
      "text",
    ],
    ["ignores a full-width colon", lines("## Acceptance criteria：", "text"), "Acceptance criteria：", "text"],
    ["collapses inner whitespace", lines("## Acceptance   criteria", "text"), "Acceptance   criteria", "text"],
    [
      "reads inline markup in the heading as text",
      lines("## *Acceptance* `criteria`", "text"),
      "Acceptance criteria",
      "text",
    ],
    [
      "accepts a paragraph of bold text as a heading",
      lines("**Acceptance criteria**", "- a"),
      "Acceptance criteria",
      "a",
    ],
    ["accepts bold text with its colon outside", lines("**AC**:", "", "text"), "AC", "text"],
    ["accepts a setext heading", lines("AC", "==", "text"), "AC", "text"],
    ["stops at the next heading of the same level", lines("## AC", "a", "## Design", "b"), "AC", "a"],
    ["keeps deeper headings inside the section", lines("## AC", "a", "### Web", "b", "# Next", "c"), "AC", "a\nWeb\nb"],
    [
      "ends a bold-text section at the next heading of any level",
      lines("**AC**", "", "a", "", "#### Notes", "b"),
      "AC",
      "a",
    ],
    [
      "ends a bold-text section at the next bold-text heading",
      lines("**AC**", "", "a", "", "**Notes**", "", "b"),
      "AC",
      "a",
    ],
    [
      "accepts a short plain line ending in a colon as a heading",
      lines("Intro.", "", "Acceptance criteria:", "- a"),
      "Acceptance criteria:",
      "a",
    ],
    [
      "keeps a lead-in line ending in a colon inside a bold-text section",
      lines("**AC**", "", "Given a signed-in admin:", "- a"),
      "AC",
      "Given a signed-in admin:\na",
    ],
    ["ends a plain-line section at the next plain-line heading", lines("AC:", "- a", "", "Notes:", "- b"), "AC:", "a"],
    ["takes the first of several matching sections", lines("## AC", "first", "## AC", "second"), "AC", "first"],
    ["does not treat a sentence starting in bold as a heading", lines("**AC** are below.", "- a"), null, null],
    ["does not find the alias as plain text", lines("AC: see the spec"), null, null],
    ["does not find a heading inside a list item", lines("- ## AC", "  text"), null, null],
    ["does not find a heading inside a code block", lines("```", "## AC", "```"), null, null],
    ["finds nothing in an empty document", "", null, null],
  ])("%s", (_what, markdown, heading, text) => {
    const section = findSection(markdown, AC);
    expect(section?.heading ?? null).toBe(heading);
    expect(section === null ? null : sectionText(section)).toBe(text);
  });

  it("reports the heading's depth, and 7 for a bold-text heading", () => {
    expect(mustFind("### AC").depth).toBe(3);
    expect(mustFind("**AC**").depth).toBe(7);
  });
});

describe("sectionItems", () => {
  it.each<[string, string, { text: string; checked: boolean | null; struck: boolean }[]]>([
    [
      "lists plain items with checked null",
      lines("## AC", "- a", "- b"),
      [
        { text: "a", checked: null, struck: false },
        { text: "b", checked: null, struck: false },
      ],
    ],
    [
      "lists task items with their tick",
      lines("## AC", "- [ ] a", "- [x] b"),
      [
        { text: "a", checked: false, struck: false },
        { text: "b", checked: true, struck: false },
      ],
    ],
    [
      "counts a nested list as part of its parent",
      lines("## AC", "- a", "  - a.1", "- b"),
      [
        { text: "a", checked: null, struck: false },
        { text: "b", checked: null, struck: false },
      ],
    ],
    [
      "reads ordered lists and lists split by prose",
      lines("## AC", "1. a", "", "Then:", "", "* b"),
      [
        { text: "a", checked: null, struck: false },
        { text: "b", checked: null, struck: false },
      ],
    ],
    [
      "marks an item struck only when all its first paragraph is struck",
      lines("## AC", "- ~~a~~", "- ~~a~~ b"),
      [
        { text: "a", checked: null, struck: true },
        { text: "a b", checked: null, struck: false },
      ],
    ],
    [
      "reads the text without markup",
      lines("## AC", "- **Resolved:** [yes](https://x.example)"),
      [{ text: "Resolved: yes", checked: null, struck: false }],
    ],
    ["gives an empty item empty text", lines("## AC", "-"), [{ text: "", checked: null, struck: false }]],
    ["has no items in prose", lines("## AC", "Just text."), []],
  ])("%s", (_what, markdown, items) => {
    expect(sectionItems(mustFind(markdown))).toEqual(items);
  });
});

describe("sectionTaskItems", () => {
  it.each<[string, string, [string, boolean][]]>([
    [
      "lists task items with their tick",
      lines("## AC", "- [ ] a", "- [x] b"),
      [
        ["a", false],
        ["b", true],
      ],
    ],
    [
      "includes nested task items, parents first",
      lines("## AC", "- [x] a", "  - [ ] a.1", "    - [x] a.1.1"),
      [
        ["a", true],
        ["a.1", false],
        ["a.1.1", true],
      ],
    ],
    ["finds task items nested under plain items", lines("## AC", "- web", "  - [ ] login"), [["login", false]]],
    ["finds task items in a block quote", lines("## AC", "> - [ ] quoted"), [["quoted", false]]],
    ["skips plain items", lines("## AC", "- a", "- [x] b"), [["b", true]]],
    // A reader sees an unticked box; before #22 this line was no criterion at all.
    ["reads a task marker that starts a paragraph line", lines("## AC", "[ ] not a list"), [["not a list", false]]],
    ["has none in prose", lines("## AC", "Logins are [audited]."), []],
  ])("%s", (_what, markdown, tasks) => {
    expect(sectionTaskItems(mustFind(markdown)).map((t) => [t.text, t.checked])).toEqual(tasks);
  });
});

describe("sectionText", () => {
  it.each<[string, string, string]>([
    ["joins the section's blocks as plain text", lines("## AC", "Some *text*.", "", "- a"), "Some text.\na"],
    ["leaves out HTML comments, as template placeholders", lines("## AC", "<!-- write here -->"), ""],
    ["is empty for an empty section", lines("## AC", "## Next", "x"), ""],
  ])("%s", (_what, markdown, text) => {
    expect(sectionText(mustFind(markdown))).toBe(text);
  });
});

describe("markdownLinks", () => {
  it.each<[string, string, { url: string; text: string }[]]>([
    [
      "reads an inline link's URL and text",
      "[the challenge](https://index.example.com/c/1)",
      [{ url: "https://index.example.com/c/1", text: "the challenge" }],
    ],
    [
      "reads a bare URL, autolinked",
      "See https://index.example.com/c/1 now",
      [{ url: "https://index.example.com/c/1", text: "https://index.example.com/c/1" }],
    ],
    [
      "reads a bare www. host as GFM does, and no file name that looks like a host (#26)",
      "Design at www.figma.com/file/AbC123/x. Notes in notes.md, mail ops@acme.example",
      [
        { url: "http://www.figma.com/file/AbC123/x", text: "www.figma.com/file/AbC123/x" },
        { url: "mailto:ops@acme.example", text: "ops@acme.example" },
      ],
    ],
    [
      "reads an angle-bracket autolink",
      "<https://x.example>",
      [{ url: "https://x.example", text: "https://x.example" }],
    ],
    [
      "resolves reference-style links, whose definition may come after them (#22: a false fail before)",
      "[spec][1], [API][] and [Docs]\n\n[1]: https://x.example/spec\n[api]: https://x.example/api\n[docs]: <https://x.example/docs>",
      [
        { url: "https://x.example/spec", text: "spec" },
        { url: "https://x.example/api", text: "API" },
        { url: "https://x.example/docs", text: "Docs" },
      ],
    ],
    ["reads no link from a definition nobody references", "Text.\n\n[1]: https://x.example/spec", []],
    [
      "reads links nested in lists and headings, in order",
      lines("## [H](https://h.example)", "- [L](https://l.example)"),
      [
        { url: "https://h.example", text: "H" },
        { url: "https://l.example", text: "L" },
      ],
    ],
    ["finds none in plain text", "no links", []],
  ])("%s", (_what, markdown, links) => {
    expect(markdownLinks(markdown)).toEqual(links);
  });
});

describe("findSections", () => {
  it.each<[string, string, [string, string][]]>([
    [
      "finds every section under any alias",
      lines("## AC", "a", "## Notes", "n", "## Acceptance criteria", "b"),
      [
        ["AC", "a"],
        ["Acceptance criteria", "b"],
      ],
    ],
    [
      "finds a bold-text section above a heading one",
      lines("**Definition of done**", "", "- [x] a", "", "## AC", "- [ ] b"),
      [
        ["Definition of done", "a"],
        ["AC", "b"],
      ],
    ],
    [
      "keeps a deeper matching heading inside the open section",
      lines("## AC", "a", "### AC", "b"),
      [["AC", "a\nAC\nb"]],
    ],
    [
      "starts a new section at a matching heading of the same level",
      lines("## AC", "a", "## AC", "b"),
      [
        ["AC", "a"],
        ["AC", "b"],
      ],
    ],
    ["finds a heading spelled with character references", lines("## &#65;C", "a"), [["AC", "a"]]],
    ["finds a heading spelled with a named reference", lines("## AC&colon;", "a"), [["AC:", "a"]]],
    [
      "finds a setext heading over two lines",
      lines("Acceptance", "criteria", "===", "a"),
      [["Acceptance\ncriteria", "a"]],
    ],
    ["finds a heading split by markup", lines("## *Acc*eptance `criteria`", "a"), [["Acceptance criteria", "a"]]],
    ["finds none inside code or an HTML comment", lines("```", "## AC", "```", "<!--", "## AC", "-->"), []],
  ])("%s", (_what, markdown, sections) => {
    const aliases = ["Acceptance criteria", "AC", "Definition of done"];
    expect(findSections(markdown, aliases).map((s) => [s.heading, sectionText(s)])).toEqual(sections);
  });

  it("finds the same sections in a long document", () => {
    const filler = "Prose with **bold** and [a link](https://example.com).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n";
    const long = lines(
      filler.repeat(800),
      "## Acceptance criteria",
      "- [x] a",
      "",
      "```",
      "## AC (in code)",
      "```",
      "",
      "## Notes",
      filler.repeat(800),
      "**AC**",
      "",
      "- [ ] b",
      "",
      "## End",
    );
    expect(long.length).toBeGreaterThan(100_000);
    const sections = findSections(long, ["Acceptance criteria", "AC"]);
    expect(sections.map((s) => [s.heading, sectionCriteria(s).map((c) => c.text)])).toEqual([
      ["Acceptance criteria", ["a"]],
      ["AC", ["b"]],
    ]);
  });

  it("parses a long document once, whole, however many readers ask (#26: no chunks, no prefilters)", () => {
    const prose =
      "Prose with a [link](https://wiki.acme.example/page), `code` and *emphasis*; how it was tested, then a list:\n\n- one\n- two\n\n";
    const long = lines(prose.repeat(1500), "Acceptance criteria:", "", "- [ ] b", "", "## End", prose.repeat(20));
    expect(long.length).toBeGreaterThan(150_000);
    const before = parsedCharacters();
    const sections = findSections(long, ["Acceptance criteria", "How tested"]);
    expect(sections.map((s) => [s.heading, sectionCriteria(s).map((c) => c.text)])).toEqual([
      ["Acceptance criteria:", ["b"]],
    ]);
    expect(markdownLinks(long)).toHaveLength(1520);
    expect(mentionTextOf(long).urls).toEqual(["https://wiki.acme.example/page"]);
    expect(parsedCharacters() - before).toBe(long.length);
  });

  it("finds nothing in a text past the limits (the checks report the limit)", () => {
    expect(findSections(`## AC\n${"> ".repeat(40)}a`, ["AC"])).toEqual([]);
  });
});

describe("sectionCriteria", () => {
  it.each<[string, string, [string, string, boolean | null][]]>([
    [
      "reads task items, plain items and nested ones in order",
      lines("## AC", "- [x] a", "  - note", "- b"),
      [
        ["task", "a", true],
        ["item", "note", null],
        ["item", "b", null],
      ],
    ],
    [
      "reads table body rows, not the header",
      lines("## AC", "| Criterion | Done |", "|---|---|", "| logs | yes |"),
      [["row", "logs | yes", null]],
    ],
    ["reads items in block quotes", lines("## AC", "> - [ ] quoted"), [["task", "quoted", false]]],
    ["has none in prose", lines("## AC", "Logins are audited."), []],
  ])("%s", (_what, markdown, criteria) => {
    expect(sectionCriteria(mustFind(markdown)).map((c) => [c.kind, c.text, c.checked])).toEqual(criteria);
  });
});

describe("visibleLines", () => {
  it.each<[string, string, string[]]>([
    [
      "reads paragraphs and list items",
      lines("bfd-waive: a why", "", "- bfd-waive: b why"),
      ["bfd-waive: a why", "bfd-waive: b why"],
    ],
    ["reads text under emphasis and links", "**bfd-waive:** a [why](https://x.example)", ["bfd-waive: a why"]],
    ["leaves out HTML comments", lines("<!-- bfd-waive: a why -->", "", "x <!-- bfd-waive: b why --> y"), ["x  y"]],
    ["leaves out code", lines("```", "bfd-waive: a why", "```", "", "`bfd-waive: b why`"), [""]],
    ["leaves out block quotes", "> bfd-waive: a why", []],
    [
      "reads a footnote definition that ends a block quote's lazy lines, as GFM does (#26)",
      lines("> quoted", "lazy", "[^1]: bfd-waive: a why"),
      ["bfd-waive: a why"],
    ],
    ["leaves out struck text and image text", "~~bfd-waive: a why~~ ![bfd-waive: b why](u)", [" "]],
    ["reads nothing from a document that does not mention the needle", "no waiver here", []],
  ])("%s", (_what, markdown, visible) => {
    expect(visibleLines(markdown, "bfd-waive")).toEqual(visible);
  });

  it.each<[string, string, string[]]>([
    ["keeps a ticked task item", "- [x] bfd-waive: a why", ["bfd-waive: a why"]],
    ["leaves out an unticked task item", "- [ ] bfd-waive: a why", []],
    ["leaves out what is nested in an unticked item", lines("- [ ] options", "  - bfd-waive: a why"), []],
    [
      "leaves out an unticked task line folded into a ticked item",
      lines("- [x] done", "[ ] bfd-waive: a why"),
      ["done"],
    ],
    ["leaves out a line after an unticked HTML checkbox", '<input type="checkbox"> bfd-waive: a why', []],
    [
      "keeps a line after a checked HTML checkbox",
      '<input type="checkbox" checked> bfd-waive: a why',
      [" bfd-waive: a why"],
    ],
  ])("with assertedOnly, %s", (_what, markdown, visible) => {
    expect(visibleLines(markdown, "bfd-waive", { assertedOnly: true })).toEqual(visible);
  });
});

describe("mentionTextOf", () => {
  it("reads keys written with character references and escapes, as a reader sees them, code spans included", () => {
    expect(mentionTextOf("See ENG&#45;12 and OPS\\-3, and `ENG-4`.").text).toBe("See ENG-12 and OPS-3, and  ENG-4 .");
  });

  it("reads code blocks, link targets and reference definitions, and leaves out HTML", () => {
    const read = mentionTextOf(
      "Needs [the API][1].\n\n```\nOPS-1\n```\n\n<!-- e.g. ENG-0 -->\n\n[1]: https://linear.app/acme/issue/ENG-7",
    );
    expect(read.text).toBe("Needs  the API . OPS-1");
    expect(read.urls).toEqual(["https://linear.app/acme/issue/ENG-7"]);
  });

  it("finds a key with look-alike letters or fullwidth digits in a long document", () => {
    const long = `${"Filler paragraph.\n\n".repeat(5_000)}Needs \u0415NG-\uFF17.\n\n${"More filler.\n\n".repeat(5_000)}`;
    expect(mentionTextOf(long).text).toContain("\u0415NG-\uFF17");
  });

  it("reads keys spelled with named character references", () => {
    expect(mentionTextOf("&fjlig;-12 and &Idot;").text).toBe("fj-12 and \u0130");
  });
});

describe("matchHeading (sections by meaning, #22)", () => {
  const aliases = ["Acceptance criteria", "AC", "Definition of done"];
  it.each<[string, string, "same" | "confusable" | null]>([
    ["the alias itself", "Acceptance criteria", "same"],
    ["more words around the alias", "Additional acceptance criteria", "same"],
    ["a dated second section", "Acceptance criteria (added 3 Dec)", "same"],
    ["an emoji before it", "\u2705 Acceptance criteria", "same"],
    ["a zero-width joiner inside a word", "Accep\u200Dtance criteria", "same"],
    ["a right-to-left override showing it", "\u202Eairetirc ecnatpeccA", "same"],
    ["fullwidth letters", "\uFF21\uFF23", "same"],
    ["a plural", "ACs", "same"],
    ["a plural of a word", "Acceptance criterias", "same"],
    ["a Cyrillic look-alike letter (suspicious)", "\u0410cceptance criteria", "confusable"],
    ["another section", "Design notes", null],
    ["only one of the alias's words", "Acceptance tests", null],
    ["an out-of-scope subsection title", "Acceptance criteria out of scope", null],
    ["non-goals", "Non-goals", null],
  ])("%s: %s", (_what, title, expected) => {
    expect(matchHeading(title, aliases)).toBe(expected);
  });
});

describe("findSections reads sections by meaning (#22)", () => {
  const aliases = ["Acceptance criteria", "AC", "Definition of done"];
  const criteriaOf = (markdown: string) =>
    findSections(markdown, aliases).flatMap((s) =>
      sectionCriteria(s).map((c) => `${c.checked === true ? "x" : c.checked === false ? " " : "-"} ${c.text}`),
    );
  it.each<[string, string, string[]]>([
    [
      "every criteria section counts, a second dated one too",
      lines("## Acceptance criteria", "- [x] a", "## Acceptance criteria (added 3 Dec)", "- [ ] b"),
      ["x a", "  b"],
    ],
    [
      "a look-alike heading beside a ticked Definition of done",
      lines("## \u0410cceptance criteria", "- [ ] a", "## Definition of done", "- [x] b"),
      ["  a", "x b"],
    ],
    [
      "a task line Markdown folds into the ticked item above",
      lines("## AC", "- [x] a", "[ ] b", "[x] c"),
      ["x a", "  b", "x c"],
    ],
    ["a task line after a hard break", lines("## AC", "- [x] a\\", "[ ] b"), ["x a", "  b"]],
    [
      "criteria in a <details> block without blank lines",
      lines("## AC", "- [x] a", "<details>", "<summary>More</summary>", "- [ ] b", "</details>"),
      ["x a", "  b"],
    ],
    [
      "a <details> block titled by its summary",
      lines("<details><summary>Acceptance criteria</summary>", "", "- [ ] a", "", "</details>", "", "- [ ] not in it"),
      ["  a"],
    ],
    [
      "raw HTML checkboxes",
      lines("## AC", '<ul><li><input type="checkbox" checked> a</li><li><input type="checkbox"> b</li></ul>'),
      ["x a", "  b"],
    ],
    [
      "an HTML checkbox starting a paragraph line",
      lines("## AC", "- [x] a", '<input type="checkbox" disabled> b'),
      ["x a", "  b"],
    ],
    [
      "a Linear collapsible section, inside and as the title",
      lines(
        "## AC",
        "- [x] a",
        "+++ Edge cases",
        "- [ ] b",
        "+++",
        "## Notes",
        "+++ Acceptance criteria",
        "Given x:",
        "- [ ] c",
        "+++",
        "- [ ] after",
      ),
      ["x a", "  b", "  c"],
    ],
    [
      "a footnote definition inside the section",
      lines("## AC", "- [x] a[^1]", "", "[^1]: - [ ] b", "", "## Notes"),
      ["x a", "  b"],
    ],
    [
      "a footnote referenced from a criterion, defined under another heading",
      lines("## AC", "- [x] a[^more]", "", "## Notes", "", "[^more]: - [ ] b"),
      ["x a", "  b"],
    ],
    [
      "not an Out of scope subsection under the criteria",
      lines("## AC", "- [x] a", "### Out of scope", "- [ ] later", "### Edge cases", "- [x] b"),
      ["x a", "x b"],
    ],
    [
      "not a Non-goals subsection written in bold",
      lines("## AC", "- [x] a", "", "**Non-goals**", "", "- [ ] later"),
      ["x a"],
    ],
  ])("%s", (_what, markdown, criteria) => {
    expect(criteriaOf(markdown)).toEqual(criteria);
  });

  it("marks a section found only through a look-alike or an invisible character as suspicious", () => {
    expect(findSections(lines("## \u0410cceptance criteria", "- [ ] a"), aliases)[0]?.suspicious).toBe(true);
    expect(findSections(lines("## Accep\u200Dtance criteria", "- [ ] a"), aliases)[0]?.suspicious).toBe(true);
    expect(findSections(lines("## Acceptance criteria", "- [ ] a"), aliases)[0]?.suspicious).toBeUndefined();
  });

  it("finds a look-alike heading in a long document", () => {
    const filler = "Prose with **bold** and [a link](https://example.com).\n\n".repeat(3000);
    const long = lines(filler, "## \u0410dditional \u0430cceptance criteria", "- [ ] a", "", filler);
    expect(long.length).toBeGreaterThan(100_000);
    expect(criteriaOf(long)).toEqual(["  a"]);
  });

  it("reads HTML as the Markdown it shows, without HTML left to read again", () => {
    expect(htmlAsMarkdown('<!-- c --><p>a<br>b</p><input type="text">')).not.toMatch(/[<>]/);
  });
});
