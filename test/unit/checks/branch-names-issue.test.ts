import { branchNamesIssue } from "../../../src/checks/branch-names-issue.js";
import { checkCases } from "../../helpers/check-cases.js";
import { item, JANE, OMAR, withMr } from "../../helpers/work-item.js";

const onBranch = (branch: string | null) => item({ branch });
const MR_ONLY = { branches: ["mergeRequest" as const] };
const AT_READY = { branches: ["current" as const], assignee: "viewer-or-unassigned" as const };
const AT_DONE = { assignee: "viewer" as const };
const AT_READY_NAMED = { ...AT_READY, namedIssue: "on-its-own" as const };
const named = (
  branch: string,
  from: "reference" | "branch" | null = "reference",
  assignee = JANE as typeof JANE | null,
) => item({ branch, issue: { assignee }, context: { issueFrom: from } });
const IN_CI = { ci: { jobId: 7, pipelineId: 9 }, mergeRequestLookup: null, ruleFilesChangedByMergeRequest: [] };

checkCases(branchNamesIssue, {
  pass: [
    {
      name: "the current branch is Linear's branch name",
      item: onBranch("jdoe/eng-123-add-login-audit"),
      message: /"jdoe\/eng-123-add-login-audit" names ENG-123/,
      evidence: ["current branch: jdoe/eng-123-add-login-audit"],
    },
    { name: "the branch has the key in a user prefix (`jdoe/eng-123-foo`)", item: onBranch("jdoe/eng-123-foo") },
    { name: "the branch is the bare key in upper case", item: onBranch("ENG-123") },
    {
      name: "the branch names the key with a Cyrillic letter, shown as suspicious",
      item: onBranch("jdoe/\u0435ng-123-login"),
      message: /suspicious: \u0435ng-123 \(with a look-alike character\) read as ENG-123/,
      evidence: ["suspicious: \u0435ng-123 (with a look-alike character) read as ENG-123"],
    },
    { name: "the branch names the key with fullwidth digits", item: onBranch("jdoe/eng-\uFF11\uFF12\uFF13-login") },
    { name: "the branch names the key with a non-breaking hyphen", item: onBranch("jdoe/eng\u2011123-login") },
    {
      name: "the branch names the key the issue had before it moved to another team",
      item: item({ branch: "jdoe/old-7-login", issue: { previousIdentifiers: ["OLD-7"] } }),
      message: /names ENG-123 \(current branch names OLD-7 \(ENG-123's key before it moved\)\)/,
      evidence: ["current branch names OLD-7 (ENG-123's key before it moved)"],
    },
    { name: "the key is followed by an underscore", item: onBranch("feature/ENG-123_login") },
    {
      name: "the branch is exactly the issue's branchName even without a key",
      item: item({ branch: "login-audit", issue: { branchName: "login-audit" } }),
    },
    {
      name: "the current and merge request branches both name the issue",
      item: withMr({ sourceBranch: "eng-123-review" }, { branch: "jdoe/eng-123-foo" }),
      message: /"jdoe\/eng-123-foo" and "eng-123-review" name ENG-123/,
    },
    {
      name: "the current branch is ignored and the merge request branch names the issue",
      item: withMr({ sourceBranch: "eng-123-x" }, { branch: "main" }),
      evidence: ["merge request branch: eng-123-x"],
    },
    {
      name: "only the merge request branch is compared, and in CI it is also the current branch",
      item: withMr({ sourceBranch: "eng-123-x" }, { branch: "eng-123-x" }),
      options: MR_ONLY,
      evidence: ["merge request branch: eng-123-x"],
    },
    {
      name: "at Ready the issue is unassigned",
      item: item({ issue: { assignee: null } }),
      options: AT_READY,
    },
    {
      name: "at Ready the issue is the viewer's",
      item: item({ issue: { assignee: JANE } }),
      options: AT_READY,
    },
    {
      name: "at Done the issue is the viewer's",
      item: withMr({}),
      options: AT_DONE,
    },
    {
      name: "in CI the issue is someone else's, as the Linear key there is a bot's",
      item: withMr({}, { viewer: OMAR, context: IN_CI }),
      options: AT_DONE,
    },
    {
      name: "anyone may hold the issue, by default",
      item: item({ issue: { assignee: OMAR } }),
    },
    {
      name: "only the current branch is compared and the merge request's names another issue",
      item: withMr({ sourceBranch: "eng-999-x" }, { branch: "eng-123-x" }),
      options: { branches: ["current"] },
    },
    {
      name: "at Ready the named issue's own branch is checked out",
      item: named("jdoe/eng-123-add-login-audit"),
      options: AT_READY_NAMED,
      message: /names ENG-123/,
    },
  ],
  fail: [
    {
      name: "at Ready the issue was found from a branch that names another issue (as before #24)",
      item: named("eng-124-other", "branch"),
      options: AT_READY_NAMED,
      message: /The current branch "eng-124-other" does not name ENG-123 \(it names ENG-124\)/,
    },
    {
      name: "at Ready an older snapshot does not say how the issue was found: the branch is compared",
      item: named("eng-124-other", null),
      options: AT_READY_NAMED,
    },
    {
      name: "the issue was named but the rule compares branches anyway (the Done gate)",
      item: named("eng-124-other"),
      options: AT_DONE,
      message: /does not name ENG-123 \(it names ENG-124\)/,
    },
    {
      name: "at Ready the named issue is judged on its own and is someone else's",
      item: named("eng-124-other", "reference", OMAR),
      options: AT_READY_NAMED,
      message: /^ENG-123 is assigned to Omar Haddad, not to you/,
    },
    {
      name: "the branch names another issue's old key (a key the issue never had)",
      item: item({ branch: "jdoe/old-8-login", issue: { previousIdentifiers: ["OLD-7"] } }),
      message: /does not name ENG-123 \(it names OLD-8\)/,
    },
    {
      name: "the branch names another issue through a look-alike letter",
      item: onBranch("jdoe/\u0435ng-124-login"),
      message: /does not name ENG-123 \(it names ENG-124\)/,
    },
    {
      name: "at Ready the issue is assigned to someone else",
      item: item({ issue: { assignee: OMAR } }),
      options: AT_READY,
      message: /^ENG-123 is assigned to Omar Haddad, not to you \(Jane Doe\)$/,
      evidence: ["current branch: jdoe/eng-123-add-login-audit", "assignee: Omar Haddad"],
    },
    {
      name: "at Ready on main the issue is assigned to someone else",
      item: item({ branch: "main", issue: { assignee: OMAR } }),
      options: AT_READY,
      message: /assigned to Omar Haddad, not to you/,
    },
    {
      name: "at Done the issue is unassigned",
      item: item({ issue: { assignee: null } }),
      options: AT_DONE,
      message: /^ENG-123 is assigned to nobody, not to you \(Jane Doe\)$/,
    },
    {
      name: "at Done the issue is assigned to someone else",
      item: withMr({}, { viewer: OMAR }),
      options: AT_DONE,
      message: /assigned to Jane Doe, not to you \(Omar Haddad\)/,
    },
    {
      name: "the branch is wrong, which is said first, and the issue someone else's",
      item: item({ branch: "eng-9-x", issue: { assignee: OMAR } }),
      options: AT_DONE,
      message: /does not name ENG-123/,
    },
    {
      name: "the current branch names a longer key (`ENG-1234` is not ENG-123)",
      item: onBranch("jdoe/eng-1234-foo"),
      message: /The current branch "jdoe\/eng-1234-foo" does not name ENG-123 \(it names ENG-1234\)/,
    },
    { name: "the current branch names another issue", item: onBranch("ENG-124-other") },
    { name: "the current branch names no issue", item: onBranch("fix-typo"), message: /does not name ENG-123$/ },
    { name: "a key from another team has the same number", item: onBranch("ops-123-x"), message: /it names OPS-123/ },
    {
      name: "the current branch is right but the merge request branch names another issue",
      item: withMr({ sourceBranch: "eng-124-other" }, { branch: "eng-123-x" }),
      message: /The merge request branch "eng-124-other" does not name ENG-123/,
      evidence: ["current branch: eng-123-x", "merge request branch: eng-124-other"],
    },
    { name: "a branch the default list does not ignore names nothing", item: onBranch("release/2025-03") },
  ],
  error: [
    {
      name: "the rule asks for the viewer but no Linear user is known",
      item: item({ viewer: null }),
      options: AT_DONE,
      message: /^Cannot tell who is running bfd \(no Linear user\)/,
    },
  ],
  skipped: [
    {
      name: "at Ready the named issue is judged on its own while another issue's branch is checked out",
      item: named("ada/eng-124-other-work"),
      options: AT_READY_NAMED,
      message:
        /^ENG-123 was named, so it is judged on its own: the current branch "ada\/eng-124-other-work" \(it names ENG-124\) is other work$/,
      evidence: ["current branch: ada/eng-124-other-work"],
    },
    {
      name: "at Ready the named issue is unassigned and the branch names no issue",
      item: named("fix-typo", "reference", null),
      options: AT_READY_NAMED,
    },
    {
      name: "nobody is doing the work yet (a planning view: no viewer, no branch, no merge request), whoever holds it",
      item: item({ branch: null, viewer: null, issue: { assignee: { id: "someone", name: "Someone Else" } } }),
      options: AT_READY,
      message: /Not on a work branch yet/,
    },
    {
      name: "the current branch is main and there is no merge request",
      item: onBranch("main"),
      message: /Not on a work branch yet/,
    },
    { name: "git is on no branch (detached HEAD) and there is no merge request", item: onBranch(null) },
    {
      name: "the current branch is in a custom ignore list",
      item: onBranch("staging"),
      options: { ignore: ["staging"] },
    },
    {
      name: "only merge request branches are compared and there is no merge request",
      item: onBranch("fix-typo"),
      options: MR_ONLY,
    },
  ],
});
