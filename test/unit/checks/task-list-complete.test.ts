import { taskListComplete } from "../../../src/checks/task-list-complete.js";
import { checkCases } from "../../helpers/check-cases.js";
import { md, withIssue, withMr } from "../../helpers/work-item.js";

const AC = { headings: ["Acceptance criteria", "Definition of done"] };
const described = (...lines: string[]) => withIssue({ description: md(...lines) });

checkCases(taskListComplete, {
  error: [
    {
      name: "the description is past the nesting limit",
      item: described("## Acceptance criteria", `${"*a ".repeat(40)}b${" c*".repeat(40)}`, "- [x] a"),
      options: AC,
      message: /nests emphasis or brackets 40 levels deep \(line 2\); bfd reads at most 32/,
    },
  ],
  pass: [
    {
      name: "only an Out of scope subsection under the criteria is unticked",
      item: described("## Acceptance criteria", "- [x] a", "### Out of scope", "- [ ] mobile"),
      options: AC,
      message: /All 1 criteria/,
    },
    {
      name: "every item is ticked",
      item: described("## Acceptance criteria", "- [x] logs each login", "- [X] shows the audit page"),
      options: AC,
      message: /All 2 criteria in "Acceptance criteria" are ticked/,
      evidence: ["[x] logs each login", "[x] shows the audit page"],
    },
    {
      name: "nested task items are ticked too",
      item: described("## Acceptance criteria", "- [x] web", "  - [x] login page", "  - [x] logout page"),
      options: AC,
      message: /All 3 criteria/,
    },
    {
      name: "the section has no criteria and none are required",
      item: described("## Acceptance criteria", "Logins are audited."),
      options: { ...AC, requireItems: false },
      message: /No criteria in "Acceptance criteria", and none are required/,
    },
    {
      name: "every section under any alias is ticked",
      item: described("## Definition of done", "- [x] a", "", "## Acceptance criteria", "- [x] b"),
      options: AC,
      message: /All 2 criteria in "Definition of done" and "Acceptance criteria" are ticked/,
    },
    {
      name: "a ticked placeholder sits among ticked criteria",
      item: described("## Acceptance criteria", "- [x] a", "- [x] TBD"),
      options: AC,
      message: /All 1 criteria/,
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
      message: /All 1 criteria/,
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
    // #22: the config's `evidence:`.
    {
      name: "the only ticked criteria are the example criteria of the team's Linear issue template (config)",
      item: described("## Acceptance criteria", "- [x] Criterion as the user sees it"),
      options: AC,
      config: { issueTemplates: [md("## Acceptance criteria", "- [ ] Criterion as the user sees it")] },
      message: /no criteria/,
    },
    {
      name: "the only ticked criterion is one of the team's placeholder words",
      item: described("## Acceptance criteria", "- [x] à définir"),
      options: AC,
      config: { placeholders: ["À définir"] },
      message: /no criteria/,
    },
    {
      name: "the only ticked criteria are the team template's examples",
      item: described("## Acceptance criteria", "- [x] Criterion as the user sees it"),
      options: { ...AC, template: md("## Acceptance criteria", "- [ ] Criterion as the user sees it") },
      message: /no criteria/,
    },
    // #22: sections by meaning. Each row passed before, on a ticked "Definition of done" or a first section.
    {
      name: "a Cyrillic look-alike heading's unticked item sits beside a ticked Definition of done",
      item: described("## \u0410cceptance criteria", "- [ ] a", "", "## Definition of done", "- [x] b"),
      options: AC,
      message: /1 of 2 items not ticked: a/,
      evidence: ["suspicious heading (read as this section): <U+0410>cceptance criteria"],
    },
    {
      name: "a heading with a zero-width joiner, a bidi override or an emoji is still the criteria section",
      item: described(
        "## Accep\u200Dtance criteria",
        "- [ ] a",
        "## \u202Eairetirc ecnatpeccA",
        "- [ ] b",
        "## \u2705 Acceptance criteria",
        "- [ ] c",
        "## Definition of done",
        "- [x] d",
      ),
      options: AC,
      message: /3 of 4 items not ticked/,
    },
    {
      name: "a second criteria section (Additional acceptance criteria) has an unticked item",
      item: described("## Acceptance criteria", "- [x] a", "## Additional acceptance criteria", "- [ ] b"),
      options: AC,
      message: /1 of 2 items not ticked: b/,
    },
    {
      name: "an unticked task line is folded into the ticked item above it",
      item: described("## Acceptance criteria", "- [x] a", "[ ] b"),
      options: AC,
      message: /not ticked: b/,
    },
    {
      name: "an unticked criterion hides in <details>, a collapsible or an HTML checkbox",
      item: described(
        "## Acceptance criteria",
        "- [x] a",
        "<details>",
        "<summary>More</summary>",
        "- [ ] b",
        "</details>",
        "",
        "+++ Edge cases",
        "- [ ] c",
        "+++",
        "",
        '<input type="checkbox"> d',
      ),
      options: AC,
      message: /3 of 4 items not ticked: b, c, d/,
    },
    {
      name: "an item is not ticked",
      item: described("## Acceptance criteria", "- [x] logs each login", "- [ ] shows the audit page"),
      options: AC,
      message: /1 of 2 items not ticked: shows the audit page/,
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
      name: "the section has only plain items, which nobody can tick",
      item: described("## Acceptance criteria", "- logins are audited"),
      options: AC,
      message: /1 not a checklist item \(tick it or make it one, - \[ \] …\): logins are audited/,
    },
    {
      name: "a plain item sits among ticked tasks",
      item: described("## Acceptance criteria", "- [x] a", "- b is also done"),
      options: AC,
      message: /not a checklist item .*: b is also done/,
      evidence: ["[x] a", "- b is also done"],
    },
    {
      name: "a plain item is nested under a ticked task",
      item: described("## Acceptance criteria", "- [x] a", "  - and its audit row"),
      options: AC,
      message: /not a checklist item .*: and its audit row/,
    },
    {
      name: "a criterion is a table row",
      item: described(
        "## Acceptance criteria",
        "- [x] a",
        "",
        "| Criterion | Met |",
        "|---|---|",
        "| logs each login | yes |",
      ),
      options: AC,
      message: /1 not a checklist item .*: logs each login \| yes/,
      evidence: ["row logs each login | yes"],
    },
    {
      name: "plain items do not pass when items are not required",
      item: described("## Acceptance criteria", "- logins are audited"),
      options: { ...AC, requireItems: false },
      message: /not a checklist item/,
    },
    {
      name: "a ticked Definition of done sits above an unticked Acceptance criteria section",
      item: described("## Definition of done", "- [x] merged", "", "## Acceptance criteria", "- [ ] logs each login"),
      options: AC,
      message: /1 of 2 items not ticked: logs each login/,
    },
    {
      name: "a second Acceptance criteria section has an unticked item",
      item: described("## Acceptance criteria", "- [x] a", "## Notes", "n", "## Acceptance criteria", "- [ ] b"),
      options: AC,
      message: /1 of 2 items not ticked: b/,
    },
    {
      name: "the section is empty",
      item: described("## Acceptance criteria", "## Notes", "- [x] a"),
      options: AC,
      message: /"Acceptance criteria" section has no criteria/,
    },
    {
      name: "the section holds only placeholders",
      item: described("## Acceptance criteria", "- [x] TBD", "- [x] …"),
      options: AC,
      message: /has no criteria/,
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
      message: /4 of 4 items not ticked: a, b, c and 1 more/,
    },
  ],
});
