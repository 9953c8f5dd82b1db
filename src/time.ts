import { DateTime } from "luxon";

/**
 * An ISO 8601 timestamp as epoch milliseconds, whatever its offset: GitLab on a self-managed instance may write
 * `2026-11-25T00:30:00.000+02:00` where gitlab.com writes `…Z`, so timestamps are never compared as strings.
 * Null, empty or unparseable is -Infinity (sorts first, is before every window).
 */
export function instant(value: string | null | undefined): number {
  if (value === null || value === undefined || value === "") return Number.NEGATIVE_INFINITY;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : Number.NEGATIVE_INFINITY;
}

/** "2026-11-20 14:02 UTC": one format for an instant a person reads in messages and notes. */
export function shownInstant(iso: string): string {
  return new Date(instant(iso)).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** "22 Nov 10:00 UTC": an instant in a short line (who waived a rule, and when); empty for an unreadable one. */
export function shortInstant(iso: string): string {
  const ms = instant(iso);
  if (!Number.isFinite(ms)) return "";
  const date = new Date(ms);
  const month = date.toLocaleString("en-GB", { month: "short", timeZone: "UTC" });
  return `${date.getUTCDate()} ${month} ${date.toISOString().slice(11, 16)} UTC`;
}
