/**
 * The work behind every job: the Done gate of one merge request (exactly as `bfd ci` runs it, rules from the MR's
 * target branch) or the Ready gate of one Linear issue (the rules `bfd serve` started with), then the verdict
 * published where people look. Sources are made anew for each job: their caches and network deadline belong to one
 * evaluation, never to the service's life.
 */
import { mergeRequestGate } from "../app/merge-request-gate.js";
import { evidencePlan } from "../engine/plan.js";
import { BfdError, isBfdError } from "../errors.js";
import type { RuleFilePort, RuleSet, SourceText } from "../rules/load.js";
import { waiverPolicy, type ServeConfig } from "../rules/schema.js";
import { gatherWorkItem, type GatherSources } from "../sources/gather.js";
import { parseMergeRequestUrl, type GitLabSource } from "../sources/gitlab/index.js";
import type { LinearSource } from "../sources/linear/index.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import { projectAccepted } from "./events.js";
import { issueKey, mergeRequestJob, RetryLater, type Fence, type Job, type ServeState, type Work } from "./job.js";
import type { IssueComments } from "./issue-comments.js";
import { errorMessage, type Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import { publishCommitStatus } from "./publish-commit-status.js";
import { hasCommented, publishLinearComment } from "./publish-linear-comment.js";
import { publishMergeRequestNote } from "./publish-note.js";
import { publishStatusChecks } from "./publish-status-check.js";
import type { BoardStore } from "./board.js";
import type { Report } from "../report/schema.js";
import type { PublishContext } from "./publish.js";
import { verdictFromError, verdictFromReport, type Verdict } from "./verdict.js";
import { agentSessionWork } from "./agent-session.js";
import type { Evaluator } from "./evaluator.js";

export interface Sources {
  linear: LinearSource;
  gitlab: GitLabSource;
  /** Linear as bfd's agent (BFD_LINEAR_AGENT_TOKEN), for its answers in agent sessions; none: no agent. */
  agent?: LinearSource | null;
}

export interface WorkDeps {
  config: ServeConfig;
  /** Fresh sources for one job. */
  sources: () => Promise<Sources>;
  /** Instance root of GitLab (MR links on Linear issues elsewhere are not this service's). */
  gitlabHost: string;
  readyRules: RuleSet;
  builtinFiles: SourceText[];
  now: () => Date;
  state: ServeState;
  metrics: Metrics;
  log: Logger;
  enqueue: (job: Job) => Promise<unknown>;
  /** The GitLab token's user, for finding bfd's own MR note (asked once, then remembered). */
  gitlabUserId: (gitlab: GitLabSource) => Promise<number>;
  comments: (linear: LinearSource) => IssueComments;
  /** Every secret the service holds and anything token-shaped: every text the work publishes passes through it. */
  redact: (text: string) => string;
  /** `/board`: the latest verdict of each MR and ready issue (none: no board). */
  board?: BoardStore | undefined;
  /**
   * How long one evaluation may gather evidence, from the job's start: one request timeout plus a margin. A hung
   * upstream then yields "not judged" (and a queued retry) at this point, not after every retry of every request.
   */
  evaluationDeadlineMs: number;
  /** Runs the engine off the event loop (a pool of worker threads). */
  evaluator: Evaluator;
  /** Assembles a target branch's rules, from memory when the texts read are ones already assembled. */
  loadRules: (port: RuleFilePort) => Promise<RuleSet>;
}

/** Added to the network policy's request timeout to make bfd serve's per-evaluation deadline. */
export const EVALUATION_MARGIN_MS = 5_000;

export function createWork(deps: WorkDeps): Work {
  return async (job, fence) => {
    const started = performance.now();
    const target = job.target;
    const gate = target.kind === "issue" ? "ready" : target.kind === "agentSession" ? "agent" : "done";
    const deadline = evaluationDeadline(deps.evaluationDeadlineMs);
    let result: string;
    try {
      if (target.kind === "mergeRequest") result = await mergeRequestWork(deps, job, target, fence, deadline);
      else if (target.kind === "issue") result = await issueWork(deps, job, target.id, fence, deadline);
      else if (target.kind === "agentSession") result = await agentSessionWork(deps, job, target, fence, deadline);
      else result = await branchWork(deps, target.project, target.branch, job);
    } catch (error) {
      deps.metrics.evaluations.inc({ gate, result: "error" });
      throw error;
    } finally {
      deadline.clear();
      deps.metrics.evaluationDuration.observe({ gate }, (performance.now() - started) / 1000);
    }
    deps.metrics.evaluations.inc({ gate, result });
    deps.log.info(
      {
        "bfd.job.key": job.key,
        "bfd.job.reason": job.reason,
        "bfd.result": result,
        "messaging.message.id": job.deliveryId ?? undefined,
        "bfd.duration_ms": Math.round(performance.now() - started),
      },
      `${job.key}: ${result}`,
    );
  };
}

/** Races reads against one deadline per evaluation; the losing read is left to its own request timeout. */
export interface EvaluationDeadline {
  within<T>(read: Promise<T>): Promise<T>;
  clear(): void;
}

function evaluationDeadline(ms: number): EvaluationDeadline {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const passed = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BfdError(
            "upstream",
            "evaluation-deadline",
            `Linear or GitLab did not answer within ${Math.round(ms / 1000)} s`,
            { hint: "bfd serve tries again shortly; if it persists, check the services' status pages." },
          ),
        ),
      ms,
    );
    timer.unref();
  });
  passed.catch(() => undefined);
  return {
    within: <T>(read: Promise<T>): Promise<T> => {
      read.catch(() => undefined);
      return Promise.race([read, passed]);
    },
    clear: () => clearTimeout(timer),
  };
}

