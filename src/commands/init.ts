import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BfdError, inputError, printable } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import {
  addAgentsSection,
  addComponentInclude,
  addMcpServer,
  AGENTS_FILE,
  agentsSection,
  CONFIG_FILE,
  configTemplate,
  GITLAB_CI_FILE,
  gitlabCiTemplate,
  issueTemplate,
  MCP_FILE,
  MR_TEMPLATE_FILE,
  mergeRequestTemplate,
} from "../init/scaffold.js";
import { expectedNames, nameUses } from "../doctor/prerequisites.js";
import { mapWorkspace, missingSteps, workspaceConfig } from "../init/from-workspace.js";
import { repositoryRoot } from "../rules/files.js";
import type { RuleSet } from "../rules/load.js";
import { ServeConfigSchema } from "../rules/schema.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { sourceSetup } from "./sources.js";
import { plural } from "../text/plural.js";

export interface InitOptions {
  version: string;
  force: boolean;
  dryRun: boolean;
  /** Map the rules' states and labels to the Linear team's (and the GitLab project's, when one resolves). */
  fromLinear?: boolean;
  /** Map the rules' labels to the GitLab project's. */
  fromGitlab?: boolean;
  /** The Linear team (else linear.team). */
  team?: string | undefined;
  /** Create the GitLab labels still missing, after a confirmation (`yes`: without asking). */
  createLabels?: boolean;
  yes?: boolean;
  /** Also tell coding agents to run the gates: bfd's section in AGENTS.md, its MCP server in .mcp.json. */
  agents: boolean;
}

type Status = "created" | "replaced" | "appended" | "updated" | "unchanged" | "skipped";

interface Planned {
  file: string;
  status: Status;
  /** What is written, for created / replaced / appended / updated. */
  text?: string;
  note?: string;
}

function readIfFile(path: string, shown: string): string | null {
  if (!existsSync(path)) return null;
  if (!statSync(path).isFile())
    throw inputError("init-not-a-file", `${shown} exists but is not a file`, `Move it away, then run bfd init again.`);
  return readFileSync(path, "utf8");
}

/** A file bfd owns the whole of: created, left alone when identical or someone's own, replaced with --force. */
function planWhole(root: string, file: string, text: string, force: boolean): Planned {
  const current = readIfFile(join(root, file), file);
  if (current === null) return { file, status: "created", text };
  if (current === text) return { file, status: "unchanged", note: "already there" };
  if (force) return { file, status: "replaced", text };
  return { file, status: "skipped", note: "exists; --force to replace" };
}

/** `.gitlab-ci.yml` is the team's: bfd only ever adds its include, never replaces the file (not even with --force). */
function planGitlabCi(root: string, version: string, force: boolean): Planned {
  const current = readIfFile(join(root, GITLAB_CI_FILE), GITLAB_CI_FILE);
  if (current === null) return { file: GITLAB_CI_FILE, status: "created", text: gitlabCiTemplate(version) };
  const result = addComponentInclude(current, version, force);
  if (result.status === "invalid")
    throw inputError(
      "gitlab-ci-invalid",
      `${GITLAB_CI_FILE} is not a GitLab CI file bfd can add to (${printable(result.reason)})`,
      `Fix ${GITLAB_CI_FILE} (GitLab's pipeline editor validates it), then run bfd init again.`,
    );
  if (result.status === "unchanged") return { file: GITLAB_CI_FILE, status: "unchanged", note: result.reason };
  return { file: GITLAB_CI_FILE, status: result.status, text: result.text };
}

/** AGENTS.md is the team's: bfd adds its section once, and replaces only that section with --force. */
function planAgents(root: string, force: boolean): Planned {
  const current = readIfFile(join(root, AGENTS_FILE), AGENTS_FILE);
  if (current === null) return { file: AGENTS_FILE, status: "created", text: agentsSection() };
  const result = addAgentsSection(current, force);
  if (result.status === "unchanged") return { file: AGENTS_FILE, status: "unchanged", note: result.reason! };
  return { file: AGENTS_FILE, status: result.status, text: result.text };
}

