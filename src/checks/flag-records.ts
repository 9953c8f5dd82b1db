import { parse } from "yaml";
import { z } from "zod";
import { isPlaceholderText, type Placeholders } from "../markdown/placeholder.js";
import { GlobsSchema, globMatcher } from "../work-item/globs.js";
import { introducedNames, recordFor, type IntroducedName } from "../work-item/introduced-names.js";
import { compilePattern } from "../work-item/pattern.js";
import type { ChangedFile, FileContent } from "../work-item/schema.js";
import { defineCheck, error, fail, listForMessage, pass, skip } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    paths: GlobsSchema.default([
      "config/feature_flags/**/*.yml",
      "config/feature_flags/**/*.yaml",
      "feature-flags/**/*.yml",
      "feature-flags/**/*.yaml",
    ]).describe("Globs of feature-flag record files."),
    requiredFields: z
      .array(z.string().min(1))
      .min(1)
      .default(["rollout_state", "communication", "help_docs", "retirement"])
      .describe("Top-level fields every touched flag record must fill in."),
    introducedBy: z
      .array(
        z
          .object({
            files: GlobsSchema.describe("Globs of the files whose added lines may introduce a flag."),
            pattern: z
              .string()
              .min(1)
              .describe(
                "RE2 pattern with a named group `name` (`(?P<name>…)`): an added line it matches introduces the flag it names (the first 1,000 characters of each line are read).",
              ),
          })
          .strict(),
      )
      .default([
        {
          // GitLab's own convention (doc/development/feature_flags: Feature.enabled?(:my_flag, project),
          // push_frontend_feature_flag(:my_flag, project) in controllers and views).
          files: ["**/*.rb", "**/*.haml"],
          pattern: "(?:Feature\\.(?:enabled|disabled)\\?|push_frontend_feature_flag)\\(\\s*:(?P<name>[A-Za-z0-9_]+)",
        },
        {
          // The common JS/TS SDK calls: Unleash's useFlag('name') and isEnabled('name'), LaunchDarkly's
          // variation('name', …).
          files: ["**/*.{js,jsx,ts,tsx,vue}"],
          pattern: "\\b(?:useFlag|isEnabled|variation)\\(\\s*['\"`](?P<name>[A-Za-z0-9_.-]+)['\"`]",
        },
      ])
      .describe(
        "Where a merge request introduces a flag: an added line (a `+` line of its diff) of a file matching `files` that matches `pattern`, whose group `name` is the flag. A flag introduced with no record in the MR and none in the repository fails. `[]` turns this off.",
      ),
  })
  .strict();

/**
 * A required field says something in words: text that is not a placeholder (TBD, "to be decided", `-`; see
 * placeholder.ts), or a mapping or list whose every value does (one filled key of several is no record). A boolean,
 * a number, NaN, `null` or `!!binary` bytes where a sentence belongs are no answer. Inside a mapping or list a
 * number (`percentage: 25`) or `true` is a value; `false`, `null` and NaN say nothing there either.
 */
function isFilled(value: unknown, placeholders: Placeholders, nested = false): boolean {
  if (typeof value === "string") return !isPlaceholderText(value, placeholders);
  if (nested && typeof value === "number") return Number.isFinite(value);
  if (nested && value === true) return true;
  if (value instanceof Uint8Array || value === null || typeof value !== "object") return false;
  const values = Array.isArray(value) ? value : Object.values(value);
  return values.length > 0 && values.every((v) => isFilled(v, placeholders, true));
}

/**
 * Every feature-flag record the MR touches fills in rollout state, communication, help-doc timing and retirement, and
 * every flag the MR's added lines introduce has a record: in the MR, or already at its head (read only then).
 */
