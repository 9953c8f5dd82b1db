import { assembleDoctor, configFactsOf, type DoctorFacts, type Failure, type Outcome } from "../doctor/checks.js";
import { expectedNames, nameUses } from "../doctor/prerequisites.js";
import { doctorExitCode } from "../doctor/result.js";
import { GITLAB_CI_FILE, MR_TEMPLATE_FILE } from "../init/scaffold.js";
import type { Config } from "../rules/schema.js";
import { nextRelease } from "../staging/window.js";
import { releaseCalendar } from "./board.js";
import { isBfdError } from "../errors.js";
import { withoutUserInfo } from "../redact.js";
import type { ExitCode } from "../exit-codes.js";
import { loadDoctorReporter, type DoctorFormat } from "../reporters/doctor/index.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import type { LinearSource } from "../sources/linear/index.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { renderOptionsFor } from "./output.js";
import { sourceSetup } from "./sources.js";

export interface DoctorOptions {
  format: DoctorFormat;
}

/**
 * `bfd doctor`: is this machine (or job) set up for the gates? Reads the config, builds both clients from the
 * environment, asks Linear who owns the key and GitLab what the token is, who it belongs to and whether it reads the
 * project, the team's workflow states and labels and the project's labels — all in one wave — then judges the lot (src/doctor/checks.ts). Every step that fails becomes a check's
 * verdict, never the end of the run. Exit 0 all good (warnings allowed), 2 a setup problem, 3 a service unusable.
 */
export async function runDoctor(ctx: CommandContext, options: DoctorOptions): Promise<ExitCode> {
  const setup = sourceSetup(ctx);
  const { env } = ctx;
  // Plain data for the verdicts; messages pass the run's redaction too, so no token can reach the result.
  const failure = (error: unknown): Failure => {
    if (isBfdError(error)) {
      return {
        kind: error.kind,
        code: error.code,
        message: ctx.redact(error.message),
        hint: error.hint === undefined ? undefined : ctx.redact(error.hint),
        details: error.details.map(ctx.redact),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: "internal",
      code: "internal",
      message: ctx.redact(`bfd failed unexpectedly: ${message}`),
      hint: "This is a bfd bug: please report it with the output of bfd doctor --debug.",
    };
  };
  const outcome = async <T>(run: () => T | Promise<T>): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      if (ctx.debug && !isBfdError(error))
        ctx.stderr(`debug: ${error instanceof Error ? error.stack : String(error)}\n`);
      return { ok: false, failure: failure(error) };
    }
  };
  const { gitlabFromEnv, gitlabHostAndOrigin, linearFromEnv, resolveProjectAndOrigin } =
    await import("../sources/env.js");

  // Local steps first: the config (it may name the project), the host, the project, both clients.
  const rules = await outcome(() => loadLocalRules(ctx));
  const config = rules.ok ? { ok: true as const, value: configFactsOf(rules.value) } : rules;
  const [host, project, linearClient] = await Promise.all([
    outcome(() => gitlabHostAndOrigin(setup)),
    rules.ok ? outcome(() => resolveProjectAndOrigin(setup, rules.value.config.gitlab?.project)) : null,
    outcome(() => linearFromEnv(setup)),
  ]);
  const gitlabToken = env.GITLAB_TOKEN?.trim() ?? "";
  const gitlabClient: Outcome<GitLabSource> | null =
    gitlabToken !== "" && !host.ok
      ? null
      : await outcome(() =>
          // The host as resolved above, so the checkout's remote is not read a second time.
          gitlabFromEnv(host.ok ? { ...setup, env: { ...env, GITLAB_URL: host.value.host } } : setup),
        );

  // One wave: Linear's viewer, GitLab's token, user and project, all at once.
  const linear: LinearSource | null = linearClient.ok ? linearClient.value : null;
  const gitlab: GitLabSource | null = gitlabClient?.ok === true ? gitlabClient.value : null;
  const projectRef = project?.ok === true ? (project.value?.project ?? null) : null;
  // The process's prerequisites are read in the same wave: the team's states and labels, the project's labels.
  const team = rules.ok ? (rules.value.config.linear?.team ?? null) : null;
  // HEAD: the project's default branch, without waiting for the project's read to learn its name
  // (doc/api/repository_files.md: "Use HEAD to automatically use the default branch").
  const atHead = (path: string) =>
    gitlab === null || projectRef === null ? null : outcome(() => gitlab.readFile(projectRef, path, "HEAD"));
  const [viewer, user, token, projectRead, linearTeam, gitlabLabels, template, pipeline] = await Promise.all([
    linear === null ? null : outcome(() => linear.viewer()),
    gitlab === null ? null : outcome(() => gitlab.currentUser()),
    gitlab === null ? null : outcome(() => gitlab.tokenInfo()),
    gitlab === null || projectRef === null ? null : outcome(() => gitlab.getProject(projectRef)),
    linear === null || team === null ? null : outcome(() => linear.teamWorkflow(team)),
    gitlab === null || projectRef === null ? null : outcome(() => gitlab.listLabels(projectRef)),
    atHead(MR_TEMPLATE_FILE),
    atHead(GITLAB_CI_FILE),
  ]);

  const linearApiUrl = env.LINEAR_API_URL ? withoutUserInfo(env.LINEAR_API_URL) : null;
  const facts: DoctorFacts = {
    now: ctx.startedAt,
    nextRelease: rules.ok ? releaseDay(rules.value.config, ctx.startedAt) : null,
    config,
    linear: {
      client: linearClient.ok ? { ok: true, value: { apiUrl: linearApiUrl } } : linearClient,
      viewer:
        viewer === null
          ? null
          : viewer.ok
            ? { ok: true, value: { name: viewer.value.name, email: viewer.value.email } }
            : viewer,
      budget: linear?.rateLimitStatus() ?? null,
    },
    gitlab: {
      host: host.ok ? { ok: true, value: { url: withoutUserInfo(host.value.host), from: host.value.from } } : host,
      jobTokenOnly: gitlabToken === "" && (env.CI_JOB_TOKEN ?? "") !== "",
      client: gitlabClient === null ? null : gitlabClient.ok ? { ok: true, value: null } : gitlabClient,
      user: user === null ? null : user.ok ? { ok: true, value: { username: user.value.username } } : user,
      token,
      project,
      projectRead,
    },
    workspace: rules.ok
      ? {
          expected: expectedNames(nameUses(rules.value.rules, rules.value.config)),
          team,
          linearTeam,
          gitlabLabels,
        }
      : null,
    repository: rules.ok ? { sections: rules.value.rules, template, pipeline } : null,
  };
  const result = assembleDoctor(facts);
  const render = await loadDoctorReporter(options.format);
  ctx.stdout(render(result, renderOptionsFor(ctx, undefined)));
  return doctorExitCode(result);
}

/** The next release day of the team's calendar (staging: in bfd.config.yaml); null when its time zone is unknown. */
function releaseDay(config: Config, now: number): { at: number; shown: string } | null {
  try {
    const next = nextRelease(releaseCalendar(config), new Date(now).toISOString());
    return { at: Date.parse(next.at), shown: next.shown };
  } catch {
    // A bad staging.timeZone is bfd staging's error to report; doctor's token line goes without the release day.
    return null;
  }
}
