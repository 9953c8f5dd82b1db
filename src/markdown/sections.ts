import type { Heading, List, ListItem, Paragraph, Root, RootContent, Table } from "mdast";
import { markdownLimitProblem } from "./limits.js";
import { parseFragment, parseTree } from "./parse.js";
import { isPlaceholderText, type Placeholders } from "./placeholder.js";
import { foldText, isSuspiciousText, skeleton as confusableSkeleton } from "../text/normalize.js";

/** A heading-delimited part of a Markdown document: the nodes after the heading, up to the next heading of the same or higher level. */
export interface MarkdownSection {
  heading: string;
  /** 1–6 for Markdown headings, 7 for a bold-text paragraph, 8 for a plain "Title:" line; a section ends at the next title of the same or lower number. */
  depth: number;
  nodes: RootContent[];
  /**
   * The heading matched only through a look-alike letter (a Cyrillic "а" for "a"), or holds characters a reader
   * does not see (a zero-width joiner, a bidi override): bfd reads it as the section, and shows it.
   */
  suspicious?: boolean;
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
  /** The document's top-level nodes, parsed whole. */
  nodes: RootContent[];
}

const documents = new Map<string, MarkdownDocument | null>();
const DOCUMENT_CACHE_SIZE = 256;

/**
 * The document parsed (see parse.ts), or null when it is past bfd's limits (limits.ts): every reader
 * below then finds nothing, and the checks, which test the limits first, report `error` instead. Several rules
 * read the same description (and an audit reads one project's content for every issue), so documents are
 * cached by text; callers treat nodes as read-only.
 */
function documentOf(markdown: string): MarkdownDocument | null {
  if (documents.has(markdown)) return documents.get(markdown)!;
  const document =
    markdownLimitProblem(markdown, "the text") === null
      ? { nodes: parseFragment(collapsiblesAsBlocks(markdown)) }
      : null;
  if (documents.size >= DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
  documents.set(markdown, document);
  return document;
}

/**
 * Linear's collapsible sections (`+++ Title`, content, `+++`) as blocks of their own: the title line and the closing
 * line each become a paragraph (a blank line around them), which findSections reads as a collapsible's title and end.
 * Without this Markdown folds them into the paragraph or list item around them. One pass over the lines.
 */
function collapsiblesAsBlocks(markdown: string): string {
  if (!markdown.includes("+++")) return markdown;
  return markdown.replace(COLLAPSIBLE_LINE, (_line, rest?: string) => {
    const title = (rest ?? "").trim();
    return title === "" ? `\n${COLLAPSIBLE_END}\n` : `\n${COLLAPSIBLE_MARK} ${title}\n`;
  });
}

const COLLAPSIBLE_MARK = "+++";
const COLLAPSIBLE_END = "+++";
const COLLAPSIBLE_LINE = /^[ \t]{0,3}\+\+\+(?:[ \t]+(.*))?$/gm;
/** A collapsible's title, as Linear writes it and as `<summary>` becomes (see htmlAsMarkdown). */
const COLLAPSIBLE_TITLE = /^\+\+\+ (\S.*)$/;
/** Sections opened by a collapsible's title end at its closing line, whatever titles they hold. */
const COLLAPSIBLE_DEPTH = 9;

/** Parses a whole document with GFM (no chunking, no limits): for callers that need the exact tree of short text. */
export function parseMarkdown(markdown: string): Root {
  return parseTree(markdown);
}

/** Heading text normalised for display-independent comparison: folded (normalize.ts), trailing colon dropped. */
export function normaliseHeading(text: string): string {
  return foldText(readingOrder(text)).replace(/\s*:\s*$/, "");
}

/**
 * The text in the order a reader sees it: a run after a right-to-left override (U+202E, up to U+202C or the end)
 * is shown reversed, so `\u202Eairetirc ecnatpeccA` reads "Acceptance criteria". Other invisible characters are
 * stripped later by foldText.
 */
function readingOrder(text: string): string {
  if (!text.includes("\u202E")) return text;
  return text.replace(/\u202E([^\u202C]*)\u202C?/g, (_all, run: string) => [...run].reverse().join(""));
}

/** The words of a title as a reader sees them: folded, split at anything that is not a letter, mark or digit (emoji, punctuation). */
export function headingWords(text: string): string[] {
  return normaliseHeading(text)
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== "");
}

