import { markdownSection } from "../../../src/checks/markdown-section.js";
import { checkCases } from "../../helpers/check-cases.js";
import { md, withIssue, withMr } from "../../helpers/work-item.js";

const AC = { headings: ["Acceptance criteria", "AC"] };
const AC_ITEMS = { ...AC, minItems: 1 };
const FRENCH = { placeholders: ["à définir", "TBD-ish"] };
const ISSUE_TEMPLATE = md(
  "## Acceptance criteria",
  "_What the user can do when this ships._",
  "- Criterion as the user sees it",
);
const described = (...lines: string[]) => withIssue({ description: md(...lines) });

checkCases(markdownSection, {
  error: [
    {
      name: "the description nests block quotes past the limit",
      item: described("## AC", `${"> ".repeat(40)}- a`),
      options: AC_ITEMS,
      message: /^The issue description nests block quotes or lists 41 levels deep \(line 2\); bfd reads at most 32/,
    },
    {
      name: "the description is over the size limit",
      item: described("## AC", "- a", "x".repeat(2_000_001)),
      options: AC_ITEMS,
      message: /^The issue description is 2,000,0\d\d characters long; bfd reads at most 2,000,000/,
    },
  ],
  pass: [
    {
      name: "the How tested section says more than the project's MR templates hold",
      item: withMr({
        description: md("## How tested", "Unit tests: ran the suite on CI", "Ran the export on staging with 10k rows"),
        templates: [{ name: "Default", content: md("## How tested", "Unit tests: ran the suite on CI") }],
      }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10 },
    },
    // #22: the config's `evidence:` extends what is no evidence; without it the same words are text.
    {
      name: "a section says 'à définir' and the team has not made it a placeholder",
      item: described("## AC", "- À définir"),
      options: AC_ITEMS,
    },
    {
      name: "the criteria say more than the team's Linear issue template",
      item: described("## Acceptance criteria", "_What the user can do when this ships._", "- Exports finish in 5 s"),
      options: AC_ITEMS,
      config: { issueTemplates: [ISSUE_TEMPLATE] },
    },
    {
      name: "a rule's own template replaces the config's issue template",
      item: described("## Acceptance criteria", "- Criterion as the user sees it"),
      options: { ...AC_ITEMS, template: md("## Acceptance criteria", "- Something else") },
      config: { issueTemplates: [ISSUE_TEMPLATE] },
    },
    {
      name: "the config's issue template is not applied to the MR description",
      item: withMr({ description: md("## Acceptance criteria", "- Criterion as the user sees it") }),
      options: { ...AC_ITEMS, source: "mergeRequest.description" },
      config: { issueTemplates: [ISSUE_TEMPLATE] },
    },
    {
      name: "the How tested section says more than the team's template",
      item: withMr({
        description: md("## How tested", "> Describe what you ran and where.", "", "Unit tests: 42 passed on CI"),
      }),
      options: {
        source: "mergeRequest.description",
        headings: ["How tested"],
        minChars: 10,
        template: md("## How tested", "> Describe what you ran and where.", "", "Unit tests:"),
      },
    },
    {
      name: "a results table has one result filled in",
      item: withMr({ description: md("## How tested", "| Test | Result |", "|---|---|", "| Unit | 42 passed |") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10, templateChecklist: true },
    },
    {
      name: "a label line has what was done after it",
      item: withMr({ description: md("## How tested", "Unit tests:", "- ran 42, all green") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10, templateChecklist: true },
    },
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
      name: "every matching section has content",
      item: described("## AC", "- a", "## Notes", "## Acceptance criteria", "- b"),
      options: AC_ITEMS,
      message: /"AC" and "Acceptance criteria" sections present with 2 item/,
    },
    {
      name: "real items sit next to a placeholder",
      item: described("## AC", "- logs each login", "- TBD"),
      options: AC_ITEMS,
      message: /with 1 item/,
    },
    {
      name: "a How tested section has one ticked item of a template checklist",
      item: withMr({ description: md("## How tested", "- [x] Ran the unit tests", "- [ ] Manual test") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10, templateChecklist: true },
    },
    {
      name: "emphasis is part of a sentence, not the whole of it",
      item: withMr({ description: md("## How tested", "Ran *all* the e2e tests on staging.") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10 },
    },
    {
      name: "the section holds a code block of what was run",
      item: withMr({ description: md("## How tested", "```", "npm test -- --run e2e", "```") }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10 },
    },
  ],
  fail: [
    {
      name: "the How tested section holds only what one of the project's MR templates holds",
      item: withMr({
        description: md("## How tested", "Unit tests: ran the suite on CI"),
        templates: [
          { name: "Bug", content: md("## Root cause") },
          { name: "Default", content: md("## How tested", "Unit tests: ran the suite on CI", "Manual: <where>") },
        ],
      }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10 },
    },
    {
      name: "every item is one of the team's placeholder words, in any case, width or with invisible characters",
      item: described("## AC", "- À DÉFINIR", "- à\u00A0défi\u200Bnir: avec le design", "- ＴＢＤ-ish"),
      options: AC_ITEMS,
      config: FRENCH,
      message: /only placeholders|list item/,
    },
    {
      name: "the criteria are the team's Linear issue template as it was (config, no rule template)",
      item: described(
        "## Acceptance criteria",
        "_What the user can do when this ships._",
        "- Criterion as the user sees it",
      ),
      options: AC_ITEMS,
      config: { issueTemplates: ["## Other template\n\n- Unrelated", ISSUE_TEMPLATE] },
    },
    // #22: a template left as it was is no evidence.
    ...(
      [
        ["only label lines with nothing after them", ["Unit tests:", "Manual testing:"]],
        ["only a results table of TBD", ["| Test | Result |", "|---|---|", "| Unit | TBD |", "| E2E | TBD |"]],
        ["only Other ticked in the template's checklist", ["- [ ] Unit tests", "- [ ] Manual", "- [x] Other"]],
        ["only unticked options", ["- [ ] Unit tests", "- [ ] Ran it on staging"]],
        ["only TBA and to-be-decided text", ["TBA", "", "To be decided with QA"]],
        ["only lorem ipsum", ["Lorem ipsum dolor sit amet, consectetur adipiscing elit."]],
        ["only a collapsible's title and TBD", ["+++ Details", "TBD", "+++"]],
      ] as const
    ).map(([name, body]) => ({
      name: `the How tested section holds ${name}`,
      item: withMr({ description: md("## How tested", ...body) }),
      options: {
        source: "mergeRequest.description" as const,
        headings: ["How tested"],
        minChars: 10,
        templateChecklist: true,
      },
      message: /holds only placeholders/,
    })),
    {
      name: "the How tested section holds only the team's template: block-quoted guidance and labels",
      item: withMr({
        description: md("## How tested", "> Describe what you ran and where.", "", "Unit tests:", "Staging: yes/no"),
      }),
      options: {
        source: "mergeRequest.description",
        headings: ["How tested"],
        minChars: 10,
        template: md("## How tested", "> Describe what you ran and where.", "", "Unit tests:", "Staging: yes/no"),
      },
      message: /holds only placeholders/,
    },
    {
      name: "the criteria are the Linear issue template's example criteria",
      item: described("## Acceptance criteria", "- [ ] The user can do the thing", "- [ ] It is logged"),
      options: {
        ...AC_ITEMS,
        template: md("## Acceptance criteria", "- [ ] The user can do the thing", "- [ ] It is logged"),
      },
    },
    {
      name: "the criteria are numbered slots of the template",
      item: described("## Acceptance criteria", "- [ ] Criterion 1", "- [ ] Criterion 2", "- [ ] WIP"),
      options: AC_ITEMS,
    },
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
      message: /has 0 list items that say something; at least 1 needed/,
    },
    {
      name: "nested items do not count towards minItems",
      item: described("## AC", "- a", "  - a.1", "  - a.2"),
      options: { ...AC, minItems: 2 },
      message: /has 1 list item/,
    },
    { name: "the text is shorter than minChars", item: described("## AC", "TBD"), options: { ...AC, minChars: 10 } },
    {
      name: "a later matching section is empty though the first has content",
      item: described("## AC", "- a", "## Notes", "## AC"),
      options: AC_ITEMS,
      message: /"AC" section is empty/,
    },
    ...(
      [
        ["TBD", "- TBD"],
        ["an unticked TODO task", "- [ ] TODO"],
        ["an ellipsis", "- …"],
        ["three dots", "- ..."],
        ["a dash", "- -"],
        ["N/A", "- N/A"],
        ["an empty item", "-"],
        ["an HTML comment", "<!-- one item per outcome -->"],
        ["template help text in italics", "- _one item per observable outcome_"],
        ["TODO with what is to come", "- TODO: write the criteria"],
      ] as const
    ).map(([what, line]) => ({
      name: `the only item is ${what}`,
      item: described("## Acceptance criteria", line),
      options: AC_ITEMS,
      message: /section (holds only placeholders|has 0 list items that say something|is empty)/,
    })),
    ...(
      [
        ["only italic template text", "_Describe how you tested this change._"],
        ["an unticked template checklist", "- [ ] Unit tests\n- [ ] Manual test on staging"],
        ["“Not tested yet.”", "Not tested yet."],
        ["invisible characters only", "\u200B\u00A0\u2060"],
        ["TBD and an HTML comment", "<!-- what did you run? -->\nTBD"],
      ] as const
    ).map(([what, body]) => ({
      name: `a How tested section holds ${what}`,
      item: withMr({ description: md("## How tested", body) }),
      options: { source: "mergeRequest.description", headings: ["How tested"], minChars: 10, templateChecklist: true },
      message: /"How tested" section (holds only placeholders|is empty)/,
    })),
    {
      name: "the heading is in the issue but the rule reads the merge request",
      item: withMr({ description: "" }, { issue: { description: md("## How tested", "Ran it.") } }),
      options: { source: "mergeRequest.description", headings: ["How tested"] },
      message: /the merge request description/,
    },
  ],
});
