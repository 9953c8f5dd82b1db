import { describe, expect, it } from "vitest";
import { explicitWindow, stagingWindow, type ReleaseCalendar } from "../../src/staging/window.js";

const berlin: ReleaseCalendar = {
  timeZone: "Europe/Berlin",
  cutoff: { weekday: "thursday", time: "12:00" },
  release: { weekday: "tuesday", time: "10:00" },
};

describe("the staging window", () => {
  it.each([
    // now (UTC)                 start                         end                           mandatory
    ["2026-10-29T11:30:00.000Z", "2026-10-22T10:00:00.000Z", "2026-10-29T11:00:00.000Z", true], // crosses the end of summer time (25 Oct): cut-offs stay at 12:00 local
    ["2026-11-03T08:59:00.000Z", "2026-10-22T10:00:00.000Z", "2026-10-29T11:00:00.000Z", true], // a minute before the Tuesday release
    ["2026-11-03T09:00:00.000Z", "2026-10-29T11:00:00.000Z", "2026-11-03T09:00:00.000Z", false], // at the release: the next window starts filling
    ["2026-10-29T10:59:00.000Z", "2026-10-22T10:00:00.000Z", "2026-10-29T10:59:00.000Z", false], // a minute before the cut-off
    ["2026-03-27T12:00:00.000Z", "2026-03-19T11:00:00.000Z", "2026-03-26T11:00:00.000Z", true], // crosses the start of summer time (29 Mar)
    ["2026-03-31T07:59:00.000Z", "2026-03-19T11:00:00.000Z", "2026-03-26T11:00:00.000Z", true], // release Tue 31 Mar 10:00 CEST = 08:00Z
  ])("at %s covers %s → %s (mandatory: %s)", (now, start, end, mandatory) => {
    expect(stagingWindow(berlin, now)).toMatchObject({ start, end, mandatory });
  });

  it("describes the window in the calendar's zone", () => {
    expect(stagingWindow(berlin, "2026-10-29T11:30:00.000Z").description).toBe(
      "merged Thu 22 Oct 12:00 → Thu 29 Oct 12:00 Europe/Berlin; staging validation is mandatory until the release on Tue 3 Nov 10:00",
    );
  });

  it("rejects an unknown time zone as a usage error", () => {
    expect(() => stagingWindow({ ...berlin, timeZone: "Mars/Olympus" }, "2026-10-29T11:30:00.000Z")).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
  });

  it("reads --since/--until without an offset in the calendar's zone", () => {
    expect(
      explicitWindow("2026-10-22T12:00", "2026-10-29T12:00", "Europe/Berlin", "2026-11-01T00:00:00Z"),
    ).toMatchObject({
      start: "2026-10-22T10:00:00.000Z",
      end: "2026-10-29T11:00:00.000Z",
      mandatory: true,
    });
  });

  it.each([
    ["yesterday", undefined, "--since yesterday: not an ISO date"],
    ["2026-10-29", "2026-10-22", "--until must be after --since"],
  ])("rejects --since %s --until %s", (since, until, message) => {
    expect(() => explicitWindow(since, until, "UTC", "2026-11-01T00:00:00Z")).toThrow(message);
  });
});
