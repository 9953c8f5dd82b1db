import { z } from "zod";
import { findSection, sectionItems, sectionText } from "../markdown/sections.js";
import { HeadingsSchema, MarkdownSourceSchema, markdownOf, sourceName, sourceNeeds } from "./markdown-source.js";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    headings: HeadingsSchema,
    minItems: z.number().int().min(0).default(0).describe("Minimum number of list items in the section."),
    minChars: z.number().int().min(1).default(1).describe("Minimum characters of text in the section."),
  })
  .strict();

/** A Markdown section (by heading alias) is present, non-empty, and has at least `minItems` list items. */
export const markdownSection = defineCheck({
  id: "markdown-section",
  description:
    "A Markdown section with one of the given headings is present in a description, with at least N list items.",
  options: Options,
  hint: 'Add a section headed "{{heading}}" to {{issue.url|the description}}.',
  hintData: ["heading"],
  needs: (o) => sourceNeeds(o.source),
  run: (item, o) => {
    const data = { heading: o.headings[0]! };
    const section = findSection(markdownOf(item, o.source), o.headings);
    if (section === null) {
      return fail(
        `No "${o.headings[0]}" section in ${sourceName(o.source)} (looked for: ${o.headings.join(", ")})`,
        [],
        data,
      );
    }
    const items = sectionItems(section);
    const text = sectionText(section);
    const evidence = [`section: ${section.heading}`, ...items.map((i) => `item: ${i.text}`)];
    if (text.length < o.minChars) return fail(`The "${section.heading}" section is empty`, evidence, data);
    if (items.length < o.minItems) {
      return fail(
        `The "${section.heading}" section has ${items.length} list item(s); at least ${o.minItems} needed`,
        evidence,
        data,
      );
    }
    const count = o.minItems > 0 ? ` with ${items.length} item(s)` : "";
    return pass(`"${section.heading}" section present${count}`, evidence, data);
  },
});
