import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { findSections, sectionCriteria, suspiciousHeadings, type Criterion } from "../markdown/sections.js";
import {
  HeadingsSchema,
  MarkdownSourceSchema,
  TemplateSchema,
  markdownOf,
  noEvidenceIn,
  sourceName,
  templatedSourceNeeds,
} from "./markdown-source.js";
import { defineCheck, error, fail, listForMessage, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    headings: HeadingsSchema,
    requireItems: z
      .boolean()
      .default(true)
      .describe("Fail when the sections hold no criteria at all (placeholders such as TBD are none)."),
    template: TemplateSchema,
  })
  .strict();

const mark = (c: Criterion): string =>
  c.kind === "task" ? `${c.checked === true ? "[x]" : "[ ]"} ${c.text}` : `${c.kind === "row" ? "row" : "-"} ${c.text}`;

/**
 * Every criterion in every section under the heading aliases is a ticked task item. A plain list item or a table
 * row is a criterion too, but one nobody can tick, so it fails as "not a checklist item"; placeholders (TBD, `…`,
 * template help text) are no criteria at all.
 */
export const taskListComplete = defineCheck({
  id: "task-list-complete",
  description:
    "Every criterion (list item or table row) in every Markdown section with one of the given headings is a ticked task item (- [x]).",
  options: Options,
  hint: "Tick each acceptance criterion in {{issue.url|the issue}} once you have checked it, or say why it is not met.",
  hintData: ["unticked"],
  needs: (o) => templatedSourceNeeds(o.source),
  run: (item, o, context) => {
    const markdown = markdownOf(item, o.source);
    const problem = markdownLimitProblem(markdown, sourceName(o.source));
    if (problem !== null) return error(problem.message, [], { unticked: "" });
    const sections = findSections(markdown, o.headings);
    if (sections.length === 0) {
      return fail(`No "${o.headings[0]}" section in ${sourceName(o.source)}`, [], { unticked: "" });
    }
    const blank = noEvidenceIn(item, o.source, o.template, context);
    const criteria = sections.flatMap((section) => sectionCriteria(section, blank)).filter((c) => !c.placeholder);
    const evidence = [...suspiciousHeadings(sections), ...criteria.map(mark)];
    const unticked = criteria.filter((c) => c.kind === "task" && c.checked !== true).map((c) => c.text);
    const untickable = criteria.filter((c) => c.kind !== "task").map((c) => c.text);
    const data = { unticked: [...unticked, ...untickable].join("; ") };
    const where = sections.map((s) => `"${s.heading}"`).join(" and ");
    if (criteria.length === 0) {
      return o.requireItems
        ? fail(
            `The ${where} section${sections.length === 1 ? " has" : "s have"} no criteria (- [ ] …) to tick`,
            evidence,
            data,
          )
        : pass(`No criteria in ${where}, and none are required`, evidence, data);
    }
    const problems: string[] = [];
    if (unticked.length > 0)
      problems.push(
        `${unticked.length} of ${plural(criteria.length, "item")} not ticked: ${listForMessage(unticked, 3)}`,
      );
    if (untickable.length > 0) {
      problems.push(
        `${untickable.length} not a checklist item (tick it or make it one, - [ ] …): ${listForMessage(untickable, 3)}`,
      );
    }
    if (problems.length > 0) return fail(problems.join("; "), evidence, data);
    return pass(`All ${criteria.length} criteria in ${where} are ticked`, evidence, data);
  },
});
