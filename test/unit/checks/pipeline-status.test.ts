import { pipelineStatus } from "../../../src/checks/pipeline-status.js";
import { checkCases } from "../../helpers/check-cases.js";
import { DEFAULT_MERGE_REQUEST, withMr, type MergeRequestPatch } from "../../helpers/work-item.js";
import type { WorkItem } from "../../../src/work-item/schema.js";
import { OWN_STATUS_MARKER } from "../../../src/work-item/own-status.js";

const HEAD = DEFAULT_MERGE_REQUEST.headSha;
const OLDER = "fedcba9876543210fedcba9876543210fedcba98";
/** GitLab's head pipeline of the MR, on the MR's head commit. */
const pipeline = (status: string) => withMr({ headPipeline: { status, sha: HEAD } });

const BFD_JOB = 7_003;
type JobInput = NonNullable<NonNullable<MergeRequestPatch["headPipeline"]>["jobs"]>[number];
const job = (id: number, name: string, status: string, init: Partial<JobInput> = {}): JobInput => ({
  id,
  name,
  stage: "test",
  status,
  ...init,
});
/** A trigger job (GitLab's bridge) and the child pipeline it started, #60000 + its id. */
const trigger = (id: number, name: string, status: string, init: Partial<JobInput> = {}): JobInput =>
  job(id, name, status, { trigger: true, downstreamPipeline: { id: 60_000 + id, status, url: null }, ...init });
/** A snapshot from a bfd that read only a green head pipeline's trigger jobs outside CI: their children decide. */
const greenWith = (triggers: JobInput[]): WorkItem =>
  withMr({ headPipeline: { id: 9_001, status: "success", sha: HEAD, triggers } });
/** Outside CI: a green head pipeline and the jobs (trigger jobs among them) bfd read of it. */
const greenJobs = (jobs: JobInput[]): WorkItem =>
  withMr({ headPipeline: { id: 9_001, status: "success", sha: HEAD, jobs } });
/** The context `bfd serve` gathers in when it publishes its status as "ci/bfd-gate" (serve.statusName). */
const RENAMED = "ci/bfd-gate";
const renamed = (item: WorkItem): WorkItem => ({ ...item, context: { ...item.context, ownStatuses: [RENAMED] } });
/** The commit status `bfd serve` published: known by the marker it writes in the description, whatever its name. */
const bfdStatus = (id: number, name: string, status: string): JobInput =>
  job(id, name, status, {
    stage: "external",
    description: `${OWN_STATUS_MARKER}Done gate failed: 1 of 9 checks failed`,
  });
/** GitLab's merge of the MR head into main, which a merged-results or merge-train pipeline runs on. */
const MERGE = "3333333333333333333333333333333333333333";
const MAIN_TIP = "4444444444444444444444444444444444444444";
/** Inside `bfd ci`: the pipeline bfd runs in, still running while bfd's own job (7003, in .post) runs. */
const inCi = (jobs: JobInput[], sha: string | null = HEAD): WorkItem => {
  const base = withMr({
    headPipeline: {
      id: 88_001,
      status: "running",
      sha,
      jobs: [...jobs, job(BFD_JOB, "bfd", "running", { stage: ".post" })],
    },
  });
  return { ...base, context: { ...base.context, ci: { jobId: BFD_JOB, pipelineId: 88_001 } } };
};

