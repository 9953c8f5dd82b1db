import { printable } from "../errors.js";
import { asciiIdentifierText, type WrittenSpan } from "../text/normalize.js";
/**
 * Linear issue keys in free text, branch names and merge requests, following Linear's own linking
 * conventions: a key is TEAM-123 where TEAM is 1–10 letters/digits starting with a letter; an MR is linked by
 * the key in its branch, its title, or its description after a magic word.
 */
const KEY_SOURCE = "([A-Za-z][A-Za-z0-9]{0,9})-(\\d{1,7})";
const LINEAR_URL_SOURCE = `https?://linear\\.app/[^/\\s]+/issue/${KEY_SOURCE}`;
/** What follows the key in a linear.app URL (title slug, query, anchor): part of the link, not text to read keys from. */
const LINEAR_URL_TAIL_SOURCE = "(?:[/?#][^\\s,)\\]>\"'<]*)?";

/**
 * Magic words as Linear's GitLab integration documentation lists them (linear.app/docs/gitlab): these close the issue
 * when the MR merges. "implement(s)" is not one of them (only a secondary source listed it).
 */
export const CLOSING_WORDS = [
  "close",
  "closes",
  "closed",
  "closing",
  "fix",
  "fixes",
  "fixed",
  "fixing",
  "resolve",
  "resolves",
  "resolved",
  "resolving",
  "complete",
  "completes",
  "completed",
  "completing",
] as const;

/** Magic words that link the MR to the issue without closing it, from the same page of Linear's docs. */
export const LINKING_WORDS = [
  "ref",
  "refs",
  "references",
  "part of",
  "related to",
  "contributes to",
  "towards",
] as const;

/** Normalises `eng-123` to `ENG-123`. */
export function normaliseKey(team: string, number: string): string {
  return `${team.toUpperCase()}-${String(Number(number))}`;
}

let scanned = 0;
/**
 * Characters the key scanners have been handed so far (each text once, each sticky step what it read): the fuzzer
 * bounds the work per input with it, as it bounds Markdown parsing with `parsedCharacters`.
 */
export function scannedCharacters(): number {
  return scanned;
}

/** A key found in text, and — when a reader would not have seen it as that key — what was written. */
export interface KeyMention {
  key: string;
  /**
   * Set only when the key was read through a look-alike letter or an invisible character, for the rule's evidence:
   * `ЕNG-12 (with a look-alike character) read as ENG-12`. Such a key counts (it is the key to a reader's eye), and
   * it is shown, never silently accepted.
   */
  suspicious?: string;
}

/** The note `KeyMention.suspicious` carries, or undefined when the key was written plainly. */
function suspiciousNote(key: string, span: WrittenSpan): string | undefined {
  if (!span.lookalike && !span.invisible) return undefined;
  const what = span.lookalike ? "with a look-alike character" : "with an invisible character";
  // Invisible characters are spelled out, or the note would show the very key it says the text was read as.
  const shown = printable(span.written, 60).replace(
    /[\p{Cf}\uFE00-\uFE0F\u034F]/gu,
    (c) => `<U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}>`,
  );
  return `${shown} (${what}) read as ${key}`;
}

/** Collects mentions once per key; a key also written plainly somewhere is not suspicious. Linear in the count. */
class Mentions {
  private readonly byKey = new Map<string, KeyMention>();
  add(key: string, span: WrittenSpan): void {
    const note = suspiciousNote(key, span);
    const seen = this.byKey.get(key);
    if (seen === undefined) this.byKey.set(key, note === undefined ? { key } : { key, suspicious: note });
    else if (note === undefined) delete seen.suspicious;
  }
  list(): KeyMention[] {
    return [...this.byKey.values()];
  }
}

const TEXT_KEY_RE = new RegExp(
  `${LINEAR_URL_SOURCE}${LINEAR_URL_TAIL_SOURCE}|(?<![A-Za-z0-9])${KEY_SOURCE}(?![A-Za-z0-9])`,
  "g",
);

/**
 * Issue keys anywhere in the text (bare keys and linear.app issue URLs), upper-cased, in order, once each, read
 * through `asciiIdentifierText`: fullwidth digits, a non-breaking hyphen, zero-width characters and look-alike
 * letters give the same key a reader sees.
 */
