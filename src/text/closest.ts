/**
 * "Did you mean …?" for names a person typed: rule ids, commands, Linear teams, states and labels, GitLab labels.
 * One definition, so every error that lists choices suggests the same way.
 */
import { foldText } from "./normalize.js";

/** Edit distance (insertions, deletions, substitutions, adjacent transpositions), stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        value = Math.min(value, previous2[j - 2]! + 1);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The choices closest to `typed`, best first: those within a quarter of its length in edits (one to three), compared
 * after `foldText` (case, width and invisible characters do not count). A choice that starts with what was typed
 * counts too ("Ready" for "Rea"). Empty when nothing is close: then list every choice instead.
 */
export function closestChoices(typed: string, choices: readonly string[], max = 3): string[] {
  const want = foldText(typed);
  if (want === "") return [];
  const limit = Math.min(3, Math.max(1, Math.floor(want.length / 4)));
  const scored: { choice: string; distance: number }[] = [];
  for (const choice of new Set(choices)) {
    const have = foldText(choice);
    const distance = have.startsWith(want) && want.length >= 3 ? 0.5 : editDistance(want, have, limit);
    if (distance <= limit) scored.push({ choice, distance });
  }
  return scored
    .sort((x, y) => x.distance - y.distance || x.choice.localeCompare(y.choice))
    .slice(0, max)
    .map((s) => s.choice);
}

/** ` Did you mean "Ready"?` (with a leading space), or "" when nothing is close. */
export function didYouMean(typed: string, choices: readonly string[]): string {
  const close = closestChoices(typed, choices);
  if (close.length === 0) return "";
  return ` Did you mean ${close.map((c) => `"${c}"`).join(" or ")}?`;
}
