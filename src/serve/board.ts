/**
 * `/board`: the delivery board from what this service last judged — the latest Ready verdict of each issue in a
 * ready state and the latest Done verdict of each open MR, kept in memory as the evaluations finish. A page view
 * makes no API call; the release window is the calendar's timeline only (the service reads no deployments).
 */
import {
  assembleBoard,
  backlogSection,
  describeCalendar,
  releaseSection,
  reviewSection,
  type JudgedIssue,
  type JudgedMergeRequest,
} from "../board/board.js";
import { renderBoardHtml } from "../reporters/board/html.js";
import type { RuleSet } from "../rules/load.js";
import { stagingConfig, type ServeConfig } from "../rules/schema.js";
import { mergeRequestKey } from "./job.js";

/** Entries kept at most; the least recently judged go first. */
const MAX_ISSUES = 1000;
const MAX_MERGE_REQUESTS = 500;
/** The page reloads itself this often. */
export const BOARD_REFRESH_SECONDS = 60;

/** The latest verdicts this replica reached, by key (in Redis mode: the jobs this replica ran). */
export interface BoardStore {
  recordIssue(key: string, judged: JudgedIssue): void;
  recordMergeRequest(key: string, judged: JudgedMergeRequest): void;
  /** The issue left the ready states, or the MR is no longer open: off the board. */
  forget(key: string): void;
  /**
   * The sweep listed the open MRs of a project: its MRs not among them were merged or closed (GitLab's events for
   * those are not judged), so they leave the board.
   */
  retainOpen(project: string, open: readonly { projectPath: string; iid: number }[]): void;
  issues(): JudgedIssue[];
  mergeRequests(): JudgedMergeRequest[];
}

function bounded<T>(max: number): {
  set(key: string, value: T): void;
  delete(key: string): void;
  keys(): string[];
  values(): T[];
} {
  const map = new Map<string, T>();
  return {
    set(key, value) {
      map.delete(key);
      map.set(key, value);
      if (map.size > max) map.delete(map.keys().next().value!);
    },
    delete: (key) => void map.delete(key),
    keys: () => [...map.keys()],
    values: () => [...map.values()],
  };
}

export function createBoardStore(limits = { issues: MAX_ISSUES, mergeRequests: MAX_MERGE_REQUESTS }): BoardStore {
  const issues = bounded<JudgedIssue>(limits.issues);
  const mergeRequests = bounded<JudgedMergeRequest>(limits.mergeRequests);
  return {
    recordIssue: (key, judged) => issues.set(key, judged),
    recordMergeRequest: (key, judged) => mergeRequests.set(key, judged),
    forget(key) {
      issues.delete(key);
      mergeRequests.delete(key);
    },
    retainOpen(project, open) {
      const keep = new Set(open.map((mr) => mergeRequestKey(mr.projectPath || project, mr.iid)));
      const paths = new Set(
        [project, ...open.map((mr) => mr.projectPath)].map((p) => mergeRequestKey(p, 0).slice(0, -1)),
      );
      for (const key of mergeRequests.keys())
        if (!keep.has(key) && [...paths].some((prefix) => key.startsWith(prefix))) mergeRequests.delete(key);
    },
    issues: () => issues.values(),
    mergeRequests: () => mergeRequests.values(),
  };
}

export interface BoardPageDeps {
  store: BoardStore;
  readyRules: RuleSet;
  config: ServeConfig;
  linearTeam: string | null;
  now: () => Date;
  redact: (text: string) => string;
}

/** The page, from the store: pure but for the clock. */
export function boardPage(deps: BoardPageDeps): string {
  const now = deps.now().toISOString();
  const { config } = deps.readyRules;
  const { timeZone, cutoff, release } = stagingConfig(config);
  const calendar = { timeZone, cutoff, release };
  const judgedIssues = deps.store.issues();
  const judgedMrs = deps.store.mergeRequests();
  const team = deps.linearTeam?.toUpperCase() ?? "all teams";
  const backlog = backlogSection(
    deps.readyRules.rules,
    judgedIssues,
    {
      team,
      state: deps.config.readyStates.join(", "),
      notStarted: false,
      project: null,
      label: null,
      limit: MAX_ISSUES,
    },
    judgedIssues.length >= MAX_ISSUES,
  );
  const review = reviewSection({
    projects: deps.config.projects.map(String),
    judged: judgedMrs,
    total: judgedMrs.length,
    rules: "the rules on each merge request's target branch (bfd serve's latest verdicts)",
  });
  const knownIssueUrls = [
    ...backlog.issues.map((i) => i.url),
    ...review.rows.flatMap((r) => (r.issue === null ? [] : [r.issue.url])),
  ];
  const board = assembleBoard({
    origin: "bfd serve",
    now,
    config: { configPath: deps.readyRules.configPath, team, calendar: describeCalendar(calendar) },
    backlog,
    release: releaseSection({ calendar, now, staging: null, knownIssueUrls }),
    review,
    notices:
      judgedIssues.length + judgedMrs.length === 0
        ? ["Nothing judged yet: the board fills as webhooks arrive and the sweep runs."]
        : [],
  });
  return deps.redact(renderBoardHtml(board, { refreshSeconds: BOARD_REFRESH_SECONDS }));
}
