/**
 * `bfd mcp`: a Model Context Protocol server over stdio, so a coding agent checks the gate on itself before it
 * says "done", with the same rules the pipeline enforces. Every tool runs the command it is named after with its
 * output captured (stdout carries only the protocol; logs go to stderr), and returns the command's JSON contract
 * as `structuredContent` plus a short text checklist. Failures are tool errors with bfd's one-line message.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { z } from "zod";
import { isBfdError, usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { redact } from "../redact.js";
import { renderError } from "../render-error.js";
import { ReportSchema } from "../report/schema.js";
import type { CommandContext } from "./context.js";
import { gateReport } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";

export interface McpOptions {
  /** `--allow-writes`: without it, `bfd_handoff_post` is refused and `bfd_start` is not offered. */
  allowWrites: boolean;
  version: string;
}

/** What `structuredContent` of a failed call says: the exit code the same command would have ended with. */
const EXIT_MEANING: Record<number, string> = {
  [ExitCode.ok]: "pass",
  [ExitCode.gateFailed]: "a gate failed",
  [ExitCode.usage]: "usage, config, input or setup error (a rejected token included)",
  [ExitCode.upstream]: "Linear or GitLab could not be used (unreachable, failing, timing out or rate limited)",
};

type ToolResult = {
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

/** The context of one tool call: output captured, nothing written to the protocol's stdout. */
function captured(ctx: CommandContext): { ctx: CommandContext; text: () => string } {
  let out = "";
  return {
    ctx: { ...ctx, colorLevel: 0, stdout: (text) => (out += text) },
    text: () => out,
  };
}

function toolError(error: unknown, debug: boolean, cwd: string): ToolResult {
  const rendered = renderError(error, { debug, color: false, cwd });
  return {
    isError: true,
    content: [
      {
        type: "text",
        text: `${rendered.text.trimEnd()}\n(exit ${rendered.code}: ${EXIT_MEANING[rendered.code] ?? "error"})`,
      },
    ],
  };
}

/** Every tool result passes through the same redaction as bfd's terminal output: never a token in a result. */
function redacted(ctx: CommandContext, result: ToolResult): ToolResult {
  const secrets = [ctx.env.LINEAR_API_KEY, ctx.env.GITLAB_TOKEN, ctx.env.CI_JOB_TOKEN];
  return JSON.parse(redact(JSON.stringify(result), secrets)) as ToolResult;
}

async function attempt(ctx: CommandContext, run: () => Promise<ToolResult>): Promise<ToolResult> {
  try {
    return redacted(ctx, await run());
  } catch (error) {
    if (!isBfdError(error))
      ctx.stderr(`bfd mcp: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return redacted(ctx, toolError(error, ctx.debug, ctx.cwd));
  }
}

const IssueInput = z
  .string()
  .min(1)
  .max(300)
  .optional()
  .describe("Linear issue key (ENG-123) or URL; default: the issue of the current git branch.");
const MrInput = z
  .string()
  .min(1)
  .max(300)
  .optional()
  .describe("Merge request number or URL; default: found from the issue and the branch.");
const HandoffState = z
  .enum(["in-review", "blocked", "staging-validation", "decision"])
  .describe("The true state of the work.");

export async function runMcp(ctx: CommandContext, options: McpOptions): Promise<ExitCode> {
  const [{ McpServer }, { StdioServerTransport }] = await Promise.all([
    import("@modelcontextprotocol/sdk/server/mcp.js"),
    import("@modelcontextprotocol/sdk/server/stdio.js"),
  ]);
  const server = new McpServer({ name: "bfd", version: options.version });
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

  const gateTool = (gate: "ready" | "done") => async (args: { issue?: string | undefined; mr?: string | undefined }) =>
    attempt(ctx, async () => {
      const { report } = await gateReport(ctx, gate, { issue: args.issue, mr: args.mr });
      const { renderPretty } = await import("../reporters/pretty.js");
      const rerun = `bfd ${gate}${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
      return {
        content: [{ type: "text", text: renderPretty(report, { colorLevel: 0, rerun }) }],
        structuredContent: report as unknown as Record<string, unknown>,
      };
    });

  server.registerTool(
    "bfd_ready",
    {
      title: "Is the issue ready to pick up?",
      description:
        "Runs bfd's Ready gate on a Linear issue: is it a unit of work, with acceptance criteria, traceable, with visible dependencies? Run it before starting work. Returns the report and what to fix.",
      inputSchema: { issue: IssueInput },
      outputSchema: ReportSchema.shape,
      annotations: { title: "bfd ready", ...readOnly },
    },
    gateTool("ready"),
  );
  server.registerTool(
    "bfd_done",
    {
      title: "Is the work done?",
      description:
        "Runs bfd's Done gate on the issue and its merge request (criteria ticked, pipeline green on the head commit, how it was tested, docs and release notes, Linear current). Run it before saying the work is done.",
      inputSchema: { issue: IssueInput, mr: MrInput },
      outputSchema: ReportSchema.shape,
      annotations: { title: "bfd done", ...readOnly },
    },
    gateTool("done"),
  );
  server.registerTool(
    "bfd_explain",
    {
      title: "Explain a rule",
      description:
        "What a rule (or check kind) checks, the sentence of the delivery process it enforces, and how to satisfy it.",
      inputSchema: {
        rule: z.string().min(1).max(100).describe("Rule id (e.g. acceptance-criteria-met) or check kind."),
      },
      annotations: { title: "bfd rules explain", ...readOnly, openWorldHint: false },
    },
    async ({ rule }) =>
      attempt(ctx, async () => {
        const { rulesExplain } = await import("./rules.js");
        const run = captured(ctx);
        rulesExplain(run.ctx, rule);
        return { content: [{ type: "text", text: run.text() }] };
      }),
  );
  server.registerTool(
    "bfd_staging",
    {
      title: "What still needs staging validation",
      description: "The release window and the merged merge requests in it that still need validation in staging.",
      inputSchema: {},
      annotations: { title: "bfd staging", ...readOnly },
    },
    async () =>
      attempt(ctx, async () => {
        // One collection (GitLab read once), rendered twice: the JSON contract and the pretty text.
        const [{ collectStaging }, { loadStagingReporter }, { renderOptionsFor }] = await Promise.all([
          import("./staging.js"),
          import("../reporters/staging/index.js"),
          import("./output.js"),
        ]);
        const { ctx: quiet } = captured(ctx);
        const result = await collectStaging(quiet, { since: undefined, until: undefined });
        const options = renderOptionsFor(quiet, undefined);
        const [json, pretty] = await Promise.all([loadStagingReporter("json"), loadStagingReporter("pretty")]);
        return {
          content: [{ type: "text", text: pretty(result, options) }],
          structuredContent: JSON.parse(json(result, options)) as Record<string, unknown>,
        };
      }),
  );

  const handoff =
    (post: boolean) => async (args: { issue?: string | undefined; state: z.infer<typeof HandoffState> }) =>
      attempt(ctx, async () => {
        if (post && !options.allowWrites) {
          throw usageError(
            "writes-refused",
            "bfd_handoff_post writes a comment to Linear, and this server was started without --allow-writes",
            "Use bfd_handoff_preview to read the note, or start the server with `bfd mcp --allow-writes`.",
          );
        }
        const { runHandoff } = await import("./handoff.js");
        const run = captured(ctx);
        await runHandoff(run.ctx, {
          issue: args.issue,
          mr: undefined,
          snapshot: undefined,
          state: args.state,
          post,
          format: "json",
          output: undefined,
        });
        const result = JSON.parse(run.text()) as { markdown?: string } & Record<string, unknown>;
        return { content: [{ type: "text", text: result.markdown ?? "" }], structuredContent: result };
      });
  server.registerTool(
    "bfd_handoff_preview",
    {
      title: "Preview the handoff note",
      description:
        "The handoff note for the issue in the given state: what was tested, which acceptance criteria are covered, the remaining gaps. Read-only.",
      inputSchema: { issue: IssueInput, state: HandoffState },
      annotations: { title: "bfd handoff (preview)", ...readOnly },
    },
    handoff(false),
  );
  server.registerTool(
    "bfd_handoff_post",
    {
      title: "Post the handoff note to Linear",
      description:
        "Writes the handoff note to the Linear issue as a comment. Needs the server to be started with --allow-writes.",
      inputSchema: { issue: IssueInput, state: HandoffState },
      annotations: {
        title: "bfd handoff --post",
        readOnlyHint: false,
        destructiveHint: true,
        // bfd keeps one handoff comment per issue and edits it in place: posting again changes nothing more.
        idempotentHint: true,
        openWorldHint: true,
      },
    },
    handoff(true),
  );

  // A write tool is offered only to a server started with --allow-writes: an agent without it never sees it.
  if (options.allowWrites)
    server.registerTool(
      "bfd_start",
      {
        title: "Pick the issue up in Linear",
        description:
          "Runs the Ready gate; when it passes, assigns the Linear issue to the API key's user and moves it to the team's first started state, and returns the git branch to check out (Linear's branchName). It never runs git: check the branch out yourself. Not ready: a tool error with the checklist, nothing written. A second call writes nothing.",
        inputSchema: {
          issue: IssueInput,
          dryRun: z.boolean().optional().describe("Return the plan and write nothing."),
          take: z.boolean().optional().describe("Reassign the issue when someone else holds it (agree it with them)."),
          force: z.boolean().optional().describe("Start although the Ready gate fails; needs reason."),
          reason: z
            .string()
            .min(1)
            .max(2000)
            .optional()
            .describe("Why the issue is started although not ready; kept as one comment on the issue."),
        },
        annotations: {
          title: "bfd start",
          readOnlyHint: false,
          // It replaces the issue's state, and with take its assignee.
          destructiveHint: true,
          // A second call finds the issue started and assigned, and writes nothing.
          idempotentHint: true,
          openWorldHint: true,
        },
      },
      async (args) =>
        attempt(ctx, async () => {
          const [{ startIssue, planText }, { renderPretty }] = await Promise.all([
            import("./start.js"),
            import("../reporters/pretty.js"),
          ]);
          const { ctx: quiet } = captured(ctx);
          const { report, plan } = await startIssue(quiet, {
            issue: args.issue,
            dryRun: args.dryRun === true,
            carry: false,
            take: args.take === true,
            force: args.force === true,
            reason: args.reason,
            checkout: false,
          });
          const rerun = `bfd start${report.issue === null ? "" : ` ${report.issue.identifier}`}`;
          const checklist = renderPretty(report, { colorLevel: 0, rerun, quiet: true });
          if (plan === null)
            return {
              isError: true,
              content: [
                { type: "text", text: `${checklist}(exit 1: ${EXIT_MEANING[ExitCode.gateFailed]}; nothing written)` },
              ],
            };
          return {
            content: [{ type: "text", text: `${plan.ready ? "" : checklist}${planText(plan)}` }],
            structuredContent: { ...plan, report } as unknown as Record<string, unknown>,
          };
        }),
    );

  server.registerResource(
    "process",
    "bfd://process",
    {
      title: "The delivery process",
      description: "The team's delivery process the rules enforce (Ready, Done, staging validation, handoff states).",
      mimeType: "text/markdown",
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "text/markdown",
          text: await readFile(join(dirname(ctx.builtinDir), "docs", "process.md"), "utf8"),
        },
      ],
    }),
  );
  server.registerResource(
    "rules",
    "bfd://rules",
    {
      title: "The rules in force",
      description:
        "Every rule in force here (id, gate, severity, title, process sentence), with the config file that shaped them.",
      mimeType: "application/json",
    },
    async (uri) => {
      const set = loadLocalRules(ctx);
      const rules = set.rules.map((r) => ({
        id: r.id,
        gate: r.gate,
        severity: r.severity,
        title: r.title,
        check: r.kind.id,
        options: r.options,
        waivable: r.waivable,
        process: r.process ?? null,
        definedAt: r.location,
      }));
      const text = JSON.stringify({ config: set.configPath, ruleFiles: set.ruleFiles, rules }, null, 2);
      return { contents: [{ uri: uri.href, mimeType: "application/json", text }] };
    },
  );

  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.on("end", () => resolve());
  });
  await server.connect(transport);
  ctx.stderr(`bfd mcp: serving on stdio (writes ${options.allowWrites ? "allowed" : "refused"})\n`);
  await closed;
  await server.close();
  return ExitCode.ok;
}
