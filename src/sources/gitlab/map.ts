/**
 * Pure mapping from GitLab REST JSON to bfd's plain data. Each reply is checked against the few fields bfd reads
 * (zod, unknown keys dropped), so a surprising reply fails here with a clear message instead of deep in a check.
 */
import { z } from "zod";
import type {
  ChangedFile,
  FileContent,
  GitLabUser,
  MergeRequest,
  MergeRequestActivity,
  Pipeline,
  PipelineJob,
} from "../../work-item/schema.js";

const PipelineJson = z.object({
  id: z.number(),
  status: z.string(),
  web_url: z.string().nullish(),
  sha: z.string().nullish(),
  ref: z.string().nullish(),
  // The project that ran it: a fork's, when a fork MR's pipeline ran in the fork (lib/api/entities/ci/pipeline_basic.rb).
  project_id: z.number().nullish(),
});

/**
 * What a merge-request pipeline ran on, by its ref: `refs/merge-requests/:iid/head` (the MR's own commits),
 * `…/merge` (GitLab's merge of them into the target branch: a merged-results pipeline) or `…/train` (a merge
 * train's). doc/ci/pipelines/merged_results_pipelines.md, doc/ci/pipelines/merge_trains.md; app/models/merge_request.rb
 * `merge_ref_path`, `train_ref_path`. Any other ref (a branch pipeline) says nothing.
 */
export function pipelineKindOfRef(ref: string | null | undefined): Pipeline["kind"] {
  const match = /^refs\/merge-requests\/\d+\/(head|merge|train)$/.exec(ref ?? "");
  if (match === null) return null;
  return match[1] === "head" ? "detached" : match[1] === "merge" ? "merged_result" : "merge_train";
}

/** `GET /projects/:id/repository/commits/:sha` (doc/api/commits.md "Get a single commit"): its parents. */
export const CommitJson = z.object({ id: z.string(), parent_ids: z.array(z.string()) });

// `labels` are strings unless the caller asked for `with_labels_details=true`.
const LabelJson = z.union([z.string(), z.object({ name: z.string() }).transform((label) => label.name)]);

const UserRefJson = z.object({ id: z.number().optional(), username: z.string(), name: z.string().nullish() });

function toGitLabUser(user: z.infer<typeof UserRefJson>): GitLabUser {
  return { username: user.username, name: user.name ?? user.username };
}

export const MergeRequestJson = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullish(),
  state: z.string(),
  draft: z.boolean().optional(),
  work_in_progress: z.boolean().optional(),
  labels: z.array(LabelJson).nullish(),
  author: UserRefJson.nullish(),
  source_branch: z.string(),
  target_branch: z.string(),
  merged_at: z.string().nullish(),
  updated_at: z.string(),
  sha: z.string().nullish(),
  web_url: z.string(),
  references: z.object({ full: z.string() }).nullish(),
  // Only the single-MR reply has these, and only when the caller may read pipelines: absent ≠ null.
  head_pipeline: PipelineJson.nullish(),
  pipeline: PipelineJson.nullish(),
  diff_refs: z.object({ head_sha: z.string().nullish() }).nullish(),
  // A string: "7", or "1000+" when GitLab listed only its "Maximum diff files" (doc/api/merge_requests.md).
  changes_count: z.string().nullish(),
  project_id: z.number().nullish(),
});
export type GitLabMergeRequestJson = z.infer<typeof MergeRequestJson>;

export const DiffJson = z.object({
  old_path: z.string(),
  new_path: z.string(),
  new_file: z.boolean(),
  renamed_file: z.boolean(),
  deleted_file: z.boolean(),
  diff: z.string().optional(),
  too_large: z.boolean().nullish(),
  collapsed: z.boolean().nullish(),
});
export type GitLabDiffJson = z.infer<typeof DiffJson>;

/**
 * The content of a file the MR adds, rebuilt from its diff: one hunk `@@ -0,0 +1,N @@` of `+` lines is the whole
 * file at the MR's head. Null when that is not certain (collapsed or too large diffs, more than one hunk, or a
 * line count that does not match), so the caller reads the file instead.
 */
