import { printable } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import { jsonText } from "../reporters/json.js";
import type { Gate } from "../rules/schema.js";
import type { CommandContext } from "./context.js";
import { workItemFor } from "./gate.js";
import { loadLocalRules } from "./load-rules.js";
import { isStdout, writeOutput } from "./output.js";

/** `bfd snapshot`: the WorkItem exactly as the gates would see it, for `--snapshot` replays and bug reports. */
export async function runSnapshot(
  ctx: CommandContext,
  options: { issue: string | undefined; mr: string | undefined; gate: Gate; output: string | undefined },
): Promise<ExitCode> {
  const rules = loadLocalRules(ctx);
  const item = await workItemFor(ctx, rules, {
    gate: options.gate,
    issue: options.issue,
    mr: options.mr,
    command: `bfd snapshot --gate ${options.gate}`,
  });
  writeOutput(ctx, jsonText(item), options.output);
  if (!isStdout(options.output)) {
    const file = printable(options.output!);
    ctx.stderr(`bfd snapshot: wrote ${file} (replay with: bfd ${options.gate} --snapshot ${file})\n`);
  }
  return ExitCode.ok;
}
