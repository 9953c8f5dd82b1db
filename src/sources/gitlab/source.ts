import { globMatcher } from "../../checks/globs.js";
import type { z } from "zod";
import type { ChangedFile, MergeRequest } from "../../work-item/schema.js";
import { DEFAULT_RETRY_POLICY, realRetryDeps, type RetryDeps, type RetryPolicy } from "../retry-policy.js";
import type { RequestListener } from "../trail.js";
import { createGitLabClient } from "./client.js";
import {
  GitLabHttpError,
  GitLabResponseError,
  TOKEN_ENV,
  classifyGitLabFailure,
  projectLabel,
  type GitLabAuth,
  type GitLabFailureContext,
} from "./errors.js";
import {
  DiffJson,
  newFileContentFromDiff,
  MergeRequestJson,
  NoteJson,
  ProjectJson,
  UserJson,
  firstProblem,
  headShaOf,
  pipelineVisible,
  toChangedFile,
  toMergeRequest,
  toMergeRequestSummary,
  toMergedMergeRequest,
  toNoteSummary,
  toProjectSummary,
  type MergeRequestSummary,
  type MergedMergeRequest,
  type NoteSummary,
  type ProjectSummary,
} from "./map.js";

export type { MergeRequestSummary, MergedMergeRequest, NoteSummary, ProjectSummary } from "./map.js";

export interface GitLabSourceOptions {
  /** Instance root with protocol, e.g. https://gitlab.example.com (CI_SERVER_URL), not …/api/v4. */
  host: string;
  /** Personal, project or group access token (GITLAB_TOKEN). Preferred over `jobToken` when both are set. */
  token?: string;
  /** CI_JOB_TOKEN: reads MRs, notes and raw files only; what it cannot read lands in `unavailable`. */
  jobToken?: string;
  policy?: RetryPolicy;
  onRequest?: RequestListener;
  /** Clock, sleep and jitter for the retry policy (tests). */
  deps?: RetryDeps;
  /** Start of the gate run; the policy's deadline counts from here. Defaults to when the source is created. */
  startedAt?: number;
}

export type ProjectRef = string | number;

export type UnavailableEvidence = "mergeRequest.changes" | "mergeRequest.headPipeline" | "mergeRequest.flagRecords";

export interface MergeRequestEvidence {
  mergeRequest: MergeRequest;
  unavailable: { evidence: UnavailableEvidence; reason: string }[];
}

export interface GitLabSource {
  currentUser(): Promise<{ id: number; username: string }>;
  getProject(project: ProjectRef): Promise<ProjectSummary>;
  getMergeRequestSummary(project: ProjectRef, iid: number): Promise<MergeRequestSummary>;
  listOpenMergeRequestsForBranch(project: ProjectRef, branch: string): Promise<MergeRequestSummary[]>;
  /**
   * Evidence for one MR in two waves. Wave 1: the MR (with `head_pipeline`) and the changed files — diff page 1
   * alongside the MR, then every remaining page (per_page=100) at once. Wave 2: the content, at the MR's head
   * sha, of touched files matching `flagRecordGlobs` (deleted files skipped), all at once.
   * Evidence the token may not read (CI_JOB_TOKEN → diffs) goes to `unavailable` with a reason naming the token
   * and what it needs; it does not throw. Anything else that fails throws a BfdError.
   */
  fetchMergeRequestEvidence(
    project: ProjectRef,
    iid: number,
    options: { flagRecordGlobs: readonly string[] | Promise<readonly string[]> },
  ): Promise<MergeRequestEvidence>;
  /** Merged MRs into `targetBranch` updated after `updatedAfter`, minus those with any of `notLabels` — filtered by GitLab, every page. */
  listMergedMergeRequests(
    project: ProjectRef,
    query: { targetBranch: string; updatedAfter: string; notLabels: string[] },
  ): Promise<MergedMergeRequest[]>;
  /** The file at `ref`, or null when GitLab has no such file there. */
  readFile(project: ProjectRef, path: string, ref: string): Promise<string | null>;
  /** Every note on the MR (system notes included), oldest first. */
  listNotes(project: ProjectRef, iid: number): Promise<NoteSummary[]>;
  createNote(project: ProjectRef, iid: number, body: string): Promise<{ id: number }>;
  updateNote(project: ProjectRef, iid: number, noteId: number, body: string): Promise<void>;
  deleteNote(project: ProjectRef, iid: number, noteId: number): Promise<void>;
}

const PER_PAGE = 100;

