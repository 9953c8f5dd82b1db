import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/report/schema.js";
import {
  FAKE_JOB_TOKEN,
  FAKE_TOKEN,
  fakeChangedFiles,
  fakeDeployment,
  fakeDiff,
  fakeApproval,
  fakeLabelEvent,
  fakeMergeRequest,
  fakeNote,
  fakePipeline,
  startFakeGitLab,
  type FakeGitLab,
} from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { runCliInProcess, tempDir } from "../helpers/cli.js";
import {
  AUTHOR_USER_ID,
  branchOf,
  deliveryWorlds,
  doneDiffs,
  flagPathOf,
  HOW_TESTED,
  PROJECT_PATH,
  REVIEWER_USER_ID,
  shaOf,
  type DeliveryCase,
} from "../helpers/delivery-world.js";
import { gitCheckout } from "../helpers/git.js";

const DONE_RULES = [
  "scope-matches-issue",
  "merge-request-ready",
  "acceptance-criteria-met",
  "validated-in-pipeline",
  "validation-explained",
  "linear-state-current",
  "release-notes-updated",
  "user-docs-updated",
  "feature-flag-documented",
  "staging-validated",
  "handoff-state-explicit",
  "active-issue-matches",
  "ops-docs-updated",
  "design-decisions-checked",
];
const CHANGED_FILES_RULES = ["release-notes-updated", "user-docs-updated", "feature-flag-documented"];

/** Label events, notes and approvals: read beside the MR whenever a rule in force may be waived (#23). */
const ACTIVITY = (mr: string): Record<string, number> => ({
  [`GET ${mr}/resource_label_events`]: 1,
  [`GET ${mr}/notes`]: 1,
  [`GET ${mr}/approvals`]: 1,
});
/** The project's MR templates (#22: "How tested" is judged against them), listed beside the MR; none in this world. */
const TEMPLATES = { [`GET /api/v4/projects/${PROJECT_PATH}/templates/merge_requests`]: 1 };
const noDocs = (n: number) => doneDiffs(n).filter((d) => d.newPath !== "docs/audit-log.md");
const OWN_WAIVER = "bfd-waive: user-docs-updated Admin-only screen; the audit-log guide covers it already.";
const AUTHOR_CREATED = "2026-01-05T09:00:00.000Z";
const REVIEWED = "2026-11-22T10:00:00.000Z";

const introducesAuditExport = fakeDiff("src/audit/sign-in.ts", {
  diff: "@@ -1,2 +1,3 @@\n export function signIn(user) {\n+  if (isEnabled('audit_export')) exportRow(user);\n   audit(user);\n",
});

