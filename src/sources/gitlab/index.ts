export { createGitLabSource } from "./source.js";
export type {
  ChangesRead,
  CommitStatusInput,
  Deployment,
  LabelEvent,
  TokenInfo,
  GitLabSource,
  GitLabSourceOptions,
  MergeRequestRead,
  MergeRequestSummary,
  MergedMergeRequest,
  NoteSummary,
  ProjectRef,
  ProjectSummary,
  Readable,
} from "./source.js";
export { cappedListReason } from "./map.js";
export { parseMergeRequestUrl, projectFromRemoteUrl } from "./project.js";
export { classifyGitLabFailure, type GitLabFailureContext } from "./errors.js";
