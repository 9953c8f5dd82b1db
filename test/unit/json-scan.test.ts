import { describe, expect, it } from "vitest";
import { jsonPath, scanJson } from "../../src/sources/json-scan.js";

describe("scanJson", () => {
  it.each<[string, string, { key: string; line: number; path: string } | null]>([
    ["no key twice", '{"a": 1, "b": {"a": 2}}', null],
    ["a key twice at the root", '{\n"a": 1,\n"a": 2\n}', { key: "a", line: 3, path: "" }],
    [
      "a key twice in a nested object",
      '{"m": {\n "x": [1, {"y": 1,\n "y": 2}]}}',
      { key: "y", line: 3, path: "/m/x/1" },
    ],
    ["the same key written with an escape", '{"ab": 1, "a\\u0062": 2}', { key: "ab", line: 1, path: "" }],
    ["equal keys in different objects", '[{"a": 1}, {"a": 2}]', null],
    ["a string value that looks like a key", '{"a": "a", "b": "a"}', null],
    [
      "a key twice after values ending in escaped quotes and backslashes",
      String.raw`{"v": "say \"a\", \\", "w\\": "\\\"", "a": 1,` + "\n" + String.raw`"a": 2}`,
      { key: "a", line: 2, path: "" },
    ],
  ])("finds %s", (_what, text, duplicate) => {
    expect(scanJson(text).duplicate).toEqual(duplicate);
  });

  it("gives the line each wanted value starts on, through arrays, strings with escapes and scalars", () => {
    const text = '{\n "now": "x\\"y",\n "mr": {\n  "changes": [\n   {"p": 1},\n   {"p": true}\n  ]\n },\n "n": null\n}';
    const wanted = new Set([jsonPath(["now"]), jsonPath(["mr", "changes", 1, "p"]), jsonPath(["n"]), "/absent"]);
    expect(Object.fromEntries(scanJson(text, wanted).lines)).toEqual({ "/now": 2, "/mr/changes/1/p": 6, "/n": 9 });
  });

  it("scans nesting deeper than the call stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(scanJson(deep).duplicate).toBeNull();
  });
});
