import { findCheckKind } from "../checks/index.js";
import type { LoadedRule } from "./schema.js";

/**
 * A loaded rule as plain data, for another thread (`bfd serve`'s evaluation workers): its check kind by id, since a
 * kind carries functions, which structured clone refuses. Everything else in a rule is plain data already (options
 * as the kind's zod schema produced them, the condition, the location).
 */
export type PortableRule = Omit<LoadedRule, "kind"> & { kind: string };

export function toPortableRules(rules: readonly LoadedRule[]): PortableRule[] {
  return rules.map((rule) => ({ ...rule, kind: rule.kind.id }));
}

/** The rules again, each with its kind from this thread's registry (the same build, so the same kinds). */
export function fromPortableRules(rules: readonly PortableRule[]): LoadedRule[] {
  return rules.map((rule) => {
    const kind = findCheckKind(rule.kind);
    if (kind === undefined) throw new Error(`check kind "${rule.kind}" is not in this build`);
    return { ...rule, kind };
  });
}