export function newFileContentFromDiff(diff: GitLabDiffJson): string | null {
  if (
    !diff.new_file ||
    diff.too_large === true ||
    diff.collapsed === true ||
    diff.diff === undefined ||
    diff.diff === ""
  )
    return null;
  const lines = diff.diff.split("\n");
  const header = /^@@ -0,0 \+1(?:,(\d+))? @@/.exec(lines[0] ?? "");
  if (header === null) return null;
  const expected = header[1] === undefined ? 1 : Number(header[1]);
  const body: string[] = [];
  let noNewlineAtEnd = false;
  for (const line of lines.slice(1)) {
    if (line.startsWith("+")) body.push(line.slice(1));
    else if (line.startsWith("\\ No newline at end of file")) noNewlineAtEnd = true;
    else if (line !== "") return null;
  }
  if (body.length !== expected) return null;
  return body.join("\n") + (noNewlineAtEnd || body.length === 0 ? "" : "\n");
}

/** One job of `GET /projects/:id/pipelines/:pipeline_id/jobs` (doc/api/jobs.md). */
export const JobJson = z.object({
  id: z.number(),
  name: z.string(),
  stage: z.string().nullish(),
  status: z.string(),
  allow_failure: z.boolean().nullish(),
  web_url: z.string().nullish(),
});

export function toPipelineJob(job: z.infer<typeof JobJson>): PipelineJob {
  return {
    id: job.id,
    name: job.name,
    stage: job.stage ?? "",
    status: job.status,
    allowFailure: job.allow_failure ?? false,
    url: job.web_url ?? null,
    trigger: false,
    downstreamPipeline: null,
    description: null,
  };
}

/**
 * One trigger job of `GET /projects/:id/pipelines/:pipeline_id/bridges` (doc/api/jobs.md "List pipeline bridges"):
 * a job's fields, and `downstream_pipeline`, null until the bridge has started one.
 */
export const BridgeJson = JobJson.extend({
  downstream_pipeline: z.object({ id: z.number(), status: z.string(), web_url: z.string().nullish() }).nullish(),
});

export function toTriggerJob(bridge: z.infer<typeof BridgeJson>): PipelineJob {
  const downstream = bridge.downstream_pipeline ?? null;
  return {
    ...toPipelineJob(bridge),
    trigger: true,
    downstreamPipeline:
      downstream === null ? null : { id: downstream.id, status: downstream.status, url: downstream.web_url ?? null },
  };
}

/**
 * How many files GitLab says the MR changes, and whether its list of them is cut: `changes_count` ends in "+" when
 * the MR has more changed files than the instance's "Maximum diff files" (1,000 by default), and `/diffs` then lists
 * only that many — with no overflow flag of its own (doc/api/merge_requests.md, doc/administration/diff_limits.md).
 */
export function changesCap(
  count: string | null | undefined,
  listed: number,
): { capped: boolean; count: string } | null {
  if (count === undefined || count === null || count === "") return null;
  const number = Number.parseInt(count, 10);
  return { capped: count.trim().endsWith("+") || (Number.isFinite(number) && listed < number), count };
}

/** `GET /projects/:id/templates/:type` (lib/api/entities/templates_list.rb): each template's key and name. */
/** One entry of `GET /projects/:id/repository/tree` (doc/api/repositories.md): `blob` files, `tree` folders. */
export const TreeEntryJson = z.object({ path: z.string(), type: z.string() });

export const TemplateListJson = z.object({ key: z.string(), name: z.string() });
/** `GET /projects/:id/templates/:type/:name` (lib/api/entities/template.rb): its name and content. */
export const TemplateJson = z.object({ name: z.string(), content: z.string().nullish() });

export const NoteJson = z.object({
  id: z.number(),
  body: z.string(),
  author: z.object({ id: z.number(), username: z.string().optional(), name: z.string().nullish() }),
  system: z.boolean(),
  created_at: z.string().optional(),
});

export const ProjectJson = z.object({
  id: z.number(),
  path_with_namespace: z.string(),
  default_branch: z.string().nullish(),
  web_url: z.string(),
});

