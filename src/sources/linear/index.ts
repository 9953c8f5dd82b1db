export { createLinearSource, DEFAULT_LINEAR_API_URL, parseIssueReference } from "./client.js";
export type { IssueListFilter, LinearSource, LinearSourceOptions } from "./client.js";
