import { z } from "zod";
import { describeRef, openBlockers } from "./open-blockers.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    types: z
      .array(z.string())
      .min(1)
      .default(["started", "completed"])
      .describe("State types that say work is under way or done."),
    requireAssignee: z.boolean().default(true),
    blockedStateNames: z.array(z.string()).default(["Blocked"]).describe("State names that say the issue is blocked."),
    doneTypes: z.array(z.string()).default(["completed", "canceled", "duplicate"]),
  })
  .strict();

/**
 * Linear reflects the current state, owner and blockers: the issue is in a started/done state, has an owner,
 * and when it still has open blockers its state says so.
 */
export const issueCurrent = defineCheck({
  id: "issue-current",
  description:
    "Linear reflects the work: the issue is in a started or done state, has an assignee, and open blockers are reflected in its state.",
  options: Options,
  hint: "Update {{issue.url|the issue}} in Linear: state, assignee, blockers.",
  needs: () => ["issue"],
  run: (item, o) => {
    const issue = item.issue!;
    const problems: string[] = [];
    const blocked = openBlockers(issue.blockedBy, o.doneTypes);
    const inBlockedState = o.blockedStateNames.some((n) => n.toLowerCase() === issue.state.name.toLowerCase());
    if (!o.types.includes(issue.state.type) && !inBlockedState)
      problems.push(`state "${issue.state.name}" (${issue.state.type}) says the work has not started`);
    if (o.requireAssignee && issue.assignee === null) problems.push("no assignee");
    if (blocked.length > 0 && !inBlockedState)
      problems.push(
        `blocked by ${listForMessage(blocked.map(describeRef))} but not in ${o.blockedStateNames.join("/")}`,
      );
    const evidence = [
      `state: ${issue.state.name} (${issue.state.type})`,
      `assignee: ${issue.assignee?.name ?? "none"}`,
      ...blocked.map((b) => `open blocker: ${describeRef(b)}`),
    ];
    if (problems.length > 0) return fail(`Linear is not current: ${problems.join("; ")}`, evidence);
    return pass(`Linear is current: ${issue.state.name}, assigned to ${issue.assignee?.name ?? "nobody"}`, evidence);
  },
});
