import { mergeRequestGate } from "../app/merge-request-gate.js";
import { branchRules, requireRules } from "../app/rules.js";
import {
  assembleBoard,
  backlogSection,
  capMergeRequests,
  describeCalendar,
  judgeIssues,
  releaseSection,
  reviewSection,
  type JudgedMergeRequest,
  type ReviewSection,
} from "../board/board.js";
import { isBfdError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { redactDeep } from "../redact.js";
import { loadBoardReporter } from "../reporters/board/index.js";
import { builtinRuleFiles } from "../rules/files.js";
import { loadRuleSetThrough, type RuleSet } from "../rules/load.js";
import { stagingConfig, type Config } from "../rules/schema.js";
import { gitlabFromEnv, linearFromEnv, requireProject } from "../sources/env.js";
import { mapConcurrently } from "../sources/waves.js";
import type { ReleaseCalendar } from "../staging/window.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import { auditScope, listAuditIssues } from "./audit.js";
import { startProgress, type CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { isStdout, rulesInForce, writeOutput } from "./output.js";
import { sourceSetup } from "./sources.js";
import { collectStaging } from "./staging.js";

export interface BoardOptions {
  team: string | undefined;
  state: string | undefined;
  project: string | undefined;
  label: string | undefined;
  /** Backlog issues in every state (default: not-started states only). */
  all?: boolean | undefined;
  limit: string;
  output: string | undefined;
}

/** Where the page goes without -o. */
export const DEFAULT_BOARD_FILE = "bfd-board.html";
/** Open MRs judged at most (the most recently updated); the rest are counted ("and N more"). */
export const REVIEW_CAP = 50;
/** Done gates run at once. */
const REVIEW_CONCURRENCY = 4;

/** The release calendar of bfd.config.yaml, with its defaults (src/rules/schema.ts). */
export function releaseCalendar(config: Config): ReleaseCalendar {
  const { timeZone, cutoff, release } = stagingConfig(config);
  return { timeZone, cutoff, release };
}

/**
 * In review: the open MRs of the project, each judged by the Done gate as `bfd ci` and `bfd serve` judge it (the
 * rules on its target branch, read once per branch). An MR that cannot be judged is a row saying why, never a pass.
 */
async function collectReview(ctx: CommandContext, ruleSet: RuleSet, now: string): Promise<ReviewSection> {
  const setup = sourceSetup(ctx);
  const [gitlab, linear] = await Promise.all([gitlabFromEnv(setup), linearFromEnv(setup)]);
  const project = await requireProject(setup, ruleSet.config.gitlab?.project);
  const open = await gitlab.listOpenMergeRequests(project);
  const builtinFiles = builtinRuleFiles(ctx.cwd, ctx.builtinDir);
  const rulesOf = new Map<string, Promise<RuleSet>>();
  const judged = await mapConcurrently(
    capMergeRequests(open, REVIEW_CAP),
    REVIEW_CONCURRENCY,
    async (summary): Promise<JudgedMergeRequest> => {
      // GitLab's list of open MRs carries what the row and the gate need (doc/api/merge_requests.md, "List project
      // merge requests"): no MR is read twice.
      const base = {
        reference: `${summary.projectPath || project}!${summary.iid}`,
        title: summary.title,
        url: summary.url,
        author: summary.author,
        draft: summary.draft,
        targetBranch: summary.targetBranch,
        updatedAt: summary.updatedAt,
      };
      try {
        let rules = rulesOf.get(summary.targetBranch);
        if (rules === undefined) {
          rules = loadRuleSetThrough(branchRules(gitlab, project, summary.targetBranch, builtinFiles));
          rules.catch(() => undefined);
          rulesOf.set(summary.targetBranch, rules);
        }
        const { report } = await mergeRequestGate({
          sources: { linear, gitlab },
          project,
          iid: summary.iid,
          targetBranch: summary.targetBranch,
          earlyKeys: issueKeysFromMergeRequest({ sourceBranch: summary.sourceBranch, title: summary.title }),
          sourceBranch: summary.sourceBranch,
          rules: await rules,
          builtinFiles,
          now,
        });
        return { mergeRequest: base, outcome: { report }, judgedAt: now };
      } catch (error) {
        if (!isBfdError(error)) throw error;
        return { mergeRequest: base, outcome: { problem: error.message }, judgedAt: now };
      }
    },
  );
  return reviewSection({
    projects: [project],
    judged,
    total: open.length,
    rules: "the rules on each merge request's target branch, as bfd ci judges it",
  });
}

/**
 * `bfd board`: one HTML page for weekly planning, from one run of the audit, staging and open-MR queries (run side
 * by side). Writes bfd-board.html unless -o says where (-o - prints it); exit 0 once written: a board is a view,
 * not a gate.
 */
export async function runBoard(ctx: CommandContext, options: BoardOptions): Promise<ExitCode> {
  const ruleSet = loadLocalRules(ctx);
  requireRules(ruleSet, "ready");
  const scope = auditScope("bfd board", options, ruleSet.config.linear?.team);
  const calendar = releaseCalendar(ruleSet.config);
  const output = options.output ?? DEFAULT_BOARD_FILE;
  const now = ctx.now().toISOString();
  const reading = startProgress(ctx, "bfd board");
  const [issues, staging, review] = await Promise.all([
    listAuditIssues(reading.ctx, scope, ruleSet.rules),
    collectStaging(reading.ctx, {}, ruleSet),
    collectReview(reading.ctx, ruleSet, now),
  ]);
  reading.stop();
  const backlog = backlogSection(
    ruleSet.rules,
    judgeIssues(ruleSet.rules, issues, now, ruleSet.evidence),
    scope.filter,
    issues.length >= scope.limit,
  );
  const knownIssueUrls = [
    ...backlog.issues.map((i) => i.url),
    ...review.rows.flatMap((r) => (r.issue === null ? [] : [r.issue.url])),
  ];
  const board = assembleBoard({
    origin: "bfd board",
    now,
    config: {
      configPath: rulesInForce(ctx, ruleSet).config,
      team: scope.filter.team,
      calendar: describeCalendar(calendar),
    },
    backlog,
    release: releaseSection({ calendar, now, staging, knownIssueUrls }),
    review,
  });
  const render = await loadBoardReporter("html");
  const page = render(redactDeep(board, ctx.redact), {});
  writeOutput(ctx, page, output);
  if (!isStdout(output))
    ctx.stderr(`bfd board: wrote ${output} (${Math.ceil(Buffer.byteLength(page) / 1024)} KB); open it in a browser\n`);
  return ExitCode.ok;
}
