/**
 * A count with its noun in the right number — "1 item", "3 items", "1,204 issues" — so no message says "item(s)".
 * `many` for nouns that do not take an s ("1 open sub-issue", "2 people").
 */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;
}
