/**
 * Hint templates: `{{issue.url}}` inserts a WorkItem value, `{{issue.url|the issue}}` falls back to
 * literal text when the value is missing, and check kinds add their own names (`{{missing}}`).
 * Templates are data: there is no expression language and nothing is evaluated.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_.]*)\s*(?:\|([^}]*))?\}\}/g;

export function templateVariables(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function renderTemplate(template: string, lookup: (name: string) => unknown): string {
  return template.replace(PLACEHOLDER, (_whole, name: string, fallback: string | undefined) => {
    const value = lookup(name);
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
      return fallback?.trim() ?? "";
    }
    return Array.isArray(value) ? value.join(", ") : String(value);
  });
}