const CASES: DeliveryCase[] = [
  { n: 300 },
  { n: 301, mr: { description: `Closes ENG-301, ENG-399\n\n${HOW_TESTED}` } },
  {
    n: 302,
    issue: {
      description:
        "Admins see every sign-in.\n\n## Acceptance criteria\n\n- [x] Each sign-in writes an audit row\n- [ ] Rows show in the admin audit log\n",
    },
  },
  { n: 303, mr: { headPipeline: fakePipeline(88_303, "failed", PROJECT_PATH) } },
  // GitLab's head pipeline lags the MR: green, but on an older commit (NOTES "Stale head pipeline").
  { n: 328, mr: { headPipeline: fakePipeline(88_328, "success", PROJECT_PATH, { sha: "a".repeat(40) }) } },
  { n: 304, mr: { description: "Closes ENG-304\n\nAdds the audit rows." } },
  { n: 305, issue: { assigneeId: null } },
  { n: 306, mr: { diffs: doneDiffs(306).filter((d) => d.newPath !== "CHANGELOG.md") } },
  {
    n: 307,
    mr: {
      diffs: doneDiffs(307).filter((d) => d.newPath !== "CHANGELOG.md"),
      description: `Closes ENG-307\n\n${HOW_TESTED}\nbfd-waive: release-notes-updated Ships dark behind audit_sign_ins; notes come with the rollout MR.\n`,
    },
  },
  { n: 308, mr: { diffs: doneDiffs(308).filter((d) => d.newPath !== "docs/audit-log.md") } },
  // Who stands behind a waiver (#23): the author's own line, the author's own label, a reviewer's comment.
  { n: 340, mr: { diffs: noDocs(340), description: `Closes ENG-340\n\n${HOW_TESTED}\n${OWN_WAIVER}\n` } },
  { n: 341, mr: { diffs: noDocs(341), labels: ["no-docs"] } },
  { n: 342, mr: { diffs: noDocs(342) } },
  { n: 309, mr: { diffs: doneDiffs(309).filter((d) => d.newPath !== "docs/audit-log.md"), labels: ["no-docs"] } },
  {
    n: 310,
    flagRecord:
      "name: audit_sign_ins\nrollout_state: enabled for acme staff\ncommunication: release post\nhelp_docs: with GA\nretirement: TBD\n",
  },
  { n: 311, mr: { state: "merged", mergedAt: "2026-01-05T10:00:00.000Z", labels: ["Validated in Staging"] } },
  { n: 312, mr: { state: "merged", mergedAt: "2026-01-05T10:00:00.000Z" } },
  // Labelled before the deploy that brought it: the validation ran on something staging did not have yet.
  { n: 324, mr: { state: "merged", mergedAt: "2026-01-05T10:00:00.000Z", labels: ["Validated in Staging"] } },
  // Merged, not deployed yet.
  { n: 325, mr: { state: "merged", mergedAt: "2026-01-07T10:00:00.000Z" } },
  // Operations changed (the deploy chart), no runbook: ops docs missing. A migration with no design link: a warning.
  { n: 326, mr: { diffs: [...doneDiffs(326), fakeDiff("deploy/helm/values.yaml")] } },
  { n: 327, mr: { diffs: [...doneDiffs(327), fakeDiff("db/migrate/20260105_add_sign_ins.rb")] } },
  { n: 313, issue: { stateName: "In Progress", stateType: "started" } },
  { n: 314, mr: { sourceBranch: "ada/eng-399-other-work" } },
  { n: 315, attach: false },
  { n: 316, attach: false },
  { n: 317, attach: [317, 1317] },
  { n: 319, mr: null },
  { n: 321, attach: [1321, 321] },
  {
    n: 322,
    attach: [1322, 322],
    mr: { state: "merged", mergedAt: "2026-01-06T10:00:00.000Z", labels: ["Validated in Staging"] },
  },
  { n: 323, mr: { diffs: doneDiffs(323).map((d) => (d.newPath === flagPathOf(323) ? { ...d, newFile: false } : d)) } },
  // Closed without merging, still attached in Linear (its only MR): nothing open or merged carries the work.
  { n: 330, mr: { state: "closed" } },
  // The closed first attempt is attached beside the open one (and attached first).
  { n: 331, attach: [1331, 331] },
  // A Draft: GitLab's flag is the title's "Draft:" prefix.
  { n: 332, mr: { title: "Draft: ENG-332: Show sign-in events in the admin audit log" } },
  // Done in Linear while the MR is still open; and while the merged MR is deployed but not validated in staging.
  { n: 333, issue: { stateName: "Done", stateType: "completed" } },
  {
    n: 334,
    issue: { stateName: "Done", stateType: "completed" },
    mr: { state: "merged", mergedAt: "2026-01-05T10:00:00.000Z" },
  },
  // Done, merged and validated after the deploy: Linear and GitLab agree.
  {
    n: 335,
    issue: { stateName: "Done", stateType: "completed" },
    mr: { state: "merged", mergedAt: "2026-01-05T10:00:00.000Z", labels: ["Validated in Staging"] },
  },
  // Only a closed MR is attached, and the branch has a new open one (Linear has not linked it yet).
  { n: 336, attach: [1336] },
  // Nothing attached; an open MR from the issue's branch and another from the branch checked out (#21).
  { n: 337, attach: false },
  // #22: the MR's code introduces a feature flag (an added `isEnabled('audit_export')` line) without a record; in 344
  // the record is already in the repository at the MR's head.
  { n: 343, flagRecord: null, mr: { diffs: [...doneDiffs(343, false).slice(1), introducesAuditExport] } },
  { n: 344, flagRecord: null, mr: { diffs: [...doneDiffs(344, false).slice(1), introducesAuditExport] } },
  {
    n: 320,
    flagRecord: null,
    mr: { diffs: [...fakeChangedFiles(248), fakeDiff("docs/audit-log.md"), fakeDiff("CHANGELOG.md")] },
  },
];

const STAGED = "Validated in Staging";
const worlds = deliveryWorlds(CASES, {
  files: {
    [shaOf(343)]: { "src/audit/sign-in.ts": "…", "config/feature_flags/ops/audit_sign_ins.yml": "…" },
    [shaOf(344)]: { "src/audit/sign-in.ts": "…", "config/feature_flags/ops/audit_export.yml": "…" },
  },
  // Staging deployments (doc/api/deployments.md): each lists the MRs it first brought to the environment.
  deployments: [
    fakeDeployment(PROJECT_PATH, { id: 7001, finishedAt: "2026-01-05T14:02:00.000Z", mergeRequests: [311, 312, 324] }),
    fakeDeployment(PROJECT_PATH, { id: 7002, finishedAt: "2026-01-06T15:00:00.000Z", mergeRequests: [322] }),
    fakeDeployment(PROJECT_PATH, { id: 7003, finishedAt: "2026-01-05T14:30:00.000Z", mergeRequests: [334, 335] }),
  ],
  labelEvents: [
    fakeLabelEvent(PROJECT_PATH, 311, { label: STAGED, createdAt: "2026-01-05T16:00:00.000Z" }),
    fakeLabelEvent(PROJECT_PATH, 322, { label: STAGED, createdAt: "2026-01-06T17:00:00.000Z" }),
    fakeLabelEvent(PROJECT_PATH, 324, { label: STAGED, createdAt: "2026-01-05T11:00:00.000Z" }),
    fakeLabelEvent(PROJECT_PATH, 335, { label: STAGED, createdAt: "2026-01-05T16:00:00.000Z" }),
    fakeLabelEvent(PROJECT_PATH, 309, { label: "no-docs", createdAt: REVIEWED, userId: REVIEWER_USER_ID }),
    fakeLabelEvent(PROJECT_PATH, 341, { label: "no-docs", createdAt: AUTHOR_CREATED, userId: AUTHOR_USER_ID }),
  ],
  // doc/api/merge_request_approvals.md: who approves the MR now; the author may not count as one for a waiver.
  approvals: [
    fakeApproval(PROJECT_PATH, 307, REVIEWER_USER_ID, REVIEWED),
    fakeApproval(PROJECT_PATH, 340, AUTHOR_USER_ID),
  ],
  notes: [
    fakeNote(PROJECT_PATH, 342, { body: `Agreed.\n\n${OWN_WAIVER}`, authorId: REVIEWER_USER_ID, createdAt: REVIEWED }),
    // bfd's own note quotes waiver lines nobody wrote as a waiver: never read as one.
    fakeNote(PROJECT_PATH, 340, { body: `<!-- bfd:sticky-note -->\n${OWN_WAIVER}`, authorId: 1, createdAt: REVIEWED }),
  ],
  mergeRequests: [
    fakeMergeRequest(PROJECT_PATH, 1317, {
      title: "ENG-317: the other half",
      sourceBranch: "ada/eng-317-other-half",
      sha: shaOf(1317),
    }),
    fakeMergeRequest(PROJECT_PATH, 1321, {
      title: "ENG-321: first attempt",
      state: "closed",
      sourceBranch: "ada/eng-321-first-attempt",
      sha: shaOf(1321),
    }),
    fakeMergeRequest(PROJECT_PATH, 1337, {
      title: "ENG-337: part two",
      sourceBranch: "ada/eng-337-part-two",
      sha: shaOf(1337),
    }),
    fakeMergeRequest(PROJECT_PATH, 1331, {
      title: "ENG-331: first attempt",
      state: "closed",
      sourceBranch: "ada/eng-331-first-attempt",
      sha: shaOf(1331),
    }),
    fakeMergeRequest(PROJECT_PATH, 1336, {
      title: "ENG-336: first attempt",
      state: "closed",
      sourceBranch: "ada/eng-336-first-attempt",
      sha: shaOf(1336),
    }),
    fakeMergeRequest(PROJECT_PATH, 1322, {
      title: "ENG-322: part one",
      state: "merged",
      mergedAt: "2026-01-03T10:00:00.000Z",
      sourceBranch: "ada/eng-322-part-one",
      sha: shaOf(1322),
    }),
  ],
});

