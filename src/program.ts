import { Argument, Command, CommanderError, Option } from "commander";
import type { Shell } from "./commands/completion.js";
import type { CommandContext } from "./commands/context.js";
import { usageError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { didYouMean } from "./text/closest.js";
import {
  AUDIT_FORMATS,
  FORMATS,
  HANDOFF_FORMATS,
  RULE_DOC_FORMATS,
  STAGING_FORMATS,
  type AuditFormat,
  type Format,
  type HandoffFormat,
  type RuleDocFormat,
  type StagingFormat,
} from "./reporters/formats.js";

interface GlobalFlags {
  config?: string;
  repo?: string;
  color: boolean;
  debug?: boolean;
  timeout?: string;
  deadline?: string;
}

export interface NetworkFlags {
  timeout: string | undefined;
  deadline: string | undefined;
}

const GATE_FORMATS = [...FORMATS];

/**
 * The command tree. Commands are thin: they gather inputs and call the pieces; every module they need is
 * imported when the command runs, so `bfd rules list` never loads the Linear or GitLab SDKs.
 */
interface InitFlags {
  force?: boolean;
  dryRun?: boolean;
  agents?: boolean;
  fromLinear?: boolean;
  fromGitlab?: boolean;
  team?: string;
  createLabels?: boolean;
  yes?: boolean;
}

/** Where commander writes `--help` (main()'s stdout, so help is written like every other output). */
export interface HelpOutput {
  write: (text: string) => void;
  /** The width to wrap help at: the terminal's when stdout is one, else 80. */
  width: () => number;
}

export function buildProgram(
  version: string,
  makeContext: (noColor: boolean, configOption: string | undefined, network: NetworkFlags) => CommandContext,
  help?: HelpOutput,
) {
  let code: ExitCode = ExitCode.ok;
  let helpForError = "";
  const program = new Command("bfd");
  const ctxOf = (cmd: Command): CommandContext => {
    const flags = cmd.optsWithGlobals<GlobalFlags>();
    const ctx = makeContext(flags.color === false, flags.config, { timeout: flags.timeout, deadline: flags.deadline });
    return flags.repo === undefined ? ctx : { ...ctx, repoOption: flags.repo };
  };

  program
    .description(
      "Delivery gate: checks Linear issues and GitLab merge requests against the team's Ready and Done criteria.",
    )
    .version(version, "-V, --version")
    .option("-c, --config <file>", "team config (default: nearest bfd.config.yaml up to the repository's root)")
    .option(
      "-R, --repo <group/project>",
      "the GitLab project to read (path, id or URL; default: gitlab.project, CI_PROJECT_ID or the origin remote)",
    )
    .option("--no-color", "plain output (also NO_COLOR=1)")
    .option("--debug", "show the request trail and stack traces (tokens are never shown)")
    .option("--timeout <seconds>", "per-request timeout for Linear and GitLab (default 10; env BFD_TIMEOUT)")
    .option(
      "--deadline <seconds>",
      "overall time limit for the network work of one run, retries included (default 30; env BFD_DEADLINE)",
    )
    // Inherited by every command created after this, so `bfd done --help` lists -c, -R, --timeout… too.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    // Commander's error lines are rendered by renderError (one line, a hint); the help it prints when a command is
    // missing (`bfd`, `bfd rules`) is kept here and shown with exit 2 (see run below).
    .configureOutput({
      writeErr: (text) => (helpForError += text),
      ...(help === undefined ? {} : { writeOut: help.write, getOutHelpWidth: help.width }),
    })
    .addHelpText(
      "after",
      `
Examples:
  $ bfd ready ENG-123                 is ENG-123 ready to pick up? (Linear)
  $ bfd done                          is the work on this branch done? (Linear + GitLab)
  $ bfd done --snapshot work.json     replay a snapshot, no network
  $ bfd ci --report junit=bfd.xml     in a GitLab merge-request pipeline
  $ bfd rules list                    the rules in force here

Exit codes: 0 pass · 1 a gate failed · 2 usage/config/input or setup error (a rejected token) · 3 Linear or GitLab unavailable`,
    );

  const formatOption = (): Option =>
    new Option("-f, --format <format>", "output format").choices(GATE_FORMATS).default("pretty");

  for (const gate of ["ready", "done"] as const) {
    const cmd = program
      .command(gate)
      .argument("[issue]", "Linear issue key (ENG-123) or URL; default: from the current git branch")
      .description(
        gate === "ready"
          ? "check an issue against the Ready-to-pick-up criteria"
          : "check the work against the Done criteria before handoff",
      )
      .option("-s, --snapshot <file>", "evaluate a WorkItem snapshot instead of asking Linear/GitLab")
      .addOption(formatOption())
      .option("-o, --output <file>", "write the report to a file instead of stdout")
      .option("-q, --quiet", "print only what blocks the gate: failed rules and errors (pretty output)");
    if (gate === "done")
      cmd.option("--mr <iid|url>", "the merge request (number or URL); default: found from the issue and branch");
    cmd.addHelpText(
      "after",
      gate === "ready"
        ? "\nExamples:\n  $ bfd ready ENG-123\n  $ bfd ready https://linear.app/acme/issue/ENG-123/add-login-audit\n  $ bfd ready --snapshot examples/ready-pass.json --format json"
        : "\nExamples:\n  $ bfd done\n  $ bfd done ENG-123 --mr 42\n  $ bfd done --snapshot examples/done-fail.json",
    );
    cmd.action(
      async (
        issue: string | undefined,
        opts: { snapshot?: string; format: Format; output?: string; mr?: string; quiet?: boolean },
        command: Command,
      ) => {
        const { runGate } = await import("./commands/gate.js");
        const result = await runGate(ctxOf(command), gate, {
          issue,
          snapshot: opts.snapshot,
          mr: opts.mr,
          format: opts.format,
          output: opts.output,
          quiet: opts.quiet,
        });
        code = result.code;
      },
    );
  }

  program
    .command("start")
    .argument("[issue]", "Linear issue key (ENG-123) or URL; default: from the current git branch")
    .description(
      "pick an issue up: the Ready gate, then Linear's branch checked out, the issue assigned to you and started",
    )
    .option("--dry-run", "print what would be done, and write nothing (git or Linear)")
    .option("--carry", "take uncommitted changes along to the issue's branch")
    .option("--take", "reassign the issue to you when someone else holds it")
    .option("--force", "start although the Ready gate fails (needs --reason, kept as one comment on the issue)")
    .option("--reason <text>", "why the issue is started although it is not ready (with --force)")
    .addHelpText(
      "after",
      '\nExamples:\n  $ bfd start ENG-123\n  $ bfd start ENG-123 --dry-run\n  $ bfd start ENG-123 --force --reason "hotfix agreed with the PM"\n\nExit codes: 0 started (or already) · 1 not ready · 2 dirty tree, someone else holds it, usage · 3 Linear unavailable',
    )
    .action(
      async (
        issue: string | undefined,
        opts: { dryRun?: boolean; carry?: boolean; take?: boolean; force?: boolean; reason?: string },
        command: Command,
      ) => {
        const { runStart } = await import("./commands/start.js");
        code = await runStart(ctxOf(command), {
          issue,
          dryRun: opts.dryRun === true,
          carry: opts.carry === true,
          take: opts.take === true,
          force: opts.force === true,
          reason: opts.reason,
        });
      },
    );

  program
    .command("ci")
    .description("the Done gate in a GitLab merge-request pipeline, with reports GitLab shows")
    .option(
      "-r, --report <format=file>",
      "also write a report: junit, codequality, markdown, json (repeatable)",
      (value: string, all: string[]) => [...all, value],
      [] as string[],
    )
    .addOption(formatOption())
    .option("-o, --output <file>", "write the stdout report to a file instead")
    .option("-q, --quiet", "the stdout checklist shows only what blocks the gate (--report files stay whole)")
    .option("--comment", "add or update one bfd note on the merge request (token needs the api scope)")
    .addOption(
      new Option(
        "--rules-from <where>",
        "read the team's rules from the MR's target branch (default) or the local checkout",
      )
        .choices(["target", "local"])
        .default("target"),
    )
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd ci --report junit=bfd-junit.xml --report codequality=gl-code-quality-report.json --report markdown=bfd.md\n  $ bfd ci --comment\n\nExit codes: 0 done · 1 not done · 2 not an MR pipeline / bad input / a rejected or under-scoped token · 3 Linear or GitLab unavailable (allow_failure: exit_codes: [3] to fail open)",
    )
    .action(
      async (
        opts: {
          report: string[];
          format: Format;
          output?: string;
          comment?: boolean;
          rulesFrom: "target" | "local";
          quiet?: boolean;
        },
        command: Command,
      ) => {
        const { runCi } = await import("./commands/ci.js");
        code = await runCi(ctxOf(command), {
          reports: opts.report,
          format: opts.format,
          output: opts.output,
          comment: opts.comment === true,
          rulesFrom: opts.rulesFrom,
          quiet: opts.quiet,
        });
      },
    );

  program
    .command("staging")
    .description("the merge requests merged in the release window and where each stands in staging")
    .option(
      "--since <date>",
      "window start (ISO date/time, in the configured time zone); default: from the release calendar",
    )
    .option("--until <date>", "window end (ISO date/time); default: from the release calendar")
    .addOption(new Option("-f, --format <format>", "output format").choices([...STAGING_FORMATS]).default("pretty"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd staging\n  $ bfd staging --since 2026-11-19T12:00 --until 2026-11-26T12:00 --format json\n\nExit codes: 1 when an MR deployed to staging is not validated while validation is mandatory (cut-off → release).",
    )
    .action(
      async (opts: { since?: string; until?: string; format: StagingFormat; output?: string }, command: Command) => {
        const { runStaging } = await import("./commands/staging.js");
        code = await runStaging(ctxOf(command), {
          since: opts.since,
          until: opts.until,
          format: opts.format,
          output: opts.output,
        });
      },
    );

  program
    .command("handoff")
    .argument("[issue]", "Linear issue key or URL; default: from the current git branch")
    .description("run the Done gate and write the handoff note: state, what was tested, criteria covered, gaps")
    .addOption(
      new Option("--state <state>", "the true state of the work")
        .choices(["in-review", "blocked", "staging-validation", "decision"])
        .makeOptionMandatory(),
    )
    .option("--mr <iid|url>", "the merge request (number or URL)")
    .option("-s, --snapshot <file>", "use a WorkItem snapshot instead of asking Linear/GitLab")
    .option("--post", "keep the note as bfd's one comment on the Linear issue (updated in place on every run)")
    .addOption(new Option("-f, --format <format>", "output format").choices([...HANDOFF_FORMATS]).default("markdown"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd handoff ENG-123 --state in-review\n  $ bfd handoff --state blocked --post",
    )
    .action(
      async (
        issue: string | undefined,
        opts: {
          state: "in-review" | "blocked" | "staging-validation" | "decision";
          mr?: string;
          snapshot?: string;
          post?: boolean;
          format: HandoffFormat;
          output?: string;
        },
        command: Command,
      ) => {
        const { runHandoff } = await import("./commands/handoff.js");
        code = await runHandoff(ctxOf(command), {
          issue,
          mr: opts.mr,
          snapshot: opts.snapshot,
          state: opts.state,
          post: opts.post === true,
          format: opts.format,
          output: opts.output,
        });
      },
    );

  program
    .command("audit")
    .description("the Ready gate over many Linear issues (weekly planning): which are really ready?")
    .option("--team <key>", "Linear team key (default: linear.team in bfd.config.yaml)")
    .option("--state <name>", "only issues in this workflow state, e.g. Ready")
    .option("--project <name>", "only issues in this project")
    .option("--label <name>", "only issues with this label")
    .option("--all", "every state, started and finished too (default: triage, backlog and unstarted states)")
    .option("--limit <n>", "at most this many issues", "250")
    .addOption(new Option("-f, --format <format>", "output format").choices([...AUDIT_FORMATS]).default("pretty"))
    .option("-o, --output <file>", "write to a file instead of stdout")
    .addHelpText(
      "after",
      '\nExamples:\n  $ bfd audit --team ENG --state Ready\n  $ bfd audit --team ENG --project "Audit trail" --format json',
    )
    .action(
      async (
        opts: {
          team?: string;
          state?: string;
          project?: string;
          label?: string;
          all?: boolean;
          limit: string;
          format: AuditFormat;
          output?: string;
        },
        command: Command,
      ) => {
        const { runAudit } = await import("./commands/audit.js");
        code = await runAudit(ctxOf(command), {
          team: opts.team,
          state: opts.state,
          project: opts.project,
          label: opts.label,
          all: opts.all,
          limit: opts.limit,
          format: opts.format,
          output: opts.output,
        });
      },
    );

  program
    .command("board")
    .description("the delivery board: backlog readiness, the release window and MRs in review, as one HTML page")
    .option("--team <key>", "Linear team key (default: linear.team in bfd.config.yaml)")
    .option("--state <name>", "only backlog issues in this workflow state, e.g. Ready")
    .option("--project <name>", "only backlog issues in this project")
    .option("--label <name>", "only backlog issues with this label")
    .option("--all", "backlog issues in every state (default: triage, backlog and unstarted states)")
    .option("--limit <n>", "at most this many backlog issues", "250")
    .option("-o, --output <file>", "where to write the page (default: bfd-board.html; - for stdout)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd board --team ENG --state Ready -o board.html\n  $ bfd board --team ENG -o - > board.html",
    )
    .action(
      async (
        opts: {
          team?: string;
          state?: string;
          project?: string;
          label?: string;
          all?: boolean;
          limit: string;
          output?: string;
        },
        command: Command,
      ) => {
        const { runBoard } = await import("./commands/board.js");
        code = await runBoard(ctxOf(command), {
          team: opts.team,
          state: opts.state,
          project: opts.project,
          label: opts.label,
          all: opts.all,
          limit: opts.limit,
          output: opts.output,
        });
      },
    );

  program
    .command("doctor")
    .description("check the setup before the first gate run: tokens, GitLab host and project, config and rules")
    .addOption(new Option("-f, --format <format>", "output format").choices(["pretty", "json"]).default("pretty"))
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd doctor\n  $ bfd doctor --format json\n\nExit codes: 0 all good · 2 a setup problem · 3 Linear or GitLab unreachable",
    )
    .action(async (opts: { format: "pretty" | "json" }, command: Command) => {
      const { runDoctor } = await import("./commands/doctor.js");
      code = await runDoctor(ctxOf(command), { format: opts.format });
    });

  program
    .command("snapshot")
    .argument("[issue]", "Linear issue key or URL; default: from the current git branch")
    .description("write the WorkItem the gates would see, to replay with --snapshot")
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("--mr <iid|url>", "the merge request (number or URL)")
    .option("--gate <gate>", "gather evidence for this gate (done also reads GitLab)", "done")
    .addHelpText("after", "\nExamples:\n  $ bfd snapshot ENG-123 -o eng-123.json\n  $ bfd done --snapshot eng-123.json")
    .action(
      async (issue: string | undefined, opts: { output?: string; mr?: string; gate: string }, command: Command) => {
        if (opts.gate !== "ready" && opts.gate !== "done")
          throw usageError("bad-gate", `--gate ${opts.gate}: use ready or done`);
        const { runSnapshot } = await import("./commands/snapshot.js");
        code = await runSnapshot(ctxOf(command), { issue, mr: opts.mr, gate: opts.gate, output: opts.output });
      },
    );

  program
    .command("mcp")
    .description("a Model Context Protocol server on stdio: coding agents run the gates on their own work")
    .option(
      "--allow-writes",
      "let agents write to Linear: post the handoff note (bfd_handoff_post), pick an issue up (bfd_start)",
    )
    .addHelpText(
      "after",
      '\nExamples:\n  $ bfd mcp\n  $ bfd mcp --allow-writes\n\nRegister it in an agent client (bfd init --agents writes .mcp.json), e.g.:\n  { "mcpServers": { "bfd": { "command": "npx", "args": ["bfd", "mcp"] } } }\nSee docs/agents.md.',
    )
    .action(async (opts: { allowWrites?: boolean }, command: Command) => {
      const { runMcp } = await import("./commands/mcp.js");
      code = await runMcp(ctxOf(command), { allowWrites: opts.allowWrites === true, version });
    });

  program
    .command("init")
    .description("scaffold bfd here: bfd.config.yaml, the CI/CD component include, the MR template (never overwrites)")
    .option(
      "--force",
      "replace bfd.config.yaml and the MR template, and move an older component include to this version",
    )
    .option("--dry-run", "print what would be written, and write nothing")
    .option(
      "--agents",
      "also add bfd's section to AGENTS.md and register bfd's MCP server in .mcp.json (docs/agents.md)",
    )
    .option(
      "--from-linear",
      "map the rules' states and labels to the Linear team's (and the GitLab project's) and write them to the config",
    )
    .option("--from-gitlab", "map the rules' labels to the GitLab project's and write them to the config")
    .option("--team <key>", "Linear team key for --from-linear (default: linear.team in bfd.config.yaml)")
    .option("--create-labels", "create the GitLab labels still missing, after asking")
    .option("-y, --yes", "with --create-labels: create them without asking")
    .addHelpText(
      "after",
      "\nRun it at the root of your repository. Running it again changes nothing.\n\nExamples:\n  $ bfd init --dry-run\n  $ bfd init && bfd rules check\n  $ bfd init --from-linear --team ENG -R acme/web --create-labels && bfd doctor",
    )
    .action(async (opts: InitFlags, command: Command) => {
      const { runInit } = await import("./commands/init.js");
      code = await runInit(ctxOf(command), {
        version,
        force: opts.force === true,
        dryRun: opts.dryRun === true,
        agents: opts.agents === true,
        fromLinear: opts.fromLinear === true,
        fromGitlab: opts.fromGitlab === true,
        team: opts.team,
        createLabels: opts.createLabels === true,
        yes: opts.yes === true,
      });
    });

  program
    .command("serve")
    .description("run the gates on Linear and GitLab webhooks, publishing verdicts where people look (docs/serve.md)")
    .option("--host <host>", "address to listen on (default 0.0.0.0)")
    .option("--port <port>", "port to listen on (default: PORT, else 8080)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd serve\n  $ BFD_REDIS_URL=redis://redis:6379 bfd serve --port 8080\n\nSecrets come from the environment: BFD_LINEAR_WEBHOOK_SECRET, BFD_GITLAB_WEBHOOK_TOKEN, LINEAR_API_KEY, GITLAB_TOKEN.",
    )
    .action(async (opts: { host?: string; port?: string }, command: Command) => {
      const { runServe } = await import("./commands/serve.js");
      code = await runServe(ctxOf(command), version, { host: opts.host, port: opts.port });
    });

  const rules = program
    .command("rules")
    .description("inspect and validate the rules in force")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd rules check\n  $ bfd rules list\n  $ bfd rules explain active-issue-matches\n  $ bfd rules schema --for config -o bfd.config.schema.json",
    );
  rules
    .command("check")
    .description("validate the built-in rules and bfd.config.yaml (no network)")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd rules check\n  $ bfd -c ci/bfd.config.yaml rules check\n\nExit codes: 0 valid · 2 a problem, each with file:line:col",
    )
    .action(async (_opts: unknown, command: Command) => {
      const { rulesCheck } = await import("./commands/rules.js");
      code = rulesCheck(ctxOf(command));
    });
  rules
    .command("list")
    .description("list the rules in force: id, gate, severity, title")
    .addOption(new Option("-f, --format <format>", "output format").choices([...RULE_DOC_FORMATS]).default("table"))
    .option("-o, --output <file>", "write to a file")
    .addHelpText("after", "\nExamples:\n  $ bfd rules list\n  $ bfd rules list --format markdown -o docs/rules.md")
    .action(async (opts: { format: RuleDocFormat; output?: string }, command: Command) => {
      const { rulesList } = await import("./commands/rules.js");
      code = await rulesList(ctxOf(command), opts.format, opts.output);
    });
  const explain = rules
    .command("explain")
    .argument("<id>", "rule id or check kind")
    .description("explain a rule (or a check kind): what it checks, its options, how to fix it")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd rules explain active-issue-matches\n  $ bfd rules explain changed-paths      a check kind: its options\n\nbfd rules list shows the ids; completion offers them (bfd completion --help).",
    )
    .action(async (id: string, _opts: unknown, command: Command) => {
      const { rulesExplain } = await import("./commands/rules.js");
      code = rulesExplain(ctxOf(command), id);
    });
  rules
    .command("schema")
    .description("print a JSON Schema (rule files by default) for editor autocompletion")
    .addOption(
      new Option("--for <what>", "which schema").choices(["rules", "config", "report", "snapshot"]).default("rules"),
    )
    .option("-o, --output <file>", "write to a file")
    .addHelpText(
      "after",
      "\nExamples:\n  $ bfd rules schema -o rules.schema.json\n  $ bfd rules schema --for snapshot\n\nAdd to the top of a rule file:\n  # yaml-language-server: $schema=./node_modules/@bfd-tools/bfd/schemas/rules.schema.json",
    )
    .action(async (opts: { for: "rules" | "config" | "report" | "snapshot"; output?: string }, command: Command) => {
      const { rulesSchema } = await import("./commands/rules.js");
      code = rulesSchema(ctxOf(command), opts.for, opts.output);
    });

  program
    .command("completion")
    .description("print a completion script for your shell (commands, options and their values)")
    .addArgument(new Argument("<shell>", "the shell").choices(["bash", "zsh", "fish"] satisfies Shell[]))
    .addHelpText(
      "after",
      '\nExamples:\n  $ source <(bfd completion bash)\n  $ bfd completion zsh > "${fpath[1]}/_bfd"\n  $ bfd completion fish > ~/.config/fish/completions/bfd.fish',
    )
    .action(async (shell: Shell, _opts: unknown, command: Command) => {
      const { completionScript } = await import("./commands/completion.js");
      const { explainableIds } = await import("./commands/rules.js");
      const ctx = ctxOf(command);
      ctx.stdout(completionScript(shell, program, { "rules explain": explainableIds(ctx) }));
      code = ExitCode.ok;
    });

  /**
   * Commander showed help because no command was given (`bfd`, `bfd rules`) or `bfd help` named no command: a usage
   * error (exit 2), never a silent success. An unknown name after `help` is said as such, with the closest command.
   */
  function missingCommand(args: readonly string[]): ExitCode {
    const words = args.filter((a) => !a.startsWith("-"));
    if (words[0] === "help" && words.length > 1) {
      let parent: Command = program;
      for (const word of words.slice(1)) {
        const next = parent.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (next === undefined) {
          const names = parent.commands.map((c) => c.name());
          throw usageError(
            "unknownCommand",
            `unknown command '${word}'.${didYouMean(word, names)}`,
            `Commands: ${names.join(", ")}. Run \`bfd --help\` for usage.`,
          );
        }
        parent = next;
      }
    }
    ctxOf(program).stderr(helpForError);
    return ExitCode.usage;
  }

  /** The deepest command the words name (`bfd -c x.yaml rules explain` → rules explain); option values pass over. */
  function commandNamedBy(args: readonly string[]): Command {
    let command: Command = program;
    for (const word of args) {
      if (word === "--") break;
      const next = command.commands.find((c) => c.name() === word || c.aliases().includes(word));
      if (next !== undefined) command = next;
      else if (command.commands.length === 0 && !word.startsWith("-")) break;
    }
    return command;
  }

  const commandPath = (command: Command): string[] =>
    command.parent === null ? [] : [...commandPath(command.parent), command.name()];

  /**
   * Commander names a missing argument or required option without its choices (it lists them only for a bad value):
   * `bfd completion` → "missing required argument 'shell'; choose one of: bash, zsh, fish".
   */
  async function choicesOfMissing(command: Command, code: string, message: string): Promise<string> {
    let choices: readonly string[] | undefined;
    if (code === "commander.missingArgument" && command === explain) {
      // Not commander choices: a rule added to bfd.config.yaml, or a check kind, is an id too.
      const { ruleIdsInForce } = await import("./commands/rules.js");
      return `; the rules in force: ${ruleIdsInForce(ctxOf(command)).join(", ")} (or a check kind)`;
    }
    if (code === "commander.missingArgument") {
      const name = /'([^']+)'/.exec(message)?.[1];
      choices = command.registeredArguments.find((a) => a.name() === name)?.argChoices;
    } else if (code === "commander.missingMandatoryOptionValue" || code === "commander.optionMissingArgument") {
      const flags = /'([^']+)'/.exec(message)?.[1];
      choices = command.options.find((o) => o.flags === flags)?.argChoices;
    }
    return choices === undefined || choices.length === 0 ? "" : `; choose one of: ${choices.join(", ")}`;
  }

  return {
    async run(argv: string[]): Promise<ExitCode> {
      try {
        await program.parseAsync(argv);
        return code;
      } catch (error) {
        if (error instanceof CommanderError) {
          if (error.code === "commander.help" && error.exitCode !== 0) return missingCommand(argv.slice(2));
          if (
            error.code === "commander.helpDisplayed" ||
            error.code === "commander.version" ||
            error.code === "commander.help"
          )
            return ExitCode.ok;
          const command = commandNamedBy(argv.slice(2));
          const name = ["bfd", ...commandPath(command)].join(" ");
          throw usageError(
            error.code.replace("commander.", ""),
            error.message.replace(/^error: /, "") + (await choicesOfMissing(command, error.code, error.message)),
            command === program
              ? "Run `bfd --help` (or `bfd <command> --help`) for usage."
              : `Run \`${name} --help\` for usage and examples.`,
          );
        }
        throw error;
      }
    },
  };
}
