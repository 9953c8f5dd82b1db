import { z } from "zod";
import { findKeysInBranch, findIssueKeys, magicReferences } from "../work-item/issue-keys.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    forbidOtherClosing: z
      .boolean()
      .default(true)
      .describe("Fail when the MR closes another issue too (scope widened)."),
  })
  .strict();

/**
 * The MR is linked to the issue the way Linear links them (key in branch, title, or description after a
 * magic word) and does not close any other issue: the implemented scope is the issue's scope.
 */
export const mrLinksIssue = defineCheck({
  id: "mr-links-issue",
  description:
    "The merge request names the issue (branch, title, or description magic word such as 'Closes ENG-1') and closes no other issue.",
  options: Options,
  hint: "Name {{issue.identifier|the issue}} in the MR branch or title, or write `Closes {{issue.identifier|ENG-123}}` in its description; split other issues' work into their own MRs.",
  hintData: ["others"],
  needs: () => ["issue", "mergeRequest"],
  run: (item, o) => {
    const issue = item.issue!;
    const mr = item.mergeRequest!;
    const key = issue.identifier.toUpperCase();
    const refs = magicReferences(mr.description);
    const via: string[] = [];
    if (findKeysInBranch(mr.sourceBranch).includes(key)) via.push(`branch ${mr.sourceBranch}`);
    if (findIssueKeys(mr.title).includes(key)) via.push("title");
    const ownRef = refs.find((r) => r.key === key);
    if (ownRef !== undefined) via.push(`description ("${ownRef.word} ${key}")`);
    const othersClosed = [...new Set(refs.filter((r) => r.closing && r.key !== key).map((r) => r.key))];
    const evidence = [...via.map((v) => `linked via ${v}`), ...othersClosed.map((k) => `also closes ${k}`)];
    const data = { others: othersClosed.join(", ") };
    if (via.length === 0)
      return fail(
        `${mr.projectPath}!${mr.iid} does not name ${key} in its branch, title or description`,
        evidence,
        data,
      );
    if (o.forbidOtherClosing && othersClosed.length > 0) {
      return fail(
        `${mr.projectPath}!${mr.iid} also closes ${listForMessage(othersClosed)}: its scope is wider than ${key}`,
        evidence,
        data,
      );
    }
    return pass(`${mr.projectPath}!${mr.iid} is linked to ${key} via ${via.join(", ")}`, evidence, data);
  },
});
