/**
 * The process side of the built CLI: the only module that reads `process` (environment, working directory,
 * stdout/stderr) for main(). dist/bfd.js (src/launch/) loads the bundle and calls runProcess, then sets the exit
 * code; everything else gets the world as data from src/cli.ts.
 */
import { main, type CliStream } from "./cli.js";
import type { ExitCode } from "./exit-codes.js";

function streamOf(stream: NodeJS.WriteStream): CliStream {
  return {
    write: (text) => void stream.write(text),
    onError: (listener) => void stream.on("error", listener),
    isTTY: stream.isTTY === true,
    columns: () => stream.columns,
  };
}

/** One question on the terminal (stderr, so stdout stays the command's output). */
async function ask(question: string): Promise<string> {
  const { createInterface } = await import("node:readline/promises");
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** Runs `bfd <args…>` in this process; `builtinDir` is the folder of the built-in rules (rules/ next to dist/). */
export function runProcess(args: string[], builtinDir: string): Promise<ExitCode> {
  return main(args, {
    env: process.env,
    cwd: process.cwd(),
    stdout: streamOf(process.stdout),
    stderr: streamOf(process.stderr),
    platform: process.platform,
    now: () => new Date(),
    builtinDir,
    enableSourceMaps: () => process.setSourceMapsEnabled(true),
    ask: process.stdin.isTTY === true ? ask : undefined,
  });
}
