/**
 * bfd's own autolink-literal rule (src/markdown/parse.ts) replaces markdown-it's linkify core rule only to skip
 * testing the URLs of explicit links: on every document it must make exactly the tokens markdown-it's rule makes.
 * Both parsers below share everything else (CommonMark, linkify-it set as bfd sets it).
 */
import * as fc from "fast-check";
import MarkdownIt, { type MarkdownIt as Parser, type Token } from "markdown-it";
import { describe, expect, it } from "vitest";
import { linkLiterals } from "../../src/markdown/parse.js";

function parser(own: boolean): Parser {
  const md = new MarkdownIt("commonmark", { linkify: true });
  md.enable("linkify");
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
  md.linkify.add("//", null);
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (text) => text;
  md.validateLink = () => true;
  // bfd's rule, run over every inline block as a core rule in markdown-it's place (bfd runs it per block).
  if (own)
    md.core.ruler.at("linkify", (state) => {
      for (const block of state.tokens) if (block.type === "inline") linkLiterals(state.md, block);
    });
  return md;
}

const stock = parser(false);
const own = parser(true);

/** The tokens as plain data (types, levels, contents, attributes), children included. */
function shape(tokens: readonly Token[]): unknown[] {
  return tokens.map((t) => ({
    type: t.type,
    level: t.level,
    content: t.content,
    markup: t.markup,
    info: t.info,
    attrs: t.attrs,
    children: t.children === null ? null : shape(t.children),
  }));
}

const same = (markdown: string): void =>
  expect(shape(own.parse(markdown, {})), JSON.stringify(markdown)).toEqual(shape(stock.parse(markdown, {})));

describe("bfd's autolink-literal rule", () => {
  it.each([
    "see https://a.example/x and www.b.example and c@d.example",
    "[the log](https://app.acme.example/admin/audit) then http://e.example",
    "[http://inside.example](http://target.example) http://after.example",
    '<a href="x">http://in-html-link.example</a> http://after.example',
    "http://before-close.example </a> http://after.example",
    "<a href=x> http://open.example",
    "\\_http://escaped.example",
    "`http://code.example` http://text.example",
    "![http://alt.example](http://img.example) http://x.example",
    "mailto:a@b.example and ftp://f.example",
    "no links here at all",
    "line one http://a.example\nline two www.b.example",
    // Once failed (fast-check, seed 20261207): the whole content, not the text after the code span, decides.
    "\\_`c`x@y.example",
  ])("makes the tokens markdown-it's rule makes: %j", (markdown) => same(markdown));

  it("agrees with markdown-it's rule on generated documents", () => {
    const piece = fc.constantFrom(
      "http://a.example/p",
      "www.w.example",
      "x@y.example",
      "[t](http://l.example)",
      "[http://l.example](u)",
      "<a href='h'>",
      "</a>",
      "\\_",
      "`c`",
      "*",
      "_",
      " ",
      "\n",
      "- ",
      "text",
      "![i](http://i.example)",
      "<http://angle.example>",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        same(pieces.join(""));
      }),
      { numRuns: 300 },
    );
  });
});
