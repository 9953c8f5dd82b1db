import { markdownSection } from "../../../src/checks/markdown-section.js";
import { checkCases } from "../../helpers/check-cases.js";
import { md, withIssue, withMr } from "../../helpers/work-item.js";

const AC = { headings: ["Acceptance criteria", "AC"] };
const AC_ITEMS = { ...AC, minItems: 1 };
const described = (...lines: string[]) => withIssue({ description: md(...lines) });

checkCases(markdownSection, {
  pass: [
    {
      name: "a heading matches the first alias",
      item: described("## Acceptance criteria", "- [ ] logs each login"),
      options: AC_ITEMS,
      evidence: ["section: Acceptance criteria", "item: logs each login"],
    },
    {
      name: "a heading matches a later alias",
      item: described("### AC", "- logs each login"),
      options: AC_ITEMS,
      evidence: ["section: AC"],
    },
    { name: "the heading differs only in case", item: described("## ACCEPTANCE CRITERIA", "- a"), options: AC_ITEMS },
    { name: "the heading ends with a colon", item: described("## Acceptance criteria:", "- a"), options: AC_ITEMS },
    {
      name: "the heading has a space before its colon",
      item: described("## Acceptance criteria :", "- a"),
      options: AC_ITEMS,
    },
    {
      name: "the heading is a paragraph of bold text",
      item: described("Some context.", "", "**Acceptance criteria**", "- a"),
      options: AC_ITEMS,
      evidence: ["section: Acceptance criteria"],
    },
    {
      name: "the bold heading has its colon outside the bold",
      item: described("**Acceptance criteria**:", "", "- a"),
      options: AC_ITEMS,
    },
    {
      name: "the heading is a setext heading",
      item: described("Acceptance criteria", "-------------------", "", "- a"),
      options: AC_ITEMS,
    },
    {
      name: "the section has prose and no list, and no items are required",
      item: described("## AC", "Logins are audited."),
      options: AC,
    },
    {
      name: "nested list items belong to their parent item",
      item: described("## AC", "- a", "  - a.1", "  - a.2", "- b"),
      options: { ...AC, minItems: 2 },
      message: /with 2 item/,
    },
    {
      name: "the section carries on below its own subheadings",
      item: described("## AC", "### Web", "- a", "### API", "- b"),
      options: { ...AC, minItems: 2 },
    },
    { name: "the text reaches minChars", item: described("## AC", "Ten chars!"), options: { ...AC, minChars: 10 } },
    {
      name: "the section is in the merge request description",
      item: withMr({ description: md("## How tested", "Ran the suite locally and on staging.") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10 },
    },
    {
      name: "the first matching section has content though a later one is empty",
      item: described("## AC", "- a", "## Notes", "## AC"),
      options: AC_ITEMS,
    },
  ],
  fail: [
    {
      name: "no heading matches any alias",
      item: described("## Description", "- a"),
      options: AC,
      message: /No "Acceptance criteria" section in the issue description \(looked for: Acceptance criteria, AC\)/,
    },
    { name: "the description is empty", item: described(""), options: AC },
    {
      name: "the alias only appears as text, not as a heading",
      item: described("Acceptance criteria: see below", "- a"),
      options: AC,
    },
    {
      name: "the bold text is only part of a paragraph",
      item: described("**Acceptance criteria** are in the spec.", "- a"),
      options: AC,
    },
    {
      name: "the section stops at the next heading of the same level",
      item: described("## AC", "## Design", "- a"),
      options: AC_ITEMS,
      message: /section is empty/,
    },
    {
      name: "the section holds only an HTML comment placeholder",
      item: described("## AC", "<!-- one item per observable outcome -->"),
      options: AC,
      message: /"AC" section is empty/,
    },
    {
      name: "the section has prose but fewer list items than minItems",
      item: described("## AC", "Logins are audited."),
      options: AC_ITEMS,
      message: /has 0 list item\(s\); at least 1 needed/,
    },
    {
      name: "nested items do not count towards minItems",
      item: described("## AC", "- a", "  - a.1", "  - a.2"),
      options: { ...AC, minItems: 2 },
      message: /has 1 list item/,
    },
    { name: "the text is shorter than minChars", item: described("## AC", "TBD"), options: { ...AC, minChars: 10 } },
    {
      name: "the heading is in the issue but the rule reads the merge request",
      item: withMr({ description: "" }, { issue: { description: md("## How tested", "Ran it.") } }),
      options: { source: "mergeRequest.description", headings: ["How tested"] },
      message: /the merge request description/,
    },
  ],
});
