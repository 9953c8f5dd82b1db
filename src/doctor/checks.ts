/**
 * `bfd doctor`'s verdicts, pure: what the command read (config, environment, one wave of requests to Linear and
 * GitLab) in, one check per line out. No clock, no network, no environment: `facts.now` is when the run started.
 * Failures arrive as plain data (a BfdError's kind, code, message and hint), already free of tokens.
 */
import type { ErrorKind } from "../errors.js";
import type { RuleSet } from "../rules/load.js";
import { waiverPolicy } from "../rules/schema.js";
import type { GitLabHostOrigin, ProjectOrigin } from "../sources/env.js";
import type { ProjectSummary, TokenInfo } from "../sources/gitlab/index.js";
import type { LinearBudget, LinearRateLimitStatus, TeamWorkflow } from "../sources/linear/index.js";
import { GITLAB_TOKEN_HINT, JOB_TOKEN_LIMITS } from "../sources/tokens.js";
import { countText } from "../text/plural.js";
import { findName, namedBy, nearNames, type ExpectedName } from "./prerequisites.js";
import type { DoctorCheck, DoctorProblem, DoctorResult } from "./result.js";
import {
  GITLAB_CI_FILE,
  MR_TEMPLATE_FILE,
  runsBfdGate,
  sectionsRead,
  type RuleForTemplates,
} from "../init/scaffold.js";
import { findSection } from "../markdown/sections.js";
import { plural } from "../text/plural.js";

