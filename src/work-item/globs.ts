import { RE2JS } from "re2js";
import { z } from "zod";
import type { ChangedFile } from "./schema.js";

/**
 * Globs over repository-relative paths, matched in time linear in the path: each glob becomes a small automaton,
 * run over the path once with all its states at a time (as RE2 runs), never a backtracking regex. (picomatch's
 * regexes took ~40 s for `**\/*_*_*_*_*.sql` against a 250-character file name a merge request can add.) Its
 * meaning is that of the RE2 expression `globExpression` writes, which the rule loader compiles to validate a glob
 * and the tests compare the automaton with; matching needs no RE2, so a gate compiles no expression per glob.
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
  const include = automaton(
    globs.filter((g) => !g.startsWith("!")),
    options,
  );
  const exclude = automaton(
    globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1)),
    options,
  );
  return (path) => include !== null && include(path) && !(exclude !== null && exclude(path));
}

/** The same matcher through RE2 (`globExpression`): the definition the automaton is tested against. */
export function globMatcherRE2(globs: readonly string[], options: GlobOptions = {}): (path: string) => boolean {
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

/**
 * Trees a project vendors, installs or generates, and files that only keep a folder in git: never this project's
 * notes, docs or UI (#22). Both at the root (Go, Rails, PHP) and in each package of a monorepo.
 */
export const NOT_THE_PROJECTS_OWN: readonly string[] = [
  "vendor/**",
  "**/vendor/**",
  "node_modules/**",
  "**/node_modules/**",
  "bower_components/**",
  "**/bower_components/**",
  "third_party/**",
  "**/third_party/**",
  "third-party/**",
  "**/third-party/**",
  "**/.yarn/**",
  "**/site-packages/**",
  "**/.gitkeep",
  "**/.keep",
];

let notTheProjectsOwn: ((path: string) => boolean) | null = null;

/** A path in a vendored or generated tree, or a folder's keep-file (see NOT_THE_PROJECTS_OWN). */
export function isNotTheProjectsOwn(path: string): boolean {
  notTheProjectsOwn ??= globMatcher(NOT_THE_PROJECTS_OWN, { ignoreCase: true });
  return notTheProjectsOwn(path);
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
 * CHANGELOG.md, or renaming it to something else, is no update of it; nor is moving it without changing it.
 */
export function changedInto(
  changes: readonly ChangedFile[],
  globs: readonly string[],
  options: GlobOptions = {},
): ChangedFile[] {
  const matches = globMatcher(globs, options);
  return changes.filter((f) => !f.deletedFile && f.renamedOnly !== true && matches(f.newPath));
}

function union(globs: readonly string[], options: GlobOptions): RE2JS | null {
  if (globs.length === 0) return null;
  return RE2JS.compile(globExpression(globs), options.ignoreCase === true ? RE2JS.CASE_INSENSITIVE : 0);
}

/** The globs (brace-free or not) as one RE2 expression over a whole path. */
export function globExpression(globs: readonly string[]): string {
  const sources = globs.flatMap((glob) => expandBraces(glob) ?? [glob]).map(translate);
  return `^(?:${sources.join("|")})$`;
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

// --- The automaton ------------------------------------------------------------------------------------------------

/**
 * One step of a glob's automaton; each mirrors a piece of the RE2 expression `translate` writes:
 * `char`/`class`/`one` consume one character, `star` is `[^/]*`, `segments` is `(?:[^/]*\/)*` (a globstar before
 * more segments), `tail` is `(?:\/.*)?` (a trailing globstar), `all` is `.*` (a glob that is only `**`).
 */
type Step =
  | { kind: "char"; code: number }
  | { kind: "one" }
  | { kind: "class"; negated: boolean; ranges: number[] }
  | { kind: "star" }
  | { kind: "segments" }
  | { kind: "tail" }
  | { kind: "all" };

const SLASH = 0x2f;

/** A brace-free glob as steps, following `translate` and `translateSegment` piece by piece. */
function stepsOf(glob: string): Step[] {
  const segments = glob
    .replace(/^(?:\.\/)+/, "")
    .split("/")
    .filter((segment, i, all) => !(segment === "**" && all[i - 1] === "**"));
  const steps: Step[] = [];
  let needSlash = false;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === "**") {
      if (i === 0 && last) steps.push({ kind: "all" });
      else if (last) steps.push({ kind: "tail" });
      else {
        if (needSlash) steps.push({ kind: "char", code: SLASH });
        steps.push({ kind: "segments" });
      }
      needSlash = false;
      return;
    }
    if (needSlash) steps.push({ kind: "char", code: SLASH });
    segmentSteps(segment, steps);
    needSlash = true;
  });
  return steps;
}

