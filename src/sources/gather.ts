import type { CommandContext } from "../commands/context.js";
import { BfdError, inputError, usageError } from "../errors.js";
import type { Gate } from "../rules/schema.js";
import { findKeysInBranch } from "../work-item/issue-keys.js";
import {
  makeWorkItem,
  type Issue,
  type MergeRequest,
  type Person,
  type WorkItem,
  type WorkItemInput,
} from "../work-item/schema.js";
import { currentBranch, originUrl } from "./git.js";
import type { GitLabSource, MergeRequestSummary } from "./gitlab/index.js";
import type { LinearSource } from "./linear/index.js";

export interface GatherRequest {
  gate: Gate;
  issue: string | undefined;
  mr: string | undefined;
  flagRecordGlobs: string[];
  /** Project from bfd.config.yaml (`gitlab.project`). */
  configProject?: string | undefined;
  /** In CI the branch and MR come from the pipeline, not from git. */
  ci?: { branch: string; project: string; mrIid: number } | undefined;
}

const LINEAR_KEY_HINT =
  "Create a personal API key in Linear (Settings → Security & access → Personal API keys) and export LINEAR_API_KEY=lin_api_…";
const GITLAB_TOKEN_HINT =
  "Create a personal or project access token with the read_api scope (api to post notes) and export GITLAB_TOKEN=glpat-…";

export function linearFromEnv(ctx: CommandContext): Promise<LinearSource> {
  const apiKey = ctx.env.LINEAR_API_KEY;
  if (apiKey === undefined || apiKey.trim() === "") {
    throw usageError(
      "linear-key-missing",
      "LINEAR_API_KEY is not set: bfd needs it to read the issue from Linear",
      LINEAR_KEY_HINT,
    );
  }
  const apiUrl = ctx.env.LINEAR_API_URL;
  if (apiUrl !== undefined && apiUrl !== "") checkUrl("LINEAR_API_URL", apiUrl);
  return import("./linear/index.js").then(({ createLinearSource }) =>
    createLinearSource({
      apiKey: apiKey.trim(),
      policy: ctx.policy,
      ...(apiUrl ? { apiUrl } : {}),
      ...(ctx.onRequest ? { onRequest: ctx.onRequest } : {}),
    }),
  );
}

/**
 * The GitLab instance: GITLAB_URL, else CI_SERVER_URL, else the host of the checkout's `origin` remote, else
 * gitlab.com. The remote comes before gitlab.com so a self-hosted team's token is never sent to gitlab.com by default.
 */
export async function gitlabHost(ctx: CommandContext): Promise<string> {
  let host = ctx.env.GITLAB_URL || ctx.env.CI_SERVER_URL;
  const variable = ctx.env.GITLAB_URL ? "GITLAB_URL" : ctx.env.CI_SERVER_URL ? "CI_SERVER_URL" : "the origin remote";
  if (!host) {
    const remote = await originUrl(ctx.cwd);
    const { projectFromRemoteUrl } = await import("./gitlab/index.js");
    const fromRemote = remote === null ? null : projectFromRemoteUrl(remote);
    host =
      fromRemote === null || /(^|\.)github\.com$/i.test(fromRemote.host)
        ? "https://gitlab.com"
        : `https://${fromRemote.host}`;
  }
  checkUrl(variable, host);
  return host.replace(/\/+$/, "").replace(/\/api\/v4$/, "");
}

