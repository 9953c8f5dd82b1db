import { z } from "zod";
import { DEFAULT_STATUS_NAME, type PipelineJob } from "../work-item/schema.js";
import { defineCheck, error, fail, listForMessage, pass, type CheckOutcome } from "./types.js";

const Options = z
  .object({
    allowed: z
      .array(z.string().min(1))
      .min(1)
      .default(["success"])
      .describe("Pipeline statuses that count as green (for a finished pipeline judged by its status)."),
    ignoreJobs: z
      .array(z.string().min(1))
      .default([DEFAULT_STATUS_NAME])
      .describe(
        "Job and status names never judged. `bfd serve` never judges its own commit status, whatever `serve.statusName` calls it; `bfd ci` and `bfd done` know only its default name, so list a renamed one here.",
      ),
  })
  .strict();

/** Job statuses of work that has not finished (doc/api/jobs.md). */
const UNFINISHED = new Set([
  "created",
  "pending",
  "running",
  "waiting_for_resource",
  "preparing",
  "scheduled",
  "canceling",
]);
/** A job that was not run, by design: a manual job nobody played, or one its rules skipped. */
const NOT_RUN = new Set(["manual", "skipped"]);

const short = (sha: string): string => sha.slice(0, 8);

/** `"unit" (test)`; a trigger job says so, with the pipeline it started: `trigger job "e2e" (test, pipeline #7)`. */
function jobLabel(job: PipelineJob): string {
  const where = [
    ...(job.stage === "" ? [] : [job.stage]),
    ...(job.trigger && job.downstreamPipeline !== null ? [`pipeline #${job.downstreamPipeline.id}`] : []),
  ];
  return `${job.trigger ? "trigger job " : ""}"${job.name}"${where.length === 0 ? "" : ` (${where.join(", ")})`}`;
}

/** `job "unit" (test)`, or a trigger job's label, which names itself. */
const namedJob = (job: PipelineJob): string => (job.trigger ? jobLabel(job) : `job ${jobLabel(job)}`);

function jobEvidence(job: PipelineJob): string {
  const downstream = job.downstreamPipeline;
  return [
    `${job.trigger ? "trigger job" : "job"} ${job.name}: ${job.status}`,
    ...(job.allowFailure ? [" (may fail)"] : []),
    ...(downstream === null ? [] : [` (pipeline #${downstream.id}: ${downstream.status})`]),
  ].join("");
}

/**
 * The merge request's pipeline ran on its head commit and is green. Inside `bfd ci` the pipeline is the one bfd
 * runs in, still `running` while bfd's own job runs, so it is judged by its jobs — trigger jobs and the external
 * statuses set on it included: every one other than bfd's own that may not fail must have succeeded (a manual job
 * nobody played and a skipped job are not failures). Elsewhere it is judged by its status, and when that is not
 * green by the statuses on its commit. bfd's own commit status (`context.ownStatuses`) is never judged. A pipeline
 * that would pass but whose commit, or the MR's head, GitLab did not give is an error: it may have run on an older one.
 */
