import type { HandoffNote, HandoffResult } from "../../handoff/compose.js";
import { stripTerminalControls } from "../sanitize.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export const HANDOFF_FORMATS = ["markdown", "json"] as const;
export type HandoffFormat = (typeof HANDOFF_FORMATS)[number];

const LOADERS: ReporterRegistry<HandoffFormat, HandoffResult> = {
  markdown: async () => (await import("./markdown.js")).renderHandoffMarkdown,
  json: async () => (await import("./json.js")).renderHandoffJson,
};

export function loadHandoffReporter(format: HandoffFormat): Promise<Reporter<HandoffResult>> {
  return LOADERS[format]();
}

/** The stderr line when the declared state and Linear disagree: the state name comes from Linear, so it is stripped. */
export function handoffWarningLine(note: HandoffNote): string | null {
  return note.stateWarning === null ? null : `bfd handoff: warning: ${stripTerminalControls(note.stateWarning)}\n`;
}
