/**
 * Linear and GitLab sources built from the environment the composition root hands in (never `process.env` here),
 * with every "is it set, is it a URL" check made before the first request.
 */
import { usageError } from "../errors.js";
import { originUrl } from "./git.js";
import type { GitLabSource } from "./gitlab/index.js";
import type { LinearSource } from "./linear/index.js";
import type { RetryPolicy } from "./retry-policy.js";
import { CI_GITLAB_TOKEN_HINT, GITLAB_TOKEN_HINT, JOB_TOKEN_LIMITS, LINEAR_KEY_HINT } from "./tokens.js";
import type { RequestListener } from "./trail.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface SourceSetup {
  env: Env;
  cwd: string;
  policy: RetryPolicy;
  onRequest?: RequestListener | undefined;
  /** When the run started: the policy's deadline counts from here for every source. */
  startedAt?: number | undefined;
  /** `-R, --repo GROUP/PROJECT` (or the project's URL or numeric id): names the GitLab project before anything else. */
  repo?: string | undefined;
}

/** `accessToken`: the variable holds an OAuth access token (sent as Bearer), not a personal API key. */
export function linearFromEnv(setup: SourceSetup, credential: { accessToken?: boolean } = {}): Promise<LinearSource> {
  const apiKey = setup.env.LINEAR_API_KEY;
  if (apiKey === undefined || apiKey.trim() === "") {
    throw usageError(
      "linear-key-missing",
      "LINEAR_API_KEY is not set: bfd needs it to read the issue from Linear",
      LINEAR_KEY_HINT,
    );
  }
  const apiUrl = setup.env.LINEAR_API_URL;
  if (apiUrl !== undefined && apiUrl !== "") checkUrl("LINEAR_API_URL", apiUrl);
  return import("./linear/index.js").then(({ createLinearSource }) =>
    createLinearSource({
      apiKey: apiKey.trim(),
      ...(credential.accessToken === true ? { accessToken: apiKey.trim() } : {}),
      policy: setup.policy,
      ...(apiUrl ? { apiUrl } : {}),
      ...(setup.onRequest ? { onRequest: setup.onRequest } : {}),
      ...(setup.startedAt === undefined ? {} : { startedAt: setup.startedAt }),
    }),
  );
}

/** Where the GitLab host came from, in the order `gitlabHost` tries them. */
export type GitLabHostOrigin = "GITLAB_URL" | "CI_SERVER_URL" | "the origin remote" | "the gitlab.com default";

/**
 * The GitLab instance: GITLAB_URL, else CI_SERVER_URL, else the host of the checkout's `origin` remote, else
 * gitlab.com. The remote comes before gitlab.com so a self-hosted team's token is never sent to gitlab.com by default.
 */
export async function gitlabHost(setup: Pick<SourceSetup, "env" | "cwd">): Promise<string> {
  return (await gitlabHostAndOrigin(setup)).host;
}

/** `gitlabHost`, and where it came from (`bfd doctor` says which). */
export async function gitlabHostAndOrigin(
  setup: Pick<SourceSetup, "env" | "cwd">,
): Promise<{ host: string; from: GitLabHostOrigin }> {
  let host = setup.env.GITLAB_URL || setup.env.CI_SERVER_URL;
  let from: GitLabHostOrigin = setup.env.GITLAB_URL ? "GITLAB_URL" : "CI_SERVER_URL";
  const variable = setup.env.GITLAB_URL
    ? "GITLAB_URL"
    : setup.env.CI_SERVER_URL
      ? "CI_SERVER_URL"
      : "the origin remote";
  if (!host) {
    const remote = await originUrl(setup.cwd);
    const { projectFromRemoteUrl } = await import("./gitlab/index.js");
    const fromRemote = remote === null ? null : projectFromRemoteUrl(remote);
    // `fromRemote.host` is an origin with its protocol already (https://gitlab.example.com).
    const useDefault = fromRemote === null || /(^|\.)github\.com$/i.test(new URL(fromRemote.host).hostname);
    host = useDefault ? "https://gitlab.com" : fromRemote.host;
    from = useDefault ? "the gitlab.com default" : "the origin remote";
  }
  checkUrl(variable, host);
  return { host: host.replace(/\/+$/, "").replace(/\/api\/v4$/, ""), from };
}

/**
 * GitLab needs GITLAB_TOKEN: `CI_JOB_TOKEN` cannot read what the gates read (merge requests, diffs, pipelines,
 * notes, repository files), so a job that only has it is stopped here, before any request, with what to set.
 */
