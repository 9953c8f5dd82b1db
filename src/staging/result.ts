import type { StagingWindow } from "./window.js";

/** One merged merge request that still lacks the staging label. */
export interface StagingRow {
  reference: string;
  title: string;
  author: string;
  mergedAt: string;
  mergedAtLocal: string;
  issue: string | null;
  url: string;
}

/** What `bfd staging --format json` prints (a stable contract, like the gate report). */
export interface StagingResult {
  schemaVersion: 1;
  project: string;
  deployBranch: string;
  label: string;
  timeZone: string;
  window: StagingWindow;
  missing: StagingRow[];
  verdict: "pass" | "fail";
}
