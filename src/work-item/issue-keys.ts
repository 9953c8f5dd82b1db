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

/** Issue keys anywhere in the text (bare keys and linear.app issue URLs), upper-cased, in order, unique. */
export function findIssueKeys(text: string): string[] {
  const keys: string[] = [];
  // A Linear URL is matched whole, so its slug (`/ENG-1/upgrade-to-node-20`) does not yield NODE-20.
  const re = new RegExp(
    `${LINEAR_URL_SOURCE}${LINEAR_URL_TAIL_SOURCE}|(?<![A-Za-z0-9])${KEY_SOURCE}(?![A-Za-z0-9])`,
    "g",
  );
  for (const m of text.matchAll(re)) {
    const key = m[1] === undefined ? normaliseKey(m[3]!, m[4]!) : normaliseKey(m[1], m[2]!);
    if (!keys.includes(key)) keys.push(key);
  }
  return keys;
}

/** Keys named in a branch name: word boundaries there include `/`, `_` and `-` (jdoe/eng-123-add-login). */
export function findKeysInBranch(branch: string): string[] {
  const keys: string[] = [];
  const re = new RegExp(`(?<![A-Za-z0-9])${KEY_SOURCE}(?![0-9])`, "g");
  for (const m of branch.matchAll(re)) {
    const key = normaliseKey(m[1]!, m[2]!);
    // feature-41, release-2, hotfix-7 and utf-8 name a kind of branch or a standard, not an issue.
    if (
      !keys.includes(key) &&
      !NOT_ISSUE_PREFIXES.has(m[1]!.toUpperCase()) &&
      !BRANCH_TYPE_PREFIXES.has(m[1]!.toUpperCase())
    )
      keys.push(key);
  }
  return keys;
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

export interface MagicReference {
  key: string;
  word: string;
  closing: boolean;
}

/**
 * Keys referenced after a magic word: `Closes ENG-1, ENG-2`, `Fixes https://linear.app/acme/issue/ENG-3/x`,
 * `Part of ENG-4`. A bare key with no magic word is not a reference (Linear does not link it either).
 */
export function magicReferences(text: string): MagicReference[] {
  const words = [...CLOSING_WORDS, ...LINKING_WORDS]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/ /g, "\\s+"));
  const ref = `(?:${LINEAR_URL_SOURCE}${LINEAR_URL_TAIL_SOURCE}|${KEY_SOURCE})`;
  const separator = "(?:\\s*,\\s*(?:and\\s+)?|\\s+and\\s+)";
  const re = new RegExp(`\\b(${words.join("|")})\\b:?\\s+(${ref}(?:${separator}${ref})*)`, "gi");
  const out: MagicReference[] = [];
  for (const m of text.matchAll(re)) {
    const word = m[1]!.toLowerCase().replace(/\s+/g, " ");
    const closing = (CLOSING_WORDS as readonly string[]).includes(word);
    for (const key of findIssueKeys(m[2]!)) out.push({ key, word, closing });
  }
  return out;
}

/** Pulls the key out of `ENG-123` or a Linear issue URL; null when the text is neither. */
export function keyFromReference(input: string): string | null {
  const trimmed = input.trim();
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