export async function gitlabFromEnv(ctx: CommandContext): Promise<GitLabSource> {
  const token = ctx.env.GITLAB_TOKEN?.trim() || undefined;
  const jobToken = ctx.env.CI_JOB_TOKEN?.trim() || undefined;
  if (token === undefined && jobToken === undefined) {
    throw usageError(
      "gitlab-token-missing",
      "GITLAB_TOKEN is not set: bfd needs it to read the merge request from GitLab",
      GITLAB_TOKEN_HINT,
    );
  }
  const host = await gitlabHost(ctx);
  const { createGitLabSource } = await import("./gitlab/index.js");
  return createGitLabSource({
    host,
    policy: ctx.policy,
    ...(token ? { token } : { jobToken }),
    ...(ctx.onRequest ? { onRequest: ctx.onRequest } : {}),
  });
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

/** Which issue, when none was named: Linear's branch search, then a key in the branch name. */
async function fetchIssueForBranch(
  linear: LinearSource,
  branch: string | null,
): Promise<{ issue: Issue; viewer: Person | null }> {
  if (branch === null) {
    throw usageError(
      "no-issue",
      "no issue given and no git branch to find it from",
      "Name the issue: bfd ready ENG-123 (or a Linear issue URL).",
    );
  }
  const byBranch = await linear.fetchIssueByBranch(branch);
  if (byBranch.issue !== null) return { issue: byBranch.issue, viewer: byBranch.viewer };
  const keys = findKeysInBranch(branch).slice(0, MAX_KEYS_TRIED);
  if (keys.length === 0) {
    throw usageError(
      "no-issue",
      `no Linear issue matches the branch "${branch}"`,
      "Name the issue (bfd done ENG-123), or use Linear's branch name (copy it from the issue: Cmd/Ctrl+Shift+.) so bfd can find it.",
    );
  }
  const found = await firstKnownIssue(linear, keys);
  if (found === null) {
    throw inputError(
      "issue-not-found",
      `${keys.join(", ")} (named by the branch "${branch}") ${keys.length === 1 ? "was" : "were"} not found in Linear`,
      "Name the issue: bfd done ENG-123",
    );
  }
  return found;
}

/** Key-like words a branch or MR may name before its real issue key; each costs one Linear request. */
export const MAX_KEYS_TRIED = 3;

/**
 * The first of `keys` that Linear knows, tried in order (fix/utf-8-eng-42 names UTF-8 first), or null when
 * none is an issue. Other failures (auth, outage) are thrown as they are.
 */
export async function firstKnownIssue(
  linear: LinearSource,
  keys: readonly string[],
): Promise<{ issue: Issue; viewer: Person | null } | null> {
  for (const key of keys) {
    try {
      return await linear.fetchIssue(key);
    } catch (error) {
      if (!(error instanceof BfdError && error.code === "issue-not-found")) throw error;
    }
  }
  return null;
}

interface MrTarget {
  project: string;
  iid: number;
}

const MR_URL = /\/-\/merge_requests\/(\d+)/;

/** The GitLab project: bfd.config.yaml's gitlab.project, else CI_PROJECT_ID, else the checkout's origin remote. */
export async function resolveProject(ctx: CommandContext, configProject: string | undefined): Promise<string | null> {
  if (configProject !== undefined) return configProject;
  if (ctx.env.CI_PROJECT_ID) return ctx.env.CI_PROJECT_ID;
  const remote = await originUrl(ctx.cwd);
  if (remote === null) return null;
  const { projectFromRemoteUrl } = await import("./gitlab/index.js");
  return projectFromRemoteUrl(remote)?.projectPath ?? null;
}

async function explicitMr(
  ctx: CommandContext,
  request: GatherRequest,
  project: Promise<string | null>,
): Promise<MrTarget | null> {
  if (request.ci !== undefined) return { project: request.ci.project, iid: request.ci.mrIid };
  if (request.mr === undefined) return null;
  if (/^!?\d+$/.test(request.mr.trim())) {
    const resolved = await project;
    if (resolved === null) {
      throw usageError(
        "no-project",
        `--mr ${request.mr}: cannot tell which GitLab project it belongs to`,
        "Pass the MR's URL instead, set gitlab.project in bfd.config.yaml, or run inside a checkout whose origin is on GitLab.",
      );
    }
    return { project: resolved, iid: Number(request.mr.trim().replace("!", "")) };
  }
  const { parseMergeRequestUrl } = await import("./gitlab/index.js");
  const parsed = parseMergeRequestUrl(request.mr);
  if (parsed === null) {
    throw usageError(
      "bad-mr",
      `--mr ${request.mr}: not a merge request number or URL`,
      "Use --mr 42 or --mr https://gitlab.example.com/group/app/-/merge_requests/42",
    );
  }
  return { project: parsed.projectPath, iid: parsed.iid };
}

function describeCandidates(candidates: readonly MergeRequestSummary[]): string[] {
  return candidates.map((c) => `${c.projectPath}!${c.iid} (${c.state}) ${c.title} — bfd done --mr ${c.url}`);
}

/**
 * Picks the MR for an issue: its Linear attachments first (the open one, else the most recently merged), then
 * open MRs from the current branch or the issue's branch. Several equally good candidates are a usage error
 * that lists them; none is not an error (the MR rules then say "no merge request found").
 */
async function discoverMr(
  gitlab: GitLabSource,
  issue: Issue,
  branchMrs: () => Promise<MergeRequestSummary[]>,
  project: string | null,
  branch: string | null,
): Promise<{ target: MrTarget | null; lookup: string }> {
  const { parseMergeRequestUrl } = await import("./gitlab/index.js");
  const attached = issue.attachments
    .filter((a) => MR_URL.test(a.url))
    .map((a) => parseMergeRequestUrl(a.url))
    .filter((a): a is NonNullable<typeof a> => a !== null);
  const unique = [...new Map(attached.map((a) => [`${a.projectPath}!${a.iid}`, a])).values()];
  if (unique.length === 1) return { target: { project: unique[0]!.projectPath, iid: unique[0]!.iid }, lookup: "" };
  if (unique.length > 1) {
    const summaries = await Promise.all(unique.map((a) => gitlab.getMergeRequestSummary(a.projectPath, a.iid)));
    const open = summaries.filter((s) => s.state === "opened");
    if (open.length === 1) return { target: { project: open[0]!.projectPath, iid: open[0]!.iid }, lookup: "" };
    if (open.length > 1) throw severalMrs(issue.identifier, open, "open merge requests are attached to");
    const merged = summaries
      .filter((s) => s.state === "merged" && s.mergedAt !== null)
      .sort((a, b) => (b.mergedAt ?? "").localeCompare(a.mergedAt ?? ""));
    if (merged.length > 0) return { target: { project: merged[0]!.projectPath, iid: merged[0]!.iid }, lookup: "" };
  }
  const fromBranches = await branchMrs();
  const distinct = [...new Map(fromBranches.map((m) => [`${m.projectPath}!${m.iid}`, m])).values()];
  if (distinct.length === 1)
    return { target: { project: distinct[0]!.projectPath, iid: distinct[0]!.iid }, lookup: "" };
  if (distinct.length > 1)
    throw severalMrs(issue.identifier, distinct, "open merge requests come from the branches of");
  const where = [branch, issue.branchName].filter(
    (b, i, all): b is string => b !== null && b !== "" && all.indexOf(b) === i,
  );
  const lookup =
    project === null
      ? `no merge request attached to ${issue.identifier} in Linear, and no GitLab project known to search branches in`
      : `no merge request attached to ${issue.identifier} in Linear, and no open merge request in ${project} from ${where.length === 0 ? "its branch" : where.map((b) => `"${b}"`).join(" or ")}`;
  return { target: null, lookup };
}

function severalMrs(key: string, candidates: readonly MergeRequestSummary[], what: string): BfdError {
  return new BfdError("usage", "several-mrs", `${candidates.length} ${what} ${key}; say which with --mr`, {
    details: describeCandidates(candidates),
    hint: "Run again with --mr <number or URL> for the merge request you are handing off.",
  });
}

async function listBranchMrs(
  gitlab: GitLabSource,
  project: string | null,
  branches: readonly (string | null)[],
): Promise<MergeRequestSummary[]> {
  if (project === null) return [];
  const names = [...new Set(branches.filter((b): b is string => b !== null && b !== ""))];
  const lists = await Promise.all(names.map((b) => gitlab.listOpenMergeRequestsForBranch(project, b)));
  return lists.flat();
}

/**
 * Builds the WorkItem from the live services in as few sequential waves as the evidence allows:
 * the Linear issue (one request) runs alongside the GitLab requests that do not depend on it — the MR
 * evidence when the MR is already known (--mr, CI), else the open MRs from the current branch.
 */
export async function gatherWorkItem(ctx: CommandContext, request: GatherRequest): Promise<WorkItem> {
  const now = ctx.now().toISOString();
  const needGitLab = request.gate === "done";
  const linearPromise = linearFromEnv(ctx);
  const gitlabPromise = needGitLab ? gitlabFromEnv(ctx) : null;
  const sources = Promise.all([linearPromise, gitlabPromise]);
  // A source that fails to build (bad LINEAR_API_URL) must stay observed while git answers.
  sources.catch(() => undefined);
  const branch = request.ci?.branch ?? (await currentBranch(ctx.cwd));
  const [linear, gitlab] = await sources;

  const issuePromise = (async () => {
    if (request.issue !== undefined) {
      const { parseIssueReference } = await import("./linear/index.js");
      return linear.fetchIssue(parseIssueReference(request.issue));
    }
    return fetchIssueForBranch(linear, branch);
  })();

  if (gitlab === null) {
    const { issue, viewer } = await issuePromise;
    return makeWorkItem({ schemaVersion: 1, now, branch, viewer, issue, mergeRequest: null });
  }

  const projectPromise = resolveProject(ctx, request.configProject);
  // Keep the promise rejections observed while other awaits are pending (Node would report them as unhandled).
  projectPromise.catch(() => undefined);
  issuePromise.catch(() => undefined);
  const known = await explicitMr(ctx, request, projectPromise);
  let evidencePromise =
    known === null
      ? null
      : gitlab.fetchMergeRequestEvidence(known.project, known.iid, { flagRecordGlobs: request.flagRecordGlobs });
  evidencePromise?.catch(() => undefined);
  // Speculative: the open MRs from the current branch, fetched while Linear answers (used only if no MR is attached).
  const branchMrs =
    known === null ? projectPromise.then((p) => listBranchMrs(gitlab, p, [branch])) : Promise.resolve([]);
  branchMrs.catch(() => undefined);

  const { issue, viewer } = await issuePromise;
  let lookup: string | null = null;
  if (evidencePromise === null) {
    const project = await projectPromise;
    // Asked for only when no MR is attached: the open MRs from the issue's own branch join the current branch's.
    const fromBranches = (): Promise<MergeRequestSummary[]> => {
      const moreBranches =
        issue.branchName !== "" && issue.branchName !== branch
          ? listBranchMrs(gitlab, project, [issue.branchName])
          : Promise.resolve([]);
      return Promise.all([branchMrs, moreBranches]).then((l) => l.flat());
    };
    const discovered = await discoverMr(gitlab, issue, fromBranches, project, branch);
    if (discovered.target !== null) {
      evidencePromise = gitlab.fetchMergeRequestEvidence(discovered.target.project, discovered.target.iid, {
        flagRecordGlobs: request.flagRecordGlobs,
      });
    } else {
      lookup = discovered.lookup;
    }
  }
  const evidence = evidencePromise === null ? null : await evidencePromise;
  const mergeRequest: MergeRequest | null = evidence?.mergeRequest ?? null;
  const input: WorkItemInput = {
    schemaVersion: 1,
    now,
    branch,
    viewer,
    issue,
    mergeRequest,
    unavailable: evidence?.unavailable ?? [],
    context: { mergeRequestLookup: lookup, ruleFilesChangedByMergeRequest: [] },
  };
  return makeWorkItem(input);
}