let gitlab: FakeGitLab;
let linear: FakeLinear;
/** Not a git checkout: no branch, no origin remote (so no GitLab project to search branches in). */
let plainDir: string;

const env = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: linear.url,
  GITLAB_URL: gitlab.url,
  GITLAB_TOKEN: FAKE_TOKEN,
  ...extra,
});

beforeAll(async () => {
  gitlab = await startFakeGitLab(worlds.gitlab);
  linear = await startFakeLinear(worlds.linear(gitlab.url));
  plainDir = tempDir();
});
afterAll(async () => {
  await Promise.all([gitlab.close(), linear.close()]);
});

interface DoneRun {
  code: number | null;
  report: Report | null;
  stdout: string;
  stderr: string;
  linearRequests: number;
  gitlabRequests: number;
  gitlabUrls: Map<string, number>;
}

async function done(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<DoneRun> {
  const linearBefore = linear.requestCount();
  const gitlabBefore = gitlab.requests.length;
  const result = await runCliInProcess(["done", ...args, "--format", "json"], {
    cwd: options.cwd ?? plainDir,
    env: options.env ?? env(),
  });
  const gitlabUrls = new Map<string, number>();
  for (const r of gitlab.requests.slice(gitlabBefore)) {
    const key = `${r.method} ${decodeURIComponent(r.path)}`;
    gitlabUrls.set(key, (gitlabUrls.get(key) ?? 0) + 1);
  }
  let report: Report | null = null;
  if (result.stdout !== "") report = JSON.parse(result.stdout) as Report;
  return {
    code: result.code,
    report,
    stdout: result.stdout,
    stderr: result.stderr,
    linearRequests: linear.requestCount() - linearBefore,
    gitlabRequests: gitlab.requests.length - gitlabBefore,
    gitlabUrls,
  };
}

const resultOf = (run: DoneRun, rule: string): RuleResult => {
  const found = run.report?.results.find((r) => r.rule === rule);
  if (found === undefined) throw new Error(`no result for ${rule}; stderr: ${run.stderr}`);
  return found;
};
const statuses = (run: DoneRun): Record<string, string> =>
  Object.fromEntries((run.report?.results ?? []).map((r) => [r.rule, r.status]));
const failing = (run: DoneRun): string[] =>
  (run.report?.results ?? []).filter((r) => r.status === "fail" || r.status === "error").map((r) => r.rule);

describe("bfd done against Linear and GitLab (loopback fakes, real @linear/sdk and @gitbeaker)", () => {
  it("passes a finished issue whose merge request is attached in Linear: every done rule passes, staging is skipped while open", async () => {
    const run = await done(["ENG-300"]);
    expect(run.stderr).toBe("");
    expect(run.report?.verdict).toBe("pass");
    expect(run.report?.mergeRequest).toEqual({
      iid: 300,
      project: PROJECT_PATH,
      url: `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/300`,
    });
    expect(statuses(run)).toEqual({
      ...Object.fromEntries(DONE_RULES.map((r) => [r, "pass"])),
      "staging-validated": "skipped",
      // Nothing operational or architectural changed in ENG-300's merge request.
      "ops-docs-updated": "skipped",
      "design-decisions-checked": "skipped",
    });
    expect(resultOf(run, "staging-validated").message).toContain("Not merged yet");
    expect(run.code).toBe(0);
  });

  // ENG-305 has no assignee, so it is not the person running bfd's either; ENG-314's MR branch names ENG-399, which
  // Linear links the MR to as well: wider scope.
  it.each<[string, string, string, string[]?]>([
    ["scope-matches-issue", "ENG-301", "also closes ENG-399"],
    ["acceptance-criteria-met", "ENG-302", "1 of 2 items not ticked: Rows show in the admin audit log"],
    ["validated-in-pipeline", "ENG-303", "Head pipeline is failed; needs success"],
    ["validation-explained", "ENG-304", 'No "How tested" section in the merge request description'],
    ["linear-state-current", "ENG-305", "no assignee", ["active-issue-matches"]],
    ["release-notes-updated", "ENG-306", "No change to release notes"],
    ["user-docs-updated", "ENG-308", "although src/ui/AuditLog.tsx changed"],
    ["feature-flag-documented", "ENG-310", `${flagPathOf(310)} lacks retirement`],
    ["staging-validated", "ENG-312", "Deployed to staging 2026-01-05 14:02 UTC; validate now"],
    ["staging-validated", "ENG-324", "Stale validation: labelled 2026-01-05 11:00 UTC, before the deploy to staging"],
    ["ops-docs-updated", "ENG-326", "No change to operational docs", []],
    ["handoff-state-explicit", "ENG-313", 'Issue is in "In Progress"'],
    [
      "active-issue-matches",
      "ENG-314",
      'The merge request branch "ada/eng-399-other-work" does not name ENG-314 (it names ENG-399)',
      ["scope-matches-issue"],
    ],
  ])("fails %s on live data (%s) and nothing else", async (rule, key, message, also = []) => {
    const run = await done([key]);
    expect(failing(run).sort()).toEqual([rule, ...also].sort());
    expect(resultOf(run, rule).message).toContain(message);
    expect(resultOf(run, rule).hint).not.toBeNull();
    expect(run.report?.verdict).toBe("fail");
    expect(run.code).toBe(1);
  });

  it("fails a flag the MR's code introduces with no record in the MR or the repository, naming the line, listing each record folder once", async () => {
    const run = await done(["ENG-343"]);
    expect(failing(run)).toEqual(["feature-flag-documented"]);
    const result = resultOf(run, "feature-flag-documented");
    expect(result.message).toBe(
      "New feature flag without a record: audit_export (src/audit/sign-in.ts:2) has no record",
    );
    expect(result.hint).toContain("config/feature_flags/audit_export.yml");
    // The rule's record globs live in two folders: config/feature_flags and feature-flags.
    const listings = gitlab.requests.filter((r) => r.path.includes("/repository/tree")).slice(-2);
    expect(listings.map((r) => r.query["path"]).sort()).toEqual(["config/feature_flags", "feature-flags"]);
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/repository/tree`)).toBe(2);
    expect(run.code).toBe(1);
  });

  it("passes a flag the MR's code introduces whose record is already in the repository at the MR's head", async () => {
    const run = await done(["ENG-344"]);
    expect(failing(run)).toEqual([]);
    expect(resultOf(run, "feature-flag-documented").message).toBe("audit_export: already recorded in the repository");
    expect(run.code).toBe(0);
  });

  it("fails a pipeline that ran on an older commit than the MR's head, naming both", async () => {
    const run = await done(["ENG-328"]);
    expect(failing(run)).toEqual(["validated-in-pipeline"]);
    const result = resultOf(run, "validated-in-pipeline");
    expect(result.message).toBe(`Pipeline #88328 ran on aaaaaaaa; the MR head is ${shaOf(328).slice(0, 8)}`);
    expect(result.evidence).toEqual(
      expect.arrayContaining([`pipeline commit: ${"a".repeat(40)}`, `head commit: ${shaOf(328)}`]),
    );
    expect(run.code).toBe(1);
  });

  it("warns, without failing the gate, when a migration changes and the MR links no ADR or design", async () => {
    const run = await done(["ENG-327"]);
    expect(resultOf(run, "design-decisions-checked")).toMatchObject({ status: "fail", severity: "warning" });
    expect(resultOf(run, "design-decisions-checked").message).toContain(
      "db/migrate/20260105_add_sign_ins.rb changed, and the MR neither links an ADR or design nor changes one",
    );
    expect(failing(run)).toEqual(["design-decisions-checked"]);
    expect(run.report?.verdict).toBe("pass");
    expect(run.code).toBe(0);
  });

  it("passes staging-validated once the label was added after the deploy that brought the MR", async () => {
    const run = await done(["ENG-311"]);
    expect(resultOf(run, "staging-validated").status).toBe("pass");
    expect(run.code).toBe(0);
  });

  it("skips staging-validated while a merged MR waits for its deploy to staging", async () => {
    const run = await done(["ENG-325"]);
    expect(resultOf(run, "staging-validated")).toMatchObject({
      status: "skipped",
      message: "Merged, waiting for the deploy to staging",
    });
    expect(run.code).toBe(0);
  });

  it("waives release notes with the author's bfd-waive line once a reviewer approved the MR, naming the reviewer", async () => {
    const run = await done(["ENG-307"]);
    expect(resultOf(run, "release-notes-updated")).toMatchObject({
      status: "waived",
      waiver: {
        reason: "Ships dark behind audit_sign_ins; notes come with the rollout MR.",
        source: "merge request description",
        standing: "accepted",
        approval: true,
        by: { username: "rita", name: "Rita Reviewer" },
        at: REVIEWED,
      },
    });
    expect(run.report?.summary.waived).toBe(1);
    expect(run.code).toBe(0);
  });

  it("waives user docs with the no-docs label a reviewer added, naming them and when", async () => {
    const run = await done(["ENG-309"]);
    expect(resultOf(run, "user-docs-updated")).toMatchObject({
      status: "waived",
      waiver: { source: "label no-docs", standing: "accepted", by: { name: "Rita Reviewer" }, at: REVIEWED },
    });
    expect(run.code).toBe(0);
  });

  it("waives user docs with a bfd-waive comment a reviewer wrote", async () => {
    const run = await done(["ENG-342"]);
    expect(resultOf(run, "user-docs-updated")).toMatchObject({
      status: "waived",
      waiver: { source: "merge request comment", standing: "accepted", by: { username: "rita" } },
    });
    expect(run.code).toBe(0);
  });

  it.each([
    ["the author's own line (approved only by the author, and quoted by bfd's own note)", "ENG-340", "Ada Lovelace"],
    ["the author's own label", "ENG-341", "Ada Lovelace"],
  ])("fails the rule for %s: requested, not accepted, saying how to get it accepted", async (_name, key, asker) => {
    const run = await done([key]);
    expect(resultOf(run, "user-docs-updated")).toMatchObject({
      status: "fail",
      waiver: { standing: "requested", by: { name: asker } },
    });
    expect(resultOf(run, "user-docs-updated").waiver?.accept).toContain(
      "someone other than the author accepts it by approving the merge request",
    );
    expect(run.code).toBe(1);
    const pretty = await runCliInProcess(["done", key], { cwd: plainDir, env: env() });
    expect(pretty.stdout).toContain(`requested by ${asker}`);
    expect(pretty.stdout).toContain("not accepted");
  });

  it("counts the author's own line where the team allows self-waiving (waivers.allowAuthor), saying so", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "bfd.config.yaml"), "waivers:\n  allowAuthor: true\n");
    const run = await done(["ENG-340"], { cwd });
    expect(resultOf(run, "user-docs-updated")).toMatchObject({
      status: "waived",
      waiver: { standing: "self-waived", by: { name: "Ada Lovelace" } },
    });
    expect(run.code).toBe(0);
    const pretty = await runCliInProcess(["done", "ENG-340"], { cwd, env: env() });
    expect(pretty.stdout).toContain("self-waived by Ada Lovelace (merge request description)");
  });

  it("reads label events, notes and approvals beside the MR, each once", async () => {
    const run = await done(["ENG-309"]);
    const mr = `/api/v4/projects/${PROJECT_PATH}/merge_requests/309`;
    for (const path of ["/resource_label_events", "/notes", "/approvals"])
      expect(run.gitlabUrls.get(`GET ${mr}${path}`), path).toBe(1);
  });

  it("fails active-issue-matches when the current branch names another issue", async () => {
    const run = await done(["ENG-300"], { cwd: gitCheckout("ada/eng-399-other-work") });
    expect(failing(run)).toEqual(["active-issue-matches"]);
    expect(resultOf(run, "active-issue-matches").message).toContain(
      'The current branch "ada/eng-399-other-work" does not name ENG-300',
    );
  });

  it("reads every page of a merge request with more than 100 changed files (250: three pages of 100)", async () => {
    const run = await done(["ENG-320"]);
    expect(resultOf(run, "release-notes-updated")).toMatchObject({
      status: "pass",
      evidence: ["changed: CHANGELOG.md"],
    });
    expect(resultOf(run, "user-docs-updated").status).toBe("skipped");
    const diffPages = gitlab.requests
      .slice(-run.gitlabRequests)
      .filter((r) => r.path.endsWith("/merge_requests/320/diffs"))
      .map((r) => r.query["page"]);
    expect(diffPages.sort()).toEqual(["1", "2", "3"]);
    expect(run.code).toBe(0);
  });
});

