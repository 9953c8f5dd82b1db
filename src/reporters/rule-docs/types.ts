import type { ProcessCoverage } from "../../rules/process-coverage.js";
import type { LoadedRule } from "../../rules/schema.js";

/** One option of a check kind, as its zod schema describes it. */
export interface OptionDoc {
  name: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

export interface CheckKindDoc {
  id: string;
  description: string;
  options: OptionDoc[];
  /** Names the kind adds for hint templates (`{{missing}}`). */
  hintNames: readonly string[];
}

/**
 * What `bfd rules list` renders: the rules in force, every check kind, and the WorkItem paths rules may name.
 * The kinds' option docs come from their zod schemas, which takes a while: only the formats that show them ask.
 */
export interface RuleDocs {
  rules: readonly LoadedRule[];
  kinds: () => readonly CheckKindDoc[];
  workItemPaths: () => readonly string[];
  /** Every sentence of the delivery process and what enforces it (only the Markdown reference shows it). */
  processCoverage: () => ProcessCoverage;
}

/** What `bfd rules explain ID` renders: the rules with that id, and the check kind of that name. */
export interface RuleExplanation {
  rules: readonly LoadedRule[];
  kind: CheckKindDoc | null;
  /** Listed under the kind when rules use them as option values (the `field` check). */
  workItemPaths: readonly string[] | null;
}
