import { describe, expect, it } from "vitest";
import { closestChoices, didYouMean, editDistance } from "../../src/text/closest.js";

describe("editDistance", () => {
  it.each([
    ["", "", 0],
    ["ready", "ready", 0],
    ["redy", "ready", 1],
    ["raedy", "ready", 1],
    ["kitten", "sitting", 3],
  ])("%s → %s is %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe("closestChoices", () => {
  const states = ["Backlog", "Todo", "Ready", "In Progress", "In Review", "Done"];
  it.each([
    ["a typo", "Redy", states, ["Ready"]],
    ["another case", "in reveiw", states, ["In Review"]],
    ["a prefix", "In Prog", states, ["In Progress"]],
    ["a team key one letter off", "ENGG", ["ENG", "OPS", "DES"], ["ENG"]],
    [
      "a rule id",
      "acceptance-criteria-mat",
      ["acceptance-criteria-met", "scope-matches-issue"],
      ["acceptance-criteria-met"],
    ],
    ["nothing close", "Shipped", states, []],
    ["an empty word", "", states, []],
  ])("%s", (_name, typed, choices, expected) => {
    expect(closestChoices(typed, choices)).toEqual(expected);
  });

  it("says nothing when nothing is close, and quotes the choices when something is", () => {
    expect(didYouMean("Shipped", ["Done"])).toBe("");
    expect(didYouMean("Redy", ["Ready", "Done"])).toBe(' Did you mean "Ready"?');
  });
});
