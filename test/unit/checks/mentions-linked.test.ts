import { mentionsLinked } from "../../../src/checks/mentions-linked.js";
import { checkCases } from "../../helpers/check-cases.js";
import { ref, withIssue, withMr } from "../../helpers/work-item.js";

checkCases(mentionsLinked, {
  error: [
    {
      name: "the description is past the size limit, so mentions in it cannot be read",
      item: withIssue({ description: `See ENG-9. ${"x".repeat(2_000_000)}` }),
      message: /^The issue description is 2,000,0\d\d characters long/,
    },
  ],
  pass: [
    {
      name: "no other issue is mentioned",
      item: withIssue({ description: "Audit every login.", related: [ref("ENG-7")] }),
      message: /^No other issues mentioned; 1 linked issue$/,
    },
    {
      name: "the issue only mentions itself, in any case",
      item: withIssue({ description: "Follow-up to eng-123 itself: see ENG-123." }),
    },
    {
      name: "a mentioned issue is a related issue",
      item: withIssue({ description: "Like ENG-7.", related: [ref("ENG-7")] }),
      message: /^The one mentioned issue is linked$/,
      evidence: ["ENG-7: linked"],
    },
    {
      name: "a mentioned issue blocks this one",
      item: withIssue({ description: "Needs OPS-42 first.", blockedBy: [ref("OPS-42", "started")] }),
    },
    {
      name: "a mentioned issue is blocked by this one",
      item: withIssue({ description: "Unblocks ENG-200.", blocking: [ref("ENG-200")] }),
    },
    {
      name: "a mentioned issue is the parent",
      item: withIssue({ description: "Part of ENG-100.", parent: ref("ENG-100") }),
    },
    {
      name: "a mentioned issue is a sub-issue",
      item: withIssue({ description: "Split into ENG-124.", children: [ref("ENG-124")] }),
    },
    {
      name: "the mention is a Linear URL to a linked issue",
      item: withIssue({
        description: "See https://linear.app/acme/issue/ENG-7/add-audit-table",
        related: [ref("ENG-7")],
      }),
      evidence: ["ENG-7: linked"],
    },
    {
      name: "a linked issue is mentioned by a Linear URL whose slug looks like a key",
      item: withIssue({
        description: "After https://linear.app/acme/issue/ENG-7/upgrade-to-node-20.",
        related: [ref("ENG-7")],
      }),
    },
    {
      name: "a mentioned key is lower case and linked in upper case",
      item: withIssue({ description: "see ops-42", related: [ref("OPS-42")] }),
    },
    {
      name: "the merge request description mentions only linked issues",
      item: withMr({ description: "Follow-up in ENG-124" }, { issue: { children: [ref("ENG-124")] } }),
      options: { source: "mergeRequest.description" },
    },
    {
      name: "key-like names of standards are not issues",
      item: withIssue({ description: "Store as UTF-8, hash with SHA-256, dates in ISO-8601 per RFC-3339." }),
    },
    {
      name: "the workspace's teams are read and key-like words of no team are not issues",
      item: withIssue({
        description: "Runs on NODE-20 with GPT-4 and PY-3; needs OPS-42.",
        blockedBy: [ref("OPS-42", "started")],
        workspaceTeamKeys: ["ENG", "OPS"],
      }),
      message: /^The one mentioned issue is linked$/,
    },
    {
      name: "a key in a code block of a team the workspace does not have is no issue",
      item: withIssue({ description: "```\nexport LANG=UTF-8 TZ=UTC-1\n```", workspaceTeamKeys: ["ENG"] }),
    },
    {
      name: "the issue mentions the key it had before it moved",
      item: withIssue({ description: "Was OLD-7.", previousIdentifiers: ["OLD-7"], workspaceTeamKeys: ["ENG", "OLD"] }),
    },
  ],
  fail: [
    {
      name: "a mentioned issue is not linked",
      item: withIssue({ description: "Needs OPS-42 first." }),
      message: /^Mentioned but not linked in Linear: OPS-42$/,
      evidence: ["OPS-42: not linked"],
    },
    {
      name: "a Linear URL mentions an unlinked issue",
      item: withIssue({ description: "See https://linear.app/acme/issue/ENG-7/add-audit-table" }),
      evidence: ["ENG-7: not linked"],
    },
    {
      name: "one of two mentions is linked",
      item: withIssue({ description: "ENG-7 and ENG-8", related: [ref("ENG-7")] }),
      evidence: ["ENG-7: linked", "ENG-8: not linked"],
    },
    {
      name: "keys inside code are mentions too (a code span and a code block)",
      item: withIssue({
        description: "Run `deploy ENG-999` or:\n\n```\nOPS-1\n```",
        workspaceTeamKeys: ["ENG", "OPS"],
      }),
      message: /^Mentioned but not linked in Linear: ENG-999, OPS-1$/,
    },
    {
      name: "a dependency is behind a reference-style link to a Linear issue",
      item: withIssue({
        description: "Needs [the payments client][1].\n\n[1]: https://linear.app/acme/issue/ENG-118/payments",
      }),
      evidence: ["ENG-118: not linked"],
    },
    {
      name: "a dependency is on a real team whose key bfd used to take for a standard (SOC, ARM)",
      item: withIssue({ description: "Needs SOC-12 and ARM-3 first.", workspaceTeamKeys: ["ENG", "SOC", "ARM"] }),
      message: /^Mentioned but not linked in Linear: SOC-12, ARM-3$/,
    },
    {
      name: "a dependency is written with fullwidth digits, a non-breaking hyphen or a Cyrillic letter",
      item: withIssue({
        description: "Needs OPS-\uFF14\uFF12, OPS\u20117 and \u041EPS-9.",
        workspaceTeamKeys: ["ENG", "OPS"],
      }),
      message: /^Mentioned but not linked in Linear: OPS-42, OPS-7, OPS-9$/,
      evidence: ["suspicious: \u041EPS-9 (with a look-alike character) read as OPS-9"],
    },
    {
      name: "the merge request description mentions an unlinked issue",
      item: withMr({ description: "Also touches ENG-555" }),
      options: { source: "mergeRequest.description" },
      message: /ENG-555/,
    },
  ],
});
