/**
 * Removes secrets from any text that may reach a terminal, a log, a report or a comment.
 * Secrets shorter than 4 characters are not redacted (they would mangle ordinary text) — no real token is that short.
 * Besides the given secrets and token-shaped words, it removes what URLs carry that is never bfd's to show:
 * the user-info part (`https://user:password@host`; ssh's plain `git@` stays) and token-named query parameters (`?private_token=…`),
 * so a GITLAB_URL or LINEAR_API_URL with credentials in it never reaches the `--debug` trail or a message.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join("[REDACTED]");
  }
  return out
    .replace(/(glpat-|glptt-|gldt-|glcbt-)[A-Za-z0-9_.-]{8,}/g, "$1[REDACTED]")
    .replace(/lin_(api|oauth)_[A-Za-z0-9]{8,}/g, "lin_$1_[REDACTED]")
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)(?!git@)[^\s/?#@]+@/gi, "$1[REDACTED]@")
    .replace(
      /([?&](?:private[_-]?token|access[_-]?token|job[_-]?token|token|api[_-]?key|password|secret)=)[^&#\s]+/gi,
      "$1[REDACTED]",
    );
}
