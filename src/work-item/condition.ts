import { z } from "zod";
import { changedMatching } from "./globs.js";
import type { EvidenceKey, WorkItem } from "./schema.js";
import { evidenceForPath, getPath, workItemPaths } from "./paths.js";
import { compilePattern, mustCompilePattern } from "./pattern.js";

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
type Scalar = z.infer<typeof Scalar>;

export interface FieldCondition {
  field: string;
  equals?: Scalar;
  in?: Scalar[];
  matches?: string;
  contains?: string;
  exists?: boolean;
  minLength?: number;
  caseInsensitive?: boolean;
}
export type Condition =
  FieldCondition | { changed: string[] } | { all: Condition[] } | { any: Condition[] } | { not: Condition };

const OPERATORS = ["equals", "in", "matches", "contains", "exists", "minLength"] as const;

export const FieldConditionSchema = z
  .object({
    field: z.string().min(1).describe("Dotted WorkItem path, e.g. mergeRequest.state or issue.labels."),
    equals: Scalar.optional(),
    in: z.array(Scalar).optional(),
    matches: z.string().optional().describe("RE2 pattern."),
    contains: z.string().optional().describe("Substring of a string, or an element of a list."),
    exists: z.boolean().optional().describe("true: present and non-empty; false: absent or empty."),
    minLength: z.number().int().min(0).optional(),
    caseInsensitive: z.boolean().optional(),
  })
  .strict()
  .refine((c) => OPERATORS.filter((op) => c[op] !== undefined).length === 1, {
    message: `give exactly one of ${OPERATORS.join(", ")}`,
  });

export const ConditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    FieldConditionSchema,
    z
      .object({
        changed: z.array(z.string().min(1)).min(1).describe("True when a changed file matches one of these globs."),
      })
      .strict(),
    z.object({ all: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ any: z.array(ConditionSchema).min(1) }).strict(),
    z.object({ not: ConditionSchema }).strict(),
  ]),
) as z.ZodType<Condition>;

export interface ConditionProblem {
  path: (string | number)[];
  message: string;
}

/** Semantic checks the zod shape cannot do: the field exists in the WorkItem, patterns compile. */
export function validateCondition(condition: Condition, path: (string | number)[] = []): ConditionProblem[] {
  if ("all" in condition) return condition.all.flatMap((c, i) => validateCondition(c, [...path, "all", i]));
  if ("any" in condition) return condition.any.flatMap((c, i) => validateCondition(c, [...path, "any", i]));
  if ("not" in condition) return validateCondition(condition.not, [...path, "not"]);
  if ("changed" in condition) return [];
  const problems: ConditionProblem[] = [];
  if (!workItemPaths().includes(condition.field)) {
    problems.push({
      path: [...path, "field"],
      message: `unknown field "${condition.field}"; see \`bfd rules explain field\` for the WorkItem paths`,
    });
  }
  if (condition.matches !== undefined) {
    const compiled = compilePattern(condition.matches, { caseInsensitive: condition.caseInsensitive === true });
    if ("error" in compiled) problems.push({ path: [...path, "matches"], message: compiled.error });
  }
  return problems;
}

function asText(value: unknown): string {
  return value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
}

function scalarEquals(a: unknown, b: Scalar, ci: boolean): boolean {
  if (ci && typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b;
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

export function evaluateFieldCondition(item: WorkItem, c: FieldCondition): boolean {
  const value = getPath(item, c.field);
  const values: unknown[] = Array.isArray(value) ? value : [value];
  const ci = c.caseInsensitive === true;
  if (c.exists !== undefined) return c.exists ? !isEmpty(value) : isEmpty(value);
  if (c.minLength !== undefined) return (Array.isArray(value) ? value.length : asText(value).length) >= c.minLength;
  if (c.equals !== undefined) return values.some((v) => scalarEquals(v, c.equals!, ci));
  if (c.in !== undefined) return values.some((v) => c.in!.some((option) => scalarEquals(v, option, ci)));
  if (c.contains !== undefined) {
    const needle = ci ? c.contains.toLowerCase() : c.contains;
    if (Array.isArray(value)) return values.some((v) => scalarEquals(v, c.contains!, ci));
    const hay = ci ? asText(value).toLowerCase() : asText(value);
    return hay.includes(needle);
  }
  if (c.matches !== undefined) {
    const re = mustCompilePattern(c.matches, { caseInsensitive: ci });
    return values.some((v) => v !== null && v !== undefined && re.test(asText(v)));
  }
  return false;
}

export function evaluateCondition(item: WorkItem, condition: Condition): boolean {
  if ("all" in condition) return condition.all.every((c) => evaluateCondition(item, c));
  if ("any" in condition) return condition.any.some((c) => evaluateCondition(item, c));
  if ("not" in condition) return !evaluateCondition(item, condition.not);
  if ("changed" in condition) return changedMatching(item.mergeRequest?.changes ?? [], condition.changed).length > 0;
  return evaluateFieldCondition(item, condition);
}

/** Plain-words rendering for skip reasons: `mergeRequest.state is "merged"`. */
export function describeCondition(condition: Condition): string {
  if ("all" in condition) return condition.all.map(describeCondition).join(" and ");
  if ("any" in condition) return condition.any.map(describeCondition).join(" or ");
  if ("not" in condition) return `not (${describeCondition(condition.not)})`;
  if ("changed" in condition) return `a file matching ${condition.changed.join(", ")} changed`;
  const c = condition;
  if (c.exists !== undefined) return `${c.field} ${c.exists ? "is set" : "is empty"}`;
  if (c.minLength !== undefined) return `${c.field} has length ≥ ${c.minLength}`;
  if (c.equals !== undefined) return `${c.field} is ${JSON.stringify(c.equals)}`;
  if (c.in !== undefined) return `${c.field} is one of ${c.in.map((v) => JSON.stringify(v)).join(", ")}`;
  if (c.contains !== undefined) return `${c.field} contains ${JSON.stringify(c.contains)}`;
  return `${c.field} matches /${c.matches ?? ""}/`;
}

/** Which evidence a condition reads (so an unreadable field makes the rule `error`, not silently skipped). */
export function conditionNeeds(condition: Condition): EvidenceKey[] {
  if ("all" in condition) return condition.all.flatMap(conditionNeeds);
  if ("any" in condition) return condition.any.flatMap(conditionNeeds);
  if ("not" in condition) return conditionNeeds(condition.not);
  if ("changed" in condition) return ["mergeRequest", "mergeRequest.changes"];
  return evidenceForPath(condition.field);
}
