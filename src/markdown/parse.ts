import type { Root, RootContent } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import "./edit-map.js";

const options = { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };

let parsed = 0;
/** Characters handed to micromark so far: the fuzzer bounds the parsing work per input with it. */
export function parsedCharacters(): number {
  return parsed;
}

/** Parses Markdown (CommonMark + GFM) that is within bfd's limits (see limits.ts); callers check them first. */
export function parseTree(markdown: string): Root {
  parsed += markdown.length;
  return fromMarkdown(markdown, options);
}

/** The top-level nodes of a piece of Markdown. */
export function parseFragment(markdown: string): RootContent[] {
  return parseTree(markdown).children;
}