export const pipelineStatus = defineCheck({
  id: "pipeline-status",
  description:
    "The merge request's pipeline ran on its head commit and passed: inside `bfd ci` judged by its jobs (bfd's own excluded); elsewhere by its status, and when that is not green by the statuses on its commit.",
  options: Options,
  hint: "Make the pipeline pass: {{mergeRequest.headPipeline.url|run the pipeline on the merge request}}.",
  needs: () => ["mergeRequest", "mergeRequest.headPipeline"],
  run: (item, o) => {
    const mr = item.mergeRequest!;
    const pipeline = mr.headPipeline;
    if (pipeline === null) return fail("No pipeline has run on the merge request's head commit");
    const name = pipeline.id === null ? "the pipeline" : `pipeline #${pipeline.id}`;
    const evidence = [`${name}: ${pipeline.status}`, ...(pipeline.url === null ? [] : [pipeline.url])];
    if (pipeline.sha !== null && mr.headSha !== null && pipeline.sha !== mr.headSha) {
      return fail(
        `${name[0]!.toUpperCase()}${name.slice(1)} ran on ${short(pipeline.sha)}; the MR head is ${short(mr.headSha)}`,
        [...evidence, `pipeline commit: ${pipeline.sha}`, `head commit: ${mr.headSha}`],
      );
    }
    // A pipeline that is not green fails whichever commit it ran on; one that is green passes only on the MR's head.
    const passOnHead = (message: string, facts: string[]): CheckOutcome => {
      if (pipeline.sha === null) {
        return error(
          `GitLab gave no commit for ${name}, so bfd cannot tell whether it ran on the MR's head commit${mr.headSha === null ? "" : ` ${short(mr.headSha)}`}`,
          [...facts, ...(mr.headSha === null ? [] : [`head commit: ${mr.headSha}`])],
        );
      }
      if (mr.headSha === null) {
        return error(`GitLab gave no head commit for the merge request, so bfd cannot tell whether ${name} ran on it`, [
          ...facts,
          `pipeline commit: ${pipeline.sha}`,
        ]);
      }
      return pass(message, facts);
    };
    if (pipeline.jobs === null) {
      if (o.allowed.includes(pipeline.status)) return passOnHead(`Head pipeline ${pipeline.status}`, evidence);
      return fail(`Head pipeline is ${pipeline.status}; needs ${o.allowed.join(" or ")}`, evidence);
    }
    const ownId = item.context.ci?.jobId ?? null;
    const ignored = new Set([...o.ignoreJobs, ...item.context.ownStatuses]);
    const judged = pipeline.jobs.filter((job) => job.id !== ownId && !ignored.has(job.name));
    const failed = judged.filter((job) => !job.allowFailure && (job.status === "failed" || job.status === "canceled"));
    const unfinished = judged.filter((job) => UNFINISHED.has(job.status));
    const other = judged.filter(
      (job) =>
        !job.allowFailure &&
        job.status !== "success" &&
        !NOT_RUN.has(job.status) &&
        !failed.includes(job) &&
        !unfinished.includes(job),
    );
    const jobFacts = judged.map(jobEvidence);
    const failedPrefix = failed.every((job) => job.trigger) ? "" : failed.length === 1 ? "job " : "jobs ";
    const problems = [
      ...(failed.length === 0 ? [] : [`${failedPrefix}${listForMessage(failed.map(jobLabel), 5)} failed`]),
      ...(unfinished.length === 0
        ? []
        : [
            `${listForMessage(unfinished.map(jobLabel), 5)} ${unfinished.length === 1 ? "is" : "are"} still ${unfinished.length === 1 ? unfinished[0]!.status : "running"}`,
          ]),
      ...other.map((job) => `${namedJob(job)} is ${job.status}`),
    ];
    if (problems.length > 0) return fail(`In ${name}, ${problems.join("; ")}`, [...evidence, ...jobFacts]);
    // A finished pipeline that GitLab calls failed, with no failed job in sight: unless the failure is a job bfd
    // never judges (its own commit status), something unseen failed it, and that is never a pass.
    const failedOverall = pipeline.status === "failed" || pipeline.status === "canceled";
    const ownFailure = pipeline.jobs.some(
      (job) => ignored.has(job.name) && (job.status === "failed" || job.status === "canceled"),
    );
    if (failedOverall && !ownFailure) {
      return fail(`Head pipeline is ${pipeline.status}; needs ${o.allowed.join(" or ")}`, [...evidence, ...jobFacts]);
    }
    const passed = judged.filter((job) => job.status === "success").length;
    return passOnHead(
      `All ${passed} job(s) of ${name} that must pass have passed${ownId === null ? "" : " (bfd's own job not counted)"}`,
      [...evidence, ...jobFacts],
    );
  },
});
