/**
 * What counts as "not filled in": the one definition every rule uses, so a section, a checklist item, a flag-record
 * field, a specification and a waiver reason cannot each be satisfied by a different kind of placeholder.
 */

/**
 * Characters a reader does not see: format characters (zero-width spaces and joiners, BOM, word joiner, bidi
 * marks, tag characters; Unicode category Cf), the Hangul and braille blanks, variation selectors, the combining
 * grapheme joiner, and every kind of space.
 */
const INVISIBLE = /[\p{Cf}\p{Z}\s\u115F\u1160\u3164\uFFA0\u2800]|[\uFE00-\uFE0F]|\u034F/gu;

/** The text without invisible characters at its ends, and inner runs of them as one space. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, " ").replace(/ {2,}/g, " ").trim();
}

/** Words that stand for "nothing yet", compared case-insensitively with trailing punctuation dropped. */
const PLACEHOLDER_WORDS = new Set([
  "tbd",
  "tbc",
  "todo",
  "to do",
  "fixme",
  "n/a",
  "n.a",
  "na",
  "not applicable",
  "not tested",
  "not tested yet",
  "not yet tested",
  "untested",
  "none yet",
  "not yet",
  "false",
  "null",
  "nil",
  "undefined",
  "placeholder",
]);

/** "TODO: write the spec", "TBD - after the spike": a placeholder word with what is to come. */
const PLACEHOLDER_PREFIX = /^(?:tbd|tbc|todo|to do|fixme)\s*[:.\-\u2013\u2014(]/i;
/** A template's slot left as it was: `<why>`, `[reason]`, `{describe the change}`. */
const TEMPLATE_SLOT = /^(?:<[^<>]*>|\[[^[\]]*\]|\{[^{}]*\})$/;
/** No letter or digit in any script: `-`, `…`, `...`, `?`, `—`, `~`, `***`. */
const NO_WORD = /^[^\p{L}\p{N}]*$/u;

/**
 * Text that only holds a place: empty or invisible, TBD/TODO/N/A and the like (also `TODO: …`), punctuation only
 * (`-`, `…`, `...`, `?`, `~`), "not tested (yet)", "none yet", `false`/`null`, or a template slot (`<why>`).
 */
export function isPlaceholderText(text: string): boolean {
  const visible = visibleText(text);
  if (NO_WORD.test(visible)) return true;
  if (PLACEHOLDER_PREFIX.test(visible) || TEMPLATE_SLOT.test(visible)) return true;
  const word = visible
    .toLowerCase()
    .replace(/[\s.!:;,]+$/, "")
    .replace(/\s+/g, " ");
  return PLACEHOLDER_WORDS.has(word);
}
