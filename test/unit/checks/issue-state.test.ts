import { issueState } from "../../../src/checks/issue-state.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withIssue } from "../../helpers/work-item.js";

const inState = (name: string, type: string) => withIssue({ state: { name, type } });
const HANDOFF = { names: ["In Review", "Blocked", "Done"] };

checkCases(issueState, {
  pass: [
    {
      name: "the state name is allowed",
      item: inState("In Review", "started"),
      options: HANDOFF,
      message: /^Issue is in "In Review"$/,
      evidence: ["state: In Review (started)"],
    },
    { name: "the state name differs only in case", item: inState("in review", "started"), options: HANDOFF },
    { name: "the state type is allowed", item: inState("QA", "started"), options: { types: ["started"] } },
    {
      name: "the type matches though the name does not",
      item: inState("Shipped", "completed"),
      options: { ...HANDOFF, types: ["completed"] },
    },
  ],
  fail: [
    {
      name: "the state name is not allowed",
      item: inState("In Progress", "started"),
      options: HANDOFF,
      message: /^Issue is in "In Progress" \(started\); expected In Review, Blocked, Done$/,
    },
    {
      name: "the state type is not allowed",
      item: inState("Todo", "unstarted"),
      options: { types: ["started", "completed"] },
      message: /expected any started state, any completed state$/,
    },
    {
      name: "a name is given where only a type would match",
      item: inState("Done", "completed"),
      options: { names: ["completed"] },
    },
    { name: "the name only partly matches", item: inState("In Review (blocked)", "started"), options: HANDOFF },
  ],
});
