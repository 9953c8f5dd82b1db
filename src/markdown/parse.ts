import type {
  Blockquote,
  Code,
  Definition,
  FootnoteDefinition,
  Heading,
  Link,
  List,
  ListItem,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
} from "mdast";
import MarkdownIt, {
  type Delimiter,
  type Env,
  type MarkdownIt as Parser,
  type StateBlock,
  type StateCore,
  type StateInline,
  type Token,
} from "markdown-it";
import footnote from "markdown-it-footnote";

/**
 * markdown-it 15 (CommonMark 0.31.2) with GFM's tables and strikethrough, footnotes (the markdown-it org's plugin)
 * and bare URLs: linear in practice on every worst case bfd measured (docs/architecture.md), so documents are parsed
 * whole. bfd reads, it never renders: links are kept as written (no percent-encoding, no refusal of `javascript:`),
 * as a reader's Markdown viewer shows their text.
 */
function createParser(): Parser {
  // Nesting past bfd's own limit (limits.ts, checked before reading) is refused there with a clear error; this only
  // keeps markdown-it from dropping content of text that is within it.
  const md = new MarkdownIt("commonmark", { linkify: true, maxNesting: 200 });
  md.enable(["table", "linkify"]);
  md.inline.ruler.at("strikethrough", strikethroughTokenize);
  md.inline.ruler2.at("strikethrough", strikethroughPairs);
  md.enable("strikethrough");
  (footnote as unknown as (parser: Parser) => void)(md);
  // GFM has no inline footnotes (`^[…]`), and bfd reads a footnote where it is written, not moved to the end.
  md.inline.ruler.disable("footnote_inline");
  // A footnote definition starts a block wherever a line may (GFM, as cmark-gfm and micromark read it): it also ends
  // a block quote's or list's lazy continuation, where the plugin's rule is not asked.
  md.block.ruler.before("footnote_def", "footnote_def_interrupts", interruptsWithFootnoteDefinition, {
    alt: ["blockquote", "list"],
  });
  md.core.ruler.disable("footnote_tail");
  // markdown-it leaves a token for each link reference definition and drops it in this rule: bfd reads them
  // (a definition's URL names an issue even when no link uses it).
  md.core.ruler.disable("strip_references");
  md.core.ruler.before("inline", "task_list_items", markTaskItems);
  // GFM's autolink literals: `http(s)://`, `ftp://`, `mailto:`, e-mail addresses and `www.` hosts. linkify-it's
  // fuzzy links (any word before a top-level domain: `notes.md`) are not GFM, and testing every text for them was a
  // fifth of the parse of a long list: `www.` is a schema of its own instead.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: true });
  // The core rules that read inline content (parse it, link literals, join escaped characters into text) run per
  // block as the tree is built (TreeBuilder.inlineOf), not over the whole document at once.
  md.core.ruler.disable(["inline", "linkify", "text_join"]);
  md.linkify.add("//", null);
  /** A host and path after `www.`, as linkify-it reads them after `http://` (built once: it is a large expression). */
  let wwwHost: RegExp | undefined;
  md.linkify.add("www.", {
    validate: (text, pos, self) => {
      wwwHost ??= new RegExp(self.re.get_url_host_port().source + self.re.get_path().source, "iy");
      const host = wwwHost;
      host.lastIndex = pos;
      return host.exec(text)?.[0].length ?? 0;
    },
    normalize: (match) => {
      match.url = `http://${match.url}`;
    },
  });
  // Counting rules first in each chain: every step of the block and inline tokenizers (lookahead included) runs
  // them once, so the fuzzer can bound the parser's work per character without timing it.
  md.block.ruler.before("table", "count_steps", () => {
    steps += 1;
    return false;
  });
  md.inline.ruler.before("text", "count_steps", () => {
    steps += 1;
    return false;
  });
  md.normalizeLink = (url) => url;
  md.normalizeLinkText = (text) => text;
  md.validateLink = () => true;
  return md;
}

let parsed = 0;
let steps = 0;
const md = createParser();

/** Characters handed to the parser so far: the fuzzer bounds how often a text is parsed with it. */
export function parsedCharacters(): number {
  return parsed;
}

/** Steps the parser's block and inline tokenizers took so far: the fuzzer bounds them per character. */
export function parserSteps(): number {
  return steps;
}

