import type { StagingResult } from "../../staging/result.js";
import type { StagingFormat } from "../formats.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export { STAGING_FORMATS, type StagingFormat } from "../formats.js";

const LOADERS: ReporterRegistry<StagingFormat, StagingResult> = {
  pretty: async () => (await import("./pretty.js")).renderStagingPretty,
  json: async () => (await import("../json.js")).jsonText,
  markdown: async () => (await import("./markdown.js")).renderStagingMarkdown,
};

export function loadStagingReporter(format: StagingFormat): Promise<Reporter<StagingResult>> {
  return LOADERS[format]();
}
