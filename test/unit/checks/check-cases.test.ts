import { describe, expect, it } from "vitest";
import { labels } from "../../../src/checks/labels.js";
import { checkCases } from "../../helpers/check-cases.js";
import { item, withMr } from "../../helpers/work-item.js";

const passing = { name: "the label is there", item: withMr({ labels: ["bug"] }), options: { any: ["bug"] } };
const failing = { name: "the label is not there", item: withMr({ labels: [] }), options: { any: ["bug"] } };

describe("checkCases", () => {
  it("refuses a table without a passing case", () => {
    expect(() => checkCases(labels, { pass: [], fail: [failing] })).toThrow(/labels\): give at least one passing case/);
  });

  it("refuses a table without a failing case", () => {
    expect(() => checkCases(labels, { pass: [passing], fail: [] })).toThrow(/labels\): give at least one failing case/);
  });

  it("refuses options the rule loader would reject", () => {
    expect(() => checkCases(labels, { pass: [{ ...passing, options: {} }], fail: [failing] })).toThrow(
      /case "the label is there": options the rule loader would reject/,
    );
  });

  it("refuses an item without the evidence the kind needs, which the engine would never run it on", () => {
    expect(() => checkCases(labels, { pass: [{ ...passing, item: item({}) }], fail: [failing] })).toThrow(
      /needs mergeRequest but the item has none/,
    );
  });
});
