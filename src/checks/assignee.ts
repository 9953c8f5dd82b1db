import { z } from "zod";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    mustBeViewer: z.boolean().default(false).describe("The assignee must be the person running bfd."),
  })
  .strict();

/** The issue has an assignee (optionally: the person running bfd). */
export const assignee = defineCheck({
  id: "assignee",
  description: "The issue has an assignee; optionally the assignee is the person running bfd.",
  options: Options,
  hint: "Assign {{issue.url|the issue}} to whoever is doing the work.",
  needs: () => ["issue"],
  run: (item, o) => {
    const person = item.issue!.assignee;
    if (person === null) return fail("The issue has no assignee");
    const evidence = [`assignee: ${person.name}`];
    if (o.mustBeViewer) {
      if (item.viewer === null) return fail("Cannot tell who is running bfd, so cannot confirm the assignee", evidence);
      if (item.viewer.id !== person.id) {
        return fail(`The issue is assigned to ${person.name}, not to you (${item.viewer.name})`, evidence);
      }
    }
    return pass(`Assigned to ${person.name}`, evidence);
  },
});
