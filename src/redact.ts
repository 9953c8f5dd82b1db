/**
 * Removes secrets from any text that may reach a terminal, a log, a report or a comment.
 * Secrets shorter than 4 characters are not redacted (they would mangle ordinary text) — no real token is that short.
 * Besides the given secrets and token-shaped words, it removes what URLs carry that is never bfd's to show:
 * the user-info part (`https://user:password@host`; ssh's plain `git@` stays) and token-named query parameters (`?private_token=…`),
 * so a GITLAB_URL or LINEAR_API_URL with credentials in it never reaches the `--debug` trail or a message.
 *
 * Redaction runs on finished text — after Markdown, XML or JSON escaping — so every pattern also matches a
 * secret in its escaped forms: `lin\_api\_…` (Markdown), `lin\\_api\\_…` (Markdown inside JSON), `&amp;`
 * (XML and Markdown), `@\u200b` (a neutralised mention). An escaper can therefore never split a token so
 * that the redactor misses it.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  return createRedactor(secrets)(text);
}

/** Backslashes an escaper may put before a character: one for Markdown, two once that Markdown is JSON-encoded. */
const ESCAPES = "\\\\{0,2}";
/** `_` or `-` between the words of a parameter name, or neither (`private_token`, `private-token`, `privatetoken`). */
const SEP = `(?:${ESCAPES}[_-])?`;

const GITLAB_TOKEN = new RegExp(`(gl(?:pat|ptt|dt|cbt)-)(?:${ESCAPES}[A-Za-z0-9_.-]){8,}`, "g");
const LINEAR_KEY = new RegExp(`(lin${ESCAPES}_(?:api|oauth)${ESCAPES}_)[A-Za-z0-9]{8,}`, "g");
const URL_USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)(?!git@)[^\s/?#@]+@/gi;
const TOKEN_PARAMETER = new RegExp(
  `((?:[?&]|&amp;)(?:private${SEP}token|access${SEP}token|job${SEP}token|token|api${SEP}key|password|secret)=)[^&#\\s]+`,
  "gi",
);

const ENTITIES: Record<string, string[]> = {
  "&": ["&amp;", "&#38;"],
  "<": ["&lt;", "&#60;"],
  ">": ["&gt;", "&#62;"],
  '"': ["&quot;", "&#34;"],
  "'": ["&apos;", "&#39;"],
};

/** A pattern for one secret as any of bfd's escapers may have written it. */
function escapedFormsOf(secret: string): RegExp {
  const source = [...secret]
    .map((ch) => {
      const forms = [ch.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&"), ...(ENTITIES[ch] ?? [])];
      const one = forms.length === 1 ? forms[0]! : `(?:${forms.join("|")})`;
      // escapeMarkdownInline turns `@name` into `@\u200bname` so that it cannot mention anyone.
      return `${ESCAPES}${one}${ch === "@" ? "\u200b?" : ""}`;
    })
    .join("");
  return new RegExp(source, "g");
}

/** The same redaction with each secret's pattern built once, for a process that redacts every write. */
export function createRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const patterns = [
    ...new Set(secrets.map((s) => s?.trim()).filter((s): s is string => s !== undefined && s.length >= 4)),
  ]
    // Longest first, so a secret that contains another is hidden whole.
    .sort((a, b) => b.length - a.length)
    .map(escapedFormsOf);
  return (text) => {
    let out = text;
    for (const pattern of patterns) out = out.replace(pattern, "[REDACTED]");
    return out
      .replace(GITLAB_TOKEN, "$1[REDACTED]")
      .replace(LINEAR_KEY, "$1[REDACTED]")
      .replace(URL_USER_INFO, "$1[REDACTED]@")
      .replace(TOKEN_PARAMETER, "$1[REDACTED]");
  };
}

/** Every string inside plain data (a result about to be rendered) redacted; the shape is kept. */
export function redactDeep<T>(value: T, redactText: (text: string) => string): T {
  if (typeof value === "string") return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, redactText)) as T;
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redactText)])) as T;
  return value;
}

/** A URL without `user:password@` (kept as it is when it has none, or is no URL): never bfd's to send or show. */
export function withoutUserInfo(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url;
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}
