import { DateTime, IANAZone } from "luxon";
import { printable, usageError } from "../errors.js";

export type Weekday = "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
const WEEKDAYS: Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export interface ReleaseCalendar {
  timeZone: string;
  cutoff: { weekday: Weekday; time: string };
  release: { weekday: Weekday; time: string };
}

/**
 * The staging window bfd checks, as UTC instants.
 *
 * A release on Tuesday ships what was merged before the Thursday cut-off; between that cut-off and the
 * release, staging validation is mandatory. So:
 * - during validation (cut-off ≤ now < release) the window is [previous cut-off, cut-off) and mandatory;
 * - otherwise (release ≤ now < next cut-off) the window is [last cut-off, now], filling up for the next
 *   release, and not yet mandatory.
 * Weekdays and times are read in the calendar's IANA zone, so a window that crosses a daylight-saving
 * change keeps its wall-clock cut-off and release times.
 */
export interface StagingWindow {
  start: string;
  end: string;
  mandatory: boolean;
  /** One line for people: "Thu 19 Nov 12:00 → Thu 26 Nov 12:00 Europe/Berlin (validation mandatory until Tue 1 Dec 10:00)". */
  description: string;
}

function assertZone(zone: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw usageError(
      "bad-time-zone",
      `unknown time zone "${printable(zone)}"`,
      "Use an IANA zone name such as Europe/Berlin or America/New_York (staging.timeZone in bfd.config.yaml).",
    );
  }
}

/** The latest instant ≤ `now` that falls on `weekday` at `time` in the zone. */
function latestAtOrBefore(now: DateTime, weekday: Weekday, time: string): DateTime {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const target = WEEKDAYS.indexOf(weekday) + 1;
  let candidate = now.set({ hour, minute, second: 0, millisecond: 0 });
  const back = (candidate.weekday - target + 7) % 7;
  candidate = candidate.minus({ days: back }).set({ hour, minute, second: 0, millisecond: 0 });
  if (candidate > now) candidate = candidate.minus({ weeks: 1 }).set({ hour, minute, second: 0, millisecond: 0 });
  return candidate;
}

/** The first instant > `after` on `weekday` at `time` in the zone. */
function firstAfter(after: DateTime, weekday: Weekday, time: string): DateTime {
  const latest = latestAtOrBefore(after, weekday, time);
  return latest.plus({ weeks: 1 }).set({ hour: latest.hour, minute: latest.minute });
}

const fmt = (d: DateTime): string => d.toFormat("ccc d LLL HH:mm");

/** The next release after `nowIso` (UTC instant), and as people read it in the calendar's zone. */
export function nextRelease(calendar: ReleaseCalendar, nowIso: string): { at: string; shown: string } {
  assertZone(calendar.timeZone);
  const now = DateTime.fromISO(nowIso, { zone: "utc" }).setZone(calendar.timeZone);
  const release = firstAfter(now, calendar.release.weekday, calendar.release.time);
  return { at: release.toUTC().toISO()!, shown: `${fmt(release)} ${calendar.timeZone}` };
}

export function stagingWindow(calendar: ReleaseCalendar, nowIso: string): StagingWindow {
  assertZone(calendar.timeZone);
  const now = DateTime.fromISO(nowIso, { zone: "utc" }).setZone(calendar.timeZone);
  const cutoff = latestAtOrBefore(now, calendar.cutoff.weekday, calendar.cutoff.time);
  const release = firstAfter(cutoff, calendar.release.weekday, calendar.release.time);
  const zone = calendar.timeZone;
  if (now < release) {
    const previousCutoff = latestAtOrBefore(
      cutoff.minus({ minutes: 1 }),
      calendar.cutoff.weekday,
      calendar.cutoff.time,
    );
    return {
      start: previousCutoff.toUTC().toISO()!,
      end: cutoff.toUTC().toISO()!,
      mandatory: true,
      description: `merged ${fmt(previousCutoff)} → ${fmt(cutoff)} ${zone}; staging validation is mandatory until the release on ${fmt(release)}`,
    };
  }
  const nextCutoff = firstAfter(now, calendar.cutoff.weekday, calendar.cutoff.time);
  return {
    start: cutoff.toUTC().toISO()!,
    end: now.toUTC().toISO()!,
    mandatory: false,
    description: `merged since the cut-off on ${fmt(cutoff)} ${zone}; validation becomes mandatory at the next cut-off, ${fmt(nextCutoff)}`,
  };
}

/** `--since` / `--until`: ISO dates or instants, read in the calendar's zone when they carry no offset. */
export function explicitWindow(
  since: string | undefined,
  until: string | undefined,
  timeZone: string,
  nowIso: string,
): StagingWindow {
  assertZone(timeZone);
  const parse = (value: string, flag: string): DateTime => {
    const parsed = DateTime.fromISO(value, { zone: timeZone, setZone: false });
    if (!parsed.isValid)
      throw usageError(
        "bad-date",
        `${flag} ${printable(value)}: not an ISO date or time`,
        `e.g. ${flag} 2026-11-19 or ${flag} 2026-11-19T12:00`,
      );
    return parsed;
  };
  const start =
    since === undefined ? DateTime.fromISO(nowIso, { zone: "utc" }).minus({ weeks: 1 }) : parse(since, "--since");
  const end = until === undefined ? DateTime.fromISO(nowIso, { zone: "utc" }) : parse(until, "--until");
  if (end <= start) throw usageError("bad-window", "--until must be after --since");
  return {
    start: start.toUTC().toISO()!,
    end: end.toUTC().toISO()!,
    mandatory: true,
    description: `merged ${fmt(start.setZone(timeZone))} → ${fmt(end.setZone(timeZone))} ${timeZone} (from --since/--until)`,
  };
}

export function formatInZone(iso: string, timeZone: string): string {
  return DateTime.fromISO(iso, { zone: "utc" }).setZone(timeZone).toFormat("yyyy-LL-dd HH:mm ZZ");
}