/** Parses Markdown (CommonMark + GFM) that is within bfd's limits (see limits.ts); callers check them first. */
export function parseTree(markdown: string): Root {
  parsed += markdown.length;
  const env: Env = {};
  const tokens = md.parse(markdown, env);
  return { type: "root", children: new TreeBuilder(tokens, env).blocks(0, tokens.length) as RootContent[] };
}

/** The top-level nodes of a piece of Markdown. */
export function parseFragment(markdown: string): RootContent[] {
  return parseTree(markdown).children;
}

/**
 * GFM's task list item: a list item whose first block is a paragraph starting with `[ ]`, `[x]` or `[X]` followed
 * by white space and more text. The marker is taken out of the paragraph before its inline content is parsed, so
 * `[x]` can never be read as a reference link.
 */
const TASK_MARKER = /^\[([ xX])\][ \t\n]+(?=\S)/;

function markTaskItems(state: StateCore): void {
  const tokens = state.tokens;
  for (let i = 0; i + 2 < tokens.length; i += 1) {
    if (tokens[i]!.type !== "list_item_open" || tokens[i + 1]!.type !== "paragraph_open") continue;
    const inline = tokens[i + 2]!;
    const marker = TASK_MARKER.exec(inline.content);
    if (marker === null) continue;
    tokens[i]!.meta = { ...(tokens[i]!.meta as object | null), checked: marker[1] !== " " };
    inline.content = inline.content.slice(marker[0].length);
  }
}

const FOOTNOTE_DEFINITION_START = /^\[\^[^\]\s]+\]:/;

/** Only asked as a terminator (silently): whether the line starts a footnote definition; the plugin parses it. */
function interruptsWithFootnoteDefinition(state: StateBlock, line: number, _end: number, silent: boolean): boolean {
  if (!silent || state.sCount[line]! - state.blkIndent >= 4) return false;
  const start = state.bMarks[line]! + state.tShift[line]!;
  return FOOTNOTE_DEFINITION_START.test(state.src.slice(start, state.eMarks[line]));
}

const TILDE = 0x7e;
/** The marker a single-tilde delimiter is matched under: `~a~` and `~~a~~` strike, `~a~~` does not (GFM). */
const SINGLE_TILDE = 0x7e00;

/**
 * GFM strikethrough: a run of one or two tildes opens or closes one, a longer run is text. markdown-it's own rule
 * takes runs of two only; this one is the same delimiter rule with single tildes matched among themselves.
 */
function strikethroughTokenize(state: StateInline, silent: boolean): boolean {
  if (silent || state.src.charCodeAt(state.pos) !== TILDE) return false;
  const scanned = state.scanDelims(state.pos, true);
  const token = state.push("text", "", 0);
  token.content = "~".repeat(scanned.length);
  if (scanned.length <= 2) {
    state.delimiters.push({
      marker: scanned.length === 1 ? SINGLE_TILDE : TILDE,
      length: 0,
      token: state.tokens.length - 1,
      end: -1,
      open: scanned.can_open,
      close: scanned.can_close,
    });
  }
  state.pos += scanned.length;
  return true;
}

function strikethroughPairs(state: StateInline): boolean {
  pairTildes(state, state.delimiters);
  for (const meta of state.tokens_meta) if (meta?.delimiters !== undefined) pairTildes(state, meta.delimiters);
  return false;
}

// Module-level functions, not closures made per call: the bundle names every function it makes (esbuild's
// keepNames), and a closure made per inline block was a named function made 20,000 times for a long list.

function pairTildes(state: StateInline, delimiters: Delimiter[]): void {
  for (const opener of delimiters) {
    if ((opener.marker !== TILDE && opener.marker !== SINGLE_TILDE) || opener.end === -1) continue;
    const markup = opener.marker === TILDE ? "~~" : "~";
    strike(state.tokens[opener.token]!, "s_open", 1, markup);
    strike(state.tokens[delimiters[opener.end]!.token]!, "s_close", -1, markup);
  }
}

function strike(token: Token, type: string, nesting: -1 | 1, markup: string): void {
  token.type = type;
  token.tag = "s";
  token.nesting = nesting;
  token.markup = markup;
  token.content = "";
}

const HTML_LINK_OPEN = /^<a[>\s]/i;
const HTML_LINK_CLOSE = /^<\/a\s*>/i;