function segmentSteps(segment: string, steps: Step[]): void {
  for (let i = 0; i < segment.length; i += 1) {
    const c = segment[i]!;
    if (c === "\\") {
      // By code point, as RE2 reads the quoted character (with the rest of a surrogate pair after it).
      if (i + 1 < segment.length) {
        const code = segment.codePointAt(i + 1)!;
        steps.push({ kind: "char", code });
        i += code > 0xffff ? 1 : 0;
      }
      i += 1;
    } else if (c === "*") {
      while (segment[i + 1] === "*") i += 1;
      steps.push({ kind: "star" });
    } else if (c === "?") {
      steps.push({ kind: "one" });
    } else if (c === "[") {
      const cls = classStep(segment, i);
      if (cls === null) steps.push({ kind: "char", code: 0x5b });
      else {
        steps.push(cls.step);
        i = cls.end;
      }
    } else {
      const code = segment.codePointAt(i)!;
      steps.push({ kind: "char", code });
      if (code > 0xffff) i += 1;
    }
  }
}

/**
 * A `[…]` class as `translateClass` writes it for RE2, read as RE2 reads it (Perl classes): members are escaped
 * characters and unescaped `-`; a member, `-` and a member make a range; any other `-` is itself.
 */
function classStep(segment: string, start: number): { step: Step; end: number } | null {
  let i = start + 1;
  let negated = false;
  if (segment[i] === "!" || segment[i] === "^") {
    negated = true;
    i += 1;
  }
  // Members as RE2 sees them: a code point, or RANGE_DASH for an unescaped `-`.
  const members: number[] = [];
  for (let first = true; i < segment.length; first = false) {
    let c = String.fromCodePoint(segment.codePointAt(i)!);
    if (c === "]" && !first) {
      if (members.length === 0) return null;
      return { step: { kind: "class", negated, ranges: rangesOf(members) }, end: i };
    }
    if (c === "\\" && i + 1 < segment.length) {
      i += 1;
      c = String.fromCodePoint(segment.codePointAt(i)!);
      members.push(c.codePointAt(0)!);
    } else if (c === "-" && !first && segment[i + 1] !== "]") {
      members.push(RANGE_DASH);
    } else {
      members.push(c.codePointAt(0)!);
    }
    i += c.length;
  }
  return null;
}

const RANGE_DASH = -1;

function rangesOf(members: readonly number[]): number[] {
  const ranges: number[] = [];
  for (let k = 0; k < members.length; k += 1) {
    const lo = members[k] === RANGE_DASH ? 0x2d : members[k]!;
    if (members[k + 1] === RANGE_DASH && k + 2 < members.length) {
      const hi = members[k + 2] === RANGE_DASH ? 0x2d : members[k + 2]!;
      ranges.push(lo, hi);
      k += 2;
    } else ranges.push(lo, lo);
  }
  return ranges;
}

const variantsCache = new Map<number, number[]>();

/** A character and its case variants, as RE2's case folding relates them (approximated by upper and lower case). */
function variantsOf(code: number): number[] {
  let variants = variantsCache.get(code);
  if (variants !== undefined) return variants;
  const c = String.fromCodePoint(code);
  const out = new Set([code]);
  for (const v of [c.toLowerCase(), c.toUpperCase(), c.toUpperCase().toLowerCase(), c.toLowerCase().toUpperCase()])
    if ([...v].length === 1) out.add(v.codePointAt(0)!);
  variants = [...out];
  variantsCache.set(code, variants);
  return variants;
}

function inRanges(ranges: readonly number[], code: number): boolean {
  for (let r = 0; r < ranges.length; r += 2) if (code >= ranges[r]! && code <= ranges[r + 1]!) return true;
  return false;
}

