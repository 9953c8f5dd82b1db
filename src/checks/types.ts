import type { z } from "zod";
import { NO_EXTRA_PLACEHOLDERS, placeholderVocabulary, type Placeholders } from "../markdown/placeholder.js";
import { templatesOf, type TemplateText } from "../markdown/sections.js";
import type { EvidenceNeed } from "../work-item/evidence.js";
import type { WorkItem } from "../work-item/schema.js";

/**
 * What one check concluded. Checks never throw for bad data: they say what they saw. `error` means the check could
 * not judge the evidence (e.g. a description past bfd's Markdown limits): it counts as failing, never as a pass.
 */
export interface CheckOutcome {
  status: "pass" | "fail" | "skipped" | "error";
  /** One line a person reads: why it passed, failed, was skipped or could not be judged. */
  message: string;
  /** Facts the check looked at (file paths, label names, unticked items…), for the checklist and JSON. */
  evidence: string[];
  /** Values the rule's hint template may use, e.g. `{{missing}}`. */
  data?: Record<string, string>;
}

/**
 * A name a rule expects to exist in the team's workspace: a Linear workflow state of the team, a Linear label of
 * the team, a GitLab label of the project (or its groups), or a label on either side (waivers).
 */
export interface WorkspaceName {
  where: "linear-state" | "linear-label" | "gitlab-label" | "any-label";
  name: string;
  /** The `with:` option that holds it, for `override:` entries (`bfd init --from-linear`). */
  option: string;
}

/**
 * What the team's config says about evidence for every rule (#22, `evidence:` in bfd.config.yaml), resolved once
 * when the rules load and handed to every check: data, so checks stay pure and a snapshot replays the same verdict.
 */
export interface CheckContext {
  /** The team's own placeholder words, beyond the built-in vocabulary (src/markdown/placeholder.ts). */
  placeholders: Placeholders;
  /** The team's Linear issue template(s): what every rule reading the issue description takes as its template. */
  issueTemplate: TemplateText | undefined;
}

/** No team vocabulary and no issue template: the built-in placeholders only. */
export const DEFAULT_CHECK_CONTEXT: CheckContext = { placeholders: NO_EXTRA_PLACEHOLDERS, issueTemplate: undefined };

/** The context from the config's words and the issue templates' Markdown (files already read). */
export function checkContext(evidence: {
  placeholders: readonly string[];
  issueTemplates: readonly string[];
}): CheckContext {
  return {
    placeholders: placeholderVocabulary(evidence.placeholders),
    issueTemplate: templatesOf(evidence.issueTemplates),
  };
}

/**
 * A check kind: a pure, synchronous function over the WorkItem, parameterised by options that are validated
 * (with `options`) when the rule files load, never mid-run.
 */
export interface CheckKind<Options = unknown> {
  id: string;
  description: string;
  /** zod schema for `with:`; strict, so an unknown option is a load error. */
  options: z.ZodType<Options>;
  /** Default remediation text; a rule's own `hint:` replaces it. May use `{{path}}` templates. */
  hint: string;
  /** Keys this kind puts in `CheckOutcome.data` for hint templates. */
  hintData?: readonly string[];
  /**
   * What the check reads, as data derived from its options: WorkItem parts, or `{ files: globs }` for the content of
   * changed files. The gatherer fetches exactly the union of the needs of the rules in force; the engine reports
   * `error` (never pass) when one could not be read.
   */
  needs: (options: Options) => readonly EvidenceNeed[];
  /**
   * The workflow states and labels the check names, as data derived from its options: `bfd doctor` checks they exist,
   * `bfd init --from-linear` maps them to the team's own names. None when it names nothing in the workspace.
   */
  workspaceNames?: (options: Options) => readonly WorkspaceName[];
  /** Semantic checks beyond the zod shape (patterns compile, globs are sane). Messages name the option. */
  validate?: (options: Options) => string[];
  run: (item: WorkItem, options: Options, context: CheckContext) => CheckOutcome;
}

/** Lets each kind's file declare its options type once and still be stored in the plain-object registry. */
export function defineCheck<Options>(kind: CheckKind<Options>): CheckKind<Options> {
  return kind;
}

export const pass = (message: string, evidence: string[] = [], data?: Record<string, string>): CheckOutcome =>
  data === undefined ? { status: "pass", message, evidence } : { status: "pass", message, evidence, data };
export const fail = (message: string, evidence: string[] = [], data?: Record<string, string>): CheckOutcome =>
  data === undefined ? { status: "fail", message, evidence } : { status: "fail", message, evidence, data };
export const skip = (message: string, evidence: string[] = []): CheckOutcome => ({
  status: "skipped",
  message,
  evidence,
});
/** The check could not judge the evidence; the message says which limit or gap and how to get under it. */
export const error = (message: string, evidence: string[] = [], data?: Record<string, string>): CheckOutcome =>
  data === undefined ? { status: "error", message, evidence } : { status: "error", message, evidence, data };

/** Joins a list for a one-line message: `a, b and 3 more`. */
export function listForMessage(values: readonly string[], max = 5): string {
  if (values.length <= max) return values.join(", ");
  return `${values.slice(0, max).join(", ")} and ${values.length - max} more`;
}