/**
 * GFM's autolink literals in the text of one inline block (its children already parsed), outside links (Markdown's
 * and HTML's `<a>`): the same tokens as markdown-it's own linkify core rule makes, which this replaces
 * (test/unit/autolink-literals.test.ts compares them). That rule first tests each block's whole content, the URLs of
 * its explicit links included, so every `[text](https://…)` cost one run of linkify-it's large host expression (a
 * tenth of the parse of a long criteria list); this one tests the text outside links first, and the whole content
 * only when that text holds a literal.
 */
export function linkLiterals(md: Parser, block: Token): void {
  if (block.children === null) return;
  const linkify = md.linkify;
  const tokens = block.children;
  let replacements: Map<number, Token[]> | undefined;
  // Backwards, as markdown-it's rule: an HTML `</a>` seen first opens the stretch up to its `<a>`.
  let htmlLinks = 0;
  let wholeContent: boolean | undefined;
  for (let i = tokens.length - 1; i >= 0; i -= 1) {
    const token = tokens[i]!;
    if (token.type === "link_close") {
      // Back past the link's content to its opening token.
      i -= 1;
      while (tokens[i]!.level !== token.level && tokens[i]!.type !== "link_open") i -= 1;
      continue;
    }
    if (token.type === "html_inline") {
      if (HTML_LINK_OPEN.test(token.content) && htmlLinks > 0) htmlLinks -= 1;
      if (HTML_LINK_CLOSE.test(token.content)) htmlLinks += 1;
    }
    if (htmlLinks > 0 || token.type !== "text" || !linkify.test(token.content)) continue;
    // markdown-it links nothing in a block whose whole content linkify-it finds no link in (context it sees there,
    // such as the characters before an email address, can rule out a literal): asked only when a text holds one.
    wholeContent ??= linkify.test(block.content);
    if (!wholeContent) break;
    const links = linkify.match(token.content) ?? [];
    // A literal right after an escaped character (`\_http://…`) is no literal (as markdown-it's rule reads it).
    const found = links[0]?.index === 0 && tokens[i - 1]?.type === "text_special" ? links.slice(1) : links;
    (replacements ??= new Map()).set(i, literalTokens(token, found));
  }
  if (replacements !== undefined) block.children = tokens.flatMap((token, i) => replacements!.get(i) ?? [token]);
}

/** One literal linkify-it found. */
type Match = NonNullable<ReturnType<Parser["linkify"]["match"]>>[number];

/** A text token with the literals found in it as links: text, link_open, the URL's text, link_close, text… */
function literalTokens(token: Token, links: readonly Match[]): Token[] {
  const text = token.content;
  const nodes: Token[] = [];
  let level = token.level;
  let last = 0;
  const push = (type: string, tag: string, nesting: -1 | 0 | 1): Token => {
    const next = new MarkdownIt.Token(type, tag, nesting);
    nodes.push(next);
    return next;
  };
  for (const link of links) {
    if (link.index > last) {
      const before = push("text", "", 0);
      before.content = text.slice(last, link.index);
      before.level = level;
    }
    const open = push("link_open", "a", 1);
    open.attrs = [["href", link.url]];
    open.level = level++;
    open.markup = "linkify";
    open.info = "auto";
    const label = push("text", "", 0);
    label.content = link.text;
    label.level = level;
    const close = push("link_close", "a", -1);
    close.level = --level;
    close.markup = "linkify";
    close.info = "auto";
    last = link.lastIndex;
  }
  if (last < text.length) {
    const after = push("text", "", 0);
    after.content = text.slice(last);
    after.level = level;
  }
  return nodes;
}

/** A fuzzy link GFM also makes: `www.` first, or an email address; linkify-it alone would link `notes.md` too. */
function isGfmLiteral(text: string, href: string): boolean {
  return /^(?:https?:\/\/|www\.|ftp:\/\/|mailto:)/i.test(text) || (href.startsWith("mailto:") && text.includes("@"));
}

/** A label as CommonMark compares them (inner white space collapsed, case-folded), as mdast's `identifier` is. */
function identifierOf(label: string): string {
  return label.trim().replace(/\s+/g, " ").toLowerCase().toUpperCase().toLowerCase();
}

/** Turns markdown-it's flat token stream into the mdast nodes sections.ts reads, in one pass. */
class TreeBuilder {
  /** For each opening token, the index of the token that closes it: found once, with a stack. */
  private readonly closes: number[];