/** A word's singular, as headings vary it ("ACs", "Acceptance criterias", "How we test"): a trailing "s" dropped. */
function stem(word: string): string {
  return word.length > 2 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word;
}

/** "Out of scope" and "Non-goals" say what a section is not: such a subsection of criteria holds no criteria. */
const EXCLUDING_TITLES: readonly (readonly string[])[] = [
  ["out", "of", "scope"],
  ["not", "in", "scope"],
  ["non", "goal"],
  ["nongoal"],
  ["not", "goal"],
];

export type HeadingMatch = "same" | "confusable" | null;

/**
 * How a title matches one of the aliases: "same" when its words (normalize.ts foldText, singular) contain every
 * word of an alias ("Additional acceptance criteria", "Acceptance criteria (added 3 Dec)", "✅ Acceptance
 * criteria"), "confusable" when only the TR39 skeleton of a word agrees (a Cyrillic letter: the section counts,
 * and is shown as suspicious), null otherwise. A title that says what is out of scope matches no alias.
 */
export function matchHeading(title: string, aliases: readonly string[]): HeadingMatch {
  const words = headingWords(title).map(stem);
  if (isExcludingTitle(words)) return null;
  let best: HeadingMatch = null;
  for (const alias of aliases) {
    const wanted = headingWords(alias).map(stem);
    if (wanted.length === 0) continue;
    if (wanted.every((w) => words.includes(w))) return "same";
    const skeletons = words.map((w) => confusableSkeleton(w));
    if (wanted.every((w) => skeletons.includes(confusableSkeleton(w)))) best = "confusable";
  }
  return best;
}

function isExcludingTitle(stemmedWords: readonly string[]): boolean {
  return EXCLUDING_TITLES.some((phrase) =>
    stemmedWords.some((_, at) => phrase.every((word, i) => stemmedWords[at + i] === word)),
  );
}

/**
 * Every section whose title matches one of `aliases` (matchHeading), in document order. A title is a Markdown
 * heading, a paragraph that is only bold text (`**Acceptance criteria**`, as many Linear descriptions are written),
 * a short plain line ending in a colon, or a collapsible's title (Linear's `+++ Title`, HTML's `<summary>`). Sections
 * do not overlap: a matching title inside an open section (a deeper heading) belongs to it; one at the same or a
 * higher level ends it and starts the next; a collapsible's section ends where the collapsible does. HTML blocks are
 * read as the Markdown they show (`<details>`, `<input type="checkbox">`, `<li>`), and an "Out of scope" or
 * "Non-goals" subsection is left out of the section around it.
 */
export function findSections(markdown: string, aliases: readonly string[]): MarkdownSection[] {
  const document = documentOf(markdown);
  if (document === null) return [];
  const sections: MarkdownSection[] = [];
  let open: MarkdownSection | null = null;
  /** The depth of an excluded subsection being skipped, until a title at its depth or above. */
  let skipping: number | null = null;
  for (const node of readableNodes(document.nodes)) {
    if (isCollapsibleEnd(node)) {
      if (open?.depth === COLLAPSIBLE_DEPTH) open = null;
      if (skipping === COLLAPSIBLE_DEPTH) skipping = null;
      continue;
    }
    const title = sectionTitle(node);
    if (skipping !== null) {
      if (title === null || title.depth > skipping) continue;
      skipping = null;
    }
    if (open !== null && title !== null && title.depth <= open.depth && open.depth !== COLLAPSIBLE_DEPTH) open = null;
    if (open !== null && title !== null && isExcludingTitle(headingWords(title.text).map(stem))) {
      skipping = title.depth;
      continue;
    }
    const match = open === null && title !== null ? matchHeading(title.text, aliases) : null;
    if (match !== null) {
      const heading = title!.text.trim();
      open = { heading, depth: title!.depth, nodes: [] };
      if (match === "confusable" || isSuspiciousText(heading)) open.suspicious = true;
      sections.push(open);
    } else if (open !== null) {
      open.nodes.push(node);
    }
  }
  attachFootnotes(document, sections);
  return sections;
}

