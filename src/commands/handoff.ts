import { evaluate } from "../engine/evaluate.js";
import { ExitCode } from "../exit-codes.js";
import { usageError } from "../errors.js";
import { composeHandoff, type HandoffResult, type HandoffState } from "../handoff/compose.js";
import { ownComment } from "../app/issue-comment.js";
import { HANDOFF_MARKER, linearCommentBody } from "../reporters/bodies.js";
import { stripTerminalControls as t } from "../reporters/sanitize.js";
import { loadHandoffReporter, type HandoffFormat } from "../reporters/handoff/index.js";
import { handoffWarningLine } from "../reporters/handoff/warning.js";
import { linearFromEnv } from "../sources/env.js";
import { sourceSetup } from "./sources.js";
import type { CommandContext } from "./context.js";
import { workItemFor } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";
import { waiverPolicy, type HandoffRole } from "../rules/schema.js";
import { renderOptionsFor, writeOutput } from "./output.js";

export interface HandoffOptions {
  issue: string | undefined;
  mr: string | undefined;
  snapshot: string | undefined;
  state: HandoffState;
  post: boolean;
  format: HandoffFormat;
  output: string | undefined;
}

/**
 * `bfd handoff`: runs the Done gate and writes the handoff note. The note is the product here, so the exit
 * code is 0 whenever it was written (a handoff to "blocked" is a good handoff); gaps are in the note.
 */
export async function runHandoff(ctx: CommandContext, options: HandoffOptions): Promise<ExitCode> {
  const rules = loadLocalRules(ctx);
  const item = await workItemFor(ctx, rules, {
    gate: "done",
    issue: options.issue,
    mr: options.mr,
    snapshot: options.snapshot,
    command: `bfd handoff --state ${options.state}`,
  });
  const report = evaluate(rules.rules, item, {
    gate: "done",
    waivers: waiverPolicy(rules.config),
    evidence: rules.evidence,
  });
  // The sections the note quotes are the ones the rules read, as the rule files mark them (`handoff: criteria`,
  // `handoff: tested`): one source for the headings, and no rule named here.
  const headingsFor = (role: HandoffRole): string[] => [
    ...new Set(
      rules.rules
        .filter((r) => r.handoff === role)
        .flatMap((r) => (r.options as { headings?: string[] } | null)?.headings ?? []),
    ),
  ];
  const note = composeHandoff(options.state, report, item, {
    acceptanceHeadings: headingsFor("criteria"),
    testedHeadings: headingsFor("tested"),
  });
  const warning = handoffWarningLine(note);
  if (warning !== null) ctx.stderr(warning);
  const result: HandoffResult = { note, report, comment: null };
  if (options.post) {
    if (item.issue === null || item.issue.id === "") {
      throw usageError(
        "no-issue",
        "cannot post the handoff: the issue is not known",
        "Name the issue: bfd handoff ENG-123 --state in-review --post",
      );
    }
    const linear = await linearFromEnv(sourceSetup(ctx));
    const body = await linearCommentBody(result, ctx.redact);
    // One handoff comment per issue: the one bfd posted before (its marker, the key's own user) is updated in place.
    const own = ownComment(await linear.listComments(item.issue.id), HANDOFF_MARKER, item.viewer?.id ?? null);
    result.comment =
      own === null ? await linear.createComment(item.issue.id, body) : await linear.updateComment(own.id, body);
    ctx.stderr(
      `bfd handoff: ${own === null ? "posted" : "updated"} the handoff note as a comment on ${t(item.issue.identifier)}: ${t(result.comment.url)}\n`,
    );
  }
  const render = await loadHandoffReporter(options.format);
  writeOutput(ctx, render(result, renderOptionsFor(ctx, options.output)), options.output);
  return ExitCode.ok;
}
