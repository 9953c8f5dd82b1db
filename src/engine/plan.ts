import { conditionNeeds } from "../work-item/condition.js";
import type { Gate, LoadedRule } from "../rules/schema.js";
import { planFrom, type EvidenceNeed, type EvidencePlan } from "../work-item/evidence.js";

/**
 * What a gate run must gather: the union of what the gate's rules in force need (their check kinds' declared
 * needs and their `when:` conditions). The Ready gate of the built-in rules needs only the issue; the Done gate
 * adds the merge request, its changes, its pipeline and the files the feature-flag rule reads — and, because some of
 * its rules may be waived, who did what on the merge request (whoever stands behind a waiver must be known).
 */
export function evidencePlan(rules: readonly LoadedRule[], gate: Gate): EvidencePlan {
  const needs: EvidenceNeed[] = [];
  for (const rule of rules) {
    if (rule.gate !== gate) continue;
    needs.push(...rule.kind.needs(rule.options));
    if (rule.when !== undefined) needs.push(...conditionNeeds(rule.when));
  }
  const plan = planFrom(needs);
  // Only beside a merge request the rules read anyway: a waivable rule never makes a gate look for one.
  plan.activity = plan.mergeRequest && rules.some((rule) => rule.gate === gate && rule.waivable);
  return plan;
}