/**
 * An upstream fault that outlived the CLI's retry policy, or an evaluation whose worker crashed or overran: the job
 * runs again later (the queue's retries).
 */
export function retriable(error: unknown): boolean {
  return (isBfdError(error) && error.kind === "upstream") || error instanceof RetryLater;
}

async function mergeRequestWork(
  deps: WorkDeps,
  job: Job,
  target: { project: string; iid: number },
  fence: Fence,
  deadline: EvaluationDeadline,
): Promise<string> {
  const { linear, gitlab } = await deps.sources();
  let read;
  try {
    read = await deadline.within(gitlab.readMergeRequest(target.project, target.iid));
  } catch (error) {
    if (isBfdError(error) && error.code === "mr-not-found") {
      deps.board?.forget(job.key);
      return "skipped";
    }
    // Without the MR there is no head commit to publish on: try again later.
    if (retriable(error)) throw new RetryLater(errorMessage(error), { cause: error });
    throw error;
  }
  const mr = read.mergeRequest;
  if (mr.state !== "opened" || mr.headSha === null) {
    deps.board?.forget(job.key);
    return "skipped";
  }
  const selfId = deps.config.outputs.mergeRequestNote ? deps.gitlabUserId(gitlab) : null;
  let verdict: Verdict;
  let judgedError: unknown = null;
  let judged: Report | null = null;
  try {
    const report = await judgeMergeRequest(
      deps,
      { linear, gitlab },
      {
        project: target.project,
        iid: target.iid,
        targetBranch: mr.targetBranch,
        sourceBranch: mr.sourceBranch,
        title: mr.title,
      },
      selfId === null ? [] : [selfId],
      deadline,
    );
    verdict = verdictFromReport(report);
    judged = report;
  } catch (error) {
    judgedError = error;
    // The MR says "not judged"; the operator, who alone can replace the token, learns it from the log.
    if (isBfdError(error) && error.kind === "setup")
      deps.log.error(
        { "bfd.job.key": job.key, "error.type": "setup", "error.code": error.code, "error.message": error.message },
        `${job.key}: not judged: ${error.message}`,
      );
    // A worker that crashed or overran (RetryLater) is logged by the pool, and the job retries.
    else if (!isBfdError(error) && !(error instanceof RetryLater))
      deps.log.error({ "error.type": "internal", "error.message": errorMessage(error) }, "internal error");
    verdict = verdictFromError("done", error);
  }

  const judgedAt = deps.now().toISOString();
  deps.board?.recordMergeRequest(job.key, {
    mergeRequest: {
      reference: `${mr.projectPath || target.project}!${mr.iid}`,
      title: mr.title,
      url: mr.url,
      author: mr.author,
      draft: mr.draft,
      targetBranch: mr.targetBranch,
      updatedAt: judgedAt,
    },
    outcome: judged === null ? { problem: verdict.summary } : { report: judged },
    judgedAt,
  });
  const ctx: PublishContext = { fence, state: deps.state, metrics: deps.metrics, redact: deps.redact };
  const outputs = deps.config.outputs;
  const sha = mr.headSha;
  try {
    let noteId: number | null = null;
    if (outputs.mergeRequestNote && selfId !== null) {
      const note = await publishMergeRequestNote(
        ctx,
        gitlab,
        { key: job.key, project: target.project, iid: target.iid, selfId: await selfId },
        verdict.markdown,
      );
      noteId = note.noteId;
    }
    if (outputs.commitStatus) {
      const targetUrl = noteId === null ? mr.url : `${mr.url}#note_${noteId}`;
      await publishCommitStatus(
        ctx,
        gitlab,
        { key: job.key, project: target.project, sha, name: deps.config.statusName, targetUrl },
        verdict,
      );
    }
    if (outputs.statusCheck)
      await publishStatusChecks(ctx, gitlab, { key: job.key, project: target.project, iid: target.iid, sha }, verdict);
  } catch (error) {
    if (retriable(error)) throw new RetryLater(errorMessage(error), { cause: error });
    throw error;
  }
  if (judgedError !== null && retriable(judgedError))
    throw new RetryLater(errorMessage(judgedError), { cause: judgedError });
  if (!(await fence.stillLatest())) return "superseded";
  return verdict.outcome;
}

