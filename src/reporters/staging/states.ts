import type { StagingRow, StagingResult } from "../../staging/result.js";
import type { StagingState } from "../../work-item/staging-state.js";

/** The words and symbols each staging state is shown with, in every format (colour is never the only signal). */
export const STAGING_STATE: Record<StagingState, { symbol: string; name: string }> = {
  "not-deployed": { symbol: "○", name: "waiting for the deploy" },
  "not-validated": { symbol: "✖", name: "deployed, not validated" },
  stale: { symbol: "✖", name: "stale validation" },
  validated: { symbol: "✔", name: "validated" },
};

/** What to do about one row, as a sentence. */
export function stagingAction(row: StagingRow, result: Pick<StagingResult, "label" | "environment">): string {
  switch (row.state) {
    case "not-deployed":
      return `Wait for the deploy to ${result.environment}, then validate.`;
    case "not-validated":
      return `Validate in ${result.environment} now; when it passes, add "${result.label}".`;
    case "stale":
      return row.labelAddedAt === null
        ? `GitLab has no record of when "${result.label}" was added: validate again, then remove and add it.`
        : `Labelled before the deploy: validate again in ${result.environment}, then remove and add "${result.label}".`;
    case "validated":
      return "Nothing to do.";
  }
}

/** "merged … · deployed … · labelled …" for one row, from its local times. */
export function stagingTimeline(row: StagingRow, environment: string): string {
  const deployed = row.deployedAtLocal === null ? `not deployed to ${environment}` : `deployed ${row.deployedAtLocal}`;
  const labelled = row.labelAddedAtLocal === null ? "no label" : `labelled ${row.labelAddedAtLocal}`;
  return `merged ${row.mergedAtLocal} · ${deployed} · ${labelled}`;
}

/** "12 merged · 9 validated · 1 waiting for the deploy · 2 to validate" */
export function stagingCounts(result: StagingResult): string {
  const count = (state: StagingState) => result.merged.filter((r) => r.state === state).length;
  const stale = count("stale");
  const parts = [
    `${result.merged.length} merged`,
    `${count("validated")} validated`,
    `${count("not-deployed")} waiting for the deploy`,
    `${result.missing.length} to validate${stale > 0 ? ` (${stale} stale)` : ""}`,
  ];
  return parts.join(" · ");
}
