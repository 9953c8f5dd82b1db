import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkMarkdown, chunkNodes } from "../../src/markdown/chunks.js";
import { consumeCalls, originalConsume } from "../../src/markdown/edit-map.js";
import { parseFragment } from "../../src/markdown/parse.js";
import { EditMap } from "micromark-util-edit-map";

/** Nodes without positions: chunks are parsed on their own, so their offsets differ from the whole document's. */
function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) if (key !== "position") out[key] = withoutPositions(child);
    return out;
  }
  return value;
}

const chunked = (text: string) => {
  const chunks = chunkMarkdown(text, 0);
  return { chunks, nodes: withoutPositions(chunks.flatMap((chunk) => chunkNodes(text, chunk))) };
};
const whole = (text: string) => withoutPositions(parseFragment(text));

/**
 * Lines that change what the next lines mean: fences (open, close, indented, inside lists and quotes), HTML blocks
 * of every kind, lazy continuations, list items, tables, setext underlines, BOMs, tabs. Reference definitions are
 * left out: a reference across chunks is the one documented difference.
 */
const TRICKY_LINES = [
  "",
  "",
  "   ",
  "text",
  "## Heading",
  "**Bold title**",
  "Title:",
  "```",
  "```js",
  "````",
  "~~~",
  "``` a`b",
  "  ```",
  "   ~~~",
  "\t```",
  "    ```",
  "- ```",
  "> ```",
  "1. ```",
  "- item",
  "  - nested",
  "  continued",
  "* star",
  "1) ordered",
  "> quote",
  "> > deep",
  "<!-- comment",
  "-->",
  "<!-- one line -->",
  "<div>",
  "</div>",
  "<script>",
  "</script>",
  "<?php",
  "?>",
  "<!DOCTYPE html>",
  "<![CDATA[",
  "]]>",
  '<x-tag a="b">',
  "  <span>",
  "| a | b |",
  "|---|---|",
  "===",
  "---",
  "***",
  "\uFEFF# bom",
  "[^1]: footnote",
  "    indented code",
  "\tindented by tab",
  "a\r",
];

const document = fc
  .array(fc.constantFrom(...TRICKY_LINES), { maxLength: 40 })
  .chain((lines) => fc.constantFrom("\n", "\r\n").map((eol) => lines.join(eol)));

describe("chunkMarkdown", () => {
  it("parses every chunk on its own to the same nodes as the whole document", () => {
    fc.assert(
      fc.property(document, (text) => {
        expect(chunked(text).nodes).toEqual(whole(text));
      }),
      { numRuns: 1500 },
    );
  });

  it.each<[string, string]>([
    ["a fence inside a list item closes with the item", "- a\n  ```\n\nb\n\n```\n## inside code\n```\n"],
    // micromark keeps an open fence's blank lines when a block quote ends the list, and drops them otherwise.
    ["a fence left open in a list item, then a block quote", "1. ```\n\n\n> > deep"],
    ["a fence inside a block quote closes with the quote", "> ```\n\n## after\n"],
    ["an HTML comment runs through blank lines", "<!-- a\n\n## hidden\n\n-->\n\n## shown\n"],
    ["an HTML block of kind 7 after a paragraph is text", "text\n<x-y>\n```\n\n# in code\n```\n"],
    ["an HTML div swallows a fence line up to the blank line", "<div>\n```\n\n# heading\n\n```\ncode\n"],
    ["an unclosed fence runs to the end", "a\n\n```\n\n# code\n\nmore\n"],
    ["a BOM inside the text is not stripped", "a\n\n\uFEFF# not a heading\n"],
    ["a tab-indented fence is indented code", "a\n\n\t```\n\n# heading\n"],
    // Found by a random seed on a fresh clone (#26): a fence left open in a list item, then a footnote definition.
    ["a fence left open in a list item, then a footnote", "- ```\n\n\n[^1]: footnote"],
  ])("cuts only where the whole parse agrees: %s", (_name, text) => {
    expect(chunked(text).nodes).toEqual(whole(text));
  });

  it("cuts a long document into chunks at blank lines and around column-0 fences", () => {
    const text = "# A\n\ntext\n\n```\ncode\n```\n- item\n\n- same list\nend\n";
    const kinds = chunkMarkdown(text, 0).map((chunk) => [chunk.kind, text.slice(chunk.start, chunk.end)]);
    expect(kinds).toEqual([
      ["flow", "# A\n\n"],
      ["flow", "text\n\n"],
      ["code", "```\ncode\n```\n"],
      ["flow", "- item\n\n- same list\nend\n"],
    ]);
  });

  it("keeps a short document whole", () => {
    expect(chunkMarkdown("# A\n\ntext\n")).toEqual([{ start: 0, end: 10, kind: "flow" }]);
  });

  it("makes a code block's node without the parser, as the parser would", () => {
    for (const text of [
      "```js meta\na\n\nb\n```\n",
      "~~~\n~~~",
      "```\n\n\n",
      "````\na\n```\n````\n",
      "```\r\na\r\n```\r\n",
    ]) {
      const chunks = chunkMarkdown(text, 0);
      expect(chunks.map((c) => c.kind)).toEqual(["code"]);
      expect(withoutPositions(chunkNodes(text, chunks[0]!))).toEqual(whole(text));
    }
  });
});

describe("micromark's EditMap.consume, replaced to stay linear", () => {
  const event = (n: number) => n as unknown as Parameters<EditMap["consume"]>[0][number];

  it("gives the same events as micromark's own for any set of non-overlapping edits", () => {
    const edits = fc
      .uniqueArray(fc.nat({ max: 40 }), { maxLength: 6 })
      .chain((ats) =>
        fc.tuple(
          ...ats
            .sort((a, b) => a - b)
            .map((at, i, all) =>
              fc.tuple(
                fc.constant(at),
                fc.nat({ max: Math.max(0, (all[i + 1] ?? 41) - at - 1) }),
                fc.array(fc.integer({ min: 100, max: 200 }), { maxLength: 3 }),
              ),
            ),
        ),
      );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), edits, (length, changes) => {
        const apply = (consume: EditMap["consume"]) => {
          const events = Array.from({ length: 41 }, (_, i) => event(i)).slice(0, Math.max(length, 41));
          const map = new EditMap();
          for (const [at, remove, add] of [...changes].reverse()) map.add(at, remove, add.map(event));
          consume.call(map, events);
          return events;
        };
        expect(apply(EditMap.prototype.consume)).toEqual(apply(originalConsume));
      }),
    );
  });

  it("is the one micromark calls when it parses a list", () => {
    const before = consumeCalls();
    parseFragment("- a\n- b\n\n> c\n");
    expect(consumeCalls()).toBeGreaterThan(before);
  });
});
