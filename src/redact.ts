/**
 * Removes secrets from any text that may reach a terminal, a log, a report or a comment.
 * Secrets shorter than 4 characters are not redacted (they would mangle ordinary text) — no real token is that short.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join("[REDACTED]");
  }
  return out
    .replace(/(glpat-|glptt-|gldt-|glcbt-)[A-Za-z0-9_.-]{8,}/g, "$1[REDACTED]")
    .replace(/lin_(api|oauth)_[A-Za-z0-9]{8,}/g, "lin_$1_[REDACTED]");
}
