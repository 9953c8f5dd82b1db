/**
 * The README is where a new team starts (#24): short, leading with the two commands a fresh clone runs, and promising
 * only what the built CLI does. Every `bfd …` it and the docs written for users show is held against the CLI's own
 * `--help`: the command exists, each option it names exists on that command (or globally), and option values it
 * lists are among the option's choices.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Code, Heading, InlineCode } from "mdast";
import { toString } from "mdast-util-to-string";
import { beforeAll, describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/markdown/sections.js";
import { ROOT, runCliInProcess } from "../helpers/cli.js";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Every doc a person reads, but the rule reference, which the CLI itself generates. */
const USER_DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "rules.md")
    .map((f) => `docs/${f}`),
].sort();

interface HelpOption {
  flags: string[];
  /** Null when the option takes any value. */
  choices: string[] | null;
}

interface HelpCommand {
  options: HelpOption[];
  subcommands: Map<string, HelpCommand>;
}

/** The lines under a `Title:` heading of commander's help, up to the next blank-line-separated section. */
function section(help: string, title: string): string[] {
  const lines = help.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start === -1) return [];
  const end = lines.findIndex((line, i) => i > start && line.trim() === "");
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

/** Commander's option lines (`  -f, --format <format>  text (choices: "a", "b", …)`), continuation lines joined. */
function optionsOf(help: string): HelpOption[] {
  const entries: string[] = [];
  for (const line of section(help, "Options")) {
    if (/^ {2}-/.test(line)) entries.push(line.trim());
    else if (entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries.map((entry) => {
    const flagsPart = entry.split(/ {2,}/)[0]!;
    const choices = /\(choices: ([^)]*?)(?:, default: [^)]*)?\)/.exec(entry);
    return {
      flags: [...flagsPart.matchAll(/--?[\w-]+/g)].map((m) => m[0]),
      choices: choices === null ? null : [...choices[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!),
    };
  });
}

/**
 * The command tree as `bfd … --help` prints it, read once, in-process (the built CLI prints the same help byte for
 * byte: test/e2e/built-cli.test.ts).
 */
async function helpTree(path: string[] = []): Promise<HelpCommand> {
  const result = await runCliInProcess([...path, "--help"]);
  expect(result.code, `bfd ${path.join(" ")} --help`).toBe(0);
  const names = section(result.stdout, "Commands")
    .map((line) => /^ {2}([a-z][\w-]*)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "help");
  const subcommands = new Map<string, HelpCommand>();
  for (const name of names) subcommands.set(name, await helpTree([...path, name]));
  return { options: optionsOf(result.stdout), subcommands };
}

/**
 * Every `bfd …` a doc shows: in inline code and in code blocks, one per shell command (`&&`, `|`, `;` split). With
 * `options`, the code that starts with an option instead (asked of the README only: other docs quote npm's options).
 */
function mentionsOf(markdown: string, { options = false } = {}): string[] {
  const texts: string[] = [];
  const visit = (node: { type: string; children?: unknown[] }): void => {
    if (node.type === "inlineCode") texts.push((node as InlineCode).value);
    if (node.type === "code" && ["sh", "console", "", undefined].includes((node as Code).lang ?? undefined))
      texts.push(...(node as Code).value.split("\n").map((line) => line.replace(/^\$ /, "").replace(/\s#.*$/, "")));
    for (const child of node.children ?? []) visit(child as { type: string; children?: unknown[] });
  };
  visit(parseMarkdown(markdown));
  return texts
    .flatMap((text) => text.split(/&&|;|\|(?=\s)/))
    .map((command) =>
      (options ? /^\s*(--?[a-zA-Z].*)$/ : /^\s*(?:npx (?:--no )?)?(bfd(?:\s.*)?)$/).exec(command)?.[1]?.trim(),
    )
    .filter((mention): mention is string => mention !== undefined);
}

/** Every option of every command, for an option the README names on its own (`--snapshot FILE`). */
function everyOption(command: HelpCommand): HelpOption[] {
  return [...command.options, ...[...command.subcommands.values()].flatMap(everyOption)];
}

/**
 * What is wrong with one mention against the CLI's help: the unknown command, options or option values. A mention
 * that starts with an option (`--format pretty|json`) is held against every command's options.
 */
function problemsOf(mention: string, root: HelpCommand): string[] {
  const words = mention.split(/\s+/);
  const standalone = words[0] !== "bfd";
  let command = root;
  const path: string[] = [];
  if (!standalone) {
    words.shift();
    while (words.length > 0 && command.subcommands.has(words[0]!)) {
      path.push(words[0]!);
      command = command.subcommands.get(words.shift()!)!;
    }
    if (path.length === 0 && words.length > 0 && /^[a-z]+$/.test(words[0]!))
      return [`bfd ${words[0]}: no such command`];
  }
  const where = standalone ? "bfd (any command)" : ["bfd", ...path].join(" ");
  const options = standalone ? everyOption(root) : [...command.options, ...root.options];
  const problems: string[] = [];
  words.forEach((word, i) => {
    const flag = /^\[?(--?[a-zA-Z][\w-]*)/.exec(word)?.[1];
    if (flag === undefined) return;
    const named = options.filter((o) => o.flags.includes(flag));
    if (named.length === 0) return problems.push(`${where}: no option ${flag}`);
    const value = words[i + 1]?.replace(/\]$/, "");
    const choices = named.some((o) => o.choices === null) ? null : named.flatMap((o) => o.choices!);
    if (choices === null || value === undefined || !/^[a-z][\w-]*(\|[a-z][\w-]*)*$/.test(value)) return;
    for (const choice of value.split("|"))
      if (!choices.includes(choice)) problems.push(`${where} ${flag}: no choice "${choice}"`);
  });
  return problems;
}

describe("the README", () => {
  const headings = (): string[] =>
    (parseMarkdown(README).children.filter((n) => n.type === "heading" && n.depth === 2) as Heading[]).map((h) =>
      toString(h),
    );

  it("is at most 200 lines", () => {
    expect(README.split("\n").length).toBeLessThanOrEqual(200);
  });

  it("leads with what bfd is, a contents line, then the quick start, the team checklist, commands and exit codes", () => {
    expect(headings()).toEqual(["Try it", "Adopt it in your team", "Commands", "Exit codes", "Documentation"]);
    const quickStart = README.indexOf("## Try it");
    expect(README.indexOf("**Contents:**")).toBeGreaterThan(README.indexOf("`bfd` is"));
    expect(README.indexOf("**Contents:**")).toBeLessThan(quickStart);
    const tryIt = README.slice(quickStart, README.indexOf("## Adopt it in your team"));
    expect(tryIt).toContain("npm ci && npm run demo");
    expect(tryIt).toMatch(/^npm test\b/m);
  });

  it("walks a team from tokens through CI/CD variables, init and doctor to the first gates, in that order", () => {
    const checklist = README.slice(README.indexOf("## Adopt it in your team"), README.indexOf("## Commands"));
    const steps = ["LINEAR_API_KEY", "read_api", "CI/CD variables", "bfd init", "bfd doctor", "bfd ready ENG-123"];
    const at = steps.map((step) => checklist.indexOf(step));
    expect(
      at.every((i) => i >= 0),
      `${steps.filter((_, i) => at[i] === -1).join(", ")} missing`,
    ).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(checklist).toContain("npx bfd done");
  });

  it("shows every gate and setup command, so the check below has something to check", () => {
    const shown = new Set(mentionsOf(README).map((mention) => mention.split(/\s+/).slice(0, 2).join(" ")));
    for (const command of ["bfd ready", "bfd done", "bfd ci", "bfd init", "bfd doctor", "bfd rules"])
      expect(shown).toContain(command);
  });
});

describe("commands the docs show", () => {
  let root: HelpCommand;
  beforeAll(async () => {
    root = await helpTree();
  }, 60_000);

  it("reads the command tree from bfd's help", () => {
    expect([...root.subcommands.keys()]).toEqual(expect.arrayContaining(["ready", "done", "ci", "init", "rules"]));
    expect(root.subcommands.get("rules")!.subcommands.has("check")).toBe(true);
    expect(root.subcommands.get("done")!.options.find((o) => o.flags.includes("--format"))?.choices).toContain("junit");
  });

  it.each([
    ["bfd done ENG-123 --mr 42 --format json", []],
    ["bfd dne", ["bfd dne: no such command"]],
    ["bfd init --from-nowhere", ["bfd init: no option --from-nowhere"]],
    ["bfd rules list [--format table|yaml]", ['bfd rules list --format: no choice "yaml"']],
    ["bfd audit --team ENG --debug", []],
    ["--format pretty|json|markdown|junit|codequality", []],
    ["--format pretty|yaml", ['bfd (any command) --format: no choice "yaml"']],
  ])("finds what is wrong with %s", (mention, problems) => {
    expect(problemsOf(mention, root)).toEqual(problems);
  });

  it.each(USER_DOCS)("every bfd command in %s exists, with the options and values it shows", (doc) => {
    const mentions = mentionsOf(readFileSync(join(ROOT, doc), "utf8"));
    expect(mentions.flatMap((mention) => problemsOf(mention, root).map((p) => `${mention}  →  ${p}`))).toEqual([]);
  });

  it("every option the README names on its own exists on some command, with the values it shows", () => {
    const options = mentionsOf(README, { options: true }).filter((mention) => mention.startsWith("-"));
    expect(options).toEqual(expect.arrayContaining(["--config FILE", "--debug"]));
    expect(options.flatMap((mention) => problemsOf(mention, root).map((p) => `${mention}  →  ${p}`))).toEqual([]);
  });
});
