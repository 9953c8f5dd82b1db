import type { HandoffNote } from "../../handoff/compose.js";
import { stripTerminalControls } from "../sanitize.js";

/** The stderr line when the declared state and Linear disagree: the state name comes from Linear, so it is stripped. */
export function handoffWarningLine(note: HandoffNote): string | null {
  return note.stateWarning === null ? null : `bfd handoff: warning: ${stripTerminalControls(note.stateWarning)}\n`;
}
