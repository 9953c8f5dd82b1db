import type { CommitStatusInput, GitLabSource } from "../sources/gitlab/index.js";
import { commitStatusDescription, type Verdict } from "./verdict.js";
import { publishOnce, type PublishContext, type PublishOutcome } from "./publish.js";

/**
 * The Done verdict as a commit status on the MR's head commit (any GitLab tier: doc/api/commits.md "Set the
 * pipeline status of a commit"). A verdict bfd could not reach is `failed` with the reason — never a stale success.
 * The description is redacted (verdict.ts) before the GitLab adapter cuts it to GitLab's 255 characters.
 */
export function publishCommitStatus(
  ctx: PublishContext,
  gitlab: GitLabSource,
  target: { key: string; project: string; sha: string; name: string; targetUrl: string },
  verdict: Verdict,
): Promise<PublishOutcome> {
  const status: CommitStatusInput = {
    state: verdict.outcome === "pass" ? "success" : "failed",
    name: target.name,
    targetUrl: target.targetUrl,
    description: commitStatusDescription(verdict, ctx.redact),
  };
  return publishOnce(
    ctx,
    { output: "commitStatus", key: target.key, content: `${target.sha}\n${status.state}\n${status.description}` },
    () => gitlab.setCommitStatus(target.project, target.sha, status),
  );
}
