import type { Code, RootContent } from "mdast";
import { parseFragment } from "./parse.js";

/**
 * A long document is cut into chunks that parse on their own exactly as they do inside the whole document, so a
 * rule parses only the chunks it needs (micromark costs several microseconds per character: a 1 MB description,
 * parsed whole, takes seconds). A cut is made only where the whole document's parser is certainly between
 * top-level blocks with nothing open, which is where a fresh parser starts:
 *
 * - after a blank line, before a line that starts in column 0 (no container continues through such a line) and
 *   is neither a list item (that continues the list) nor a block quote (see `canStartChunk`), unless a fenced code block or an HTML block of kinds 1–5 (the
 *   only blocks that run through blank lines) may still be open;
 * - around a fenced code block that opens in column 0 (no container holds such a line): its end is found by
 *   CommonMark's rule, and its node is made without the parser (code is most of a long pasted description).
 *
 * A fence or HTML block can only open on a line whose text starts with a fence or `<` within three columns. Where
 * such a line is not a column-0 fence, the scanner cannot tell cheaply whether the block opened at top level or
 * inside a list, so it lets micromark decide: it parses the chunk with a probe heading after it, and cuts only if
 * the probe comes out as a top-level heading (nothing swallowed it). Failed probes are retried only once the chunk
 * has doubled, so probing stays linear.
 *
 * The one difference from parsing the whole text: a reference-style link (`[text][ref]`) whose definition is in
 * another chunk is read as text.
 */
export interface MarkdownChunk {
  /** Offsets of the chunk in the document. */
  start: number;
  end: number;
  /** `code`: one top-level fenced code block, made without the parser. */
  kind: "flow" | "code";
  /** For `code`: where the code ends (the closing fence's line, or the end of an unclosed block). */
  codeEnd?: number;
  /** The chunk's top-level nodes, once parsed. */
  nodes?: RootContent[];
}

/** Documents up to this size are parsed whole: chunking pays off only on long ones. */
export const CHUNK_ABOVE = 64_000;
const PROBE = "# bfd:chunk-probe\n";
const PROBE_TEXT = "bfd:chunk-probe";

interface Line {
  start: number;
  /** Offset of the line ending (or the end of the text). */
  end: number;
  /** Offset of the next line. */
  next: number;
}

interface Fence {
  marker: number;
  size: number;
}

export function chunkMarkdown(text: string, chunkAbove: number = CHUNK_ABOVE): MarkdownChunk[] {
  if (text.length <= chunkAbove) return [{ start: 0, end: text.length, kind: "flow" }];
  const chunks: MarkdownChunk[] = [];
  let chunkStart = 0;
  /** The chunk has a line after which only the parser can tell whether a fence or HTML block is open. */
  let uncertain = false;
  let lastProbe = 0;
  let fence: (Fence & { start: number }) | null = null;
  let previousBlank = true;

  const cut = (at: number, nodes?: RootContent[]): void => {
    if (at > chunkStart)
      chunks.push(
        nodes === undefined
          ? { start: chunkStart, end: at, kind: "flow" }
          : { start: chunkStart, end: at, kind: "flow", nodes },
      );
    chunkStart = at;
    uncertain = false;
    lastProbe = 0;
  };

  for (let line = lineAt(text, 0); ; line = lineAt(text, line.next)) {
    if (fence !== null) {
      if (closesFence(text, line, fence)) {
        chunks.push({ start: fence.start, end: line.next, kind: "code", codeEnd: line.start });
        chunkStart = line.next;
        fence = null;
        // After a closed fence nothing is open: the next line starts like the first line of a document.
        previousBlank = true;
      }
    } else if (isBlank(text, line)) {
      previousBlank = true;
    } else {
      const indent = indentation(text, line);
      const first = text.charCodeAt(indent.offset);
      if (indent.columns === 0 && previousBlank && canStartChunk(first) && line.start > chunkStart) {
        if (!uncertain) cut(line.start);
        else if (line.start - chunkStart >= 2 * lastProbe) {
          const nodes = probe(text.slice(chunkStart, line.start), chunkStart);
          if (nodes !== null) cut(line.start, nodes);
          else lastProbe = line.start - chunkStart;
        }
      }
      if (indent.columns <= 3) {
        const opened = indent.columns === 0 && !uncertain ? fenceOpening(text, line, indent.offset) : null;
        if (opened !== null) {
          cut(line.start);
          fence = { ...opened, start: line.start };
        } else if (first === 0x3c /* < */ || fenceOpening(text, line, indent.offset) !== null) {
          uncertain = true;
        }
      }
      previousBlank = false;
    }
    if (line.next >= text.length) break;
  }
  if (fence !== null) chunks.push({ start: fence.start, end: text.length, kind: "code", codeEnd: text.length });
  else if (chunkStart < text.length) chunks.push({ start: chunkStart, end: text.length, kind: "flow" });
  return chunks;
}

