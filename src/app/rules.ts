import { BfdError } from "../errors.js";
import { CONFIG_NAMES } from "../rules/files.js";
import type { RuleFilePort, RuleSet, SourceText } from "../rules/load.js";
import type { Gate } from "../rules/schema.js";
import type { GitLabSource } from "../sources/gitlab/index.js";

/**
 * A gate with no rules in force would pass anything ("Done criteria met" over nothing): that is a setup mistake,
 * exit 2, never a pass.
 */
export function requireRules(ruleSet: RuleSet, gate: Gate): void {
  if (ruleSet.rules.some((rule) => rule.gate === gate)) return;
  const where = ruleSet.configPath ?? "the built-in rules";
  throw new BfdError("config", "no-rules", `no rules in force for the ${gate} gate (${where})`, {
    hint:
      ruleSet.config.extends === "none"
        ? `With extends: none, add rules with gate: ${gate} to ${where} (or a rule file), or remove extends: none.`
        : `Check disable: and override: …disabled in ${where}; at least one ${gate} rule must stay on.`,
  });
}

/**
 * The team's rules as a branch has them, read through the GitLab API — for `bfd ci` and `bfd serve`, the MR's
 * target branch, so a merge request cannot loosen the gate that judges it. Built-in rules come with bfd itself.
 */
export function branchRules(
  gitlab: GitLabSource,
  project: string,
  ref: string,
  builtinFiles: SourceText[],
): RuleFilePort {
  const at = (path: string, text: string | null): SourceText | null =>
    text === null ? null : { path: `${path} (at ${ref})`, text };
  return {
    builtinFiles,
    async readConfig() {
      const texts = await Promise.all(CONFIG_NAMES.map((name) => gitlab.readFile(project, name, ref)));
      const index = texts.findIndex((text) => text !== null);
      return index === -1 ? null : at(CONFIG_NAMES[index]!, texts[index]!);
    },
    async readRuleFile(relativePath) {
      // The config sits at the repository's root, so its rule files are paths from there; none may climb out.
      const path = relativePath.replace(/^\.\//, "");
      if (path.split("/").includes("..")) return null;
      return at(path, await gitlab.readFile(project, path, ref));
    },
  };
}
