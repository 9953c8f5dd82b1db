import { z } from "zod";
import {
  describeOwnKey,
  findBranchKeyMentions,
  findIssueKeyMentions,
  keysOfIssue,
  magicReferences,
  NOT_ISSUE_PREFIXES,
} from "../work-item/issue-keys.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    forbidOtherClosing: z
      .boolean()
      .default(true)
      .describe(
        "Fail when the MR is linked to another issue too, the way Linear links it (key in the branch or title, or after any magic word in the description): its scope is wider.",
      ),
  })
  .strict();

interface OtherKey {
  key: string;
  /** How the MR names it, for messages: `closes ENG-9`, `names ENG-9 in its title`. */
  how: string;
}

/**
 * The MR is linked to the issue the way Linear links them (key in branch, title, or description after a magic
 * word) and to no other issue: each other key Linear would link it to is scope beyond the issue's.
 */
export const mrLinksIssue = defineCheck({
  id: "mr-links-issue",
  description:
    "The merge request names the issue (branch, title, or description magic word such as 'Closes ENG-1') and no other issue Linear would link it to.",
  options: Options,
  hint: "Name {{issue.identifier|the issue}} in the MR branch or title, or write `Closes {{issue.identifier|ENG-123}}` in its description; split other issues' work into their own MRs.",
  hintData: ["others"],
  needs: () => ["issue", "mergeRequest"],
  run: (item, o) => {
    const issue = item.issue!;
    const mr = item.mergeRequest!;
    const key = issue.identifier.toUpperCase();
    const own = keysOfIssue(issue);
    const isOwn = (k: string): boolean => own.includes(k);
    const refs = magicReferences(mr.description);
    const branchKeys = findBranchKeyMentions(mr.sourceBranch);
    // UTF-8 or SHA-256 in a title name standards, not issues (branch names are filtered the same way).
    const titleKeys = findIssueKeyMentions(mr.title).filter((m) => !NOT_ISSUE_PREFIXES.has(m.key.split("-")[0]!));
    const via: string[] = [];
    const ownBranch = branchKeys.find((m) => isOwn(m.key));
    if (ownBranch !== undefined) via.push(`branch ${mr.sourceBranch}${previousKeyNote(ownBranch.key, issue)}`);
    const ownTitle = titleKeys.find((m) => isOwn(m.key));
    if (ownTitle !== undefined) via.push(`title${previousKeyNote(ownTitle.key, issue)}`);
    const ownRef = refs.find((r) => isOwn(r.key));
    if (ownRef !== undefined) via.push(`description ("${ownRef.word} ${describeOwnKey(ownRef.key, issue)}")`);

    const others: OtherKey[] = [];
    const add = (other: string, how: string): void => {
      if (!isOwn(other) && !others.some((o) => o.key === other)) others.push({ key: other, how });
    };
    for (const r of refs.filter((r) => r.closing)) add(r.key, `closes ${r.key}`);
    for (const k of titleKeys) add(k.key, `names ${k.key} in its title`);
    for (const k of branchKeys) add(k.key, `names ${k.key} in its branch`);
    for (const r of refs) add(r.key, `says "${r.word} ${r.key}"`);

    // Keys read through a look-alike or invisible character count, and are shown (never silently accepted).
    const suspicious = [
      ...new Set(
        [...branchKeys, ...titleKeys, ...refs].flatMap((m) => (m.suspicious === undefined ? [] : [m.suspicious])),
      ),
    ];
    const evidence = [
      ...via.map((v) => `linked via ${v}`),
      ...others.map((other) => (other.how.startsWith("closes") ? `also closes ${other.key}` : `also ${other.how}`)),
      ...suspicious.map((s) => `suspicious: ${s}`),
    ];
    const shown = suspicious.length === 0 ? "" : ` (suspicious: ${listForMessage(suspicious, 2)})`;
    const data = { others: others.map((other) => other.key).join(", ") };
    if (via.length === 0)
      return fail(
        `${mr.projectPath}!${mr.iid} does not name ${key} in its branch, title or description${shown}`,
        evidence,
        data,
      );
    if (o.forbidOtherClosing && others.length > 0) {
      return fail(
        `${mr.projectPath}!${mr.iid} also ${listForMessage(others.map((other) => other.how))}: its scope is wider than ${key} (one issue per MR)${shown}`,
        evidence,
        data,
      );
    }
    return pass(`${mr.projectPath}!${mr.iid} is linked to ${key} via ${via.join(", ")}${shown}`, evidence, data);
  },
});

/** ` (OLD-7, ENG-42's key before it moved)` when the MR names the issue by a previous key; else nothing. */
function previousKeyNote(named: string, issue: { identifier: string }): string {
  return named === issue.identifier.toUpperCase() ? "" : ` (${describeOwnKey(named, issue)})`;
}
