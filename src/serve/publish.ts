import { createHash } from "node:crypto";
import type { GitLabSource } from "../sources/gitlab/index.js";
import type { IssueComments } from "./issue-comments.js";
import type { Fence, ServeState } from "./job.js";
import type { Metrics } from "./metrics.js";

export type Output = "commitStatus" | "mergeRequestNote" | "statusCheck" | "linearComment";
export type PublishOutcome = "written" | "unchanged" | "superseded";

export interface PublishContext {
  fence: Fence;
  state: ServeState;
  metrics: Metrics;
}

/**
 * One write of a verdict, made only when it says something new and the job is still the latest for its key.
 * Identical writes are skipped: each write is itself an event (a commit status starts a pipeline event, a comment
 * an issue event), so writing it again would have the service answer its own echo forever.
 */
export async function publishOnce(
  ctx: PublishContext,
  target: { output: Output; key: string; content: string },
  write: () => Promise<void>,
): Promise<PublishOutcome> {
  const fingerprint = createHash("sha256").update(target.content).digest("base64url");
  const outcome = await decide(ctx, target.output, target.key, fingerprint, write);
  ctx.metrics.publishes.inc({ output: target.output, outcome });
  return outcome;
}

async function decide(
  ctx: PublishContext,
  output: Output,
  key: string,
  fingerprint: string,
  write: () => Promise<void>,
): Promise<PublishOutcome> {
  if ((await ctx.state.lastPublished(output, key)) === fingerprint) return "unchanged";
  if (!(await ctx.fence.stillLatest())) return "superseded";
  try {
    await write();
  } catch (error) {
    ctx.metrics.publishes.inc({ output, outcome: "failed" });
    throw error;
  }
  await ctx.state.setLastPublished(output, key, fingerprint);
  return "written";
}

/**
 * The GitLab adapter as the work writes through it: every text it sends (a note's body, a commit status's
 * description and link) is redacted with every secret the service holds. The publishers' bodies are already
 * escaped, redacted and cut (verdict.ts); this is the last pass before the network, as src/cli.ts's is for the
 * CLI's output. A commit status's description is cut to GitLab's 255 characters by the adapter, after this.
 */
export function redactingGitLab(gitlab: GitLabSource, redact: (text: string) => string): GitLabSource {
  return {
    ...gitlab,
    createNote: (project, iid, body) => gitlab.createNote(project, iid, redact(body)),
    updateNote: (project, iid, noteId, body) => gitlab.updateNote(project, iid, noteId, redact(body)),
    setCommitStatus: (project, sha, status) =>
      gitlab.setCommitStatus(project, sha, {
        ...status,
        ...(status.description === undefined ? {} : { description: redact(status.description) }),
        ...(status.targetUrl === undefined ? {} : { targetUrl: redact(status.targetUrl) }),
      }),
  };
}

/** The Linear-comment port with the same last pass: every comment body is redacted with the service's secrets. */
export function redactingComments(comments: IssueComments, redact: (text: string) => string): IssueComments {
  return {
    list: (issueId) => comments.list(issueId),
    create: (issueId, body) => comments.create(issueId, redact(body)),
    update: (commentId, body) => comments.update(commentId, redact(body)),
  };
}
