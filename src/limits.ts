/**
 * Caps for lists a person or a service must take in one piece: a hint that names 20,000 changed files, an
 * evidence list as long, a note bigger than GitLab accepts. What is left out is counted, never silently lost.
 */
import { countText } from "./text/plural.js";

/** The line that stands for what a capped list leaves out: `… and 19,990 more`. */
export function andMore(count: number): string {
  return `… and ${countText(count)} more`;
}

/** At most `max` values; when some are cut, the last entry says how many. */
export function capList(values: readonly string[], max: number): string[] {
  if (values.length <= max) return [...values];
  return [...values.slice(0, max), andMore(values.length - max)];
}

/** Evidence entries a JSON report keeps per rule (see README, "JSON report"). */
export const JSON_EVIDENCE_MAX = 1000;
/** Evidence entries a JUnit testcase shows: the widget is read by people; the JSON report has the rest. */
export const JUNIT_EVIDENCE_MAX = 50;
/** List items one hint names (`{{triggers}}`, `{{missing}}`). */
export const HINT_LIST_MAX = 10;

/** The first `max` UTF-16 units of `text`, never ending in half of a surrogate pair. */
export function sliceWhole(text: string, max: number): string {
  let end = Math.min(max, text.length);
  const last = text.charCodeAt(end - 1);
  if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
