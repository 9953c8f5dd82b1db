import type { SourceSetup } from "../sources/env.js";
import type { CommandContext } from "./context.js";

/** What the sources take from the command's context: the environment, the checkout, the network policy. */
export function sourceSetup(ctx: CommandContext): SourceSetup {
  return {
    env: ctx.env,
    cwd: ctx.cwd,
    policy: ctx.policy,
    onRequest: ctx.onRequest,
    startedAt: ctx.startedAt,
    repo: ctx.repoOption,
  };
}
