import type { Reporter } from "./types.js";

import { FORMATS, type Format } from "./formats.js";

export { FORMATS, type Format };

/**
 * Each format's renderer, loaded when asked for: the `Record` makes the compiler prove every format has one,
 * and a terminal run never loads the XML library the JUnit reporter needs.
 */
const LOADERS: Record<Format, () => Promise<Reporter>> = {
  pretty: async () => (await import("./pretty.js")).renderPretty,
  json: async () => (await import("./json.js")).renderJson,
  markdown: async () => (await import("./markdown.js")).renderMarkdown,
  junit: async () => (await import("./junit.js")).renderJunit,
  codequality: async () => (await import("./codequality.js")).renderCodeQuality,
};

export function loadReporter(format: Format): Promise<Reporter> {
  return LOADERS[format]();
}

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
