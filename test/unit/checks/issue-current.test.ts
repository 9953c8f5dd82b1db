import { issueCurrent } from "../../../src/checks/issue-current.js";
import { checkCases } from "../../helpers/check-cases.js";
import { ref, withIssue } from "../../helpers/work-item.js";

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
  ],
  fail: [
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
