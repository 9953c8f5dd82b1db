import { instant } from "../time.js";

/**
 * Where one merged merge request stands in staging — one definition for the `staging-validation` check, `bfd
 * staging`, the handoff note and the board:
 * - `not-deployed`: no successful deployment to the environment has brought it yet (wait for the deploy);
 * - `not-validated`: deployed, and the label is missing (validate now);
 * - `stale`: labelled, but before the latest deployment that brought it, or with no record of when (validate again);
 * - `validated`: labelled after that deployment.
 */
export type StagingState = "not-deployed" | "not-validated" | "stale" | "validated";

export interface StagingFacts {
  /** When the deployment that brought the MR to the environment finished; null when none has yet. */
  deployedAt: string | null;
  /** The MR carries the label now. */
  labelled: boolean;
  /** When the label was last added (and kept); null when not labelled or GitLab has no record of when. */
  labelAddedAt: string | null;
}

export function stagingState(facts: StagingFacts): StagingState {
  if (facts.deployedAt === null) return "not-deployed";
  if (!facts.labelled) return "not-validated";
  if (facts.labelAddedAt === null || instant(facts.labelAddedAt) < instant(facts.deployedAt)) return "stale";
  return "validated";
}

/** GitLab label names are matched case-insensitively (a team writes "validated in staging" as often as not). */
export function hasLabel(labels: readonly string[], label: string): boolean {
  const wanted = label.toLowerCase();
  return labels.some((l) => l.toLowerCase() === wanted);
}

/** The states in which someone has to validate in staging now. */
export function needsValidation(state: StagingState): boolean {
  return state === "not-validated" || state === "stale";
}

/** When the label was last added and is still there (its events, oldest first or in any order); null if not. */
export function labelAddedAt(
  events: readonly { label: string; action: "add" | "remove"; at: string }[],
  label: string,
): string | null {
  const wanted = label.toLowerCase();
  const own = events.filter((e) => e.label.toLowerCase() === wanted).sort((a, b) => instant(a.at) - instant(b.at));
  const last = own[own.length - 1];
  return last?.action === "add" ? last.at : null;
}
