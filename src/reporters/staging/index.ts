import type { StagingResult } from "../../staging/result.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export const STAGING_FORMATS = ["pretty", "json", "markdown"] as const;
export type StagingFormat = (typeof STAGING_FORMATS)[number];

const LOADERS: ReporterRegistry<StagingFormat, StagingResult> = {
  pretty: async () => (await import("./pretty.js")).renderStagingPretty,
  json: async () => (await import("../json.js")).jsonText,
  markdown: async () => (await import("./markdown.js")).renderStagingMarkdown,
};

export function loadStagingReporter(format: StagingFormat): Promise<Reporter<StagingResult>> {
  return LOADERS[format]();
}