  constructor(
    private readonly tokens: Token[],
    private readonly env: Env,
  ) {
    this.closes = new Array<number>(tokens.length);
    const open: number[] = [];
    tokens.forEach((token, i) => {
      if (token.nesting === 1) open.push(i);
      else if (token.nesting === -1) this.closes[open.pop()!] = i;
    });
  }

  /** Block nodes from tokens[start, end), where the range holds whole blocks. */
  blocks(start: number, end: number): RootContent[] {
    const nodes: RootContent[] = [];
    let i = start;
    while (i < end) {
      const token = this.tokens[i]!;
      const close = token.nesting === 1 ? this.closing(i) : i;
      const node = this.block(token, i, close);
      if (node !== null) nodes.push(node);
      i = close + 1;
    }
    return nodes;
  }

  private closing(open: number): number {
    return this.closes[open]!;
  }

  private block(token: Token, open: number, close: number): RootContent | null {
    switch (token.type) {
      case "heading_open":
        return {
          type: "heading",
          depth: Number(token.tag.slice(1)) as Heading["depth"],
          children: this.inlineOf(open + 1),
        };
      case "paragraph_open":
        return { type: "paragraph", children: this.inlineOf(open + 1) };
      case "blockquote_open":
        return { type: "blockquote", children: this.blocks(open + 1, close) } as Blockquote;
      case "bullet_list_open":
      case "ordered_list_open":
        return this.list(token, open, close);
      case "fence":
      case "code_block": {
        const lang = token.info.trim().split(/\s+/)[0] ?? "";
        const code: Code = {
          type: "code",
          lang: lang === "" ? null : lang,
          meta: null,
          value: withoutFinalEol(token.content),
        };
        return code;
      }
      case "html_block":
        return { type: "html", value: withoutFinalEol(token.content) };
      case "hr":
        return { type: "thematicBreak" };
      case "reference_definition": {
        const label = (token.meta as { label: string }).label;
        const target = this.env.references?.[label];
        if (target === undefined) return null;
        const definition: Definition = {
          type: "definition",
          identifier: identifierOf(label),
          label,
          url: target.href,
          title: target.title === "" ? null : target.title,
        };
        if (token.map !== null) definition.position = lines(token.map[0] + 1, token.map[0] + 1);
        return definition;
      }
      case "footnote_reference_open": {
        const label = (token.meta as { label: string }).label;
        const definition: FootnoteDefinition = {
          type: "footnoteDefinition",
          identifier: identifierOf(label),
          label,
          children: this.blocks(open + 1, close) as FootnoteDefinition["children"],
        };
        return definition;
      }
      case "table_open":
        return this.table(open, close);
      default:
        return null;
    }
  }

  private list(token: Token, open: number, close: number): List {
    const ordered = token.type === "ordered_list_open";
    const items: ListItem[] = [];
    // markdown-it hides the paragraphs of a tight list; those of a loose one are shown.
    const spread = this.tokens[open + 2]?.type === "paragraph_open" && this.tokens[open + 2]!.hidden === false;
    for (let i = open + 1; i < close;) {
      const end = this.closing(i);
      const checked = (this.tokens[i]!.meta as { checked?: boolean } | null)?.checked;
      const children = this.blocks(i + 1, end) as ListItem["children"];
      items.push({ type: "listItem", spread, checked: checked ?? null, children });
      i = end + 1;
    }
    const start = ordered ? Number(attr(token, "start") ?? "1") : null;
    return { type: "list", ordered, start, spread, children: items };
  }

  private table(open: number, close: number): Table {
    const rows: TableRow[] = [];
    const align: Table["align"] = [];
    for (let i = open; i < close; i += 1) {
      const token = this.tokens[i]!;
      if (token.type === "tr_open") rows.push({ type: "tableRow", children: [] });
      if (token.type === "th_open" || token.type === "td_open") {
        const style = attr(token, "style") ?? "";
        if (rows.length === 1) align.push((/text-align:(left|right|center)/.exec(style)?.[1] ?? null) as "left" | null);
        const cell: TableCell = { type: "tableCell", children: this.inlineOf(i + 1) };
        rows[rows.length - 1]!.children.push(cell);
      }
    }
    return { type: "table", align, children: rows };
  }