/**
 * Whether step `step` consumes the character `code` (never `/` unless the step says so); `variants` is the
 * character with its case variants when matching ignores case, else just the character.
 */
function consumes(step: Step, code: number, variants: readonly number[]): boolean {
  switch (step.kind) {
    case "char":
      return step.code === code || (variants.length > 1 && variants.some((v) => variantsOf(step.code).includes(v)));
    case "one":
      return code !== SLASH;
    case "class":
      return code !== SLASH && variants.some((v) => inRanges(step.ranges, v)) !== step.negated;
    default:
      return false;
  }
}

/**
 * The globs as one matcher: a simulation of their automata over the path's characters, all states at once, so
 * the time is the path's length times the glob's; null for no globs.
 */
function automaton(globs: readonly string[], options: GlobOptions): ((path: string) => boolean) | null {
  if (globs.length === 0) return null;
  const ignoreCase = options.ignoreCase === true;
  const programs = globs
    .flatMap((glob) => expandBraces(glob) ?? [glob])
    .map((glob) => program(stepsOf(glob), ignoreCase));
  if (!ignoreCase) return (path) => programs.some((matches) => matches(path, null));
  return (path) => {
    const folded = isAscii(path) ? path.toUpperCase() : null;
    return programs.some((matches) => matches(path, folded));
  };
}

/** Only ASCII characters (a path that is, as nearly all are, can be compared in upper case). */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The characters a run of `char` steps stands for, as a string. */
const literal = (steps: readonly Step[]): string =>
  steps.map((step) => String.fromCodePoint((step as { code: number }).code)).join("");

const isChars = (steps: readonly Step[]): boolean => steps.every((step) => step.kind === "char");

/**
 * The shapes most globs have, as plain string tests that mean exactly what the automaton means (when case matters):
 * `LIT`, `**\/LIT`, `LIT/**`, `**\/LIT/**`, `**\/*LIT` (LIT without a slash), `**`.
 */
function shapeMatcher(steps: readonly Step[]): ((path: string) => boolean) | null {
  const n = steps.length;
  const first = steps[0]?.kind;
  const last = steps[n - 1]?.kind;
  if (n === 1 && first === "all") return () => true;
  if (isChars(steps)) {
    const exact = literal(steps);
    return (path) => path === exact;
  }
  // (?:[^/]*/)*LIT: LIT, or anything ending in a slash, then LIT.
  if (first === "segments" && isChars(steps.slice(1))) {
    const lit = literal(steps.slice(1));
    return (path) => path === lit || path.endsWith(`/${lit}`);
  }
  // LIT(?:/.*)?: LIT, or LIT, a slash and anything.
  if (last === "tail" && isChars(steps.slice(0, -1))) {
    const lit = literal(steps.slice(0, -1));
    return (path) => path === lit || path.startsWith(`${lit}/`);
  }
  // (?:[^/]*/)*LIT(?:/.*)?: LIT as whole segments anywhere.
  if (first === "segments" && last === "tail" && n > 2 && isChars(steps.slice(1, -1))) {
    const lit = literal(steps.slice(1, -1));
    return (path) =>
      path === lit || path.startsWith(`${lit}/`) || path.endsWith(`/${lit}`) || path.includes(`/${lit}/`);
  }
  // (?:[^/]*/)*[^/]*LIT with no slash in LIT: the path's last segment ends with LIT.
  if (first === "segments" && steps[1]?.kind === "star" && n > 2 && isChars(steps.slice(2))) {
    const lit = literal(steps.slice(2));
    if (!lit.includes("/"))
      return (path) => path.endsWith(lit) && path.length - path.lastIndexOf("/") - 1 >= lit.length;
  }
  return null;
}

/**
 * One brace-free glob as a matcher of a path (and, when case is ignored, the path in upper case if it is ASCII).
 * Ignoring case, an ASCII path against a glob of ASCII text without classes is the path in upper case against the
 * glob in upper case (for ASCII letters, RE2's case folding is exactly that); anything else runs the automaton.
 */
