import type { GitLabSource } from "../sources/gitlab/index.js";
import { publishOnce, type PublishContext, type PublishOutcome } from "./publish.js";
import type { Verdict } from "./verdict.js";

/**
 * Answers every external status check GitLab has asked about in the project (Ultimate): `passed` or `failed` for the
 * MR's source-branch head (GitLab answers 409 for any other sha; doc/api/status_checks.md). A check left unanswered
 * turns failed after two minutes on GitLab's side, so an evaluation bfd could not finish still answers `failed`.
 */
export async function publishStatusChecks(
  ctx: PublishContext,
  gitlab: GitLabSource,
  target: { key: string; project: string; iid: number; sha: string },
  verdict: Verdict,
): Promise<PublishOutcome[]> {
  const status = verdict.outcome === "pass" ? "passed" : "failed";
  const checks = await ctx.state.statusChecks(target.project);
  const outcomes: PublishOutcome[] = [];
  for (const checkId of checks) {
    outcomes.push(
      await publishOnce(
        ctx,
        { output: "statusCheck", key: `${target.key}#${checkId}`, content: `${target.sha}\n${status}` },
        () => gitlab.respondToStatusCheck(target.project, target.iid, { sha: target.sha, checkId, status }),
      ),
    );
  }
  return outcomes;
}
