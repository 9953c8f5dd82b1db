import { z } from "zod";
import { findIssueKeys } from "../work-item/issue-keys.js";
import { MarkdownSourceSchema, markdownOf, sourceNeeds } from "./markdown-source.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
  })
  .strict();

/** Issue keys mentioned in the description are linked in Linear (relation, parent or sub-issue), so dependencies are visible. */
export const mentionsLinked = defineCheck({
  id: "mentions-linked",
  description: "Every issue key mentioned in the description is linked in Linear as a relation, parent or sub-issue.",
  options: Options,
  hint: "Link {{unlinked}} to {{issue.url|the issue}} in Linear (blocked by / blocks / related), so the dependency is visible.",
  hintData: ["unlinked"],
  needs: (o) => ["issue", ...sourceNeeds(o.source)],
  run: (item, o) => {
    const issue = item.issue!;
    const linked = new Set(
      [issue.parent, ...issue.children, ...issue.blockedBy, ...issue.blocking, ...issue.related]
        .filter((ref) => ref !== null)
        .map((ref) => ref.identifier.toUpperCase()),
    );
    const mentioned = findIssueKeys(markdownOf(item, o.source)).filter((k) => k !== issue.identifier.toUpperCase());
    const unlinked = mentioned.filter((k) => !linked.has(k));
    const evidence = mentioned.map((k) => `${k}: ${linked.has(k) ? "linked" : "not linked"}`);
    const data = { unlinked: unlinked.join(", ") };
    if (unlinked.length > 0) return fail(`Mentioned but not linked in Linear: ${listForMessage(unlinked)}`, evidence, data);
    if (mentioned.length === 0) return pass(`No other issues mentioned; ${linked.size} linked issue(s)`, evidence, data);
    return pass(`All ${mentioned.length} mentioned issue(s) are linked`, evidence, data);
  },
});
