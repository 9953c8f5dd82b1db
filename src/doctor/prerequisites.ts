/**
 * What the process needs to exist in the team's workspace before its gates can pass: the Linear workflow states and
 * labels, and the GitLab labels, that the rules in force name (each check kind says which, `workspaceNames`), the
 * waiver labels of every rule, and the ready states `bfd serve` watches. Pure: `bfd doctor` compares them with what
 * Linear and GitLab list; `bfd init --from-linear` maps each to the team's own name.
 */
import type { Config, LoadedRule } from "../rules/schema.js";
import { closestChoices } from "../text/closest.js";
import { foldText } from "../text/normalize.js";

/** What a check kind says it names (src/checks/types.ts `WorkspaceName`), as the loaded rule carries it. */
type WorkspaceName = ReturnType<NonNullable<LoadedRule["kind"]["workspaceNames"]>>[number];

/** One place a name is expected: a rule's option (`with:` or `waiverLabels`), or `serve.readyStates`. */
export interface NameUse {
  where: WorkspaceName["where"];
  name: string;
  /** The rule that names it; null for `serve.readyStates`. */
  rule: string | null;
  /** The `with:` option, `waiverLabels`, or `readyStates`. */
  option: string;
  /** The option holds a list of names (else one name). */
  list: boolean;
  /** Where it stands among all uses: an option's names keep their order when they are written back. */
  index: number;
}

/** A name and every rule that expects it, in the order the rules name them. */
export interface ExpectedName {
  where: WorkspaceName["where"];
  name: string;
  uses: NameUse[];
}

/** Every name the rules in force (and `serve:` when configured) expect, one use per rule and option. */
export function nameUses(rules: readonly LoadedRule[], config: Pick<Config, "serve">): NameUse[] {
  const uses: NameUse[] = [];
  for (const rule of rules) {
    const options = (rule.options ?? {}) as Record<string, unknown>;
    for (const named of rule.kind.workspaceNames?.(rule.options) ?? []) {
      const list = Array.isArray(options[named.option]);
      uses.push({
        where: named.where,
        name: named.name,
        rule: rule.id,
        option: named.option,
        list,
        index: uses.length,
      });
    }
    for (const label of rule.waiverLabels)
      uses.push({
        where: "any-label",
        name: label,
        rule: rule.id,
        option: "waiverLabels",
        list: true,
        index: uses.length,
      });
  }
  for (const state of config.serve?.readyStates ?? [])
    uses.push({
      where: "linear-state",
      name: state,
      rule: null,
      option: "readyStates",
      list: true,
      index: uses.length,
    });
  return uses;
}

/** The uses grouped by name (compared as people read them: case and spacing do not count). */
export function expectedNames(uses: readonly NameUse[]): ExpectedName[] {
  const byName = new Map<string, ExpectedName>();
  for (const use of uses) {
    const key = `${use.where} ${foldText(use.name)}`;
    const known = byName.get(key);
    if (known === undefined) byName.set(key, { where: use.where, name: use.name, uses: [use] });
    else known.uses.push(use);
  }
  return [...byName.values()];
}

/** The name as the workspace spells it, or null when it has none like it. */
export function findName(name: string, available: readonly string[]): string | null {
  const wanted = foldText(name);
  return available.find((candidate) => foldText(candidate) === wanted) ?? null;
}

/** Closest names the workspace has, for "did you mean". */
export function nearNames(name: string, available: readonly string[]): string[] {
  return closestChoices(name, available);
}

/** "handoff-state-explicit, linear-state-current" or "serve.readyStates": who expects a name, for messages. */
export function namedBy(expected: ExpectedName): string {
  const who = expected.uses.map((use) => (use.rule === null ? `serve.${use.option}` : use.rule));
  return [...new Set(who)].join(", ");
}