describe("which merge request bfd done judges", () => {
  it("finds the open MR from the current branch when none is attached in Linear", async () => {
    const checkout = gitCheckout(branchOf(315), `${gitlab.url}/${PROJECT_PATH}.git`);
    const run = await done([], { cwd: checkout });
    expect(run.report?.issue?.identifier).toBe("ENG-315");
    expect(run.report?.mergeRequest?.iid).toBe(315);
    expect(resultOf(run, "active-issue-matches").status).toBe("pass");
    expect(run.code).toBe(0);
  });

  it("finds the branch's MR from an SSH origin remote too", async () => {
    const checkout = gitCheckout(branchOf(315), `git@127.0.0.1:${PROJECT_PATH}.git`);
    const run = await done(["ENG-315"], { cwd: checkout });
    expect(run.report?.mergeRequest?.iid).toBe(315);
    expect(run.code).toBe(0);
  });

  it("takes --mr 316 in the origin remote's project", async () => {
    const checkout = gitCheckout("main", `${gitlab.url}/${PROJECT_PATH}.git`);
    const run = await done(["ENG-316", "--mr", "316"], { cwd: checkout });
    expect(run.report?.mergeRequest?.iid).toBe(316);
    expect(run.code).toBe(0);
  });

  it("takes --mr as a merge request URL", async () => {
    const run = await done(["ENG-316", "--mr", `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/316`]);
    expect(run.report?.mergeRequest).toMatchObject({ iid: 316, project: PROJECT_PATH });
    expect(run.code).toBe(0);
  });

  it("judges the open MR and passes over the closed one attached beside it, reading each MR once", async () => {
    const run = await done(["ENG-321"]);
    expect(run.report?.mergeRequest?.iid).toBe(321);
    expect(run.code).toBe(0);
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/merge_requests/321`)).toBe(1);
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/merge_requests/1321`)).toBe(1);
    expect(Math.max(...run.gitlabUrls.values())).toBe(1);
  });

  // #21: "among several attached MRs the open or merged ones are judged (all of them, when the issue has several)".
  it("judges every merged MR attached when none is open, each by the MR rules", async () => {
    const run = await done(["ENG-322"]);
    expect(run.report?.mergeRequests?.map((mr) => mr.iid)).toEqual([322, 1322]);
    const staging = run.report!.results.filter((r) => r.rule === "staging-validated");
    expect(staging.map((r) => [r.mergeRequest, r.status])).toEqual([
      [`${PROJECT_PATH}!322`, "pass"],
      [`${PROJECT_PATH}!1322`, "skipped"],
    ]);
    // Part one was merged without a pipeline, a "How tested" section or release notes: the issue is not done.
    const failing = run.report!.results.filter((r) => r.status === "fail").map((r) => [r.rule, r.mergeRequest]);
    expect(failing).toEqual([
      ["validated-in-pipeline", `${PROJECT_PATH}!1322`],
      ["validation-explained", `${PROJECT_PATH}!1322`],
      ["release-notes-updated", `${PROJECT_PATH}!1322`],
    ]);
    expect(run.code).toBe(1);
  });

  it("still judges the attached MR when the checkout's origin is not a GitLab project (a mirror elsewhere)", async () => {
    const run = await done(["ENG-300"], { cwd: gitCheckout(branchOf(300), "https://github.com/acme/web-mirror.git") });
    expect(run.stderr).toBe("");
    expect(run.report?.mergeRequest?.iid).toBe(300);
    expect(run.code).toBe(0);
  });

  // #21: every open MR of the issue is judged (it was a usage error, exit 2, asking for --mr).
  it("judges both open MRs attached to the issue, and fails for the one that is not done", async () => {
    const run = await done(["ENG-317"]);
    expect(run.code).toBe(1);
    expect(run.report?.mergeRequests?.map((mr) => mr.iid)).toEqual([317, 1317]);
    const pipeline = run.report?.results.filter((r) => r.rule === "validated-in-pipeline") ?? [];
    expect(pipeline.map((r) => [r.mergeRequest, r.status])).toEqual([
      [`${PROJECT_PATH}!317`, "pass"],
      [`${PROJECT_PATH}!1317`, "fail"],
    ]);
  });

  it("judges the open MRs of both the issue's branch and the branch checked out, when none is attached", async () => {
    const checkout = gitCheckout("ada/eng-337-part-two", `${gitlab.url}/${PROJECT_PATH}.git`);
    const run = await done(["ENG-337"], { cwd: checkout });
    expect(run.report?.mergeRequests?.map((mr) => mr.iid)).toEqual([337, 1337]);
    const scope = run.report?.results.filter((r) => r.rule === "validation-explained") ?? [];
    expect(scope.map((r) => [r.mergeRequest, r.status])).toEqual([
      [`${PROJECT_PATH}!337`, "pass"],
      [`${PROJECT_PATH}!1337`, "fail"],
    ]);
    expect(run.code).toBe(1);
  });

  it("fails the MR rules with 'No merge request found' when there is none (exit 1, not a crash)", async () => {
    const checkout = gitCheckout(branchOf(319), `${gitlab.url}/${PROJECT_PATH}.git`);
    const run = await done(["ENG-319"], { cwd: checkout });
    expect(run.code).toBe(1);
    const mrRules = ["scope-matches-issue", "validated-in-pipeline", "validation-explained", ...CHANGED_FILES_RULES];
    for (const rule of mrRules) {
      expect(resultOf(run, rule)).toMatchObject({ status: "fail" });
      expect(resultOf(run, rule).message).toContain(
        `No merge request found (no merge request attached to ENG-319 in Linear, and no open merge request in ${PROJECT_PATH} from "${branchOf(319)}")`,
      );
      expect(resultOf(run, rule).hint).toContain("--mr");
    }
    expect(resultOf(run, "acceptance-criteria-met").status).toBe("pass");
  });
});

