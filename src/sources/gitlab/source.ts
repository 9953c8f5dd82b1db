import type { z } from "zod";
import { OWN_NOTE_MARKER } from "../../work-item/own-status.js";
import type {
  ChangedFile,
  FileContent,
  MergeRequest,
  MergeRequestActivity,
  PipelineJob,
} from "../../work-item/schema.js";
import { DEFAULT_RETRY_POLICY, realRetryDeps, type RetryDeps, type RetryPolicy } from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import { bodyFailure, HttpFailure } from "../upstream.js";
import { createGitLabClient } from "./client.js";
import {
  classifyGitLabFailure,
  isAccessRefusal,
  isMissingRecord,
  projectLabel,
  type GitLabFailureContext,
} from "./errors.js";
import {
  ApprovalsJson,
  TemplateJson,
  TemplateListJson,
  TreeEntryJson,
  BridgeJson,
  commitStatusAsJob,
  CommitJson,
  CommitStatusJson,
  DiffJson,
  firstProblem,
  DeploymentJson,
  JobJson,
  LabelEventJson,
  MergeRequestJson,
  ProjectLabelJson,
  newFileContentFromDiff,
  NoteJson,
  pipelineVisible,
  ProjectJson,
  toActivity,
  toChangedFile,
  toMergedMergeRequest,
  toMergeRequest,
  toMergeRequestSummary,
  toNoteSummary,
  toPipelineJob,
  toTriggerJob,
  toDeployment,
  toLabelEvent,
  toProjectSummary,
  toTokenInfo,
  TokenJson,
  UserJson,
  type Deployment,
  type LabelEvent,
  type TokenInfo,
  type GitLabMergeRequestJson,
  type MergedMergeRequest,
  type MergeRequestSummary,
  type NoteSummary,
  type ProjectSummary,
} from "./map.js";

export type {
  Deployment,
  LabelEvent,
  MergedMergeRequest,
  MergeRequestSummary,
  NoteSummary,
  ProjectSummary,
  TokenInfo,
} from "./map.js";

/** A commit status as bfd publishes it (`bfd/done`): doc/api/commits.md "Set the pipeline status of a commit". */
export interface CommitStatusInput {
  state: "pending" | "running" | "success" | "failed" | "canceled";
  name: string;
  targetUrl?: string | undefined;
  /** At most 255 characters (cut here). */
  description?: string | undefined;
}

export interface GitLabSourceOptions {
  /** Instance root with protocol, e.g. https://gitlab.example.com (CI_SERVER_URL), not …/api/v4. */
  host: string;
  /** A personal, group or project access token (GITLAB_TOKEN). */
  token: string;
  policy?: RetryPolicy;
  onRequest?: RequestListener;
  /** Clock, sleep and jitter for the retry policy (tests). */
  deps?: RetryDeps;
  /** Start of the gate run; the policy's deadline counts from here. Defaults to when the source is created. */
  startedAt?: number;
}

export type ProjectRef = string | number;

/** Evidence that can be refused without failing the run: what was read, or why the token may not read it. */
export type Readable<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface MergeRequestRead {
  /** The MR with no changes or files yet: they are read on request (readChanges, readFiles). */
  mergeRequest: MergeRequest;
  /** Null when the token's user may not see pipelines: GitLab then leaves the pipeline fields out. */
  pipelineHidden: string | null;
  /** What `changes_count` says, for judging whether the list of changed files is whole. */
  changesCount: string | null;
  /** The MR's project id (`project_id`), to tell a pipeline another project ran (a fork's) from its own. */
  projectId: number | null;
}

export interface ChangesRead {
  files: ChangedFile[];
  /** Content at the MR's head of files the MR adds, where their diff holds them whole (saves a read each). */
  added: ReadonlyMap<string, string>;
  /** Each file's diff text as GitLab gave it (hunks only; absent when collapsed or too large), by new path. */
  diffs: ReadonlyMap<string, string>;
}

