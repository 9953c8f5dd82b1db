import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { upgradeSnapshot, WORK_ITEM_SCHEMA_VERSION } from "../../src/work-item/schema.js";
import { ROOT } from "../helpers/cli.js";

const current = JSON.parse(readFileSync(join(ROOT, "examples/done-pass.json"), "utf8")) as Record<string, unknown> & {
  mergeRequest: Record<string, unknown>;
};
const { activity: _activity, authorName: _authorName, ...v2MergeRequest } = current.mergeRequest;
const v2 = { ...current, schemaVersion: 2, mergeRequest: v2MergeRequest };
const { files, ...v1MergeRequest } = v2MergeRequest;
const v1 = {
  ...current,
  schemaVersion: 1,
  mergeRequest: { ...v1MergeRequest, flagRecords: files },
  unavailable: [{ evidence: "mergeRequest.flagRecords", reason: "refused" }],
};

describe("older snapshots are upgraded to version 3", () => {
  it.each([
    ["version 2 (no record of who acted on the MR)", v2],
    ["version 1 (flag records as flagRecords)", v1],
  ])("reads %s with who acted as not read", (_name, old) => {
    const upgraded = parseSnapshot(JSON.stringify(old), "old.json");
    expect(upgraded.schemaVersion).toBe(WORK_ITEM_SCHEMA_VERSION);
    expect(upgraded.mergeRequest).toMatchObject({ activity: null, authorName: null, files });
  });

  it("renames version 1's flag-record gap to the generic files gap", () => {
    expect(upgradeSnapshot(v1)["unavailable"]).toEqual([{ evidence: "mergeRequest.files", reason: "refused" }]);
  });

  it.each([3, 4, "2", undefined])("leaves schemaVersion %s as it is (the loader judges it)", (version) => {
    const raw = { ...current, schemaVersion: version };
    expect(upgradeSnapshot(raw)).toBe(raw);
  });
});

it("reads a version 3 snapshot written before flags were judged by their introduction (#22): no added lines, records at the head not looked up", () => {
  const item = parseSnapshot(JSON.stringify(current), "before.json");
  expect(item.mergeRequest?.existingFiles).toBeNull();
  expect(item.mergeRequest?.changes.every((change) => change.addedLines === undefined)).toBe(true);
});
