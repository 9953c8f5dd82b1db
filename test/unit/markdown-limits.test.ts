import { describe, expect, it } from "vitest";
import { MAX_MARKDOWN_CHARS, markdownLimitProblem } from "../../src/markdown/limits.js";

const lines = (...text: string[]) => text.join("\n");
const nestedList = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${" ".repeat(2 * i)}- level ${i + 1}`).join("\n");

describe("markdownLimitProblem", () => {
  it.each<[string, string]>([
    ["ordinary text", lines("## Acceptance criteria", "- [x] a", "  - [ ] b", "> quoted", "", "Some *emphasis*.")],
    ["a list nested 16 deep", nestedList(16)],
    ["block quotes nested 32 deep", `${"> ".repeat(32)}a`],
    ["a thematic break of 200 stars", "*".repeat(200)],
    ["deeply indented lines that open nothing", lines("- a", `${" ".repeat(400)}continued`)],
    ["code with deep indentation", lines("```", `${" ".repeat(300)}x = 1`, "```")],
    ["many flat emphasis pairs and links", "*a* **b** [c](u) ".repeat(2000)],
    ["unclosed emphasis openers, which nest nothing", "*a ".repeat(5000)],
    ["snake_case and arithmetic", "a_b_c_d_e_f and 5 * 3 * 2 and __init__"],
    ["a text of exactly the size limit", "a".repeat(MAX_MARKDOWN_CHARS)],
  ])("accepts %s", (_name, text) => {
    expect(markdownLimitProblem(text, "the issue description")).toBeNull();
  });

  it.each<[string, string, RegExp]>([
    [
      "a text over the size limit",
      "a".repeat(MAX_MARKDOWN_CHARS + 1),
      /^The issue description is 2,000,001 characters long; bfd reads at most 2,000,000 characters of Markdown — shorten it/,
    ],
    [
      "block quotes nested 20,000 deep",
      `${">".repeat(20_000)} a`,
      /^The issue description nests block quotes or lists more than 999 levels deep \(line 1\); bfd reads at most 32 levels of Markdown nesting — flatten it$/,
    ],
    ["a list nested 40 deep", nestedList(40), /nests block quotes or lists \d+ levels deep \(line \d+\)/],
    ["list markers stacked on one line", `${"- ".repeat(40)}a`, /block quotes or lists/],
    ["emphasis runs 20,000 long", `${"*".repeat(20_000)}a${"*".repeat(20_000)}`, /nests emphasis or brackets/],
    ["emphasis nested 2,000 deep", `${"*a ".repeat(2000)}b${" c*".repeat(2000)}`, /nests emphasis or brackets/],
    ["brackets nested 1,000 deep", `${"[".repeat(1000)}a${"]".repeat(1000)}`, /nests emphasis or brackets/],
    ["images nested in images", `${"![".repeat(100)}a${"](u)".repeat(100)}`, /nests emphasis or brackets 100 levels/],
  ])("refuses %s, naming the limit", (_name, text, message) => {
    expect(markdownLimitProblem(text, "the issue description")?.message).toMatch(message);
  });

  it("names the line of the deepest nesting", () => {
    const text = lines("ok", "", "fine", `${"> ".repeat(40)}deep`);
    expect(markdownLimitProblem(text, "the merge request description")?.message).toMatch(
      /^The merge request description nests block quotes or lists 40 levels deep \(line 4\)/,
    );
  });
});
