import { z } from "zod";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    minChars: z
      .number()
      .int()
      .min(1)
      .default(40)
      .describe("Minimum characters of specification text (project content or one document)."),
  })
  .strict();

/** The issue belongs to a Linear project whose content (or one of its documents) holds a specification. */
export const projectSpecification = defineCheck({
  id: "project-specification",
  description:
    "The issue belongs to a Linear project whose content or one of whose documents is a non-empty specification.",
  options: Options,
  hint: "Add {{issue.url|the issue}} to its Linear project, and write the project specification in the project's content or a project document.",
  needs: () => ["issue"],
  run: (item, o) => {
    const project = item.issue!.project;
    if (project === null) return fail("The issue is not in a Linear project, so it has no project specification");
    const evidence = [`project: ${project.name}`];
    if (project.content.trim().length >= o.minChars)
      return pass(`Project "${project.name}" has a specification`, evidence);
    const doc = project.documents.find((d) => d.content.trim().length >= o.minChars);
    if (doc !== undefined)
      return pass(`Project "${project.name}" has a specification document "${doc.title}"`, [
        ...evidence,
        `document: ${doc.title}`,
      ]);
    return fail(
      `Project "${project.name}" has no specification text (content and documents are empty or shorter than ${o.minChars} characters)`,
      evidence,
    );
  },
});
