/**
 * Bounds on the Markdown bfd reads, checked by a linear scan before any text reaches the parser. The parser
 * (markdown-it, parse.ts) stays linear at any depth by silently dropping what is nested past its own limit; bfd
 * instead refuses such text with a clear error, so a criterion is never lost without a word, and bounds the size a
 * single evaluation may take.
 */
import { countText } from "../text/plural.js";

export const MAX_MARKDOWN_CHARS = 2_000_000;
/** Levels of block quotes and lists, of emphasis/strikethrough nested in emphasis, or of brackets in brackets. */
export const MAX_MARKDOWN_NESTING = 32;

export interface MarkdownLimitProblem {
  /** One line saying which limit the text passes and what to do, e.g. for a rule's `error` message. */
  message: string;
}

const count = countText;

/**
 * Why `markdown` is past bfd's limits, or null when it is within them. `what` names the text for the message
 * ("the issue description"). Linear in the length of the text.
 */
export function markdownLimitProblem(markdown: string, what: string): MarkdownLimitProblem | null {
  if (markdown.length > MAX_MARKDOWN_CHARS) {
    return {
      message: `${capitalise(what)} is ${count(markdown.length)} characters long; bfd reads at most ${count(MAX_MARKDOWN_CHARS)} characters of Markdown — shorten it, or move long material (logs, specifications) into a linked document`,
    };
  }
  const deep = cachedNesting(markdown);
  if (deep !== null && deep.depth > MAX_MARKDOWN_NESTING) {
    return {
      message: `${capitalise(what)} nests ${deep.kind} ${deep.depth > 999 ? "more than 999" : count(deep.depth)} levels deep (line ${count(deep.line)}); bfd reads at most ${MAX_MARKDOWN_NESTING} levels of Markdown nesting — flatten it`,
    };
  }
  return null;
}

const measured = new Map<string, Nesting | null>();
const MEASURED_CACHE_SIZE = 64;

/** Several rules (and the reader each uses) check the same description: it is scanned once. */
function cachedNesting(markdown: string): Nesting | null {
  if (measured.has(markdown)) return measured.get(markdown)!;
  const deep = deepestNesting(markdown);
  if (measured.size >= MEASURED_CACHE_SIZE) measured.delete(measured.keys().next().value as string);
  measured.set(markdown, deep);
  return deep;
}

function capitalise(text: string): string {
  return text.length === 0 ? text : `${text[0]!.toUpperCase()}${text.slice(1)}`;
}

interface Nesting {
  depth: number;
  line: number;
  kind: string;
}

const SPACE = 0x20;
const TAB = 0x09;

/**
 * An upper bound of the nesting the parser would build, per line for block quotes and lists and per paragraph
 * (lines up to a blank one) for emphasis and brackets. Over-counting is safe (a clear error on odd text); the
 * bound only has to be at least the real depth. Block containers: a line can open at most one container per `>`
 * or list marker in its prefix, and a nested list item needs at least two columns of indentation per level.
 * Inline: see InlineNesting.
 */
function deepestNesting(text: string): Nesting | null {
  let worst: Nesting | null = null;
  const consider = (depth: number, line: number, kind: string): void => {
    if (worst === null || depth > worst.depth) worst = { depth, line, kind };
  };
  let inline = new InlineNesting();
  const endParagraph = (): void => {
    const deepest = inline.deepest();
    consider(deepest.depth, deepest.line, "emphasis or brackets");
    inline = new InlineNesting();
  };
  let lineNumber = 0;
  for (let start = 0; start <= text.length;) {
    lineNumber += 1;
    LINE_END.lastIndex = start;
    const end = LINE_END.exec(text)?.index ?? text.length;
    if (isBlankLine(text, start, end)) endParagraph();
    else {
      consider(containerDepth(text, start, end), lineNumber, "block quotes or lists");
      if (!isThematicBreak(text, start, end)) inline.scan(text, start, end, lineNumber);
    }
    if (end >= text.length) break;
    start = end + (text.charCodeAt(end) === 0x0d && text.charCodeAt(end + 1) === 0x0a ? 2 : 1);
  }
  endParagraph();
  return worst;
}

/** Line ends and the characters InlineNesting reads, found by the regular expression engine, not a loop in JS. */
const LINE_END = /[\n\r]/g;
const INLINE_MARK = /[\\*_~[\]]/g;

function isBlankLine(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== TAB) return false;
  }
  return true;
}

/** `***`, `- - -`, `___`: a line of one of these characters (and spaces) is a rule, never emphasis. */
function isThematicBreak(text: string, start: number, end: number): boolean {
  let marker = 0;
  for (let i = start; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) continue;
    if (c !== 0x2a && c !== 0x2d && c !== 0x5f) return false;
    if (marker === 0) marker = c;
    else if (c !== marker) return false;
  }
  return marker !== 0;
}

