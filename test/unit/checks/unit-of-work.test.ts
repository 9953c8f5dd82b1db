import { unitOfWork } from "../../../src/checks/unit-of-work.js";
import { checkCases } from "../../helpers/check-cases.js";
import { ref, withIssue } from "../../helpers/work-item.js";

checkCases(unitOfWork, {
  pass: [
    {
      name: "the issue has no sub-issues and no estimate",
      item: withIssue({}),
      options: { maxEstimate: 5 },
      message: /^A single unit of work$/,
    },
    {
      name: "the estimate is at the cap",
      item: withIssue({ estimate: 5 }),
      options: { maxEstimate: 5 },
      evidence: ["estimate: 5"],
    },
    { name: "there is no cap on a large estimate", item: withIssue({ estimate: 21 }) },
    {
      name: "every sub-issue is done or canceled",
      item: withIssue({ children: [ref("ENG-124", "completed"), ref("ENG-125", "canceled")] }),
      evidence: ["sub-issue ENG-124 (Done)", "sub-issue ENG-125 (Canceled)"],
    },
    {
      name: "the issue is itself a sub-issue of an open parent",
      item: withIssue({ parent: ref("ENG-100", "started") }),
    },
  ],
  fail: [
    {
      name: "the issue has an open sub-issue",
      item: withIssue({ children: [ref("ENG-124", "started"), ref("ENG-125", "completed")] }),
      message: /^The issue has 1 open sub-issue \(ENG-124\): it is not a unit of work$/,
    },
    {
      name: "a sub-issue's state is unknown",
      item: withIssue({ children: [ref("ENG-124")] }),
      evidence: ["sub-issue ENG-124"],
    },
    {
      name: "the estimate is above the cap",
      item: withIssue({ estimate: 8 }),
      options: { maxEstimate: 5 },
      message: /^Estimate 8 is above 5: too big for one story$/,
      evidence: ["estimate: 8"],
    },
    {
      name: "a canceled sub-issue is not done by a custom doneTypes list",
      item: withIssue({ children: [ref("ENG-124", "canceled")] }),
      options: { doneTypes: ["completed"] },
    },
  ],
});
