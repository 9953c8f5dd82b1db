import { z } from "zod";
import { findSection, sectionTaskItems } from "../markdown/sections.js";
import { HeadingsSchema, MarkdownSourceSchema, markdownOf, sourceName, sourceNeeds } from "./markdown-source.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    headings: HeadingsSchema,
    requireItems: z.boolean().default(true).describe("Fail when the section has no task-list items at all."),
  })
  .strict();

/** Every task-list item (`- [ ]`) in a section is ticked. */
export const taskListComplete = defineCheck({
  id: "task-list-complete",
  description: "Every task-list item (- [ ] / - [x]) in a Markdown section is ticked.",
  options: Options,
  hint: "Tick each acceptance criterion in {{issue.url|the issue}} once you have checked it, or say why it is not met.",
  hintData: ["unticked"],
  needs: (o) => sourceNeeds(o.source),
  run: (item, o) => {
    const section = findSection(markdownOf(item, o.source), o.headings);
    if (section === null) {
      return fail(`No "${o.headings[0]}" section in ${sourceName(o.source)}`, [], { unticked: "" });
    }
    const tasks = sectionTaskItems(section);
    const open = tasks.filter((t) => t.checked !== true).map((t) => t.text);
    const evidence = tasks.map((t) => `${t.checked === true ? "[x]" : "[ ]"} ${t.text}`);
    const data = { unticked: open.join("; ") };
    if (tasks.length === 0 && o.requireItems) {
      return fail(`The "${section.heading}" section has no task-list items (- [ ] …) to tick`, evidence, data);
    }
    if (open.length > 0) {
      return fail(`${open.length} of ${tasks.length} item(s) not ticked: ${listForMessage(open, 3)}`, evidence, data);
    }
    return pass(`All ${tasks.length} item(s) in "${section.heading}" are ticked`, evidence, data);
  },
});