describe("the merge request's state and the issue's state agree with done", () => {
  it("never passes an issue whose only attached MR was closed without merging: no MR to judge, and it says why", async () => {
    const run = await done(["ENG-330"]);
    expect(run.report?.verdict).toBe("fail");
    expect(run.code).toBe(1);
    expect(run.report?.mergeRequest).toBeNull();
    const why = `No merge request found (no open or merged merge request attached to ENG-330 in Linear (${PROJECT_PATH}!330 closed without merging), and no GitLab project known to search branches in)`;
    expect(resultOf(run, "merge-request-ready")).toMatchObject({ status: "fail", message: why });
    expect(resultOf(run, "validated-in-pipeline").message).toBe(why);
  });

  it("fails merge-request-ready when the closed MR is named with --mr, saying it was closed", async () => {
    const run = await done(["ENG-330", "--mr", `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/330`]);
    expect(failing(run)).toEqual(["merge-request-ready"]);
    expect(resultOf(run, "merge-request-ready").message).toBe(
      `${PROJECT_PATH}!330 was closed without merging: its work does not ship`,
    );
    expect(resultOf(run, "merge-request-ready").hint).toContain(`Reopen ${PROJECT_PATH}!330`);
    expect(run.code).toBe(1);
  });

  it("judges the open MR beside a closed one, and the evidence says the closed one was ignored", async () => {
    const run = await done(["ENG-331"]);
    expect(run.report?.mergeRequest?.iid).toBe(331);
    expect(resultOf(run, "merge-request-ready")).toMatchObject({
      status: "pass",
      evidence: ["state: opened", `ignored: ${PROJECT_PATH}!1331 closed without merging`],
    });
    expect(run.code).toBe(0);
    // Choosing reads each attached MR once, and the chosen one's evidence reuses that read.
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/merge_requests/1331`)).toBe(1);
    expect(Math.max(...run.gitlabUrls.values())).toBe(1);
  });

  it("finds the open MR from the issue's branch when the only attached one is closed", async () => {
    const run = await done(["ENG-336"], { cwd: gitCheckout("main", `${gitlab.url}/${PROJECT_PATH}.git`) });
    expect(run.report?.mergeRequest?.iid).toBe(336);
    expect(resultOf(run, "merge-request-ready").evidence).toContain(
      `ignored: ${PROJECT_PATH}!1336 closed without merging`,
    );
    expect(run.code).toBe(0);
  });

  it("fails a Draft MR, saying how to mark it ready", async () => {
    const run = await done(["ENG-332"]);
    expect(failing(run)).toEqual(["merge-request-ready"]);
    const result = resultOf(run, "merge-request-ready");
    expect(result.message).toContain(`${PROJECT_PATH}!332 is a Draft: mark it ready`);
    expect(result.message).toContain('remove "Draft:" from its title, or select "Mark as ready"');
    expect(result.hint).toContain(`Mark ${PROJECT_PATH}!332 as ready`);
    expect(run.code).toBe(1);
  });

  it("passes a Draft MR when the team allows drafts (allowDraft: true in bfd.config.yaml)", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "bfd.config.yaml"),
      "extends: builtin\noverride:\n  merge-request-ready:\n    with: { allowDraft: true }\n",
    );
    const run = await done(["ENG-332"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(resultOf(run, "merge-request-ready").status).toBe("pass");
    expect(run.code).toBe(0);
  });

  it("fails linear-state-current when the issue is Done while its MR is still open, naming the true state", async () => {
    const run = await done(["ENG-333"]);
    expect(failing(run)).toEqual(["linear-state-current"]);
    expect(resultOf(run, "linear-state-current").message).toBe(
      `Linear is not current: state "Done" (completed) while ${PROJECT_PATH}!333 is still open: the state true now is "In Review"`,
    );
    expect(run.code).toBe(1);
  });

  it("fails linear-state-current when the issue is Done while its merged MR is not validated in staging", async () => {
    const run = await done(["ENG-334"]);
    expect(failing(run).sort()).toEqual(["linear-state-current", "staging-validated"]);
    expect(resultOf(run, "linear-state-current").message).toBe(
      `Linear is not current: state "Done" (completed) while ${PROJECT_PATH}!334 is merged but not validated in staging (deployed to staging, not validated there): the state true now is "Ready for Staging Validation"`,
    );
    expect(run.code).toBe(1);
  });

  it("passes a Done issue whose MR is merged and validated in staging after the deploy", async () => {
    const run = await done(["ENG-335"]);
    expect(resultOf(run, "linear-state-current").status).toBe("pass");
    expect(resultOf(run, "staging-validated").status).toBe("pass");
    expect(run.code).toBe(0);
  });
});

describe("GitLab configuration and tokens", () => {
  it("exits 2 naming GITLAB_TOKEN when no token is set", async () => {
    const run = await done(["ENG-300"], { env: env({ GITLAB_TOKEN: undefined }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GITLAB_TOKEN is not set");
    expect(run.stderr).toContain("read_api");
  });

  it("exits 2 when GitLab rejects the token (a setup problem, not an outage), without printing it", async () => {
    const run = await done(["ENG-300"], { env: env({ GITLAB_TOKEN: "glpat-wrong-token-9999" }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GitLab rejected the token in GITLAB_TOKEN (HTTP 401)");
    expect(run.stderr).not.toContain("glpat-wrong-token-9999");
  });

  it.each([["not a url"], ["gitlab.acme.example"], ["ftp://gitlab.acme.example"]])(
    "exits 2 for a malformed GITLAB_URL (%s)",
    async (url) => {
      const run = await done(["ENG-300"], { env: env({ GITLAB_URL: url }) });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("GITLAB_URL");
      expect(run.gitlabRequests).toBe(0);
    },
  );

  it("exits 2 for a LINEAR_API_URL the SDK refuses (plain http away from localhost), not a crash", async () => {
    const run = await done(["ENG-300"], {
      cwd: gitCheckout(branchOf(300)),
      env: env({ LINEAR_API_URL: "http://linear.acme.example/graphql" }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("LINEAR_API_URL is not usable");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("accepts GITLAB_URL given as the API root", async () => {
    const run = await done(["ENG-300"], { env: env({ GITLAB_URL: `${gitlab.url}/api/v4/` }) });
    expect(run.report?.mergeRequest?.iid).toBe(300);
    expect(run.code).toBe(0);
  });

  it("with only CI_JOB_TOKEN, exits 2 before any request: the job token cannot read merge requests", async () => {
    const run = await done(["ENG-300"], { env: env({ GITLAB_TOKEN: undefined, CI_JOB_TOKEN: FAKE_JOB_TOKEN }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^bfd: GITLAB_TOKEN is not set: CI_JOB_TOKEN cannot read merge requests/);
    expect(run.gitlabRequests).toBe(0);
    expect(run.stderr).not.toContain(FAKE_JOB_TOKEN);
  });
});

describe("what one bfd done costs", () => {
  /**
   * The reads of a green head pipeline's jobs and trigger jobs (something must have run in it, and trigger jobs'
   * children decide, #21), at once, beside the files.
   */
  const BRIDGES = /^GET \/api\/v4\/projects\/[^ ]+\/pipelines\/\d+\/(bridges|jobs)$/;
  const withoutBridges = (urls: Map<string, number>): Record<string, number> =>
    Object.fromEntries([...urls].filter(([url]) => !BRIDGES.test(url)));
  const bridgeReads = (urls: Map<string, number>): number =>
    [...urls].filter(([url]) => BRIDGES.test(url)).reduce((sum, [, n]) => sum + n, 0);

  it("asks Linear once and GitLab only for the MR, its changed files, who acted on it and the pipeline's jobs and trigger jobs (an added flag record comes whole in its diff)", async () => {
    const run = await done(["ENG-300"]);
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(1);
    const mr = `/api/v4/projects/${PROJECT_PATH}/merge_requests/300`;
    expect(withoutBridges(run.gitlabUrls)).toEqual({
      [`GET ${mr}`]: 1,
      [`GET ${mr}/diffs`]: 1,
      ...ACTIVITY(mr),
      ...TEMPLATES,
    });
    expect(bridgeReads(run.gitlabUrls)).toBe(2);
    expect(run.gitlabRequests).toBe(8);
  });

  it("reads a changed (not added) flag record at the MR's head, once", async () => {
    const run = await done(["ENG-323"]);
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(1);
    const mr = `/api/v4/projects/${PROJECT_PATH}/merge_requests/323`;
    expect(withoutBridges(run.gitlabUrls)).toEqual({
      [`GET ${mr}`]: 1,
      [`GET ${mr}/diffs`]: 1,
      ...ACTIVITY(mr),
      ...TEMPLATES,
      [`GET /api/v4/projects/${PROJECT_PATH}/repository/files/${flagPathOf(323)}/raw`]: 1,
    });
    expect(bridgeReads(run.gitlabUrls)).toBe(2);
  });

  it("adds one look-up of the current branch's open MRs when run in a checkout (sent while Linear answers)", async () => {
    const checkout = gitCheckout(branchOf(300), `${gitlab.url}/${PROJECT_PATH}.git`);
    const run = await done(["ENG-300"], { cwd: checkout });
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(1);
    expect(run.gitlabRequests).toBe(9);
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/merge_requests`)).toBe(1);
    expect(Math.max(...run.gitlabUrls.values())).toBe(1);
  });

  it("does not look for MRs from the issue's branch once an attached MR is found", async () => {
    const run = await done(["ENG-300"], { cwd: gitCheckout("main", `${gitlab.url}/${PROJECT_PATH}.git`) });
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(1);
    const lookups = gitlab.requests
      .slice(-run.gitlabRequests)
      .filter((r) => r.path.endsWith("/merge_requests") && !r.path.endsWith("/templates/merge_requests"))
      .map((r) => r.query["source_branch"]);
    expect(lookups).toEqual(["main"]);
    expect(run.gitlabRequests).toBe(9);
  });

  it("reads 250 changed files in three diff requests, nothing twice", async () => {
    const run = await done(["ENG-320"]);
    expect(run.linearRequests).toBe(1);
    expect(run.gitlabRequests).toBe(10);
    expect(Math.max(...run.gitlabUrls.values())).toBe(3);
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_PATH}/merge_requests/320/diffs`)).toBe(3);
  });
});

describe("bfd snapshot", () => {
  it("replays to the same JSON report as the live run, byte for byte", async () => {
    const file = join(tempDir(), "eng-300.json");
    const snap = await runCliInProcess(["snapshot", "ENG-300", "-o", file], { cwd: plainDir, env: env() });
    expect(snap.code).toBe(0);
    const live = await runCliInProcess(["done", "ENG-300", "--format", "json"], { cwd: plainDir, env: env() });
    const replay = await runCliInProcess(["done", "--snapshot", file, "--format", "json"], { cwd: plainDir });
    expect(live.code).toBe(0);
    expect(replay.stdout).toBe(live.stdout);
    expect(replay.code).toBe(live.code);
  });

  it("replays a failing run the same way too", async () => {
    const file = join(tempDir(), "eng-310.json");
    await runCliInProcess(["snapshot", "ENG-310", "-o", file], { cwd: plainDir, env: env() });
    const live = await runCliInProcess(["done", "ENG-310", "--format", "json"], { cwd: plainDir, env: env() });
    const replay = await runCliInProcess(["done", "--snapshot", file, "--format", "json"], { cwd: plainDir });
    expect(live.code).toBe(1);
    expect(replay.stdout).toBe(live.stdout);
    expect(replay.code).toBe(1);
  });
});
