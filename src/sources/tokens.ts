/**
 * Where each token comes from and what it needs, said once: the hints of missing-token errors, rejected-token
 * errors and `bfd doctor` all read these.
 */
export const LINEAR_KEY_HINT =
  "Create a personal API key in Linear (Settings → Security & access → Personal API keys) and export LINEAR_API_KEY=lin_api_…";

export const GITLAB_TOKEN_HINT =
  "Create a personal, group or project access token with the read_api scope (api to post notes) and export GITLAB_TOKEN=glpat-…";

/** Why CI_JOB_TOKEN is not enough, for `bfd ci` without GITLAB_TOKEN. */
export const JOB_TOKEN_LIMITS =
  "CI_JOB_TOKEN cannot read merge requests, their diffs, pipelines or notes, nor repository files: GitLab answers such requests as for an anonymous caller";

export const CI_GITLAB_TOKEN_HINT =
  "Add a masked CI/CD variable GITLAB_TOKEN holding a project, group or personal access token with the read_api scope (api when the job posts its note with --comment).";
