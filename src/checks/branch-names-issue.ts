import { z } from "zod";
import type { WorkItem } from "../work-item/schema.js";
import { describeOwnKey, findBranchKeyMentions, keysOfIssue } from "../work-item/issue-keys.js";
import { defineCheck, error, fail, pass, skip, type CheckOutcome } from "./types.js";

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
    assignee: z
      .enum(["viewer", "viewer-or-unassigned", "any"])
      .default("any")
      .describe(
        "Who may hold the issue: the person running bfd (viewer), that person or nobody (viewer-or-unassigned), or anyone. Not checked in `bfd ci`, where bfd runs with a bot's key.",
      ),
    namedIssue: z
      .enum(["compare", "on-its-own"])
      .default("compare")
      .describe(
        "When the person named the issue (`bfd ready ENG-123`) rather than bfd finding it from the branch: compare the branches anyway, or judge the issue on its own, so a branch of other work checked out is not held against it (who holds the issue is still checked).",
      ),
  })
  .strict();
type Options = z.infer<typeof Options>;

/**
 * Whether the issue is held by the person running bfd, as the option asks; null when it is. In CI the Linear key is
 * a bot's, so who holds the issue says nothing about the work there.
 */
function assigneeProblem(item: WorkItem, o: Options): CheckOutcome | null {
  if (o.assignee === "any" || item.context.ci !== null) return null;
  const issue = item.issue!;
  const holder = issue.assignee;
  if (holder === null && o.assignee === "viewer-or-unassigned") return null;
  const evidence = [`assignee: ${holder?.name ?? "nobody"}`];
  const viewer = item.viewer;
  // Nobody is running the work (a planning view such as `bfd audit`): no branch, no MR, no viewer.
  if (viewer === null && item.branch === null && item.mergeRequest === null) return null;
  if (viewer === null) {
    return error(
      `Cannot tell who is running bfd (no Linear user), so whether ${issue.identifier} is theirs is unknown`,
      evidence,
      { branch: "" },
    );
  }
  if (holder !== null && holder.id === viewer.id) return null;
  const who = holder === null ? "nobody" : holder.name;
  return fail(`${issue.identifier} is assigned to ${who}, not to you (${viewer.name})`, evidence, { branch: "" });
}

/**
 * The active branch (local and/or the MR's) names the issue, and the issue is held by the person running bfd (as
 * the `assignee` option asks), so the work happening is the issue's work and theirs.
 */
export const branchNamesIssue = defineCheck({
  id: "branch-names-issue",
  description:
    "The current git branch and the merge request's source branch name the Linear issue (its key, or Linear's branch name), and the issue is assigned as the rule asks.",
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
    const evidence = candidates.map((c) => `${c.label}: ${c.name}`);
    const own = keysOfIssue(issue);
    // A branch that names the issue by a key it had before it moved, or through a look-alike character, still names
    // it; both are said, and a look-alike is shown as suspicious.
    const notes: string[] = [];
    const suspicious: string[] = [];
    // Checking the next issue while still on the current one's branch: no work on the named issue is happening yet.
    const onItsOwn = o.namedIssue === "on-its-own" && item.context.issueFrom === "reference";
    const setAside: string[] = [];
    for (const c of [...candidates]) {
      const mentions = findBranchKeyMentions(c.name);
      const named = mentions.find((m) => own.includes(m.key));
      if (named?.suspicious !== undefined) suspicious.push(named.suspicious);
      if (named !== undefined && named.key !== key) notes.push(`${c.label} names ${describeOwnKey(named.key, issue)}`);
      if (c.name !== issue.branchName && named === undefined) {
        const keys = mentions.map((m) => m.key);
        const other = keys.length > 0 ? ` (it names ${keys.join(", ")})` : "";
        if (onItsOwn) {
          setAside.push(`the ${c.label} "${c.name}"${other}`);
          candidates.splice(candidates.indexOf(c), 1);
          continue;
        }
        return fail(`The ${c.label} "${c.name}" does not name ${key}${other}`, evidence, { branch: c.name });
      }
    }
    const said = [...notes, ...suspicious.map((s) => `suspicious: ${s}`)];
    evidence.push(...said);
    const held = assigneeProblem(item, o);
    if (held !== null) {
      return { ...held, evidence: [...evidence, ...held.evidence], data: { branch: candidates[0]?.name ?? "" } };
    }
    if (candidates.length === 0 && setAside.length > 0) {
      return skip(`${key} was named, so it is judged on its own: ${setAside.join(" and ")} is other work`, evidence);
    }
    if (candidates.length === 0) return skip("Not on a work branch yet (no branch to compare with the issue)");
    const shown = said.length === 0 ? "" : ` (${said.join("; ")})`;
    return pass(
      `${candidates.map((c) => `"${c.name}"`).join(" and ")} name${candidates.length === 1 ? "s" : ""} ${key}${shown}`,
      evidence,
      { branch: candidates[0]!.name },
    );
  },
});
