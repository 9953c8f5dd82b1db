import { z } from "zod";
import { findKeysInBranch } from "../work-item/issue-keys.js";
import { defineCheck, fail, pass, skip } from "./types.js";

const Options = z
  .object({
    branches: z
      .array(z.enum(["current", "mergeRequest"]))
      .min(1)
      .default(["current", "mergeRequest"])
      .describe("Which branches to compare: the current git branch and/or the merge request's source branch."),
    ignore: z
      .array(z.string())
      .default(["main", "master", "develop", "trunk"])
      .describe("Branches that are not work branches."),
  })
  .strict();

/** The active branch (local and/or the MR's) names the issue, so the work happening is the issue's work. */
export const branchNamesIssue = defineCheck({
  id: "branch-names-issue",
  description:
    "The current git branch and the merge request's source branch name the Linear issue (its key, or Linear's branch name).",
  options: Options,
  hint: "Work on a branch named after the issue, e.g. `git switch -c {{issue.branchName|eng-123-short-title}}`.",
  hintData: ["branch"],
  needs: () => ["issue"],
  run: (item, o) => {
    const issue = item.issue!;
    const key = issue.identifier.toUpperCase();
    const candidates: { label: string; name: string }[] = [];
    if (o.branches.includes("current") && item.branch !== null && !o.ignore.includes(item.branch)) {
      candidates.push({ label: "current branch", name: item.branch });
    }
    const mrBranch = item.mergeRequest?.sourceBranch;
    // Compared once when it is also the current branch (as in CI), but only if the current branch was compared.
    if (o.branches.includes("mergeRequest") && mrBranch !== undefined && !candidates.some((c) => c.name === mrBranch)) {
      candidates.push({ label: "merge request branch", name: mrBranch });
    }
    if (candidates.length === 0) return skip("Not on a work branch yet (no branch to compare with the issue)");
    const evidence = candidates.map((c) => `${c.label}: ${c.name}`);
    for (const c of candidates) {
      const keys = findKeysInBranch(c.name);
      const matches = c.name === issue.branchName || keys.includes(key);
      if (!matches) {
        const other = keys.length > 0 ? ` (it names ${keys.join(", ")})` : "";
        return fail(`The ${c.label} "${c.name}" does not name ${key}${other}`, evidence, { branch: c.name });
      }
    }
    return pass(
      `${candidates.map((c) => `"${c.name}"`).join(" and ")} name${candidates.length === 1 ? "s" : ""} ${key}`,
      evidence,
      {
        branch: candidates[0]!.name,
      },
    );
  },
});
