import { z } from "zod";
import { shownInstant as shown } from "../time.js";
import { hasLabel, stagingState, type StagingState } from "../work-item/staging-state.js";
import type { MergeRequest, Staging, WorkItem } from "../work-item/schema.js";
import { describeRef, openBlockers } from "./open-blockers.js";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    types: z
      .array(z.string())
      .min(1)
      .default(["started", "completed"])
      .describe("State types that say work is under way or done."),
    requireAssignee: z.boolean().default(true),
    blockedStateNames: z.array(z.string()).default(["Blocked"]).describe("State names that say the issue is blocked."),
    doneTypes: z.array(z.string()).default(["completed", "canceled", "duplicate"]),
    agreeWithMergeRequest: z
      .boolean()
      .default(false)
      .describe(
        "A completed issue must agree with its merge request: not while the MR is still open, nor once merged until it is validated in staging.",
      ),
    reviewState: z
      .string()
      .min(1)
      .default("In Review")
      .describe("The state to name when the issue is completed while its merge request is still open."),
    stagingValidationState: z
      .string()
      .min(1)
      .default("Ready for Staging Validation")
      .describe("The state to name when the issue is completed while its merged MR is not validated in staging."),
    stagingLabel: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        "When no staging evidence was gathered (no staging-validation rule in force), a merged MR must carry this label before the issue is completed; null: merged is enough.",
      ),
  })
  .strict();

type Options = z.infer<typeof Options>;

function stagingGap(state: Exclude<StagingState, "validated">, staging: Staging): string {
  const where = staging.environment;
  if (state === "not-deployed") return `not deployed to ${where} yet`;
  if (state === "not-validated") return `deployed to ${where}, not validated there`;
  if (staging.labelAddedAt === null) return `labelled, but GitLab has no record of when`;
  return `validated in ${where} before its latest deploy there`;
}

/**
 * Why a completed issue is not done yet, judged against its merge request, with the state that is true now; null
 * when they agree. Staging is read from the evidence a staging rule gathered (its deployments and label history);
 * without it, from the label alone.
 */
function completedTooEarly(mr: MergeRequest, o: Options): string | null {
  const ref = `${mr.projectPath}!${mr.iid}`;
  if (mr.state === "opened" || mr.state === "locked")
    return `while ${ref} is still open${mr.draft ? " (Draft)" : ""}: the state true now is "${o.reviewState}"`;
  if (mr.state !== "merged") return null;
  const staging = mr.staging;
  let gap: string | null = null;
  if (staging !== null) {
    const labelled = hasLabel(mr.labels, staging.label);
    const state = stagingState({ deployedAt: staging.deployedAt, labelled, labelAddedAt: staging.labelAddedAt });
    if (state !== "validated") gap = stagingGap(state, staging);
  } else if (o.stagingLabel !== null) {
    if (!hasLabel(mr.labels, o.stagingLabel)) gap = `without the label "${o.stagingLabel}"`;
  }
  if (gap === null) return null;
  return `while ${ref} is merged but not validated in staging (${gap}): the state true now is "${o.stagingValidationState}"`;
}

function mergeRequestFacts(item: WorkItem): string[] {
  const mr = item.mergeRequest;
  if (mr === null) return [];
  const staging = mr.staging;
  return [
    `merge request ${mr.projectPath}!${mr.iid}: ${mr.state}${mr.draft ? " (Draft)" : ""}`,
    ...(staging === null || mr.state !== "merged"
      ? []
      : [
          `${staging.environment}: ${staging.deployedAt === null ? "not deployed" : `deployed ${shown(staging.deployedAt)}`}; label "${staging.label}": ${staging.labelAddedAt === null ? "not added" : `added ${shown(staging.labelAddedAt)}`}`,
        ]),
  ];
}

/**
 * Linear reflects the current state, owner and blockers: the issue is in a started/done state, has an owner,
 * and when it still has open blockers its state says so. With `agreeWithMergeRequest`, a completed state must also
 * be true of the merge request: merged, and validated in staging.
 */
export const issueCurrent = defineCheck({
  id: "issue-current",
  description:
    "Linear reflects the work: the issue is in a started or done state, has an assignee, and open blockers are reflected in its state.",
  options: Options,
  hint: "Update {{issue.url|the issue}} in Linear: state, assignee, blockers.",
  workspaceNames: (o) => [
    ...o.blockedStateNames.map((name) => ({ where: "linear-state" as const, name, option: "blockedStateNames" })),
    ...(o.agreeWithMergeRequest
      ? [
          { where: "linear-state" as const, name: o.reviewState, option: "reviewState" },
          { where: "linear-state" as const, name: o.stagingValidationState, option: "stagingValidationState" },
        ]
      : []),
    ...(o.stagingLabel === null
      ? []
      : [{ where: "gitlab-label" as const, name: o.stagingLabel, option: "stagingLabel" }]),
  ],
  needs: (o) => (o.agreeWithMergeRequest ? ["issue", "mergeRequest"] : ["issue"]),
  run: (item, o) => {
    const issue = item.issue!;
    const problems: string[] = [];
    const blocked = openBlockers(issue.blockedBy, o.doneTypes);
    const inBlockedState = o.blockedStateNames.some((n) => n.toLowerCase() === issue.state.name.toLowerCase());
    if (!o.types.includes(issue.state.type) && !inBlockedState)
      problems.push(`state "${issue.state.name}" (${issue.state.type}) says the work has not started`);
    if (o.requireAssignee && issue.assignee === null) problems.push("no assignee");
    if (blocked.length > 0 && !inBlockedState)
      problems.push(
        `blocked by ${listForMessage(blocked.map(describeRef))} but not in ${o.blockedStateNames.join("/")}`,
      );
    const mr = o.agreeWithMergeRequest ? item.mergeRequest : null;
    const early = mr !== null && issue.state.type === "completed" ? completedTooEarly(mr, o) : null;
    if (early !== null) problems.push(`state "${issue.state.name}" (${issue.state.type}) ${early}`);
    const evidence = [
      `state: ${issue.state.name} (${issue.state.type})`,
      `assignee: ${issue.assignee?.name ?? "none"}`,
      ...blocked.map((b) => `open blocker: ${describeRef(b)}`),
      ...(o.agreeWithMergeRequest ? mergeRequestFacts(item) : []),
    ];
    if (problems.length > 0) return fail(`Linear is not current: ${problems.join("; ")}`, evidence);
    return pass(`Linear is current: ${issue.state.name}, assigned to ${issue.assignee?.name ?? "nobody"}`, evidence);
  },
});