  /** The phrasing content of the inline token at `at` (a cell or paragraph may be empty: then none). */
  private inlineOf(at: number): PhrasingContent[] {
    const token = this.tokens[at];
    if (token?.type !== "inline") return [];
    // Parsed here, one block at a time, in document order, instead of by markdown-it's core rules for the whole
    // document first (see createParser): the tokens of a block's text are garbage once converted, so they never
    // outlive a young-generation collection. Then what markdown-it's later core rules do: links for the literals,
    // and escaped characters (`text_special`) read as text (phrasing joins adjacent text).
    const children: Token[] = [];
    md.inline.parse(token.content, md, this.env, children);
    token.children = children;
    linkLiterals(md, token);
    const nodes = phrasing(token.children, (token.map?.[0] ?? 0) + 1);
    token.children = null;
    return nodes;
  }
}

/**
 * The line of a link, an image or a definition (markdown-it keeps the lines of blocks, not columns): enough to point
 * a reader at it (test/unit/docs-links.test.ts does). Other nodes have no position: nothing reads one.
 */
function lines(first: number, last: number): NonNullable<Link["position"]> {
  return { start: { line: first, column: 1 }, end: { line: Math.max(first, last), column: 1 } };
}

/**
 * Inline tokens as mdast phrasing content: adjacent text and soft line breaks become one text node, as in mdast.
 * `line` is the block's first line: links and images get theirs by counting the line breaks before them.
 */
function phrasing(tokens: Token[], firstLine: number): PhrasingContent[] {
  let line = firstLine;
  const root: PhrasingContent[] = [];
  const stack: Parents = [{ children: root }];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    switch (token.type) {
      case "text":
      case "text_special":
        text(stack, token.content);
        break;
      case "softbreak":
        line += 1;
        text(stack, "\n");
        break;
      case "hardbreak":
        line += 1;
        top(stack).push({ type: "break" });
        break;
      case "code_inline":
        top(stack).push({ type: "inlineCode", value: token.content });
        break;
      case "html_inline":
        top(stack).push({ type: "html", value: token.content });
        break;
      case "em_open":
        open(stack, { type: "emphasis", children: [] });
        break;
      case "strong_open":
        open(stack, { type: "strong", children: [] });
        break;
      case "s_open":
        open(stack, { type: "delete", children: [] });
        break;
      case "link_open": {
        const href = attr(token, "href") ?? "";
        if (token.markup === "linkify" && !isGfmLiteral(tokens[i + 1]?.content ?? "", href)) {
          // Not a GFM autolink literal: its text stays text, the closing token is skipped as a lone close.
          stack.push({ children: top(stack) });
          break;
        }
        const title = attr(token, "title");
        const link: Link = { type: "link", url: href, title: title ?? null, children: [], position: lines(line, line) };
        open(stack, link);
        break;
      }
      case "em_close":
      case "strong_close":
      case "s_close":
      case "link_close":
        if (stack.length > 1) stack.pop();
        break;
      case "image":
        top(stack).push({
          type: "image",
          url: attr(token, "src") ?? "",
          title: attr(token, "title"),
          alt: plainText(token.children ?? []),
          position: lines(line, line),
        });
        break;
      case "footnote_ref": {
        const label = (token.meta as { label?: string }).label ?? "";
        top(stack).push({ type: "footnoteReference", identifier: identifierOf(label), label });
        break;
      }
      default:
        break;
    }
  }
  return root;
}

/** The nodes phrasing is adding to, innermost last. */
type Parents = { children: PhrasingContent[] }[];

function top(stack: Parents): PhrasingContent[] {
  return stack[stack.length - 1]!.children;
}

/** Adjacent text (soft line breaks included) is one text node, as in mdast. */
function text(stack: Parents, value: string): void {
  if (value === "") return;
  const children = top(stack);
  const last = children[children.length - 1];
  if (last?.type === "text") last.value += value;
  else children.push({ type: "text", value });
}

function open(stack: Parents, node: PhrasingContent & { children: PhrasingContent[] }): void {
  top(stack).push(node);
  stack.push(node);
}

function plainText(tokens: Token[]): string {
  return tokens
    .map((t) =>
      t.type === "softbreak" || t.type === "hardbreak"
        ? "\n"
        : t.type === "image"
          ? plainText(t.children ?? [])
          : t.content,
    )
    .join("");
}

function attr(token: Token, name: string): string | null {
  const value = token.attrGet(name);
  return value === null ? null : String(value);
}

function withoutFinalEol(text: string): string {
  return text.endsWith("\n") ? text.slice(0, -1) : text;
}
