/**
 * `bfd start`: the pickup after the Ready gate — Linear's branch checked out, the issue assigned to the API key's
 * user and moved to the team's first started state (NOTES.md "Workflow states"). Every refusal is decided before
 * the first write, so a refused start changes nothing; a start whose work is already done writes nothing.
 */
import { ownComment } from "../app/issue-comment.js";
import {
  assigneeStep,
  firstStartedState,
  NOT_STARTED,
  pickupOf,
  START_FORCE_MARKER,
  type StartPlan,
} from "../app/pickup.js";
import { usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Report } from "../report/schema.js";
import { stripTerminalControls as t } from "../reporters/sanitize.js";
import type { Issue } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";
import { gateReport } from "./gate.js";
import { sourceSetup } from "./sources.js";
import { plural } from "../text/plural.js";

export interface StartOptions {
  issue: string | undefined;
  dryRun: boolean;
  /** Take uncommitted changes along to the issue's branch. */
  carry: boolean;
  /** Reassign an issue someone else holds. */
  take: boolean;
  /** Start although the Ready gate fails; needs `reason`. */
  force: boolean;
  reason: string | undefined;
  /** Check the branch out in ctx.cwd; false for `bfd mcp`, where the agent runs git. */
  checkout: boolean;
}

/**
 * The Ready gate, then the plan, then (unless dry) the writes: git first (local, and the likeliest to refuse), then
 * ONE issueUpdate, then the --force comment.
 */
export async function startIssue(
  ctx: CommandContext,
  options: StartOptions,
): Promise<{ code: ExitCode; report: Report; plan: StartPlan | null }> {
  const reason = options.reason?.trim() ?? "";
  if (options.force && reason === "")
    throw usageError(
      "force-needs-reason",
      "--force starts an issue the Ready gate fails, and needs --reason",
      'Say why, e.g. bfd start ENG-123 --force --reason "hotfix agreed with the PM"',
    );
  if (!options.force && options.reason !== undefined)
    throw usageError("reason-without-force", "--reason goes with --force", "Add --force, or drop --reason.");

  const { report, item } = await gateReport(ctx, "ready", { issue: options.issue, mr: undefined }, (found) => {
    const { issue, viewer } = pickupOf(found);
    // Refused before the verdict: whoever holds the issue is a question for people, whatever the gate says.
    assigneeStep(issue, viewer, options.take);
    // The gate judges the issue as the pickup leaves it: on its own branch, held by the key's user. The branch
    // checked out now (another issue's, say) and an assignee --take replaces are what start changes.
    return { ...found, branch: issue.branchName, issue: { ...issue, assignee: viewer } };
  });
  const ready = report.verdict === "pass";
  if (!ready && !options.force) return { code: ExitCode.gateFailed, report, plan: null };
  const { issue, viewer } = pickupOf(item);

  const [{ linearFromEnv }, git] = await Promise.all([import("../sources/env.js"), import("../sources/git.js")]);
  const linear = await linearFromEnv(sourceSetup(ctx));

  const branch = await branchStep(ctx.cwd, issue, options, git);
  const assignee = assigneeStep(issue, viewer, options.take);
  const wantsMove = NOT_STARTED.has(issue.state.type);
  const target = wantsMove ? firstStartedState(await linear.teamWorkflow(issue.teamKey), issue.teamKey) : null;
  const state: StartPlan["state"] =
    target === null
      ? { action: "keep", from: issue.state.name, to: issue.state.name }
      : { action: "move", from: issue.state.name, to: target.name };

  let forceComment: StartPlan["forceComment"] = null;
  let ownForceComment: { id: string; body: string } | null = null;
  const commentBody = ctx.redact(
    `${START_FORCE_MARKER} — ${t(viewer.name)} started this issue although the Ready gate failed (${plural(report.summary.failed, "rule")} failed).\n\nReason: ${reason}`,
  );
  if (options.force && !ready) {
    ownForceComment = ownComment(await linear.listComments(issue.id), START_FORCE_MARKER, viewer.id);
    forceComment = {
      action: ownForceComment === null ? "post" : ownForceComment.body === commentBody ? "keep" : "update",
      reason,
    };
  }

  const plan: StartPlan = {
    issue: { identifier: issue.identifier, title: issue.title, url: issue.url },
    ready,
    branch,
    assignee,
    state,
    forceComment,
    nothingToDo:
      (branch.action === "stay" || branch.action === "none") &&
      assignee.action === "keep" &&
      state.action === "keep" &&
      (forceComment === null || forceComment.action === "keep"),
    dryRun: options.dryRun,
  };
  if (options.dryRun || plan.nothingToDo) return { code: ExitCode.ok, report, plan };

  if (branch.action === "create" || branch.action === "switch") {
    const refused = await git.switchBranch(ctx.cwd, branch.name, branch.action === "create");
    if (refused !== null)
      throw usageError(
        "git-switch-refused",
        `git could not check out ${t(branch.name)}: ${t(refused)}`,
        "Fix what git names (commit or stash your changes), then run bfd start again: nothing was written to Linear.",
      );
  }
  if (assignee.action !== "keep" || target !== null) {
    await linear.updateIssue(issue.id, {
      ...(assignee.action === "keep" ? {} : { assigneeId: viewer.id }),
      ...(target === null ? {} : { stateId: target.id }),
    });
  }
  if (forceComment !== null && forceComment.action !== "keep") {
    if (ownForceComment === null) await linear.createComment(issue.id, commentBody);
    else await linear.updateComment(ownForceComment.id, commentBody);
  }
  return { code: ExitCode.ok, report, plan };
}

