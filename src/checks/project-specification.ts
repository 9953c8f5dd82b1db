import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { filledLength } from "../markdown/sections.js";
import { defineCheck, error, fail, pass } from "./types.js";

const Options = z
  .object({
    minChars: z
      .number()
      .int()
      .min(1)
      .default(40)
      .describe(
        "Minimum characters of specification text (project content or one document), headings, placeholders (TODO: …, TBD, lorem ipsum), template help text and bare URLs left out.",
      ),
  })
  .strict();

/**
 * A bare URL (or an autolink) is where a specification may be, not one: the text is read without link targets, so
 * a project content that is only `https://docs.example.com/…` holds no specification, while a link's words still
 * count. Targets of `[text](url)` links go too; their text stays.
 */
function beyondLinks(markdown: string): string {
  return markdown.replace(
    /\(\s*<?(?:https?:\/\/|www\.)[^\s)>]*>?\s*\)|<(?:https?:\/\/|www\.)[^\s>]*>|(?:https?:\/\/|www\.)\S*/gi,
    (url) => (url.startsWith("(") ? "()" : " "),
  );
}

/**
 * The issue belongs to a Linear project whose content (or one of its documents) holds a specification: text beyond
 * headings, placeholders (`TODO: write the spec`) and template help text.
 */
export const projectSpecification = defineCheck({
  id: "project-specification",
  description:
    "The issue belongs to a Linear project whose content or one of whose documents is a specification (placeholders such as 'TODO: write …' do not count).",
  options: Options,
  hint: "Add {{issue.url|the issue}} to its Linear project, and write the project specification in the project's content or a project document.",
  needs: () => ["issue"],
  run: (item, o, context) => {
    const project = item.issue!.project;
    if (project === null) return fail("The issue is not in a Linear project, so it has no project specification");
    const evidence = [`project: ${project.name}`];
    const texts = [
      { what: "the project content", content: project.content, document: null },
      ...project.documents.map((d) => ({ what: `the project document "${d.title}"`, content: d.content, document: d })),
    ];
    const unreadable: string[] = [];
    for (const text of texts) {
      const problem = markdownLimitProblem(text.content, text.what);
      if (problem !== null) {
        unreadable.push(problem.message);
        continue;
      }
      const blank = { placeholders: context.placeholders };
      if (filledLength(beyondLinks(text.content), o.minChars, blank) < o.minChars) continue;
      return text.document === null
        ? pass(`Project "${project.name}" has a specification`, evidence)
        : pass(`Project "${project.name}" has a specification document "${text.document.title}"`, [
            ...evidence,
            `document: ${text.document.title}`,
          ]);
    }
    if (unreadable.length > 0) return error(unreadable[0]!, evidence);
    return fail(
      `Project "${project.name}" has no specification text (content and documents are empty, placeholders, only links, or shorter than ${o.minChars} characters)`,
      evidence,
    );
  },
});
