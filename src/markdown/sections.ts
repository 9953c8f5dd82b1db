import type { Heading, List, ListItem, Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { toString } from "mdast-util-to-string";
import { gfm } from "micromark-extension-gfm";

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

const parsed = new Map<string, Root>();
const PARSE_CACHE_SIZE = 256;

/**
 * Parses Markdown with GFM. Several rules read the same description (and an audit reads one project's content
 * for every issue), so trees are cached by text; callers treat them as read-only.
 */
export function parseMarkdown(markdown: string): Root {
  const hit = parsed.get(markdown);
  if (hit !== undefined) return hit;
  const tree = fromMarkdown(markdown, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  if (parsed.size >= PARSE_CACHE_SIZE) parsed.delete(parsed.keys().next().value as string);
  parsed.set(markdown, tree);
  return tree;
}

/** Heading text normalised for comparison: case-insensitive, trailing colon and surrounding spaces ignored. */
export function normaliseHeading(text: string): string {
  return text
    .replace(/[:：]\s*$/, "")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase();
}

/**
 * Finds the first section whose heading matches one of `aliases` (case-insensitive). Also accepts a
 * paragraph that is only bold text (`**Acceptance criteria**`), which is how many Linear descriptions are written.
 */
export function findSection(markdown: string, aliases: readonly string[]): MarkdownSection | null {
  const wanted = new Set(aliases.map(normaliseHeading));
  const root = parseMarkdown(markdown);
  const children = root.children;
  for (let i = 0; i < children.length; i += 1) {
    const title = sectionTitle(children[i]!);
    if (title === null || !wanted.has(normaliseHeading(title.text))) continue;
    const nodes: RootContent[] = [];
    for (let j = i + 1; j < children.length; j += 1) {
      const next = children[j]!;
      const nextTitle = sectionTitle(next);
      // A "Given a signed-in admin:" lead-in inside a bold-text section does not end it.
      if (nextTitle !== null && nextTitle.depth <= title.depth) break;
      nodes.push(next);
    }
    return { heading: title.text.trim(), depth: title.depth, nodes };
  }
  return null;
}

function sectionTitle(node: RootContent): { text: string; depth: number } | null {
  if (node.type === "heading") return { text: toString(node as Heading), depth: node.depth };
  if (node.type === "paragraph" && node.children.length >= 1) {
    const [first, ...rest] = node.children;
    const restIsBlank = rest.every(
      (child) => child.type === "text" && child.value.trim().replace(/^[:：]$/, "") === "",
    );
    if (first?.type === "strong" && restIsBlank) return { text: toString(first), depth: 7 };
    // "Open questions:" on its own line, as plain-text descriptions write headings.
    if (node.children.length === 1 && first?.type === "text" && /^[^\n]{1,60}[:：]\s*$/.test(first.value))
      return { text: first.value, depth: 8 };
  }
  return null;
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

/** Every task-list item in a section, nested ones included. */
export function sectionTaskItems(section: MarkdownSection): SectionItem[] {
  const items: SectionItem[] = [];
  const visit = (nodes: readonly RootContent[]): void => {
    for (const node of nodes) {
      if (node.type === "list") {
        for (const item of node.children) {
          if (item.checked === true || item.checked === false) items.push(toItem(item));
          visit(item.children);
        }
      } else if (node.type === "blockquote") {
        visit(node.children);
      }
    }
  };
  visit(section.nodes);
  return items;
}

function toItem(item: ListItem): SectionItem {
  const first = item.children[0];
  const text = first === undefined ? "" : toString(first);
  const struck = first?.type === "paragraph" && first.children.length === 1 && first.children[0]?.type === "delete";
  return { text: text.trim(), checked: item.checked ?? null, struck };
}

/** The section's text without markup, for "is it empty?" checks. HTML comments (templates' placeholders) do not count. */
export function sectionText(section: MarkdownSection): string {
  return section.nodes
    .filter((node) => node.type !== "html")
    .map((node) => toString(node))
    .join("\n")
    .trim();
}

/** Every link (URL and text) in a Markdown document, autolinked bare URLs included. */
export function markdownLinks(markdown: string): { url: string; text: string }[] {
  const links: { url: string; text: string }[] = [];
  const visit = (node: Root | RootContent): void => {
    if (node.type === "link") links.push({ url: node.url, text: toString(node) });
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  visit(parseMarkdown(markdown));
  return links;
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
 * The prose of a document: text outside code spans and code blocks, and the link targets, for finding
 * references a person wrote (not `UTF-8` in a code sample).
 */
export function proseOf(markdown: string): { text: string; urls: string[] } {
  const texts: string[] = [];
  const urls: string[] = [];
  const visit = (node: Root | RootContent): void => {
    if (node.type === "code" || node.type === "inlineCode" || node.type === "html") return;
    if (node.type === "text") texts.push(node.value);
    if (node.type === "link") urls.push(node.url);
    if ("children" in node) for (const child of node.children) visit(child as RootContent);
  };
  visit(parseMarkdown(markdown));
  return { text: texts.join(" "), urls };
}
