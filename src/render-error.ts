import { isBfdError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { stripTerminalControls } from "./reporters/sanitize.js";

/**
 * Renders any thrown value as the user sees it: `bfd: <message>` on one line, details and a hint under it.
 * Known errors never show a stack; unknown ones are bugs, shown with a request to report them (stack only
 * with --debug). The working directory is scrubbed from internal errors so reports carry no local paths.
 */
export function renderError(
  error: unknown,
  options: { debug: boolean; color: boolean; cwd: string },
): { text: string; code: ExitCode } {
  const red = (s: string): string => (options.color ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string): string => (options.color ? `\u001b[2m${s}\u001b[22m` : s);
  // The contract is one line per message and per detail; a line break that slipped into one must not break it.
  // Messages quote Linear, GitLab and rule files: escape sequences in them are stripped, not sent to the terminal.
  const oneLine = (s: string): string => stripTerminalControls(s.replace(/\s*[\r\n\u2028\u2029]+\s*/g, " "));
  if (isBfdError(error)) {
    const lines = [`${red("bfd:")} ${oneLine(error.message)}`];
    for (const detail of error.details) lines.push(`  ${oneLine(detail)}`);
    if (error.hint !== undefined) lines.push(dim(`  hint: ${oneLine(error.hint)}`));
    if (options.debug && error.stack !== undefined) lines.push(dim(error.stack));
    return { text: `${lines.join("\n")}\n`, code: error.kind === "upstream" ? ExitCode.upstream : ExitCode.usage };
  }
  const message = error instanceof Error ? error.message : String(error);
  const scrub = (s: string): string => s.split(options.cwd).join(".");
  const lines = [
    `${red("bfd: internal error:")} ${scrub(oneLine(message))}`,
    dim("  This is a bug in bfd. Please report it with the command you ran and the output of --debug."),
  ];
  if (options.debug && error instanceof Error && error.stack !== undefined) lines.push(dim(scrub(error.stack)));
  return { text: `${lines.join("\n")}\n`, code: ExitCode.usage };
}
