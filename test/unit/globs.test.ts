import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  changedInto,
  changedMatching,
  globMatcher,
  globMatcherRE2,
  globProblem,
  GlobsSchema,
} from "../../src/work-item/globs.js";
import { makeWorkItem } from "../../src/work-item/schema.js";
import { changed } from "../helpers/work-item.js";

describe("globMatcher", () => {
  it.each<[string, string, boolean]>([
    ["CHANGELOG.md", "CHANGELOG.md", true],
    ["CHANGELOG.md", "docs/CHANGELOG.md", false],
    ["**/CHANGELOG.md", "CHANGELOG.md", true],
    ["**/CHANGELOG.md", "packages/a/CHANGELOG.md", true],
    ["docs/**", "docs", true],
    ["docs/**", "docs/a/b.md", true],
    ["docs/**", "docs2/a.md", false],
    ["a/**/b", "a/b", true],
    ["a/**/b", "a/x/y/b", true],
    ["*.md", "README.md", true],
    ["*.md", "docs/README.md", false],
    ["*", ".env", true],
    ["**/*.md", "a/.hidden/x.md", true],
    ["src/?.ts", "src/a.ts", true],
    ["src/?.ts", "src/ab.ts", false],
    ["a?b", "a/b", false],
    ["[abc].ts", "b.ts", true],
    ["[!abc].ts", "b.ts", false],
    ["[^abc].ts", "d.ts", true],
    ["[a-c]x", "bx", true],
    ["[]]", "]", true],
    ["{docs,help}/**", "help/x.md", true],
    ["{a/b,c}/d", "a/b/d", true],
    ["*.{yml,yaml}", "x.yaml", true],
    ["*.y{a,}ml", "x.yml", true],
    ["*.{y{a,}ml}", "x.{yml}", true],
    ["\\*.md", "*.md", true],
    ["\\*.md", "x.md", false],
    ["./docs/**", "docs/a.md", true],
    ["{a}", "{a}", true],
    ["a.b", "aXb", false],
    ["(x)|y", "(x)|y", true],
  ])("%s matches %s: %s", (glob, path, matches) => {
    expect(globMatcher([glob])(path)).toBe(matches);
  });

  it("excludes with !", () => {
    const docs = globMatcher(["**/*.md", "!**/CHANGELOG.md"]);
    expect([docs("a/README.md"), docs("a/CHANGELOG.md")]).toEqual([true, false]);
  });

  it("matches case-insensitively when asked", () => {
    const notes = globMatcher(["**/CHANGELOG.md", "!**/old/**"], { ignoreCase: true });
    expect([notes("changelog.md"), notes("pkg/Changelog.MD"), notes("OLD/changelog.md")]).toEqual([true, true, false]);
    expect(globMatcher(["**/CHANGELOG.md"])("changelog.md")).toBe(false);
  });

  it("matches a pathological glob against a long name without backtracking", () => {
    const name = `${"_".repeat(250)}.sq`;
    // picomatch's regex for this pair took about 40 s; RE2 answers in linear time (see the fuzzer for the bound).
    expect(globMatcher(["**/*_*_*_*_*.sql"])(`db/${name}`)).toBe(false);
    expect(globMatcher(["**/*_*_*_*_*.sql"])(`db/${name}l`)).toBe(true);
  });
});

describe("the glob automaton", () => {
  // Pieces of globs and of paths that meet: classes with ranges and dashes, escapes, case variants (the Kelvin
  // sign and the long s fold to k and s), a character outside the BMP.
  const pieces = ["a", "b", "K", "k", "\u212a", "s", "S", "\u017f", "\u00e9", "\u{1d4b3}", "-", ".", "_", "x", "/"];
  const globPiece = fc.constantFrom(
    ...pieces,
    "*",
    "**",
    "?",
    "[a-c]",
    "[!a]",
    "[^b-k]",
    "[--.]",
    "[a-]",
    "[]]",
    "[a-c-e]",
    "[k]",
    "[\\]]",
    "{a,b/x}",
    "{,s}",
    "\\*",
    "\\\u{1d4b3}",
    "[",
    "./",
  );
  const literalText = fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4 }).map((p) => p.join(""));
  // The shapes matched without the automaton (`**\/LIT`, `LIT/**`, `**\/LIT/**`, `**\/*LIT`), and anything else.
  const glob = fc.oneof(
    fc.array(globPiece, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
    fc
      .tuple(fc.constantFrom("**/%", "%/**", "**/%/**", "**/*%", "%"), literalText)
      .map(([shape, lit]) => shape.replace("%", lit)),
  );
  const path = fc.array(fc.constantFrom(...pieces, "ab", "x.md", ""), { maxLength: 10 }).map((p) => p.join(""));

  it("matches exactly as the RE2 expression the glob stands for, with and without case", () => {
    fc.assert(
      fc.property(glob, fc.array(path, { minLength: 1, maxLength: 6 }), fc.boolean(), (g, paths, ignoreCase) => {
        if (globProblem(g) !== null) return;
        const automaton = globMatcher([g], { ignoreCase });
        const re2 = globMatcherRE2([g], { ignoreCase });
        for (const p of paths) expect(automaton(p), `${g} on ${p} (ignoreCase: ${ignoreCase})`).toBe(re2(p));
      }),
      { numRuns: 1000 },
    );
  });

  it("never matches / with a class, even through a range (RE2's [--a] would)", () => {
    expect(globMatcher(["a[--a]b"])("a/b")).toBe(false);
    expect(globMatcher(["a[--a]b"])("a.b")).toBe(true);
  });
});

describe("globProblem", () => {
  it.each<[string, RegExp]>([
    ["feature-flags/**/*.y?(a)ml", /uses an extglob .* write alternatives as \{a,b\}/],
    ["@(a|b).md", /extglob/],
    ["!", /excludes nothing/],
    ["src/**.vue", /\*\* inside a path segment; \*\* stands for whole segments: write e\.g\. \*\*\/\*\.vue/],
    ["[z-a].md", /class that is not valid/],
    [`{${"a,".repeat(20)}b}{${"a,".repeat(20)}b}`, /more than 256 \{…\} alternatives/],
  ])("refuses %s", (glob, message) => {
    expect(globProblem(glob)).toMatch(message);
  });

  it("is reported by the schema the rule loader uses", () => {
    const parsed = GlobsSchema.safeParse(["docs/**", "src/**.vue"]);
    expect(parsed.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["1", expect.stringMatching(/inside a path segment/)],
    ]);
  });
});

describe("changed files", () => {
  const changes = makeWorkItem({
    now: "2025-01-01T00:00:00Z",
    mergeRequest: {
      iid: 1,
      projectPath: "a/b",
      url: "u",
      title: "t",
      state: "opened",
      sourceBranch: "s",
      targetBranch: "main",
      changes: [
        changed("CHANGELOG.md", { deleted: true }),
        changed("docs/old-changes.md", { from: "CHANGELOG.md" }),
        changed("src/a.ts"),
      ],
    },
  }).mergeRequest!.changes;

  it("counts a file deleted or renamed away as touched", () => {
    expect(changedMatching(changes, ["CHANGELOG.md"]).map((f) => f.newPath)).toEqual([
      "CHANGELOG.md",
      "docs/old-changes.md",
    ]);
  });

  it("counts only files that exist after the change as changed into a glob", () => {
    expect(changedInto(changes, ["CHANGELOG.md"])).toEqual([]);
    expect(changedInto(changes, ["docs/**", "src/**"]).map((f) => f.newPath)).toEqual([
      "docs/old-changes.md",
      "src/a.ts",
    ]);
  });
});