/** The chunk's top-level nodes (parsed once, then kept). */
export function chunkNodes(text: string, chunk: MarkdownChunk): RootContent[] {
  if (chunk.nodes === undefined) {
    if (chunk.kind === "code") chunk.nodes = [codeNode(text, chunk)];
    else {
      const source = text.slice(chunk.start, chunk.end);
      const nodes = chunk.end === text.length ? parseChunk(source, chunk.start) : probe(source, chunk.start);
      // The scanner cut here because nothing can be open; if the parser disagrees, fail loudly, never read on.
      if (nodes === null) throw new Error(`bfd cut Markdown where a block was still open (offset ${chunk.end})`);
      chunk.nodes = nodes;
    }
  }
  return chunk.nodes;
}

/** micromark drops a byte-order mark at the start of a document only; a blank line first keeps one in a later chunk. */
function parseChunk(source: string, start: number): RootContent[] {
  return parseFragment(start > 0 && source.charCodeAt(0) === 0xfeff ? `\n${source}` : source);
}

/**
 * The chunk's nodes, parsed with a probe heading after it in place of the column-0 line that follows it in the
 * document (so a list ends as it ends there, not as at the end of a document), or null if something left open
 * swallowed the probe.
 */
function probe(chunk: string, start: number): RootContent[] | null {
  const nodes = parseChunk(chunk + PROBE, start);
  const last = nodes[nodes.length - 1];
  const clean =
    last?.type === "heading" &&
    last.depth === 1 &&
    last.children.length === 1 &&
    last.children[0]?.type === "text" &&
    last.children[0].value === PROBE_TEXT;
  return clean ? nodes.slice(0, -1) : null;
}

/**
 * A chunk may not start with a list item (that would continue the list before it), nor with a block quote or a
 * definition (`[label]: …`, `[^1]: …`): what a list before it keeps can depend on them (micromark keeps the blank
 * lines of a fence left open in a list item when a block quote or a footnote definition ends the list, and drops
 * them before any other block), so no probe stands in for them.
 */
function canStartChunk(c: number): boolean {
  if (c === 0x2d || c === 0x2b || c === 0x2a || c === 0x3e || c === 0x5b) return false;
  return !(c >= 0x30 && c <= 0x39);
}

function lineAt(text: string, start: number): Line {
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 0x0a || c === 0x0d) break;
    end += 1;
  }
  const next =
    end >= text.length
      ? text.length
      : end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
  return { start, end, next };
}

function isBlank(text: string, line: Line): boolean {
  for (let i = line.start; i < line.end; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/** Leading white space in columns (tabs to the next multiple of 4, as CommonMark counts them) and where it ends. */
function indentation(text: string, line: Line): { columns: number; offset: number } {
  let columns = 0;
  let i = line.start;
  for (; i < line.end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x20) columns += 1;
    else if (c === 0x09) columns += 4 - (columns % 4);
    else break;
  }
  return { columns, offset: i };
}

/** A fence opener at `from`: three or more backticks or tildes; a backtick fence's info string has no backtick. */
function fenceOpening(text: string, line: Line, from: number): Fence | null {
  const marker = text.charCodeAt(from);
  if (marker !== 0x60 && marker !== 0x7e) return null;
  let size = 0;
  while (from + size < line.end && text.charCodeAt(from + size) === marker) size += 1;
  if (size < 3) return null;
  if (marker === 0x60 && text.slice(from + size, line.end).includes("`")) return null;
  return { marker, size };
}

/** A closing fence: at most three columns of indentation, at least as many markers, then only spaces or tabs. */
function closesFence(text: string, line: Line, fence: Fence): boolean {
  const indent = indentation(text, line);
  if (indent.columns > 3) return false;
  let size = 0;
  let i = indent.offset;
  while (i < line.end && text.charCodeAt(i) === fence.marker) {
    size += 1;
    i += 1;
  }
  if (size < fence.size) return false;
  for (; i < line.end; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) return false;
  }
  return true;
}

/**
 * The node micromark makes for a column-0 fenced code block: the info string parsed on its own (it is one line),
 * the value the text between the fences less one line ending at each side.
 */
function codeNode(text: string, chunk: MarkdownChunk): Code {
  const opener = lineAt(text, chunk.start);
  const parsed = parseFragment(`${text.slice(opener.start, opener.end)}\n`)[0];
  const contentEnd = Math.max(opener.next, chunk.codeEnd ?? chunk.end);
  return {
    type: "code",
    lang: parsed?.type === "code" ? (parsed.lang ?? null) : null,
    meta: parsed?.type === "code" ? (parsed.meta ?? null) : null,
    value: text.slice(opener.next, contentEnd).replace(/(\r?\n|\r)$/, ""),
  };
}
