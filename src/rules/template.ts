import { andMore, HINT_LIST_MAX, sliceWhole } from "../limits.js";

/**
 * Hint templates: `{{issue.url}}` inserts a WorkItem value, `{{issue.url|the issue}}` falls back to
 * literal text when the value is missing, and check kinds add their own names (`{{missing}}`).
 * Templates are data: there is no expression language and nothing is evaluated.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*(?:\|([^}]*))?\}\}/g;

/** An inserted value longer than this is cut: a hint is one line a person reads, not a place for a document. */
const VALUE_MAX_CHARS = 1000;

export function templateVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * A list names at most HINT_LIST_MAX items (`a, b, … and 19,990 more`). Check kinds hand their lists to hints
 * already joined (`CheckOutcome.data` holds strings, `; `- or `, `-separated), so a joined value is cut the same way.
 */
function capValue(value: unknown): string {
  const text = Array.isArray(value) ? capParts(value.map(String), ", ") : capJoined(String(value));
  return text.length <= VALUE_MAX_CHARS ? text : `${sliceWhole(text, VALUE_MAX_CHARS)}…`;
}

function capJoined(text: string): string {
  const separator = text.includes("; ") ? "; " : ", ";
  return capParts(text.split(separator), separator);
}

function capParts(parts: readonly string[], separator: string): string {
  if (parts.length <= HINT_LIST_MAX) return parts.join(separator);
  return `${parts.slice(0, HINT_LIST_MAX).join(separator)} ${andMore(parts.length - HINT_LIST_MAX)}`;
}

export function renderTemplate(template: string, lookup: (name: string) => unknown): string {
  return template.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const value = lookup(name);
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
      return fallback?.trim() ?? "";
    }
    return capValue(value);
  });
}
