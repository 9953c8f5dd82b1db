import { mrLinksIssue } from "../../../src/checks/mr-links-issue.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withMr } from "../../helpers/work-item.js";

/** A merge request whose branch and title name no issue, so only its description can link it. */
const describedMr = (description: string) =>
  withMr({ sourceBranch: "feature/login-audit", title: "Add login audit", description });

checkCases(mrLinksIssue, {
  pass: [
    {
      name: "the title names the key with a Cyrillic letter, shown as suspicious",
      item: withMr({ sourceBranch: "feature/login-audit", title: "\u0415NG-123: Add login audit" }),
      message:
        /is linked to ENG-123 via title \(suspicious: \u0415NG-123 \(with a look-alike character\) read as ENG-123\)/,
    },
    {
      name: "the description closes the key with fullwidth digits and a non-breaking hyphen",
      item: describedMr("Closes ENG\u2011\uFF11\uFF12\uFF13"),
    },
    {
      name: "the issue moved from OLD-7, and branch, title and closing words still name OLD-7",
      item: withMr(
        { sourceBranch: "jdoe/old-7-login", title: "OLD-7: Login", description: "Closes OLD-7" },
        { issue: { previousIdentifiers: ["OLD-7"] } },
      ),
      message:
        /linked to ENG-123 via branch jdoe\/old-7-login \(OLD-7 \(ENG-123's key before it moved\)\), title \(OLD-7 .*\), description \("closes OLD-7 \(ENG-123's key before it moved\)"\)/,
    },
    {
      name: "the issue moved, and the MR names both its old and its new key",
      item: withMr(
        { sourceBranch: "jdoe/old-7-login", title: "ENG-123: Login" },
        { issue: { previousIdentifiers: ["OLD-7"] } },
      ),
    },
    {
      name: "the source branch is Linear's branch name",
      item: withMr({ sourceBranch: "jdoe/eng-123-add-login-audit", title: "Add login audit" }),
      evidence: ["linked via branch jdoe/eng-123-add-login-audit"],
    },
    {
      name: "the source branch names the key in upper case",
      item: withMr({ sourceBranch: "ENG-123", title: "Add login audit" }),
    },
    {
      name: "the title names the key",
      item: withMr({ sourceBranch: "feature/login-audit", title: "[ENG-123] Add login audit" }),
      evidence: ["linked via title"],
    },
    {
      name: "the description says `Closes ENG-123`",
      item: describedMr("Closes ENG-123"),
      message: /via description \("closes ENG-123"\)/,
    },
    {
      name: "the description closes the issue by its Linear URL",
      item: describedMr("Fixes https://linear.app/acme/issue/ENG-123/x"),
    },
    {
      name: "the magic word is lower case with a colon and the key is lower case",
      item: describedMr("resolves: eng-123"),
    },
    { name: "the description links without closing (`Part of ENG-123`)", item: describedMr("Part of ENG-123") },
    {
      name: "it says 'relates to' or 'implements' another issue, which are no Linear magic words",
      item: describedMr("Fixes ENG-123. Relates to ENG-9. Implements ENG-10."),
      message: /is linked to ENG-123/,
    },
    {
      name: "the title names a standard that looks like a key",
      item: withMr({ sourceBranch: "jdoe/eng-123-utf8", title: "Read UTF-8 and SHA-256 names (ENG-123)" }),
    },
    {
      name: "it mentions another issue's key with no magic word",
      item: describedMr("Closes ENG-123. Unlike ENG-124, this keeps the old table."),
    },
    {
      name: "it closes another issue but closing others is allowed",
      item: describedMr("Closes ENG-123, ENG-124"),
      options: { forbidOtherClosing: false },
      evidence: ["also closes ENG-124"],
    },
    {
      name: "the closing Linear URL's slug contains something key-like",
      item: describedMr("Fixes https://linear.app/acme/issue/ENG-123/upgrade-to-node-20"),
    },
    {
      name: "branch, title and description all name the issue",
      item: withMr({ title: "ENG-123: Add login audit", description: "Closes ENG-123" }),
      message: /via branch jdoe\/eng-123-add-login-audit, title, description/,
    },
  ],
  fail: [
    {
      name: "it closes two issues written `Closes ENG-123, ENG-150`",
      item: describedMr("Closes ENG-123, ENG-150"),
      message: /also closes ENG-150: its scope is wider than ENG-123 \(one issue per MR\)/,
    },
    {
      name: "it closes two issues written with &",
      item: describedMr("Closes ENG-123 & ENG-150"),
      evidence: ["also closes ENG-150"],
    },
    {
      name: "it closes a list of issues below `Closes:`",
      item: describedMr("Closes:\n\n- ENG-123\n- ENG-150\n"),
      evidence: ["also closes ENG-150"],
    },
    {
      name: "it closes another issue written as a Markdown link",
      item: describedMr("Closes ENG-123 and [ENG-150](https://linear.app/acme/issue/ENG-150/login)"),
      evidence: ["also closes ENG-150"],
    },
    {
      name: "it closes another issue written in a code span",
      item: describedMr("Closes ENG-123, `ENG-150`"),
      evidence: ["also closes ENG-150"],
    },
    {
      name: "it closes another issue whose key has fullwidth digits",
      item: describedMr("Closes ENG-123, ENG-\uFF11\uFF15\uFF10"),
      evidence: ["also closes ENG-150"],
    },
    {
      name: "it closes another issue whose key has a Cyrillic letter, shown as suspicious",
      item: describedMr("Closes ENG-123, \u0415NG-150"),
      message: /also closes ENG-150.*suspicious: \u0415NG-150 \(with a look-alike character\) read as ENG-150/,
      evidence: ["also closes ENG-150", "suspicious: \u0415NG-150 (with a look-alike character) read as ENG-150"],
    },
    {
      name: "a moved issue's MR also closes another issue",
      item: withMr(
        { sourceBranch: "jdoe/old-7-login", title: "Login", description: "Closes OLD-7, OLD-8" },
        { issue: { previousIdentifiers: ["OLD-7"] } },
      ),
      message: /also closes OLD-8/,
    },
    {
      name: "it also says `Part of` another issue, which Linear links too",
      item: describedMr("Closes ENG-123\n\nPart of ENG-124"),
      message: /also says "part of ENG-124": its scope is wider than ENG-123/,
      evidence: ['linked via description ("closes ENG-123")', 'also says "part of ENG-124"'],
    },
    ...(["Ref", "Refs", "References", "Related to", "Contributes to", "Towards"] as const).map((word) => ({
      name: `it also says "${word}" another issue`,
      item: describedMr(`Closes ENG-123. ${word} ENG-9.`),
      message: new RegExp(`also says "${word.toLowerCase()} ENG-9"`),
    })),
    {
      name: "the title names another issue besides this one",
      item: withMr({ title: "ENG-123 and ENG-124: login audit" }),
      message: /also names ENG-124 in its title: its scope is wider than ENG-123/,
      evidence: ["also names ENG-124 in its title"],
    },
    {
      name: "the branch names another issue besides this one",
      item: withMr({ sourceBranch: "jdoe/eng-123-and-eng-124", title: "Login audit" }),
      message: /also names ENG-124 in its branch/,
    },
    {
      name: "the branch, the title and the description each name another issue",
      item: withMr({
        sourceBranch: "jdoe/eng-123-ops-1",
        title: "ENG-123 WEB-2: audit",
        description: "Fixes ENG-123, OPS-7. Towards DATA-3.",
      }),
      message:
        /also closes OPS-7, names WEB-2 in its title, names OPS-1 in its branch, says "towards DATA-3": its scope/,
    },
    {
      name: "implements is no magic word, so it does not link the issue",
      item: describedMr("Implements ENG-123"),
      message: /does not name ENG-123/,
    },
    {
      name: "a bare key in the description alone does not link",
      item: describedMr("Implementation for ENG-123."),
      message: /acme\/app!42 does not name ENG-123 in its branch, title or description/,
    },
    { name: "nothing names the issue", item: describedMr("") },
    {
      name: "the branch names a longer key that merely starts with the issue's",
      item: withMr({ sourceBranch: "jdoe/eng-1234-other", title: "Other work" }),
    },
    {
      name: "the title names another issue",
      item: withMr({ sourceBranch: "feature/x", title: "ENG-124: Other work" }),
    },
    { name: "the description closes only another issue", item: describedMr("Closes ENG-124") },
    {
      name: "it closes another issue too (`Closes ENG-123, ENG-124`)",
      item: describedMr("Closes ENG-123, ENG-124"),
      message: /also closes ENG-124: its scope is wider than ENG-123/,
      evidence: ["also closes ENG-124"],
    },
    {
      name: "it closes another issue with `and`",
      item: describedMr("Closes ENG-123 and ENG-124"),
      evidence: ["also closes ENG-124"],
    },
    {
      name: "it closes a third issue after an Oxford comma",
      item: describedMr("Closes ENG-123, ENG-124, and ENG-125"),
      evidence: ["also closes ENG-124", "also closes ENG-125"],
    },
    {
      name: "it closes another issue by its Linear URL in a list",
      item: describedMr("Closes https://linear.app/acme/issue/ENG-123/a, https://linear.app/acme/issue/ENG-124/b"),
      evidence: ["also closes ENG-124"],
    },
    {
      name: "the branch links it but the description closes another issue",
      item: withMr({ description: "Fixes OPS-7" }),
      message: /also closes OPS-7/,
    },
  ],
});
