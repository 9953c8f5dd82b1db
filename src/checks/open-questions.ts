import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { isPlaceholderText } from "../markdown/placeholder.js";
import { findSections, sectionItems } from "../markdown/sections.js";
import { HeadingsSchema, MarkdownSourceSchema, markdownOf, sourceName, sourceNeeds } from "./markdown-source.js";
import { defineCheck, error, fail, listForMessage, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    headings: HeadingsSchema,
  })
  .strict();

const RESOLVED_PREFIX = /^(resolved|answered|decided|done)\b/i;
/** "None", "N/A", "-": the author says there are no open questions. */
const NO_QUESTION = /^(none|n\/?a|nothing|no open questions?|-+)\.?$/i;

/**
 * Lists unresolved questions so they are visible. A question is resolved when its item is ticked, struck
 * through, or starts with "Resolved:" / "Answered:" / "Decided:".
 */
export const openQuestions = defineCheck({
  id: "open-questions",
  description:
    "Lists the unresolved items of an \"Open questions\" section (ticked, ~~struck~~ or 'Resolved:' items are resolved).",
  options: Options,
  hint: "Answer the open questions, or make sure whoever picks this up knows about them ({{issue.url|the issue}}).",
  hintData: ["questions"],
  needs: (o) => sourceNeeds(o.source),
  run: (item, o, context) => {
    const markdown = markdownOf(item, o.source);
    const problem = markdownLimitProblem(markdown, sourceName(o.source));
    if (problem !== null) return error(problem.message, [], { questions: "" });
    const sections = findSections(markdown, o.headings);
    if (sections.length === 0) return pass("No open-questions section", [], { questions: "" });
    const open = sections
      .flatMap(sectionItems)
      .filter(
        (i) =>
          i.checked !== true &&
          !i.struck &&
          !RESOLVED_PREFIX.test(i.text) &&
          !NO_QUESTION.test(i.text) &&
          !isPlaceholderText(i.text, context.placeholders),
      )
      .map((i) => i.text);
    const data = { questions: open.join("; ") };
    const where = sections.map((s) => `"${s.heading}"`).join(" and ");
    if (open.length === 0) return pass(`No unresolved questions in ${where}`, [], data);
    return fail(
      `${plural(open.length, "unresolved question")}: ${listForMessage(open, 3)}`,
      open.map((q) => `question: ${q}`),
      data,
    );
  },
});