checkCases(pipelineStatus, {
  pass: [
    {
      name: "outside CI, a green pipeline in which a job ran and passed, beside a manual one nobody played",
      item: greenJobs([job(1, "unit", "success"), job(2, "deploy", "manual", { allowFailure: true })]),
      message: /^1 job of pipeline #9001 ran and passed$/,
      evidence: ["job unit: success", "job deploy: manual (may fail)"],
    },
    {
      name: "outside CI, a green pipeline whose trigger job's child pipeline passed, judged by its jobs",
      item: greenJobs([job(1, "unit", "success"), trigger(2, "child-tests", "success")]),
      message: /^2 jobs of pipeline #9001 ran and passed$/,
    },
    {
      name: "a snapshot's green pipeline whose trigger job's child pipeline passed",
      item: greenWith([trigger(2, "child-tests", "success")]),
      message: /^Head pipeline success$/,
      evidence: ["trigger job child-tests: success (pipeline #60002: success)"],
    },
    {
      name: "a snapshot's green pipeline whose child pipeline failed, from a trigger job that may fail",
      item: greenWith([
        trigger(2, "child-e2e", "success", {
          allowFailure: true,
          downstreamPipeline: { id: 60_002, status: "failed", url: null },
        }),
      ]),
    },
    {
      name: "a snapshot's green pipeline with no trigger jobs",
      item: greenWith([]),
      message: /^Head pipeline success$/,
    },
    {
      name: "the head pipeline succeeded",
      item: pipeline("success"),
      message: /^Head pipeline success$/,
      evidence: ["pipeline #9001: success", "https://gitlab.example.com/acme/app/-/pipelines/9001"],
    },
    {
      name: "the head pipeline succeeded on the MR's head commit",
      item: withMr({ headPipeline: { status: "success", sha: HEAD } }),
    },
    {
      name: "the status is in a custom allowed list",
      item: pipeline("manual"),
      options: { allowed: ["success", "manual"] },
    },
    {
      name: "the pipeline has no id or URL",
      item: withMr({ headPipeline: { status: "success", id: null, url: null, sha: HEAD } }),
      evidence: ["the pipeline: success"],
    },
    {
      name: "in CI, every other job succeeded while bfd's own job still runs",
      item: inCi([job(1, "lint", "success", { stage: "check" }), job(2, "unit", "success")]),
      message: /^2 jobs of pipeline #88001 ran and passed \(bfd's own job not counted\)$/,
    },
    {
      name: "in CI, a job that may fail failed",
      item: inCi([job(1, "unit", "success"), job(2, "flaky-e2e", "failed", { allowFailure: true })]),
      message:
        /^1 job of pipeline #88001 ran and passed \(bfd's own job not counted\); job "flaky-e2e" \(test\) failed, which it may$/,
      evidence: [
        "job flaky-e2e: failed (may fail)",
        'warning: job "flaky-e2e" (test) failed, which it may (allow_failure)',
      ],
    },
    {
      name: "outside CI, the head pipeline failed only because of bfd serve's own bfd/done status",
      item: withMr({
        headPipeline: {
          status: "failed",
          sha: HEAD,
          jobs: [job(1, "unit", "success"), bfdStatus(2, "bfd/done", "failed")],
        },
      }),
    },
    {
      name: "outside CI, the head pipeline failed only because of bfd serve's own status under the name serve.statusName gives it",
      item: renamed(
        withMr({
          headPipeline: {
            status: "failed",
            sha: HEAD,
            jobs: [job(1, "unit", "success"), bfdStatus(2, RENAMED, "failed")],
          },
        }),
      ),
    },
    {
      name: "in CI, bfd serve's own commit status (known by its description) is not judged",
      item: inCi([job(1, "unit", "success"), bfdStatus(2, "bfd/done", "failed")]),
    },
    {
      name: "in CI, bfd serve's own commit status under a custom name is not judged",
      item: renamed(inCi([job(1, "unit", "success"), bfdStatus(2, RENAMED, "failed")])),
    },
    {
      name: "in CI, a trigger job and the child pipeline it waits for succeeded",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-tests", "success")]),
      message: /^2 jobs of pipeline #88001 ran and passed/,
      evidence: ["trigger job child-tests: success (pipeline #60002: success)"],
    },
    {
      name: "in CI, a trigger job that may fail failed",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-e2e", "failed", { allowFailure: true })]),
      evidence: ["trigger job child-e2e: failed (may fail) (pipeline #60002: failed)"],
    },
    {
      name: "in CI, a manual trigger job nobody played is not a failure",
      item: inCi([
        job(1, "unit", "success"),
        trigger(2, "deploy-child", "manual", { allowFailure: true, downstreamPipeline: null }),
      ]),
    },
    {
      name: "in CI, a manual job nobody played and a skipped job are not failures",
      item: inCi([
        job(1, "unit", "success"),
        job(2, "deploy-review", "manual", { allowFailure: true }),
        job(3, "docs", "skipped"),
      ]),
    },
    {
      name: "a merged-results pipeline ran on GitLab's merge of the MR head into the target branch",
      item: withMr({
        headPipeline: { id: 611, status: "success", sha: MERGE, kind: "merged_result", parents: [MAIN_TIP, HEAD] },
      }),
      message: /^Head pipeline success \(merged-results pipeline #611 on the merge of 01234567 into main\)$/,
      evidence: [`pipeline commit: ${MERGE}`, "merge of: 44444444 and 01234567"],
    },
    {
      name: "in CI, a merge-train pipeline's jobs passed on the train's merge of the MR head",
      item: ((): WorkItem => {
        const item = inCi([job(1, "unit", "success")], MERGE);
        const pipe = item.mergeRequest!.headPipeline!;
        const mr = {
          ...item.mergeRequest!,
          headPipeline: { ...pipe, kind: "merge_train" as const, parents: [MAIN_TIP, HEAD] },
        };
        return { ...item, mergeRequest: mr };
      })(),
      message: /^1 job of merge-train pipeline #88001 ran and passed on the merge of 01234567 into main/,
    },
    {
      name: "a job the team lists in ignoreJobs failed (the old option keeps working)",
      item: inCi([job(1, "unit", "success"), job(2, "legacy-gate", "failed")]),
      options: { ignoreJobs: ["legacy-gate"] },
    },
  ],
  fail: [
    {
      name: "a snapshot's green pipeline whose trigger job (no strategy: depend) started a child pipeline that failed",
      item: greenWith([
        trigger(2, "child-tests", "success", { downstreamPipeline: { id: 60_002, status: "failed", url: null } }),
      ]),
      message:
        /^Pipeline #9001 is success, but its downstream pipelines are not: trigger job "child-tests" \(test, pipeline #60002\) failed$/,
    },
    {
      name: "a snapshot's green pipeline whose child pipeline still runs",
      item: greenWith([
        trigger(2, "child-tests", "success", { downstreamPipeline: { id: 60_002, status: "running", url: null } }),
      ]),
      message: /trigger job "child-tests" \(test, pipeline #60002\) has not finished$/,
    },
    {
      name: "a merged-results pipeline merged an older commit, not the MR head",
      item: withMr({
        headPipeline: { id: 611, status: "success", sha: MERGE, kind: "merged_result", parents: [MAIN_TIP, OLDER] },
      }),
      message:
        /^Merged-results pipeline #611 ran on 33333333, a merge of 44444444 and fedcba98; the MR head 01234567 is not among them$/,
    },
    {
      name: "in CI, every other job was manual (never played) or skipped: nothing ran",
      item: inCi([job(1, "deploy", "manual", { allowFailure: true }), job(2, "docs", "skipped")]),
      message:
        /^Nothing ran in pipeline #88001: every job in it was manual \(never played\) or skipped: job "deploy" \(test\), job "docs" \(test\)\. Play the jobs that test the change, or let them run on merge requests/,
    },
    {
      name: "outside CI, a pipeline GitLab calls green whose only job that started failed where it may, beside manual ones",
      item: greenJobs([
        job(1, "lint", "failed", { allowFailure: true }),
        job(2, "unit", "manual", { allowFailure: true }),
      ]),
      message:
        /^Nothing ran in pipeline #9001: every job in it was manual \(never played\), skipped, or failed where it may: job "lint" \(test\), job "unit" \(test\)\. Play the jobs that test the change/,
    },
    {
      name: "outside CI, a green pipeline whose only job is a bfd job that failed where it may (the team's jobs say only: branches)",
      item: greenJobs([job(1, "bfd", "failed", { stage: ".post", allowFailure: true })]),
      message:
        /^Nothing ran in pipeline #9001: every job in it was manual \(never played\), skipped, or failed where it may/,
    },
    {
      name: "outside CI, a green pipeline whose trigger job's child pipeline failed, judged by its jobs",
      item: greenJobs([
        job(1, "unit", "success"),
        trigger(2, "child-tests", "success", { downstreamPipeline: { id: 60_002, status: "failed", url: null } }),
      ]),
      message: /^In pipeline #9001, trigger job "child-tests" \(test, pipeline #60002\) failed$/,
    },
    {
      name: "in CI, the pipeline holds only bfd's own job (the team's jobs say only: branches)",
      item: inCi([]),
      message: /^Nothing ran in pipeline #88001: it holds only bfd's own job/,
    },
    {
      name: "a pipeline GitLab calls green has no jobs at all",
      item: withMr({ headPipeline: { status: "success", sha: HEAD, jobs: [] } }),
      message: /^Nothing ran in pipeline #9001: it is success and has no jobs yet$/,
    },
    {
      name: "in CI, a trigger job without strategy: depend succeeded but its child pipeline failed",
      item: inCi([
        job(1, "unit", "success"),
        trigger(2, "child-tests", "success", { downstreamPipeline: { id: 60_002, status: "failed", url: null } }),
      ]),
      message: /^In pipeline #88001, trigger job "child-tests" \(test, pipeline #60002\) failed$/,
    },
    {
      name: "in CI, a trigger job succeeded but has started no downstream pipeline yet",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-tests", "success", { downstreamPipeline: null })]),
      message: /trigger job "child-tests" \(test\) is still waiting for its downstream pipeline$/,
    },
    {
      name: "in CI, a failing job merely named like bfd's status (bfd/done) is judged",
      item: inCi([job(1, "unit", "success"), job(2, "bfd/done", "failed")]),
      message: /^In pipeline #88001, job "bfd\/done" \(test\) failed$/,
    },
    {
      name: "outside CI, a failing external status merely named like bfd's (bfd/done), without bfd's marker",
      item: withMr({
        headPipeline: {
          status: "failed",
          sha: HEAD,
          jobs: [job(1, "unit", "success"), job(2, "bfd/done", "failed", { stage: "external", description: "forged" })],
        },
      }),
      message: /job "bfd\/done" \(external\) failed/,
    },
    {
      name: "no pipeline ran on the head commit",
      item: withMr({ headPipeline: null }),
      message: /^No pipeline has run on the merge request's head commit$/,
    },
    {
      name: "the pipeline failed",
      item: pipeline("failed"),
      message: /^Head pipeline is failed; needs success$/,
      evidence: ["pipeline #9001: failed"],
    },
    { name: "the pipeline is still running", item: pipeline("running") },
    { name: "the pipeline was skipped", item: pipeline("skipped") },
    { name: "the status differs only in case from an allowed one", item: pipeline("SUCCESS") },
    {
      name: "the status is not in a custom allowed list",
      item: pipeline("manual"),
      options: { allowed: ["success", "skipped"] },
      message: /needs success or skipped$/,
    },
    {
      name: "a green pipeline ran on an older commit than the MR's head",
      item: withMr({ headPipeline: { status: "success", sha: OLDER } }),
      message: /^Pipeline #9001 ran on fedcba98; the MR head is 01234567$/,
      evidence: [`pipeline commit: ${OLDER}`, `head commit: ${HEAD}`],
    },
    {
      name: "a failed head pipeline whose failure is not among the statuses read (never a pass)",
      item: withMr({ headPipeline: { status: "failed", sha: HEAD, jobs: [job(1, "unit", "success")] } }),
      message: /^Head pipeline is failed; needs success$/,
    },
    {
      name: "outside CI, an external status from another tool failed the head pipeline (named)",
      item: withMr({
        headPipeline: {
          status: "failed",
          sha: HEAD,
          jobs: [job(1, "unit", "success"), job(2, "security-scan", "failed", { stage: "external" })],
        },
      }),
      message: /job "security-scan" \(external\) failed/,
    },
    {
      name: "in CI, a job failed (named)",
      item: inCi([job(1, "lint", "success", { stage: "check" }), job(2, "unit", "failed")]),
      message: /^In pipeline #88001, job "unit" \(test\) failed$/,
    },
    {
      name: "in CI, several jobs failed or were canceled",
      item: inCi([job(1, "unit", "failed"), job(2, "e2e", "canceled")]),
      message: /jobs "unit" \(test\), "e2e" \(test\) failed/,
    },
    {
      name: "in CI, another job is still running",
      item: inCi([job(1, "unit", "success"), job(2, "slow-e2e", "running", { stage: ".post" })]),
      message: /"slow-e2e" \(\.post\) is still running$/,
    },
    {
      name: "in CI, a trigger job failed because its child pipeline failed (named, with the pipeline it started)",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-tests", "failed")]),
      message: /^In pipeline #88001, trigger job "child-tests" \(test, pipeline #60002\) failed$/,
      evidence: ["trigger job child-tests: failed (pipeline #60002: failed)"],
    },
    {
      name: "in CI, a job and a trigger job failed",
      item: inCi([job(1, "unit", "failed"), trigger(2, "child-tests", "canceled")]),
      message: /jobs "unit" \(test\), trigger job "child-tests" \(test, pipeline #60002\) failed/,
    },
    {
      name: "in CI, a trigger job is still running (its child pipeline has not finished)",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-tests", "running")]),
      message: /^In pipeline #88001, trigger job "child-tests" \(test, pipeline #60002\) is still running$/,
    },
    {
      name: "in CI, a trigger job waits to start its child pipeline",
      item: inCi([job(1, "unit", "success"), trigger(2, "child-tests", "pending", { downstreamPipeline: null })]),
      message: /trigger job "child-tests" \(test\) is still pending$/,
    },
    {
      name: "in CI, an external status set by another tool on the pipeline failed",
      item: renamed(inCi([job(1, "unit", "success"), job(2, "bfd/done", "failed", { stage: "external" })])),
      options: { ignoreJobs: [] },
      message: /job "bfd\/done" \(external\) failed/,
    },
    {
      name: "a failed head pipeline whose commit GitLab did not give (failing whichever commit it ran on)",
      item: withMr({ headPipeline: { status: "failed", sha: null } }),
      message: /^Head pipeline is failed; needs success$/,
    },
    {
      name: "in CI, the pipeline ran on an older commit (the MR moved on)",
      item: inCi([job(1, "unit", "success")], OLDER),
      message: /^Pipeline #88001 ran on fedcba98; the MR head is 01234567$/,
    },
  ],
  error: [
    {
      name: "the head pipeline succeeded but GitLab gave no commit for it: it may have run on an older one",
      item: withMr({ headPipeline: { status: "success", sha: null } }),
      message:
        /^GitLab gave no commit for pipeline #9001, so bfd cannot tell whether it ran on the MR's head commit 01234567$/,
      evidence: ["pipeline #9001: success", `head commit: ${HEAD}`],
    },
    {
      name: "the head pipeline succeeded but GitLab gave no head commit for the merge request",
      item: withMr({ headSha: null, headPipeline: { status: "success", sha: HEAD } }),
      message:
        /^GitLab gave no head commit for the merge request, so bfd cannot tell whether pipeline #9001 ran on it$/,
      evidence: [`pipeline commit: ${HEAD}`],
    },
    {
      name: "in CI, every job passed but the commit the pipeline runs on is unknown",
      item: inCi([job(1, "unit", "success")], null),
      message: /^GitLab gave no commit for pipeline #88001/,
    },
  ],
});
