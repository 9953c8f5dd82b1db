import { ownComment } from "../app/issue-comment.js";
import { publishOnce, type PublishContext, type PublishOutcome } from "./publish.js";
import type { IssueComments } from "./issue-comments.js";
import { LINEAR_MARKER, readyCommentText, type Verdict } from "./verdict.js";

export { LINEAR_MARKER };

/**
 * The Ready report as bfd's one comment on the issue: found by the leading marker AND written by the API key's own
 * user (nobody else's comment is ever edited), updated in place; created when there is none. A passing gate says
 * "ready" in its first line. The body (verdict.ts) is redacted and cut to LINEAR_COMMENT_MAX_CHARS.
 */
export async function publishLinearComment(
  ctx: PublishContext,
  comments: IssueComments,
  target: { key: string; issueId: string; selfId: string | null },
  verdict: Verdict,
): Promise<PublishOutcome> {
  const body = readyCommentText(verdict, ctx.redact);
  return publishOnce(ctx, { output: "linearComment", key: target.key, content: body }, async () => {
    const own = ownComment(await comments.list(target.issueId), LINEAR_MARKER, target.selfId);
    if (own !== null) await comments.update(own.id, body);
    else await comments.create(target.issueId, body);
  });
}

/** Whether bfd has commented on the issue (it then keeps its comment current on every edit). */
export async function hasCommented(ctx: PublishContext, key: string): Promise<boolean> {
  return (await ctx.state.lastPublished("linearComment", key)) !== null;
}
