import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { addedLinesBetween, changedFilesBetween, fileAt, filesUnder, parseNameStatus } from "../../src/sources/git.js";
import { tempDir } from "../helpers/cli.js";
import { gitChange } from "../helpers/git.js";

describe("the whole change, from a CI job's git checkout", () => {
  it("lists added, modified, deleted and renamed files between the MR's diff base and its head", async () => {
    const { dir, base, head } = gitChange(
      { "a.ts": "a\n", "old/name.md": "same text, long enough to be seen as a rename\n", "gone.txt": "x\n" },
      {
        "a.ts": "a2\n",
        "old/name.md": null,
        "new/name.md": "same text, long enough to be seen as a rename\n",
        "gone.txt": null,
        "added.yml": "k: v\n",
      },
    );
    const files = await changedFilesBetween(dir, base, head);
    expect(files?.sort((x, y) => x.newPath.localeCompare(y.newPath))).toEqual([
      { oldPath: "a.ts", newPath: "a.ts", newFile: false, deletedFile: false, renamedFile: false },
      { oldPath: "added.yml", newPath: "added.yml", newFile: true, deletedFile: false, renamedFile: false },
      { oldPath: "gone.txt", newPath: "gone.txt", newFile: false, deletedFile: true, renamedFile: false },
      // Moved with the same content: a pure rename (#22).
      {
        oldPath: "old/name.md",
        newPath: "new/name.md",
        newFile: false,
        deletedFile: false,
        renamedFile: true,
        renamedOnly: true,
      },
    ]);
    expect(await fileAt(dir, head, "added.yml")).toBe("k: v\n");
    expect(await fileAt(dir, head, "gone.txt")).toBeNull();
  });

  it("reads the lines the change adds to the files asked for, numbered at the head, and lists the record folders (#22)", async () => {
    const { dir, base, head } = gitChange(
      { "app/user.rb": "class User\nend\n", "config/feature_flags/a/known.yml": "k: v\n" },
      {
        "app/user.rb": "class User\n  Feature.enabled?(:beta)\nend\n",
        "app/other.rb": "Feature.enabled?(:not_asked)\n",
        "config/feature_flags/b/beta.yml": "k: v\n",
      },
    );
    expect(await addedLinesBetween(dir, base, head, ["app/user.rb"])).toEqual(
      new Map([["app/user.rb", [{ line: 2, text: "  Feature.enabled?(:beta)" }]]]),
    );
    expect((await filesUnder(dir, head, ["config/feature_flags", "feature-flags"]))?.sort()).toEqual([
      "config/feature_flags/a/known.yml",
      "config/feature_flags/b/beta.yml",
    ]);
    expect(await filesUnder(dir, base, ["config/feature_flags"])).toEqual(["config/feature_flags/a/known.yml"]);
  });

  it("fetches the diff base by its sha when the clone is too shallow to have it (GIT_DEPTH)", async () => {
    const { dir: origin, base, head } = gitChange({ "a.ts": "a\n" }, { "b.ts": "b\n" });
    const clone = tempDir("bfd-shallow-");
    execFileSync("git", ["clone", "-q", "--depth=1", `file://${origin}`, clone], { stdio: "ignore" });
    execFileSync("git", ["-C", origin, "config", "uploadpack.allowAnySHA1InWant", "true"]);
    expect(await changedFilesBetween(clone, base, head)).toEqual([
      { oldPath: "b.ts", newPath: "b.ts", newFile: true, deletedFile: false, renamedFile: false },
    ]);
  });

  it.each([
    ["a folder that is not a repository", () => tempDir("bfd-nogit-"), "a".repeat(40)],
    ["a sha the checkout cannot find", () => gitChange({}, { x: "1\n" }).dir, "c".repeat(40)],
    ["something that is not a sha", () => gitChange({}, { x: "1\n" }).dir, "--output=/tmp/x"],
  ])("says it cannot tell (null) for %s, so GitLab's list is used instead", async (_, dir, sha) => {
    expect(await changedFilesBetween(dir(), sha, sha)).toBeNull();
  });

  it("reads paths with spaces, quotes and unicode as they are (-z output)", () => {
    expect(parseNameStatus('M\0docs/a b "c".md\0R087\0ü/old\0ü/new\0')).toEqual([
      {
        oldPath: 'docs/a b "c".md',
        newPath: 'docs/a b "c".md',
        newFile: false,
        deletedFile: false,
        renamedFile: false,
      },
      { oldPath: "ü/old", newPath: "ü/new", newFile: false, deletedFile: false, renamedFile: true },
    ]);
  });

  it("marks a rename at 100% similarity as a pure rename (#22)", () => {
    expect(parseNameStatus("R100\0CHANGELOG.md\0docs/CHANGELOG.md\0")).toEqual([
      {
        oldPath: "CHANGELOG.md",
        newPath: "docs/CHANGELOG.md",
        newFile: false,
        deletedFile: false,
        renamedFile: true,
        renamedOnly: true,
      },
    ]);
  });
});
