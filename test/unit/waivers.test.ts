import { describe, expect, it } from "vitest";
import { findWaiverLines } from "../../src/engine/waivers.js";
import { md, withMr } from "../helpers/work-item.js";

const inMr = (...lines: string[]) => findWaiverLines(withMr({ description: md(...lines) }));

describe("findWaiverLines", () => {
  it.each<[string, string[], { ruleId: string; reason: string }[]]>([
    [
      "a line of its own",
      ["bfd-waive: release-notes-updated ships dark"],
      [{ ruleId: "release-notes-updated", reason: "ships dark" }],
    ],
    [
      "a list item",
      ["- bfd-waive: user-docs-updated internal tool"],
      [{ ruleId: "user-docs-updated", reason: "internal tool" }],
    ],
    [
      "bold and a link in it",
      ["**bfd-waive:** release-notes-updated see [ENG-9](https://x.example)"],
      [{ ruleId: "release-notes-updated", reason: "see ENG-9" }],
    ],
    [
      "a line inside a paragraph",
      ["Notes:", "bfd-waive: Release-Notes-Updated dark launch"],
      [{ ruleId: "release-notes-updated", reason: "dark launch" }],
    ],
  ])("reads a waiver a reader sees: %s", (_name, lines, waivers) => {
    expect(inMr(...lines).map(({ ruleId, reason }) => ({ ruleId, reason }))).toEqual(waivers);
  });

  it.each<[string, string[]]>([
    ["an MR template's HTML comment", ["<!-- bfd-waive: release-notes-updated <why> -->"]],
    ["an HTML comment over several lines", ["<!--", "bfd-waive: release-notes-updated because", "-->"]],
    ["a code block", ["```", "bfd-waive: release-notes-updated because", "```"]],
    ["inline code", ["`bfd-waive: release-notes-updated because`"]],
    ["a block quote", ["> bfd-waive: release-notes-updated because"]],
    ["struck text", ["~~bfd-waive: release-notes-updated because~~"]],
    ["the middle of a sentence", ["Never write bfd-waive: release-notes-updated lightly"]],
  ])("reads no waiver from %s", (_name, lines) => {
    expect(inMr(...lines)).toEqual([]);
  });

  it.each<[string, string]>([
    ["no reason", "bfd-waive: release-notes-updated"],
    ["a template placeholder in angle brackets", "bfd-waive: release-notes-updated <why>"],
    ["an escaped placeholder", "bfd-waive: release-notes-updated \\<reason\\>"],
    ["TBD", "bfd-waive: release-notes-updated TBD"],
    ["only invisible characters", "bfd-waive: release-notes-updated \u200B\u2060\u00A0\u3164"],
    ["only punctuation", "bfd-waive: release-notes-updated ..."],
  ])("reads a waiver with %s as one without a reason (the engine ignores it, saying why)", (_name, line) => {
    expect(inMr(line)).toEqual([{ ruleId: "release-notes-updated", reason: "", source: "merge request description" }]);
  });

  it("reads the issue description too, naming the source", () => {
    const item = withMr({}, { issue: { description: "bfd-waive: user-docs-updated API only" } });
    expect(findWaiverLines(item)).toEqual([
      { ruleId: "user-docs-updated", reason: "API only", source: "issue description" },
    ]);
  });
});
