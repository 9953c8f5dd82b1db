import { keysOf } from "../../src/work-item/evidence.js";
import { describe, expect, it } from "vitest";
import { checkContext, type CheckKind, type CheckOutcome } from "../../src/checks/types.js";
import type { WorkItem } from "../../src/work-item/schema.js";

/** One row of a check kind's table. `name` completes "passes when …" / "fails when …" / "is skipped when …". */
export interface Case<Options> {
  name: string;
  item: WorkItem;
  /** The rule's `with:` as written in YAML; parsed with the kind's schema, so defaults apply as in the loader. */
  options?: Partial<Options>;
  /** The config's `evidence:` (placeholder words, issue templates as Markdown), as the loader resolves it. */
  config?: { placeholders?: string[]; issueTemplates?: string[] };
  /** Asserted against `outcome.message`. */
  message?: RegExp;
  /** Each of these must be in `outcome.evidence` (a subset, in any order). */
  evidence?: string[];
}

export interface CheckCaseTable<Options> {
  pass: Case<Options>[];
  fail: Case<Options>[];
  skipped?: Case<Options>[];
  /** The check cannot judge the evidence (e.g. a description past the Markdown limits): `error`, never a pass. */
  error?: Case<Options>[];
}

const TITLES = {
  pass: "passes when %s",
  fail: "fails when %s",
  skipped: "is skipped when %s",
  error: "is an error when %s",
} as const;

/**
 * Registers a table test for one check kind, like ESLint's RuleTester: a kind needs at least one passing and
 * one failing case, options go through the kind's zod schema and `validate` exactly as the rule loader does,
 * and a bad table fails when the file is collected rather than passing quietly.
 *
 * Beyond the status each row asks for, every outcome is checked against the kind's contract: the item is not
 * modified (it is deep-frozen), the message is a non-empty line, `data` holds only the names the kind declares
 * in `hintData`, and a failure fills all of them so the hint template never renders a hole.
 */
export function checkCases<Options>(kind: CheckKind<Options>, table: CheckCaseTable<Options>): void {
  if (table.pass.length === 0) throw new Error(`checkCases(${kind.id}): give at least one passing case`);
  if (table.fail.length === 0) throw new Error(`checkCases(${kind.id}): give at least one failing case`);
  const prepare = (status: CheckOutcome["status"], cases: readonly Case<Options>[]) =>
    cases.map((c) => ({ ...c, status, parsed: parseOptions(kind, c) }));
  const rows = {
    pass: prepare("pass", table.pass),
    fail: prepare("fail", table.fail),
    skipped: prepare("skipped", table.skipped ?? []),
    error: prepare("error", table.error ?? []),
  };

  describe(kind.id, () => {
    for (const status of ["pass", "fail", "skipped", "error"] as const) {
      if (rows[status].length === 0) continue;
      // `%s` with the name as its own column keeps titles whole and unquoted, so they read as sentences.
      it.each(rows[status].map((row) => [row.name, row] as const))(TITLES[status], (_name, row) => {
        const context = checkContext({
          placeholders: row.config?.placeholders ?? [],
          issueTemplates: row.config?.issueTemplates ?? [],
        });
        const outcome = kind.run(deepFreeze(structuredClone(row.item)), row.parsed, context);
        expect(outcome.status, outcome.message).toBe(row.status);
        if (row.message !== undefined) expect(outcome.message).toMatch(row.message);
        if (row.evidence !== undefined) expect(outcome.evidence).toEqual(expect.arrayContaining(row.evidence));
        expectContract(kind.hintData ?? [], outcome);
      });
    }
  });
}

function parseOptions<Options>(kind: CheckKind<Options>, c: Case<Options>): Options {
  const where = `checkCases(${kind.id}) case "${c.name}"`;
  const parsed = kind.options.safeParse(c.options ?? {});
  if (!parsed.success) {
    throw new Error(
      `${where}: options the rule loader would reject: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  const problems = kind.validate?.(parsed.data) ?? [];
  if (problems.length > 0) throw new Error(`${where}: options the rule loader would reject: ${problems.join("; ")}`);
  for (const need of kind.needs(parsed.data).flatMap(keysOf)) {
    const missing = need.startsWith("issue") ? c.item.issue === null : c.item.mergeRequest === null;
    if (missing)
      throw new Error(`${where}: the kind needs ${need} but the item has none, so the engine would never run it`);
  }
  return parsed.data;
}

function expectContract(hintData: readonly string[], outcome: CheckOutcome): void {
  expect(outcome.message.trim()).not.toBe("");
  expect(outcome.message).not.toMatch(/\n/);
  expect(outcome.evidence.every((e) => typeof e === "string")).toBe(true);
  const declared = [...hintData].sort();
  const given = Object.keys(outcome.data ?? {}).sort();
  expect(declared, "outcome.data names not declared in hintData").toEqual(expect.arrayContaining(given));
  if (outcome.status === "fail" || outcome.status === "error")
    expect(given, "a failure leaves hintData names unset").toEqual(declared);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