export const UserJson = z.object({ id: z.number(), username: z.string() });

export interface MergeRequestSummary {
  iid: number;
  projectPath: string;
  url: string;
  title: string;
  state: string;
  sourceBranch: string;
  targetBranch: string;
  draft: boolean;
  /** The author's username; null when GitLab does not say. */
  author: string | null;
  mergedAt: string | null;
  updatedAt: string;
}

export type MergedMergeRequest = MergeRequestSummary & { author: string; labels: string[]; description: string };

export interface NoteSummary {
  id: number;
  body: string;
  authorId: number;
  /** Null when GitLab's reply does not name the author's username. */
  author: GitLabUser | null;
  createdAt: string | null;
  system: boolean;
}

export interface ProjectSummary {
  id: number;
  path: string;
  defaultBranch: string;
  webUrl: string;
}

/**
 * Full project path of an MR: `references.full` ("group/app!42") minus "!42"; failing that, the path in `web_url`
 * before "/-/merge_requests/" (or the old "/merge_requests/"); failing that, `fallback`.
 */
export function projectPathOf(
  mr: Pick<GitLabMergeRequestJson, "iid" | "references" | "web_url">,
  fallback = "",
): string {
  const full = mr.references?.full;
  const suffix = `!${mr.iid}`;
  if (full !== undefined && full.endsWith(suffix) && full.length > suffix.length) return full.slice(0, -suffix.length);
  try {
    const match = /^\/(.+?)(?:\/-)?\/merge_requests\/\d+/.exec(new URL(mr.web_url).pathname);
    if (match?.[1] !== undefined) return decodeURIComponent(match[1]);
  } catch {
    // not a URL: use the fallback
  }
  return fallback;
}

export function toMergeRequestSummary(mr: GitLabMergeRequestJson, fallbackProjectPath = ""): MergeRequestSummary {
  return {
    iid: mr.iid,
    projectPath: projectPathOf(mr, fallbackProjectPath),
    url: mr.web_url,
    title: mr.title,
    state: mr.state,
    sourceBranch: mr.source_branch,
    targetBranch: mr.target_branch,
    draft: mr.draft ?? mr.work_in_progress ?? false,
    author: mr.author?.username ?? null,
    mergedAt: mr.merged_at ?? null,
    updatedAt: mr.updated_at,
  };
}

export function toMergedMergeRequest(mr: GitLabMergeRequestJson, fallbackProjectPath = ""): MergedMergeRequest {
  return {
    ...toMergeRequestSummary(mr, fallbackProjectPath),
    author: mr.author?.username ?? "",
    labels: mr.labels ?? [],
    description: mr.description ?? "",
  };
}

export function toChangedFile(diff: GitLabDiffJson): ChangedFile {
  return {
    oldPath: diff.old_path,
    newPath: diff.new_path,
    newFile: diff.new_file,
    deletedFile: diff.deleted_file,
    renamedFile: diff.renamed_file,
    // A pure rename: git writes no hunk for a rename at 100% similarity, and GitLab's `diff` is the hunks only
    // (doc/api/merge_requests.md, "List merge request diffs": `diff` starts at "@@"). An empty diff proves nothing
    // when GitLab left it out (`collapsed`, `too_large`; gitlab/NOTES.md), so those stay content changes.
    ...(diff.renamed_file && diff.diff === "" && diff.collapsed !== true && diff.too_large !== true
      ? { renamedOnly: true }
      : {}),
  };
}

/** False when GitLab left both pipeline fields out (the token's user may not read pipelines), true otherwise. */
export function pipelineVisible(mr: GitLabMergeRequestJson): boolean {
  return mr.head_pipeline !== undefined || mr.pipeline !== undefined;
}

/** The commit the MR's files should be read at: `sha`, else `diff_refs.head_sha`. */
export function headShaOf(mr: GitLabMergeRequestJson): string | null {
  return mr.sha ?? mr.diff_refs?.head_sha ?? null;
}

