import type { Report } from "../report/schema.js";

/** Which rules a report was judged by, for the header line (`rules: bfd.config.yaml + built-in`) and Code Quality. */
export interface RulesInForce {
  /** The team config as the user knows it (`bfd.config.yaml`, `bfd.config.yaml (at main)`); null: built-in only. */
  config: string | null;
  /** Where the built-in rule files are, as rule locations name them (`rules/done.yaml`, or a path in node_modules). */
  builtinFiles: readonly string[];
}

/**
 * How to render, decided by the command and the composition root (src/cli.ts) — never by a reporter, which
 * reads no environment and no terminal: the same options give the same text.
 */
export interface RenderOptions {
  /** 0 = no colour; 1–3 = chalk colour levels. Decided once in src/cli.ts from NO_COLOR / FORCE_COLOR / TTY. */
  colorLevel: 0 | 1 | 2 | 3;
  /** The command a user re-runs, shown in "what next" (e.g. `bfd done ENG-123`). */
  rerun?: string;
  /** OSC-8 links with short labels (ENG-123, acme/web!42) instead of long URLs; decided in src/cli.ts. */
  hyperlinks?: boolean;
  /** Wrap pretty text to this width; undefined: do not wrap (output that is not a terminal). */
  columns?: number;
  /** The rules in force, named in the report's header; omitted: no header line. */
  rules?: RulesInForce;
  /** Every path the merge request changes, so a result can name the changed files it is about. */
  changedFiles?: readonly string[];
  /** Only what blocks the gate (failed and errored rules of severity error), like ESLint's --quiet. */
  quiet?: boolean;
}

export type Reporter<T = Report> = (result: T, options: RenderOptions) => string;

/** Each format's renderer, loaded when asked for: the `Record` makes the compiler prove every format has one. */
export type ReporterRegistry<F extends string, T> = Record<F, () => Promise<Reporter<T>>>;
