import { pipelineStatus } from "../../../src/checks/pipeline-status.js";
import { checkCases } from "../../helpers/check-cases.js";
import { DEFAULT_MERGE_REQUEST, withMr } from "../../helpers/work-item.js";

const HEAD = DEFAULT_MERGE_REQUEST.headSha;
const OLDER = "fedcba9876543210fedcba9876543210fedcba98";
const pipeline = (status: string) => withMr({ headPipeline: { status } });

const BFD_JOB = 7_003;
type JobInput = { id: number; name: string; stage?: string; status: string; allowFailure?: boolean };
const job = (id: number, name: string, status: string, init: Partial<JobInput> = {}): JobInput => ({
  id,
  name,
  stage: "test",
  status,
  ...init,
});
/** Inside `bfd ci`: the pipeline bfd runs in, still running while bfd's own job (7003, in .post) runs. */
const inCi = (jobs: JobInput[], sha: string = HEAD) => ({
  ...withMr({
    headPipeline: {
      id: 88_001,
      status: "running",
      sha,
      jobs: [...jobs, job(BFD_JOB, "bfd", "running", { stage: ".post" })],
    },
  }),
  context: { mergeRequestLookup: null, ruleFilesChangedByMergeRequest: [], ci: { jobId: BFD_JOB, pipelineId: 88_001 } },
});

checkCases(pipelineStatus, {
  pass: [
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
      item: withMr({ headPipeline: { status: "success", id: null, url: null } }),
      evidence: ["the pipeline: success"],
    },
    {
      name: "in CI, every other job succeeded while bfd's own job still runs",
      item: inCi([job(1, "lint", "success", { stage: "check" }), job(2, "unit", "success")]),
      message: /^All 2 job\(s\) of pipeline #88001 that must pass have passed \(bfd's own job not counted\)$/,
    },
    {
      name: "in CI, a job that may fail failed",
      item: inCi([job(1, "unit", "success"), job(2, "flaky-e2e", "failed", { allowFailure: true })]),
      evidence: ["job flaky-e2e: failed (may fail)"],
    },
    {
      name: "outside CI, the head pipeline failed only because of bfd serve's own bfd/done status",
      item: withMr({
        headPipeline: {
          status: "failed",
          jobs: [job(1, "unit", "success"), job(2, "bfd/done", "failed", { stage: "external" })],
        },
      }),
    },
    {
      name: "in CI, bfd serve's own commit status (a job named bfd/done) is not judged",
      item: inCi([job(1, "unit", "success"), job(2, "bfd/done", "failed", { stage: "external" })]),
    },
    {
      name: "in CI, a manual job nobody played and a skipped job are not failures",
      item: inCi([
        job(1, "unit", "success"),
        job(2, "deploy-review", "manual", { allowFailure: true }),
        job(3, "docs", "skipped"),
      ]),
    },
  ],
  fail: [
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
      item: withMr({ headPipeline: { status: "failed", jobs: [job(1, "unit", "success")] } }),
      message: /^Head pipeline is failed; needs success$/,
    },
    {
      name: "outside CI, an external status from another tool failed the head pipeline (named)",
      item: withMr({
        headPipeline: {
          status: "failed",
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
      name: "in CI, the pipeline ran on an older commit (the MR moved on)",
      item: inCi([job(1, "unit", "success")], OLDER),
      message: /^Pipeline #88001 ran on fedcba98; the MR head is 01234567$/,
    },
  ],
});
