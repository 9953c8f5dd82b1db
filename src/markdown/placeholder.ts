/**
 * What counts as "not filled in": the one definition every rule uses, so a section, a checklist item, a flag-record
 * field, a specification and a waiver reason cannot each be satisfied by a different kind of placeholder (#22).
 * Words are compared in normalize.ts's folded form, so "ＴＢＤ", "T\u200BBD" and "tbd" are the same placeholder.
 */
import { foldText } from "../text/normalize.js";

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

/**
 * Whole texts that stand for "nothing yet", in folded form with trailing punctuation dropped. "Other" is the
 * catch-all option of a template's checklist: ticked alone, it says nothing about what was done.
 */
export const PLACEHOLDER_WORDS: readonly string[] = [
  "tbd",
  "tba",
  "tbc",
  "wip",
  "todo",
  "to do",
  "fixme",
  "x",
  "xx",
  "xxx",
  "n/a",
  "n.a",
  "na",
  "none",
  "nothing",
  "pending",
  "coming soon",
  "later",
  "not applicable",
  "not tested",
  "not tested yet",
  "not yet tested",
  "untested",
  "none yet",
  "not yet",
  "other",
  "others",
  "false",
  "null",
  "nil",
  "nan",
  "undefined",
  "placeholder",
];

/** "TODO: write the spec", "TBD - after the spike", "WIP (design)": a placeholder word with what is to come. */
const PLACEHOLDER_PREFIX = /^(?:tbd|tba|tbc|wip|todo|to do|fixme|pending)\s*[:.\-\u2013\u2014(]/;
/** "To be defined with design", "to be decided (with legal)", "will be confirmed later": a promise, not content. */
const TO_BE_DECIDED =
  /^(?:(?:still )?to be|will be|tbd to be)\s+(?:defined|decided|determined|confirmed|clarified|discussed|agreed|announced|written|added|specified|done|filled(?: in)?|completed|updated|provided)\b/;
/** A template's numbered slot left as it was: "Criterion 1", "AC 2:", "Step #3". */
const NUMBERED_SLOT =
  /^(?:acceptance )?(?:criterion|criteria|ac|item|requirement|step|outcome|example|task|point|scenario|test|case|question)\s*#?\d+[.:)]?$/;
/** Filler text: a template's sample paragraph. */
const FILLER = /^lorem ipsum\b/;
/** A template's slot: `<why>`, `<ISSUE-KEY>`, `[reason]`, `{describe the change}`. */
const TEMPLATE_SLOT = /<[^<>\n]*>|\[[^[\]\n]*\]|\{[^{}\n]*\}/g;
/** Where a template slot may start: lines without one skip the slot expression. */
const SLOT_OPENER = /[<[{]/;
/** No letter or digit in any script: `-`, `…`, `...`, `?`, `—`, `~`, `***`. */
const NO_WORD = /^[^\p{L}\p{N}]*$/u;
/** A label with nothing after it ("Unit tests:", "Result: <result>"): a template's line left as it was. */
const LABEL_ONLY = /^[^:\n]{1,60}:$/;

/** A folded line as a vocabulary word: trailing punctuation dropped, inner spaces as one. */
function wordOf(folded: string): string {
  return folded.replace(/[\s.!:;,]+$/, "").replace(/\s+/g, " ");
}

function foldWord(text: string): string {
  return wordOf(foldText(text));
}

const BUILT_IN = new Set(PLACEHOLDER_WORDS);

/**
 * The team's own placeholder words (`evidence.placeholders` in bfd.config.yaml), folded as the built-in ones are.
 * They extend the vocabulary, never replace it: a team cannot make "TBD" count as evidence.
 */
export interface Placeholders {
  readonly words: ReadonlySet<string>;
}

/** No words beyond the built-in vocabulary. */
export const NO_EXTRA_PLACEHOLDERS: Placeholders = { words: new Set() };

/** The team's words, folded as lines are: "À DÉFINIR" and "à\u00A0défi\u200Bnir" are the same word. */
export function placeholderVocabulary(words: readonly string[]): Placeholders {
  const folded = words.map((word) => foldWord(word)).filter((word) => word !== "");
  return folded.length === 0 ? NO_EXTRA_PLACEHOLDERS : { words: new Set(folded) };
}

/** What may follow a placeholder word that announces what is to come: "À définir: with design", "TBD-ish (v2)". */
const ANNOUNCES = /^\s*[:.\-\u2013\u2014(]/;

function isTeamPlaceholder(folded: string, word: string, placeholders: Placeholders): boolean {
  if (placeholders.words.size === 0) return false;
  if (placeholders.words.has(word)) return true;
  for (const placeholder of placeholders.words) {
    if (folded.startsWith(placeholder) && ANNOUNCES.test(folded.slice(placeholder.length))) return true;
  }
  return false;
}

function isPlaceholderLine(line: string, placeholders: Placeholders): boolean {
  const folded = foldText(line);
  if (NO_WORD.test(folded)) return true;
  if (PLACEHOLDER_PREFIX.test(folded) || TO_BE_DECIDED.test(folded) || FILLER.test(folded)) return true;
  const word = wordOf(folded);
  if (BUILT_IN.has(word) || NUMBERED_SLOT.test(word) || isTeamPlaceholder(folded, word, placeholders)) return true;
  const withoutSlots = (SLOT_OPENER.test(folded) ? folded.replace(TEMPLATE_SLOT, "") : folded).trim();
  if (withoutSlots !== folded) return withoutSlots === "" || isPlaceholderLine(withoutSlots, placeholders);
  return LABEL_ONLY.test(folded);
}

/**
 * Text that only holds a place, line by line (every line does): empty or invisible, a placeholder word
 * (TBD/TBA/WIP/TODO/N/A/"Other"/…, also `TODO: …`), "to be defined/decided (with …)", "Criterion 1", lorem ipsum,
 * punctuation only (`-`, `…`, `?`), an "x", a template slot (`<why>`, `<ISSUE-KEY>`), a label with
 * nothing after it ("Unit tests:"), or one of the team's own placeholder words (alone or announcing what is to come).
 */
export function isPlaceholderText(text: string, placeholders: Placeholders = NO_EXTRA_PLACEHOLDERS): boolean {
  if (!LINE_BREAK.test(text)) return isPlaceholderLine(text, placeholders);
  return text.split(/\r\n|\r|\n/).every((line) => isPlaceholderLine(line, placeholders));
}

const LINE_BREAK = /[\r\n]/;
