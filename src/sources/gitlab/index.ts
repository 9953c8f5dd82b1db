export { createGitLabSource } from "./source.js";
export type {
  GitLabSource,
  GitLabSourceOptions,
  MergeRequestEvidence,
  MergeRequestSummary,
  MergedMergeRequest,
  NoteSummary,
  ProjectRef,
  ProjectSummary,
  UnavailableEvidence,
} from "./source.js";
export { parseMergeRequestUrl, projectFromRemoteUrl } from "./project.js";
export { classifyGitLabFailure, gitLabAttemptFailure, type GitLabFailureContext } from "./errors.js";
