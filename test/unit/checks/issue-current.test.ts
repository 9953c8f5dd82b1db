import { issueCurrent } from "../../../src/checks/issue-current.js";
import { checkCases } from "../../helpers/check-cases.js";
import { item, ref, withIssue } from "../../helpers/work-item.js";

const DONE = { state: { name: "Done", type: "completed" } };
const AGREE = { agreeWithMergeRequest: true, stagingLabel: "Validated in Staging" };
const LABEL = "Validated in Staging";
const DEPLOYED = "2026-11-20T14:02:00.000Z";
/** ENG-123 in `issue` state, with merge request !42 as `mr` says (staging as a staging rule gathered it). */
const doneWith = (
  mr: {
    state?: string;
    draft?: boolean;
    labels?: string[];
    deployedAt?: string | null;
    labelAddedAt?: string | null;
    staging?: false;
  },
  issue = DONE,
) =>
  item({
    issue,
    mergeRequest: {
      state: mr.state ?? "merged",
      draft: mr.draft ?? false,
      mergedAt: (mr.state ?? "merged") === "merged" ? "2026-11-20T10:00:00.000Z" : null,
      labels: mr.labels ?? [],
      staging:
        mr.staging === false
          ? null
          : {
              environment: "staging",
              label: LABEL,
              deployedAt: mr.deployedAt === undefined ? DEPLOYED : mr.deployedAt,
              deploymentId: 902,
              labelAddedAt: mr.labelAddedAt ?? null,
            },
    },
  });

