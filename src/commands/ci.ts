import { parse as parseYaml } from "yaml";
import { detectGitLabMergeRequestPipeline, type MergeRequestPipeline } from "../ci/detect.js";
import { STICKY_MARKER, upsertStickyNote } from "../ci/sticky-note.js";
import { evaluate } from "../engine/evaluate.js";
import { BfdError, printable, usageError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { mergeRequestNoteBody } from "../reporters/bodies.js";
import { isFormat, loadReporter, type Format } from "../reporters/index.js";
import { builtinRuleFiles, CONFIG_NAMES } from "../rules/files.js";
import { loadRuleSet, type RuleSet, type SourceText } from "../rules/load.js";
import { firstKnownIssue, gitlabFromEnv, linearFromEnv, MAX_KEYS_TRIED } from "../sources/gather.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import { changedMatching } from "../checks/globs.js";
import { issueKeysFromMergeRequest } from "../work-item/issue-keys.js";
import { makeWorkItem } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";
import { flagRecordGlobsOf } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";
import { changedPathsOf, renderOptionsFor, rulesInForce, writeOutput } from "./output.js";

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
 * The team's rules as the MR's target branch has them, read through the GitLab API — so a merge request
 * cannot loosen the gate that judges it. Built-in rules come with bfd itself.
 */
async function rulesFromTargetBranch(
  ctx: CommandContext,
  gitlab: GitLabSource,
  pipeline: MergeRequestPipeline,
  targetBranch: string,
): Promise<{ set: RuleSet; files: string[] }> {
  const configs = await Promise.all(CONFIG_NAMES.map((name) => gitlab.readFile(pipeline.project, name, targetBranch)));
  const index = configs.findIndex((text) => text !== null);
  const configFile: SourceText | null =
    index === -1 ? null : { path: `${CONFIG_NAMES[index]!} (at ${targetBranch})`, text: configs[index]! };
  const ruleFileNames = configFile === null ? [] : listedRuleFiles(configFile.text);
  const texts = await Promise.all(
    ruleFileNames.map((name) => gitlab.readFile(pipeline.project, name.replace(/^\.\//, ""), targetBranch)),
  );
  const byName = new Map(ruleFileNames.map((name, i) => [name, texts[i] ?? null]));
  const set = loadRuleSet({
    builtinFiles: builtinRuleFiles(ctx.cwd, ctx.builtinDir),
    configFile,
    readRuleFile: (relative) => {
      const text = byName.get(relative) ?? null;
      return text === null ? null : { path: `${relative} (at ${targetBranch})`, text };
    },
  });
  return {
    set,
    files: [
      ...(configFile === null ? [] : [CONFIG_NAMES[index]!]),
      ...ruleFileNames.map((n) => n.replace(/^\.\//, "")),
    ],
  };
}

/** `ruleFiles:` of a config text, when it parses; a broken config is reported by the loader, not here. */
function listedRuleFiles(text: string): string[] {
  try {
    const parsed: unknown = parseYaml(text, { maxAliasCount: 100, logLevel: "error" });
    const list =
      parsed !== null && typeof parsed === "object" ? (parsed as { ruleFiles?: unknown }).ruleFiles : undefined;
    return Array.isArray(list)
      ? list.filter((f): f is string => typeof f === "string" && f !== "" && !f.includes(".."))
      : [];
  } catch {
    return [];
  }
}

/** `bfd ci`: the Done gate for the merge request of this GitLab MR pipeline, with reports and an optional sticky note. */
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
  const [gitlab, linear] = await Promise.all([gitlabFromEnv(ctx), linearFromEnv(ctx)]);
  const now = ctx.now().toISOString();

  const targetBranch = pipeline.targetBranch ?? (await gitlab.getProject(pipeline.project)).defaultBranch;

  // One wave: the rules (target branch), the MR evidence and — when the branch or title names it — the
  // Linear issue, all at once. Flag-record files are read once the rules say which paths are flag records.
  const rulesPromise =
    options.rulesFrom === "local"
      ? Promise.resolve({ set: loadLocalRules(ctx), files: [] as string[] })
      : rulesFromTargetBranch(ctx, gitlab, pipeline, targetBranch);
  const keyFromEnv =
    issueKeysFromMergeRequest({ sourceBranch: pipeline.sourceBranch, title: pipeline.title })[0] ?? null;
  const earlyIssue = keyFromEnv === null ? null : firstKnownIssue(linear, [keyFromEnv]);
  // The note needs the token's own user: ask now, alongside the rest, rather than after the report.
  const selfPromise = options.comment ? gitlab.currentUser() : null;
  const flagRecordGlobs = rulesPromise.then((rules) => flagRecordGlobsOf(rules.set.rules));
  const evidencePromise = gitlab.fetchMergeRequestEvidence(pipeline.project, pipeline.mrIid, { flagRecordGlobs });
  // Every promise of this wave stays observed: evidence may fail before it awaits the globs, and an unobserved
  // rejection would end the process with exit 1 (read as "not done") instead of the error's own exit code.
  for (const p of [earlyIssue, rulesPromise, flagRecordGlobs, evidencePromise, selfPromise]) p?.catch(() => undefined);
  const rules = await rulesPromise;
  const evidence = await evidencePromise;
  const mr = evidence.mergeRequest;
  // The early key may be a word that only looks like one: then the MR's other keys, in order.
  const otherKeys = issueKeysFromMergeRequest(mr).filter((key) => key !== keyFromEnv);
  const found = (earlyIssue === null ? null : await earlyIssue) ??
    (await firstKnownIssue(linear, otherKeys.slice(0, MAX_KEYS_TRIED))) ?? { issue: null, viewer: null };

  const notices: string[] = [];
  if (found.issue === null) {
    const tried = [...(keyFromEnv === null ? [] : [keyFromEnv]), ...otherKeys.slice(0, MAX_KEYS_TRIED)];
    const why = tried.length === 0 ? "" : ` (${tried.join(", ")} ${tried.length === 1 ? "is" : "are"} not in Linear)`;
    notices.push(
      `No Linear issue is named by ${mr.projectPath}!${mr.iid}${why}: name it in the branch, the title, or with "Closes ENG-123" in the description.`,
    );
  }
  const changedRuleFiles = changedMatching(mr.changes, [...CONFIG_NAMES, ...rules.files]).map((f) => f.newPath);
  if (changedRuleFiles.length > 0) {
    notices.push(
      `This merge request changes bfd rule files (${changedRuleFiles.join(", ")}); they were judged by the rules on ${targetBranch}, and take effect once merged.`,
    );
  }
  const item = makeWorkItem({
    schemaVersion: 1,
    now,
    branch: mr.sourceBranch,
    viewer: found.viewer,
    issue: found.issue,
    mergeRequest: mr,
    unavailable: evidence.unavailable,
    context: { mergeRequestLookup: null, ruleFilesChangedByMergeRequest: changedRuleFiles },
  });
  const report = evaluate(rules.set.rules, item, { gate: "done", notices });
  const renderOptions = {
    colorLevel: 0 as const,
    rerun: "bfd ci",
    rules: rulesInForce(ctx, rules.set),
    changedFiles: changedPathsOf(item),
  };
  for (const target of reports)
    writeOutput(ctx, (await loadReporter(target.format))(report, renderOptions), target.path);
  writeOutput(
    ctx,
    (await loadReporter(options.format))(report, { ...renderOptions, ...renderOptionsFor(ctx, options.output) }),
    options.output,
  );
  if (reports.length > 0) ctx.stderr(`bfd ci: wrote ${reports.map((r) => `${r.format} → ${r.path}`).join(", ")}\n`);

  if (options.comment) {
    try {
      const self = await selfPromise!;
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
