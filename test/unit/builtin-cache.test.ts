import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_RULE_FILES, fromBuiltinCache, toBuiltinCache } from "../../src/rules/builtin-cache.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { ROOT } from "../helpers/cli.js";

const dir = join(ROOT, "rules");
const texts = Object.fromEntries(BUILTIN_RULE_FILES.map((name) => [name, readFileSync(join(dir, name), "utf8")]));
const loaded = loadRuleSet({
  builtinFiles: builtinRuleFiles(ROOT, dir),
  configFile: null,
  readRuleFile: () => null,
}).rules;
const cache = JSON.parse(JSON.stringify(toBuiltinCache(loaded, texts, (r) => basename(r.location.file)))) as unknown;
const display = (file: string): string => `rules/${file}`;

describe("the built-in rules cache", () => {
  it("gives exactly the rules the loader gives", () => {
    expect(fromBuiltinCache(cache, texts, display)).toEqual(loaded);
  });

  it("is ignored once a built-in rule file changes", () => {
    expect(fromBuiltinCache(cache, { ...texts, "done.yaml": `${texts["done.yaml"]}\n# edited\n` }, display)).toBeNull();
  });

  it.each([null, "x", { version: 2 }, { version: 1, hashes: {}, rules: "no" }])(
    "is ignored when it is not a cache (%j)",
    (bad) => {
      expect(fromBuiltinCache(bad, texts, display)).toBeNull();
    },
  );

  it("the build wrote a cache that matches the current rule files", () => {
    const built = JSON.parse(readFileSync(join(ROOT, "dist", "builtin-rules.json"), "utf8")) as unknown;
    expect(fromBuiltinCache(built, texts, display)).toEqual(loaded);
  });
});