export interface GitLabSource {
  currentUser(): Promise<{ id: number; username: string }>;
  getProject(project: ProjectRef): Promise<ProjectSummary>;
  getMergeRequestSummary(project: ProjectRef, iid: number): Promise<MergeRequestSummary>;
  listOpenMergeRequestsForBranch(project: ProjectRef, branch: string): Promise<MergeRequestSummary[]>;
  /** One request: the MR, with GitLab's head pipeline when the token may see pipelines. */
  readMergeRequest(project: ProjectRef, iid: number): Promise<MergeRequestRead>;
  /**
   * Every changed file GitLab lists: diff page 1, then every remaining page at once (per_page=100). Refused (403/404)
   * is `ok: false` with the reason. GitLab stops listing at its "Maximum diff files": judge the list with
   * `cappedListReason` and the MR's `changesCount` before trusting it as whole.
   */
  readChanges(project: ProjectRef, iid: number): Promise<Readable<ChangesRead>>;
  /**
   * Every job of a pipeline (latest attempt of each), its trigger jobs included, all pages. GitLab lists trigger jobs
   * (bridges) apart, so both lists are read at once; either refused makes the whole unreadable, naming which.
   */
  readPipelineJobs(project: ProjectRef, pipelineId: number): Promise<Readable<PipelineJob[]>>;
  /** The trigger jobs (bridges) of a pipeline, all pages, each with the downstream pipeline it started. */
  readPipelineBridges(project: ProjectRef, pipelineId: number): Promise<Readable<PipelineJob[]>>;
  /**
   * What made a finished pipeline what it is: the latest status of each name on `sha` that belongs to it — its CI
   * jobs and the external statuses other tools (and `bfd serve`) set, which the jobs API does not list.
   */
  readPipelineStatuses(project: ProjectRef, sha: string, pipelineId: number): Promise<Readable<PipelineJob[]>>;
  /**
   * The parents of commit `sha` (doc/api/commits.md "Get a single commit", `parent_ids`): asked only of a pipeline that
   * ran on a merge GitLab made (merged-results, merge train), whose parents hold the MR head it tested.
   */
  readCommitParents(project: ProjectRef, sha: string): Promise<Readable<string[]>>;
  /** The content of `paths` at `ref`, all at once; files the token may not read are listed with the reason. */
  readFiles(
    project: ProjectRef,
    paths: readonly string[],
    ref: string,
  ): Promise<{ files: FileContent[]; unreadable: { path: string; reason: string }[] }>;
  /** Merged MRs into `targetBranch` updated after `updatedAfter`, minus those with any of `notLabels` — filtered by GitLab, every page. */
  listMergedMergeRequests(
    project: ProjectRef,
    query: { targetBranch: string; updatedAfter: string; notLabels: string[] },
  ): Promise<MergedMergeRequest[]>;
  /**
   * The names of every label an MR of the project can carry: the project's and its groups' (GitLab's default
   * `include_ancestor_groups=true`, doc/api/labels.md), all pages.
   */
  listLabels(project: ProjectRef): Promise<string[]>;
  /** Creates a project label (doc/api/labels.md "Create a new label": name and color are required). */
  createLabel(project: ProjectRef, name: string, color: string, description: string): Promise<void>;
  /**
   * The paths of every file under `folder` ("" for the whole repository) at `ref`, recursively (GitLab's repository
   * tree API, keyset pages, at most MAX_TREE_ENTRIES). A folder that does not exist has no files; refused (403/404 on
   * the project) or longer than the bound is `ok: false` with the reason.
   */
  listFilesUnder(project: ProjectRef, folder: string, ref: string): Promise<Readable<string[]>>;
  /** The file at `ref`, or null when GitLab has no such file there. */
  readFile(project: ProjectRef, path: string, ref: string): Promise<string | null>;
  /** Every note on the MR (system notes included), oldest first. */
  listNotes(project: ProjectRef, iid: number): Promise<NoteSummary[]>;
  createNote(project: ProjectRef, iid: number, body: string): Promise<{ id: number }>;
  updateNote(project: ProjectRef, iid: number, noteId: number, body: string): Promise<void>;
  deleteNote(project: ProjectRef, iid: number, noteId: number): Promise<void>;
  /** What GitLab says of GITLAB_TOKEN itself: name, scopes, expiry. Null when it is not a personal/project/group token. */
  tokenInfo(): Promise<TokenInfo | null>;
  /** Every open MR of a project (all pages), e.g. for `bfd serve`'s sweep. */
  listOpenMergeRequests(project: ProjectRef): Promise<MergeRequestSummary[]>;
  /** Successful deployments to `environment` that finished after `finishedAfter`, newest first (all pages). */
  listDeployments(project: ProjectRef, query: { environment: string; finishedAfter: string }): Promise<Deployment[]>;
  /** The MRs GitLab lists for a deployment: those it first brought to the environment. */
  deploymentMergeRequests(project: ProjectRef, deploymentId: number): Promise<number[]>;
  /** Every label added to or removed from the MR, oldest first. */
  labelEvents(project: ProjectRef, iid: number): Promise<LabelEvent[]>;
  /**
   * Who did what on the MR, for judging waivers: its label events, people's notes and its approvals, read at once.
   * Any of them refused (403/404) makes the whole unreadable, naming which.
   */
  readActivity(project: ProjectRef, iid: number): Promise<Readable<MergeRequestActivity>>;
  /**
   * The project's merge request description templates with their content: the list, then each at once (GitLab's
   * project templates API: the project's `.gitlab/merge_request_templates/*.md` on its default branch — where GitLab
   * reads them for the "Choose a template" list — and its groups' and instance's template projects). A 404 is no
   * templates; a 403 is `ok: false` with the reason.
   */
  readMergeRequestTemplates(project: ProjectRef): Promise<Readable<{ name: string; content: string }[]>>;
  /** Sets (or updates, by name) a commit status on `sha`. */
  setCommitStatus(project: ProjectRef, sha: string, status: CommitStatusInput): Promise<void>;
  /** Answers an external status check (Ultimate); `sha` must be the MR's source-branch head. */
  respondToStatusCheck(
    project: ProjectRef,
    iid: number,
    response: { sha: string; checkId: number; status: "passed" | "failed" | "pending" },
  ): Promise<void>;
}

