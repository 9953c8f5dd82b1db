import type { HandoffResult } from "../../handoff/compose.js";
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
