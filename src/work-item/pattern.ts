import { RE2JS } from "re2js";

/**
 * Patterns in rule files run on RE2 (re2js): matching time is linear in the input, so no pattern a team
 * writes (or a merge request smuggles in) can hang bfd with catastrophic backtracking. RE2 has no
 * look-around and no back-references; `(?i)` turns on case-insensitive matching. Inputs longer than
 * MAX_PATTERN_INPUT are cut before matching, as a second bound.
 */
export const MAX_PATTERN_LENGTH = 1_000;
export const MAX_PATTERN_INPUT = 200_000;

export interface Pattern {
  source: string;
  test(input: string): boolean;
  /** Where the first match is, or null: for rules that read what the pattern left (a link's slug). */
  find(input: string): { start: number; end: number } | null;
  /** The text the named group caught in the first match, or null (no match, or the group took no part in it). */
  group(input: string, name: string): string | null;
  /** The names of the pattern's named groups (`(?P<name>…)` or `(?<name>…)`). */
  groupNames: readonly string[];
}

/** Returns the compiled pattern, or an error message saying what is wrong with it. */
export function compilePattern(
  source: string,
  options: { caseInsensitive?: boolean } = {},
): Pattern | { error: string } {
  if (source.length > MAX_PATTERN_LENGTH) return { error: `pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  try {
    const re = RE2JS.compile(source, options.caseInsensitive === true ? RE2JS.CASE_INSENSITIVE : 0);
    const matcher = (input: string) =>
      re.matcher(input.length > MAX_PATTERN_INPUT ? input.slice(0, MAX_PATTERN_INPUT) : input);
    return {
      source,
      test: (input) => matcher(input).find(),
      find: (input) => {
        const m = matcher(input);
        return m.find() ? { start: m.start(), end: m.end() } : null;
      },
      group: (input, name) => {
        const m = matcher(input);
        return m.find() ? (m.group(name) ?? null) : null;
      },
      groupNames: Object.keys(re.namedGroups()),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      error: `invalid pattern (RE2 syntax: no look-around or back-references): ${message.replace(/^error parsing regexp: /, "")}`,
    };
  }
}

/** For patterns already validated when the rules loaded. */
export function mustCompilePattern(source: string, options: { caseInsensitive?: boolean } = {}): Pattern {
  const compiled = compilePattern(source, options);
  if ("error" in compiled)
    throw new Error(`pattern ${JSON.stringify(source)} was not validated at load: ${compiled.error}`);
  return compiled;
}
