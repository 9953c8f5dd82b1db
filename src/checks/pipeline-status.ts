import { z } from "zod";
import { isOwnStatusDescription } from "../work-item/own-status.js";
import type { MergeRequest, Pipeline, PipelineJob } from "../work-item/schema.js";
import { defineCheck, error, fail, listForMessage, pass, type CheckOutcome } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    allowed: z
      .array(z.string().min(1))
      .min(1)
      .default(["success"])
      .describe("Pipeline statuses that count as green (for a finished pipeline judged by its status)."),
    ignoreJobs: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Names of jobs and statuses never judged (a job that may not block, named by the team). bfd's own job (`CI_JOB_ID`) and its own commit status (known by what `bfd serve` writes in its description) are never judged whatever their name; a job merely named like bfd's status is judged like any other.",
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

const FAILED = new Set(["failed", "canceled"]);
/** What a trigger job whose downstream pipeline does not exist yet is waiting for. */
const NO_DOWNSTREAM_YET = "waiting for its downstream pipeline";

/**
 * What a job came to. A trigger job's is its downstream pipeline's: without `strategy: depend` the trigger job is
 * `success` as soon as the child pipeline is *created* (doc/ci/pipelines/downstream_pipelines.md), so its own status
 * says nothing of the child's outcome; one that has started no pipeline yet has not finished, unless it failed,
 * was skipped or waits to be played.
 */
function outcomeOf(job: PipelineJob): string {
  if (!job.trigger || FAILED.has(job.status) || NOT_RUN.has(job.status)) return job.status;
  if (job.downstreamPipeline !== null) return job.downstreamPipeline.status;
  return UNFINISHED.has(job.status) ? job.status : NO_DOWNSTREAM_YET;
}

const capitalised = (text: string): string => `${text[0]!.toUpperCase()}${text.slice(1)}`;

/** `pipeline #9001`, `merged-results pipeline #611`, `merge-train pipeline #612`, or `the pipeline`. */
function pipelineName(pipeline: Pipeline): string {
  const kind =
    pipeline.kind === "merged_result" ? "merged-results " : pipeline.kind === "merge_train" ? "merge-train " : "";
  return pipeline.id === null ? `the ${kind}pipeline` : `${kind}pipeline #${pipeline.id}`;
}

/**
 * Whether the pipeline tested the MR's head: it ran on it, or on a merge GitLab made of it (merged-results and
 * merge-train pipelines run on refs/merge-requests/:iid/merge or …/train, whose commit has the head among its
 * parents: doc/api/commits.md `parent_ids`). `via` says how, for the message; `problem` why not.
 */
function testedHead(
  pipeline: Pipeline,
  mr: MergeRequest,
  name: string,
): { via: string; facts: string[] } | { problem: string; facts: string[] } {
  const { sha } = pipeline;
  const head = mr.headSha;
  if (sha === null || head === null || sha === head) return { via: "", facts: [] };
  const facts = [`pipeline commit: ${sha}`, `head commit: ${head}`];
  if (pipeline.parents === null) {
    return { problem: `${capitalised(name)} ran on ${short(sha)}; the MR head is ${short(head)}`, facts };
  }
  const parents = pipeline.parents.map(short).join(" and ");
  if (pipeline.parents.includes(head)) {
    return {
      via: ` on the merge of ${short(head)} into ${mr.targetBranch}`,
      facts: [...facts, `merge of: ${parents}`],
    };
  }
  return {
    problem: `${capitalised(name)} ran on ${short(sha)}, a merge of ${parents}; the MR head ${short(head)} is not among them`,
    facts: [...facts, `merge of: ${parents}`],
  };
}

