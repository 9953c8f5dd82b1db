import { mergeRequestGate } from "../app/merge-request-gate.js";
import { detectGitLabMergeRequestPipeline } from "../ci/detect.js";
import { STICKY_MARKER, upsertStickyNote } from "../ci/sticky-note.js";
import { BfdError, printable, usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { mergeRequestNoteBody } from "../reporters/bodies.js";
import { isFormat, loadReporter, type Format } from "../reporters/index.js";
import { builtinRuleFiles } from "../rules/files.js";
import { gitlabFromEnv, linearFromEnv } from "../sources/env.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import type { CommandContext } from "./context.js";
import { loadLocalRules } from "./load-rules.js";
import { changedPathsOf, renderOptionsFor, rulesInForce, writeOutput } from "./output.js";
import { sourceSetup } from "./sources.js";

export interface CiOptions {
  reports: string[];
  format: Format;
  output: string | undefined;
  comment: boolean;
  /** "target": rules from the MR's target branch via the API (default); "local": the checkout's files. */
  rulesFrom: "target" | "local";
  /** The stdout checklist shows only what blocks the gate (the --report files stay whole). */
  quiet?: boolean | undefined;
}

interface ReportTarget {
  format: Format;
  path: string;
}

export function parseReportSpecs(specs: readonly string[]): ReportTarget[] {
  return specs.map((spec) => {
    const at = spec.indexOf("=");
    const format = at === -1 ? "" : spec.slice(0, at);
    const path = at === -1 ? "" : spec.slice(at + 1);
    if (!isFormat(format) || path === "") {
      throw usageError(
        "bad-report",
        `--report ${printable(spec)}: expected FORMAT=FILE with FORMAT one of junit, codequality, markdown, json, pretty`,
        "e.g. --report junit=bfd-junit.xml --report codequality=gl-code-quality-report.json",
      );
    }
    return { format, path };
  });
}

/** `bfd ci`: detect the pipeline → plan the evidence from the rules → gather → evaluate → report (and a note). */
export async function runCi(ctx: CommandContext, options: CiOptions): Promise<ExitCode> {
  const detection = detectGitLabMergeRequestPipeline(ctx.env);
  if (!detection.ok) {
    throw usageError(
      "not-mr-pipeline",
      `bfd ci runs in a GitLab merge-request pipeline: ${detection.reason}`,
      "Outside CI, run `bfd done` (it finds the issue and MR from your branch).",
    );
  }
  const pipeline = detection.pipeline;
  const reports = parseReportSpecs(options.reports);
  const setup = sourceSetup(ctx);
  // Both tokens are checked before any request: a job with only CI_JOB_TOKEN stops here, saying what to set.
  const [gitlab, linear] = await Promise.all([gitlabFromEnv(setup), linearFromEnv(setup)]);
  const targetBranch = pipeline.targetBranch ?? (await gitlab.getProject(pipeline.project)).defaultBranch;

  // The note needs the token's own user: ask now, alongside the rest, rather than after the report.
  const tokenUser = options.comment ? gitlab.currentUser() : null;
  const { report, item, ruleSet } = await mergeRequestGate({
    sources: { linear, gitlab },
    project: pipeline.project,
    iid: pipeline.mrIid,
    targetBranch,
    earlyKeys: issueKeysFromMergeRequest({ sourceBranch: pipeline.sourceBranch, title: pipeline.title }),
    sourceBranch: pipeline.sourceBranch,
    rules: options.rulesFrom === "local" ? loadLocalRules(ctx) : undefined,
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    now: ctx.now().toISOString(),
    ci: {
      jobId: pipeline.jobId,
      pipelineId: pipeline.pipelineId,
      pipelineUrl: pipeline.pipelineUrl,
      sha: pipeline.sha,
      commitSha: pipeline.commitSha,
      kind: pipeline.eventType,
      project: pipeline.pipelineProject,
      diffBaseSha: pipeline.diffBaseSha,
      checkout: pipeline.projectDir ?? ctx.cwd,
    },
    alongside: tokenUser === null ? [] : [tokenUser],
  });
  const renderOptions = {
    colorLevel: 0 as const,
    rerun: "bfd ci",
    rules: rulesInForce(ctx, ruleSet),
    changedFiles: changedPathsOf(item),
  };
  for (const target of reports)
    writeOutput(ctx, (await loadReporter(target.format))(report, renderOptions), target.path);
  writeOutput(
    ctx,
    (await loadReporter(options.format))(report, {
      ...renderOptions,
      ...renderOptionsFor(ctx, options.output),
      quiet: options.quiet === true,
    }),
    options.output,
  );
  if (reports.length > 0) ctx.stderr(`bfd ci: wrote ${reports.map((r) => `${r.format} → ${r.path}`).join(", ")}\n`);

  if (options.comment) {
    try {
      const self = await tokenUser!;
      const body = await mergeRequestNoteBody(report, {
        marker: STICKY_MARKER,
        footer: `<sub>Posted by bfd ci · pipeline ${ctx.env.CI_PIPELINE_URL ?? ctx.env.CI_PIPELINE_ID ?? ""}</sub>`,
        renderOptions,
        jobUrl: ctx.env.CI_JOB_URL,
        redact: ctx.redact,
      });
      const note = await upsertStickyNote(
        {
          listNotes: () => gitlab.listNotes(pipeline.project, pipeline.mrIid),
          createNote: (text) => gitlab.createNote(pipeline.project, pipeline.mrIid, text),
          updateNote: (id, text) => gitlab.updateNote(pipeline.project, pipeline.mrIid, id, text),
          deleteNote: (id) => gitlab.deleteNote(pipeline.project, pipeline.mrIid, id),
        },
        self.id,
        body,
      );
      ctx.stderr(`bfd ci: ${note.action} the bfd note on !${pipeline.mrIid} (note ${note.id})\n`);
    } catch (error) {
      const why = error instanceof BfdError ? error.message : String(error);
      ctx.stderr(
        `bfd ci: warning: could not post the merge request note: ${why} (the gate result above stands; posting needs a token with the api scope)\n`,
      );
    }
  }
  return report.verdict === "pass" ? ExitCode.ok : ExitCode.gateFailed;
}