async function branchStep(
  cwd: string,
  issue: Issue,
  options: StartOptions,
  git: typeof import("../sources/git.js"),
): Promise<StartPlan["branch"]> {
  const name = issue.branchName;
  if (name === "")
    throw usageError(
      "no-branch-name",
      `Linear gave no branch name for ${t(issue.identifier)}`,
      "Check the issue in Linear (Copy git branch name), then create the branch yourself.",
    );
  if (!options.checkout) return { name, action: "none", from: null };
  // A name git would read as an option is never passed to it.
  if (name.startsWith("-"))
    throw usageError("bad-branch-name", `Linear's branch name "${t(name)}" starts with "-"`, "Rename it in Linear.");
  const uncommitted = await git.uncommittedPaths(cwd);
  if (uncommitted === null) return { name, action: "none", from: null };
  const current = await git.currentBranch(cwd);
  if (current === name) return { name, action: "stay", from: current };
  if (uncommitted.length > 0 && !options.carry) {
    const shown = uncommitted
      .slice(0, 3)
      .map((path) => t(path))
      .join(", ");
    throw usageError(
      "dirty-tree",
      `${plural(uncommitted.length, "uncommitted change")} (${shown}${uncommitted.length > 3 ? ", …" : ""}) would be carried over to ${t(name)}`,
      "Commit or stash them (git stash), or pass --carry to take them along. Nothing was written.",
    );
  }
  return { name, action: (await git.branchExists(cwd, name)) ? "switch" : "create", from: current };
}

/** The plan as a person reads it: one line per step. */
export function planText(plan: StartPlan): string {
  const key = t(plan.issue.identifier);
  const verb = plan.dryRun ? "would" : "did";
  if (plan.nothingToDo)
    return `bfd start ${key}: already started — nothing written (branch ${t(plan.branch.name)}, assigned to ${t(plan.assignee.to.name)}, ${t(plan.state.to)})\n`;
  const lines = [`bfd start ${key}${plan.dryRun ? " (dry run: nothing written)" : ""}:`];
  if (!plan.ready) lines.push("  gate      not ready — started anyway (--force)");
  const branch = t(plan.branch.name);
  const from = plan.branch.from === null ? "HEAD" : t(plan.branch.from);
  lines.push(
    {
      create: `  branch    ${verb === "would" ? "would create" : "created"} ${branch} from ${from}`,
      switch: `  branch    ${verb === "would" ? "would switch" : "switched"} to ${branch}`,
      stay: `  branch    on ${branch} already`,
      none: `  branch    check out ${branch} yourself: git switch ${branch} (git switch -c ${branch} to create it)`,
    }[plan.branch.action],
  );
  const you = t(plan.assignee.to.name);
  lines.push(
    {
      assign: `  assignee  ${plan.dryRun ? "would assign" : "assigned"} to ${you}`,
      take: `  assignee  ${plan.dryRun ? "would reassign" : "reassigned"} from ${t(plan.assignee.from?.name ?? "")} to ${you}`,
      keep: `  assignee  ${you} already`,
    }[plan.assignee.action],
  );
  lines.push(
    plan.state.action === "move"
      ? `  state     ${plan.dryRun ? "would move" : "moved"} ${t(plan.state.from)} → ${t(plan.state.to)}`
      : `  state     ${t(plan.state.from)} (left as it is)`,
  );
  if (plan.forceComment !== null)
    lines.push(
      {
        post: `  comment   ${plan.dryRun ? "would post" : "posted"} the --force reason on the issue`,
        update: `  comment   ${plan.dryRun ? "would update" : "updated"} bfd's --force comment with the new reason`,
        keep: "  comment   the --force reason is on the issue already",
      }[plan.forceComment.action],
    );
  return `${lines.join("\n")}\n`;
}

/** `bfd start`: the checklist when the gate fails, else the plan; exit 1 only for a failed gate without --force. */
export async function runStart(ctx: CommandContext, options: Omit<StartOptions, "checkout">): Promise<ExitCode> {
  const { code, report, plan } = await startIssue(ctx, { ...options, checkout: true });
  if (plan === null || !plan.ready) {
    const { renderPretty } = await import("../reporters/pretty.js");
    const rerun = `bfd start${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
    ctx.stdout(renderPretty(report, { colorLevel: ctx.colorLevel, rerun, quiet: true }));
  }
  if (plan !== null) ctx.stdout(planText(plan));
  return code;
}
