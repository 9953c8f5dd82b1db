import type { RuleResult } from "../report/schema.js";

/**
 * The changed files a result is about — the file that made `user-docs-updated` apply, the flag record that
 * is incomplete. Check kinds report them in their evidence (`changed: <path>`, `<path>: <finding>`); an entry
 * counts only when the merge request really changes that path, so no other evidence text can pass for a file.
 * (A structured `files` field in the check outcome would make this reading unnecessary; see CHANGELOG.)
 */
export function filesOf(result: RuleResult, changedFiles: ReadonlySet<string>): string[] {
  const files: string[] = [];
  for (const entry of result.evidence) {
    const named = entry.startsWith("changed: ") ? entry.slice("changed: ".length) : entry.split(": ")[0]!;
    if (changedFiles.has(named) && !files.includes(named)) files.push(named);
  }
  return files;
}
