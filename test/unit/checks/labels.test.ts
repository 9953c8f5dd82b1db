import { labels } from "../../../src/checks/labels.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withIssue, withMr } from "../../helpers/work-item.js";

const mrLabelled = (...names: string[]) => withMr({ labels: names });
const issueLabelled = (...names: string[]) => withIssue({ labels: names });

checkCases(labels, {
  pass: [
    {
      name: "the merge request has every label of `all`",
      item: mrLabelled("Validated in Staging", "backend"),
      options: { all: ["Validated in Staging"] },
      evidence: ["label: Validated in Staging"],
    },
    {
      name: "labels differ only in case",
      item: mrLabelled("validated in staging"),
      options: { all: ["Validated in Staging"] },
    },
    { name: "the merge request has one label of `any`", item: mrLabelled("bug"), options: { any: ["feature", "bug"] } },
    {
      name: "the merge request has none of the `none` labels",
      item: mrLabelled("backend"),
      options: { none: ["do-not-merge", "wip"] },
    },
    {
      name: "a label-less merge request must avoid some labels",
      item: mrLabelled(),
      options: { none: ["do-not-merge"] },
    },
    {
      name: "all, any and none hold together",
      item: mrLabelled("reviewed", "bug"),
      options: { all: ["reviewed"], any: ["bug", "feature"], none: ["wip"] },
    },
    {
      name: "the issue (not the merge request) has the label",
      item: issueLabelled("Security"),
      options: { on: "issue", all: ["security"] },
      message: /The issue has the required labels/,
    },
    {
      name: "reading the issue, labels on a merge request that is absent do not matter",
      item: issueLabelled("Security"),
      options: { on: "issue", any: ["security"] },
    },
  ],
  fail: [
    {
      name: "a label of `all` is missing",
      item: mrLabelled("backend"),
      options: { all: ["Validated in Staging", "backend"] },
      message: /^The merge request is missing label "Validated in Staging"$/,
    },
    {
      name: "no label of `any` is present",
      item: mrLabelled("backend"),
      options: { any: ["feature", "bug"] },
      message: /needs one of "feature", "bug"/,
    },
    {
      name: "a `none` label is present, in another case",
      item: mrLabelled("WIP"),
      options: { none: ["wip"] },
      message: /must not have "wip"/,
      evidence: ["label: WIP"],
    },
    {
      name: "the label is on the issue but the rule reads the merge request",
      item: withMr({ labels: [] }, { issue: { labels: ["Validated in Staging"] } }),
      options: { all: ["Validated in Staging"] },
    },
    {
      name: "the label is on the merge request but the rule reads the issue",
      item: withMr({ labels: ["security"] }, { issue: { labels: [] } }),
      options: { on: "issue", all: ["security"] },
      message: /^The issue /,
    },
    {
      name: "every kind of problem is reported at once",
      item: mrLabelled("wip"),
      options: { all: ["reviewed"], any: ["bug"], none: ["wip"] },
      message: /^The merge request is missing label "reviewed"; needs one of "bug"; must not have "wip"$/,
    },
  ],
});