export function findIssueKeyMentions(text: string): KeyMention[] {
  const source = asciiIdentifierText(text);
  scanned += text.length;
  const mentions = new Mentions();
  // A Linear URL is matched whole, so its slug (`/ENG-1/upgrade-to-node-20`) does not yield NODE-20.
  for (const m of source.text.matchAll(new RegExp(TEXT_KEY_RE))) {
    const key = m[1] === undefined ? normaliseKey(m[3]!, m[4]!) : normaliseKey(m[1], m[2]!);
    mentions.add(key, source.original(m.index, m.index + m[0].length));
  }
  return mentions.list();
}

/** Issue keys anywhere in the text (see findIssueKeyMentions), upper-cased, in order, unique. */
export function findIssueKeys(text: string): string[] {
  return findIssueKeyMentions(text).map((m) => m.key);
}

const BRANCH_KEY_RE = new RegExp(`(?<![A-Za-z0-9])${KEY_SOURCE}(?![0-9])`, "g");

/**
 * Keys named in a branch name: word boundaries there include `/`, `_` and `-` (jdoe/eng-123-add-login). Read
 * through `asciiIdentifierText` like text, once each, in time linear in the name's length.
 */
export function findBranchKeyMentions(branch: string): KeyMention[] {
  const source = asciiIdentifierText(branch);
  scanned += branch.length;
  const mentions = new Mentions();
  for (const m of source.text.matchAll(new RegExp(BRANCH_KEY_RE))) {
    const team = m[1]!.toUpperCase();
    // feature-41, release-2, hotfix-7 and utf-8 name a kind of branch or a standard, not an issue.
    if (NOT_ISSUE_PREFIXES.has(team) || BRANCH_TYPE_PREFIXES.has(team)) continue;
    mentions.add(normaliseKey(m[1]!, m[2]!), source.original(m.index, m.index + m[0].length));
  }
  return mentions.list();
}

/** Keys named in a branch name (see findBranchKeyMentions). */
export function findKeysInBranch(branch: string): string[] {
  return findBranchKeyMentions(branch).map((m) => m.key);
}

/** Prefixes of names that look like issue keys but are standards, hashes, encodings or versions (UTF-8, SHA-256). */
export const NOT_ISSUE_PREFIXES: ReadonlySet<string> = new Set([
  "UTF",
  "UCS",
  "SHA",
  "MD",
  "ISO",
  "IEC",
  "RFC",
  "CVE",
  "CWE",
  "GPT",
  "ES",
  "ECMA",
  "AES",
  "RSA",
  "HTTP",
  "TLS",
  "SSL",
  "PEP",
  "IEEE",
  "WCAG",
  "COVID",
  "IPV",
  "X",
  "ARM",
  "A",
  "B",
  "V",
  "H",
  "BASE",
  "CRC",
  "P",
  "Q",
  "T",
  "W3C",
  "OWASP",
  "PCI",
  "SOC",
  "GDPR",
  "HIPAA",
  "FIPS",
  "ASCII",
  "KB",
  "MB",
  "GB",
  "TB",
]);

/** Words that start branch names by convention (feature-41, release-2), never issue keys. */
const BRANCH_TYPE_PREFIXES: ReadonlySet<string> = new Set([
  "FEATURE",
  "FEAT",
  "FIX",
  "BUGFIX",
  "HOTFIX",
  "RELEASE",
  "CHORE",
  "DOCS",
  "REFACTOR",
  "TEST",
  "SPIKE",
  "WIP",
  "BUILD",
  "CI",
  "PERF",
  "STYLE",
  "REVERT",
  "DEPS",
  "RENOVATE",
  "DEPENDABOT",
]);

export interface MagicReference extends KeyMention {
  word: string;
  closing: boolean;
}