function containerDepth(text: string, start: number, end: number): number {
  let markers = 0;
  let columns = 0;
  /** White space right after a marker belongs to it (one space after `>`, up to four columns after a list marker). */
  let absorb = 0;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === SPACE || c === TAB) {
      const width = c === SPACE ? 1 : 4;
      const absorbed = Math.min(absorb, width);
      absorb -= absorbed;
      columns += width - absorbed;
      i += 1;
    } else if (c === 0x3e /* > */) {
      markers += 1;
      absorb = 1;
      i += 1;
    } else {
      const marker = listMarkerLength(text, i, end);
      if (marker === 0) break;
      markers += 1;
      absorb = 4;
      i += marker;
    }
  }
  // Indentation alone opens nothing: a deeply indented line continues containers that earlier lines opened, and
  // continuing a list item takes at least two columns of it.
  return markers === 0 ? 0 : markers + Math.floor(columns / 2);
}

/** Length of a list marker (`-`, `+`, `*`, `1.`, `12)`) at `i` that is followed by a space, a tab or the line end. */
function listMarkerLength(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  let length = 0;
  if (c === 0x2d || c === 0x2b || c === 0x2a) length = 1;
  else {
    while (length < 9 && i + length < end && isDigit(text.charCodeAt(i + length))) length += 1;
    if (length === 0 || i + length >= end) return 0;
    const after = text.charCodeAt(i + length);
    if (after !== 0x2e && after !== 0x29) return 0;
    length += 1;
  }
  if (i + length === end) return length;
  const next = text.charCodeAt(i + length);
  return next === SPACE || next === TAB ? length : 0;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** Outside the line counts as white space, as for CommonMark's flanking rules. */
const isSpaceLike = (c: number): boolean => Number.isNaN(c) || c === SPACE || c === TAB;

/**
 * Matched delimiter pairs of one paragraph. A run of `*`, `_` or `~` not followed by white space may open, one not
 * preceded by white space may close the nearest open run of the same character, and `]` closes the nearest `[`.
 * A pair of runs nests up to half the shorter run in emphasis levels. The depth is the largest total weight of
 * matched pairs that overlap; openers never closed nest nothing (the parser leaves them as text) and do not count.
 */
class InlineNesting {
  // Numbers in arrays, not an object per delimiter: a long list is one paragraph of some 40,000 brackets.
  /** Per delimiter character, its open runs as (position, run length) pairs, innermost last. */
  private readonly open = new Map<number, number[]>();
  /** Matched pairs: where each opened and closed (delimiter positions), and how many levels it nests. */
  private readonly opened: number[] = [];
  private readonly closed: number[] = [];
  private readonly weights: number[] = [];
  /** The line of each delimiter, by position. */
  private readonly lines: number[] = [];

  scan(text: string, start: number, end: number, line: number): void {
    for (let i = start; i < end;) {
      INLINE_MARK.lastIndex = i;
      const next = INLINE_MARK.exec(text)?.index ?? end;
      if (next >= end) return;
      i = next;
      const c = text.charCodeAt(i);
      if (c === 0x5c /* \ escapes the next character */) {
        i += 2;
        continue;
      }
      if (c === 0x2a || c === 0x5f || c === 0x7e) {
        let run = 1;
        while (i + run < end && text.charCodeAt(i + run) === c) run += 1;
        const closes = !isSpaceLike(i === start ? NaN : text.charCodeAt(i - 1));
        const opens = !isSpaceLike(i + run >= end ? NaN : text.charCodeAt(i + run));
        if (!(closes && this.close(c, run, line)) && opens) this.push(c, run, line);
        i += run;
        continue;
      }
      if (c === 0x5b /* [ */) this.push(c, 2, line);
      else if (c === 0x5d /* ] */) this.close(0x5b, 2, line);
      i += 1;
    }
  }

  deepest(): { depth: number; line: number } {
    if (this.opened.length === 0) return { depth: 0, line: 0 };
    const delta = new Float64Array(this.lines.length + 1);
    for (let i = 0; i < this.opened.length; i += 1) {
      delta[this.opened[i]!]! += this.weights[i]!;
      delta[this.closed[i]!]! -= this.weights[i]!;
    }
    let depth = 0;
    let deepest = { depth: 0, line: 0 };
    for (let position = 0; position < this.lines.length; position += 1) {
      depth += delta[position]!;
      if (depth > deepest.depth) deepest = { depth, line: this.lines[position]! };
    }
    return deepest;
  }

  private push(c: number, run: number, line: number): void {
    const position = this.lines.length;
    this.lines.push(line);
    const stack = this.open.get(c);
    if (stack === undefined) this.open.set(c, [position, run]);
    else stack.push(position, run);
  }

  private close(c: number, run: number, line: number): boolean {
    const stack = this.open.get(c);
    if (stack === undefined || stack.length === 0) return false;
    const openerRun = stack.pop()!;
    const openerPosition = stack.pop()!;
    this.opened.push(openerPosition);
    this.closed.push(this.lines.length);
    this.weights.push(Math.max(1, Math.ceil(Math.min(openerRun, run) / 2)));
    this.lines.push(line);
    return true;
  }
}
