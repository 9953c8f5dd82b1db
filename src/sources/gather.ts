/**
 * The one gatherer: every command (and `bfd serve`) builds its WorkItem here, from explicit inputs — the sources,
 * which issue and merge request, the evidence plan of the rules in force (src/engine/plan.ts) and, in CI, the job.
 * It fetches exactly what the plan asks for, in as few sequential waves as the evidence allows:
 *
 *   wave 1  the Linear issue · the MR (when known) · its changed files · who did what on it (label events, notes,
 *           approvals: when a rule may be waived) · in CI the running pipeline (its jobs, its trigger jobs and the
 *           statuses on its commit, at once), or the open MRs from the current branch while Linear answers (when the
 *           MR is still to be found)
 *   wave 2  the content of the changed files the rules read (those whose diff does not already hold them)
 *
 * Evidence a token may not read lands in `unavailable` (its rules then say `error`); any other failure throws.
 */
import { BfdError, inputError, usageError } from "../errors.js";
import type { EvidencePlan } from "../work-item/evidence.js";
import { globMatcher } from "../work-item/globs.js";
import { findKeysInBranch, issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import {
  DEFAULT_STATUS_NAME,
  makeWorkItem,
  type ChangedFile,
  type FileContent,
  type Issue,
  type MergeRequest,
  type Person,
  type Pipeline,
  type PipelineJob,
  type Staging,
  type Unavailable,
  type WorkItem,
} from "../work-item/schema.js";
import { addedLinesBetween, changedFilesBetween, fileAt, filesUnder } from "./git.js";
import {
  addedLinesOfDiff,
  introducedNames,
  MAX_ADDED_LINES_PER_MERGE_REQUEST,
  recordFor,
  staticPrefix,
} from "../work-item/introduced-names.js";
import type { GitLabSource, MergeRequestSummary, Readable } from "./gitlab/index.js";
import { cappedListReason, parseMergeRequestUrl } from "./gitlab/index.js";
import type { FetchIssueOptions, LinearSource } from "./linear/index.js";
import { parseIssueReference } from "./linear/index.js";
import { settled } from "./waves.js";
import { deploymentsOfMergeRequests } from "./deployments.js";
import { labelAddedAt } from "../work-item/staging-state.js";

export type IssueTarget =
  /** A key or Linear URL the user named. */
  | { by: "reference"; reference: string }
  /** Linear's branch search for `branch`, then keys in the branch name. */
  | { by: "branch" }
  /** CI: keys the pipeline names (branch, title) first, then every key the MR names. */
  | { by: "mergeRequest"; keys: readonly string[] };

export type MergeRequestTarget =
  /** The Ready gate, or rules that read no merge request. */
  | { by: "none" }
  | { by: "known"; project: string; iid: number }
  /** `--mr 42` (in `project`) or `--mr <URL>`. */
  | { by: "reference"; reference: string; project: Promise<string | null> }
  /** From the issue's Linear attachments, then the open MRs from the current branch and the issue's branch. */
  | { by: "discover"; project: Promise<string | null> };

/** The GitLab job `bfd ci` runs in (from CI_* variables). */
export interface CiJob {
  jobId: number | null;
  pipelineId: number | null;
  pipelineUrl: string | null;
  /** The commit the pipeline tests: CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in merged-results pipelines, else CI_COMMIT_SHA. */
  sha: string | null;
  /**
   * CI_COMMIT_SHA: the commit the pipeline runs on, where its statuses sit — GitLab's merge commit in merged-results and
   * merge-train pipelines. Unset: `sha`.
   */
  commitSha?: string | null | undefined;
  /** CI_MERGE_REQUEST_EVENT_TYPE. */
  kind?: Pipeline["kind"] | undefined;
  /** CI_PROJECT_ID: the project running the pipeline (a fork's, for a fork MR). Unset: the MR's project. */
  project?: string | null | undefined;
  /** CI_MERGE_REQUEST_DIFF_BASE_SHA: with `sha`, the whole change, read from the job's checkout. */
  diffBaseSha: string | null;
  /** The job's checkout. */
  checkout: string;
}

export interface GatherRequest {
  /** What the rules in force need; in `bfd ci` still on its way (the rules come from the target branch). */
  plan: EvidencePlan | Promise<EvidencePlan>;
  /**
   * Evidence to start in wave 1 before the plan is known — in `bfd ci`, what the built-in Done gate reads — so
   * reading the rules does not cost a wave of its own. Whatever the plan then adds is fetched after it.
   */
  prefetch?: Pick<EvidencePlan, "changes" | "pipeline" | "activity" | "templates"> | undefined;
  now: string;
  branch: string | null;
  issue: IssueTarget;
  mergeRequest: MergeRequestTarget;
  ci?: CiJob | undefined;
  /**
   * The command the person ran (`bfd ready`, `bfd handoff`), so a hint that says how to name the issue or the merge
   * request says it with their command, never another's. Unset: `bfd done`.
   */
  command?: string | undefined;
}

export interface GatherSources {
  linear: LinearSource;
  /** Null when the plan reads nothing from GitLab. */
  gitlab: GitLabSource | null;
  /**
   * The names bfd's own commit status is published under (`bfd serve` passes its `serve.statusName`), recorded in the
   * WorkItem (`context.ownStatuses`) so the pipeline rule never judges bfd's own verdict. Default: the built-in name.
   */
  ownStatuses?: readonly string[] | undefined;
}

const DEFAULT_COMMAND = "bfd done";

/** Key-like words a branch or MR may name before its real issue key; each costs one Linear request. */
export const MAX_KEYS_TRIED = 3;

export async function gatherWorkItem(sources: GatherSources, request: GatherRequest): Promise<WorkItem> {
  const { linear, gitlab } = sources;
  // A malformed key is refused before anything is asked of Linear.
  if (request.issue.by === "reference") parseIssueReference(request.issue.reference);
  const issueFound = findIssue(linear, request);
  // The workspace's team keys, when a rule tells issue keys from key-like words: asked once the issue is found, so a
  // run that cannot find its issue asks nothing more, and every failure is the issue's.
  const teamKeysOnceFound = async (found: FoundIssue | null): Promise<string[] | null> =>
    found !== null && (await request.plan).teamKeys ? linear.teamKeys() : null;
  const context = {
    issueFrom: request.issue.by,
    mergeRequestLookup: null as string | null,
    mergeRequestsIgnored: [] as string[],
    ruleFilesChangedByMergeRequest: [] as string[],
    ownStatuses: [...(sources.ownStatuses ?? [DEFAULT_STATUS_NAME])],
    ci: request.ci === undefined ? null : { jobId: request.ci.jobId, pipelineId: request.ci.pipelineId },
  };

  if (request.mergeRequest.by === "none" || gitlab === null) {
    const found = await issueFound;
    return makeWorkItem({
      now: request.now,
      branch: request.branch,
      ...issueFields(found, await teamKeysOnceFound(found)),
      mergeRequest: null,
      context,
    });
  }

  const target = request.mergeRequest;
  const known = await settled(explicitTarget(target), issueFound);
  let evidence = known === null ? null : mergeRequestEvidence(gitlab, known, request);
  // Speculative: the open MRs from the current branch, fetched while Linear answers (used only if none is attached).
  const branchMrs =
    target.by === "discover" && known === null
      ? target.project.then((project) => listBranchMrs(gitlab, project, [request.branch]))
      : Promise.resolve([]);

  let found = await settled(issueFound, evidence, branchMrs);
  let others: Promise<MergeRequestEvidence>[] = [];
  if (evidence === null && target.by === "discover") {
    if (found === null) throw usageError("no-issue", "no Linear issue to find the merge request from");
    const project = await target.project;
    const discovered = await discoverMergeRequest(gitlab, found.issue, project, request.branch, branchMrs, (chosen) =>
      mergeRequestEvidence(gitlab, chosen, request),
    );
    context.mergeRequestsIgnored = discovered.ignored;
    const [first, ...rest] = discovered.evidence;
    if (first === undefined) context.mergeRequestLookup = discovered.lookup;
    else evidence = first;
    others = rest;
  }
  const [read, ...otherReads] = await Promise.all([evidence, ...others]);

  // CI: the keys the pipeline named were not issues; try those the MR names (its description's magic words too).
  if (found === null && read !== null && request.issue.by === "mergeRequest") {
    const tried = new Set(request.issue.keys);
    const more = issueKeysFromMergeRequest(read.mergeRequest).filter((key) => !tried.has(key));
    found = await firstKnownIssue(linear, more.slice(0, MAX_KEYS_TRIED));
  }
  return makeWorkItem({
    now: request.now,
    branch: request.branch,
    ...issueFields(found, await teamKeysOnceFound(found)),
    mergeRequest: read?.mergeRequest ?? null,
    unavailable: read?.unavailable ?? [],
    otherMergeRequests: otherReads.map((other) => ({
      mergeRequest: other!.mergeRequest,
      unavailable: other!.unavailable,
    })),
    context,
  });
}

function issueFields(
  found: FoundIssue | null,
  workspaceTeamKeys: string[] | null,
): { issue: Issue | null; viewer: Person | null } {
  const issue = found === null ? null : { ...found.issue, workspaceTeamKeys };
  return { issue, viewer: found?.viewer ?? null };
}

interface FoundIssue {
  issue: Issue;
  viewer: Person | null;
}

/** The issue the request names; null only in CI, where no key the pipeline names is an issue (yet). */
async function findIssue(linear: LinearSource, request: GatherRequest): Promise<FoundIssue | null> {
  // A plan already known (the CLI's own rules) that needs the team keys asks them in the issue's request: `bfd ready`
  // answers in one Linear round trip. A plan still loading (rules from a target branch) asks them once it is known.
  const options = { teamKeys: !(request.plan instanceof Promise) && request.plan.teamKeys };
  switch (request.issue.by) {
    case "reference":
      return linear.fetchIssue(parseIssueReference(request.issue.reference), options);
    case "branch":
      return issueForBranch(linear, request.branch, request.command ?? DEFAULT_COMMAND, options);
    case "mergeRequest":
      return firstKnownIssue(linear, request.issue.keys.slice(0, MAX_KEYS_TRIED));
  }
}

/** Which issue, when none was named: Linear's branch search, then a key in the branch name. */
async function issueForBranch(
  linear: LinearSource,
  branch: string | null,
  command: string,
  options: FetchIssueOptions,
): Promise<FoundIssue> {
  if (branch === null) {
    throw usageError(
      "no-issue",
      "no issue given and no git branch to find it from",
      `Name the issue: ${command} ENG-123 (or a Linear issue URL).`,
    );
  }
  const byBranch = await linear.fetchIssueByBranch(branch, options);
  if (byBranch.issue !== null) return { issue: byBranch.issue, viewer: byBranch.viewer };
  const keys = findKeysInBranch(branch).slice(0, MAX_KEYS_TRIED);
  if (keys.length === 0) {
    throw usageError(
      "no-issue",
      `no Linear issue matches the branch "${branch}"`,
      `Name the issue (${command} ENG-123), or use Linear's branch name (copy it from the issue: Cmd/Ctrl+Shift+.) so bfd can find it.`,
    );
  }
  const found = await firstKnownIssue(linear, keys);
  if (found === null) {
    throw inputError(
      "issue-not-found",
      `${keys.join(", ")} (named by the branch "${branch}") ${keys.length === 1 ? "was" : "were"} not found in Linear`,
      `Name the issue: ${command} ENG-123`,
    );
  }
  return found;
}

/**
 * The first of `keys` that Linear knows, tried in order (fix/utf-8-eng-42 names UTF-8 first), or null when
 * none is an issue. Other failures (auth, outage) are thrown as they are.
 */
export async function firstKnownIssue(linear: LinearSource, keys: readonly string[]): Promise<FoundIssue | null> {
  for (const key of keys) {
    try {
      return await linear.fetchIssue(key);
    } catch (error) {
      if (!(error instanceof BfdError && error.code === "issue-not-found")) throw error;
    }
  }
  return null;
}

export interface MrTarget {
  project: string;
  iid: number;
}

async function explicitTarget(target: MergeRequestTarget): Promise<MrTarget | null> {
  if (target.by === "known") return { project: target.project, iid: target.iid };
  if (target.by !== "reference") return null;
  const reference = target.reference.trim();
  if (/^!?\d+$/.test(reference)) {
    const project = await target.project;
    if (project === null) {
      throw usageError(
        "no-project",
        `--mr ${reference}: cannot tell which GitLab project it belongs to`,
        "Pass the MR's URL instead, set gitlab.project in bfd.config.yaml, or run inside a checkout whose origin is on GitLab.",
      );
    }
    return { project, iid: Number(reference.replace("!", "")) };
  }
  const parsed = parseMergeRequestUrl(reference);
  if (parsed === null) {
    throw usageError(
      "bad-mr",
      `--mr ${reference}: not a merge request number or URL`,
      "Use --mr 42 or --mr https://gitlab.example.com/group/app/-/merge_requests/42",
    );
  }
  return { project: parsed.projectPath, iid: parsed.iid };
}

export interface MergeRequestEvidence {
  mergeRequest: MergeRequest;
  unavailable: Unavailable[];
}

/** The MR and what the plan asks of it, in two waves (see the top of this file). */
export async function mergeRequestEvidence(
  gitlab: GitLabSource,
  target: MrTarget,
  request: Pick<GatherRequest, "plan" | "prefetch" | "ci">,
): Promise<MergeRequestEvidence> {
  const { ci } = request;
  const { project, iid } = target;
  const planned = Promise.resolve(request.plan);
  const early = request.prefetch ?? (await planned);

  // Wave 1. In CI the job's checkout has the whole change; GitLab's list may be capped, so it is the fallback.
  const fromGit = ci !== undefined && ci.diffBaseSha !== null && ci.sha !== null;
  const readChanges = (): Promise<ChangedFile[] | null> | null =>
    fromGit ? changedFilesBetween(ci.checkout, ci.diffBaseSha!, ci.sha!) : null;
  let gitChanges = early.changes ? readChanges() : null;
  let apiChanges = early.changes && !fromGit ? gitlab.readChanges(project, iid) : null;
  // The pipeline bfd runs in belongs to the project that runs it (a fork's, for a fork MR) and its statuses sit on the
  // commit it runs on (GitLab's merge commit in merged-results and merge-train pipelines), not on the MR head.
  const pipelineProject = ci?.project ?? project;
  const ranOn = ci?.commitSha ?? ci?.sha ?? null;
  const readJobs = () =>
    ci?.pipelineId == null ? null : pipelineMadeOf(gitlab, pipelineProject, ci.pipelineId, ranOn);
  // A pipeline on a merge GitLab made tested the MR head only if the head is among the merge's parents: one request,
  // for such pipelines only.
  const onMerge = ci !== undefined && (ranOn !== ci.sha || ci.kind === "merged_result" || ci.kind === "merge_train");
  const readParents = () => (ranOn !== null && onMerge ? gitlab.readCommitParents(pipelineProject, ranOn) : null);
  let jobs = ci !== undefined && early.pipeline ? readJobs() : null;
  let parents = ci !== undefined && early.pipeline ? readParents() : null;
  // Beside the MR: who did what on it (label events, notes, approvals), for rules that may be waived.
  let activity = early.activity === true ? gitlab.readActivity(project, iid) : null;
  // Also beside the MR: the project's MR templates, for rules reading its description (they are one set per project,
  // so no need to wait for the MR's branches).
  let templates = early.templates === true ? gitlab.readMergeRequestTemplates(project) : null;
  const mrRead = gitlab.readMergeRequest(project, iid);
  const read = await settled(mrRead, gitChanges, apiChanges, jobs, parents, planned, activity, templates);
  const plan = await planned;
  // What the plan needs beyond what wave 1 started (a team rule the built-in Done gate does not have).
  if (plan.changes && !early.changes) {
    gitChanges = readChanges();
    apiChanges = fromGit ? null : gitlab.readChanges(project, iid);
  }
  if (ci !== undefined && plan.pipeline && !early.pipeline) {
    jobs = readJobs();
    parents = readParents();
  }
  if (plan.activity === true && activity === null) {
    activity = gitlab.readActivity(project, iid);
    activity.catch(() => undefined);
  }
  if (plan.templates === true && templates === null) {
    templates = gitlab.readMergeRequestTemplates(project);
    templates.catch(() => undefined);
  }

  const unavailable: Unavailable[] = [];
  const mr = read.mergeRequest;
  if (read.pipelineHidden !== null)
    unavailable.push({ evidence: "mergeRequest.headPipeline", reason: read.pipelineHidden });

  let changes: ChangedFile[] | null = null;
  let added: ReadonlyMap<string, string> = new Map();
  let diffs: ReadonlyMap<string, string> = new Map();
  let fromCheckout = false;
  if (plan.changes) {
    const local = await settled(gitChanges ?? Promise.resolve(null), apiChanges, jobs);
    if (local !== null) {
      changes = local;
      fromCheckout = true;
    } else {
      // The checkout could not tell (no git, or not this repository): GitLab's list, which may be capped.
      const listed = await (apiChanges ?? gitlab.readChanges(project, iid));
      if (!listed.ok) {
        unavailable.push({ evidence: "mergeRequest.changes", reason: listed.reason });
      } else {
        const capped = cappedListReason(iid, read.changesCount, listed.value.files.length);
        if (capped === null) ({ files: changes, added, diffs } = listed.value);
        else unavailable.push({ evidence: "mergeRequest.changes", reason: capped });
      }
    }
  }

  if (ci !== undefined && plan.pipeline) {
    const [own, merged] = await Promise.all([jobs, parents]);
    const head = mr.headPipeline;
    const same = head !== null && head.id === ci.pipelineId;
    // In CI the pipeline that judges the MR is the one bfd runs in: GitLab's head pipeline may still be an older one.
    mr.headPipeline = {
      id: ci.pipelineId ?? head?.id ?? null,
      status: same ? head.status : "running",
      url: ci.pipelineUrl ?? head?.url ?? null,
      sha: ranOn ?? head?.sha ?? null,
      kind: ci.kind ?? (same ? head.kind : null),
      parents: merged?.ok === true ? merged.value : null,
      projectId: /^\d+$/.test(pipelineProject) ? Number(pipelineProject) : same ? head.projectId : null,
      jobs: own?.ok === true ? own.value : null,
      triggers: null,
    };
    for (const gap of [own, merged])
      if (gap !== null && !gap.ok) unavailable.push({ evidence: "mergeRequest.headPipeline", reason: gap.reason });
  }

  // Wave 2, beside the files: a finished head pipeline that is not green is read for what made it so — its jobs and
  // the external statuses on its commit, in the project that ran it — so bfd's own failed status never keeps it red.
  // A pipeline on a merge GitLab made (merged-results, merge train) is read for the merge's parents: one request, for
  // such pipelines only.
  const head = mr.headPipeline;
  const outside = ci === undefined && plan.pipeline && head !== null && head.id !== null && head.sha !== null;
  // Named as the MR's project is (its path, in messages) unless another project ran it: a fork's, by its id.
  const ranElsewhere = head?.projectId != null && read.projectId !== null && head.projectId !== read.projectId;
  const headProject = ranElsewhere ? String(head.projectId) : project;
  const statuses =
    outside && head.status !== "success" ? gitlab.readPipelineStatuses(headProject, head.sha!, head.id!) : null;
  statuses?.catch(() => undefined);
  // A green pipeline's jobs and trigger jobs, beside the files: GitLab calls a pipeline green when nothing in it failed
  // for good, even when nothing in it ran (a job that failed where it may, beside manual ones nobody played:
  // lib/gitlab/ci/status/composite.rb), and a trigger job is `success` once its child pipeline exists, whatever the
  // child then does. So it is judged by what ran in it, as `bfd ci` judges the pipeline it runs in.
  const greenJobs = outside && head.status === "success" ? gitlab.readPipelineJobs(headProject, head.id!) : null;
  greenJobs?.catch(() => undefined);
  const mergeParents =
    outside && head.sha !== mr.headSha && (head.kind === "merged_result" || head.kind === "merge_train")
      ? gitlab.readCommitParents(headProject, head.sha!)
      : null;
  mergeParents?.catch(() => undefined);
  // Also beside the files: where a merged MR stands in staging (its deployments and label history).
  const staging = plan.staging === null ? null : stagingOf(gitlab, project, mr, plan.staging);
  staging?.catch(() => undefined);

  // Beside wave 2, and only for a name the MR introduces without recording it: the records already at its head.
  const introducing = plan.introducedNames ?? [];
  let existing: Promise<Readable<string[]>> | null = null;
  if (introducing.length > 0 && changes !== null) {
    const checkout = fromCheckout ? { dir: ci!.checkout, base: ci!.diffBaseSha!, head: ci!.sha! } : null;
    changes = await withAddedLines(changes, introducing, diffs, checkout);
    const sha = fromCheckout ? (ci?.sha ?? null) : mr.headSha;
    existing = recordsAtHead(gitlab, project, changes, introducing, sha, checkout?.dir ?? null);
    existing?.catch(() => undefined);
  }

  // Wave 2: the content of the changed files the rules read.
  if (plan.fileGlobs.length > 0) {
    const sha = fromCheckout ? (ci?.sha ?? null) : mr.headSha;
    if (changes === null) {
      unavailable.push({
        evidence: "mergeRequest.files",
        reason: `reading them needs the changed files of !${iid}, which could not be read`,
      });
    } else if (sha === null) {
      unavailable.push({
        evidence: "mergeRequest.files",
        reason: `GitLab gave no head commit for !${iid} to read them at`,
      });
    } else {
      const checkout = fromCheckout ? ci!.checkout : null;
      const files = await readChangedFiles(gitlab, project, changes, plan.fileGlobs, sha, added, checkout);
      mr.files = files.files;
      if (files.unreadable.length > 0) {
        const first = files.unreadable[0]!;
        const names = files.unreadable.slice(0, 3).map((u) => u.path);
        unavailable.push({
          evidence: "mergeRequest.files",
          reason: `${files.unreadable.length} unreadable (${names.join(", ")}${files.unreadable.length > 3 ? ", …" : ""}): ${first.reason}`,
        });
      }
    }
  }
  if (existing !== null) {
    const read = await existing;
    if (read.ok) mr.existingFiles = read.value;
    else unavailable.push({ evidence: "mergeRequest.existingFiles", reason: read.reason });
  }
  if (statuses !== null && head !== null) {
    const read = await statuses;
    if (read.ok) head.jobs = read.value;
    else unavailable.push({ evidence: "mergeRequest.headPipeline", reason: read.reason });
  }
  if (greenJobs !== null && head !== null) {
    const read = await greenJobs;
    if (read.ok) head.jobs = read.value;
    else unavailable.push({ evidence: "mergeRequest.headPipeline", reason: read.reason });
  }
  if (mergeParents !== null && head !== null) {
    const read = await mergeParents;
    if (read.ok) head.parents = read.value;
    else unavailable.push({ evidence: "mergeRequest.headPipeline", reason: read.reason });
  }
  if (staging !== null) mr.staging = await staging;
  if (plan.activity === true && activity !== null) {
    const who = await activity;
    if (who.ok) mr.activity = who.value;
    else unavailable.push({ evidence: "mergeRequest.activity", reason: who.reason });
  }
  if (plan.templates === true && templates !== null) {
    const held = await templates;
    if (held.ok) mr.templates = held.value;
    else unavailable.push({ evidence: "mergeRequest.templates", reason: held.reason });
  }
  mr.changes = changes ?? [];
  return { mergeRequest: mr, unavailable };
}

/**
 * What the pipeline `bfd ci` runs in is made of: its jobs and trigger jobs, and the external statuses other tools set
 * on it, read at once. Statuses are listed by commit (each with its pipeline), and GitLab lists the pipeline's jobs
 * and trigger jobs among them too, as commit statuses: the ones the job lists do not know are the external ones.
 * Any of them refused: the pipeline cannot be judged.
 */
async function pipelineMadeOf(
  gitlab: GitLabSource,
  project: string,
  pipelineId: number,
  sha: string | null,
): Promise<Readable<PipelineJob[]>> {
  const [jobs, statuses] = await Promise.all([
    gitlab.readPipelineJobs(project, pipelineId),
    sha === null ? null : gitlab.readPipelineStatuses(project, sha, pipelineId),
  ]);
  if (!jobs.ok || statuses === null) return jobs;
  if (!statuses.ok) return statuses;
  const ids = new Set(jobs.value.map((job) => job.id));
  const names = new Set(jobs.value.map((job) => job.name));
  const external = statuses.value.filter((status) => !ids.has(status.id) && !names.has(status.name));
  return { ok: true, value: [...jobs.value, ...external] };
}

/**
 * Where a merged MR stands in an environment: the successful deployment there that brought it, and when the staging
 * label was last added and kept (its label events). An MR not merged yet has neither.
 */
async function stagingOf(
  gitlab: GitLabSource,
  project: string,
  mr: MergeRequest,
  need: { environment: string; label: string },
): Promise<Staging> {
  const none: Staging = { ...need, deployedAt: null, deploymentId: null, labelAddedAt: null };
  // An MR that is not merged is not in staging yet: nothing to read (the rule skips it).
  if (mr.state !== "merged" || mr.mergedAt === null) return none;
  const labelled = mr.labels.some((l) => l.toLowerCase() === need.label.toLowerCase());
  const [events, deployed] = await Promise.all([
    labelled ? gitlab.labelEvents(project, mr.iid) : [],
    deploymentsOfMergeRequests(gitlab, project, { environment: need.environment, since: mr.mergedAt, iids: [mr.iid] }),
  ]);
  const deployment = deployed.get(mr.iid);
  return {
    ...none,
    deployedAt: deployment?.finishedAt ?? null,
    deploymentId: deployment?.deploymentId ?? null,
    labelAddedAt: labelled ? labelAddedAt(events, need.label) : null,
  };
}

type Introducing = NonNullable<EvidencePlan["introducedNames"]>;

/**
 * `changes` with the lines they add, for the files some introducer reads: from the diffs GitLab already listed, or in
 * `bfd ci` from the job's checkout (one local `git diff`). A file whose diff GitLab left out (collapsed, too large)
 * adds no line bfd can read.
 */
async function withAddedLines(
  changes: ChangedFile[],
  introducing: Introducing,
  diffs: ReadonlyMap<string, string>,
  checkout: { dir: string; base: string; head: string } | null,
): Promise<ChangedFile[]> {
  const reads = globMatcher(introducing.flatMap((need) => need.introducers.flatMap((i) => i.files)));
  const paths = changes.filter((f) => !f.deletedFile && reads(f.newPath)).map((f) => f.newPath);
  if (paths.length === 0) return changes;
  const local = checkout === null ? null : await addedLinesBetween(checkout.dir, checkout.base, checkout.head, paths);
  const wanted = new Set(paths);
  let budget = MAX_ADDED_LINES_PER_MERGE_REQUEST;
  return changes.map((file) => {
    if (!wanted.has(file.newPath)) return file;
    const diff = diffs.get(file.newPath);
    const lines = local?.get(file.newPath) ?? (diff === undefined ? [] : addedLinesOfDiff(diff));
    const addedLines = lines.slice(0, budget);
    budget -= addedLines.length;
    return { ...file, addedLines };
  });
}

/**
 * The records at `sha` of the names the MR introduces and does not record itself; null when every introduced name is
 * recorded in the MR (the usual MR: nothing is read). Listed from the job's checkout in `bfd ci`, else with GitLab's
 * repository tree, one listing per record folder.
 */
function recordsAtHead(
  gitlab: GitLabSource,
  project: string,
  changes: readonly ChangedFile[],
  introducing: Introducing,
  sha: string | null,
  checkout: string | null,
): Promise<Readable<string[]>> | null {
  const present = changes.filter((f) => !f.deletedFile).map((f) => f.newPath);
  const wanted = introducing.flatMap((need) =>
    introducedNames(changes, need.introducers)
      .filter((flag) => recordFor(flag.name, present, need.records) === undefined)
      .map((flag) => ({ name: flag.name, records: need.records })),
  );
  if (wanted.length === 0) return null;
  if (sha === null) return Promise.resolve({ ok: false, reason: "GitLab gave no head commit to look for records at" });
  const folders = [
    ...new Set(wanted.flatMap((w) => w.records.filter((g) => !g.startsWith("!")).map(staticPrefix))),
  ].sort();
  const found = (paths: readonly string[]): string[] =>
    [
      ...new Set(wanted.map((w) => recordFor(w.name, paths, w.records)).filter((p): p is string => p !== undefined)),
    ].sort();
  return (async (): Promise<Readable<string[]>> => {
    const local = checkout === null ? null : await filesUnder(checkout, sha, folders);
    if (local !== null) return { ok: true, value: found(local) };
    const listed = await Promise.all(folders.map((folder) => gitlab.listFilesUnder(project, folder, sha)));
    const refused = listed.find((l) => !l.ok);
    if (refused !== undefined && !refused.ok) return refused;
    return { ok: true, value: found(listed.flatMap((l) => (l.ok ? l.value : []))) };
  })();
}

/** Content at `sha` of the changed files matching `globs` (deleted files skipped): from the diffs, git, or GitLab. */
async function readChangedFiles(
  gitlab: GitLabSource,
  project: string,
  changes: readonly ChangedFile[],
  globs: readonly string[],
  sha: string,
  added: ReadonlyMap<string, string>,
  checkout: string | null,
): Promise<{ files: FileContent[]; unreadable: { path: string; reason: string }[] }> {
  const matches = globMatcher(globs);
  const paths = [...new Set(changes.filter((f) => !f.deletedFile && matches(f.newPath)).map((f) => f.newPath))].sort();
  const files: FileContent[] = [];
  const rest: string[] = [];
  for (const path of paths) {
    const content = added.get(path);
    if (content === undefined) rest.push(path);
    else files.push({ path, content });
  }
  const unreadable: { path: string; reason: string }[] = [];
  if (checkout !== null) {
    const local = await Promise.all(rest.map((path) => fileAt(checkout, sha, path)));
    const missing: string[] = [];
    local.forEach((content, i) =>
      content === null ? missing.push(rest[i]!) : files.push({ path: rest[i]!, content }),
    );
    rest.splice(0, rest.length, ...missing);
  }
  if (rest.length > 0) {
    const read = await gitlab.readFiles(project, rest, sha);
    files.push(...read.files);
    unreadable.push(...read.unreadable);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, unreadable };
}

const MR_URL = /\/-\/merge_requests\/(\d+)/;

/**
 * Picks the MRs for an issue: its Linear attachments first — every open and every merged one; closed ones are passed
 * over (Linear keeps an MR attached after it is closed) and said so — then open MRs from the current branch or the
 * issue's branch. Several are all judged (issue #21: "among several attached MRs the open or merged ones are judged
 * (all of them, when the issue has several)"), their evidence read at once, in order of their number; none is not an
 * error (the MR rules then say "no merge request found", with the lookup).
 *
 * The usual single attachment's evidence starts at once, beside the read of its state (the same cached MR read), so
 * checking that it is not closed costs no wave; a closed one's evidence is dropped.
 */
async function discoverMergeRequest(
  gitlab: GitLabSource,
  issue: Issue,
  project: string | null,
  branch: string | null,
  branchMrs: Promise<MergeRequestSummary[]>,
  /** How to run the command again for one MR: `bfd done ENG-123` (`--mr <URL>` follows). */
  evidenceOf: (target: MrTarget) => Promise<MergeRequestEvidence>,
): Promise<{ evidence: Promise<MergeRequestEvidence>[]; lookup: string; ignored: string[] }> {
  const attached = issue.attachments
    .filter((a) => MR_URL.test(a.url))
    .map((a) => parseMergeRequestUrl(a.url))
    .filter((a): a is NonNullable<typeof a> => a !== null);
  const unique = [...new Map(attached.map((a) => [`${a.projectPath}!${a.iid}`, a])).values()];
  const only = unique.length === 1 ? { project: unique[0]!.projectPath, iid: unique[0]!.iid } : null;
  const speculative = only === null ? null : evidenceOf(only);
  speculative?.catch(() => undefined);
  const summaries = await Promise.all(unique.map((a) => gitlab.getMergeRequestSummary(a.projectPath, a.iid)));
  const ignored = summaries
    .filter((s) => s.state === "closed")
    .map((s) => `${s.projectPath}!${s.iid} closed without merging`);
  // `locked` is GitLab's state while it merges: still the open one.
  const open = summaries.filter((s) => s.state === "opened" || s.state === "locked");
  const merged = summaries.filter((s) => s.state === "merged");
  // Every open or merged MR is part of the issue's work: a merged one that lacks its notes is not done either.
  const judged = [...open, ...merged];
  if (judged.length > 1) return { evidence: everyOne(judged, evidenceOf), lookup: "", ignored };
  const chosen = judged[0];
  if (chosen !== undefined) {
    const evidence = speculative ?? evidenceOf({ project: chosen.projectPath, iid: chosen.iid });
    return { evidence: [evidence], lookup: "", ignored };
  }
  // Asked for only when no open or merged MR is attached: the open MRs from the issue's own branch join the current
  // branch's.
  const issueBranch =
    issue.branchName !== "" && issue.branchName !== branch ? listBranchMrs(gitlab, project, [issue.branchName]) : [];
  const fromBranches = (await Promise.all([branchMrs, issueBranch])).flat();
  const distinct = [...new Map(fromBranches.map((m) => [`${m.projectPath}!${m.iid}`, m])).values()];
  if (distinct.length > 0) return { evidence: everyOne(distinct, evidenceOf), lookup: "", ignored };
  const where = [branch, issue.branchName].filter(
    (b, i, all): b is string => b !== null && b !== "" && all.indexOf(b) === i,
  );
  const none =
    ignored.length === 0
      ? `no merge request attached to ${issue.identifier} in Linear`
      : `no open or merged merge request attached to ${issue.identifier} in Linear (${ignored.join(", ")})`;
  const lookup =
    project === null
      ? `${none}, and no GitLab project known to search branches in`
      : `${none}, and no open merge request in ${project} from ${where.length === 0 ? "its branch" : where.map((b) => `"${b}"`).join(" or ")}`;
  return { evidence: [], lookup, ignored };
}

/** The evidence of every one of `mrs`, read at once, in a stable order (project, then number). */
function everyOne(
  mrs: readonly MergeRequestSummary[],
  evidenceOf: (target: MrTarget) => Promise<MergeRequestEvidence>,
): Promise<MergeRequestEvidence>[] {
  const ordered = [...mrs].sort((a, b) => a.projectPath.localeCompare(b.projectPath) || a.iid - b.iid);
  const reads = ordered.map((mr) => evidenceOf({ project: mr.projectPath, iid: mr.iid }));
  for (const read of reads) read.catch(() => undefined);
  return reads;
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
