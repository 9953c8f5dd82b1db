import { evaluate, type EvaluateOptions } from "../engine/evaluate.js";
import { evidencePlan } from "../engine/plan.js";
import type { Report } from "../report/schema.js";
import { CONFIG_NAMES } from "../rules/files.js";
import { loadRuleSetThrough, type RuleFilePort, type RuleSet, type SourceText } from "../rules/load.js";
import { waiverPolicy, type LoadedRule } from "../rules/schema.js";
import { gatherWorkItem, MAX_KEYS_TRIED, type CiJob } from "../sources/gather.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import type { LinearSource } from "../sources/linear/index.js";
import { settled } from "../sources/waves.js";
import { changedMatching } from "../work-item/globs.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import type { WorkItem } from "../work-item/schema.js";
import { branchRules, requireRules } from "./rules.js";

export interface MergeRequestGateInput {
  sources: { linear: LinearSource; gitlab: GitLabSource };
  project: string;
  iid: number;
  /** The branch the MR merges into: its rules judge the MR. */
  targetBranch: string;
  /** Keys known before the MR is read (in CI: its source branch and title), tried first. */
  earlyKeys: readonly string[];
  sourceBranch: string | null;
  /** The rules to use instead of the target branch's (`bfd ci --rules-from local`). */
  rules?: RuleSet | undefined;
  builtinFiles: SourceText[];
  now: string;
  ci?: CiJob | undefined;
  /** Work to run alongside wave 1 (e.g. the token's user, for the note); awaited by the caller. */
  alongside?: readonly Promise<unknown>[];
  /** Assembles the target branch's rules (`bfd serve`: from a cache keyed by the texts read); default: anew. */
  loadRules?: (port: RuleFilePort) => Promise<RuleSet>;
  /** Runs the engine elsewhere (`bfd serve`: a worker thread); default: here. */
  evaluate?: (rules: readonly LoadedRule[], item: WorkItem, options: EvaluateOptions) => Report | Promise<Report>;
}

/**
 * The Done gate for one merge request, as `bfd ci` and `bfd serve` run it: the rules from the target branch, the
 * MR with what they need, and the issue the MR names — in one wave, the plan deciding only what wave 2 reads.
 */
export async function mergeRequestGate(
  input: MergeRequestGateInput,
): Promise<{ report: Report; item: WorkItem; ruleSet: RuleSet }> {
  const { gitlab } = input.sources;
  const rules =
    input.rules !== undefined
      ? Promise.resolve(input.rules)
      : (input.loadRules ?? loadRuleSetThrough)(
          branchRules(gitlab, input.project, input.targetBranch, input.builtinFiles),
        );
  const plan = rules.then((set) => {
    requireRules(set, "done");
    return evidencePlan(set.rules, "done");
  });
  const item = await settled(
    gatherWorkItem(input.sources, {
      plan,
      // What the built-in Done gate reads, started before the rules say so; the plan adds the rest.
      prefetch: { changes: true, pipeline: true, activity: true, templates: true },
      now: input.now,
      branch: input.sourceBranch,
      issue: { by: "mergeRequest", keys: input.earlyKeys },
      mergeRequest: { by: "known", project: input.project, iid: input.iid },
      ci: input.ci,
    }),
    rules,
    ...(input.alongside ?? []),
  );
  const ruleSet = await rules;
  const mr = item.mergeRequest!;
  const notices: string[] = [];
  if (item.issue === null) {
    const tried = [...new Set([...input.earlyKeys, ...issueKeysFromMergeRequest(mr)])].slice(0, 2 * MAX_KEYS_TRIED);
    const why = tried.length === 0 ? "" : ` (${tried.join(", ")} ${tried.length === 1 ? "is" : "are"} not in Linear)`;
    notices.push(
      `No Linear issue is named by ${mr.projectPath}!${mr.iid}${why}: name it in the branch, the title, or with "Closes ENG-123" in the description.`,
    );
  }
  const ruleFiles = [...CONFIG_NAMES, ...ruleSet.ruleFiles.map((f) => f.replace(/^\.\//, ""))];
  const changedRuleFiles = changedMatching(mr.changes, ruleFiles).map((f) => f.newPath);
  if (changedRuleFiles.length > 0 && input.rules === undefined) {
    notices.push(
      `This merge request changes bfd rule files (${changedRuleFiles.join(", ")}); they were judged by the rules on ${input.targetBranch}, and take effect once merged.`,
    );
  }
  item.context.ruleFilesChangedByMergeRequest = changedRuleFiles;
  // bfd serve's status under the name the team gave it (serve.statusName) is bfd's own too: never judged.
  const statusName = ruleSet.config.serve?.statusName;
  if (statusName !== undefined && !item.context.ownStatuses.includes(statusName))
    item.context.ownStatuses.push(statusName);
  return {
    report: await (input.evaluate ?? evaluate)(ruleSet.rules, item, {
      gate: "done",
      notices,
      waivers: waiverPolicy(ruleSet.config),
      evidence: ruleSet.evidence,
    }),
    item,
    ruleSet,
  };
}
