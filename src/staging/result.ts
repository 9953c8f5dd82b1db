import type { StagingState } from "../work-item/staging-state.js";

export type { StagingState };
import type { StagingWindow } from "./window.js";

/** One merged merge request in the release window. */
export interface StagingRow {
  reference: string;
  title: string;
  author: string;
  mergedAt: string;
  mergedAtLocal: string;
  issue: string | null;
  url: string;
  /** See `stagingState` in src/work-item/staging-state.ts. */
  state: StagingState;
  /** When the latest successful deployment to the environment that brought this MR finished; null if none yet. */
  deployedAt: string | null;
  deployedAtLocal: string | null;
  /** When the label was (last) added; null when the MR does not carry it. */
  labelAddedAt: string | null;
  labelAddedAtLocal: string | null;
}

/** What `bfd staging --format json` prints (a stable contract, like the gate report). */
export interface StagingResult {
  schemaVersion: 1;
  project: string;
  deployBranch: string;
  label: string;
  /** The GitLab environment whose deployments count as "in staging". */
  environment: string;
  timeZone: string;
  window: StagingWindow;
  /** Every MR merged into the deploy branch inside the window, oldest merge first. */
  merged: StagingRow[];
  /** The rows that need someone now: deployed and not validated, or validated before the deploy (stale). */
  missing: StagingRow[];
  verdict: "pass" | "fail";
}
