import picomatch from "picomatch";
import { z } from "zod";
import type { ChangedFile } from "./schema.js";

export const GlobsSchema = z.array(z.string().min(1).max(500)).min(1);

/** A matcher for repository-relative paths; dotfiles match, `!glob` entries exclude. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const include = globs.filter((g) => !g.startsWith("!"));
  const exclude = globs.filter((g) => g.startsWith("!")).map((g) => g.slice(1));
  const isIncluded = include.length === 0 ? () => false : picomatch(include, { dot: true });
  const isExcluded = exclude.length === 0 ? () => false : picomatch(exclude, { dot: true });
  return (path) => isIncluded(path) && !isExcluded(path);
}

/** Paths a change touches: the new path, and the old path of renames and deletions. */
export function touchedPaths(file: ChangedFile): string[] {
  return file.oldPath !== file.newPath ? [file.newPath, file.oldPath] : [file.newPath];
}

export function changedMatching(changes: readonly ChangedFile[], globs: readonly string[]): ChangedFile[] {
  const matches = globMatcher(globs);
  return changes.filter((f) => touchedPaths(f).some(matches));
}