export function toMergeRequest(
  mr: GitLabMergeRequestJson,
  evidence: {
    changes?: ChangedFile[];
    files?: FileContent[];
    fallbackProjectPath?: string;
  } = {},
): MergeRequest {
  const pipeline = mr.head_pipeline ?? mr.pipeline ?? null;
  return {
    iid: mr.iid,
    projectPath: projectPathOf(mr, evidence.fallbackProjectPath ?? ""),
    url: mr.web_url,
    title: mr.title,
    description: mr.description ?? "",
    state: mr.state,
    draft: mr.draft ?? mr.work_in_progress ?? false,
    labels: mr.labels ?? [],
    author: mr.author?.username ?? null,
    authorName: mr.author === null || mr.author === undefined ? null : toGitLabUser(mr.author).name,
    sourceBranch: mr.source_branch,
    targetBranch: mr.target_branch,
    mergedAt: mr.merged_at ?? null,
    headSha: headShaOf(mr),
    headPipeline:
      pipeline === null
        ? null
        : {
            id: pipeline.id,
            status: pipeline.status,
            url: pipeline.web_url ?? null,
            sha: pipeline.sha ?? null,
            kind: pipelineKindOfRef(pipeline.ref),
            parents: null,
            projectId: pipeline.project_id ?? null,
            jobs: null,
            triggers: null,
          },
    changes: evidence.changes ?? [],
    files: evidence.files ?? [],
    existingFiles: null,
    staging: null,
    activity: null,
    templates: [],
  };
}

export function toNoteSummary(note: z.infer<typeof NoteJson>): NoteSummary {
  const { username, name } = note.author;
  return {
    id: note.id,
    body: note.body,
    authorId: note.author.id,
    author: username === undefined ? null : toGitLabUser({ username, name }),
    createdAt: note.created_at ?? null,
    system: note.system,
  };
}

/**
 * `GET /projects/:id/merge_requests/:iid/approvals` (doc/api/merge_request_approvals.md, any tier): who approves the MR
 * now. `approved_at` is there since GitLab added it to lib/api/entities/approvals.rb (`expose :created_at, as:
 * :approved_at`); older instances give only the user.
 */
export const ApprovalsJson = z.object({
  approved_by: z
    .array(z.object({ user: UserRefJson, approved_at: z.string().nullish() }))
    .nullish()
    .transform((list) => list ?? []),
});

/**
 * Who did what on the MR, for judging waivers: label events as they are; people's notes, without system notes and
 * without bfd's own note (it starts with `ownMarker`, and quotes waiver hints that nobody wrote as a waiver).
 */
export function toActivity(
  events: readonly LabelEvent[],
  notes: readonly NoteSummary[],
  approvals: z.infer<typeof ApprovalsJson>,
  ownMarker: string,
): MergeRequestActivity {
  return {
    labelEvents: events.map((e) => ({ label: e.label, action: e.action, at: e.at, by: e.byUser })),
    notes: notes
      .filter((n) => !n.system && n.author !== null && !n.body.trimStart().startsWith(ownMarker))
      .map((n) => ({ body: n.body, at: n.createdAt ?? "", by: n.author! })),
    approvals: approvals.approved_by.map((a) => ({ by: toGitLabUser(a.user), at: a.approved_at ?? null })),
  };
}

export function toProjectSummary(project: z.infer<typeof ProjectJson>): ProjectSummary {
  return {
    id: project.id,
    path: project.path_with_namespace,
    defaultBranch: project.default_branch ?? "",
    webUrl: project.web_url,
  };
}

