import { RE2JS } from "re2js";
import { z } from "zod";
import type { ChangedFile } from "./schema.js";

/**
 * Globs over repository-relative paths, matched in time linear in the path: each glob becomes an RE2 expression
 * (re2js), never a backtracking regex. (picomatch's regexes took ~40 s for `**\/*_*_*_*_*.sql` against a 250-character
 * file name a merge request can add.)
 *
 * Syntax: `*` any characters but `/`; `?` one character but `/`; `**` as a whole segment, any number of segments
 * (`docs/**` matches `docs` and everything under it, `**\/x` matches `x` at any depth; `**` inside a segment is
 * refused); `[abc]`, `[a-z]`, `[!a]` or
 * `[^a]` one character (never `/`); `{a,b}` alternatives (they may hold `/` and nest); `\` escapes the next
 * character; a leading `!` in a list excludes. Dotfiles match like any file. Extglobs (`?(x)`, `@(a|b)`, …) are
 * refused when the rules load: write `{a,b}` instead.
 */
export const MAX_GLOB_ALTERNATIVES = 256;

/** Why `glob` cannot be used, or null. */
export function globProblem(glob: string): string | null {
  const body = glob.startsWith("!") ? glob.slice(1) : glob;
  if (body === "") return `"${glob}" excludes nothing: write the glob after "!"`;
  if (/(?<!\\)[?*+@!]\(/.test(body))
    return `"${glob}" uses an extglob ("?(…)", "@(…)", …), which bfd does not support: write alternatives as {a,b}`;
  const expanded = expandBraces(body);
  if (expanded === null) return `"${glob}" has more than ${MAX_GLOB_ALTERNATIVES} {…} alternatives`;
  if (expanded.some((g) => g.split("/").some((segment) => segment.includes("**") && segment !== "**")))
    return `"${glob}" has ** inside a path segment; ** stands for whole segments: write e.g. **/*.vue`;
  try {
    union([body], {});
  } catch {
    return `"${glob}" has a [...] class that is not valid (a range like z-a, or a - after a range)`;
  }
  return null;
}

export const GlobsSchema = z
  .array(
    z
      .string()
      .min(1)
      .max(500)
      .superRefine((glob, ctx) => {
        const problem = globProblem(glob);
        if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
      }),
  )
  .min(1);

export interface GlobOptions {
  /** Match letters case-insensitively (`CHANGELOG.md` also matches `changelog.md`). */
  ignoreCase?: boolean;
}

/** A matcher for repository-relative paths; dotfiles match, `!glob` entries exclude. */
export function globMatcher(globs: readonly string[], options: GlobOptions = {}): (path: string) => boolean {
  const include = union(
    globs.filter((g) => !g.startsWith("!")),
    options,
  );
  const exclude = union(
    globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1)),
    options,
  );
  return (path) => include !== null && include.matches(path) && !(exclude !== null && exclude.matches(path));
}

/** Paths a change touches: the new path, and the old path of renames and deletions. */
export function touchedPaths(file: ChangedFile): string[] {
  return file.oldPath !== file.newPath ? [file.newPath, file.oldPath] : [file.newPath];
}

/** Changes that touch a path matching the globs, at either end (a file deleted or renamed away from one too). */
export function changedMatching(
  changes: readonly ChangedFile[],
  globs: readonly string[],
  options: GlobOptions = {},
): ChangedFile[] {
  const matches = globMatcher(globs, options);
  return changes.filter((f) => touchedPaths(f).some(matches));
}

/**
 * Changes after which a file matching the globs exists: its new path matches and it was not deleted. Deleting
 * CHANGELOG.md, or renaming it to something else, is no update of it.
 */
export function changedInto(
  changes: readonly ChangedFile[],
  globs: readonly string[],
  options: GlobOptions = {},
): ChangedFile[] {
  const matches = globMatcher(globs, options);
  return changes.filter((f) => !f.deletedFile && matches(f.newPath));
}

function union(globs: readonly string[], options: GlobOptions): RE2JS | null {
  if (globs.length === 0) return null;
  const sources = globs.flatMap((glob) => expandBraces(glob) ?? [glob]).map(translate);
  return RE2JS.compile(`^(?:${sources.join("|")})$`, options.ignoreCase === true ? RE2JS.CASE_INSENSITIVE : 0);
}

