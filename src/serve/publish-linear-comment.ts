import { ownComment } from "../app/issue-comment.js";
import { publishOnce, type PublishContext, type PublishOutcome } from "./publish.js";
import type { IssueComments } from "./issue-comments.js";
import type { Verdict } from "./verdict.js";

/** Hidden marker that identifies bfd's own comment on a Linear issue. */
export const LINEAR_MARKER = "<!-- bfd:ready-comment -->";

/**
 * The Ready report as bfd's one comment on the issue: found by the leading marker AND written by the API key's own
 * user (nobody else's comment is ever edited), updated in place; created when there is none. A passing gate says
 * "ready" in its first line.
 */
export async function publishLinearComment(
  ctx: PublishContext,
  comments: IssueComments,
  target: { key: string; issueId: string; selfId: string | null },
  verdict: Verdict,
): Promise<PublishOutcome> {
  const headline =
    verdict.outcome === "pass"
      ? "**Ready to pick up.** Every Ready criterion is met."
      : "**Not ready to pick up yet.** bfd updates this comment as the issue changes.";
  const body = `${LINEAR_MARKER}\n${headline}\n\n${verdict.markdown}`;
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
