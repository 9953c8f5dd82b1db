import { posix } from "node:path";
import { globMatcher } from "./globs.js";
import { mustCompilePattern, type Pattern } from "./pattern.js";
import type { AddedLine, ChangedFile } from "./schema.js";

/**
 * Names a merge request introduces (feature flags, first of all): a name caught by a team's pattern in a line the MR
 * adds, and the file that records it. Both the gatherer (to look a record up at the MR's head only when one is missing
 * from the MR) and the rule (to judge) call this one module, so they agree on what "introduced" means.
 */

/** Only the start of a line is matched: a flag call sits near it, and a minified line cannot make the match slow. */
export const MAX_ADDED_LINE_CHARS = 1_000;
/** Added lines kept per file: a generated or vendored file of 100,000 lines is not where a flag is introduced. */
export const MAX_ADDED_LINES_PER_FILE = 5_000;
/** Added lines kept per MR, over all the files the introducers read: the WorkItem (and a snapshot) stays small. */
export const MAX_ADDED_LINES_PER_MERGE_REQUEST = 50_000;
/** Names reported per MR: past this many, the first ones already say what to fix. */
export const MAX_INTRODUCED_NAMES = 200;

export interface NameIntroducer {
  /** Globs of the files whose added lines are read. */
  files: readonly string[];
  /** RE2 pattern with a named group `name`, already validated when the rules loaded. */
  pattern: string;
}

export interface IntroducedName {
  name: string;
  path: string;
  /** The line at the MR's head. */
  line: number;
}

/**
 * The lines a unified diff adds, numbered as at the new side: `+` lines after a `@@ -a,b +c,d @@` header (never the
 * `+++` file header), cut to MAX_ADDED_LINE_CHARS, at most MAX_ADDED_LINES_PER_FILE. Linear in the diff.
 */
export function addedLinesOfDiff(diff: string): AddedLine[] {
  const added: AddedLine[] = [];
  let next: number | null = null;
  let start = 0;
  while (start <= diff.length && added.length < MAX_ADDED_LINES_PER_FILE) {
    const end = diff.indexOf("\n", start);
    const stop = end === -1 ? diff.length : end;
    const first = diff[start];
    if (first === "@") {
      const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(diff.slice(start, Math.min(stop, start + 100)));
      next = header === null ? null : Number(header[1]);
    } else if (next !== null && first === "+") {
      added.push({ line: next, text: diff.slice(start + 1, Math.min(stop, start + 1 + MAX_ADDED_LINE_CHARS)) });
      next += 1;
    } else if (next !== null && first === " ") {
      next += 1;
    } else if (first === "d") {
      // `diff --git …`: the next file of a git patch; its `---`/`+++` headers come before its first `@@`. (Inside a
      // hunk every line starts with " ", "+", "-" or "\\", so a removed `-- comment` line is never taken for one.)
      next = null;
    }
    if (end === -1) break;
    start = end + 1;
  }
  return added;
}

/**
 * A `git diff` of several files: the added lines of each, by its new path (from `+++ b/<path>`; a deleted file,
 * `+++ /dev/null`, adds none).
 */
export function addedLinesByFile(patch: string): Map<string, AddedLine[]> {
  const byFile = new Map<string, AddedLine[]>();
  const parts = patch.split(/^diff --git /m).slice(1);
  for (const part of parts) {
    const target = /^\+\+\+ b\/(.*)$/m.exec(part);
    if (target === null) continue;
    const hunks = part.indexOf("\n@@");
    byFile.set(target[1]!, hunks === -1 ? [] : addedLinesOfDiff(part.slice(hunks + 1)));
  }
  return byFile;
}

/** Every name the added lines of `changes` introduce, first occurrence of each (by path, then line). */
export function introducedNames(
  changes: readonly ChangedFile[],
  introducers: readonly NameIntroducer[],
): IntroducedName[] {
  const compiled: { matches: (path: string) => boolean; pattern: Pattern }[] = introducers.map((i) => ({
    matches: globMatcher(i.files),
    pattern: mustCompilePattern(i.pattern),
  }));
  const found = new Map<string, IntroducedName>();
  // By path in code-point order, as git lists them (a locale-aware comparison would load ICU's collator for it).
  const files = [...changes]
    .filter((f) => !f.deletedFile)
    .sort((a, b) => (a.newPath < b.newPath ? -1 : a.newPath > b.newPath ? 1 : 0));
  for (const file of files) {
    const applying = compiled.filter((c) => c.matches(file.newPath));
    if (applying.length === 0) continue;
    for (const added of file.addedLines ?? []) {
      for (const { pattern } of applying) {
        const name = pattern.group(added.text.slice(0, MAX_ADDED_LINE_CHARS), "name");
        if (name === null || name === "" || found.has(name)) continue;
        found.set(name, { name, path: file.newPath, line: added.line });
        if (found.size >= MAX_INTRODUCED_NAMES) return [...found.values()];
      }
    }
  }
  return [...found.values()];
}

/** The file among `paths` that records `name`: one matching the record globs whose basename, less its extension, is the name. */
export function recordFor(name: string, paths: readonly string[], recordGlobs: readonly string[]): string | undefined {
  const isRecord = globMatcher(recordGlobs);
  return paths.find((path) => isRecord(path) && stem(path) === name);
}

function stem(path: string): string {
  const base = posix.basename(path);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? base : base.slice(0, dot);
}

/**
 * The folder to list for each record glob: its path up to the first segment with a wildcard (`config/feature_flags`
 * for `config/feature_flags/**\/*.yml`), "" for a glob that starts with one (the whole repository).
 */
export function staticPrefix(glob: string): string {
  const segments = glob.split("/");
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\]{}!]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join("/");
}