export const flagRecords = defineCheck({
  id: "flag-records",
  description:
    "Every feature-flag record file the merge request adds or changes fills in the required fields (YAML), and every flag its added lines introduce has a record (in the MR, or already in the repository at its head).",
  options: Options,
  hint: "Fill in {{missing}} in each feature-flag record: {{records}}.",
  hintData: ["missing", "records"],
  needs: (o) => [
    { files: o.paths },
    ...(o.introducedBy.length === 0
      ? []
      : [{ introducedNames: { introducers: o.introducedBy, records: o.paths } } as const]),
  ],
  validate: (o) =>
    o.introducedBy.flatMap((introducer, i) => {
      const compiled = compilePattern(introducer.pattern);
      if ("error" in compiled) return [`introducedBy[${i}].pattern: ${compiled.error}`];
      return compiled.groupNames.includes("name")
        ? []
        : [`introducedBy[${i}].pattern: has no group named "name" to catch the flag with: write (?P<name>…)`];
    }),
  run: (item, o, context) => {
    const mr = item.mergeRequest!;
    // A record lives at its new path: one deleted or moved out of the flag folders is no longer a record to fill in
    // (and its content is not read, as sources read the new paths that match).
    const isRecord = globMatcher(o.paths);
    const touched = mr.changes.filter((f) => !f.deletedFile && isRecord(f.newPath));
    // A flag the MR introduces and does not record itself is new to the repository unless its record is already
    // there (read at the MR's head, only for such flags).
    const introduced = introducedNames(mr.changes, o.introducedBy);
    const touchedPaths = touched.map((f) => f.newPath);
    const unrecorded = introduced.filter((flag) => recordFor(flag.name, touchedPaths, o.paths) === undefined);
    if (unrecorded.length > 0 && mr.existingFiles === null)
      return error(
        `Could not tell whether ${listForMessage(
          unrecorded.map((f) => f.name),
          3,
        )} already ${unrecorded.length === 1 ? "has a record" : "have records"}: the repository's records were not read`,
        [],
        newRecordsData(unrecorded, o.paths, o.requiredFields),
      );
    const unknown = unrecorded.filter((flag) => recordFor(flag.name, mr.existingFiles ?? [], o.paths) === undefined);
    const atHead = unrecorded
      .filter((flag) => !unknown.includes(flag))
      .map((f) => `${f.path}:${f.line}: introduces ${f.name}; its record is already in the repository`);
    if (touched.length === 0 && unknown.length === 0) {
      if (introduced.length > 0)
        return pass(
          `${listForMessage(
            introduced.map((f) => f.name),
            3,
          )}: already recorded in the repository`,
          atHead,
        );
      return skip("No feature-flag record touched");
    }
    const judged = judgeRecords(touched, mr.files, o.requiredFields, context.placeholders);
    if (unknown.length > 0) {
      const data = newRecordsData(unknown, o.paths, o.requiredFields);
      const incomplete =
        judged.problems.length === 0 ? "" : `; record incomplete: ${listForMessage(judged.problems, 2)}`;
      return fail(
        `New feature flag without a record: ${listForMessage(
          unknown.map((f) => `${f.name} (${f.path}:${f.line}) has no record`),
          3,
        )}${incomplete}`,
        [
          ...unknown.map(
            (f) => `${f.path}:${f.line}: introduces ${f.name}; add ${newRecord(f, o.paths)} with ${data.missing}`,
          ),
          ...judged.evidence,
          ...atHead,
        ],
        data,
      );
    }
    // With only unreadable or invalid records there is no field list: the hint still reads as a sentence.
    const missing =
      judged.missingFields.size > 0
        ? [...judged.missingFields].join(", ")
        : `valid YAML with ${o.requiredFields.join(", ")}`;
    const data = { missing, records: touched.map((f) => f.newPath).join(", ") };
    const evidence = [...judged.evidence, ...atHead];
    if (judged.problems.length > 0)
      return fail(`Feature-flag record incomplete: ${listForMessage(judged.problems, 3)}`, evidence, data);
    return pass(`${plural(touched.length, "feature-flag record")} complete`, evidence, data);
  },
});

/** Each touched record parsed and checked for the required fields. */
function judgeRecords(
  touched: readonly ChangedFile[],
  files: readonly FileContent[],
  requiredFields: readonly string[],
  placeholders: Placeholders,
): { problems: string[]; evidence: string[]; missingFields: Set<string> } {
  const problems: string[] = [];
  const missingFields = new Set<string>();
  const evidence: string[] = [];
  for (const file of touched) {
    const record = files.find((r) => r.path === file.newPath);
    if (record === undefined) {
      problems.push(`${file.newPath}: content was not read`);
      evidence.push(`${file.newPath}: content was not read`);
      continue;
    }
    let parsed: unknown;
    try {
      // YAML 1.2 core schema (yaml's default) with merge keys, as teams write records from a shared default
      // (`<<: *defaults`); aliases are resolved. logLevel "error": yaml would print its warnings (e.g. an unknown
      // %directive) to stderr in the middle of a gate run.
      parsed = parse(record.content, { merge: true, maxAliasCount: 100, logLevel: "error" });
    } catch {
      problems.push(`${file.newPath}: not valid YAML`);
      evidence.push(`${file.newPath}: not valid YAML`);
      continue;
    }
    const fields =
      parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    const missing = requiredFields.filter((f) => !isFilled(fields[f], placeholders));
    missing.forEach((m) => missingFields.add(m));
    evidence.push(`${file.newPath}: ${missing.length === 0 ? "complete" : `missing ${missing.join(", ")}`}`);
    if (missing.length > 0) problems.push(`${file.newPath} lacks ${missing.join(", ")}`);
  }
  return { problems, evidence, missingFields };
}

function newRecordsData(
  flags: readonly IntroducedName[],
  recordGlobs: readonly string[],
  requiredFields: readonly string[],
): { missing: string; records: string } {
  const records = flags.map((f) => newRecord(f, recordGlobs));
  return { missing: requiredFields.join(", "), records: `new ${listForMessage(records, 3)}` };
}

function newRecord(flag: IntroducedName, recordGlobs: readonly string[]): string {
  return `${recordFolder(recordGlobs)}${flag.name}.yml`;
}

/** Where a new record goes: the first record glob's fixed folder (`config/feature_flags/`). */
function recordFolder(globs: readonly string[]): string {
  const first = globs.find((g) => !g.startsWith("!")) ?? "";
  const cut = first.search(/[*?[{]/);
  const fixed = cut === -1 ? first : first.slice(0, cut);
  return fixed.slice(0, fixed.lastIndexOf("/") + 1);
}
