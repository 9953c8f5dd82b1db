import { DateTime } from "luxon";
import type { ReleaseCalendar, Weekday } from "../staging/window.js";

const WEEKDAYS: readonly Weekday[] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export interface TimelinePoint {
  /** UTC instant. */
  at: string;
  /** Wall-clock time in the calendar's zone: "Thu 26 Nov 12:00". */
  local: string;
}

/**
 * Where now is in the release cycle: the window that fills up (start → cut-off) and the release that ships it.
 * - `validation`: after the cut-off, before its release — validation in staging is mandatory;
 * - `collecting`: after the release — merges go to the next release, whose cut-off is ahead.
 */
export interface ReleaseTimeline {
  phase: "validation" | "collecting";
  timeZone: string;
  start: TimelinePoint;
  cutoff: TimelinePoint;
  release: TimelinePoint;
  now: TimelinePoint;
  /** Fractions of start → release, for drawing. */
  position: { cutoff: number; now: number };
  /** One line for people. */
  summary: string;
}

const local = (d: DateTime): string => d.toFormat("ccc d LLL HH:mm");
const point = (d: DateTime): TimelinePoint => ({ at: d.toUTC().toISO()!, local: local(d) });

/** The latest instant ≤ `now` on `weekday` at `time`, in `now`'s zone (as src/staging/window.ts computes it). */
function latestAtOrBefore(now: DateTime, weekday: Weekday, time: string): DateTime {
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const at = (d: DateTime): DateTime => d.set({ hour, minute, second: 0, millisecond: 0 });
  let candidate = at(now);
  candidate = at(candidate.minus({ days: (candidate.weekday - (WEEKDAYS.indexOf(weekday) + 1) + 7) % 7 }));
  if (candidate > now) candidate = at(candidate.minus({ weeks: 1 }));
  return candidate;
}

/** The first instant > `after` on `weekday` at `time`. */
function firstAfter(after: DateTime, weekday: Weekday, time: string): DateTime {
  const latest = latestAtOrBefore(after, weekday, time);
  return latest.plus({ weeks: 1 }).set({ hour: latest.hour, minute: latest.minute });
}

function span(from: DateTime, to: DateTime): string {
  const minutes = Math.max(0, Math.round(to.diff(from, "minutes").minutes));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * The release cycle around `nowIso`, from the calendar in bfd.config.yaml (weekdays and times are wall-clock in its
 * zone, so a cycle across a daylight-saving change keeps its times). The same rules as `bfd staging`'s window:
 * during validation the window is the previous cut-off → the cut-off; otherwise the cut-off → the next cut-off.
 */
export function releaseTimeline(calendar: ReleaseCalendar, nowIso: string): ReleaseTimeline {
  const zone = calendar.timeZone;
  const now = DateTime.fromISO(nowIso, { zone: "utc" }).setZone(zone);
  const lastCutoff = latestAtOrBefore(now, calendar.cutoff.weekday, calendar.cutoff.time);
  const itsRelease = firstAfter(lastCutoff, calendar.release.weekday, calendar.release.time);
  const validation = now < itsRelease;
  const start = validation
    ? latestAtOrBefore(lastCutoff.minus({ minutes: 1 }), calendar.cutoff.weekday, calendar.cutoff.time)
    : lastCutoff;
  const cutoff = validation ? lastCutoff : firstAfter(now, calendar.cutoff.weekday, calendar.cutoff.time);
  const release = validation ? itsRelease : firstAfter(cutoff, calendar.release.weekday, calendar.release.time);
  const whole = release.toMillis() - start.toMillis();
  const fraction = (d: DateTime): number => Math.min(1, Math.max(0, (d.toMillis() - start.toMillis()) / whole));
  const summary = validation
    ? `Validation in staging is mandatory: the cut-off was ${local(cutoff)}; the release is ${local(release)} ${zone}, in ${span(now, release)}.`
    : `Collecting for the next release: the cut-off is ${local(cutoff)} ${zone}, in ${span(now, cutoff)}; the release is ${local(release)}.`;
  return {
    phase: validation ? "validation" : "collecting",
    timeZone: zone,
    start: point(start),
    cutoff: point(cutoff),
    release: point(release),
    now: point(now),
    position: { cutoff: fraction(cutoff), now: fraction(now) },
    summary,
  };
}
