import { createHash } from "node:crypto";
import type { Fence, ServeState } from "./job.js";
import type { Metrics } from "./metrics.js";

export type Output = "commitStatus" | "mergeRequestNote" | "statusCheck" | "linearComment" | "agentActivity";
export type PublishOutcome = "written" | "unchanged" | "superseded";

export interface PublishContext {
  fence: Fence;
  state: ServeState;
  metrics: Metrics;
  /** Every secret the service holds and anything token-shaped: applied to each text before it is cut and sent. */
  redact: (text: string) => string;
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
