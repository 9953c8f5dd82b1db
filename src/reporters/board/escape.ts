import { xmlSafe } from "../sanitize.js";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text from Linear and GitLab for an HTML text node or a quoted attribute value: the five markup characters
 * escaped, and control characters, bidirectional overrides and unpaired surrogates removed (as for every output).
 */
export function html(text: string): string {
  return xmlSafe(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

/**
 * An address for `href`: only http(s) — anything else (`javascript:`, `data:`) becomes "#" so a crafted URL in
 * an issue can never run in the page; then escaped as an attribute.
 */
export function href(url: string | null | undefined): string {
  if (url === null || url === undefined) return "#";
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return "#";
  } catch {
    return "#";
  }
  return html(url);
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` written as \u escapes, so no text in it
 * can close the script element or open a comment; U+2028/2029 too (they end lines in older JavaScript).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
