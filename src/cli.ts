/**
 * The composition root: `main(args, io)` runs one bfd command against the outside world it is handed — the
 * environment, the working directory, stdout/stderr and what they are (terminal or not), the platform and the clock —
 * and returns the exit code: 0 gate passed · 1 a gate failed · 2 usage, config or input error · 3 Linear or GitLab
 * could not be used. It hands the world to commands as data and renders every error in one place. src/bin.ts builds
 * the world from `process` (and is the only place that sets the process's exit code); tests run main in-process.
 */
import type { CommandContext } from "./commands/context.js";
import { ExitCode } from "./exit-codes.js";

declare const __BFD_VERSION__: string | undefined;
export const VERSION = typeof __BFD_VERSION__ === "string" ? __BFD_VERSION__ : "0.0.0-dev";

/** stdout or stderr as main() sees it. */
export interface CliStream {
  write(text: string): void;
  /** A failed write (EPIPE when the reader went away) is reported here, like a stream's 'error' event. */
  onError(listener: (error: NodeJS.ErrnoException) => void): void;
  readonly isTTY: boolean;
  /** The terminal's width now; 0 or undefined when unknown. */
  columns(): number | undefined;
}

/** Everything main() takes from the outside world. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: CliStream;
  stderr: CliStream;
  platform: string;
  now: () => Date;
  /** The folder with bfd's built-in rules (rules/ready.yaml, rules/done.yaml). */
  builtinDir: string;
  /** --debug: source-mapped stack traces, from here on. */
  enableSourceMaps: () => void;
  /** Asks a question on the terminal; absent when stdin is not one (nothing may wait for an answer then). */
  ask?: ((question: string) => Promise<string>) | undefined;
}

function colorLevelFrom(env: CliIo["env"], isTTY: boolean, noColorFlag: boolean): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === "0" || force === "false") return 0;
    if (force === "2") return 2;
    if (force === "3") return 3;
    return 1;
  }
  return isTTY && env.TERM !== "dumb" ? 1 : 0;
}

/**
 * A reader that goes away (`bfd … | head -1`) closes the pipe: the next write fails with EPIPE. Like any Unix
 * filter, bfd then stops writing — quietly, no stack — and still finishes its work, so the exit code is the
 * command's own (0, or 1 for a failed gate under `set -o pipefail`). Any other write error is reported once.
 */
function guardStream(stream: CliStream, name: string, onFailure: (why: string) => void): () => boolean {
  let open = true;
  stream.onError((error) => {
    if (!open) return;
    open = false;
    if (error.code !== "EPIPE") onFailure(`bfd: cannot write to ${name} (${error.code ?? error.message})\n`);
  });
  return () => open;
}

/** Runs `bfd <args…>`; `args` are the command-line arguments after the program's name. */
export async function main(args: readonly string[], io: CliIo): Promise<ExitCode> {
  const { env } = io;
  let writeFailed = false;
  const stderrOpen = guardStream(io.stderr, "stderr", () => (writeFailed = true));
  const stdoutOpen = guardStream(io.stdout, "stdout", (line) => {
    writeFailed = true;
    if (stderrOpen()) io.stderr.write(line);
  });
  // Fast path: `bfd --version` answers before any module beyond this file is loaded.
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    if (stdoutOpen()) io.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const debug = args.includes("--debug");
  if (debug) io.enableSourceMaps();
  const [{ createRedactor }, { stripTerminalControls }, { hyperlinksSupported }, { createStatusLine }] =
    await Promise.all([
      import("./redact.js"),
      import("./reporters/sanitize.js"),
      import("./reporters/terminal.js"),
      import("./reporters/progress.js"),
    ]);
  const redact = createRedactor([env.LINEAR_API_KEY, env.GITLAB_TOKEN, env.CI_JOB_TOKEN]);
  const status = createStatusLine({
    write: (text) => {
      if (stderrOpen()) io.stderr.write(text);
    },
    // A terminal person watching, and no --debug trail sharing the line.
    enabled: io.stderr.isTTY && env.TERM !== "dumb" && !debug,
    columns: () => {
      const columns = io.stderr.columns() ?? 0;
      return columns > 0 ? columns : 80;
    },
    now: () => performance.now(),
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
  });
  // Commands never colour stderr, so everything they write there is stripped of escape sequences: a warning
  // that quotes a Linear state name cannot move the cursor or retitle the terminal.
  const stderr = (text: string): void => status.write(redact(stripTerminalControls(text, { keepNewlines: true })));
  const stdoutTTY = io.stdout.isTTY;
  try {
    const { buildProgram } = await import("./program.js");
    const { networkPolicy } = await import("./network-options.js");
    const context = (
      noColor: boolean,
      configOption: string | undefined,
      network: { timeout: string | undefined; deadline: string | undefined },
    ): CommandContext => {
      const colorLevel = colorLevelFrom(env, stdoutTTY, noColor);
      const columns = io.stdout.columns() ?? 0;
      return {
        cwd: io.cwd,
        env,
        stdout: (text) => {
          if (stdoutOpen()) io.stdout.write(redact(text));
        },
        stderr,
        redact,
        colorLevel,
        hyperlinks: hyperlinksSupported(env, { isTTY: stdoutTTY, colorLevel, platform: io.platform }),
        columns: stdoutTTY && columns > 0 ? columns : undefined,
        debug,
        builtinDir: io.builtinDir,
        configOption,
        now: io.now,
        startedAt: io.now().getTime(),
        policy: networkPolicy(network.timeout ?? env.BFD_TIMEOUT, network.deadline ?? env.BFD_DEADLINE),
        onRequest: debug
          ? (r) =>
              stderr(
                `debug: ${r.service} ${r.method} ${r.url} → ${r.status} in ${r.ms} ms${r.attempt > 1 ? ` (attempt ${r.attempt})` : ""}\n`,
              )
          : undefined,
        progress: (command) => status.start(command),
        ask: io.ask,
      };
    };
    // `--help` goes to main()'s stdout like any output (a closed stdout stops it quietly), at the terminal's width.
    const help = {
      write: (text: string): void => {
        if (stdoutOpen()) io.stdout.write(text);
      },
      // Commander wraps at 80 without a terminal, as it does by default.
      width: (): number => {
        const columns = stdoutTTY ? (io.stdout.columns() ?? 0) : 0;
        return columns > 0 ? columns : 80;
      },
    };
    const code = await buildProgram(VERSION, context, help).run(["node", "bfd", ...args]);
    status.stopAll();
    return writeFailed && code === ExitCode.ok ? ExitCode.usage : code;
  } catch (error) {
    status.stopAll();
    const { renderError } = await import("./render-error.js");
    const rendered = renderError(error, {
      debug,
      color: colorLevelFrom(env, io.stderr.isTTY, args.includes("--no-color")) > 0,
      cwd: io.cwd,
    });
    // renderError strips what it quotes and adds its own colour, so its text is only redacted.
    status.write(redact(rendered.text));
    return rendered.code;
  }
}