const PER_PAGE = 100;
/** Pages of a repository tree listing read at most (keyset pages come one after another): 5,000 entries. */
const MAX_TREE_PAGES = 50;
export const MAX_TREE_ENTRIES = MAX_TREE_PAGES * PER_PAGE;

export function createGitLabSource(options: GitLabSourceOptions): GitLabSource {
  const deps = options.deps ?? realRetryDeps;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const secrets = [options.token];
  const api = createGitLabClient({
    host: options.host,
    token: options.token,
    policy,
    deps,
    startedAt: options.startedAt ?? deps.now(),
    onRequest: options.onRequest,
  });

  type Context = Omit<GitLabFailureContext, "secrets" | "timeoutMs">;
  const fail = (error: unknown, context: Context): Error =>
    classifyGitLabFailure(error, { ...context, secrets, timeoutMs: policy.timeoutMs });

  /** Runs one GitLab call and turns its failure into the BfdError the user sees. */
  async function call<T>(context: Context, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw fail(error, context);
    }
  }

  /** Like `call`, but a refused read (403/404) is evidence the token may not read, not a failed run. */
  async function readable<T>(context: Context, what: string, run: () => Promise<T>): Promise<Readable<T>> {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      if (isAccessRefusal(error)) return { ok: false, reason: refusal(error, what, projectLabel(context.project)) };
      throw fail(error, context);
    }
  }

  function parse<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    throw bodyFailure(
      { status: 200, headers: {}, text: "" },
      { service: "GitLab", method: "GET", url: what, attempt: 1 },
      "unexpected-shape",
      firstProblem(result.error),
    );
  }

  // One read per MR per run: choosing between attached MRs reads each, and the chosen one's evidence reuses it.
  const mergeRequests = new Map<string, Promise<GitLabMergeRequestJson>>();
  function showMergeRequest(project: ProjectRef, iid: number): Promise<GitLabMergeRequestJson> {
    const key = `${project}!${iid}`;
    let read = mergeRequests.get(key);
    if (read === undefined) {
      read = api.mergeRequests.show(project, iid).then((json) => parse(MergeRequestJson, json, "merge request"));
      mergeRequests.set(key, read);
    }
    return read;
  }

  /** Every page of a list: page 1, then the rest at once when GitLab says how many; else x-next-page, one by one. */
  async function allPages<T>(
    fetchPage: (page: number) => Promise<{ items: T[]; totalPages: number; next: number | null }>,
  ) {
    const first = await fetchPage(1);
    const items = [...first.items];
    if (Number.isFinite(first.totalPages)) {
      const rest = await Promise.all(range(2, first.totalPages).map(fetchPage));
      for (const more of rest) items.push(...more.items);
      return items;
    }
    // GitLab leaves out x-total-pages above 10,000 records: walk x-next-page instead.
    for (let next = first.next; next !== null;) {
      const more = await fetchPage(next);
      items.push(...more.items);
      next = more.next;
    }
    return items;
  }

  const mrContext = (project: ProjectRef, iid: number): Context => ({
    doing: `reading merge request !${iid} in ${projectLabel(project)}`,
    access: "read",
    project,
    mergeRequestIid: iid,
  });

  const source: GitLabSource = {
    currentUser: () =>
      call({ doing: "reading the token's user", access: "read" }, async () => {
        const user = parse(UserJson, await api.users.showCurrentUser(), "user");
        return { id: user.id, username: user.username };
      }),

    getProject: (project) =>
      call({ doing: `reading ${projectNoun(project)}`, access: "read", project }, async () =>
        toProjectSummary(parse(ProjectJson, await api.projects.show(project), "project")),
      ),

    getMergeRequestSummary: (project, iid) =>
      call(mrContext(project, iid), async () =>
        toMergeRequestSummary(await showMergeRequest(project, iid), pathFallback(project)),
      ),

    listOpenMergeRequestsForBranch: (project, branch) =>
      call(
        {
          doing: `listing open merge requests from branch ${branch} in ${projectLabel(project)}`,
          access: "read",
          project,
        },
        async () => {
          const list = await api.mergeRequests.all({
            projectId: project,
            state: "opened",
            sourceBranch: branch,
            perPage: PER_PAGE,
          });
          return parse(MergeRequestJson.array(), list, "merge requests").map((mr) =>
            toMergeRequestSummary(mr, pathFallback(project)),
          );
        },
      ),

    readMergeRequest: (project, iid) =>
      call(mrContext(project, iid), async () => {
        const mr = await showMergeRequest(project, iid);
        return {
          mergeRequest: toMergeRequest(mr, { fallbackProjectPath: pathFallback(project) }),
          pipelineHidden: pipelineVisible(mr)
            ? null
            : `GitLab left the pipeline out of !${iid}: the user behind GITLAB_TOKEN may not read pipelines in ${projectLabel(project)}`,
          changesCount: mr.changes_count ?? null,
          projectId: mr.project_id ?? null,
        };
      }),

    readChanges: (project, iid) =>
      readable(
        { ...mrContext(project, iid), doing: `reading the changed files of !${iid} in ${projectLabel(project)}` },
        `the changed files of !${iid}`,
        async () => {
          const added = new Map<string, string>();
          const texts = new Map<string, string>();
          const files = await allPages(async (n) => {
            const reply: unknown = await api.mergeRequests.allDiffs(project, iid, {
              page: n,
              perPage: PER_PAGE,
              showExpanded: true,
            });
            const { data, paginationInfo } = reply as {
              data: unknown;
              paginationInfo: { totalPages: number; next: number | null };
            };
            const diffs = parse(DiffJson.array(), data, `diffs page ${n}`);
            for (const diff of diffs) {
              const content = newFileContentFromDiff(diff);
              if (content !== null) added.set(diff.new_path, content);
              if (diff.diff !== undefined && diff.diff !== "") texts.set(diff.new_path, diff.diff);
            }
            return {
              items: diffs.map(toChangedFile),
              totalPages: paginationInfo.totalPages,
              next: paginationInfo.next,
            };
          });
          return { files, added, diffs: texts };
        },
      ),

    readPipelineBridges: (project, pipelineId) =>
      readable(
        {
          doing: `reading the trigger jobs of pipeline #${pipelineId} in ${projectLabel(project)}`,
          access: "read",
          project,
        },
        `the trigger jobs of pipeline #${pipelineId}`,
        async () => {
          // The jobs list leaves trigger jobs out: GitLab lists them here (doc/api/jobs.md "List pipeline bridges";
          // gitlab-org/gitlab#207996). Paginated like the jobs; gitbeaker follows link rel="next" to the last page.
          const list = await api.jobs.allPipelineBridges(project, pipelineId, { perPage: PER_PAGE } as Record<
            string,
            unknown
          >);
          return parse(BridgeJson.array(), list, "trigger jobs").map(toTriggerJob);
        },
      ),

    async readPipelineJobs(project, pipelineId) {
      const [jobs, bridges] = await Promise.all([
        readable(
          {
            doing: `reading the jobs of pipeline #${pipelineId} in ${projectLabel(project)}`,
            access: "read",
            project,
          },
          `the jobs of pipeline #${pipelineId}`,
          async () => {
            // include_retried defaults to false: each job appears once, as its latest attempt (doc/api/jobs.md).
            const list = await api.jobs.all(project, { pipelineId, perPage: PER_PAGE });
            return parse(JobJson.array(), list, "jobs").map(toPipelineJob);
          },
        ),
        source.readPipelineBridges(project, pipelineId),
      ]);
      if (!jobs.ok) return jobs;
      if (!bridges.ok) return bridges;
      return { ok: true, value: [...jobs.value, ...bridges.value] };
    },

    readPipelineStatuses: (project, sha, pipelineId) =>
      readable(
        { doing: `reading the statuses of ${sha.slice(0, 8)} in ${projectLabel(project)}`, access: "read", project },
        `the statuses of pipeline #${pipelineId}`,
        async () => {
          const list = await api.commits.allStatuses(project, sha, { perPage: PER_PAGE } as Record<string, unknown>);
          return parse(CommitStatusJson.array(), list, "commit statuses")
            .filter((st) => st.pipeline_id === undefined || st.pipeline_id === null || st.pipeline_id === pipelineId)
            .map(commitStatusAsJob);
        },
      ),

    readCommitParents: (project, sha) =>
      readable(
        { doing: `reading commit ${sha.slice(0, 8)} in ${projectLabel(project)}`, access: "read", project },
        `commit ${sha.slice(0, 8)}`,
        async () => parse(CommitJson, await api.commits.show(project, sha), "commit").parent_ids,
      ),

    async listFilesUnder(project, folder, ref) {
      const where = folder === "" ? "the repository" : folder;
      const listed = await readable(
        { doing: `listing ${where} at ${ref.slice(0, 8)} in ${projectLabel(project)}`, access: "read", project },
        `the files under ${folder === "" ? "/" : folder} at ${ref.slice(0, 8)}`,
        async () => {
          try {
            // Keyset pages: page numbers are unsupported on this endpoint since GitLab 15.0 (doc/api/repositories.md
            // "List repository tree"); gitbeaker follows the `link` rel="next" up to maxPages.
            const list = await api.repositories.allRepositoryTrees(project, {
              ...(folder === "" ? {} : { path: folder }),
              recursive: true,
              ref,
              pagination: "keyset",
              perPage: PER_PAGE,
              maxPages: MAX_TREE_PAGES,
            });
            return parse(TreeEntryJson.array(), list, "repository tree");
          } catch (error) {
            // A folder the commit does not have: a 404 since GitLab 16.x (lib/api/repositories.rb rescues
            // Gitlab::Git::Index::IndexError into `not_found!`; older versions answer `[]`). No files there.
            if (isMissingRecord(error)) return [];
            throw error;
          }
        },
      );
      if (!listed.ok) return listed;
      if (listed.value.length >= MAX_TREE_ENTRIES)
        return {
          ok: false,
          reason: `${where} holds more than ${MAX_TREE_ENTRIES} entries at ${ref.slice(0, 8)}: bfd lists no more`,
        };
      return { ok: true, value: listed.value.filter((e) => e.type === "blob").map((e) => e.path) };
    },

    async readFiles(project, paths, ref) {
      const where = projectLabel(project);
      const reads = await Promise.allSettled(paths.map((path) => api.files.showRaw(project, path, ref)));
      const files: FileContent[] = [];
      const unreadable: { path: string; reason: string }[] = [];
      for (const [index, result] of reads.entries()) {
        const path = paths[index] ?? "";
        if (result.status === "fulfilled") {
          files.push({ path, content: typeof result.value === "string" ? result.value : JSON.stringify(result.value) });
          continue;
        }
        if (!isAccessRefusal(result.reason)) {
          throw fail(result.reason, {
            doing: `reading ${path} at ${ref.slice(0, 8)} in ${where}`,
            access: "read",
            project,
          });
        }
        unreadable.push({ path, reason: refusal(result.reason, `${path} at ${ref.slice(0, 8)}`, where) });
      }
      return { files, unreadable };
    },

    listMergedMergeRequests: (project, { targetBranch, updatedAfter, notLabels }) =>
      call(
        {
          doing: `listing merged merge requests into ${targetBranch} in ${projectLabel(project)}`,
          access: "read",
          project,
        },
        async () => {
          const list = await api.mergeRequests.all({
            projectId: project,
            state: "merged",
            targetBranch,
            updatedAfter,
            // GitLab label names cannot contain commas, so the comma list is exact (and avoids not[labels][]= quirks).
            ...(notLabels.length > 0 ? { not: { labels: notLabels.join(",") } } : {}),
            orderBy: "updated_at",
            sort: "desc",
            perPage: PER_PAGE,
          });
          return parse(MergeRequestJson.array(), list, "merge requests").map((mr) =>
            toMergedMergeRequest(mr, pathFallback(project)),
          );
        },
      ),

    listLabels: (project) =>
      call({ doing: `listing the labels of ${projectLabel(project)}`, access: "read", project }, async () => {
        const list = await api.labels.all(project, { perPage: PER_PAGE });
        return parse(ProjectLabelJson.array(), list, "labels").map((label) => label.name);
      }),

    createLabel: (project, name, color, description) =>
      call({ doing: `creating the label ${name} in ${projectLabel(project)}`, access: "write", project }, async () => {
        await api.labels.create(project, name, color, { description });
      }),

    async readFile(project, path, ref) {
      try {
        const content: unknown = await api.files.showRaw(project, path, ref);
        return typeof content === "string" ? content : JSON.stringify(content);
      } catch (error) {
        if (isMissingRecord(error)) return null;
        throw fail(error, { doing: `reading ${path} at ${ref} in ${projectLabel(project)}`, access: "read", project });
      }
    },

    listNotes: (project, iid) =>
      call(
        {
          doing: `reading the notes of !${iid} in ${projectLabel(project)}`,
          access: "read",
          project,
          mergeRequestIid: iid,
        },
        async () => {
          const notes = await api.notes.all(project, iid, { perPage: PER_PAGE, sort: "asc", orderBy: "created_at" });
          return parse(NoteJson.array(), notes, "notes").map(toNoteSummary);
        },
      ),

    createNote: (project, iid, body) =>
      call(
        {
          doing: `posting a note on !${iid} in ${projectLabel(project)}`,
          access: "write",
          project,
          mergeRequestIid: iid,
        },
        async () => {
          const note = parse(NoteJson, await api.notes.create(project, iid, body), "note");
          return { id: note.id };
        },
      ),

    updateNote: (project, iid, noteId, body) =>
      call(
        {
          doing: `editing note ${noteId} on !${iid} in ${projectLabel(project)}`,
          access: "write",
          project,
          mergeRequestIid: iid,
          noteId,
        },
        async () => {
          await api.notes.edit(project, iid, noteId, { body });
        },
      ),

    deleteNote: (project, iid, noteId) =>
      call(
        {
          doing: `deleting note ${noteId} on !${iid} in ${projectLabel(project)}`,
          access: "write",
          project,
          mergeRequestIid: iid,
          noteId,
        },
        async () => {
          await api.notes.remove(project, iid, noteId);
        },
      ),

    async tokenInfo() {
      try {
        return toTokenInfo(parse(TokenJson, await api.tokens.show(), "token"));
      } catch (error) {
        // OAuth and some deploy tokens have no /personal_access_tokens/self: GitLab answers 404 there, and newer
        // releases 400 "This endpoint requires token type to be a personal access token"
        // (lib/api/personal_access_tokens/self_information.rb).
        if (error instanceof HttpFailure && error.kind === "status" && (error.status === 404 || error.status === 400))
          return null;
        throw fail(error, { doing: "reading what the token in GITLAB_TOKEN may do", access: "read" });
      }
    },

    listOpenMergeRequests: (project) =>
      call(
        { doing: `listing the open merge requests of ${projectLabel(project)}`, access: "read", project },
        async () => {
          const list = await api.mergeRequests.all({ projectId: project, state: "opened", perPage: PER_PAGE });
          return parse(MergeRequestJson.array(), list, "merge requests").map((mr) =>
            toMergeRequestSummary(mr, pathFallback(project)),
          );
        },
      ),

    listDeployments: (project, { environment, finishedAfter }) =>
      call(
        { doing: `listing the deployments to ${environment} in ${projectLabel(project)}`, access: "read", project },
        async () => {
          // finished_after needs order_by=finished_at and status=success (doc/api/deployments.md).
          const list = await api.deployments.all(project, {
            environment,
            status: "success",
            orderBy: "finished_at",
            sort: "desc",
            finishedAfter,
            perPage: PER_PAGE,
          } as Record<string, unknown>);
          return parse(DeploymentJson.array(), list, "deployments").map(toDeployment);
        },
      ),

    deploymentMergeRequests: (project, deploymentId) =>
      call(
        {
          doing: `reading the merge requests of deployment ${deploymentId} in ${projectLabel(project)}`,
          access: "read",
          project,
        },
        async () => {
          const list = await api.deployments.allMergeRequests(project, deploymentId, { perPage: PER_PAGE });
          return parse(MergeRequestJson.array(), list, "merge requests").map((mr) => mr.iid);
        },
      ),

    labelEvents: (project, iid) =>
      call(mrContext(project, iid), async () => {
        const list = await api.labelEvents.all(project, iid, { perPage: PER_PAGE });
        return parse(LabelEventJson.array(), list, "label events")
          .map(toLabelEvent)
          .filter((e): e is LabelEvent => e !== null);
      }),

    readMergeRequestTemplates: (project) =>
      readable(
        { doing: `reading the merge request templates of ${projectLabel(project)}`, access: "read", project },
        `the merge request templates of ${projectLabel(project)}`,
        async () => {
          const missing = (error: unknown): boolean =>
            error instanceof HttpFailure && error.kind === "status" && error.status === 404;
          let list: z.infer<typeof TemplateListJson>[];
          try {
            // doc/api/project_templates.md: type `merge_requests` (GitLab 13.3); paginated like any list.
            const listed = await api.templates.all(project, "merge_requests", { perPage: PER_PAGE });
            list = parse(TemplateListJson.array(), listed, "merge request templates");
          } catch (error) {
            // No templates folder answers an empty list; a 404 (an instance without the endpoint) says the same.
            if (missing(error)) return [];
            throw error;
          }
          const read = await Promise.all(
            list.map(async (entry) => {
              try {
                const shown = await api.templates.show(project, "merge_requests", entry.key);
                return {
                  name: entry.name,
                  content: parse(TemplateJson, shown, "merge request template").content ?? "",
                };
              } catch (error) {
                // Removed between the list and the read: not a template any more.
                if (missing(error)) return null;
                throw error;
              }
            }),
          );
          return read.filter((t): t is { name: string; content: string } => t !== null);
        },
      ),

    async readActivity(project, iid) {
      const where = projectLabel(project);
      const context = (what: string): Context => ({ ...mrContext(project, iid), doing: `reading ${what} in ${where}` });
      const [events, notes, approvals] = await Promise.all([
        readable(context(`the label events of !${iid}`), `the label events of !${iid}`, async () => {
          const list = await api.labelEvents.all(project, iid, { perPage: PER_PAGE });
          return parse(LabelEventJson.array(), list, "label events")
            .map(toLabelEvent)
            .filter((e): e is LabelEvent => e !== null);
        }),
        readable(context(`the notes of !${iid}`), `the notes of !${iid}`, async () => {
          const list = await api.notes.all(project, iid, { perPage: PER_PAGE, sort: "asc", orderBy: "created_at" });
          return parse(NoteJson.array(), list, "notes").map(toNoteSummary);
        }),
        readable(context(`the approvals of !${iid}`), `the approvals of !${iid}`, async () =>
          parse(
            ApprovalsJson,
            await api.approvals.showConfiguration(project, { mergerequestIId: iid }),
            "merge request approvals",
          ),
        ),
      ]);
      if (!events.ok) return events;
      if (!notes.ok) return notes;
      if (!approvals.ok) return approvals;
      return { ok: true, value: toActivity(events.value, notes.value, approvals.value, OWN_NOTE_MARKER) };
    },

    setCommitStatus: (project, sha, status) =>
      call(
        {
          doing: `setting the ${status.name} status of ${sha.slice(0, 8)} in ${projectLabel(project)}`,
          access: "write",
          project,
        },
        async () => {
          await api.commits.editStatus(project, sha, status.state, {
            name: status.name,
            ...(status.targetUrl === undefined ? {} : { targetUrl: status.targetUrl }),
            ...(status.description === undefined ? {} : { description: cut(status.description, 255) }),
          });
        },
      ),

    respondToStatusCheck: (project, iid, { sha, checkId, status }) =>
      call(
        {
          doing: `answering status check ${checkId} on !${iid} in ${projectLabel(project)}`,
          access: "write",
          project,
          mergeRequestIid: iid,
        },
        async () => {
          await api.statusChecks.set(project, iid, sha, checkId, { status } as Record<string, unknown>);
        },
      ),
  };
  return source;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Why the token cannot read some evidence (GitLab answered 403 or 404 for it). */
function refusal(error: unknown, what: string, where: string): string {
  const status = error instanceof HttpFailure ? error.status : undefined;
  return `the token in GITLAB_TOKEN may not read ${what} (GitLab answered HTTP ${status ?? "?"}); it needs the read_api scope and at least the Reporter role in ${where}`;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n += 1) out.push(n);
  return out;
}

function pathFallback(project: ProjectRef): string {
  return typeof project === "string" && !/^\d+$/.test(project) ? project : "";
}

function projectNoun(project: ProjectRef): string {
  const label = projectLabel(project);
  return label.startsWith("project ") ? label : `project ${label}`;
}
