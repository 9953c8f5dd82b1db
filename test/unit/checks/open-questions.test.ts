import { openQuestions } from "../../../src/checks/open-questions.js";
import { checkCases } from "../../helpers/check-cases.js";
import { md, withIssue, withMr } from "../../helpers/work-item.js";

const OQ = { headings: ["Open questions", "Questions"] };
const described = (...lines: string[]) => withIssue({ description: md(...lines) });

checkCases(openQuestions, {
  error: [
    {
      name: "the description is past the nesting limit",
      item: described("## Open questions", `${"> ".repeat(40)}- Which region?`),
      options: OQ,
      message: /nests block quotes or lists \d+ levels deep/,
    },
  ],
  pass: [
    {
      name: "the only question is one of the team's placeholder words (config evidence.placeholders)",
      item: described("## Open questions", "- à définir"),
      options: OQ,
      config: { placeholders: ["à définir"] },
    },
    {
      name: "there is no open-questions section",
      item: described("## Acceptance criteria", "- [ ] a"),
      options: OQ,
      message: /^No open-questions section$/,
    },
    {
      name: "the section says there are none (None / N/A)",
      item: described("## Open questions", "- None"),
      options: OQ,
    },
    { name: "the section says N/A", item: described("## Open questions", "- N/A"), options: OQ },
    { name: "the section holds only placeholders", item: described("## Open questions", "- TBD", "- …"), options: OQ },
    {
      name: "every question is ticked",
      item: described("## Open questions", "- [x] Which region?", "- [X] Who owns it?"),
      options: OQ,
      message: /No unresolved questions in "Open questions"/,
    },
    {
      name: "every question is struck through",
      item: described("## Open questions", "- ~~Which region?~~", "- ~Who owns it?~"),
      options: OQ,
    },
    {
      name: "questions are marked Resolved:, Answered:, Decided: or Done",
      item: described(
        "## Questions",
        "- Resolved: EU first",
        "- **Answered:** the identity team",
        "- decided - no backfill",
        "- Done",
      ),
      options: OQ,
    },
    {
      name: "the section is prose, with no list",
      item: described("## Open questions", "None right now."),
      options: OQ,
    },
    { name: "the section is empty", item: described("## Open questions", "## Design"), options: OQ },
    {
      name: "an empty bullet is not a question",
      item: described("## Open questions", "-", "- [x] Which region?"),
      options: OQ,
    },
    {
      name: "questions in a later section do not count",
      item: described("## Open questions", "- [x] a", "## Follow-ups", "- b?"),
      options: OQ,
    },
    {
      name: "the merge request's questions are resolved",
      item: withMr({ description: md("### Questions", "- ~~Flag it?~~") }),
      options: { ...OQ, source: "mergeRequest.description" },
    },
  ],
  fail: [
    {
      name: "a second open-questions section has an open question",
      item: described("## Open questions", "- [x] Which region?", "## Notes", "n", "## Questions", "- Who owns it?"),
      options: OQ,
      message: /1 unresolved question: Who owns it\?/,
    },
    {
      name: "a question is open",
      item: described("## Open questions", "- Which region first?", "- [x] Who owns it?"),
      options: OQ,
      message: /^1 unresolved question: Which region first\?$/,
      evidence: ["question: Which region first?"],
    },
    {
      name: "a task-list question is unticked",
      item: described("**Open questions**", "- [ ] Backfill old logins?"),
      options: OQ,
      evidence: ["question: Backfill old logins?"],
    },
    {
      name: "only part of the question is struck through",
      item: described("## Open questions", "- ~~EU or US?~~ EU, but when?"),
      options: OQ,
    },
    {
      name: "a question merely mentions resolving",
      item: described("## Open questions", "- Resolve the flaky login test first?"),
      options: OQ,
    },
    {
      name: 'the answer is a nested "Resolved:" bullet, which does not resolve its question',
      item: described("## Open questions", "- Which region?", "  - Resolved: EU"),
      options: OQ,
      message: /1 unresolved/,
    },
    {
      name: "several questions are open, listing the first three",
      item: described("## Questions", "1. a?", "2. b?", "3. c?", "4. d?"),
      options: OQ,
      message: /^4 unresolved questions: a\?, b\?, c\? and 1 more$/,
    },
  ],
});
