import { assignee } from "./assignee.js";
import { branchNamesIssue } from "./branch-names-issue.js";
import { changedPaths } from "./changed-paths.js";
import { designReference } from "./design-reference.js";
import { field } from "./field.js";
import { flagRecords } from "./flag-records.js";
import { issueCurrent } from "./issue-current.js";
import { issueState } from "./issue-state.js";
import { labels } from "./labels.js";
import { linkPattern } from "./link-pattern.js";
import { markdownSection } from "./markdown-section.js";
import { mentionsLinked } from "./mentions-linked.js";
import { mergeRequestState } from "./merge-request-state.js";
import { mrLinksIssue } from "./mr-links-issue.js";
import { openBlockersCheck } from "./open-blockers.js";
import { openQuestions } from "./open-questions.js";
import { pipelineStatus } from "./pipeline-status.js";
import { projectSpecification } from "./project-specification.js";
import { stagingValidation } from "./staging-validation.js";
import { taskListComplete } from "./task-list-complete.js";
import type { CheckKind } from "./types.js";
import { unitOfWork } from "./unit-of-work.js";

/** The check-kind registry: a plain object keyed by the name rule files use in `check:`. */
export const CHECK_KINDS = {
  assignee,
  "branch-names-issue": branchNamesIssue,
  "changed-paths": changedPaths,
  "design-reference": designReference,
  field,
  "flag-records": flagRecords,
  "issue-current": issueCurrent,
  "issue-state": issueState,
  labels,
  "link-pattern": linkPattern,
  "markdown-section": markdownSection,
  "mentions-linked": mentionsLinked,
  "merge-request-state": mergeRequestState,
  "mr-links-issue": mrLinksIssue,
  "open-blockers": openBlockersCheck,
  "open-questions": openQuestions,
  "pipeline-status": pipelineStatus,
  "project-specification": projectSpecification,
  "staging-validation": stagingValidation,
  "task-list-complete": taskListComplete,
  "unit-of-work": unitOfWork,
} as const;

export type CheckKindId = keyof typeof CHECK_KINDS;

export function findCheckKind(id: string): CheckKind | undefined {
  return Object.prototype.hasOwnProperty.call(CHECK_KINDS, id)
    ? (CHECK_KINDS[id as CheckKindId] as unknown as CheckKind)
    : undefined;
}

export function checkKindIds(): string[] {
  return Object.keys(CHECK_KINDS).sort();
}