/**
 * `{a,b}` alternatives expanded into separate globs (nested ones too, escapes kept), or null past
 * MAX_GLOB_ALTERNATIVES. A `{` without a matching `}` or without a top-level comma is literal text.
 */
function expandBraces(glob: string): string[] | null {
  const open = findBraceGroup(glob);
  if (open === null) return [glob];
  const { start, end, alternatives } = open;
  const out: string[] = [];
  for (const alternative of alternatives) {
    const expanded = expandBraces(glob.slice(0, start) + alternative + glob.slice(end + 1));
    if (expanded === null) return null;
    out.push(...expanded);
    if (out.length > MAX_GLOB_ALTERNATIVES) return null;
  }
  return out;
}

/** The first `{…}` group with a top-level comma: where it starts and ends, and its alternatives. */
function findBraceGroup(glob: string): { start: number; end: number; alternatives: string[] } | null {
  for (let start = 0; start < glob.length; start += 1) {
    if (glob[start] === "\\") {
      start += 1;
      continue;
    }
    if (glob[start] !== "{") continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < glob.length; i += 1) {
      const c = glob[i];
      if (c === "\\") {
        i += 1;
      } else if (c === "{") {
        depth += 1;
      } else if (c === "}") {
        depth -= 1;
        if (depth === 0) {
          if (commas.length === 0) break;
          const bounds = [start, ...commas, i];
          const alternatives = bounds.slice(1).map((at, k) => glob.slice(bounds[k]! + 1, at));
          return { start, end: i, alternatives };
        }
      } else if (c === "," && depth === 1) {
        commas.push(i);
      }
    }
  }
  return null;
}

/** One brace-free glob as an RE2 expression over a whole path (a leading `./` means the repository root). */
function translate(glob: string): string {
  const segments = glob
    .replace(/^(?:\.\/)+/, "")
    .split("/")
    .filter((segment, i, all) => !(segment === "**" && all[i - 1] === "**"));
  let out = "";
  // Whether the next segment must be preceded by a `/` (a globstar's own expression ends with one).
  let needSlash = false;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") {
      if (i === 0 && last) out += ".*";
      else if (last) out += "(?:/.*)?";
      else {
        if (needSlash) out += "/";
        out += "(?:[^/]*/)*";
      }
      needSlash = false;
      return;
    }
    if (needSlash) out += "/";
    out += translateSegment(segment);
    needSlash = true;
  });
  return out;
}

function translateSegment(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i += 1) {
    const c = segment[i]!;
    if (c === "\\") {
      if (i + 1 < segment.length) out += RE2JS.quote(segment[i + 1]!);
      i += 1;
    } else if (c === "*") {
      while (segment[i + 1] === "*") i += 1;
      out += "[^/]*";
    } else if (c === "?") {
      out += "[^/]";
    } else if (c === "[") {
      const cls = translateClass(segment, i);
      if (cls === null) out += "\\[";
      else {
        out += cls.source;
        i = cls.end;
      }
    } else {
      out += RE2JS.quote(c);
    }
  }
  return out;
}

/** A `[…]` class starting at `start`: its RE2 form and the index of its `]`, or null when it does not close. */
function translateClass(segment: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negated = false;
  if (segment[i] === "!" || segment[i] === "^") {
    negated = true;
    i += 1;
  }
  let body = "";
  // A `]` right after `[` or `[!` is a member, not the end.
  for (let first = true; i < segment.length; first = false) {
    let c = String.fromCodePoint(segment.codePointAt(i)!);
    if (c === "]" && !first) {
      if (body === "") return null;
      return { source: negated ? `[^/${body}]` : `[${body}]`, end: i };
    }
    if (c === "\\" && i + 1 < segment.length) {
      i += 1;
      c = String.fromCodePoint(segment.codePointAt(i)!);
      body += `\\x{${c.codePointAt(0)!.toString(16)}}`;
    } else if (c === "-" && !first && segment[i + 1] !== "]") {
      body += "-";
    } else {
      body += `\\x{${c.codePointAt(0)!.toString(16)}}`;
    }
    i += c.length;
  }
  return null;
}
