import { join } from "node:path";
import { changedPaths } from "../../../src/checks/changed-paths.js";
import { evaluate } from "../../../src/engine/evaluate.js";
import { builtinRuleFiles } from "../../../src/rules/files.js";
import { loadRuleSet } from "../../../src/rules/load.js";
import { ROOT } from "../../helpers/cli.js";
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
      name: "a vendored file counts when the rule includes vendored trees",
      item: changing(changed("vendor/lib/CHANGELOG.md")),
      options: { ...NOTES, includeVendored: true },
    },
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
      name: "a file was renamed within the release notes",
      item: changing(changed("release-notes/1.2.1.md", { from: "release-notes/1.2.md" })),
      options: NOTES,
      evidence: ["changed: release-notes/1.2.1.md"],
    },
    {
      name: "a well-known file name differs in case and the rule ignores case",
      item: changing(changed("changelog.md"), changed("pkg/Changelog.MD")),
      options: { ...NOTES, ignoreCase: true },
      message: /Release notes changed: changelog.md, pkg\/Changelog.MD/,
    },
    {
      name: "a deleted user-facing file still asks for docs, and the docs changed",
      item: changing(changed("src/ui/Old.tsx", { deleted: true }), changed("docs/removed.md")),
      options: DOCS,
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
      name: "the only matching file is vendored",
      item: changing(changed("vendor/lib/CHANGELOG.md")),
      options: NOTES,
    },
    {
      name: "the only match is a deleted CHANGELOG",
      item: changing(changed("CHANGELOG.md", { deleted: true })),
      options: NOTES,
      message: /^No change to release notes/,
    },
    {
      name: "the only match is CHANGELOG.md renamed away",
      item: changing(changed("docs/history.md", { from: "CHANGELOG.md" })),
      options: NOTES,
    },
    {
      name: "the file name differs in case and the rule is case-sensitive",
      item: changing(changed("changelog.md")),
      options: NOTES,
    },
    {
      name: "a user-facing file was only deleted and no docs changed",
      item: changing(changed("src/ui/Old.tsx", { deleted: true })),
      options: DOCS,
      message: /although src\/ui\/Old.tsx changed/,
    },
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

describe("the built-in UI and ops globs cover the common layouts (#22)", () => {
  const rules = loadRuleSet({
    builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
    configFile: null,
    readRuleFile: () => null,
  }).rules;
  const status = (ruleId: string, path: string) =>
    evaluate(rules, withMr({ changes: [changed(path)] }), { gate: "done" }).results.find((r) => r.rule === ruleId)
      ?.status;

  it.each([
    ["user-docs-updated", "app/components/button_component.rb"],
    ["user-docs-updated", "app/javascript/controllers/menu_controller.js"],
    ["user-docs-updated", "config/locales/en.yml"],
    ["user-docs-updated", "app/dashboard/page.tsx"],
    ["user-docs-updated", "shop/templates/shop/cart.html"],
    ["user-docs-updated", "web/templates/index.tmpl"],
    ["ops-docs-updated", "compose.yaml"],
    ["ops-docs-updated", "Dockerfile.production"],
    ["ops-docs-updated", "Procfile"],
  ])("%s is required when %s changes", (ruleId, path) => {
    expect(status(ruleId, path)).toBe("fail");
  });

  it.each([
    ["user-docs-updated", "vendor/assets/javascripts/widget.jsx"],
    ["user-docs-updated", "node_modules/react/index.tsx"],
    ["ops-docs-updated", "vendor/docker/Dockerfile"],
  ])("%s is not required when only %s (vendored) changes", (ruleId, path) => {
    expect(status(ruleId, path)).toBe("skipped");
  });
});

describe("changed-paths options", () => {
  it("rejects an empty `what`, which the pass message capitalises", () => {
    expect(changedPaths.options.safeParse({ paths: ["docs/**"], what: "" }).success).toBe(false);
  });
});

describe("the built-in release-notes and user-docs rules", () => {
  const rules = loadRuleSet({
    builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
    configFile: null,
    readRuleFile: () => null,
  }).rules;
  const status = (ruleId: string, ...files: ReturnType<typeof changed>[]) =>
    evaluate(rules, withMr({ changes: [changed("src/ui/Login.tsx"), ...files] }), { gate: "done" }).results.find(
      (r) => r.rule === ruleId,
    )?.status;

  it.each<[string, ReturnType<typeof changed>[], "pass" | "fail", "pass" | "fail"]>([
    ["a CHANGELOG.md", [changed("CHANGELOG.md")], "pass", "fail"],
    ["a changelog.md in lower case", [changed("changelog.md")], "pass", "fail"],
    ["a Changelog.MD in a package", [changed("pkg/Changelog.MD")], "pass", "fail"],
    ["a release-notes/x.md", [changed("release-notes/x.md")], "pass", "fail"],
    ["a docs page", [changed("docs/login.md")], "fail", "pass"],
    ["a README.md in another case", [changed("readme.MD")], "fail", "pass"],
    ["a deleted CHANGELOG.md", [changed("CHANGELOG.md", { deleted: true })], "fail", "fail"],
    // #22: paths that are not this team's notes or docs.
    ["a vendored CHANGELOG.md", [changed("vendor/gems/rack/CHANGELOG.md")], "fail", "fail"],
    ["a CHANGELOG.md in node_modules", [changed("web/node_modules/left-pad/CHANGELOG.md")], "fail", "fail"],
    ["a third_party docs page", [changed("third_party/lib/docs/usage.md")], "fail", "fail"],
    ["a .gitkeep in the release notes", [changed("release-notes/.gitkeep", { added: true })], "fail", "fail"],
    ["the release notes folder's README", [changed("release-notes/README.md")], "fail", "fail"],
    [
      "a CHANGELOG.md that was only moved",
      [{ ...changed("docs/CHANGELOG.md", { from: "CHANGELOG.md" }), renamedOnly: true }],
      "fail",
      "fail",
    ],
    ["a CHANGELOG.md moved and changed", [changed("docs/CHANGELOG.md", { from: "CHANGELOG.md" })], "pass", "fail"],
    ["an ADR", [changed("docs/adr/0007-queues.md")], "fail", "fail"],
    ["a runbook", [changed("docs/runbooks/queues.md")], "fail", "fail"],
  ])("treat %s as release notes %s and user docs %s, never both", (_name, files, notes, docs) => {
    expect([status("release-notes-updated", ...files), status("user-docs-updated", ...files)]).toEqual([notes, docs]);
  });
});
