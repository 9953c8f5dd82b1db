import type { z } from "zod";
import {
  makeWorkItem,
  type IssueSchema,
  type MergeRequestSchema,
  type WorkItem,
  type WorkItemInput,
} from "../../src/work-item/schema.js";

type IssueInput = z.input<typeof IssueSchema>;
type MergeRequestInput = z.input<typeof MergeRequestSchema>;
type ChangedFileInput = NonNullable<MergeRequestInput["changes"]>[number];
type IssueRefInput = NonNullable<IssueInput["blockedBy"]>[number];
type StateInput = IssueInput["state"];

/** Partial issue fields; `state` may be partial too (`{ name: "Blocked" }` keeps the default type). */
export type IssuePatch = Omit<Partial<IssueInput>, "state"> & { state?: Partial<StateInput> };
/** Partial merge-request fields; `headPipeline` may be partial too (`{ status: "failed" }`). */
export type MergeRequestPatch = Omit<Partial<MergeRequestInput>, "headPipeline"> & {
  headPipeline?: Partial<NonNullable<MergeRequestInput["headPipeline"]>> | null;
};
export type ItemOverrides = Omit<Partial<WorkItemInput>, "issue" | "mergeRequest"> & {
  /** Merged into the default issue ENG-123; `null` for no issue. */
  issue?: IssuePatch | null;
  /** Merged into the default merge request !42; omitted or `null` for no merge request. */
  mergeRequest?: MergeRequestPatch | null;
};

export const JANE = { id: "user-jane", name: "Jane Doe", email: "jane@example.com" };
export const OMAR = { id: "user-omar", name: "Omar Haddad", email: "omar@example.com" };

/** ENG-123 "Add login audit", in progress, assigned to Jane, in team ENG; no description, labels or relations. */
export const DEFAULT_ISSUE = {
  id: "issue-uuid-123",
  identifier: "ENG-123",
  title: "Add login audit",
  url: "https://linear.app/acme/issue/ENG-123/add-login-audit",
  description: "",
  branchName: "jdoe/eng-123-add-login-audit",
  state: { name: "In Progress", type: "started" },
  assignee: JANE,
  labels: [],
  teamKey: "ENG",
  estimate: null,
} satisfies IssueInput;

/** acme/app!42, opened from Linear's branch for ENG-123, green pipeline, no changes. */
export const DEFAULT_MERGE_REQUEST = {
  iid: 42,
  projectPath: "acme/app",
  url: "https://gitlab.example.com/acme/app/-/merge_requests/42",
  title: "ENG-123: Add login audit",
  description: "",
  state: "opened",
  author: "jdoe",
  sourceBranch: "jdoe/eng-123-add-login-audit",
  targetBranch: "main",
  headSha: "0123456789abcdef0123456789abcdef01234567",
  headPipeline: { id: 9001, status: "success", url: "https://gitlab.example.com/acme/app/-/pipelines/9001" },
} satisfies MergeRequestInput;

/** A full, valid WorkItem: issue ENG-123 (patched by `overrides.issue`), no merge request unless one is given. */
export function item(overrides: ItemOverrides = {}): WorkItem {
  const { issue, mergeRequest, ...rest } = overrides;
  return makeWorkItem({
    schemaVersion: 1,
    now: "2025-03-14T09:30:00.000Z",
    branch: DEFAULT_ISSUE.branchName,
    viewer: JANE,
    ...rest,
    issue: issue === null ? null : mergeIssue(issue ?? {}),
    mergeRequest: mergeRequest === null || mergeRequest === undefined ? null : mergeMergeRequest(mergeRequest),
  });
}

/** The default item with the issue patched. */
export function withIssue(patch: IssuePatch, overrides: Omit<ItemOverrides, "issue"> = {}): WorkItem {
  return item({ ...overrides, issue: patch });
}

/** The default item with a merge request (the default one, patched). */
export function withMr(patch: MergeRequestPatch = {}, overrides: Omit<ItemOverrides, "mergeRequest"> = {}): WorkItem {
  return item({ ...overrides, mergeRequest: patch });
}

function mergeIssue(patch: IssuePatch): IssueInput {
  return { ...DEFAULT_ISSUE, ...patch, state: { ...DEFAULT_ISSUE.state, ...patch.state } };
}

function mergeMergeRequest(patch: MergeRequestPatch): MergeRequestInput {
  const { headPipeline, ...rest } = patch;
  const pipeline = headPipeline === null ? null : { ...DEFAULT_MERGE_REQUEST.headPipeline, ...headPipeline };
  return { ...DEFAULT_MERGE_REQUEST, ...rest, headPipeline: pipeline };
}

/** A related issue (`ref("ENG-7", "completed")`); with no state type its state is unknown (null). */
export function ref(identifier: string, stateType?: string): IssueRefInput {
  return stateType === undefined
    ? { identifier }
    : { identifier, state: { name: STATE_NAMES[stateType] ?? stateType, type: stateType } };
}

const STATE_NAMES: Record<string, string> = {
  triage: "Triage",
  backlog: "Backlog",
  unstarted: "Todo",
  started: "In Progress",
  completed: "Done",
  canceled: "Canceled",
  duplicate: "Duplicate",
};

/** A changed file: `changed("a.ts")`, `changed("b.ts", { from: "a.ts" })` (rename), `changed("a.ts", { deleted: true })`. */
export function changed(
  path: string,
  how: { from?: string; added?: boolean; deleted?: boolean } = {},
): ChangedFileInput {
  const renamed = how.from !== undefined && how.from !== path;
  return {
    oldPath: how.from ?? path,
    newPath: path,
    newFile: how.added ?? false,
    deletedFile: how.deleted ?? false,
    renamedFile: renamed,
  };
}

/** Markdown from lines, so table rows can show a description's shape: `md("## AC", "- [x] a")`. */
export function md(...lines: string[]): string {
  return lines.join("\n");
}
