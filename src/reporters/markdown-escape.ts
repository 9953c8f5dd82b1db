import { stripTerminalControls } from "./sanitize.js";

/**
 * Makes text from Linear or GitLab (titles, labels, messages quoting them) inert inside a GitLab note or a
 * Linear comment: no mention can ping (`@all`, `@group`), no HTML can render, no Markdown can break out of
 * its line, no `#123` / `!12` reference or quick action (`/close`) is triggered.
 */
export function escapeMarkdownInline(text: string): string {
  return (
    stripTerminalControls(text)
      // Text lands mid-line (after our own list marker), so only inline syntax needs escaping: emphasis, code,
      // links, tables, strikethrough, HTML, and GitLab's #123 / !12 references.
      .replace(/[\\`*_[\]|~<>&#]|!(?=[\d[])/g, (ch) =>
        ch === "<" ? "&lt;" : ch === ">" ? "&gt;" : ch === "&" ? "&amp;" : `\\${ch}`,
      )
      .replace(/@(?=[\p{L}\p{N}_])/gu, "@\u200b")
      .replace(/^\s*\//, (m) => m.replace("/", "\\/"))
      .replace(/\s+/g, " ")
      .trim()
  );
}

/** For URLs placed in `<…>` autolinks: only http(s) URLs, with characters that could close the link removed. */
export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!/^https?:\/\/[^\s<>"'`]+$/i.test(trimmed)) return null;
  return trimmed;
}

/** `[text](url)` with the text escaped; just the escaped text when the URL is not a plain http(s) URL. */
export function markdownLink(text: string, url: string | null | undefined): string {
  const safe = url === null || url === undefined ? null : safeUrl(url);
  return safe === null ? escapeMarkdownInline(text) : `[${escapeMarkdownInline(text)}](${safe})`;
}