checkCases(issueCurrent, {
  pass: [
    {
      name: "the issue is started and assigned",
      item: withIssue({}),
      message: /^Linear is current: In Progress, assigned to Jane Doe$/,
      evidence: ["state: In Progress (started)", "assignee: Jane Doe"],
    },
    { name: "the issue is completed", item: withIssue({ state: { name: "Done", type: "completed" } }) },
    {
      name: "it is blocked by an open issue and its state is Blocked",
      item: withIssue({ state: { name: "Blocked", type: "started" }, blockedBy: [ref("OPS-42", "started")] }),
      evidence: ["open blocker: OPS-42 (In Progress)"],
    },
    {
      name: "its Blocked state is an unstarted type, named in another case",
      item: withIssue({ state: { name: "blocked", type: "unstarted" }, blockedBy: [ref("OPS-42")] }),
    },
    {
      name: "every blocker is done or canceled",
      item: withIssue({ blockedBy: [ref("OPS-1", "completed"), ref("OPS-2", "canceled"), ref("OPS-3", "duplicate")] }),
    },
    {
      name: "it has no assignee and none is required",
      item: withIssue({ assignee: null }),
      options: { requireAssignee: false },
      message: /assigned to nobody/,
    },
    {
      name: "its state type is in a custom list",
      item: withIssue({ state: { name: "Ready", type: "unstarted" } }),
      options: { types: ["unstarted", "started"] },
    },
    {
      name: "its state is a custom blocked state",
      item: withIssue({ state: { name: "Waiting on vendor", type: "unstarted" }, blockedBy: [ref("OPS-1")] }),
      options: { blockedStateNames: ["Waiting on vendor"] },
    },
    {
      name: "it is Done and its MR is merged and validated in staging after the deploy",
      item: doneWith({ labels: [LABEL], labelAddedAt: "2026-11-20T16:00:00.000Z" }),
      options: AGREE,
      evidence: [
        "merge request acme/app!42: merged",
        'staging: deployed 2026-11-20 14:02 UTC; label "Validated in Staging": added 2026-11-20 16:00 UTC',
      ],
    },
    {
      name: "it is Done, merged and labelled, and no staging evidence was gathered (the label alone)",
      item: doneWith({ labels: [LABEL], staging: false }),
      options: AGREE,
    },
    {
      name: "it is Done and merged, and the team has no staging step (no label, no staging evidence)",
      item: doneWith({ staging: false }),
      options: { agreeWithMergeRequest: true },
    },
    {
      name: "it is In Review while its MR is open",
      item: doneWith({ state: "opened", staging: false }, { state: { name: "In Review", type: "started" } }),
      options: AGREE,
    },
    {
      name: "it is In Progress while its merged MR waits for the deploy",
      item: doneWith({ deployedAt: null }, { state: { name: "Ready for Staging Validation", type: "started" } }),
      options: AGREE,
    },
    {
      name: "it is Done while its MR is open, and the rule does not compare them (the default)",
      item: doneWith({ state: "opened", staging: false }),
    },
  ],
  fail: [
    {
      name: "it is Done while its merge request is still open",
      item: doneWith({ state: "opened", staging: false }),
      options: AGREE,
      message:
        /^Linear is not current: state "Done" \(completed\) while acme\/app!42 is still open: the state true now is "In Review"$/,
      evidence: ["merge request acme/app!42: opened"],
    },
    {
      name: "it is Done while its merge request is an open Draft",
      item: doneWith({ state: "opened", draft: true, staging: false }),
      options: AGREE,
      message: /still open \(Draft\): the state true now is "In Review"/,
    },
    {
      name: "it is Done while its merged MR is deployed to staging but not validated",
      item: doneWith({}),
      options: AGREE,
      message:
        /^Linear is not current: state "Done" \(completed\) while acme\/app!42 is merged but not validated in staging \(deployed to staging, not validated there\): the state true now is "Ready for Staging Validation"$/,
    },
    {
      name: "it is Done while its merged MR is not deployed to staging yet",
      item: doneWith({ deployedAt: null }),
      options: AGREE,
      message: /\(not deployed to staging yet\)/,
    },
    {
      name: "it is Done while its MR was validated before its latest deploy",
      item: doneWith({ labels: [LABEL], labelAddedAt: "2026-11-20T11:00:00.000Z" }),
      options: AGREE,
      message: /\(validated in staging before its latest deploy there\)/,
    },
    {
      name: "it is Done while its MR carries the label but GitLab has no record of when it was added",
      item: doneWith({ labels: [LABEL], labelAddedAt: null }),
      options: AGREE,
      message: /\(labelled, but GitLab has no record of when\)/,
    },
    {
      name: "it is Done, merged without the staging label, and no staging evidence was gathered",
      item: doneWith({ staging: false }),
      options: AGREE,
      message: /merged but not validated in staging \(without the label "Validated in Staging"\)/,
    },
    {
      name: "the states to name are the team's own",
      item: doneWith({ state: "opened", staging: false }),
      options: { ...AGREE, reviewState: "Code Review" },
      message: /the state true now is "Code Review"/,
    },
    {
      name: "the issue is still in Todo",
      item: withIssue({ state: { name: "Todo", type: "unstarted" } }),
      message: /^Linear is not current: state "Todo" \(unstarted\) says the work has not started$/,
    },
    { name: "the issue is in the backlog", item: withIssue({ state: { name: "Backlog", type: "backlog" } }) },
    {
      name: "the issue has no assignee",
      item: withIssue({ assignee: null }),
      message: /no assignee/,
      evidence: ["assignee: none"],
    },
    {
      name: "it is blocked by an open issue but In Progress",
      item: withIssue({ blockedBy: [ref("OPS-42", "started"), ref("OPS-1", "completed")] }),
      message: /blocked by OPS-42 \(In Progress\) but not in Blocked/,
      evidence: ["open blocker: OPS-42 (In Progress)"],
    },
    {
      name: "a blocker's state is unknown, which counts as open",
      item: withIssue({ blockedBy: [ref("OPS-42")] }),
      message: /blocked by OPS-42 but not in Blocked/,
    },
    {
      name: "a blocker is done by a custom doneTypes list only",
      item: withIssue({ blockedBy: [ref("OPS-1", "canceled")] }),
      options: { doneTypes: ["completed"] },
    },
    {
      name: "every problem is reported at once",
      item: withIssue({ state: { name: "Todo", type: "unstarted" }, assignee: null, blockedBy: [ref("OPS-42")] }),
      message: /has not started; no assignee; blocked by OPS-42/,
    },
  ],
});
