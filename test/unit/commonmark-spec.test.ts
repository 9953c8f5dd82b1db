import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import MarkdownIt from "markdown-it";
import type { Nodes } from "mdast";
import { toString } from "mdast-util-to-string";
import { parseTree } from "../../src/markdown/parse.js";
import { plainText } from "../../src/markdown/sections.js";

interface SpecExample {
  markdown: string;
  html: string;
  section: string;
  number: number;
}
/** The npm package of the spec (CommonJS, no types): its examples as the spec's own test runner reads them. */
const spec = createRequire(import.meta.url)("commonmark-spec") as { tests: SpecExample[] };

/**
 * bfd's reading of every CommonMark 0.31.2 example that holds a construct bfd reads, against the structure of the
 * spec's reference rendering (#26). bfd never renders: its tree (the mdast nodes sections.ts reads) is written out as
 * the HTML those nodes stand for (raw HTML as written), and both sides are reduced to the same structure by one
 * tolerant tag scanner (there is no DOM here): headings with their depth and text, lists (ordered, start) and their
 * items with nesting, block quotes, code blocks with their text, links with their URL and text.
 */

/** Examples where bfd reads differently on purpose, each with why. The test fails if one of them starts to agree. */
const DELIBERATE: Record<number, string> = {
  602: "GFM autolink literal: the URL inside `<https://foo.bar/baz bim>` is a link to bfd, as GitLab and Linear show it",
  608: "GFM autolink literal: the URL inside `< https://foo.bar >` is a link to bfd, as GitLab and Linear show it",
  611: "GFM autolink literal: a bare `https://example.com` is a link to bfd, as GitLab and Linear show it",
  612: "GFM autolink literal: a bare e-mail address is a `mailto:` link to bfd, as GitLab and Linear show it",
};

/** Sections whose examples are about a construct bfd reads, whatever their rendering holds. */
const READ_SECTIONS = new Set([
  "ATX headings",
  "Setext headings",
  "Indented code blocks",
  "Fenced code blocks",
  "HTML blocks",
  "Link reference definitions",
  "Block quotes",
  "List items",
  "Lists",
  "Links",
  "Autolinks",
]);

const utils = new MarkdownIt().utils;
/** The spec writes URLs percent-encoded, as a renderer does; bfd keeps them as written. */
const encodeUrl = (url: string): string => new MarkdownIt().normalizeLink(url);

/** The node as the HTML it stands for: only what the structure reads, raw HTML as written. */
function htmlOf(node: Nodes): string {
  const isBlock = node.type === "root" || node.type === "blockquote" || node.type === "listItem";
  const inner = (): string =>
    "children" in node
      ? (node.children as Nodes[])
          // A raw HTML block ends with its line: the next block starts on a line of its own.
          .map((child) => `${htmlOf(child)}${isBlock && child.type === "html" ? "\n" : ""}`)
          .join("")
      : "";
  switch (node.type) {
    case "paragraph":
      return `<p>${inner()}</p>\n`;
    case "tableCell":
      return `${inner()} `;
    case "heading":
      return `<h${node.depth}>${inner()}</h${node.depth}>`;
    case "list":
      return node.ordered === true
        ? `<ol${node.start === 1 || node.start === null || node.start === undefined ? "" : ` start="${node.start}"`}>${inner()}</ol>`
        : `<ul>${inner()}</ul>`;
    case "listItem":
      return `<li>${inner()}</li>`;
    case "blockquote":
      return `<blockquote>${inner()}</blockquote>`;
    case "code":
      return `<pre><code>${utils.escapeHtml(node.value)}\n</code></pre>`;
    case "inlineCode":
      return `<code>${utils.escapeHtml(node.value)}</code>`;
    case "text":
      return utils.escapeHtml(node.value);
    case "html":
      return node.value;
    case "link":
      return `<a href="${utils.escapeHtml(encodeUrl(node.url))}">${inner()}</a>`;
    case "break":
      return "<br />";
    default:
      return inner();
  }
}

interface Capture {
  kind: "heading" | "code" | "link";
  label: string;
  text: string;
}

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<!--[\s\S]*?-->|<[?!][^>]*>/g;

/**
 * The structure of HTML: one line per heading (`h2 text`), list (`ol 3 [`, `ul [` … `]`), item (`li [` … `]`), block
 * quote (`> [` … `]`), code block (`code text`) and link (`a url text`). Tags it does not know, comments and
 * unbalanced closing tags are skipped; text is entity-decoded and its white space collapsed.
 */
