// Build step: validates rules/*.yaml with the real loader and writes dist/builtin-rules.json (see
// src/rules/builtin-cache.ts). Bundled and run by scripts/build.mjs.
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { builtinCachePath } from "../src/commands/load-rules.js";
import { BUILTIN_RULE_FILES, toBuiltinCache } from "../src/rules/builtin-cache.js";
import { builtinRuleFiles } from "../src/rules/files.js";
import { loadRuleSet } from "../src/rules/load.js";

const root = process.argv[2] ?? process.cwd();
// Where to write it; by default where bfd looks for it (dist/ next to rules/).
const output = process.argv[3];
const builtinDir = join(root, "rules");
const set = loadRuleSet({
  builtinFiles: builtinRuleFiles(root, builtinDir),
  configFile: null,
  readRuleFile: () => null,
});
const texts = Object.fromEntries(
  BUILTIN_RULE_FILES.map((name) => [name, readFileSync(join(builtinDir, name), "utf8")]),
);
writeFileSync(
  output ?? builtinCachePath(builtinDir),
  `${JSON.stringify(toBuiltinCache(set.rules, texts, (rule) => basename(rule.location.file)))}\n`,
);
