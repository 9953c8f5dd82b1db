import { openBlockersCheck } from "../../../src/checks/open-blockers.js";
import { checkCases } from "../../helpers/check-cases.js";
import { ref, withIssue } from "../../helpers/work-item.js";

checkCases(openBlockersCheck, {
  pass: [
    {
      name: "the issue has no blockers",
      item: withIssue({ blocking: [ref("ENG-200", "started")] }),
      message: /^No blockers$/,
    },
    {
      name: "every blocker is completed, canceled or a duplicate",
      item: withIssue({ blockedBy: [ref("OPS-1", "completed"), ref("OPS-2", "canceled"), ref("OPS-3", "duplicate")] }),
      message: /^All blockers are done$/,
      evidence: ["blocked by OPS-1 (Done)", "blocked by OPS-2 (Canceled)"],
    },
    {
      name: "a blocker is in a custom done type",
      item: withIssue({ blockedBy: [ref("OPS-1", "started")] }),
      options: { doneTypes: ["started", "completed"] },
    },
  ],
  fail: [
    {
      name: "a blocker is in progress",
      item: withIssue({ blockedBy: [ref("OPS-42", "started")] }),
      message: /^Blocked by OPS-42 \(In Progress\)$/,
      evidence: ["blocked by OPS-42 (In Progress)"],
    },
    {
      name: "a blocker's state is unknown",
      item: withIssue({ blockedBy: [ref("OPS-42")] }),
      message: /^Blocked by OPS-42$/,
    },
    {
      name: "one of two blockers is still open",
      item: withIssue({ blockedBy: [ref("OPS-1", "completed"), ref("OPS-2", "backlog")] }),
      message: /^Blocked by OPS-2 \(Backlog\)$/,
      evidence: ["blocked by OPS-1 (Done)", "blocked by OPS-2 (Backlog)"],
    },
    {
      name: "a canceled blocker is not done by a custom doneTypes list",
      item: withIssue({ blockedBy: [ref("OPS-1", "canceled")] }),
      options: { doneTypes: ["completed"] },
    },
    {
      name: "the issue itself is already in a Blocked state",
      item: withIssue({ state: { name: "Blocked", type: "started" }, blockedBy: [ref("OPS-1", "started")] }),
    },
  ],
});