/** `.mcp.json` is the team's: bfd adds its server beside theirs, and replaces only its own entry with --force. */
function planMcp(root: string, force: boolean): Planned {
  const current = readIfFile(join(root, MCP_FILE), MCP_FILE);
  const result = addMcpServer(current ?? "", force);
  if (result.status === "invalid")
    throw inputError(
      "mcp-json-invalid",
      `${MCP_FILE} is not an MCP registration file bfd can add to (${printable(result.reason)})`,
      `Fix ${MCP_FILE} (it is JSON with an "mcpServers" object), then run bfd init --agents again.`,
    );
  if (result.status === "unchanged") return { file: MCP_FILE, status: "unchanged", note: result.reason };
  return { file: MCP_FILE, status: current === null ? "created" : result.status, text: result.text };
}

function write(root: string, planned: Planned): void {
  const path = join(root, planned.file);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, planned.text ?? "");
  } catch (error) {
    const why = error instanceof Error && "code" in error ? String(error.code) : "write failed";
    throw new BfdError("usage", "init-unwritable", `cannot write ${planned.file} (${why})`, {
      hint: "Run bfd init in a folder you can write to, at the root of your repository.",
    });
  }
}

const indent = (text: string): string =>
  text
    .trimEnd()
    .split("\n")
    .map((line) => (line === "" ? "" : `    ${line}`))
    .join("\n");

/**
 * `bfd init`: scaffolds bfd into the repository at the working directory — the team config, the component include in
 * `.gitlab-ci.yml` and the MR description template — without overwriting anything, and prints the Linear issue
 * template. Everything is planned before anything is written, so a bad `.gitlab-ci.yml` leaves every file as it was.
 */
