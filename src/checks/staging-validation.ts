import { z } from "zod";
import { shownInstant as shown } from "../time.js";
import { hasLabel, stagingState } from "../work-item/staging-state.js";
import { defineCheck, fail, pass, skip } from "./types.js";

const Options = z
  .object({
    // No defaults here: the built-in names live in rules/done.yaml (staging-validated), and code reads them there.
    label: z.string().min(1).describe("The label that records a passed validation, e.g. Validated in Staging."),
    environment: z.string().min(1).describe("The GitLab environment the MR deploys to, e.g. staging."),
  })
  .strict();

/**
 * After the MR deploys to staging, the story is re-validated there and the label says so — after the deploy, not
 * before it. Judged from GitLab's deployments to the environment and the MR's label history: not merged or not
 * deployed yet is skipped (nothing to validate yet); deployed and unlabelled fails; labelled before the latest
 * deployment that brought the MR fails (the validation ran on something staging did not run yet); labelled after
 * it passes.
 */
export const stagingValidation = defineCheck({
  id: "staging-validation",
  description:
    "A merged MR deployed to staging carries the validation label, added after the latest staging deployment that brought it.",
  options: Options,
  hint: 'Re-run the acceptance criteria in staging; when they pass, add the label "{{label}}" to {{mergeRequest.url|the merge request}}.',
  hintData: ["label", "deployedAt"],
  workspaceNames: (o) => [{ where: "gitlab-label", name: o.label, option: "label" }],
  needs: (o) => [{ staging: { environment: o.environment, label: o.label } }],
  run: (item, o) => {
    const mr = item.mergeRequest!;
    const staging = mr.staging;
    const data = {
      label: o.label,
      deployedAt: staging?.deployedAt === null || staging === null ? "" : shown(staging.deployedAt),
    };
    if (mr.state !== "merged") return skip(`Not merged yet: ${o.environment} validation comes after the deploy`);
    if (staging === null || staging.deployedAt === null) {
      return skip(`Merged, waiting for the deploy to ${o.environment}`, [`not deployed to ${o.environment}`]);
    }
    const evidence = [
      `deployed to ${o.environment}: ${shown(staging.deployedAt)}${staging.deploymentId === null ? "" : ` (deployment ${staging.deploymentId})`}`,
      `label "${o.label}": ${staging.labelAddedAt === null ? "not added" : `added ${shown(staging.labelAddedAt)}`}`,
    ];
    const labelled = hasLabel(mr.labels, o.label);
    const state = stagingState({ deployedAt: staging.deployedAt, labelled, labelAddedAt: staging.labelAddedAt });
    if (state === "not-validated")
      return fail(`Deployed to ${o.environment} ${shown(staging.deployedAt)}; validate now`, evidence, data);
    if (state === "stale" && staging.labelAddedAt === null) {
      return fail(
        `Labelled "${o.label}", but GitLab has no record of when: remove and add it again once validated`,
        evidence,
        data,
      );
    }
    if (state === "stale") {
      return fail(
        `Stale validation: labelled ${shown(staging.labelAddedAt!)}, before the deploy to ${o.environment} at ${shown(staging.deployedAt)}`,
        evidence,
        data,
      );
    }
    return pass(`Validated in ${o.environment} after the deploy of ${shown(staging.deployedAt)}`, evidence, data);
  },
});
