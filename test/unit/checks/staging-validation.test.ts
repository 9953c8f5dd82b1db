import { stagingValidation } from "../../../src/checks/staging-validation.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withMr } from "../../helpers/work-item.js";

const LABEL = "Validated in Staging";
const OPTIONS = { label: LABEL, environment: "staging" };
const DEPLOYED = "2026-11-20T14:02:00.000Z";
const staged = (init: {
  labels?: string[];
  deployedAt?: string | null;
  labelAddedAt?: string | null;
  state?: string;
}) =>
  withMr({
    state: init.state ?? "merged",
    mergedAt: "2026-11-20T10:00:00.000Z",
    labels: init.labels ?? [],
    staging: {
      environment: "staging",
      label: LABEL,
      deployedAt: init.deployedAt === undefined ? DEPLOYED : init.deployedAt,
      deploymentId: 902,
      labelAddedAt: init.labelAddedAt ?? null,
    },
  });

checkCases(stagingValidation, {
  pass: [
    {
      options: OPTIONS,
      name: "the label was added after the latest deploy that brought the MR",
      item: staged({ labels: [LABEL], labelAddedAt: "2026-11-20T16:30:00.000Z" }),
      message: /^Validated in staging after the deploy of 2026-11-20 14:02 UTC$/,
    },
    {
      options: OPTIONS,
      name: "the label was added after the deploy, written with another offset",
      item: staged({ labels: ["validated in staging"], labelAddedAt: "2026-11-20T16:10:00.000+02:00" }),
    },
  ],
  fail: [
    {
      options: OPTIONS,
      name: "deployed and not labelled",
      item: staged({}),
      message: /^Deployed to staging 2026-11-20 14:02 UTC; validate now$/,
    },
    {
      options: OPTIONS,
      name: "labelled before the deploy (stale: staging did not run it yet)",
      item: staged({ labels: [LABEL], labelAddedAt: "2026-11-20T12:00:00.000Z" }),
      message:
        /^Stale validation: labelled 2026-11-20 12:00 UTC, before the deploy to staging at 2026-11-20 14:02 UTC$/,
    },
    {
      options: OPTIONS,
      name: "labelled before the deploy, even when the offsets make the text sort the other way",
      item: staged({ labels: [LABEL], labelAddedAt: "2026-11-20T15:30:00.000+02:00" }),
      message: /^Stale validation/,
    },
    {
      options: OPTIONS,
      name: "labelled, but GitLab has no record of when",
      item: staged({ labels: [LABEL], labelAddedAt: null }),
      message: /no record of when/,
    },
  ],
  skipped: [
    {
      options: OPTIONS,
      name: "the MR is not merged yet",
      item: staged({ state: "opened" }),
      message: /^Not merged yet/,
    },
    {
      options: OPTIONS,
      name: "merged but not deployed to staging yet",
      item: staged({ deployedAt: null }),
      message: /^Merged, waiting for the deploy to staging$/,
    },
  ],
});
