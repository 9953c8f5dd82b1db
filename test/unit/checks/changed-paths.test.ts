import { changedPaths } from "../../../src/checks/changed-paths.js";
import { describe, expect, it } from "vitest";
import { checkCases } from "../../helpers/check-cases.js";
import { changed, withMr } from "../../helpers/work-item.js";

const changing = (...files: ReturnType<typeof changed>[]) => withMr({ changes: files });
const NOTES = { paths: ["CHANGELOG.md", "**/CHANGELOG.md", "release-notes/**"], what: "release notes" };
const DOCS = {
  ifChanged: ["src/ui/**", "**/*.tsx"],
  paths: ["docs/**", "**/*.md", "!CHANGELOG.md", "!**/CHANGELOG.md"],
  what: "user docs",
};

checkCases(changedPaths, {
  pass: [
    {
      name: "a changed file matches a glob",
      item: changing(changed("src/a.ts"), changed("CHANGELOG.md")),
      options: NOTES,
      message: /^Release notes changed: CHANGELOG.md$/,
      evidence: ["changed: CHANGELOG.md"],
    },
    { name: "a nested file matches a `**` glob", item: changing(changed("packages/web/CHANGELOG.md")), options: NOTES },
    { name: "a dotfile matches", item: changing(changed("release-notes/.unreleased.yml")), options: NOTES },
    {
      name: "the only match is a deleted file",
      item: changing(changed("release-notes/1.2.md", { deleted: true })),
      options: NOTES,
    },
    {
      name: "the only match is the old path of a renamed file",
      item: changing(changed("archive/1.2.md", { from: "release-notes/1.2.md" })),
      options: NOTES,
      evidence: ["changed: archive/1.2.md"],
    },
    {
      name: "a file was renamed into a matching folder",
      item: changing(changed("docs/login.md", { from: "notes/login.md" })),
      options: { paths: ["docs/**"] },
    },
    {
      name: "user-facing files changed and so did the docs",
      item: changing(changed("src/ui/Login.tsx"), changed("docs/login.md")),
      options: DOCS,
      evidence: ["changed: docs/login.md"],
    },
    {
      name: "the default `what` is used in the message",
      item: changing(changed("docs/a.md")),
      options: { paths: ["docs/**"] },
      message: /^A matching file changed: docs\/a.md$/,
    },
    {
      name: "many files match, listing the first three",
      item: changing(changed("docs/a.md"), changed("docs/b.md"), changed("docs/c.md"), changed("docs/d.md")),
      options: { paths: ["docs/**"] },
      message: /docs\/a.md, docs\/b.md, docs\/c.md and 1 more/,
    },
  ],
  fail: [
    {
      name: "no changed file matches",
      item: changing(changed("src/a.ts")),
      options: NOTES,
      message: /^No change to release notes \(CHANGELOG.md, \*\*\/CHANGELOG.md, release-notes\/\*\*\)$/,
    },
    { name: "the merge request changes nothing", item: changing(), options: NOTES },
    {
      name: "the only candidate is excluded with `!`",
      item: changing(changed("src/ui/Login.tsx"), changed("CHANGELOG.md")),
      options: DOCS,
      message: /No change to user docs .* although src\/ui\/Login.tsx changed/,
      evidence: ["changed: src/ui/Login.tsx"],
    },
    {
      name: "a nested file is excluded with a `!**/` glob",
      item: changing(changed("src/ui/Login.tsx"), changed("packages/web/CHANGELOG.md")),
      options: DOCS,
    },
    {
      name: "a glob without `**` does not reach into subfolders",
      item: changing(changed("packages/web/CHANGELOG.md")),
      options: { paths: ["CHANGELOG.md"] },
    },
    {
      name: "an excluded trigger changed, but so did one that is not excluded",
      item: changing(changed("src/ui/legacy.tsx"), changed("src/ui/Login.tsx")),
      options: { ...DOCS, ifChanged: ["src/ui/**", "!src/ui/legacy.tsx"] },
      message: /although src\/ui\/Login.tsx changed$/,
    },
  ],
  skipped: [
    {
      name: "no file matches ifChanged",
      item: changing(changed("src/server/api.ts")),
      options: DOCS,
      message: /^Not needed: no changed file matches src\/ui\/\*\*, \*\*\/\*.tsx$/,
    },
    { name: "the merge request changes nothing and there is an ifChanged", item: changing(), options: DOCS },
    {
      name: "the ifChanged file is excluded by its own `!` glob",
      item: changing(changed("src/ui/legacy.tsx")),
      options: { ...DOCS, ifChanged: ["src/ui/**", "!src/ui/legacy.tsx"] },
    },
  ],
});

describe("changed-paths options", () => {
  it("rejects an empty `what`, which the pass message capitalises", () => {
    expect(changedPaths.options.safeParse({ paths: ["docs/**"], what: "" }).success).toBe(false);
  });
});
