import type { Heading, List, ListItem, Paragraph, Root, RootContent, Table } from "mdast";
import { toString } from "mdast-util-to-string";
import { chunkMarkdown, chunkNodes, type MarkdownChunk } from "./chunks.js";
import { markdownLimitProblem } from "./limits.js";
import { parseTree } from "./parse.js";
import { isPlaceholderText } from "./placeholder.js";
import { asciiIdentifiers } from "../text/normalize.js";

/** A heading-delimited part of a Markdown document: the nodes after the heading, up to the next heading of the same or higher level. */
export interface MarkdownSection {
  heading: string;
  /** 1–6 for Markdown headings, 7 for a bold-text paragraph, 8 for a plain "Title:" line; a section ends at the next title of the same or lower number. */
  depth: number;
  nodes: RootContent[];
}

/** One list item of a section, flattened: its text, and `checked` (true/false for task items, null for plain items). */
export interface SectionItem {
  text: string;
  checked: boolean | null;
  /** The item's first paragraph is entirely ~~struck through~~. */
  struck: boolean;
}

/** One criterion of a section: a list item (task or plain, nested ones too) or a table body row. */
export interface Criterion {
  kind: "task" | "item" | "row";
  /** Empty, TBD, `…`, template help text: holds the place of a criterion, is none. */
  placeholder: boolean;
  text: string;
  /** true/false for task items; null for plain items and table rows, which cannot be ticked. */
  checked: boolean | null;
  /** A list item whose first paragraph is entirely ~~struck through~~. */
  struck: boolean;
}

interface MarkdownDocument {
  text: string;
  chunks: MarkdownChunk[];
}

const documents = new Map<string, MarkdownDocument | null>();
const DOCUMENT_CACHE_SIZE = 256;

/**
 * The document cut into chunks (see chunks.ts), or null when it is past bfd's limits (limits.ts): every reader
 * below then finds nothing, and the checks, which test the limits first, report `error` instead. Several rules
 * read the same description (and an audit reads one project's content for every issue), so documents are
 * cached by text; callers treat nodes as read-only.
 */
function documentOf(markdown: string): MarkdownDocument | null {
  if (documents.has(markdown)) return documents.get(markdown)!;
  const document =
    markdownLimitProblem(markdown, "the text") === null ? { text: markdown, chunks: chunkMarkdown(markdown) } : null;
  if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
  documents.set(markdown, document);
  return document;
}

/**
 * The chunks a reader needs, parsed; `wanted` decides from the chunk's source whether it can matter. Top-level code
 * blocks of a long document are left out unless `withCode` asks for them.
 */
function* nodesOf(
  document: MarkdownDocument,
  wanted: (source: string) => boolean,
  withCode = false,
): Generator<RootContent> {
  for (const chunk of document.chunks) {
    if ((chunk.kind === "code" && !withCode) || !wanted(document.text.slice(chunk.start, chunk.end))) continue;
    yield* chunkNodes(document.text, chunk);
  }
}

/** Parses a whole document with GFM (no chunking, no limits): for callers that need the exact tree of short text. */
export function parseMarkdown(markdown: string): Root {
  return parseTree(markdown);
}

