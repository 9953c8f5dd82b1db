import { requireRules } from "../app/rules.js";
import { ExitCode } from "../exit-codes.js";
import { builtinRuleFiles } from "../rules/files.js";
import { gitlabFromEnv, gitlabHost, linearFromEnv } from "../sources/env.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { sourceSetup } from "./sources.js";

export interface ServeOptions {
  host: string | undefined;
  port: string | undefined;
}

/**
 * `bfd serve`: checks everything it can before the port opens (rules, secrets, tokens, Redis), then runs until
 * SIGTERM or SIGINT, when it stops accepting, drains the queue and exits 0.
 */
export async function runServe(ctx: CommandContext, version: string, options: ServeOptions): Promise<ExitCode> {
  const [{ serveSettings }, { createLogger }, { startService }, { EVALUATION_MARGIN_MS }] = await Promise.all([
    import("../serve/settings.js"),
    import("../serve/log.js"),
    import("../serve/service.js"),
    import("../serve/evaluate.js"),
  ]);
  // The Ready gate judges by the rules this service started with; the Done gate by each MR's target branch.
  const readyRules = loadLocalRules(ctx);
  requireRules(readyRules, "ready");
  const settings = serveSettings(ctx.env, readyRules.config.serve, options);
  const setup = sourceSetup(ctx);
  const host = await gitlabHost(setup);
  // Tokens are checked now (missing → exit 2); each job then gets sources of its own, with its own deadline.
  await Promise.all([linearFromEnv(setup), gitlabFromEnv(setup)]);
  const jobSetup = () => ({ ...setup, env: { ...ctx.env, GITLAB_URL: host }, startedAt: Date.now() });
  const sources = async () => {
    const each = jobSetup();
    const [linear, gitlab] = await Promise.all([linearFromEnv(each), gitlabFromEnv(each)]);
    const agentToken = settings.secrets.linearAgentToken;
    // The agent's answers come from bfd's app user: its actor=app token, at the same endpoint as LINEAR_API_KEY.
    const agent =
      agentToken === null
        ? null
        : await linearFromEnv({ ...each, env: { ...each.env, LINEAR_API_KEY: agentToken } }, { accessToken: true });
    return { linear, gitlab, agent };
  };
  const log = createLogger({ write: ctx.stdout }, { secrets: settings.secretValues, version });
  const service = await startService({
    settings,
    sources,
    gitlabHost: host,
    readyRules,
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    linearTeam: readyRules.config.linear?.team ?? null,
    log,
    now: ctx.now,
    // A hung Linear or GitLab is published as "not judged" after one request timeout, not after every retry.
    evaluationDeadlineMs: ctx.policy.timeoutMs + EVALUATION_MARGIN_MS,
  });
  // A long-running command is the one place signals belong: the orchestrator's stop is SIGTERM.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info({ "bfd.signal": signal }, `${signal}: no new deliveries; draining the queue`);
  await service.stop();
  log.info({}, "bfd serve stopped");
  return ExitCode.ok;
}