function structure(html: string): string[] {
  const out: string[] = [];
  const captures: Capture[] = [];
  const open: string[] = [];
  const text = (raw: string): void => {
    const decoded = utils.unescapeAll(raw);
    for (const capture of captures) capture.text += decoded;
  };
  const finish = (kind: Capture["kind"]): void => {
    const at = captures.map((c) => c.kind).lastIndexOf(kind);
    if (at < 0) return;
    const [capture] = captures.splice(at, 1);
    const body = kind === "code" ? capture!.text.replace(/\n$/, "") : capture!.text.replace(/\s+/g, " ").trim();
    out.push(`${capture!.label} ${JSON.stringify(body)}`);
  };
  let at = 0;
  for (const match of html.matchAll(TAG)) {
    text(html.slice(at, match.index));
    at = match.index + match[0].length;
    const [, closing, rawName, attributes] = match;
    if (rawName === undefined) continue;
    const name = rawName.toLowerCase();
    const attribute = (key: string): string | null => {
      const found = new RegExp(`\\s${key}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, "i").exec(attributes ?? "");
      return found === null ? null : utils.unescapeAll(found[1] ?? found[2] ?? found[3] ?? "");
    };
    if (closing === "") {
      if (/^h[1-6]$/.test(name)) captures.push({ kind: "heading", label: name, text: "" });
      else if (name === "pre") captures.push({ kind: "code", label: "code", text: "" });
      else if (name === "a" && attribute("href") !== null)
        captures.push({ kind: "link", label: `a ${attribute("href")}`, text: "" });
      else if (name === "ul" || name === "ol" || name === "li" || name === "blockquote") {
        const start = name === "ol" ? (attribute("start") ?? "1") : "";
        out.push(`${name === "blockquote" ? ">" : name}${start === "" ? "" : ` ${start}`} [`);
        open.push(name);
      }
      continue;
    }
    if (/^h[1-6]$/.test(name)) finish("heading");
    else if (name === "pre") finish("code");
    else if (name === "a") finish("link");
    else if (open.includes(name)) {
      // A closing tag closes what was opened inside it and not closed (raw HTML need not be balanced).
      while (open.length > 0) {
        const last = open.pop()!;
        out.push("]");
        if (last === name) break;
      }
    }
  }
  text(html.slice(at));
  for (const capture of captures.splice(0)) out.push(`${capture.label} ${JSON.stringify(capture.text.trim())}`);
  for (let i = 0; i < open.length; i += 1) out.push("]");
  return out;
}

const tabs = (text: string): string => text.replace(/→/g, "\t");

const examples = spec.tests
  .map((example) => ({ ...example, markdown: tabs(example.markdown), html: tabs(example.html) }))
  .filter((example) => READ_SECTIONS.has(example.section) || structure(example.html).length > 0);

describe("CommonMark 0.31.2 examples, as bfd reads them (#26)", () => {
  it("covers the examples of every construct bfd reads", () => {
    expect(examples.length).toBeGreaterThan(350);
  });

  it.each(examples.filter((example) => DELIBERATE[example.number] === undefined))(
    "example $number ($section)",
    ({ markdown, html }) => {
      expect(structure(htmlOf(parseTree(markdown)))).toEqual(structure(html));
    },
  );

  it.each(examples.filter((example) => DELIBERATE[example.number] !== undefined))(
    "example $number ($section) is read differently on purpose",
    ({ markdown, html }) => {
      expect(structure(htmlOf(parseTree(markdown)))).not.toEqual(structure(html));
    },
  );
});

describe("GFM task list items, as bfd reads them", () => {
  // GFM 0.29 spec, "Task list items (extension)": `[ ]` or `[x]`/`[X]` then white space, first in the item's paragraph.
  it.each<[string, string, (boolean | null)[]]>([
    ["GFM example 279", "- [ ] foo\n- [x] bar", [false, true]],
    ["GFM example 280 (nested)", "- [x] foo\n  - [ ] bar\n  - [x] baz\n- [ ] bim", [true, false, true, false]],
    ["an upper-case X", "- [X] done", [true]],
    ["a tab after the marker", "- [ ]\tfoo", [false]],
    ["text on the next line", "- [ ]\n  foo", [false]],
    ["an ordered item", "1. [x] foo", [true]],
    ["no white space after the marker: plain", "- [x]foo", [null]],
    ["nothing after the marker: plain", "- [ ]", [null]],
    ["another character in the brackets: plain", "- [-] foo", [null]],
    ["a marker after text: plain", "- foo [x] bar", [null]],
    ["a marker in a second paragraph: plain", "- foo\n\n  [x] bar", [null]],
    ["a marker that is also a reference label: a task", "- [x] foo\n\n[x]: https://x.example", [true]],
  ])("%s", (_what, markdown, checked) => {
    const found: (boolean | null)[] = [];
    const visit = (node: Nodes): void => {
      if (node.type === "listItem") found.push(node.checked ?? null);
      if ("children" in node) for (const child of node.children as Nodes[]) visit(child);
    };
    visit(parseTree(markdown));
    expect(found).toEqual(checked);
  });

  it("takes the marker out of the item's text", () => {
    const tree = parseTree("- [x] ship it\n");
    expect(JSON.stringify(tree)).toContain('"value":"ship it"');
  });
});

describe("the plain text of a node (sections.ts reads items and paragraphs by it)", () => {
  it("is what mdast-util-to-string makes of it, for every node of every spec example", () => {
    const differing: string[] = [];
    const visit = (node: Nodes, example: number): void => {
      if (node.type !== "root" && plainText(node) !== toString(node))
        differing.push(`example ${example}: ${node.type}`);
      if ("children" in node) for (const child of node.children as Nodes[]) visit(child, example);
    };
    for (const example of spec.tests) visit(parseTree(example.markdown), example.number);
    expect(differing).toEqual([]);
  });
});