export async function runInit(ctx: CommandContext, options: InitOptions): Promise<ExitCode> {
  const ruleSet = loadLocalRules(ctx);
  const rules = ruleSet.rules;
  const fromWorkspace =
    options.fromLinear === true || options.fromGitlab === true ? await readWorkspace(ctx, options, ruleSet) : null;
  // The files belong at the repository's root (GitLab reads .gitlab-ci.yml and .gitlab/ only there), wherever in it
  // bfd init runs; outside a repository, here.
  const root = repositoryRoot(ctx.cwd) ?? ctx.cwd;
  const plan = [
    planWhole(
      root,
      CONFIG_FILE,
      fromWorkspace === null ? configTemplate() : `${configTemplate()}\n${fromWorkspace.config}`,
      options.force,
    ),
    planGitlabCi(root, options.version, options.force),
    planWhole(root, MR_TEMPLATE_FILE, mergeRequestTemplate(rules), options.force),
    ...(options.agents ? [planAgents(root, options.force), planMcp(root, options.force)] : []),
  ];
  const lines: string[] = root === resolve(ctx.cwd) ? [] : [`Writing at the repository's root, ${root}:`, ""];
  for (const planned of plan) {
    const writes = planned.text !== undefined;
    if (writes && !options.dryRun) write(root, planned);
    const status = options.dryRun && writes ? `would be ${planned.status}` : planned.status;
    lines.push(`${status.padEnd(9)} ${planned.file}${planned.note === undefined ? "" : ` (${planned.note})`}`);
    if (options.dryRun && writes) lines.push(indent(planned.text!), "");
  }
  if (fromWorkspace !== null) lines.push("", ...fromWorkspace.report);
  const issue = issueTemplate(rules);
  if (issue !== "")
    lines.push(
      "",
      "For Linear, the sections bfd's Ready gate reads in an issue description (paste them into your team's issue template):",
      "",
      indent(issue),
    );
  lines.push("", `Next: ${fromWorkspace === null ? "bfd rules check" : "bfd doctor"}, then commit these files.`);
  ctx.stdout(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}

/**
 * `--from-linear` / `--from-gitlab`: reads the team's workflow states and labels and the project's labels in one
 * wave, maps what the rules expect onto them (src/init/from-workspace.ts), and with `--create-labels` creates the
 * GitLab labels still missing once the user agrees. Returns the config lines and what to tell the user.
 */
async function readWorkspace(
  ctx: CommandContext,
  options: InitOptions,
  ruleSet: RuleSet,
): Promise<{ config: string; report: string[] }> {
  const { config } = ruleSet;
  const fromLinear = options.fromLinear === true;
  const team = options.team ?? config.linear?.team;
  if (fromLinear && team === undefined)
    throw inputError(
      "init-team-missing",
      "bfd init --from-linear needs the Linear team: --team ENG",
      "Pass the team's key (ENG for ENG-123) with --team, or set linear.team in bfd.config.yaml.",
    );
  const setup = sourceSetup(ctx);
  const { gitlabFromEnv, linearFromEnv, resolveProject } = await import("../sources/env.js");
  const project = await resolveProject(setup, config.gitlab?.project);
  if (options.fromGitlab === true && project === null)
    throw inputError(
      "init-project-missing",
      "bfd init --from-gitlab needs the GitLab project: -R group/project",
      "Pass -R group/project, set gitlab.project in bfd.config.yaml, or run it in a clone of the project.",
    );
  // GitLab is read with --from-gitlab, and with --from-linear whenever a project and a token are at hand.
  const readGitlab = project !== null && (options.fromGitlab === true || (ctx.env.GITLAB_TOKEN ?? "") !== "");
  const linear = fromLinear ? await linearFromEnv(setup) : null;
  const gitlab = readGitlab ? await gitlabFromEnv(setup) : null;
  const [workflow, labels] = await Promise.all([
    linear === null || team === undefined ? null : linear.teamWorkflow(team),
    gitlab === null || project === null ? null : gitlab.listLabels(project),
  ]);
  const readyStates = ServeConfigSchema.parse({}).readyStates;
  const uses = nameUses(ruleSet.rules, { serve: config.serve ?? ServeConfigSchema.parse({ readyStates }) });
  const wanted = expectedNames(uses).filter((e) =>
    workflow === null ? e.where === "gitlab-label" || e.where === "any-label" : true,
  );
  const workspace = {
    team: workflow ?? { key: team ?? "", name: team ?? "", states: [], labels: [] },
    gitlabLabels: labels,
    project,
  };
  const mappings = mapWorkspace(wanted, workspace);
  const source = [
    workflow === null ? null : `Linear team ${workflow.key} (${workflow.name})`,
    labels === null ? null : `GitLab project ${project}`,
  ]
    .filter((s): s is string => s !== null)
    .join(" and ");
  const report = [`Mapped from ${source}:`];
  for (const m of mappings)
    report.push(
      m.found === null
        ? `  missing   ${m.expected.name}`
        : `  ${m.found === m.expected.name ? "found    " : "mapped   "} ${m.expected.name}${m.found === m.expected.name ? "" : ` → ${m.found} (${m.how})`}`,
    );
  let missing = mappings.filter((m) => m.found === null);
  const creatable = missing.filter((m) => m.expected.where !== "linear-state" && m.expected.where !== "linear-label");
  if (options.createLabels === true && creatable.length > 0 && gitlab !== null && project !== null) {
    if (options.dryRun)
      report.push(
        "",
        `Would create ${plural(creatable.length, "GitLab label")} in ${project} (--dry-run: none created).`,
      );
    else if (
      await confirmed(ctx, options, `Create ${creatable.map((m) => `"${m.expected.name}"`).join(", ")} in ${project}?`)
    ) {
      await Promise.all(
        creatable.map((m) =>
          gitlab.createLabel(
            project,
            m.expected.name,
            LABEL_COLOR,
            `bfd: named by ${m.expected.uses.map((u) => u.rule ?? "serve").join(", ")}`,
          ),
        ),
      );
      report.push("", `Created in ${project}: ${creatable.map((m) => m.expected.name).join(", ")}.`);
      missing = missing.filter((m) => !creatable.includes(m));
      for (const m of creatable) {
        m.found = m.expected.name;
        m.how = "as written";
      }
    }
  }
  const steps = missingSteps(missing);
  if (steps.length > 0)
    report.push(
      "",
      "Still missing (bfd doctor fails until they exist):",
      ...steps.map((step) => `  ${step}`),
      ...(creatable.length > 0 && options.createLabels !== true
        ? ["  or run bfd init --from-linear --create-labels to create the GitLab labels"]
        : []),
    );
  return { config: workspaceConfig(mappings, workspace, source), report };
}

/** A calm blue: GitLab asks every label for a colour (doc/api/labels.md). */
const LABEL_COLOR = "#428BCA";

/** --yes, else a yes from the person at the terminal; with no terminal to ask, exit 2 rather than guess. */
async function confirmed(ctx: CommandContext, options: InitOptions, question: string): Promise<boolean> {
  if (options.yes === true) return true;
  if (ctx.ask === undefined)
    throw inputError(
      "init-confirm-needed",
      "bfd init --create-labels asks before creating labels, and there is no terminal to ask",
      "Run it in a terminal, or add --yes to create them without asking.",
    );
  const answer = await ctx.ask(`${question} [y/N] `);
  return /^y(es)?$/i.test(answer.trim());
}
