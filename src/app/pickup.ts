/**
 * The pure half of `bfd start`: who may pick the issue up, which state it moves to, what a pickup changes. The
 * command (src/commands/start.ts) gathers the evidence, runs git, writes to Linear and prints the plan.
 */
import { printable as t, usageError } from "../errors.js";
import type { Issue, Person, WorkItem } from "../work-item/schema.js";

/** What a start does (or, with --dry-run, would do); `bfd mcp`'s bfd_start returns it as structuredContent. */
export interface StartPlan {
  issue: { identifier: string; title: string; url: string };
  ready: boolean;
  /** create: from HEAD; switch: it exists; stay: already on it; none: not checked out here (MCP, or no checkout). */
  branch: { name: string; action: "create" | "switch" | "stay" | "none"; from: string | null };
  assignee: { action: "assign" | "take" | "keep"; from: Person | null; to: Person };
  state: { action: "move" | "keep"; from: string; to: string };
  /** --force: the reason, kept as bfd's one comment on the issue. */
  forceComment: { action: "post" | "update" | "keep"; reason: string } | null;
  /** True when the run writes (or, dry, would write) nothing. */
  nothingToDo: boolean;
  dryRun: boolean;
}

/** The first line of bfd's --force comment: how bfd finds its own comment again (src/app/issue-comment.ts). */
export const START_FORCE_MARKER = "**bfd start --force**";

/** Linear's state types before work starts: only these are moved to the first started state. */
export const NOT_STARTED = new Set(["triage", "backlog", "unstarted"]);

/** The issue and the key's user a start needs; a usage error when either is unknown. */
export function pickupOf(item: WorkItem): { issue: Issue; viewer: Person } {
  const issue = item.issue;
  if (issue === null || issue.id === "")
    throw usageError("no-issue", "bfd start needs an issue", "Name it: bfd start ENG-123");
  const viewer = item.viewer;
  if (viewer === null)
    throw usageError(
      "no-viewer",
      "Linear did not say who owns LINEAR_API_KEY, so bfd cannot assign the issue",
      "Use a personal API key (Linear → Settings → Security & access).",
    );
  return { issue, viewer };
}

export function assigneeStep(issue: Issue, viewer: Person, take: boolean): StartPlan["assignee"] {
  const holder = issue.assignee;
  if (holder === null) return { action: "assign", from: null, to: viewer };
  if (holder.id === viewer.id) return { action: "keep", from: holder, to: viewer };
  if (!take)
    throw usageError(
      "issue-held",
      `${t(issue.identifier)} is assigned to ${t(holder.name)}, not to you (${t(viewer.name)})`,
      `Agree it with ${t(holder.name)}, then run bfd start ${t(issue.identifier)} --take to reassign it to you. Nothing was written.`,
    );
  return { action: "take", from: holder, to: viewer };
}

export function firstStartedState(
  workflow: { states: { id: string; name: string; type: string; position: number }[] },
  teamKey: string,
): { id: string; name: string } {
  const started = workflow.states
    .filter((state) => state.type === "started")
    .sort((a, b) => a.position - b.position)[0];
  if (started === undefined)
    throw usageError(
      "no-started-state",
      `Linear team ${t(teamKey)} has no workflow state of type "started"`,
      "Add one in Linear → Settings → Teams → Workflow (e.g. In Progress).",
    );
  return started;
}