const MAGIC_WORD_RE = new RegExp(
  `\\b(${[...CLOSING_WORDS, ...LINKING_WORDS]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/ /g, "\\s+"))
    .join("|")})\\b`,
  "gi",
);
/** After the word: a colon, and space within the paragraph (at most one line break). */
const AFTER_WORD = /:?[ \t]*(?:\r?\n[ \t]*)?/y;
/** After the word, a list below it: the rest of the line, blank lines, then the first item's marker. */
const LIST_BELOW = /:?[ \t]*\r?\n(?:[ \t]*\r?\n)*/y;
/** A list item's marker (`-`, `*`, `+`, `1.`, `1)`), with a task box if it has one. */
const ITEM_MARKER = /[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/y;
/** The rest of an item's line, its line break, and blank lines before the next item. */
const ITEM_END = /[^\n]*(?:\n(?:[ \t]*\r?\n)*|$)/y;
/**
 * One reference as people write it: a key or a Linear issue URL, inside Markdown that does not change which issue
 * it names — emphasis, a code span, quotes, brackets, angle brackets, a link (`[ENG-150](https://linear.app/…)`,
 * whose URL is read too) or a reference-style link (`[ENG-150][1]`).
 */
const REFERENCE = new RegExp(
  // A Markdown link to a Linear issue, whatever its text says: `[the login bug](https://linear.app/acme/issue/ENG-9)`.
  `\\[([^\\]\\n]{0,300})\\]\\(\\s*<?${LINEAR_URL_SOURCE}${LINEAR_URL_TAIL_SOURCE}>?(?:\\s+"[^"\\n]*")?\\s*\\)|` +
    `[\`*_~\\[(<"']{0,4}(?:${LINEAR_URL_SOURCE}${LINEAR_URL_TAIL_SOURCE}|${KEY_SOURCE}(?![A-Za-z0-9]))` +
    // The link's destination, then an optional title: no two parts can take the same characters, so a destination
    // that never closes costs one pass, not a pass per character.
    `[\`*_~"']{0,4}(?:\\]\\(\\s*<?([^()\\s<>]*)>?(?:\\s+"[^"\\n]*")?\\s*\\)|\\]\\[[^\\]\\n]{0,999}\\]|[\\])>])?[\`*_~"')\\]>]{0,4}`,
  "y",
);
/** Between two references of one list: commas, "and", "&" (and the Oxford comma). */
const SEPARATOR = /(?:\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+|\s*&\s*)/iy;
const LINEAR_URL_RE = new RegExp(LINEAR_URL_SOURCE, "g");

interface ListRead {
  /** Offsets of each reference's key (or URL) in the text, and the key. */
  refs: { key: string; start: number; end: number }[];
  end: number;
}

function stickyMatch(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  const m = re.exec(text);
  scanned += 1 + (m?.[0].length ?? 0);
  return m;
}

/** The references of one list joined by separators, starting at `at`; null when there is none. */
function readReferenceList(text: string, at: number): ListRead | null {
  const refs: ListRead["refs"] = [];
  let end = at;
  for (let next = at; ;) {
    const m = stickyMatch(REFERENCE, text, next);
    if (m === null) break;
    const start = m.index;
    const refEnd = start + m[0].length;
    if (m[1] !== undefined) {
      refs.push({ key: normaliseKey(m[2]!, m[3]!), start, end: refEnd });
      // The link's text may name an issue too: `[ENG-150](https://linear.app/acme/issue/ENG-151)`.
      for (const k of m[1].matchAll(new RegExp(TEXT_KEY_RE))) {
        const key = k[1] === undefined ? normaliseKey(k[3]!, k[4]!) : normaliseKey(k[1], k[2]!);
        refs.push({ key, start: start + 1 + k.index, end: start + 1 + k.index + k[0].length });
      }
    } else {
      const key = m[4] === undefined ? normaliseKey(m[6]!, m[7]!) : normaliseKey(m[4], m[5]!);
      refs.push({ key, start, end: refEnd });
      // The URL of a Markdown link names an issue too: `[ENG-150](https://linear.app/acme/issue/ENG-151)`.
      if (m[8] !== undefined) {
        const urlStart = start + m[0].indexOf(m[8]);
        for (const u of m[8].matchAll(new RegExp(LINEAR_URL_RE))) {
          refs.push({
            key: normaliseKey(u[1]!, u[2]!),
            start: urlStart + u.index,
            end: urlStart + u.index + u[0].length,
          });
        }
      }
    }
    end = refEnd;
    const separator = stickyMatch(SEPARATOR, text, end);
    if (separator === null) break;
    next = end + separator[0].length;
  }
  return refs.length === 0 ? null : { refs, end };
}

/** The items of a list right below the word (`Closes:` then `- ENG-1`), each starting with references. */
function readListBelow(text: string, at: number): ListRead | null {
  const below = stickyMatch(LIST_BELOW, text, at);
  if (below === null) return null;
  const refs: ListRead["refs"] = [];
  let end = at;
  for (let next = at + below[0].length; ;) {
    const marker = stickyMatch(ITEM_MARKER, text, next);
    if (marker === null) break;
    const list = readReferenceList(text, next + marker[0].length);
    if (list === null) break;
    refs.push(...list.refs);
    end = list.end;
    const rest = stickyMatch(ITEM_END, text, end)!;
    next = end + rest[0].length;
  }
  return refs.length === 0 ? null : { refs, end };
}

/**
 * Keys referenced after a magic word, every key Linear links (NOTES.md, "Magic words take lists"): a list joined
 * by commas, "and" or "&" (`Closes ENG-1, ENG-2 & ENG-3`), the items of a list right below the word (`Closes:` then
 * `- ENG-1`), keys in links, code spans or emphasis, and Linear issue URLs. A bare key with no magic word is not a
 * reference (Linear does not link it either). Read through `asciiIdentifierText`, in time linear in the text.
 */
export function magicReferences(text: string): MagicReference[] {
  const source = asciiIdentifierText(text);
  scanned += text.length;
  const t = source.text;
  const out: MagicReference[] = [];
  const re = new RegExp(MAGIC_WORD_RE);
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const at = m.index + m[0].length;
    const after = stickyMatch(AFTER_WORD, t, at)!;
    const found = readReferenceList(t, at + after[0].length) ?? readListBelow(t, at);
    if (found === null) continue;
    const word = m[1]!.toLowerCase().replace(/\s+/g, " ");
    const closing = (CLOSING_WORDS as readonly string[]).includes(word);
    const seen = new Set<string>();
    for (const ref of found.refs) {
      if (seen.has(ref.key)) continue;
      seen.add(ref.key);
      const note = suspiciousNote(ref.key, source.original(ref.start, ref.end));
      out.push(
        note === undefined ? { key: ref.key, word, closing } : { key: ref.key, word, closing, suspicious: note },
      );
    }
    re.lastIndex = Math.max(re.lastIndex, found.end);
  }
  return out;
}