/**
 * The merge request's pipeline tested its head commit, something ran in it and it is green. The head is tested by a
 * pipeline on the head itself or on GitLab's merge of it (merged-results, merge train). Inside `bfd ci` the pipeline
 * is the one bfd runs in, still `running` while bfd's own job runs, so it is judged by its jobs — trigger jobs (by
 * their downstream pipeline) and the external statuses set on it included: every one other than bfd's own that may
 * not fail must have succeeded (a manual job nobody played and a skipped job are not failures), and at least one must
 * have run and passed. Elsewhere it is judged by what it is made of when that was read, else by its status. bfd's own
 * job (`CI_JOB_ID`) and its own commit status (the marker in what `bfd serve` wrote) are never judged. A pipeline
 * that would pass but whose commit, or the MR's head, GitLab did not give is an error: it may have run on an older one.
 */
export const pipelineStatus = defineCheck({
  id: "pipeline-status",
  description:
    "The merge request's pipeline tested its head commit (on it, or on GitLab's merge of it: merged-results and merge-train pipelines), something other than bfd ran in it, and it passed: judged by its jobs (trigger jobs by their downstream pipeline; bfd's own job and status excluded) when they were read, else by its status.",
  options: Options,
  hint: "Make the pipeline pass: {{mergeRequest.headPipeline.url|run the pipeline on the merge request}}.",
  needs: () => ["mergeRequest", "mergeRequest.headPipeline"],
  run: (item, o) => {
    const mr = item.mergeRequest!;
    const pipeline = mr.headPipeline;
    if (pipeline === null) return fail("No pipeline has run on the merge request's head commit");
    const name = pipelineName(pipeline);
    const evidence = [`${name}: ${pipeline.status}`, ...(pipeline.url === null ? [] : [pipeline.url])];
    const tested = testedHead(pipeline, mr, name);
    if ("problem" in tested) return fail(tested.problem, [...evidence, ...tested.facts]);
    evidence.push(...tested.facts);
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
    const where = tested.via === "" ? "" : ` (${name}${tested.via})`;
    if (pipeline.jobs === null) {
      if (!o.allowed.includes(pipeline.status))
        return fail(`Head pipeline is ${pipeline.status}; needs ${o.allowed.join(" or ")}`, evidence);
      // A green pipeline answers for its trigger jobs' children too (read outside CI): a failed or unfinished child
      // pipeline is never hidden behind a trigger job that turned green when it created it.
      const triggers = (pipeline.triggers ?? []).filter((job) => !o.ignoreJobs.includes(job.name));
      const facts = [...evidence, ...triggers.map(jobEvidence)];
      const childFailed = triggers.filter((job) => !job.allowFailure && FAILED.has(outcomeOf(job)));
      const childPending = triggers.filter(
        (job) => !job.allowFailure && (UNFINISHED.has(outcomeOf(job)) || outcomeOf(job) === NO_DOWNSTREAM_YET),
      );
      if (childFailed.length > 0 || childPending.length > 0) {
        const problems = [
          ...(childFailed.length === 0 ? [] : [`${listForMessage(childFailed.map(jobLabel), 5)} failed`]),
          ...(childPending.length === 0
            ? []
            : [
                `${listForMessage(childPending.map(jobLabel), 5)} ${childPending.length === 1 ? "has" : "have"} not finished`,
              ]),
        ];
        return fail(
          `${capitalised(name)} is ${pipeline.status}, but its downstream pipelines are not: ${problems.join("; ")}`,
          facts,
        );
      }
      return passOnHead(`Head pipeline ${pipeline.status}${where}`, facts);
    }
    const ownId = item.context.ci?.jobId ?? null;
    const ignored = new Set(o.ignoreJobs);
    const own = (job: PipelineJob): boolean => job.id === ownId || isOwnStatusDescription(job.description);
    const notJudged = (job: PipelineJob): boolean => own(job) || ignored.has(job.name);
    const judged = pipeline.jobs.filter((job) => !notJudged(job));
    const outcome = new Map(judged.map((job) => [job, outcomeOf(job)]));
    const came = (job: PipelineJob): string => outcome.get(job) ?? job.status;
    const failed = judged.filter((job) => !job.allowFailure && FAILED.has(came(job)));
    const mayFail = judged.filter((job) => job.allowFailure && FAILED.has(came(job)));
    const unfinished = judged.filter((job) => UNFINISHED.has(came(job)) || came(job) === NO_DOWNSTREAM_YET);
    const other = judged.filter(
      (job) =>
        !job.allowFailure &&
        came(job) !== "success" &&
        !NOT_RUN.has(came(job)) &&
        !failed.includes(job) &&
        !unfinished.includes(job),
    );
    const jobFacts = [
      ...judged.map(jobEvidence),
      ...mayFail.map((job) => `warning: ${namedJob(job)} failed, which it may (allow_failure)`),
    ];
    const failedPrefix = failed.every((job) => job.trigger) ? "" : failed.length === 1 ? "job " : "jobs ";
    const problems = [
      ...(failed.length === 0 ? [] : [`${failedPrefix}${listForMessage(failed.map(jobLabel), 5)} failed`]),
      ...(unfinished.length === 0
        ? []
        : [
            `${listForMessage(unfinished.map(jobLabel), 5)} ${unfinished.length === 1 ? "is" : "are"} still ${unfinished.length === 1 ? came(unfinished[0]!) : "running"}`,
          ]),
      ...other.map((job) => `${namedJob(job)} is ${came(job)}`),
    ];
    if (problems.length > 0) return fail(`In ${name}, ${problems.join("; ")}`, [...evidence, ...jobFacts]);
    // A finished pipeline that GitLab calls failed, with no failed job in sight: unless the failure is one bfd never
    // judges (its own status, an ignored job), something unseen failed it, and that is never a pass.
    const failedOverall = FAILED.has(pipeline.status);
    const explained = pipeline.jobs.some((job) => notJudged(job) && FAILED.has(job.status));
    if (failedOverall && !explained) {
      return fail(`Head pipeline is ${pipeline.status}; needs ${o.allowed.join(" or ")}`, [...evidence, ...jobFacts]);
    }
    // GitLab calls a pipeline green when nothing in it failed, even when nothing in it ran: that proves nothing.
    const passed = judged.filter((job) => came(job) === "success");
    if (passed.length === 0)
      return fail(`Nothing ran in ${name}: ${whyNothingRan(pipeline, judged, own)}`, [...evidence, ...jobFacts]);
    const warnings =
      mayFail.length === 0
        ? ""
        : `; ${listForMessage(mayFail.map(namedJob), 5)} failed, which ${mayFail.length === 1 ? "it" : "they"} may`;
    return passOnHead(
      `${plural(passed.length, "job")} of ${name} ran and passed${tested.via}${ownId === null ? "" : " (bfd's own job not counted)"}${warnings}`,
      [...evidence, ...jobFacts],
    );
  },
});

/** Why no job other than bfd's own passed in a pipeline where nothing failed or is still running. */
function whyNothingRan(pipeline: Pipeline, judged: readonly PipelineJob[], own: (job: PipelineJob) => boolean): string {
  const jobs = pipeline.jobs ?? [];
  if (jobs.length === 0) return `it is ${pipeline.status} and has no jobs yet`;
  if (jobs.every(own)) {
    return "it holds only bfd's own job: the team's jobs do not run in merge-request pipelines (jobs limited to branches, e.g. `only: branches`, need `rules: - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"` too)";
  }
  if (judged.length === 0) return "every job in it is bfd's own or one of the rule's `ignoreJobs`";
  // GitLab calls such a pipeline green when a job that may fail failed beside the unplayed ones
  // (lib/gitlab/ci/status/composite.rb: `success_with_warnings` and `ignored` manual jobs make `success`).
  const failedMayFail = judged.some((job) => FAILED.has(outcomeOf(job)));
  const what = failedMayFail
    ? "manual (never played), skipped, or failed where it may"
    : "manual (never played) or skipped";
  return `every job in it was ${what}: ${listForMessage(judged.map(namedJob), 5)}. Play the jobs that test the change, or let them run on merge requests (\`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"\`)`;
}