/** Heading text normalised for comparison: case-insensitive, trailing colon and surrounding spaces ignored. */
export function normaliseHeading(text: string): string {
  return text
    .replace(/[:\uFF1A]\s*$/, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/**
 * Every section whose heading matches one of `aliases` (case-insensitive), in document order. Also accepts a
 * paragraph that is only bold text (`**Acceptance criteria**`), which is how many Linear descriptions are written,
 * and a short plain line ending in a colon. Sections do not overlap: a matching title inside an open section (a
 * deeper heading) belongs to it; one at the same or a higher level ends it and starts the next.
 */
export function findSections(markdown: string, aliases: readonly string[]): MarkdownSection[] {
  const document = documentOf(markdown);
  if (document === null) return [];
  const wanted = new Set(aliases.map(normaliseHeading));
  const skeletons = [...wanted].map(skeleton);
  const sections: MarkdownSection[] = [];
  let open: MarkdownSection | null = null;
  for (const chunk of document.chunks) {
    if (
      open === null &&
      (chunk.kind === "code" || !mayHoldTitle(document.text.slice(chunk.start, chunk.end), skeletons))
    )
      continue;
    for (const node of chunkNodes(document.text, chunk)) {
      const title = sectionTitle(node);
      if (open !== null && title !== null && title.depth <= open.depth) open = null;
      if (open === null && title !== null && wanted.has(normaliseHeading(title.text))) {
        open = { heading: title.text.trim(), depth: title.depth, nodes: [] };
        sections.push(open);
      } else if (open !== null) {
        open.nodes.push(node);
      }
    }
  }
  return sections;
}

/** The first section whose heading matches one of `aliases` (see findSections). */
export function findSection(markdown: string, aliases: readonly string[]): MarkdownSection | null {
  return findSections(markdown, aliases)[0] ?? null;
}

function sectionTitle(node: RootContent): { text: string; depth: number } | null {
  if (node.type === "heading") return { text: toString(node as Heading), depth: node.depth };
  if (node.type === "paragraph" && node.children.length >= 1) {
    const [first, ...rest] = node.children;
    const restIsBlank = rest.every(
      (child) => child.type === "text" && child.value.trim().replace(/^[:\uFF1A]$/, "") === "",
    );
    if (first?.type === "strong" && restIsBlank) return { text: toString(first), depth: 7 };
    // "Open questions:" on its own line, as plain-text descriptions write headings.
    if (node.children.length === 1 && first?.type === "text" && /^[^\n]{1,60}[:\uFF1A]\s*$/.test(first.value))
      return { text: first.value, depth: 8 };
  }
  return null;
}

/** Lines that can start a title: an ATX heading, bold text first, or a short line ending in a colon (or `;` of a reference). */
const TITLE_LINE = /^[ \t]*(?:#{1,6}(?:[ \t]|$)|\*\*|__)|[:;\uFF1A][ \t]*$/;
/** A setext underline: its heading is the paragraph above it. */
const SETEXT_UNDERLINE = /^[ \t]*(?:=+|-+)[ \t]*$/;
const NAMED_REFERENCE = /&[A-Za-z][A-Za-z0-9]*;/;

/** Lower-case letters of a heading without white space, the form `mayHoldTitle` compares. */
function skeleton(text: string): string {
  return text
    .toLowerCase()
    .replace(/\u03C2/g, "\u03C3")
    .replace(/\s+/g, "");
}

/**
 * Whether a chunk's source may hold a title matching one of the aliases, decided without parsing it. It must never
 * say no to a chunk that has one (that would hide a section), so it over-approximates: a title's text is in the
 * source of its title line (an ATX heading or a "Title:" line is one line; bold text may run on to the end of its
 * block; a setext heading is the block above its underline), and that text, lower-cased, is a subsequence of the
 * source with numeric character references decoded (markup only adds characters). A named reference could stand
 * for anything, so a title with one always may.
 */
function mayHoldTitle(source: string, skeletons: readonly string[]): boolean {
  for (const block of source.split(/(?:\r\n|\r|\n)[ \t]*(?:\r\n|\r|\n)/)) {
    const lines = block.split(/\r\n|\r|\n/);
    for (let i = 0; i < lines.length; i += 1) {
      const line = lines[i]!;
      let title: string | null = null;
      if (SETEXT_UNDERLINE.test(line) && i > 0) title = lines.slice(0, i).join("\n");
      else if (TITLE_LINE.test(line) && !tooLongForColonTitle(line))
        title = /^[ \t]*(?:\*\*|__)/.test(line) ? lines.slice(i).join("\n") : line;
      if (title === null) continue;
      if (NAMED_REFERENCE.test(title)) return true;
      const letters = skeleton(decodeNumericReferences(title));
      if (skeletons.some((wanted) => isSubsequence(wanted, letters))) return true;
    }
  }
  return false;
}

/**
 * A line that can be a title only as a "Title:" line, and is too long to be one. Such a title is a paragraph that
 * is one text node of at most 60 characters and a colon (sectionTitle): its source line is that text itself, unless
 * an escape or a character reference shortens it (any other markup would make a node of its own). A long line of
 * prose that happens to end in a colon ("…, then a list:") is the commonest line of a long description that looks
 * like a title; telling it apart keeps such descriptions from being parsed whole.
 */
function tooLongForColonTitle(line: string): boolean {
  if (/^[ \t]*(?:#{1,6}(?:[ \t]|$)|\*\*|__)/.test(line) || /[\\&]/.test(line)) return false;
  return line.trim().replace(/[:;\uFF1A]$/, "").length > 60;
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const c of needle) {
    at = haystack.indexOf(c, at);
    if (at < 0) return false;
    at += c.length;
  }
  return true;
}

/** `&#65;` and `&#x41;` as the characters they stand for (an invalid one as U+FFFD, as micromark does). */
function decodeNumericReferences(text: string): string {
  return text.replace(/&#(?:[xX]([0-9A-Fa-f]{1,6})|([0-9]{1,7}));/g, (_all, hex?: string, decimal?: string) => {
    const code = hex === undefined ? Number(decimal) : Number.parseInt(hex, 16);
    const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
    return valid ? String.fromCodePoint(code) : "\uFFFD";
  });
}

/** Top-level list items of a section (nested lists count as part of their parent item). */
export function sectionItems(section: MarkdownSection): SectionItem[] {
  const items: SectionItem[] = [];
  for (const node of section.nodes) {
    if (node.type !== "list") continue;
    for (const item of (node as List).children) items.push(toItem(item));
  }
  return items;
}

/** Top-level list items that say something (not placeholders or template help text; see isPlaceholderItem). */
export function filledItems(section: MarkdownSection): SectionItem[] {
  const items: SectionItem[] = [];
  for (const node of section.nodes) {
    if (node.type !== "list") continue;
    for (const item of node.children) if (!isPlaceholderItem(item)) items.push(toItem(item));
  }
  return items;
}

/** Every task-list item in a section, nested ones included. */
export function sectionTaskItems(section: MarkdownSection): SectionItem[] {
  return sectionCriteria(section)
    .filter((c) => c.kind === "task")
    .map((c) => ({ text: c.text, checked: c.checked, struck: c.struck }));
}

/**
 * Every criterion in a section, in order: each list item (task or plain, nested ones and those in block quotes
 * included) and each table body row (cells joined with " | "; the header row names columns, it is no criterion).
 */
export function sectionCriteria(section: MarkdownSection): Criterion[] {
  const criteria: Criterion[] = [];
  const visit = (nodes: readonly RootContent[]): void => {
    for (const node of nodes) {
      if (node.type === "list") {
        for (const item of node.children) {
          const { text, checked, struck } = toItem(item);
          const placeholder = isPlaceholderItem(item);
          criteria.push({ kind: checked === null ? "item" : "task", placeholder, text, checked, struck });
          visit(item.children);
        }
      } else if (node.type === "blockquote") {
        visit(node.children);
      } else if (node.type === "table") {
        for (const row of (node as Table).children.slice(1)) {
          const text = row.children.map((cell) => toString(cell).trim()).join(" | ");
          const placeholder = row.children.every((cell) => isPlaceholderText(toString(cell)));
          criteria.push({ kind: "row", placeholder, text, checked: null, struck: false });
        }
      }
    }
  };
  visit(section.nodes);
  return criteria;
}

function toItem(item: ListItem): SectionItem {
  const first = item.children[0];
  const text = first === undefined ? "" : toString(first);
  const struck = first?.type === "paragraph" && first.children.length === 1 && first.children[0]?.type === "delete";
  return { text: text.trim(), checked: item.checked ?? null, struck };
}

/**
 * A paragraph of only emphasis (`_Describe how you tested._`) is a template's help text, as is text that only holds
 * a place (TBD, `…`, "not tested": see placeholder.ts).
 */
function isPlaceholderParagraph(node: Paragraph): boolean {
  const visible = node.children.filter((child) => child.type !== "html");
  const onlyEmphasis =
    visible.some((child) => child.type === "emphasis") &&
    visible.every((child) => child.type === "emphasis" || (child.type === "text" && child.value.trim() === ""));
  return onlyEmphasis || isPlaceholderText(toString(node));
}

/** A list item that says nothing: empty, a placeholder, or template help text, and only such items under it. */
export function isPlaceholderItem(item: ListItem): boolean {
  return item.children.every((child) => {
    if (child.type === "paragraph") return isPlaceholderParagraph(child);
    if (child.type === "list") return child.children.every(isPlaceholderItem);
    return child.type === "html";
  });
}

/**
 * The section's text less everything that only holds a place: HTML comments, headings (a template's structure),
 * template help text in emphasis, placeholder paragraphs and list items (see placeholder.ts) and, with
 * `templateChecklist`, a list of only unticked task items (a "How tested" template's checklist left as it was).
 */
export function filledText(section: MarkdownSection, options: { templateChecklist?: boolean } = {}): string {
  const parts: string[] = [];
  const visit = (nodes: readonly RootContent[]): void => {
    for (const node of nodes) {
      switch (node.type) {
        case "html":
        case "heading":
        case "thematicBreak":
        case "definition":
          break;
        case "paragraph":
          if (!isPlaceholderParagraph(node)) parts.push(toString(node));
          break;
        case "blockquote":
          visit(node.children);
          break;
        case "list":
          if (options.templateChecklist === true && node.children.every((item) => item.checked === false)) break;
          for (const item of node.children) if (!isPlaceholderItem(item)) parts.push(toString(item));
          break;
        default: {
          const text = toString(node);
          if (!isPlaceholderText(text)) parts.push(text);
        }
      }
    }
  };
  visit(section.nodes);
  return parts.join("\n").trim();
}

/**
 * How much a whole document says beyond placeholders (as filledText), counted up to `enough` characters: it stops
 * parsing once there is enough. 0 for a document past bfd's limits.
 */
export function filledLength(markdown: string, enough: number): number {
  const document = documentOf(markdown);
  if (document === null) return 0;
  let length = 0;
  for (const chunk of document.chunks) {
    const text = filledText({ heading: "", depth: 0, nodes: chunkNodes(document.text, chunk) });
    length += text.length;
    if (length >= enough) return enough;
  }
  return length;
}

/** The section's text without markup, for "is it empty?" checks. HTML comments (templates' placeholders) do not count. */
export function sectionText(section: MarkdownSection): string {
  return section.nodes
    .filter((node) => node.type !== "html")
    .map((node) => toString(node))
    .join("\n")
    .trim();
}

/** A chunk may hold a link: bracketed text, an autolink, or a bare URL GFM links. */
const MAY_HOLD_LINK = /[[<]|:\/\/|www\./i;

/**
 * Every link (URL and text) in a Markdown document, autolinked bare URLs and reference-style links
 * (`[challenge][1]` with `[1]: https://…`) included. Links nobody could click are not read: a document past bfd's
 * limits has none (the checks report the limit), and a definition no reference uses is no link.
 */
export function markdownLinks(markdown: string): { url: string; text: string }[] {
  const document = documentOf(markdown);
  if (document === null) return [];
  const links: { url: string; text: string }[] = [];
  const definitions = new Map<string, string>();
  const references: { identifier: string; text: string; at: number }[] = [];
  const visit = (node: RootContent): void => {
    if (node.type === "link") links.push({ url: node.url, text: toString(node) });
    if (node.type === "definition" && !definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
    if (node.type === "linkReference") {
      references.push({ identifier: node.identifier, text: toString(node), at: links.length });
      links.push({ url: "", text: "" });
    }
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  for (const node of nodesOf(document, (source) => MAY_HOLD_LINK.test(source))) visit(node);
  // A reference is resolved once every definition is known (a definition may come after its reference).
  const unresolved = new Set<number>();
  for (const ref of references) {
    const url = definitions.get(ref.identifier);
    if (url === undefined) unresolved.add(ref.at);
    else links[ref.at] = { url, text: ref.text };
  }
  return unresolved.size === 0 ? links : links.filter((_, i) => !unresolved.has(i));
}

/** The section as plain lines: one per paragraph, one per list item ("- text"); HTML comments dropped. */
export function sectionLines(section: MarkdownSection): string[] {
  const lines: string[] = [];
  for (const node of section.nodes) {
    if (node.type === "html") continue;
    if (node.type === "list") {
      for (const item of node.children) {
        const first = item.children[0];
        const mark = item.checked === true ? "[x] " : item.checked === false ? "[ ] " : "";
        lines.push(`- ${mark}${first === undefined ? "" : toString(first).trim()}`);
      }
      continue;
    }
    const text = toString(node).trim();
    if (text !== "") lines.push(...text.split("\n"));
  }
  return lines;
}

/**
 * Named character references that stand for ASCII letters, digits, `-` or `:` (from the HTML list micromark uses,
 * `character-entities`; a test checks there are no others). Numeric references are decoded separately.
 */
const ASCII_NAMED_REFERENCES: Record<string, string> = { colon: ":", fjlig: "fj", Idot: "\u0130" };

/**
 * The source with the character references and backslash escapes that could spell an issue key resolved, so a
 * key in the rendered text is also a key in this. Over-approximates (code is not removed): for deciding which
 * chunks to parse, never for reading keys.
 */
function keyVisibleSource(source: string): string {
  return decodeNumericReferences(source)
    .replace(/&([A-Za-z][A-Za-z0-9]*);/g, (all, name: string) => ASCII_NAMED_REFERENCES[name] ?? all)
    .replace(/\\([!-/:-@[-`{-~])/g, "$1");
}

/** A chunk may mention an issue: a key-like word (ENG-12) or a Linear URL. */
const MAY_NAME_ISSUE = /[A-Za-z][A-Za-z0-9]{0,9}-\d|linear\.app/i;

/**
 * Where a document may name issues: the text of every node (code spans and code blocks included), every link target
 * and every link reference definition's target (`[1]: https://linear.app/acme/issue/ENG-7`), so a key written
 * anywhere a reader can see it is found. HTML (comments, a template's guidance) is left out. A document past bfd's
 * limits has none.
 */
export function mentionTextOf(markdown: string): { text: string; urls: string[] } {
  const document = documentOf(markdown);
  if (document === null) return { text: "", urls: [] };
  const texts: string[] = [];
  const urls: string[] = [];
  const visit = (node: RootContent): void => {
    if (node.type === "html") return;
    if (node.type === "text" || node.type === "inlineCode" || node.type === "code") texts.push(node.value);
    if (node.type === "link" || node.type === "definition") urls.push(node.url);
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  // The prefilter reads keys as the finders do (look-alike letters, fullwidth digits), so no such chunk is skipped.
  const mayName = (source: string): boolean => MAY_NAME_ISSUE.test(asciiIdentifiers(keyVisibleSource(source)).text);
  for (const node of nodesOf(document, mayName, true)) visit(node);
  return { text: texts.join(" "), urls };
}

/** `<input type="checkbox">` without `checked`; three linear tests, so a long tag costs its length once each. */
function isUntickedCheckbox(html: string): boolean {
  return /^<input\b[^>]*>$/i.test(html) && /\btype\s*=\s*["']?checkbox\b/i.test(html) && !/\bchecked\b/i.test(html);
}

/**
 * The lines of text a reader sees, from chunks whose source contains `needle` (case-insensitive): paragraphs,
 * headings, list items and table cells, without HTML (comments included), code, block quotes, images or struck
 * text. For `bfd-waive:` lines, which count only where a person reading the rendered description sees them.
 */
export function visibleLines(markdown: string, needle: string): string[] {
  const document = documentOf(markdown);
  if (document === null) return [];
  const lower = needle.toLowerCase();
  const lines: string[] = [];
  const inline = (node: RootContent): string => {
    switch (node.type) {
      case "text":
        return node.value;
      case "break":
        return "\n";
      case "html":
        // A raw-HTML checkbox left unticked starts what follows it as an unchosen option, never as a line of its own.
        return isUntickedCheckbox(node.value) ? "[ ] " : "";
      case "inlineCode":
      case "image":
      case "imageReference":
      case "delete":
      case "footnoteReference":
        return "";
      default:
        return "children" in node ? node.children.map((child) => inline(child as RootContent)).join("") : "";
    }
  };
  const block = (node: RootContent): void => {
    switch (node.type) {
      case "paragraph":
      case "heading":
      case "tableCell":
        lines.push(...inline(node).split("\n"));
        return;
      case "html":
      case "code":
      case "blockquote":
        return;
      case "listItem":
        // An unticked task item asserts nothing (#22): an MR template's `- [ ] bfd-waive: …` option nobody chose.
        if (node.checked === false) return;
        for (const child of node.children) block(child as RootContent);
        return;
      default:
        if ("children" in node) for (const child of node.children) block(child as RootContent);
    }
  };
  for (const node of nodesOf(document, (source) => source.toLowerCase().includes(lower))) block(node);
  return lines;
}
