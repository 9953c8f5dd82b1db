import type { ServeConfig } from "../rules/schema.js";
import { issueJob, mergeRequestJob, type Job } from "./job.js";
import { errorMessage, type Logger } from "./log.js";
import type { Sources } from "./evaluate.js";

export interface SweepDeps {
  config: ServeConfig;
  /** Linear team whose ready-state issues are re-checked (bfd.config.yaml's linear.team); null: issues are not swept. */
  linearTeam: string | null;
  sources: () => Promise<Sources>;
  enqueue: (job: Job) => Promise<unknown>;
  /** True when this replica runs this round (with Redis, one replica per round). */
  claim: (intervalMs: number) => Promise<boolean>;
  log: Logger;
  /** The open MRs a round listed for a project (for `/board`, which drops the MRs no longer open). */
  onOpenMergeRequests?: ((project: string, open: readonly { projectPath: string; iid: number }[]) => void) | undefined;
}

/** Issues per ready state per round: the audit's page size times ten keeps one round within Linear's budget. */
const ISSUES_PER_STATE = 250;

/**
 * The safety net under the webhooks: every `sweepMinutes`, every open MR of the configured projects and every issue
 * in a ready state goes through the queue again, so a delivery that never came (or came while the service was down)
 * leaves a verdict stale for one interval at most. The queue is the batching: it coalesces and bounds concurrency.
 */
export function startSweep(deps: SweepDeps): { stop: () => void; runOnce: () => Promise<number> } {
  const intervalMs = deps.config.sweepMinutes * 60_000;
  let running: Promise<number> | null = null;

  async function round(): Promise<number> {
    const { linear, gitlab } = await deps.sources();
    let queued = 0;
    for (const project of deps.config.projects) {
      try {
        const open = await gitlab.listOpenMergeRequests(project);
        deps.onOpenMergeRequests?.(String(project), open);
        for (const mr of open) {
          await deps.enqueue(mergeRequestJob(mr.projectPath || String(project), mr.iid, "sweep", null));
          queued += 1;
        }
      } catch (error) {
        deps.log.warn(
          { "error.message": errorMessage(error), "bfd.project": String(project) },
          "sweep: could not list open MRs",
        );
      }
    }
    if (deps.linearTeam !== null) {
      for (const state of deps.config.readyStates) {
        try {
          const { issues } = await linear.listIssues({ teamKey: deps.linearTeam, stateName: state }, ISSUES_PER_STATE);
          for (const issue of issues) {
            await deps.enqueue(issueJob(issue.id || issue.identifier, "sweep", null, false));
            queued += 1;
          }
        } catch (error) {
          deps.log.warn({ "error.message": errorMessage(error), "bfd.state": state }, "sweep: could not list issues");
        }
      }
    }
    deps.log.info({ "bfd.sweep.queued": queued }, `sweep: ${queued} re-checks queued`);
    return queued;
  }

  async function runOnce(): Promise<number> {
    // One round at a time: a round that outlasts the interval is not doubled.
    if (running !== null) return running;
    running = round().finally(() => {
      running = null;
    });
    return running;
  }

  if (intervalMs <= 0) return { stop: () => undefined, runOnce };
  const timer = setInterval(() => {
    void deps
      .claim(intervalMs)
      .then((mine) => (mine ? runOnce() : 0))
      .catch((error: unknown) => deps.log.warn({ "error.message": errorMessage(error) }, "sweep failed"));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce };
}
