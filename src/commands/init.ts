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
import { repositoryRoot } from "../rules/files.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";

export interface InitOptions {
  version: string;
  force: boolean;
  dryRun: boolean;
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
export function runInit(ctx: CommandContext, options: InitOptions): ExitCode {
  const rules = loadLocalRules(ctx).rules;
  // The files belong at the repository's root (GitLab reads .gitlab-ci.yml and .gitlab/ only there), wherever in it
  // bfd init runs; outside a repository, here.
  const root = repositoryRoot(ctx.cwd) ?? ctx.cwd;
  const plan = [
    planWhole(root, CONFIG_FILE, configTemplate(), options.force),
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
  const issue = issueTemplate(rules);
  if (issue !== "")
    lines.push(
      "",
      "For Linear, the sections bfd's Ready gate reads in an issue description (paste them into your team's issue template):",
      "",
      indent(issue),
    );
  lines.push("", "Next: bfd rules check, then commit these files.");
  ctx.stdout(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