/**
 * A footnote is read where it is referenced: a criterion in a footnote of a criteria item is a criterion, wherever
 * the definition stands (Markdown renders it at the end of the document). Definitions already in the section stay.
 */
function attachFootnotes(document: MarkdownDocument, sections: readonly MarkdownSection[]): void {
  // Definitions are read at the document's top level only: without one there is nothing to attach.
  if (!document.nodes.some((node) => node.type === "footnoteDefinition")) return;
  const referenced = sections.map((section) => {
    const ids = new Set<string>();
    const defined = new Set<string>();
    const visit = (node: RootContent): void => {
      if (node.type === "footnoteReference") ids.add(node.identifier);
      if (node.type === "footnoteDefinition") defined.add(node.identifier);
      if ("children" in node) for (const child of node.children) visit(child as RootContent);
    };
    section.nodes.forEach(visit);
    return [...ids].filter((id) => !defined.has(id));
  });
  if (referenced.every((ids) => ids.length === 0)) return;
  const definitions = new Map<string, RootContent>();
  for (const node of document.nodes)
    if (node.type === "footnoteDefinition" && !definitions.has(node.identifier)) definitions.set(node.identifier, node);
  sections.forEach((section, i) => {
    for (const id of referenced[i]!) {
      const definition = definitions.get(id);
      if (definition !== undefined) section.nodes.push(definition);
    }
  });
}

/**
 * Evidence lines for the sections whose headings matched only through look-alike or invisible characters: bfd read
 * them as the section, and shows the heading with each such character as its code point so a reviewer sees why.
 */
export function suspiciousHeadings(sections: readonly MarkdownSection[]): string[] {
  return sections
    .filter((section) => section.suspicious === true)
    .map((section) => `suspicious heading (read as this section): ${shownCodePoints(section.heading)}`);
}

function shownCodePoints(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    out += code > 0x7e || code < 0x20 ? `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>` : ch;
  }
  return out;
}

/** The first section whose heading matches one of `aliases` (see findSections). */
export function findSection(markdown: string, aliases: readonly string[]): MarkdownSection | null {
  return findSections(markdown, aliases)[0] ?? null;
}

function sectionTitle(node: RootContent): { text: string; depth: number } | null {
  if (node.type === "heading") return { text: plainText(node as Heading), depth: node.depth };
  if (node.type === "paragraph" && node.children.length >= 1) {
    const [first, ...rest] = node.children;
    const restIsBlank = rest.every(
      (child) => child.type === "text" && child.value.trim().replace(/^[:\uFF1A]$/, "") === "",
    );
    if (first?.type === "strong" && restIsBlank) return { text: plainText(first), depth: 7 };
    if (node.children.length === 1 && first?.type === "text") {
      const collapsible = COLLAPSIBLE_TITLE.exec(first.value);
      if (collapsible !== null) return { text: collapsible[1]!, depth: COLLAPSIBLE_DEPTH };
      // "Open questions:" on its own line, as plain-text descriptions write headings.
      if (/^[^\n]{1,60}[:\uFF1A]\s*$/.test(first.value)) return { text: first.value, depth: 8 };
    }
  }
  return null;
}

function isCollapsibleEnd(node: RootContent): boolean {
  return (
    node.type === "paragraph" &&
    node.children.length === 1 &&
    node.children[0]!.type === "text" &&
    node.children[0]!.value === COLLAPSIBLE_END
  );
}

/**
 * Nodes as a reader reads them: an HTML block (other than a comment) is replaced by the Markdown it shows. A
 * `<details>` block without blank lines is one HTML node to Markdown, but its criteria are on the reader's screen.
 */
export function* readableNodes(nodes: Iterable<RootContent>): Generator<RootContent> {
  for (const node of nodes) {
    if (node.type !== "html") {
      yield node;
      continue;
    }
    const shown = htmlAsMarkdown(node.value);
    if (shown.trim() !== "") yield* parseFragment(shown);
  }
}

