import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import {
  filledItems,
  filledText,
  findSections,
  sectionText,
  suspiciousHeadings,
  type MarkdownSection,
  type NoEvidence,
} from "../markdown/sections.js";
import {
  HeadingsSchema,
  MarkdownSourceSchema,
  TemplateSchema,
  markdownOf,
  noEvidenceIn,
  sourceName,
  templatedSourceNeeds,
} from "./markdown-source.js";
import { defineCheck, error, fail, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    headings: HeadingsSchema,
    minItems: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("Minimum number of list items in each matching section (placeholders such as TBD do not count)."),
    minChars: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe("Minimum characters of text in each matching section, placeholders and template help text left out."),
    templateChecklist: z
      .boolean()
      .default(false)
      .describe(
        "An unticked task item asserts nothing: a checklist of options left unticked, or with only 'Other' ticked, is a template left as it was (for 'How tested': ticking nothing tested nothing).",
      ),
    template: TemplateSchema,
  })
  .strict();
type Options = z.infer<typeof Options>;

/** Why one matching section (with its filled items) falls short, or null when it is filled in. */
function shortfall(section: MarkdownSection, items: number, o: Options, blank: NoEvidence): string | null {
  const text = filledText(section, { templateChecklist: o.templateChecklist, blank }, o.minChars);
  if (text.length < o.minChars) {
    return sectionText(section) === ""
      ? `The "${section.heading}" section is empty`
      : `The "${section.heading}" section holds only placeholders (TBD, template help text, an unticked template checklist…)`;
  }
  if (items < o.minItems)
    return `The "${section.heading}" section has ${plural(items, "list item")} that say something; at least ${o.minItems} needed`;
  return null;
}

/**
 * Every Markdown section under one of the heading aliases is filled in: text beyond placeholders and template help
 * text, and at least `minItems` list items that are not placeholders. A second section under an alias counts too,
 * so a filled one cannot hide an empty one.
 */
export const markdownSection = defineCheck({
  id: "markdown-section",
  description:
    "Every Markdown section with one of the given headings in a description is filled in (placeholders do not count), with at least N list items.",
  options: Options,
  hint: 'Add a section headed "{{heading}}" to {{issue.url|the description}}.',
  hintData: ["heading"],
  needs: (o) => templatedSourceNeeds(o.source),
  run: (item, o, context) => {
    const data = { heading: o.headings[0]! };
    const markdown = markdownOf(item, o.source);
    const problem = markdownLimitProblem(markdown, sourceName(o.source));
    if (problem !== null) return error(problem.message, [], data);
    const sections = findSections(markdown, o.headings);
    if (sections.length === 0) {
      return fail(
        `No "${o.headings[0]}" section in ${sourceName(o.source)} (looked for: ${o.headings.join(", ")})`,
        [],
        data,
      );
    }
    const blank = noEvidenceIn(item, o.source, o.template, context);
    const filled = sections.map((section) => filledItems(section, blank));
    const evidence = [
      ...suspiciousHeadings(sections),
      ...sections.flatMap((section, i) => [`section: ${section.heading}`, ...filled[i]!.map((i) => `item: ${i.text}`)]),
    ];
    for (const [i, section] of sections.entries()) {
      const why = shortfall(section, filled[i]!.length, o, blank);
      if (why !== null) return fail(why, evidence, data);
    }
    const headings = sections.map((s) => `"${s.heading}"`).join(" and ");
    const items = filled.reduce((sum, f) => sum + f.length, 0);
    const count = o.minItems > 0 ? ` with ${plural(items, "item")}` : "";
    return pass(`${headings} section${sections.length === 1 ? "" : "s"} present${count}`, evidence, data);
  },
});
