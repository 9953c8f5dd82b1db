import { evaluate } from "../engine/evaluate.js";
import { ExitCode } from "../exit-codes.js";
import { usageError } from "../errors.js";
import { composeHandoff, type HandoffResult, type HandoffState } from "../handoff/compose.js";
import { linearCommentBody } from "../reporters/bodies.js";
import { stripTerminalControls as t } from "../reporters/sanitize.js";
import { loadHandoffReporter, type HandoffFormat } from "../reporters/handoff/index.js";
import { handoffWarningLine } from "../reporters/handoff/warning.js";
import { linearFromEnv } from "../sources/gather.js";
import type { CommandContext } from "./context.js";
import { workItemFor } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";
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

const DEFAULT_AC = ["Acceptance criteria", "Acceptance criterion", "AC", "Completion rules", "Definition of done"];
const DEFAULT_TESTED = ["How tested", "How was this tested", "How it was tested", "Validation", "Testing", "Test plan"];

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
  });
  const report = evaluate(rules.rules, item, { gate: "done" });
  const headingsOf = (id: string, fallback: string[]): string[] => {
    const rule = rules.rules.find((r) => r.gate === "done" && r.id === id);
    const headings = (rule?.options as { headings?: string[] } | undefined)?.headings;
    return headings ?? fallback;
  };
  const note = composeHandoff(options.state, report, item, {
    acceptanceHeadings: headingsOf("acceptance-criteria-met", DEFAULT_AC),
    testedHeadings: headingsOf("validation-explained", DEFAULT_TESTED),
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
    const linear = await linearFromEnv(ctx);
    result.comment = await linear.createComment(item.issue.id, await linearCommentBody(result, ctx.redact));
    ctx.stderr(
      `bfd handoff: posted the handoff note as a comment on ${t(item.issue.identifier)}: ${t(result.comment.url)}\n`,
    );
  }
  const render = await loadHandoffReporter(options.format);
  writeOutput(ctx, render(result, renderOptionsFor(ctx, options.output)), options.output);
  return ExitCode.ok;
}
