import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countText, plural } from "../../src/text/plural.js";
import { ROOT } from "../helpers/cli.js";

describe("countText", () => {
  it.each([
    0,
    7,
    999,
    1000,
    1204,
    99_999,
    100_000,
    1_000_000,
    123_456_789,
    -1,
    -1234,
    -1_000_000,
    2 ** 53 - 1,
    1.5,
    1e21,
  ])("writes %d as toLocaleString('en-US') does", (n) => {
    expect(countText(n)).toBe(n.toLocaleString("en-US"));
  });
});

describe("plural", () => {
  it.each([
    [0, "item", undefined, "0 items"],
    [1, "item", undefined, "1 item"],
    [3, "open sub-issue", undefined, "3 open sub-issues"],
    [1204, "issue", undefined, "1,204 issues"],
    [2, "person", "people", "2 people"],
  ])("says %i %s", (count, one, many, expected) => {
    expect(plural(count, one, many)).toBe(expected);
  });
});

/** Every .ts file under src/. */
function sources(dir = join(ROOT, "src")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** The text of a line's string and template literals, without the code inside `${…}`. */
const literals = (line: string): string[] =>
  [...line.replace(/\$\{[^}]*\}/g, "").matchAll(/(["'`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]!);

describe("messages", () => {
  // #24: "1 of 3 item(s)" read as a machine's; a count names its noun in the right number (src/text/plural.ts).
  it('never write a noun as "word(s)"', () => {
    const found = sources().flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .map((line, index) => ({ line, at: `${file.slice(ROOT.length)}:${index + 1}` }))
        .filter(({ line }) => !/^\s*(\*|\/\/)/.test(line))
        .filter(({ line }) => literals(line).some((text) => /[A-Za-z]\(s\)/.test(text.replace(/http\(s\)/g, ""))))
        .map(({ at }) => at),
    );
    expect(found).toEqual([]);
  });
});