/**
 * The Markdown an HTML block shows: comments dropped; `<summary>` as a collapsible's title and `</details>` as its
 * end; a checkbox as a task marker (`[x]` when `checked`); `<li>` as a list item; block tags as blank lines; other
 * tags dropped, so the result holds no HTML and reading it again cannot recurse. Linear in the block's length.
 */
export function htmlAsMarkdown(html: string): string {
  return withoutComments(html)
    .replace(/<summary\b[^<>]*>/gi, `\n\n${COLLAPSIBLE_MARK} `)
    .replace(/<\/summary\s*>/gi, "\n\n")
    .replace(/<\/details\s*>/gi, `\n\n${COLLAPSIBLE_END}\n\n`)
    .replace(/<input\b[^<>]*>/gi, (tag) =>
      /\btype\s*=\s*["']?checkbox\b/i.test(tag) ? (/\schecked\b/i.test(tag) ? "[x] " : "[ ] ") : "",
    )
    .replace(/<li\b[^<>]*>/gi, "\n- ")
    .replace(/<\/?(?:p|div|ul|ol|table|tr|details|section|blockquote|h[1-6])\b[^<>]*>|<br\s*\/?>/gi, "\n\n")
    .replace(/<[^<>]*>/g, "");
}

function withoutComments(html: string): string {
  let out = "";
  let at = 0;
  for (;;) {
    const open = html.indexOf("<!--", at);
    if (open < 0) return out + html.slice(at);
    out += html.slice(at, open);
    const close = html.indexOf("-->", open + 4);
    if (close < 0) return out;
    at = close + 3;
  }
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
export function filledItems(section: MarkdownSection, blank?: NoEvidence): SectionItem[] {
  const items: SectionItem[] = [];
  for (const node of section.nodes) {
    if (node.type !== "list") continue;
    for (const item of node.children) if (!isPlaceholderItem(item, blank)) items.push(toItem(item));
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
 * Every criterion in a section, in order: each list item (task or plain, nested ones and those in block quotes,
 * footnotes and HTML included), each line of a paragraph that starts with a task marker (`[ ] …`, or an HTML
 * checkbox: Markdown folds such a line into the paragraph or item above it, a reader sees a criterion), and each
 * table body row (cells joined with " | "; the header row names columns, it is no criterion).
 */
export function sectionCriteria(section: MarkdownSection, blank?: NoEvidence): Criterion[] {
  const criteria: Criterion[] = [];
  const known = new Map<ListItem, boolean>();
  const taskLines = (paragraph: Paragraph, skipFirst: boolean): void => {
    if (skipFirst && !hasLineBreak(paragraph)) return;
    const lines = inlineText(paragraph).split("\n");
    for (const line of skipFirst ? lines.slice(1) : lines) {
      const task = TASK_LINE.exec(line);
      if (task === null) continue;
      const text = task[3]!.trim();
      const checked = task[1] !== undefined ? task[1] !== " " : CHECKED_ATTRIBUTE.test(task[2]!);
      criteria.push({ kind: "task", placeholder: saysNothing(text, blank), text, checked, struck: false });
    }
  };
  const visit = (nodes: Iterable<RootContent>): void => {
    for (const node of readableNodes(nodes)) {
      if (node.type === "list") {
        for (const item of node.children) {
          const { text, checked, struck } = toItem(item);
          const criterion: Criterion = {
            kind: checked === null ? "item" : "task",
            placeholder: false,
            text,
            checked,
            struck,
          };
          criteria.push(criterion);
          const [first, ...rest] = item.children;
          if (first?.type === "paragraph") taskLines(first, true);
          visit(first?.type === "paragraph" ? rest : item.children);
          // After the items under it, whose answers it reuses.
          criterion.placeholder = isPlaceholderItem(item, blank, known);
        }
      } else if (node.type === "paragraph") {
        taskLines(node, false);
      } else if (node.type === "blockquote" || node.type === "footnoteDefinition") {
        visit(node.children);
      } else if (node.type === "table") {
        for (const row of (node as Table).children.slice(1)) {
          const text = row.children.map((cell) => plainText(cell).trim()).join(" | ");
          const placeholder = row.children.every((cell) => saysNothing(plainText(cell), blank));
          criteria.push({ kind: "row", placeholder, text, checked: null, struck: false });
        }
      }
    }
  };
  visit(section.nodes);
  return criteria;
}

/** A line that starts with a task marker: `[ ]`/`[x]`, or an HTML checkbox (checked when it has the attribute). */
const TASK_LINE = /^[ \t]*(?:\[([ xX])\]|(<input\b[^<>]*\btype\s*=\s*["']?checkbox\b[^<>]*>))[ \t]*(.*)$/i;
const CHECKED_ATTRIBUTE = /\schecked\b/i;

/** A paragraph's text with its line breaks (hard ones included) and inline HTML as written. */
function inlineText(node: RootContent | Paragraph): string {
  if (node.type === "break") return "\n";
  if ("value" in node && typeof node.value === "string") return node.value;
  return "children" in node ? (node.children as RootContent[]).map(inlineText).join("") : "";
}

/** A paragraph of more than one line: a soft line break in its text (at any depth) or a hard one. */
function hasLineBreak(node: RootContent | Paragraph): boolean {
  if (node.type === "break") return true;
  if ("value" in node && typeof node.value === "string") return node.value.includes("\n");
  return "children" in node && (node.children as RootContent[]).some(hasLineBreak);
}

function toItem(item: ListItem): SectionItem {
  const first = item.children[0];
  let text = first === undefined ? "" : plainText(first);
  // A task line folded into the paragraph starts a line of its own: one line holds none.
  if (first?.type === "paragraph" && hasLineBreak(first)) {
    const lines = inlineText(first).split("\n");
    const folded = lines.findIndex((line, i) => i > 0 && TASK_LINE.test(line));
    if (folded > 0) text = lines.slice(0, folded).join("\n");
  }
  const struck = first?.type === "paragraph" && first.children.length === 1 && first.children[0]?.type === "delete";
  return { text: text.trim(), checked: item.checked ?? null, struck };
}

/**
 * A node's text without markup, as mdast-util-to-string reads it: a literal's value (HTML included), an image's alt
 * text, its children's text joined. Once per item of a long list, without the arrays the library makes.
 */
export function plainText(node: RootContent | Paragraph | Root): string {
  if ("value" in node) return node.value;
  if ("alt" in node && typeof node.alt === "string" && node.alt !== "") return node.alt;
  if (!("children" in node)) return "";
  let text = "";
  for (const child of node.children) text += plainText(child);
  return text;
}

/** A team's template (an issue or MR template), as the words it holds: text it already held is no evidence. */
export interface TemplateText {
  words: string;
}

/** The words of a template's text (headings, guidance, labels, options, comments), folded as normalize.ts does. */
export function templateOf(markdown: string): TemplateText {
  const texts: string[] = [];
  const visit = (node: RootContent): void => {
    if ("value" in node && typeof node.value === "string") texts.push(node.value);
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  for (const node of parseTree(markdown).children) visit(node);
  return { words: wordsOf(texts.join("\n")) };
}

/** Several templates as one (an MR's project may hold a few): words never run on from one template into the next. */
export function templatesOf(markdowns: readonly string[]): TemplateText | undefined {
  if (markdowns.length === 0) return undefined;
  return { words: markdowns.map((markdown) => templateOf(markdown).words).join(" ") };
}

function wordsOf(text: string): string {
  const words = foldText(text)
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word !== "");
  return words.length === 0 ? "" : ` ${words.join(" ")} `;
}

/** Text whose words all stand, in order and together, in the template: the template's own text, or part of it. */
export function isTemplateText(text: string, template: TemplateText | undefined): boolean {
  if (template === undefined) return false;
  const words = wordsOf(text);
  return words !== "" && template.words.includes(words);
}

/**
 * What holds no evidence beyond the built-in placeholders (#22): the team's template(s) for the text (its Linear
 * issue template, its MR templates) and its own placeholder words (`evidence.placeholders` in bfd.config.yaml).
 */
export interface NoEvidence {
  template?: TemplateText | undefined;
  placeholders?: Placeholders | undefined;
}

/** No template, no words of the team's own: the built-in placeholders only. */
const NO_BLANK: NoEvidence = {};

/** Nothing but placeholders and the template's own lines, line by line. */
function saysNothing(text: string, blank: NoEvidence = NO_BLANK): boolean {
  const { template, placeholders } = blank;
  if (isPlaceholderText(text, placeholders)) return true;
  return (
    template !== undefined &&
    text.split("\n").every((line) => isPlaceholderText(line, placeholders) || isTemplateText(line, template))
  );
}

/**
 * A paragraph of only emphasis (`_Describe how you tested._`) is a template's help text, as is text that only holds
 * a place (TBD, `…`, "not tested": see placeholder.ts) or that the team's template already held.
 */
function isPlaceholderParagraph(node: Paragraph, blank?: NoEvidence): boolean {
  const visible = node.children.filter((child) => child.type !== "html");
  const onlyEmphasis =
    visible.some((child) => child.type === "emphasis") &&
    visible.every((child) => child.type === "emphasis" || (child.type === "text" && child.value.trim() === ""));
  return onlyEmphasis || saysNothing(plainText(node), blank);
}

/**
 * A list item that says nothing: empty, a placeholder, or template help text, and only such items under it.
 * `known` holds answers already found for items (nested ones read first), and gets this one.
 */
export function isPlaceholderItem(
  item: ListItem,
  blank: NoEvidence = NO_BLANK,
  known?: Map<ListItem, boolean>,
): boolean {
  const before = known?.get(item);
  if (before !== undefined) return before;
  const answer = item.children.every((child) => {
    if (child.type === "paragraph") return isPlaceholderParagraph(child, blank);
    if (child.type === "list") return child.children.every((nested) => isPlaceholderItem(nested, blank, known));
    return child.type === "html";
  });
  known?.set(item, answer);
  return answer;
}

/**
 * The section's text less everything that only holds a place: HTML comments, headings (a template's structure),
 * template help text in emphasis, placeholder paragraphs, lines and list items (see placeholder.ts: TBD, "Unit
 * tests:" with nothing after it, "Other"…), a table's header row and body rows whose cells past the first (the
 * label column a template fills in) are placeholders, and, with `templateChecklist`, every unticked task item: an
 * unticked item asserts nothing (a "How tested" template's checklist left as it was, or only "Other" ticked).
 * With `enough`, reading stops once the text holds that many characters (the text returned is then cut short).
 */
export function filledText(
  section: MarkdownSection,
  options: { templateChecklist?: boolean; blank?: NoEvidence | undefined } = {},
  enough = Number.POSITIVE_INFINITY,
): string {
  const blank = options.blank ?? NO_BLANK;
  const parts: string[] = [];
  // Enough said: the parts' own trimmed lengths never exceed the joined text's, so once they reach `enough` the
  // rest of the section is not read (a 10,000-item list needs one item to be "filled in").
  let said = 0;
  const push = (text: string): void => {
    parts.push(text);
    said += text.trim().length;
  };
  const visit = (nodes: Iterable<RootContent>): void => {
    for (const node of readableNodes(nodes)) {
      if (said >= enough) return;
      switch (node.type) {
        case "html":
        case "heading":
        case "thematicBreak":
        case "definition":
          break;
        case "paragraph":
          // A collapsible's title and end are its structure, as headings are a template's.
          if (isCollapsibleEnd(node) || sectionTitle(node)?.depth === COLLAPSIBLE_DEPTH) break;
          if (!isPlaceholderParagraph(node, blank)) push(plainText(node));
          break;
        case "blockquote":
        case "footnoteDefinition":
          visit(node.children);
          break;
        case "list":
          for (const item of node.children) {
            if (said >= enough) return;
            if (options.templateChecklist === true && item.checked === false) continue;
            if (!isPlaceholderItem(item, blank)) push(plainText(item));
          }
          break;
        case "table":
          for (const row of node.children.slice(1)) {
            const cells = row.children.map((cell) => plainText(cell));
            const label = cells.length > 1 ? cells.slice(1) : cells;
            if (!label.every((cell) => saysNothing(cell, blank))) push(cells.join(" | "));
          }
          break;
        default: {
          const text = plainText(node);
          if (!saysNothing(text, blank)) push(text);
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
export function filledLength(markdown: string, enough: number, blank: NoEvidence = NO_BLANK): number {
  const document = documentOf(markdown);
  if (document === null) return 0;
  let length = 0;
  for (const node of document.nodes) {
    const text = filledText({ heading: "", depth: 0, nodes: [node] }, { blank }, enough - length);
    length += text.length;
    if (length >= enough) return enough;
  }
  return length;
}

/** The section's text without markup, for "is it empty?" checks. HTML comments (templates' placeholders) do not count. */
export function sectionText(section: MarkdownSection): string {
  return section.nodes
    .filter((node) => node.type !== "html")
    .map((node) => plainText(node))
    .join("\n")
    .trim();
}

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
    if (node.type === "link") links.push({ url: node.url, text: plainText(node) });
    if (node.type === "definition" && !definitions.has(node.identifier)) definitions.set(node.identifier, node.url);
    if (node.type === "linkReference") {
      references.push({ identifier: node.identifier, text: plainText(node), at: links.length });
      links.push({ url: "", text: "" });
    }
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  for (const node of document.nodes) visit(node);
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
        lines.push(`- ${mark}${first === undefined ? "" : plainText(first).trim()}`);
      }
      continue;
    }
    const text = plainText(node).trim();
    if (text !== "") lines.push(...text.split("\n"));
  }
  return lines;
}

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
  for (const node of document.nodes) visit(node);
  // A reference-style link and its definition name the same URL: once is enough.
  return { text: texts.join(" "), urls: [...new Set(urls)] };
}

/**
 * The lines of text a reader sees, in a document that contains `needle` (case-insensitive): paragraphs,
 * headings, list items and table cells, without HTML (comments included), code, block quotes, images or struck
 * text. For `bfd-waive:` lines, which count only where a person reading the rendered description sees them.
 *
 * With `assertedOnly`, lines inside an unticked task item are left out too: a `- [ ]` item (its nested content
 * included), and a paragraph line that starts with `[ ]` or an unticked HTML checkbox. An unticked item asserts
 * nothing: an MR template's `- [ ] bfd-waive: …` option left unticked waives nothing.
 */
export function visibleLines(markdown: string, needle: string, options: { assertedOnly?: boolean } = {}): string[] {
  if (!markdown.toLowerCase().includes(needle.toLowerCase())) return [];
  const document = documentOf(markdown);
  if (document === null) return [];
  const lines: string[] = [];
  const inline = (node: RootContent): string => {
    switch (node.type) {
      case "text":
        return node.value;
      case "break":
        return "\n";
      case "html":
        // Kept only as a marker, so an unticked HTML checkbox starting a line is seen as one below.
        return options.assertedOnly === true && TASK_LINE.exec(node.value)?.[2] !== undefined
          ? CHECKED_ATTRIBUTE.test(node.value)
            ? ""
            : "[ ] "
          : "";
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
  const unticked = (line: string): boolean => options.assertedOnly === true && TASK_LINE.exec(line)?.[1] === " ";
  const block = (node: RootContent): void => {
    switch (node.type) {
      case "listItem":
        if (options.assertedOnly === true && node.checked === false) return;
        for (const child of node.children) block(child);
        return;
      case "paragraph":
      case "heading":
      case "tableCell":
        lines.push(
          ...inline(node)
            .split("\n")
            .filter((line) => !unticked(line)),
        );
        return;
      case "html":
      case "code":
      case "blockquote":
        return;
      default:
        if ("children" in node) for (const child of node.children) block(child as RootContent);
    }
  };
  for (const node of document.nodes) block(node);
  return lines;
}