/** Describes the first way `json` misses `schema`, e.g. "[3].new_path: expected string, received undefined". */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return "invalid";
  const path = issue.path
    .map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`))
    .join("")
    .replace(/^\./, "");
  return `${path === "" ? "(root)" : path}: ${issue.message}`;
}

/** Why a list of changed files cannot be trusted as whole, or null when it can (see changesCap). */
export function cappedListReason(iid: number, changesCount: string | null, listed: number): string | null {
  const cap = changesCap(changesCount, listed);
  if (cap === null || !cap.capped) return null;
  return `GitLab lists only ${listed} of the changed files of !${iid} (changes_count "${cap.count}": the instance's "Maximum diff files" limit), so a path rule cannot be judged on it; \`bfd ci\` reads the whole change from the job's git checkout`;
}

/** `GET /personal_access_tokens/self` (doc/api/personal_access_tokens.md). */
export const TokenJson = z.object({
  name: z.string(),
  scopes: z.array(z.string()),
  active: z.boolean().nullish(),
  revoked: z.boolean().nullish(),
  expires_at: z.string().nullish(),
  user_id: z.number().nullish(),
});

export interface TokenInfo {
  name: string;
  scopes: string[];
  active: boolean;
  /** ISO date (YYYY-MM-DD) or null when the token never expires. */
  expiresAt: string | null;
}

export function toTokenInfo(token: z.infer<typeof TokenJson>): TokenInfo {
  return {
    name: token.name,
    scopes: token.scopes,
    active: token.active !== false && token.revoked !== true,
    expiresAt: token.expires_at ?? null,
  };
}

/** One deployment of `GET /projects/:id/deployments` (doc/api/deployments.md). */
export const DeploymentJson = z.object({
  id: z.number(),
  sha: z.string(),
  ref: z.string().nullish(),
  status: z.string(),
  created_at: z.string(),
  updated_at: z.string().nullish(),
  finished_at: z.string().nullish(),
  environment: z.object({ name: z.string() }),
  deployable: z.object({ finished_at: z.string().nullish() }).nullish(),
});

export interface Deployment {
  id: number;
  environment: string;
  status: string;
  sha: string;
  /** When it finished: `finished_at`, else the job's, else `updated_at` (older instances). */
  finishedAt: string;
}

export function toDeployment(d: z.infer<typeof DeploymentJson>): Deployment {
  return {
    id: d.id,
    environment: d.environment.name,
    status: d.status,
    sha: d.sha,
    finishedAt: d.finished_at ?? d.deployable?.finished_at ?? d.updated_at ?? d.created_at,
  };
}

/** One entry of `GET /projects/:id/labels` (doc/api/labels.md): bfd needs only the name. */
export const ProjectLabelJson = z.object({ name: z.string() });

/** One entry of `GET /projects/:id/merge_requests/:iid/resource_label_events` (doc/api/resource_label_events.md). */
export const LabelEventJson = z.object({
  id: z.number(),
  created_at: z.string(),
  action: z.string(),
  label: z.object({ name: z.string() }).nullish(),
  user: UserRefJson.nullish(),
});

export interface LabelEvent {
  label: string;
  action: "add" | "remove";
  at: string;
  by: string | null;
  /** Who, with their display name; null when GitLab does not say (a deleted user). */
  byUser: GitLabUser | null;
}

export function toLabelEvent(e: z.infer<typeof LabelEventJson>): LabelEvent | null {
  // A label deleted from the project leaves its events with `label: null`: nothing to tell about it.
  if (e.label === null || e.label === undefined || (e.action !== "add" && e.action !== "remove")) return null;
  const user = e.user ?? null;
  return {
    label: e.label.name,
    action: e.action,
    at: e.created_at,
    by: user?.username ?? null,
    byUser: user === null ? null : toGitLabUser(user),
  };
}

/** One entry of `GET /projects/:id/repository/commits/:sha/statuses`: CI jobs and external statuses alike. */
export const CommitStatusJson = z.object({
  id: z.number(),
  name: z.string(),
  status: z.string(),
  stage: z.string().nullish(),
  allow_failure: z.boolean().nullish(),
  target_url: z.string().nullish(),
  pipeline_id: z.number().nullish(),
  // Set by whoever set the status; CI jobs have none. bfd serve's begins with its marker (work-item/own-status.ts).
  description: z.string().nullish(),
});

export function commitStatusAsJob(st: z.infer<typeof CommitStatusJson>): PipelineJob {
  return {
    id: st.id,
    name: st.name,
    stage: st.stage ?? "",
    status: st.status,
    allowFailure: st.allow_failure ?? false,
    url: st.target_url ?? null,
    trigger: false,
    downstreamPipeline: null,
    description: st.description ?? null,
  };
}
