import { z } from "zod";
import { templateOf, templatesOf, type NoEvidence } from "../markdown/sections.js";
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

/**
 * What a rule judging a description against templates reads: the description and, for the MR's, the project's MR
 * templates (what they hold is no evidence; see noEvidenceIn).
 */
export function templatedSourceNeeds(source: MarkdownSource): readonly EvidenceKey[] {
  return source === "issue.description" ? ["issue"] : ["mergeRequest", "mergeRequest.templates"];
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
    "The team's template for this text, as Markdown: text the template already holds (guidance, labels, options, example criteria) is no evidence. For the issue description it replaces the Linear issue templates of bfd.config.yaml (`evidence.issueTemplates`); for the MR description it adds to the project's MR templates, which bfd always reads from GitLab (`.gitlab/merge_request_templates/*.md`). The team's placeholder words (`evidence.placeholders`) count as placeholders too.",
  );

/**
 * What holds no evidence in the text a rule reads (#22): the team's placeholder words, and its templates — for the
 * issue description the rule's own `template:`, else the Linear issue template(s) of bfd.config.yaml; for the MR
 * description the rule's `template:` and every MR template of the project (whichever one the author chose).
 */
export function noEvidenceIn(
  item: WorkItem,
  source: MarkdownSource,
  ruleTemplate: string | undefined,
  context: CheckContext,
): NoEvidence {
  const placeholders = context.placeholders;
  if (source === "issue.description")
    return { template: ruleTemplate !== undefined ? templateOf(ruleTemplate) : context.issueTemplate, placeholders };
  const templates = [
    ...(ruleTemplate === undefined ? [] : [ruleTemplate]),
    ...(item.mergeRequest?.templates ?? []).map((t) => t.content),
  ];
  return { template: templatesOf(templates), placeholders };
}
