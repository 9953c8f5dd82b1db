import type { Report } from "../report/schema.js";

export interface RenderOptions {
  /** 0 = no colour; 1–3 = chalk colour levels. Decided once in src/cli.ts from NO_COLOR / FORCE_COLOR / TTY. */
  colorLevel: 0 | 1 | 2 | 3;
  /** The command a user re-runs, shown in "what next" (e.g. `bfd done ENG-123`). */
  rerun?: string;
}

export type Reporter = (report: Report, options: RenderOptions) => string;
