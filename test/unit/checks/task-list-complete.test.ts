import { taskListComplete } from "../../../src/checks/task-list-complete.js";
import { checkCases } from "../../helpers/check-cases.js";
import { md, withIssue, withMr } from "../../helpers/work-item.js";

const AC = { headings: ["Acceptance criteria", "Definition of done"] };
const described = (...lines: string[]) => withIssue({ description: md(...lines) });

checkCases(taskListComplete, {
  pass: [
    {
      name: "every item is ticked",
      item: described("## Acceptance criteria", "- [x] logs each login", "- [X] shows the audit page"),
      options: AC,
      message: /All 2 item\(s\) in "Acceptance criteria" are ticked/,
      evidence: ["[x] logs each login", "[x] shows the audit page"],
    },
    {
      name: "nested task items are ticked too",
      item: described("## Acceptance criteria", "- [x] web", "  - [x] login page", "  - [x] logout page"),
      options: AC,
      message: /All 3 item/,
    },
    {
      name: "a plain (non-task) item sits among ticked tasks",
      item: described("## Acceptance criteria", "- [x] a", "- note: b is out of scope"),
      options: AC,
      message: /All 1 item/,
    },
    {
      name: "the section has no task items and none are required",
      item: described("## Acceptance criteria", "- logins are audited"),
      options: { ...AC, requireItems: false },
    },
    {
      name: "unticked items outside the section do not count",
      item: described("## Acceptance criteria", "- [x] a", "## Follow-ups", "- [ ] b"),
      options: AC,
    },
    {
      name: "the section is found by a later alias in a bold heading",
      item: described("**Definition of done**", "- [x] a"),
      options: AC,
    },
    {
      name: "the items follow a lead-in line ending in a colon",
      item: described("**Acceptance criteria**", "", "Given a signed-in admin:", "- [x] the audit page lists logins"),
      options: AC,
      message: /All 1 item/,
    },
    {
      name: "a ticked item is inside a block quote",
      item: described("## Acceptance criteria", "> - [x] a"),
      options: AC,
    },
    {
      name: "the merge request checklist is complete",
      item: withMr({ description: md("## Checklist", "- [x] tests", "- [x] docs") }),
      options: { source: "mergeRequest.description", headings: ["Checklist"] },
    },
  ],
  fail: [
    {
      name: "an item is not ticked",
      item: described("## Acceptance criteria", "- [x] logs each login", "- [ ] shows the audit page"),
      options: AC,
      message: /1 of 2 item\(s\) not ticked: shows the audit page/,
      evidence: ["[ ] shows the audit page"],
    },
    {
      name: "a nested item is not ticked under a ticked parent",
      item: described("## Acceptance criteria", "- [x] web", "  - [ ] logout page"),
      options: AC,
      message: /not ticked: logout page/,
    },
    {
      name: "an unticked item is in a block quote",
      item: described("## Acceptance criteria", "> - [ ] a"),
      options: AC,
    },
    {
      name: "the section has no task items",
      item: described("## Acceptance criteria", "- logins are audited"),
      options: AC,
      message: /has no task-list items/,
    },
    {
      name: "the section is empty",
      item: described("## Acceptance criteria", "## Notes", "- [x] a"),
      options: AC,
      message: /has no task-list items/,
    },
    {
      name: "there is no such section",
      item: described("- [x] a"),
      options: AC,
      message: /No "Acceptance criteria" section in the issue description/,
    },
    {
      name: "there is no such section even when items are not required",
      item: described("Nothing here."),
      options: { ...AC, requireItems: false },
    },
    {
      name: "many items are unticked, listing the first three",
      item: described("## Acceptance criteria", "- [ ] a", "- [ ] b", "- [ ] c", "- [ ] d"),
      options: AC,
      message: /4 of 4 item\(s\) not ticked: a, b, c and 1 more/,
    },
  ],
});
