import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { Heading, Html, Root } from "mdast";
import { toString } from "mdast-util-to-string";
import { describe, expect, it } from "vitest";
import { parseMarkdown } from "../../src/markdown/sections.js";
import { ROOT } from "../helpers/cli.js";

/** The docs a reader of the repository follows: README, CHANGELOG and everything under docs/. */
const DOCS = [
  "README.md",
  "CHANGELOG.md",
  ...readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f.split(sep).join("/")}`),
].sort();

interface Link {
  url: string;
  line: number;
}

function nodesOf(tree: Root): { type: string; url?: string; value?: string; position?: { start: { line: number } } }[] {
  const all: { type: string; url?: string; value?: string; position?: { start: { line: number } } }[] = [];
  const visit = (node: { type: string; children?: unknown[] }): void => {
    all.push(node as (typeof all)[number]);
    for (const child of node.children ?? []) visit(child as { type: string; children?: unknown[] });
  };
  visit(tree);
  return all;
}

/** Links, link definitions and images, as the Markdown parser bfd already uses reads them (not a regex over text). */
function linksOf(markdown: string): Link[] {
  return nodesOf(parseMarkdown(markdown))
    .filter((n) => (n.type === "link" || n.type === "definition" || n.type === "image") && n.url !== undefined)
    .map((n) => ({ url: n.url!, line: n.position?.start.line ?? 0 }));
}

/**
 * GitLab's heading anchors (doc/user/markdown: "Heading IDs and links"): lowercase, punctuation removed, spaces to
 * hyphens, runs of hyphens collapsed; plus explicit `<a id="…">` anchors such as docs/rules.md's.
 */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const node of nodesOf(parseMarkdown(markdown))) {
    if (node.type === "heading")
      anchors.add(
        toString(node as unknown as Heading)
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s_-]/gu, "")
          .trim()
          .replace(/\s/g, "-")
          .replace(/-+/g, "-"),
      );
    if (node.type === "html")
      for (const m of ((node as unknown as Html).value ?? "").matchAll(/\bid="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** Each text's anchors, found once: docs/rules.md alone links to its own headings hundreds of times. */
const anchorsByText = new Map<string, Set<string>>();
function knownAnchors(markdown: string): Set<string> {
  let anchors = anchorsByText.get(markdown);
  if (anchors === undefined) anchorsByText.set(markdown, (anchors = anchorsOf(markdown)));
  return anchors;
}

const isExternal = (url: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(url);

/** Every problem with the repository-relative links in one doc (its text given, or read from disk), as `file:line  message`. */
function linkProblems(doc: string, text = readFileSync(join(ROOT, doc), "utf8")): string[] {
  const problems: string[] = [];
  for (const { url, line } of linksOf(text)) {
    if (isExternal(url)) continue;
    const [pathPart = "", anchor] = url.split("#", 2) as [string, string | undefined];
    const target = pathPart === "" ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURI(pathPart));
    const inside = relative(ROOT, target);
    const where = `${doc}:${line}  ${url}`;
    if (inside.startsWith("..")) problems.push(`${where}: leaves the repository`);
    else if (!existsSync(target)) problems.push(`${where}: no such file in the repository`);
    else if (anchor !== undefined && target.endsWith(".md")) {
      const anchors = knownAnchors(pathPart === "" ? text : readFileSync(target, "utf8"));
      if (!anchors.has(anchor)) problems.push(`${where}: no heading or anchor "${anchor}" in ${inside}`);
    }
  }
  return problems;
}

describe("links in README, CHANGELOG and docs/", () => {
  it("finds the docs it checks", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["README.md", "CHANGELOG.md", "docs/gitlab-ci.md", "docs/process.md"]));
  });

  it.each(DOCS)("every relative link in %s resolves to a file (and heading) inside the repository", (doc) => {
    expect(linkProblems(doc)).toEqual([]);
  });

  it.each([
    ["[process](../shared/process/product-engineering-delivery.md)", "leaves the repository"],
    ["[gone](docs/gitlab-ci/bfd.gitlab-ci.yml)", "no such file in the repository"],
    ["[rule](docs/rules.md#ready-no-such-rule)", 'no heading or anchor "ready-no-such-rule"'],
    ["[section](#no-such-section)", 'no heading or anchor "no-such-section"'],
  ])("reports %s", (markdown, problem) => {
    const problems = linkProblems("README.md", `# Title\n\n${markdown}\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^README\.md:3 {2}/);
    expect(problems[0]).toContain(problem);
  });

  it.each([
    ["[rule](docs/rules.md#ready-unit-of-work)"],
    ["[section](#a-heading-with-code-and-punctuation)"],
    ["[site](https://docs.gitlab.com/ci/components/)"],
    ["[folder](examples/)"],
  ])("accepts %s", (markdown) => {
    expect(linkProblems("README.md", `## A heading with \`code\`, and punctuation!\n\n${markdown}\n`)).toEqual([]);
  });
});