/**
 * Every key that names the issue: its identifier and the keys it had before it moved to another team (Linear keeps
 * them in `previousIdentifiers`; branches, titles and closing words written before the move still name it).
 */
export function keysOfIssue(issue: { identifier: string; previousIdentifiers: readonly string[] }): string[] {
  return [...new Set([issue.identifier, ...issue.previousIdentifiers].map((key) => key.toUpperCase()))];
}

/** How a key that names the issue is shown: `OLD-7 (ENG-42's key before it moved)` for a previous key. */
export function describeOwnKey(key: string, issue: { identifier: string }): string {
  return key === issue.identifier.toUpperCase() ? key : `${key} (${issue.identifier}'s key before it moved)`;
}

/** Pulls the key out of `ENG-123` or a Linear issue URL; null when the text is neither. */
export function keyFromReference(input: string): string | null {
  // Read like every other key: fullwidth digits, a non-breaking hyphen or a look-alike letter give the same key.
  const trimmed = asciiIdentifierText(input).text.trim();
  const url = new RegExp(`^${LINEAR_URL_SOURCE}(?:[/?#].*)?$`).exec(trimmed);
  if (url !== null) return normaliseKey(url[1]!, url[2]!);
  const bare = new RegExp(`^${KEY_SOURCE}$`).exec(trimmed);
  return bare === null ? null : normaliseKey(bare[1]!, bare[2]!);
}

/** The Linear issue an MR is about: a key in its source branch, then its title, then a magic word in its description. */
export function issueKeyFromMergeRequest(mr: {
  sourceBranch: string;
  title: string;
  description?: string;
}): string | null {
  return issueKeysFromMergeRequest(mr)[0] ?? null;
}

/**
 * Every key an MR names, best first (branch, title, closing words, other magic words), without repeats. Words
 * like `utf-8` in a branch look like keys too, so a caller whose first key is not an issue tries the next.
 */
export function issueKeysFromMergeRequest(mr: { sourceBranch: string; title: string; description?: string }): string[] {
  const refs = magicReferences(mr.description ?? "");
  const keys = [
    ...findKeysInBranch(mr.sourceBranch),
    ...findIssueKeys(mr.title),
    ...refs.filter((r) => r.closing).map((r) => r.key),
    ...refs.map((r) => r.key),
  ];
  return [...new Set(keys)];
}
