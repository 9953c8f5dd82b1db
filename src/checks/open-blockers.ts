import { z } from "zod";
import type { IssueRef } from "../work-item/schema.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    doneTypes: z
      .array(z.string())
      .default(["completed", "canceled", "duplicate"])
      .describe("State types in which a blocker no longer blocks."),
  })
  .strict();

/** Blockers (issues that block this one) that are still open. */
export function openBlockers(blockedBy: readonly IssueRef[], doneTypes: readonly string[]): IssueRef[] {
  return blockedBy.filter((b) => b.state === null || !doneTypes.includes(b.state.type));
}

export function describeRef(ref: IssueRef): string {
  return ref.state === null ? ref.identifier : `${ref.identifier} (${ref.state.name})`;
}

/** The issue has no open blockers. */
export const openBlockersCheck = defineCheck({
  id: "open-blockers",
  description: "The issue is not blocked by an issue that is still open.",
  options: Options,
  hint: "Resolve or unlink the blockers of {{issue.url|the issue}} ({{blockers}}) before picking it up.",
  hintData: ["blockers"],
  needs: () => ["issue"],
  run: (item, o) => {
    const open = openBlockers(item.issue!.blockedBy, o.doneTypes);
    const data = { blockers: open.map((b) => b.identifier).join(", ") };
    const evidence = item.issue!.blockedBy.map((b) => `blocked by ${describeRef(b)}`);
    if (open.length > 0) return fail(`Blocked by ${listForMessage(open.map(describeRef))}`, evidence, data);
    return pass(item.issue!.blockedBy.length === 0 ? "No blockers" : "All blockers are done", evidence, data);
  },
});
