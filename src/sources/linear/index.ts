export { createLinearSource, DEFAULT_LINEAR_API_URL, parseIssueReference } from "./client.js";
export type {
  AgentActivityContent,
  FetchIssueOptions,
  IssueListFilter,
  LinearComment,
  LinearSource,
  LinearSourceOptions,
  TeamWorkflow,
} from "./client.js";
export type { LinearBudget, LinearRateLimitStatus } from "./budget.js";
export { explainEmptyListing } from "./listing-filters.js";
