import { builtinRuleFiles, findConfigFile, readSource, ruleFileReader } from "../rules/files.js";
import { loadRuleSet, type RuleSet } from "../rules/load.js";
import type { CommandContext } from "./context.js";

/** Rules as the working tree defines them: built-ins plus the nearest bfd.config.yaml (or --config). */
export function loadLocalRules(ctx: CommandContext): RuleSet {
  const configPath = findConfigFile(ctx.cwd, ctx.configOption);
  return loadRuleSet({
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    configFile: configPath === null ? null : readSource(ctx.cwd, configPath),
    readRuleFile: ruleFileReader(ctx.cwd, configPath),
  });
}
