import { createHash } from "node:crypto";
import {
  assembleRuleSet,
  parseConfigStage,
  ruleFileNames,
  templateFileNames,
  type ConfigStage,
  type RuleFilePort,
  type RuleSet,
  type SourceText,
} from "../rules/load.js";

/**
 * The rule loader of `bfd serve`'s Done gate: the same stages as loadRuleSetThrough, over the same reads of the
 * target branch, but a rule set already assembled from exactly these texts is taken from memory. Assembling (YAML,
 * zod, compiling every rule's patterns) costs tens of milliseconds of the event loop per job, and between two
 * changes of a team's rules every job reads the same texts. The key is every text read, with its path (which names
 * the branch), so a changed rule file is a new entry; a set that fails to load is never kept (it throws every time).
 */
export function cachingRuleLoader(maxEntries = 64): (port: RuleFilePort) => Promise<RuleSet> {
  const stages = new Map<string, ConfigStage>();
  const sets = new Map<string, RuleSet>();
  const remember = <T>(map: Map<string, T>, key: string, value: T): T => {
    map.delete(key);
    map.set(key, value);
    // Oldest first in a Map: beyond the bound, the least recently used goes.
    while (map.size > maxEntries) map.delete(map.keys().next().value!);
    return value;
  };
  return async (port) => {
    const configFile = await port.readConfig();
    const configKey = textsKey([configFile]);
    const stage = stages.get(configKey) ?? parseConfigStage(configFile);
    if (stage.problems.length === 0) remember(stages, configKey, stage);
    // The team's issue template files (`evidence.issueTemplates`) are texts the set is assembled from, like rules.
    const [read, templates] = await Promise.all([
      Promise.all(ruleFileNames(stage).map((name) => port.readRuleFile(name))),
      Promise.all(templateFileNames(stage).map((name) => port.readRuleFile(name))),
    ]);
    const key = textsKey([configFile, ...read, ...templates, ...port.builtinFiles]);
    const known = sets.get(key);
    if (known !== undefined) return remember(sets, key, known);
    return remember(sets, key, assembleRuleSet(port.builtinFiles, stage, read, templates));
  };
}

function textsKey(files: readonly (SourceText | null)[]): string {
  const hash = createHash("sha256");
  for (const file of files) hash.update(file === null ? "\u0000none\u0000" : `${file.path}\u0000${file.text}\u0000`);
  return hash.digest("hex");
}