/** The Done gate of one open MR, exactly as `bfd ci` runs it (rules from its target branch). */
export async function judgeMergeRequest(
  deps: WorkDeps,
  { linear, gitlab }: { linear: LinearSource; gitlab: GitLabSource },
  mr: { project: string; iid: number; targetBranch: string; sourceBranch: string; title: string },
  alongside: readonly Promise<unknown>[],
  deadline: EvaluationDeadline,
): Promise<Report> {
  // bfd's own status, under the name this service publishes it with: the evidence records it, so the pipeline rule
  // never judges it (it shows in the MR's pipeline, and a red one would otherwise keep the MR red for good).
  const sources = { linear, gitlab, ownStatuses: [deps.config.statusName] } satisfies GatherSources;
  const { report } = await deadline.within(
    mergeRequestGate({
      sources,
      project: mr.project,
      iid: mr.iid,
      targetBranch: mr.targetBranch,
      earlyKeys: issueKeysFromMergeRequest({ sourceBranch: mr.sourceBranch, title: mr.title }),
      sourceBranch: mr.sourceBranch,
      builtinFiles: deps.builtinFiles,
      now: deps.now().toISOString(),
      // No `ci`: GitLab's head pipeline is judged as `bfd done` judges it — when it is not green, by the statuses on
      // its commit (jobs and external statuses), where bfd's own status is never counted.
      alongside,
      evaluate: (rules, item, options) => deps.evaluator.evaluate(rules, item, options),
      loadRules: deps.loadRules,
    }),
  );
  return report;
}

async function issueWork(
  deps: WorkDeps,
  job: Job,
  id: string,
  fence: Fence,
  deadline: EvaluationDeadline,
): Promise<string> {
  const { linear } = await deps.sources();
  let item;
  try {
    item = await deadline.within(
      gatherWorkItem(
        { linear, gitlab: null },
        {
          plan: evidencePlan(deps.readyRules.rules, "ready"),
          now: deps.now().toISOString(),
          branch: null,
          issue: { by: "reference", reference: id },
          mergeRequest: { by: "none" },
        },
      ),
    );
  } catch (error) {
    if (isBfdError(error) && (error.code === "issue-not-found" || error.code === "bad-issue-key")) {
      deps.board?.forget(issueKey(id));
      return "skipped";
    }
    if (retriable(error)) throw new RetryLater(errorMessage(error), { cause: error });
    throw error;
  }
  const issue = item.issue!;
  const key = issueKey(issue.id || id);
  const ctx: PublishContext = { fence, state: deps.state, metrics: deps.metrics, redact: deps.redact };
  const ready = deps.config.readyStates.some((s) => s.toLowerCase() === issue.state.name.toLowerCase());
  let result = "skipped";
  if (ready || (await hasCommented(ctx, key))) {
    const report = await deps.evaluator.evaluate(deps.readyRules.rules, item, {
      gate: "ready",
      waivers: waiverPolicy(deps.readyRules.config),
      evidence: deps.readyRules.evidence,
    });
    result = report.verdict;
    if (ready) deps.board?.recordIssue(key, { issue, report });
    else deps.board?.forget(key);
    if (deps.config.outputs.linearComment) {
      try {
        await publishLinearComment(
          ctx,
          deps.comments(linear),
          { key, issueId: issue.id, selfId: item.viewer?.id ?? null },
          verdictFromReport(report),
        );
      } catch (error) {
        if (retriable(error)) throw new RetryLater(errorMessage(error), { cause: error });
        throw error;
      }
    }
  }
  if (!ready && result === "skipped") deps.board?.forget(key);
  if (job.fanOut) {
    // A change in Linear (criteria ticked, state moved) can change the Done verdict of the issue's open MRs.
    for (const attachment of issue.attachments) {
      const ref = parseMergeRequestUrl(attachment.url);
      if (ref === null || new URL(deps.gitlabHost).origin !== ref.host) continue;
      if (!projectAccepted(deps.config.projects, -1, ref.projectPath)) continue;
      await deps.enqueue(mergeRequestJob(ref.projectPath, ref.iid, `Linear ${issue.identifier} changed`, null));
    }
  }
  return result;
}

async function branchWork(deps: WorkDeps, project: string, branch: string, job: Job): Promise<string> {
  const { gitlab } = await deps.sources();
  let open;
  try {
    open = await gitlab.listOpenMergeRequestsForBranch(project, branch);
  } catch (error) {
    if (retriable(error)) throw new RetryLater(errorMessage(error), { cause: error });
    throw error;
  }
  for (const mr of open) await deps.enqueue(mergeRequestJob(mr.projectPath || project, mr.iid, job.reason, null));
  return open.length === 0 ? "skipped" : "fanned out";
}
