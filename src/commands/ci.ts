import { detectGitLabMergeRequestPipeline } from "../ci/detect.js";
import { STICKY_MARKER, upsertStickyNote } from "../ci/sticky-note.js";
import { evaluate } from "../engine/evaluate.js";
import { evidencePlan } from "../engine/plan.js";
import { BfdError, printable, usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { isFormat, loadReporter, type Format } from "../reporters/index.js";
import { builtinRuleFiles, CONFIG_NAMES } from "../rules/files.js";
import { loadRuleSetThrough, type RuleFilePort, type SourceText } from "../rules/load.js";
import { gitlabFromEnv, linearFromEnv } from "../sources/env.js";
import { gatherWorkItem, MAX_KEYS_TRIED } from "../sources/gather.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import { settled } from "../sources/waves.js";
import { changedMatching } from "../work-item/globs.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import type { CommandContext } from "./context.js";
import { requireRules } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";
import { writeOutput } from "./output.js";
import { sourceSetup } from "./sources.js";

export interface CiOptions {
  reports: string[];
  format: Format;
  output: string | undefined;
  comment: boolean;
  /** "target": rules from the MR's target branch via the API (default); "local": the checkout's files. */
  rulesFrom: "target" | "local";
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

/**
 * The team's rules as the MR's target branch has them, read through the GitLab API — so a merge request cannot
 * loosen the gate that judges it. Built-in rules come with bfd itself.
 */
function targetBranchRules(ctx: CommandContext, gitlab: GitLabSource, project: string, ref: string): RuleFilePort {
  const at = (path: string, text: string | null): SourceText | null =>
    text === null ? null : { path: `${path} (at ${ref})`, text };
  return {
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    async readConfig() {
      const texts = await Promise.all(CONFIG_NAMES.map((name) => gitlab.readFile(project, name, ref)));
      const index = texts.findIndex((text) => text !== null);
      return index === -1 ? null : at(CONFIG_NAMES[index]!, texts[index]!);
    },
    async readRuleFile(relativePath) {
      // The config sits at the repository's root, so its rule files are paths from there; none may climb out.
      const path = relativePath.replace(/^\.\//, "");
      if (path.split("/").includes("..")) return null;
      return at(path, await gitlab.readFile(project, path, ref));
    },
  };
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

  // One wave: the rules (from the target branch), the MR with its changes and pipeline jobs, and the issue the
  // pipeline names — the plan from the rules decides only what wave 2 reads.
  const rules =
    options.rulesFrom === "local"
      ? Promise.resolve(loadLocalRules(ctx))
      : loadRuleSetThrough(targetBranchRules(ctx, gitlab, pipeline.project, targetBranch));
  const plan = rules.then((set) => {
    requireRules(set, "done");
    return evidencePlan(set.rules, "done");
  });
  // The note needs the token's own user: ask now, alongside the rest, rather than after the report.
  const tokenUser = options.comment ? gitlab.currentUser() : null;
  const keys = issueKeysFromMergeRequest({ sourceBranch: pipeline.sourceBranch, title: pipeline.title });
  const item = await settled(
    gatherWorkItem(
      { linear, gitlab },
      {
        plan,
        prefetch: { changes: true, pipeline: true },
        now: ctx.now().toISOString(),
        branch: pipeline.sourceBranch,
        issue: { by: "mergeRequest", keys },
        mergeRequest: { by: "known", project: pipeline.project, iid: pipeline.mrIid },
        ci: {
          jobId: pipeline.jobId,
          pipelineId: pipeline.pipelineId,
          pipelineUrl: pipeline.pipelineUrl,
          sha: pipeline.sha,
          diffBaseSha: pipeline.diffBaseSha,
          checkout: pipeline.projectDir ?? ctx.cwd,
        },
      },
    ),
    rules,
    tokenUser,
  );
  const set = await rules;
  const mr = item.mergeRequest!;

  const notices: string[] = [];
  if (item.issue === null) {
    const tried = [...new Set([...keys, ...issueKeysFromMergeRequest(mr)])].slice(0, 2 * MAX_KEYS_TRIED);
    const why = tried.length === 0 ? "" : ` (${tried.join(", ")} ${tried.length === 1 ? "is" : "are"} not in Linear)`;
    notices.push(
      `No Linear issue is named by ${mr.projectPath}!${mr.iid}${why}: name it in the branch, the title, or with "Closes ENG-123" in the description.`,
    );
  }
  const changedRuleFiles = changedMatching(mr.changes, [
    ...CONFIG_NAMES,
    ...set.ruleFiles.map((f) => f.replace(/^\.\//, "")),
  ]).map((f) => f.newPath);
  if (changedRuleFiles.length > 0) {
    notices.push(
      `This merge request changes bfd rule files (${changedRuleFiles.join(", ")}); they were judged by the rules on ${targetBranch}, and take effect once merged.`,
    );
  }
  item.context.ruleFilesChangedByMergeRequest = changedRuleFiles;
  const report = evaluate(set.rules, item, { gate: "done", notices });
  const renderOptions = { colorLevel: 0 as const, rerun: "bfd ci" };
  for (const target of reports)
    writeOutput(ctx, (await loadReporter(target.format))(report, renderOptions), target.path);
  writeOutput(
    ctx,
    (await loadReporter(options.format))(report, {
      colorLevel: options.output === undefined ? ctx.colorLevel : 0,
      rerun: "bfd ci",
    }),
    options.output,
  );
  if (reports.length > 0) ctx.stderr(`bfd ci: wrote ${reports.map((r) => `${r.format} → ${r.path}`).join(", ")}\n`);

  if (options.comment) {
    try {
      const self = await tokenUser!;
      const body = `${STICKY_MARKER}\n${(await loadReporter("markdown"))(report, renderOptions)}\n<sub>Posted by bfd ci · pipeline ${ctx.env.CI_PIPELINE_URL ?? ctx.env.CI_PIPELINE_ID ?? ""}</sub>\n`;
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
