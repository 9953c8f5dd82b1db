import { describe, expect, it } from "vitest";
import {
  addedLinesByFile,
  addedLinesOfDiff,
  MAX_ADDED_LINE_CHARS,
  MAX_ADDED_LINES_PER_FILE,
  recordFor,
  staticPrefix,
} from "../../src/work-item/introduced-names.js";

describe("addedLinesOfDiff", () => {
  it.each([
    [
      "a new file's lines",
      "@@ -0,0 +1,2 @@\n+a\n+b",
      [
        { line: 1, text: "a" },
        { line: 2, text: "b" },
      ],
    ],
    ["context and removed lines are not added", "@@ -5,3 +5,3 @@\n x\n-y\n+z\n w", [{ line: 6, text: "z" }]],
    [
      "two hunks, numbered from each header",
      "@@ -1 +1 @@\n-a\n+b\n@@ -40 +40 @@\n-c\n+d",
      [
        { line: 1, text: "b" },
        { line: 40, text: "d" },
      ],
    ],
    [
      "a line that starts with +++ inside a hunk is an added line",
      "@@ -0,0 +1 @@\n+++counter",
      [{ line: 1, text: "++counter" }],
    ],
    ["no hunk header: nothing", "+a\n+b", []],
    [
      "a removed SQL comment keeps the count",
      "@@ -1,2 +1,2 @@\n--- old\n+-- new\n+x",
      [
        { line: 1, text: "-- new" },
        { line: 2, text: "x" },
      ],
    ],
  ])("reads %s", (_name, diff, expected) => {
    expect(addedLinesOfDiff(diff)).toEqual(expected);
  });

  it("cuts each line and the number of lines kept", () => {
    const diff = `@@ -0,0 +1,9000 @@\n${`+${"x".repeat(5_000)}\n`.repeat(MAX_ADDED_LINES_PER_FILE + 10)}`;
    const added = addedLinesOfDiff(diff);
    expect(added).toHaveLength(MAX_ADDED_LINES_PER_FILE);
    expect(added[0]!.text).toHaveLength(MAX_ADDED_LINE_CHARS);
  });
});

it("reads a git diff of several files by new path, never the +++ header, and a deleted file adds nothing", () => {
  const patch = [
    "diff --git a/app/a.rb b/app/a.rb",
    "index 1..2 100644",
    "--- a/app/a.rb",
    "+++ b/app/a.rb",
    "@@ -3,0 +4 @@ x",
    "+Feature.enabled?(:one)",
    "diff --git a/old.rb b/old.rb",
    "deleted file mode 100644",
    "--- a/old.rb",
    "+++ /dev/null",
    "@@ -1 +0,0 @@",
    "-Feature.enabled?(:two)",
  ].join("\n");
  expect([...addedLinesByFile(patch)]).toEqual([["app/a.rb", [{ line: 4, text: "Feature.enabled?(:one)" }]]]);
});

it.each([
  ["config/feature_flags/**/*.yml", "config/feature_flags"],
  ["feature-flags/*.yaml", "feature-flags"],
  ["**/flags/*.yml", ""],
  ["flags.yml", ""],
])("lists %s from the folder %j", (glob, prefix) => {
  expect(staticPrefix(glob)).toBe(prefix);
});

it.each([
  ["config/feature_flags/beta/login_audit.yml", "login_audit"],
  ["config/feature_flags/login_audit.yaml", "login_audit"],
])("finds the record %s for %s", (path, name) => {
  expect(recordFor(name, ["x.yml", path], ["config/feature_flags/**/*.{yml,yaml}"])).toBe(path);
});

it("finds no record named after another flag or outside the record globs", () => {
  const paths = ["config/feature_flags/login_audit_v2.yml", "docs/login_audit.yml"];
  expect(recordFor("login_audit", paths, ["config/feature_flags/**/*.yml"])).toBeUndefined();
});
