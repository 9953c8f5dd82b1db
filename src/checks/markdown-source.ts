import { z } from "zod";
import { templateOf, type NoEvidence } from "../markdown/sections.js";
import type { EvidenceKey, WorkItem } from "../work-item/schema.js";
import type { CheckContext } from "./types.js";

/** Where a Markdown-reading check looks: the Linear issue's description or the merge request's description. */
export const MarkdownSourceSchema = z
  .enum(["issue.description", "mergeRequest.description"])
  .describe("Which description to read.");
export type MarkdownSource = z.infer<typeof MarkdownSourceSchema>;

export function markdownOf(item: WorkItem, source: MarkdownSource): string {
  return source === "issue.description" ? (item.issue?.description ?? "") : (item.mergeRequest?.description ?? "");
}

export function sourceNeeds(source: MarkdownSource): readonly EvidenceKey[] {
  return source === "issue.description" ? ["issue"] : ["mergeRequest"];
}

export function sourceName(source: MarkdownSource): string {
  return source === "issue.description" ? "the issue description" : "the merge request description";
}

export const HeadingsSchema = z
  .array(z.string().min(1))
  .min(1)
  .describe("Heading aliases, matched case-insensitively (a trailing colon is ignored).");

/** The team's template for the text a rule reads: what it already holds is no evidence (#22). */
export const TemplateSchema = z
  .string()
  .min(1)
  .optional()
  .describe(
    "The team's template for this text (its Linear issue template, or its MR template), as Markdown: text the template already holds (guidance, labels, options, example criteria) is no evidence.",
  );

/**
 * What holds no evidence in the text a rule reads (#22): the team's placeholder words, and its template — the rule's
 * own `template:`, else, for the issue description, the Linear issue template of bfd.config.yaml.
 */
export function noEvidenceIn(
  source: MarkdownSource,
  ruleTemplate: string | undefined,
  context: CheckContext,
): NoEvidence {
  const template =
    ruleTemplate !== undefined
      ? templateOf(ruleTemplate)
      : source === "issue.description"
        ? context.issueTemplate
        : undefined;
  return { template, placeholders: context.placeholders };
}
