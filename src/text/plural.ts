/**
 * A whole number with its thousands grouped, as `toLocaleString("en-US")` writes it ("1,204"), without asking ICU:
 * the first locale-aware call loads its number formatting (12–25 ms, more than a gate's own work on most issues).
 */
export function countText(count: number): string {
  if (!Number.isSafeInteger(count)) return count.toLocaleString("en-US");
  return String(count).replace(/\B(?=(?:\d{3})+$)/g, ",");
}

/**
 * A count with its noun in the right number — "1 item", "3 items", "1,204 issues" — so no message says "item(s)".
 * `many` for nouns that do not take an s ("1 open sub-issue", "2 people").
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${countText(count)} ${count === 1 ? one : many}`;
}
