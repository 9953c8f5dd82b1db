import { describe, expect, it } from "vitest";
import { BfdError } from "../../src/errors.js";
import { parseIssueReference } from "../../src/sources/linear/client.js";

describe("parseIssueReference", () => {
  it.each([
    ["ENG-123", "ENG-123"],
    ["eng-123", "ENG-123"],
    ["  Eng-7\n", "ENG-7"],
    ["PLAT2-45", "PLAT2-45"],
    ["https://linear.app/acme/issue/ENG-123/add-audit-log-to-checkout", "ENG-123"],
    ["https://linear.app/acme/issue/eng-123", "ENG-123"],
    ["https://linear.app/acme/issue/ENG-123/add-audit-log#comment-1a2b3c4d", "ENG-123"],
    ["9C1B2D3E-4F50-4A6B-8C7D-9E0F1A2B3C4D", "9c1b2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"],
  ])("reads %j as %s", (input, expected) => {
    expect(parseIssueReference(input)).toBe(expected);
  });

  it.each([
    [""],
    ["123"],
    ["ENG"],
    ["ENG-"],
    ["ENG 123"],
    ["ENG-12a"],
    ["1ENG-12"],
    ["https://example.com/acme/issue/ENG-123/x"],
    ["https://linear.app/acme/project/checkout-v2-5f1c2a9e0b7d"],
    ["ENG-123; rm -rf /"],
  ])("refuses %j with bad-issue-key and says how to write a key", (input) => {
    let thrown: unknown;
    try {
      parseIssueReference(input);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BfdError);
    expect(thrown).toMatchObject({ kind: "input", code: "bad-issue-key" });
    expect((thrown as BfdError).hint).toMatch(/ENG-123/);
  });
});