export async function gitlabFromEnv(setup: SourceSetup): Promise<GitLabSource> {
  const token = setup.env.GITLAB_TOKEN?.trim();
  if (token === undefined || token === "") {
    const inCi = setup.env.GITLAB_CI === "true" || (setup.env.CI_JOB_TOKEN ?? "") !== "";
    throw usageError(
      "gitlab-token-missing",
      inCi
        ? `GITLAB_TOKEN is not set: ${JOB_TOKEN_LIMITS}`
        : "GITLAB_TOKEN is not set: bfd needs it to read the merge request from GitLab",
      inCi ? CI_GITLAB_TOKEN_HINT : GITLAB_TOKEN_HINT,
    );
  }
  const host = await gitlabHost(setup);
  const { createGitLabSource } = await import("./gitlab/index.js");
  return createGitLabSource({
    host,
    token,
    policy: setup.policy,
    ...(setup.onRequest ? { onRequest: setup.onRequest } : {}),
    ...(setup.startedAt === undefined ? {} : { startedAt: setup.startedAt }),
  });
}

/**
 * The GitLab project: `-R/--repo`, else bfd.config.yaml's gitlab.project, else CI_PROJECT_ID, else the checkout's
 * origin remote.
 */
export async function resolveProject(
  setup: Pick<SourceSetup, "env" | "cwd" | "repo">,
  configProject: string | undefined,
): Promise<string | null> {
  return (await resolveProjectAndOrigin(setup, configProject))?.project ?? null;
}

/** `resolveProject` for commands that cannot go on without a project: none is exit 2 saying how to name one. */
export async function requireProject(
  setup: Pick<SourceSetup, "env" | "cwd" | "repo">,
  configProject: string | undefined,
): Promise<string> {
  const project = await resolveProject(setup, configProject);
  if (project === null) {
    throw usageError(
      "no-project",
      "cannot tell which GitLab project to look in",
      "Name it with -R group/project, set gitlab.project in bfd.config.yaml, or run inside a checkout whose origin is on GitLab.",
    );
  }
  return project;
}

/** Where the GitLab project came from, in the order `resolveProject` tries them. */
export type ProjectOrigin = "--repo" | "gitlab.project" | "CI_PROJECT_ID" | "the origin remote";

/** `resolveProject`, and where the project came from (`bfd doctor` says which); null when nothing names one. */
export async function resolveProjectAndOrigin(
  setup: Pick<SourceSetup, "env" | "cwd" | "repo">,
  configProject: string | undefined,
): Promise<{ project: string; from: ProjectOrigin } | null> {
  if (setup.repo !== undefined) return { project: await repoProject(setup.repo), from: "--repo" };
  if (configProject !== undefined) return { project: configProject, from: "gitlab.project" };
  if (setup.env.CI_PROJECT_ID) return { project: setup.env.CI_PROJECT_ID, from: "CI_PROJECT_ID" };
  const remote = await originUrl(setup.cwd);
  if (remote === null) return null;
  const { projectFromRemoteUrl } = await import("./gitlab/index.js");
  const projectPath = projectFromRemoteUrl(remote)?.projectPath;
  return projectPath === undefined ? null : { project: projectPath, from: "the origin remote" };
}

/** `-R` as glab takes it: GROUP/PROJECT (subgroups too), a numeric project id, or the project's URL (web or git). */
async function repoProject(repo: string): Promise<string> {
  const value = repo.trim();
  if (/^\d+$/.test(value)) return value;
  if (/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.][A-Za-z0-9_.-]*)+$/.test(value)) return value.replace(/\.git$/, "");
  const { projectFromRemoteUrl } = await import("./gitlab/index.js");
  // A web address may go on past the project ("…/acme/web/-/merge_requests"): the project is what comes before "/-/".
  const fromUrl = projectFromRemoteUrl(value.replace(/\/-(\/.*)?$/, ""))?.projectPath;
  if (fromUrl !== undefined) return fromUrl;
  throw usageError(
    "bad-repo",
    `--repo ${value}: not a GitLab project`,
    "Name the project as GROUP/PROJECT (e.g. -R acme/web), its numeric id, or its URL.",
  );
}

function checkUrl(variable: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usageError(
      "bad-url",
      `${variable} is not a URL: "${value}"`,
      `Set ${variable} to an http(s) URL, e.g. https://gitlab.example.com`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw usageError(
      "bad-url",
      `${variable} must be an http(s) URL, not ${url.protocol}`,
      `Set ${variable} to an http(s) URL, e.g. https://gitlab.example.com`,
    );
  }
}
