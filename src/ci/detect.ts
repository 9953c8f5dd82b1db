/**
 * GitLab merge-request pipeline detection. The environment is a parameter, never read here from
 * process.env, so tests pass any environment they like (Danger JS's shape, without `Env = any`).
 */
export interface MergeRequestPipeline {
  serverUrl: string;
  /** Numeric project id when GitLab gave one, else the full path. */
  project: string;
  projectPath: string | null;
  mrIid: number;
  sourceBranch: string;
  targetBranch: string | null;
  title: string;
  pipelineSource: string;
  /** CI_JOB_ID: bfd's own job, which never judges itself. */
  jobId: number | null;
  /** CI_PIPELINE_ID and CI_PIPELINE_URL: the pipeline bfd runs in. */
  pipelineId: number | null;
  pipelineUrl: string | null;
  /**
   * The commit the pipeline tests: CI_MERGE_REQUEST_SOURCE_BRANCH_SHA in merged-results pipelines (where
   * CI_COMMIT_SHA is GitLab's internal merge commit), else CI_COMMIT_SHA (gitlab-org/gitlab#330964).
   */
  sha: string | null;
  /**
   * CI_COMMIT_SHA: the commit the pipeline runs on, where its jobs' and external tools' statuses sit. In merged-results
   * and merge-train pipelines it is GitLab's merge commit, not the MR head (`sha`).
   */
  commitSha: string | null;
  /** CI_MERGE_REQUEST_EVENT_TYPE: detached, merged_result or merge_train; null when unset or unknown. */
  eventType: "detached" | "merged_result" | "merge_train" | null;
  /**
   * CI_PROJECT_ID: the project that runs the pipeline, whose jobs and statuses bfd reads. A fork MR's pipeline runs in
   * the fork by default (doc/ci/pipelines/merge_request_pipelines.md, "Use with forked projects"), while the MR itself
   * lives in the target project (`project`, CI_MERGE_REQUEST_PROJECT_ID).
   */
  pipelineProject: string;
  /** CI_MERGE_REQUEST_DIFF_BASE_SHA: where the MR's diff starts. */
  diffBaseSha: string | null;
  /** CI_PROJECT_DIR: the job's checkout. */
  projectDir: string | null;
}

export type CiDetection = { ok: true; pipeline: MergeRequestPipeline } | { ok: false; reason: string };

type Env = Readonly<Record<string, string | undefined>>;

export function detectGitLabMergeRequestPipeline(env: Env): CiDetection {
  if (env.GITLAB_CI !== "true" && env.CI_SERVER_URL === undefined) {
    return { ok: false, reason: "this is not a GitLab CI job (GITLAB_CI and CI_SERVER_URL are not set)" };
  }
  const source = env.CI_PIPELINE_SOURCE ?? "";
  const iid = env.CI_MERGE_REQUEST_IID;
  if (source !== "merge_request_event" || iid === undefined || iid === "") {
    return {
      ok: false,
      reason: `this is not a merge-request pipeline (CI_PIPELINE_SOURCE is "${source || "unset"}"${iid ? "" : ", CI_MERGE_REQUEST_IID is unset"}); run the job with rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`,
    };
  }
  if (!/^\d+$/.test(iid)) return { ok: false, reason: `CI_MERGE_REQUEST_IID is not a number: "${iid}"` };
  const project = env.CI_MERGE_REQUEST_PROJECT_ID || env.CI_PROJECT_ID || env.CI_PROJECT_PATH;
  if (project === undefined || project === "")
    return { ok: false, reason: "neither CI_PROJECT_ID nor CI_PROJECT_PATH is set" };
  const serverUrl = env.CI_SERVER_URL;
  if (serverUrl === undefined || serverUrl === "") return { ok: false, reason: "CI_SERVER_URL is not set" };
  return {
    ok: true,
    pipeline: {
      serverUrl,
      project,
      projectPath: env.CI_PROJECT_PATH || null,
      mrIid: Number(iid),
      sourceBranch: env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME || "",
      targetBranch: env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || null,
      title: env.CI_MERGE_REQUEST_TITLE ?? "",
      pipelineSource: source,
      jobId: wholeNumber(env.CI_JOB_ID),
      pipelineId: wholeNumber(env.CI_PIPELINE_ID),
      pipelineUrl: env.CI_PIPELINE_URL || null,
      sha: env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA || env.CI_COMMIT_SHA || null,
      commitSha: env.CI_COMMIT_SHA || null,
      eventType: eventTypeOf(env.CI_MERGE_REQUEST_EVENT_TYPE),
      pipelineProject: env.CI_PROJECT_ID || env.CI_PROJECT_PATH || project,
      diffBaseSha: env.CI_MERGE_REQUEST_DIFF_BASE_SHA || null,
      projectDir: env.CI_PROJECT_DIR || null,
    },
  };
}

function wholeNumber(value: string | undefined): number | null {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : null;
}

/** doc/ci/variables/predefined_variables.md: CI_MERGE_REQUEST_EVENT_TYPE is detached, merged_result or merge_train. */
function eventTypeOf(value: string | undefined): MergeRequestPipeline["eventType"] {
  return value === "detached" || value === "merged_result" || value === "merge_train" ? value : null;
}
