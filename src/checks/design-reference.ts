import { z } from "zod";
import { markdownLinks } from "../markdown/sections.js";
import { compilePattern, mustCompilePattern } from "../work-item/pattern.js";
import { changedMatching, GlobsSchema } from "../work-item/globs.js";
import { defineCheck, fail, listForMessage, pass, skip } from "./types.js";

const Options = z
  .object({
    ifChanged: GlobsSchema.describe("Architecture-relevant paths: a change to one of these needs a design reference."),
    designPattern: z
      .string()
      .min(1)
      .describe("RE2 pattern a link in the MR description must match to count as an ADR or system design."),
    designPaths: GlobsSchema.describe("Where the team's ADRs and designs live: changing one counts too."),
  })
  .strict();

/**
 * Delivery loop step 3, "Check relevant ADRs or long-lived system design before changing the implementation path":
 * when architecture-relevant paths change, the MR links an ADR or a system design, or adds/changes one.
 */
export const designReference = defineCheck({
  id: "design-reference",
  description:
    "When architecture-relevant paths change, the MR description links an ADR or system design (a pattern), or the MR changes one.",
  options: Options,
  hint: "Link the ADR or system design this change follows in {{mergeRequest.url|the merge request}}'s description, or add an ADR ({{triggers}} changed).",
  hintData: ["triggers"],
  needs: () => ["mergeRequest.changes"],
  validate: (o) => {
    const compiled = compilePattern(o.designPattern, { caseInsensitive: true });
    return "error" in compiled ? [`designPattern: ${compiled.error}`] : [];
  },
  run: (item, o) => {
    const mr = item.mergeRequest!;
    const triggers = changedMatching(mr.changes, o.ifChanged).map((f) => f.newPath);
    if (triggers.length === 0) return skip("No architecture-relevant path changed");
    const data = { triggers: listForMessage(triggers, 3) };
    const evidence = triggers.slice(0, 10).map((t) => `changed: ${t}`);
    const designs = changedMatching(mr.changes, o.designPaths)
      .filter((f) => !f.deletedFile)
      .map((f) => f.newPath);
    if (designs.length > 0)
      return pass(
        `The MR changes ${listForMessage(designs, 2)}`,
        [...evidence, ...designs.map((d) => `design: ${d}`)],
        data,
      );
    const pattern = mustCompilePattern(o.designPattern, { caseInsensitive: true });
    const link = markdownLinks(mr.description).find((l) => pattern.test(l.url));
    if (link !== undefined) return pass(`The MR links ${link.url}`, [...evidence, `link: ${link.url}`], data);
    return fail(
      `${listForMessage(triggers, 3)} changed, and the MR neither links an ADR or design nor changes one`,
      evidence,
      data,
    );
  },
});
