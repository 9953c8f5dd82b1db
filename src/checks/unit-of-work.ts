import { z } from "zod";
import { defineCheck, fail, listForMessage, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    maxEstimate: z.number().positive().optional().describe("Largest estimate a single story may have."),
    doneTypes: z.array(z.string()).default(["completed", "canceled", "duplicate"]),
  })
  .strict();

/** The issue is one unit of work: not a parent of open sub-issues (an epic in disguise) and not over the estimate cap. */
export const unitOfWork = defineCheck({
  id: "unit-of-work",
  description: "The issue is a single unit of work: no open sub-issues, and its estimate (if any) is within the cap.",
  options: Options,
  hint: "Split {{issue.url|the issue}} into unit stories (pick up a sub-issue instead), or shrink its scope.",
  needs: () => ["issue"],
  run: (item, o) => {
    const issue = item.issue!;
    const openChildren = issue.children.filter((c) => c.state === null || !o.doneTypes.includes(c.state.type));
    const evidence = [
      ...issue.children.map((c) => `sub-issue ${c.identifier}${c.state === null ? "" : ` (${c.state.name})`}`),
      ...(issue.estimate === null ? [] : [`estimate: ${issue.estimate}`]),
    ];
    if (openChildren.length > 0) {
      return fail(
        `The issue has ${plural(openChildren.length, "open sub-issue")} (${listForMessage(openChildren.map((c) => c.identifier))}): it is not a unit of work`,
        evidence,
      );
    }
    if (o.maxEstimate !== undefined && issue.estimate !== null && issue.estimate > o.maxEstimate) {
      return fail(`Estimate ${issue.estimate} is above ${o.maxEstimate}: too big for one story`, evidence);
    }
    return pass("A single unit of work", evidence);
  },
});
