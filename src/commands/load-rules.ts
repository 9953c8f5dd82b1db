import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BUILTIN_RULE_FILES, fromBuiltinCache } from "../rules/builtin-cache.js";
import { builtinRuleFiles, displayPath, findConfigFile, readSource, ruleFileReader } from "../rules/files.js";
import { loadRuleSet, type RuleSet } from "../rules/load.js";
import { DEFAULT_CHECK_CONTEXT } from "../checks/types.js";
import { ConfigSchema } from "../rules/schema.js";
import type { CommandContext } from "./context.js";

/** Where the build puts the validated built-in rules: dist/ next to rules/. */
export function builtinCachePath(builtinDir: string): string {
  return join(dirname(builtinDir), "dist", "builtin-rules.json");
}

/** The built-in rules from the build's cache, when there is no team config and the cache matches rules/*.yaml. */
function cachedBuiltins(ctx: CommandContext): RuleSet | null {
  let cache: unknown;
  try {
    cache = JSON.parse(readFileSync(builtinCachePath(ctx.builtinDir), "utf8"));
  } catch {
    return null;
  }
  const texts = Object.fromEntries(
    BUILTIN_RULE_FILES.map((name) => [name, readFileSync(join(ctx.builtinDir, name), "utf8")]),
  );
  const rules = fromBuiltinCache(cache, texts, (file) => displayPath(ctx.cwd, join(ctx.builtinDir, file)));
  return rules === null
    ? null
    : { rules, config: ConfigSchema.parse({}), configPath: null, ruleFiles: [], evidence: DEFAULT_CHECK_CONTEXT };
}

/** Rules as the working tree defines them: built-ins plus the nearest bfd.config.yaml (or --config). */
export function loadLocalRules(ctx: CommandContext): RuleSet {
  const configPath = findConfigFile(ctx.cwd, ctx.configOption);
  if (configPath === null) {
    const cached = cachedBuiltins(ctx);
    if (cached !== null) return cached;
  }
  return loadRuleSet({
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    configFile: configPath === null ? null : readSource(ctx.cwd, configPath),
    readRuleFile: ruleFileReader(ctx.cwd, configPath),
  });
}

/** The built-in rules alone, whatever bfd.config.yaml says (or fails to say). */
export function loadBuiltinRules(ctx: CommandContext): RuleSet {
  return (
    cachedBuiltins(ctx) ??
    loadRuleSet({
      builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
      configFile: null,
      readRuleFile: ruleFileReader(ctx.cwd, null),
    })
  );
}
