import { renderJson } from "./json.js";
import { renderPretty } from "./pretty.js";
import type { Reporter } from "./types.js";

/** Every output format; `Record` makes the compiler prove each one has a renderer. */
export const FORMATS = ["pretty", "json"] as const;
export type Format = (typeof FORMATS)[number];

export const REPORTERS: Record<Format, Reporter> = {
  pretty: renderPretty,
  json: renderJson,
};

export function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}