function program(steps: readonly Step[], ignoreCase: boolean): (path: string, folded: string | null) => boolean {
  if (!ignoreCase) {
    const matches = caseSensitive(steps);
    return (path) => matches(path);
  }
  const plain = steps.every((step) => step.kind !== "class" && (step.kind !== "char" || step.code < 0x80));
  const upper = plain
    ? caseSensitive(
        steps.map((step) =>
          step.kind === "char"
            ? { kind: "char", code: String.fromCharCode(step.code).toUpperCase().charCodeAt(0) }
            : step,
        ),
      )
    : null;
  const sets = [new Uint8Array(2 * steps.length + 1), new Uint8Array(2 * steps.length + 1)] as const;
  return (path, folded) => (upper !== null && folded !== null ? upper(folded) : run(steps, path, true, sets));
}

/**
 * A matcher that minds case. Most globs have one of a few shapes (shapeMatcher); the others mostly start or end
 * with fixed text, and a path that lacks it is refused without running the automaton.
 */
function caseSensitive(steps: readonly Step[]): (path: string) => boolean {
  const shaped = shapeMatcher(steps);
  if (shaped !== null) return shaped;
  let head = 0;
  while (head < steps.length && steps[head]!.kind === "char") head += 1;
  let tail = steps.length;
  while (tail > head && steps[tail - 1]!.kind === "char") tail -= 1;
  const prefix = literal(steps.slice(0, head));
  const suffix = literal(steps.slice(tail));
  const sets = [new Uint8Array(2 * steps.length + 1), new Uint8Array(2 * steps.length + 1)] as const;
  return (path) =>
    path.length >= prefix.length + suffix.length &&
    path.startsWith(prefix) &&
    path.endsWith(suffix) &&
    run(steps, path, false, sets);
}

/**
 * States: `2·i` is "before step i"; `2·i + 1` is "inside step i" for the steps that loop (`segments` inside a
 * segment, `tail` after its slash). `2·steps.length` accepts. `sets` are two scratch state sets of that size.
 */
/** Adds state `s` to `set`, with the states it reaches without consuming a character. */
function addState(steps: readonly Step[], set: Uint8Array, s: number): void {
  const accept = 2 * steps.length;
  while (set[s] === 0) {
    set[s] = 1;
    if (s === accept || s % 2 === 1) {
      // Inside `tail`, the expression may end: `(?:/.*)?` matched.
      if (s % 2 === 1 && steps[(s - 1) / 2]!.kind === "tail") addState(steps, set, s + 1);
      return;
    }
    const kind = steps[s / 2]!.kind;
    // star, segments, tail and all may all match nothing.
    if (kind === "star" || kind === "segments" || kind === "tail" || kind === "all") s += 2;
    else return;
  }
}

function run(
  steps: readonly Step[],
  path: string,
  ignoreCase: boolean,
  sets: readonly [Uint8Array, Uint8Array],
): boolean {
  const accept = 2 * steps.length;
  let [current, next] = sets;
  current.fill(0);
  addState(steps, current, 0);
  for (let at = 0; at < path.length; at += 1) {
    const code = path.codePointAt(at)!;
    if (code > 0xffff) at += 1;
    const variants = ignoreCase ? variantsOf(code) : [code];
    next.fill(0);
    let alive = false;
    for (let s = 0; s < accept; s += 1) {
      if (current[s] === 0) continue;
      const step = steps[s >> 1]!;
      const inside = s % 2 === 1;
      switch (step.kind) {
        case "char":
        case "one":
        case "class":
          if (consumes(step, code, variants)) addState(steps, next, s + 2);
          break;
        case "star":
          if (code !== SLASH) addState(steps, next, s);
          break;
        case "segments":
          // `[^/]*` then `/`, as often as it likes: inside a segment until a slash ends it.
          if (code === SLASH) addState(steps, next, s - (inside ? 1 : 0));
          else addState(steps, next, inside ? s : s + 1);
          break;
        case "tail":
          // `/` first, then anything.
          if (inside) addState(steps, next, s);
          else if (code === SLASH) addState(steps, next, s + 1);
          break;
        case "all":
          addState(steps, next, s);
          break;
      }
    }
    for (let s = 0; s <= accept; s += 1) if (next[s] === 1) alive = true;
    if (!alive) return false;
    [current, next] = [next, current];
  }
  return current[accept] === 1;
}
