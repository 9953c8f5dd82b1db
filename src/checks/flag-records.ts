import { parse } from "yaml";
import { z } from "zod";
import { isPlaceholderText, type Placeholders } from "../markdown/placeholder.js";
import { GlobsSchema, globMatcher } from "../work-item/globs.js";
import { defineCheck, fail, listForMessage, pass, skip } from "./types.js";
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

/** Every feature-flag record the MR touches fills in rollout state, communication, help-doc timing and retirement. */
export const flagRecords = defineCheck({
  id: "flag-records",
  description: "Every feature-flag record file the merge request adds or changes fills in the required fields (YAML).",
  options: Options,
  hint: "Fill in {{missing}} in each feature-flag record: {{records}}.",
  hintData: ["missing", "records"],
  needs: (o) => [{ files: o.paths }],
  run: (item, o, context) => {
    const mr = item.mergeRequest!;
    // A record lives at its new path: one deleted or moved out of the flag folders is no longer a record to fill in
    // (and its content is not read, as sources read the new paths that match).
    const isRecord = globMatcher(o.paths);
    const touched = mr.changes.filter((f) => !f.deletedFile && isRecord(f.newPath));
    if (touched.length === 0) return skip("No feature-flag record touched");
    const problems: string[] = [];
    const missingFields = new Set<string>();
    const evidence: string[] = [];
    for (const file of touched) {
      const record = mr.files.find((r) => r.path === file.newPath);
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
      const missing = o.requiredFields.filter((f) => !isFilled(fields[f], context.placeholders));
      missing.forEach((m) => missingFields.add(m));
      evidence.push(`${file.newPath}: ${missing.length === 0 ? "complete" : `missing ${missing.join(", ")}`}`);
      if (missing.length > 0) problems.push(`${file.newPath} lacks ${missing.join(", ")}`);
    }
    // With only unreadable or invalid records there is no field list: the hint still reads as a sentence.
    const missing =
      missingFields.size > 0 ? [...missingFields].join(", ") : `valid YAML with ${o.requiredFields.join(", ")}`;
    const data = { missing, records: touched.map((f) => f.newPath).join(", ") };
    if (problems.length > 0)
      return fail(`Feature-flag record incomplete: ${listForMessage(problems, 3)}`, evidence, data);
    return pass(`${plural(touched.length, "feature-flag record")} complete`, evidence, data);
  },
});