/** A failed step, as its BfdError said it (`internal`: an error bfd did not expect, i.e. a bug). */
export interface Failure {
  kind: ErrorKind | "internal";
  code: string;
  message: string;
  hint?: string | undefined;
  details?: readonly string[] | undefined;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** The team config as the loader saw it; derived from a RuleSet by `configFactsOf`. */
export interface ConfigFacts {
  /** bfd.config.yaml as shown to people; null: no team config, built-in rules only. */
  configPath: string | null;
  /** false with `extends: none`. */
  extendsBuiltin: boolean;
  ruleFiles: string[];
  /** Rules the config itself defines (`rules:`). */
  extraRules: number;
  disabled: string[];
  /** Rules the config changes, with the fields it changes. */
  overridden: { id: string; fields: string[] }[];
  rulesInForce: { ready: number; done: number };
  /** Who may waive (`waivers:`, #23): the author too (allowAuthor), and only these usernames (by; null: anyone). */
  waivers: { allowAuthor: boolean; by: string[] | null };
}

export interface DoctorFacts {
  /** When the run started, epoch ms: token expiry and budget resets are measured from here. */
  now: number;
  /** The next release day of the team's calendar (epoch ms, and as shown); null when it could not be computed. */
  nextRelease?: { at: number; shown: string } | null;
  config: Outcome<ConfigFacts>;
  linear: {
    /** Building the client: LINEAR_API_KEY set, LINEAR_API_URL usable. `apiUrl`: LINEAR_API_URL when set. */
    client: Outcome<{ apiUrl: string | null }>;
    /** Who owns the key (BfdViewer); null when there was no client to ask. */
    viewer: Outcome<{ name: string; email: string | null }> | null;
    /** What Linear's last reply said of the key's budgets; null when no reply said. */
    budget: LinearRateLimitStatus | null;
  };
  gitlab: {
    host: Outcome<{ url: string; from: GitLabHostOrigin }>;
    /** Only CI_JOB_TOKEN is set, not GITLAB_TOKEN. */
    jobTokenOnly: boolean;
    /** Building the client: GITLAB_TOKEN set. Null when it is set but the host is not usable. */
    client: Outcome<null> | null;
    /** `GET /user`; null when there was no client. */
    user: Outcome<{ username: string }> | null;
    /** `GET /personal_access_tokens/self` (null value: not such a token); null when there was no client. */
    token: Outcome<TokenInfo | null> | null;
    /** Which project (config, CI_PROJECT_ID, origin); value null: nothing names one. Null when the config did not load. */
    project: Outcome<{ project: string; from: ProjectOrigin } | null> | null;
    /** `GET /projects/:id`; null when there was no client or no project. */
    projectRead: Outcome<ProjectSummary> | null;
  };
  /** The process's prerequisites in the workspace; null when the config did not load. */
  workspace: WorkspaceFacts | null;
  /** The MR template and pipeline on the project's default branch; null when the config did not load. */
  repository: RepositoryFacts | null;
}

export interface RepositoryFacts {
  /** The MR description sections the rules read (from the rules, as `bfd init` writes them). */
  sections: RuleForTemplates[];
  /** `.gitlab/merge_request_templates/Default.md` at the default branch (null value: none); null when not read. */
  template: Outcome<string | null> | null;
  /** `.gitlab-ci.yml` at the default branch (null value: none); null when not read. */
  pipeline: Outcome<string | null> | null;
}

export interface WorkspaceFacts {
  /** The states and labels the rules in force name (src/doctor/prerequisites.ts). */
  expected: ExpectedName[];
  /** `linear.team` of the config; null when it names none. */
  team: string | null;
  /** The team's workflow states and labels; null when not read (no team, or no usable Linear client). */
  linearTeam: Outcome<TeamWorkflow> | null;
  /** The project's (and its groups') labels; null when not read (no project, or no usable GitLab client). */
  gitlabLabels: Outcome<string[]> | null;
}

/** Below this share of either Linear budget, doctor warns. */
export const BUDGET_WARN_SHARE = 0.1;
/** A GitLab token expiring within this many days is a warning. */
export const EXPIRY_WARN_DAYS = 14;
const DAY_MS = 86_400_000;

/** What the config changes, for the config line: from the loaded RuleSet, never from the file's text. */
export function configFactsOf(ruleSet: RuleSet): ConfigFacts {
  const { config } = ruleSet;
  const disabled = [
    ...config.disable,
    ...Object.entries(config.override)
      .filter(([, o]) => o.disabled === true)
      .map(([id]) => id),
  ];
  const overridden = Object.entries(config.override)
    .filter(([, o]) => o.disabled !== true)
    .map(([id, o]) => ({ id, fields: Object.keys(o).filter((k) => k !== "disabled") }));
  return {
    configPath: ruleSet.configPath,
    extendsBuiltin: config.extends === "builtin",
    ruleFiles: [...ruleSet.ruleFiles],
    extraRules: config.rules.length,
    disabled: [...new Set(disabled)],
    overridden,
    rulesInForce: {
      ready: ruleSet.rules.filter((r) => r.gate === "ready").length,
      done: ruleSet.rules.filter((r) => r.gate === "done").length,
    },
    waivers: { allowAuthor: waiverPolicy(config).allowAuthor, by: waiverPolicy(config).by ?? null },
  };
}

/** The waiver policy in force, as one clause of the config line. */
function waiverPolicyText({ allowAuthor, by }: ConfigFacts["waivers"]): string {
  if (by !== null) {
    const names = by.map((name) => `@${name}`).join(", ");
    return `waivers count only from ${names}${allowAuthor ? " (on their own MRs too: allowAuthor)" : ", never from the MR's author"}`;
  }
  return allowAuthor
    ? "waivers count from anyone, the MR's author included (allowAuthor: self-waivers)"
    : "waivers count only when someone other than the MR's author stands behind them (their label, bfd-waive comment or approval)";
}

/**
 * Setup problems are the user's to fix (exit 2) — a rejected token among them, decided where the error is made
 * (src/errors.ts `SetupError`) as for every command; a service that failed is exit 3. A bug counts as setup, like
 * bfd's internal errors.
 */
export function problemOf(failure: Failure): DoctorProblem {
  return failure.kind === "upstream" ? "service" : "setup";
}

function failed(id: DoctorCheck["id"], title: string, failure: Failure, detail = failure.message): DoctorCheck {
  const fix = [failure.hint, ...(failure.details ?? [])].filter((l): l is string => l !== undefined && l !== "");
  return {
    id,
    status: "fail",
    title,
    detail,
    ...(fix.length === 0 ? {} : { fix: fix.join("\n") }),
    problem: problemOf(failure),
  };
}

function configCheck(facts: DoctorFacts): DoctorCheck {
  const title = "Config and rules";
  if (!facts.config.ok) return failed("config", title, facts.config.failure);
  const c = facts.config.value;
  const where = c.configPath ?? "the built-in rules";
  const empty = (["ready", "done"] as const).filter((gate) => c.rulesInForce[gate] === 0);
  if (empty.length > 0) {
    return {
      id: "config",
      status: "fail",
      title,
      detail: `no rules in force for the ${empty.join(" and ")} gate${empty.length > 1 ? "s" : ""} (${where})`,
      fix: c.extendsBuiltin
        ? `Check disable: and override: …disabled in ${where}; at least one rule of each gate must stay on.`
        : `With extends: none, add rules for each gate to ${where} (or a rule file), or remove extends: none.`,
      problem: "setup",
    };
  }
  const parts: string[] = [];
  if (c.configPath === null) parts.push("no bfd.config.yaml: built-in rules only");
  else parts.push(`${c.configPath} ${c.extendsBuiltin ? "over the built-in rules" : "alone (extends: none)"}`);
  if (c.ruleFiles.length > 0) parts.push(`rule files: ${c.ruleFiles.join(", ")}`);
  if (c.extraRules > 0) parts.push(`adds ${plural(c.extraRules, "rule")}`);
  if (c.disabled.length > 0) parts.push(`disables ${c.disabled.join(", ")}`);
  if (c.overridden.length > 0) {
    const each = c.overridden.map((o) => (o.fields.length === 0 ? o.id : `${o.id} (${o.fields.join(", ")})`));
    parts.push(`overrides ${each.join(", ")}`);
  }
  parts.push(`${c.rulesInForce.ready} ready and ${c.rulesInForce.done} done rules in force`);
  parts.push(waiverPolicyText(c.waivers));
  return { id: "config", status: "pass", title, detail: parts.join(" · ") };
}

function linearKeyCheck(facts: DoctorFacts): DoctorCheck {
  const title = "LINEAR_API_KEY";
  const { client, viewer } = facts.linear;
  if (!client.ok) {
    const missing = client.failure.code === "linear-key-missing" || client.failure.code === "linear-api-key-missing";
    return failed(
      "linear-key",
      title,
      client.failure,
      missing ? "not set: bfd reads issues from Linear with it" : undefined,
    );
  }
  if (viewer === null) return { id: "linear-key", status: "warn", title, detail: "not checked" };
  if (!viewer.ok) {
    const rejected = viewer.failure.code === "linear-auth";
    return failed(
      "linear-key",
      title,
      viewer.failure,
      rejected ? "Linear rejected the key: it is wrong, revoked, or for another workspace" : undefined,
    );
  }
  const who = viewer.value.email === null ? viewer.value.name : `${viewer.value.name} (${viewer.value.email})`;
  const at = client.value.apiUrl === null ? "" : ` at ${client.value.apiUrl} (LINEAR_API_URL)`;
  return { id: "linear-key", status: "pass", title, detail: `logged in to Linear${at} as ${who}` };
}

function share(budget: LinearBudget): number | null {
  if (budget.limit === null || budget.remaining === null || budget.limit <= 0) return null;
  return budget.remaining / budget.limit;
}

function budgetText(budget: LinearBudget, unit: string): string | null {
  if (budget.remaining === null) return null;
  const left = countText(budget.remaining);
  return budget.limit === null ? `${left} ${unit}` : `${left} of ${countText(budget.limit)} ${unit}`;
}

function inMinutes(at: number | null, now: number): string | null {
  if (at === null) return null;
  const minutes = Math.max(0, Math.ceil((at - now) / 60_000));
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function linearBudgetCheck(facts: DoctorFacts): DoctorCheck {
  const title = "Linear budget";
  const { client, viewer } = facts.linear;
  // A rejected key's reply says nothing of the key bfd should have: only a working (or rate-limited) key's budget counts.
  const budget = viewer !== null && !viewer.ok && problemOf(viewer.failure) === "setup" ? null : facts.linear.budget;
  if (budget === null) {
    if (client.ok && viewer?.ok === true) {
      return { id: "linear-budget", status: "warn", title, detail: "Linear's reply did not state the key's budgets" };
    }
    const why = !client.ok
      ? "needs a usable LINEAR_API_KEY (see above)"
      : viewer !== null && !viewer.ok && problemOf(viewer.failure) === "service"
        ? "Linear could not be used (see above)"
        : "needs a working LINEAR_API_KEY (see above)";
    return { id: "linear-budget", status: "warn", title, detail: `not checked: ${why}` };
  }
  const texts = [budgetText(budget.requests, "requests"), budgetText(budget.complexity, "complexity points")].filter(
    (t): t is string => t !== null,
  );
  const low = (
    [
      ["requests", budget.requests],
      ["complexity points", budget.complexity],
    ] as const
  ).filter(([, b]) => {
    const s = share(b);
    return s !== null && s < BUDGET_WARN_SHARE;
  });
  const resets = [budget.requests.resetsAt, budget.complexity.resetsAt].filter((t): t is number => t !== null);
  const fullIn = inMinutes(resets.length === 0 ? null : Math.max(...resets), facts.now);
  const detail = [
    texts.length === 0 ? "Linear did not say what is left" : `${texts.join(" and ")} left`,
    ...(fullIn === null ? [] : [`full again in ${fullIn}`]),
  ].join(" · ");
  if (low.length === 0) return { id: "linear-budget", status: "pass", title, detail };
  return {
    id: "linear-budget",
    status: "warn",
    title,
    detail: `${detail} — under ${BUDGET_WARN_SHARE * 100} % of the ${low.map(([name]) => name).join(" and ")}`,
    fix: `Each gate run costs one Linear request; wait${fullIn === null ? "" : ` ${fullIn}`}, or give bfd its own API key (Linear's budgets are per key).`,
  };
}

/** The first failure of the token's own reads that says GitLab could not be used: shown on the host's line. */
function gitlabServiceFailure(facts: DoctorFacts): Failure | null {
  for (const read of [facts.gitlab.user, facts.gitlab.token]) {
    if (read !== null && !read.ok && problemOf(read.failure) === "service") return read.failure;
  }
  return null;
}

const HOST_FROM: Record<GitLabHostOrigin, string> = {
  GITLAB_URL: "from GITLAB_URL",
  CI_SERVER_URL: "from CI_SERVER_URL",
  "the origin remote": "from the origin remote",
  "the gitlab.com default": "the default: no GITLAB_URL, CI_SERVER_URL or GitLab origin remote",
};

function gitlabHostCheck(facts: DoctorFacts): DoctorCheck {
  const title = "GitLab host";
  const { host, client } = facts.gitlab;
  if (!host.ok) return failed("gitlab-host", title, host.failure);
  const where = `${host.value.url} (${HOST_FROM[host.value.from]})`;
  const down = gitlabServiceFailure(facts);
  if (down !== null) return failed("gitlab-host", title, down, `${where}: ${down.message}`);
  const contacted = client?.ok === true;
  return { id: "gitlab-host", status: "pass", title, detail: contacted ? where : `${where}; not contacted` };
}

function expiryOf(token: TokenInfo, now: number): { days: number; text: string } | null {
  if (token.expiresAt === null) return null;
  // GitLab tokens expire at 00:00 UTC on their expiry date (doc/user/profile/personal_access_tokens.md).
  const at = Date.parse(`${token.expiresAt.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(at)) return null;
  const days = Math.floor((at - now) / DAY_MS);
  return {
    days,
    text: days <= 0 ? `expired on ${token.expiresAt}` : `expires ${token.expiresAt} (in ${plural(days, "day")})`,
  };
}

function gitlabTokenCheck(facts: DoctorFacts): DoctorCheck {
  const title = "GITLAB_TOKEN";
  const { client, user, token, jobTokenOnly, host } = facts.gitlab;
  if (client === null) {
    return {
      id: "gitlab-token",
      status: "warn",
      title,
      detail: "not checked: the GitLab host is not usable (see above)",
    };
  }
  if (!client.ok) {
    const missing = client.failure.code === "gitlab-token-missing";
    const detail = !missing
      ? undefined
      : jobTokenOnly
        ? `not set, and CI_JOB_TOKEN alone is not enough: ${JOB_TOKEN_LIMITS}`
        : "not set: bfd reads merge requests from GitLab with it";
    return failed("gitlab-token", title, client.failure, detail);
  }
  if (gitlabServiceFailure(facts) !== null) {
    return { id: "gitlab-token", status: "warn", title, detail: "not checked: GitLab could not be used (see above)" };
  }
  const hostUrl = host.ok ? host.value.url : "GitLab";
  for (const read of [user, token]) {
    if (read !== null && !read.ok && read.failure.code === "gitlab-auth") {
      return failed(
        "gitlab-token",
        title,
        read.failure,
        `${hostUrl} rejected the token (HTTP 401): it is wrong, revoked or expired, or for another GitLab instance`,
      );
    }
  }
  const info = token?.ok === true ? token.value : null;
  const username = user?.ok === true ? user.value.username : null;
  const who = username === null ? "" : ` as ${username}`;
  if (info === null) {
    if (user !== null && !user.ok) return failed("gitlab-token", title, user.failure);
    if (token !== null && !token.ok) return failed("gitlab-token", title, token.failure);
    return {
      id: "gitlab-token",
      status: "warn",
      title,
      detail: `logged in to GitLab${who}; its scopes and expiry are unknown: not a personal, project or group access token`,
      fix: GITLAB_TOKEN_HINT,
    };
  }
  const named = `token "${info.name}"`;
  if (!info.active) {
    return {
      id: "gitlab-token",
      status: "fail",
      title,
      detail: `${named} is revoked or inactive`,
      fix: GITLAB_TOKEN_HINT,
      problem: "setup",
    };
  }
  const expiry = expiryOf(info, facts.now);
  if (expiry !== null && expiry.days <= 0) {
    return {
      id: "gitlab-token",
      status: "fail",
      title,
      detail: `${named} ${expiry.text}`,
      fix: GITLAB_TOKEN_HINT,
      problem: "setup",
    };
  }
  const scopes = info.scopes.length === 0 ? "no scopes" : `scopes ${info.scopes.join(", ")}`;
  if (!info.scopes.includes("api") && !info.scopes.includes("read_api")) {
    return {
      id: "gitlab-token",
      status: "fail",
      title,
      detail: `${named} lacks the read_api scope (it has ${info.scopes.length === 0 ? "none" : info.scopes.join(", ")}): bfd cannot read merge requests with it`,
      fix: GITLAB_TOKEN_HINT,
      problem: "setup",
    };
  }
  if (user !== null && !user.ok) return failed("gitlab-token", title, user.failure);
  const parts = [
    `logged in to GitLab${who}`,
    named,
    info.scopes.includes("api") ? scopes : `${scopes} (posting notes with --comment needs api)`,
    expiry === null ? "never expires" : expiry.text,
  ];
  // A token that dies before the next release leaves that release's gates (bfd ci, bfd staging) without GitLab.
  const release = facts.nextRelease ?? null;
  const expiresAt = expiry === null ? null : Date.parse(`${info.expiresAt!.slice(0, 10)}T00:00:00Z`);
  const beforeRelease = release !== null && expiresAt !== null && expiresAt <= release.at;
  if (beforeRelease) parts.push(`before the next release day, ${release.shown}`);
  if (expiry !== null && (expiry.days < EXPIRY_WARN_DAYS || beforeRelease)) {
    return {
      id: "gitlab-token",
      status: "warn",
      title,
      detail: parts.join(" · "),
      fix: `Rotate or replace the token before ${info.expiresAt}${beforeRelease ? ", or the release's gates cannot read GitLab" : ""}. ${GITLAB_TOKEN_HINT}`,
    };
  }
  return { id: "gitlab-token", status: "pass", title, detail: parts.join(" · ") };
}

function projectFrom(from: ProjectOrigin, facts: DoctorFacts): string {
  if (from !== "gitlab.project") return `from ${from}`;
  const path = facts.config.ok ? facts.config.value.configPath : null;
  return `from gitlab.project in ${path ?? "bfd.config.yaml"}`;
}

function gitlabProjectCheck(facts: DoctorFacts): DoctorCheck {
  const title = "GitLab project";
  const { project, projectRead, client } = facts.gitlab;
  if (project === null) {
    return {
      id: "gitlab-project",
      status: "warn",
      title,
      detail: "not checked: the config (which may name gitlab.project) did not load (see above)",
    };
  }
  if (!project.ok) return failed("gitlab-project", title, project.failure);
  if (project.value === null) {
    return {
      id: "gitlab-project",
      status: "fail",
      title,
      detail: "none found: no gitlab.project in bfd.config.yaml, no CI_PROJECT_ID, no GitLab origin remote",
      fix: "Add `gitlab: { project: group/app }` to bfd.config.yaml, or run bfd inside a clone of the project (its origin remote names it).",
      problem: "setup",
    };
  }
  const where = `${project.value.project} (${projectFrom(project.value.from, facts)})`;
  if (projectRead === null) {
    const why =
      client?.ok !== true
        ? "needs a usable GITLAB_TOKEN"
        : gitlabServiceFailure(facts) !== null
          ? "GitLab could not be used"
          : "not read";
    return { id: "gitlab-project", status: "warn", title, detail: `${where}; not read: ${why} (see above)` };
  }
  if (!projectRead.ok) {
    if (projectRead.failure.code === "gitlab-auth") {
      return {
        id: "gitlab-project",
        status: "warn",
        title,
        detail: `${where}; not read: GitLab rejected the token (see above)`,
      };
    }
    if (problemOf(projectRead.failure) === "service" && gitlabServiceFailure(facts) !== null) {
      return {
        id: "gitlab-project",
        status: "warn",
        title,
        detail: `${where}; not read: GitLab could not be used (see above)`,
      };
    }
    return failed("gitlab-project", title, projectRead.failure, `${where}: ${projectRead.failure.message}`);
  }
  const p = projectRead.value;
  const branch = p.defaultBranch === "" ? "" : ` · default branch ${p.defaultBranch}`;
  return {
    id: "gitlab-project",
    status: "pass",
    title,
    detail: `${p.path} (id ${p.id}, ${projectFrom(project.value.from, facts)}) is readable with the token${branch}`,
  };
}

const LINEAR_WORKFLOW_HINT = "bfd init --from-linear writes the names your team uses into bfd.config.yaml.";

/** How to make a missing name exist, or point the rules at the team's own. */
function missingFix(expected: ExpectedName, where: string): string {
  const use = expected.uses[0]!;
  const own =
    use.rule === null
      ? `or list your team's states under serve.readyStates in bfd.config.yaml`
      : use.option === "waiverLabels"
        ? `or name your own under override: ${use.rule}: waiverLabels: [...] in bfd.config.yaml`
        : `or name your own under override: ${use.rule}: with: { ${use.option}: ... } in bfd.config.yaml`;
  return `Create it in ${where}, ${own}. ${LINEAR_WORKFLOW_HINT}`;
}

function missingCheck(
  id: DoctorCheck["id"],
  title: string,
  expected: ExpectedName,
  place: string,
  available: readonly string[],
  where: string,
): DoctorCheck {
  const near = nearNames(expected.name, available);
  const guess = near.length === 0 ? "" : ` · did you mean ${near.map((n) => `"${n}"`).join(" or ")}?`;
  return {
    id,
    status: "fail",
    title: `${title} "${expected.name}"`,
    detail: `not in ${place}; ${namedBy(expected)} ${expected.uses.length > 1 ? "name" : "names"} it${guess}`,
    fix: missingFix(expected, where),
    problem: "setup",
  };
}

/** Why a side of the workspace was not read, when it was not. */
function notRead(id: DoctorCheck["id"], title: string, detail: string, fix?: string): DoctorCheck {
  return { id, status: "warn", title, detail: `not checked: ${detail}`, ...(fix === undefined ? {} : { fix }) };
}

/**
 * The Linear side of the process: every workflow state and label the rules name is one of the team's. One line per
 * missing name (with how to create it or name the team's own), or one passing line.
 */
function linearWorkflowChecks(facts: DoctorFacts): DoctorCheck[] {
  const title = "Linear workflow";
  const workspace = facts.workspace;
  if (workspace === null) return [];
  const wanted = workspace.expected.filter((e) => e.where === "linear-state" || e.where === "linear-label");
  if (workspace.team === null)
    return [
      notRead(
        "linear-workflow",
        title,
        "no linear.team in bfd.config.yaml names the team whose states the rules expect",
        "Add `linear: { team: ENG }` (your team's key) to bfd.config.yaml, or run bfd init --from-linear --team ENG.",
      ),
    ];
  const read = workspace.linearTeam;
  if (read === null) return [notRead("linear-workflow", title, "needs a working LINEAR_API_KEY (see above)")];
  if (!read.ok) return [failed("linear-workflow", title, read.failure)];
  const team = read.value;
  const states = team.states.map((s) => s.name);
  const where = (what: string): string => `Linear: Settings → Teams → ${team.name} → ${what}`;
  const missing = wanted.flatMap((expected) => {
    const isState = expected.where === "linear-state";
    const available = isState ? states : team.labels;
    if (findName(expected.name, available) !== null) return [];
    const place = `team ${team.key}'s ${isState ? "workflow" : "labels"}`;
    return [
      missingCheck(
        "linear-workflow",
        isState ? "Linear state" : "Linear label",
        expected,
        place,
        available,
        where(isState ? "Workflow" : "Labels"),
      ),
    ];
  });
  if (missing.length > 0) return missing;
  const stateCount = wanted.filter((e) => e.where === "linear-state").length;
  const labelCount = wanted.length - stateCount;
  const counts = [
    plural(stateCount, "workflow state"),
    ...(labelCount === 0 ? [] : [plural(labelCount, "label")]),
  ].join(" and ");
  return [
    {
      id: "linear-workflow",
      status: "pass",
      title,
      detail: `team ${team.key} (${team.name}) has the ${counts} the rules name`,
    },
  ];
}

/**
 * The GitLab side: every label the rules name exists in the project or its groups; a waiver label may live on
 * either side (an MR or the issue carries it), so it counts when Linear's team has it too.
 */
function gitlabLabelChecks(facts: DoctorFacts): DoctorCheck[] {
  const title = "GitLab labels";
  const workspace = facts.workspace;
  if (workspace === null) return [];
  const wanted = workspace.expected.filter((e) => e.where === "gitlab-label" || e.where === "any-label");
  if (wanted.length === 0) return [];
  const read = workspace.gitlabLabels;
  const project = facts.gitlab.project?.ok === true ? facts.gitlab.project.value?.project : undefined;
  if (read === null) return [notRead("gitlab-labels", title, "needs a readable GitLab project (see above)")];
  if (!read.ok) return [failed("gitlab-labels", title, read.failure)];
  const linearLabels = workspace.linearTeam?.ok === true ? workspace.linearTeam.value.labels : [];
  const where = `GitLab: ${project ?? "the project"} → Manage → Labels (or a group's labels), or run bfd init --from-linear --create-labels`;
  const missing = wanted.flatMap((expected) => {
    if (findName(expected.name, read.value) !== null) return [];
    if (expected.where === "any-label" && findName(expected.name, linearLabels) !== null) return [];
    const label = expected.where === "any-label" ? "Waiver label" : "GitLab label";
    return [
      missingCheck("gitlab-labels", label, expected, `${project ?? "the project"} or its groups`, read.value, where),
    ];
  });
  if (missing.length > 0) return missing;
  return [
    {
      id: "gitlab-labels",
      status: "pass",
      title,
      detail: `${project ?? "the project"} has the ${plural(wanted.length, "label")} the rules name`,
    },
  ];
}

/**
 * The MR template GitLab fills a new MR's description with (a template named Default.md is the default one,
 * doc/user/project/description_templates.md) has every section the Done gate reads. A warning, not a failure: the
 * gate itself fails an MR without them; the template only saves each author the trip.
 */
function mergeRequestTemplateCheck(facts: DoctorFacts): DoctorCheck[] {
  const title = "MR template";
  const repository = facts.repository;
  if (repository === null) return [];
  const sections = sectionsRead(repository.sections, "mergeRequest.description");
  if (sections.length === 0) return [];
  const read = repository.template;
  if (read === null) return [notRead("mr-template", title, "needs a readable GitLab project (see above)")];
  if (!read.ok) return [failed("mr-template", title, read.failure)];
  if (read.value === null)
    return [
      {
        id: "mr-template",
        status: "warn",
        title,
        detail: `no ${MR_TEMPLATE_FILE} on the default branch: authors start each MR without the sections the Done gate reads`,
        fix: "Run bfd init (it writes the template), then commit and merge it.",
      },
    ];
  const missing = sections.filter((s) => findSection(read.value!, s.aliases) === null).map((s) => s.heading);
  if (missing.length > 0)
    return [
      {
        id: "mr-template",
        status: "warn",
        title,
        detail: `${MR_TEMPLATE_FILE} lacks ${missing.map((h) => `"## ${h}"`).join(", ")}: the Done gate reads ${missing.length === 1 ? "it" : "them"}`,
        fix: "Add the sections (bfd init --dry-run prints the template bfd writes), then commit and merge it.",
      },
    ];
  return [
    {
      id: "mr-template",
      status: "pass",
      title,
      detail: `${MR_TEMPLATE_FILE} has the ${plural(sections.length, "section")} the Done gate reads`,
    },
  ];
}

/** The pipeline on the default branch runs the Done gate: bfd's CI/CD component, or a job running `bfd ci`. */
function pipelineCheck(facts: DoctorFacts): DoctorCheck[] {
  const title = "CI/CD component";
  const repository = facts.repository;
  if (repository === null) return [];
  const read = repository.pipeline;
  if (read === null) return [notRead("ci-include", title, "needs a readable GitLab project (see above)")];
  if (!read.ok) return [failed("ci-include", title, read.failure)];
  if (read.value !== null && runsBfdGate(read.value))
    return [{ id: "ci-include", status: "pass", title, detail: `${GITLAB_CI_FILE} on the default branch runs bfd ci` }];
  return [
    {
      id: "ci-include",
      status: "warn",
      title,
      detail:
        read.value === null
          ? `no ${GITLAB_CI_FILE} on the default branch: no merge request is gated`
          : `${GITLAB_CI_FILE} on the default branch neither includes bfd's component nor runs bfd ci`,
      fix: "Run bfd init (it adds the component include), then commit and merge it (docs/gitlab-ci.md).",
    },
  ];
}

/** Every check, in the order a person fixes them: config, Linear, GitLab. Each has a verdict, whatever the others said. */
export function assembleDoctor(facts: DoctorFacts): DoctorResult {
  return {
    checks: [
      configCheck(facts),
      linearKeyCheck(facts),
      linearBudgetCheck(facts),
      gitlabHostCheck(facts),
      gitlabTokenCheck(facts),
      gitlabProjectCheck(facts),
      ...linearWorkflowChecks(facts),
      ...gitlabLabelChecks(facts),
      ...mergeRequestTemplateCheck(facts),
      ...pipelineCheck(facts),
    ],
  };
}
