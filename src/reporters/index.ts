import { renderCodeQuality } from "./codequality.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { renderPretty } from "./pretty.js";
import type { Reporter } from "./types.js";

/** Every output format; `Record` makes the compiler prove each one has a renderer. */
export const FORMATS = ["pretty", "json", "markdown", "junit", "codequality"] as const;
export type Format = (typeof FORMATS)[number];

export const REPORTERS: Record<Format, Reporter> = {
  pretty: renderPretty,
  json: renderJson,
  markdown: renderMarkdown,
  junit: renderJunit,
  codequality: renderCodeQuality,
};

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