export function createGitLabSource(options: GitLabSourceOptions): GitLabSource {
  const deps = options.deps ?? realRetryDeps;
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const auth: GitLabAuth = nonEmpty(options.token) ? "token" : nonEmpty(options.jobToken) ? "jobToken" : "none";
  const secrets = [options.token, options.jobToken];
  const api = createGitLabClient({
    host: options.host,
    token: options.token,
    jobToken: options.jobToken,
    policy,
    deps,
    startedAt: options.startedAt ?? deps.now(),
    onRequest: options.onRequest,
  });
  const tokenName = auth === "none" ? "no token" : TOKEN_ENV[auth];

  /** Runs one GitLab call and turns its failure into the BfdError the user sees. */
  async function call<T>(context: Omit<GitLabFailureContext, "auth" | "secrets">, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw classifyGitLabFailure(error, { ...context, auth, secrets });
    }
  }

  function parse<S extends z.ZodType>(schema: S, json: unknown, what: string): z.infer<S> {
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    throw new GitLabResponseError("unexpected-shape", {
      status: 200,
      method: "GET",
      url: what,
      attempt: 1,
      detail: firstProblem(result.error),
    });
  }

  // One read per MR per run: choosing between attached MRs reads each, and the chosen one's evidence reuses it.
  const mergeRequests = new Map<string, Promise<z.infer<typeof MergeRequestJson>>>();
  function showMergeRequest(project: ProjectRef, iid: number): Promise<z.infer<typeof MergeRequestJson>> {
    const key = `${project}!${iid}`;
    let read = mergeRequests.get(key);
    if (read === undefined) {
      read = api.mergeRequests.show(project, iid).then((json) => parse(MergeRequestJson, json, "merge request"));
      mergeRequests.set(key, read);
    }
    return read;
  }

  /** Every changed file, and the content of added files that their diffs hold whole (see newFileContentFromDiff). */
  async function allDiffs(project: ProjectRef, iid: number): Promise<ChangedFile[] & { added?: Map<string, string> }> {
    const added = new Map<string, string>();
    const page = async (n: number) => {
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
      }
      return { files: diffs.map(toChangedFile), totalPages: paginationInfo.totalPages, next: paginationInfo.next };
    };
    const withAdded = (files: ChangedFile[]): ChangedFile[] & { added?: Map<string, string> } =>
      Object.assign(files, { added });
    const first = await page(1);
    const files = [...first.files];
    if (Number.isFinite(first.totalPages)) {
      const rest = await Promise.all(range(2, first.totalPages).map(page));
      for (const more of rest) files.push(...more.files);
      return withAdded(files);
    }
    // GitLab leaves out x-total-pages above 10,000 records: walk x-next-page instead.
    for (let next = first.next; next !== null;) {
      const more = await page(next);
      files.push(...more.files);
      next = more.next;
    }
    return withAdded(files);
  }

  /** Why the token cannot read some evidence, or null when the failure is not about access (then it throws). */
  function accessReason(error: unknown, what: string, where: string): string | null {
    if (!(error instanceof GitLabHttpError) || (error.status !== 403 && error.status !== 404)) return null;
    if (auth === "jobToken") {
      return `CI_JOB_TOKEN cannot read ${what} (GitLab answered HTTP ${error.status}); set GITLAB_TOKEN to a project or personal access token with the read_api scope`;
    }
    return `the token in ${tokenName} may not read ${what} (GitLab answered HTTP ${error.status}); it needs the read_api scope and at least the Reporter role in ${where}`;
  }

  return {
    currentUser: () =>
      call({ doing: "reading the token's user", access: "read", jobTokenAllowed: false }, async () => {
        const user = parse(UserJson, await api.users.showCurrentUser(), "user");
        return { id: user.id, username: user.username };
      }),

    getProject: (project) =>
      call({ doing: `reading ${projectNoun(project)}`, access: "read", project, jobTokenAllowed: false }, async () =>
        toProjectSummary(parse(ProjectJson, await api.projects.show(project), "project")),
      ),

    getMergeRequestSummary: (project, iid) =>
      call(
        {
          doing: `reading merge request !${iid} in ${projectLabel(project)}`,
          access: "read",
          project,
          mergeRequestIid: iid,
        },
        async () => toMergeRequestSummary(await showMergeRequest(project, iid), pathFallback(project)),
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

    async fetchMergeRequestEvidence(project, iid, { flagRecordGlobs }) {
      const where = projectLabel(project);
      const context = {
        doing: `reading merge request !${iid} in ${where}`,
        access: "read" as const,
        project,
        mergeRequestIid: iid,
      };
      const [mrResult, diffsResult] = await Promise.allSettled([
        showMergeRequest(project, iid),
        allDiffs(project, iid),
      ]);
      if (mrResult.status === "rejected") throw classifyGitLabFailure(mrResult.reason, { ...context, auth, secrets });
      const mr = mrResult.value;
      const unavailable: MergeRequestEvidence["unavailable"] = [];

      let changes: ChangedFile[] | null = null;
      if (diffsResult.status === "fulfilled") {
        changes = diffsResult.value;
      } else {
        const reason = accessReason(diffsResult.reason, `the changed files of !${iid}`, where);
        if (reason === null)
          throw classifyGitLabFailure(diffsResult.reason, {
            ...context,
            doing: `reading the changed files of !${iid} in ${where}`,
            auth,
            secrets,
          });
        unavailable.push({ evidence: "mergeRequest.changes", reason });
      }

      if (!pipelineVisible(mr)) {
        unavailable.push({
          evidence: "mergeRequest.headPipeline",
          reason: `GitLab left the pipeline out of !${iid}: the user behind ${tokenName} may not read pipelines in ${where}`,
        });
      }

      const flagRecords: { path: string; content: string }[] = [];
      // The globs may still be on their way (bfd ci reads the rules while wave 1 runs); they are needed only now.
      const globs = await flagRecordGlobs;
      if (globs.length > 0) {
        const sha = headShaOf(mr);
        if (changes === null) {
          unavailable.push({
            evidence: "mergeRequest.flagRecords",
            reason: `finding them needs the changed files of !${iid}, which could not be read`,
          });
        } else if (sha === null) {
          unavailable.push({
            evidence: "mergeRequest.flagRecords",
            reason: `GitLab gave no head commit for !${iid} to read them at`,
          });
        } else {
          const isFlagRecord = globMatcher(globs);
          const touched = [
            ...new Set(
              changes.filter((file) => !file.deletedFile && isFlagRecord(file.newPath)).map((file) => file.newPath),
            ),
          ].sort();
          // Records the MR adds come whole in their diffs: only changed records cost a read (and a wave).
          const added = diffsResult.status === "fulfilled" ? diffsResult.value.added : undefined;
          for (const path of touched) {
            const content = added?.get(path);
            if (content !== undefined) flagRecords.push({ path, content });
          }
          const paths = touched.filter((path) => added?.get(path) === undefined);
          const reads = await Promise.allSettled(paths.map((path) => api.files.showRaw(project, path, sha)));
          const unreadable: string[] = [];
          let firstReason: string | null = null;
          for (const [index, result] of reads.entries()) {
            const path = paths[index] ?? "";
            if (result.status === "fulfilled") {
              flagRecords.push({
                path,
                content: typeof result.value === "string" ? result.value : JSON.stringify(result.value),
              });
              continue;
            }
            const reason = accessReason(result.reason, `${path} at ${sha.slice(0, 8)}`, where);
            if (reason === null)
              throw classifyGitLabFailure(result.reason, {
                doing: `reading ${path} at ${sha.slice(0, 8)} in ${where}`,
                access: "read",
                project,
                auth,
                secrets,
              });
            unreadable.push(path);
            firstReason ??= reason;
          }
          if (unreadable.length > 0) {
            unavailable.push({
              evidence: "mergeRequest.flagRecords",
              reason: `${unreadable.length} of ${paths.length} unreadable (${unreadable.slice(0, 3).join(", ")}${unreadable.length > 3 ? ", …" : ""}): ${firstReason ?? ""}`,
            });
          }
        }
      }

      flagRecords.sort((a, b) => a.path.localeCompare(b.path));
      return {
        mergeRequest: toMergeRequest(mr, {
          changes: changes ?? [],
          flagRecords,
          fallbackProjectPath: pathFallback(project),
        }),
        unavailable,
      };
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

    async readFile(project, path, ref) {
      try {
        const content: unknown = await api.files.showRaw(project, path, ref);
        return typeof content === "string" ? content : JSON.stringify(content);
      } catch (error) {
        if (error instanceof GitLabHttpError && error.status === 404 && !/project not found/i.test(error.description))
          return null;
        throw classifyGitLabFailure(error, {
          doing: `reading ${path} at ${ref} in ${projectLabel(project)}`,
          access: "read",
          project,
          auth,
          secrets,
        });
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
  };
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n <= to; n += 1) out.push(n);
  return out;
}

function pathFallback(project: ProjectRef): string {
  return typeof project === "string" && !/^\d+$/.test(project) ? project : "";
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

function projectNoun(project: ProjectRef): string {
  const label = projectLabel(project);
  return label.startsWith("project ") ? label : `project ${label}`;
}
