import type { HandoffResult } from "../../handoff/compose.js";
import type { HandoffFormat } from "../formats.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export { HANDOFF_FORMATS, type HandoffFormat } from "../formats.js";

const LOADERS: ReporterRegistry<HandoffFormat, HandoffResult> = {
  markdown: async () => (await import("./markdown.js")).renderHandoffMarkdown,
  json: async () => (await import("./json.js")).renderHandoffJson,
};

export function loadHandoffReporter(format: HandoffFormat): Promise<Reporter<HandoffResult>> {
  return LOADERS[format]();
}
