#!/usr/bin/env node
/**
 * The composition root and the only place that sets the process's exit code:
 * 0 gate passed · 1 a gate failed · 2 usage, config or input error · 3 Linear or GitLab could not be used.
 * It reads the environment once, hands it to commands as data, and renders every error in one place.
 */
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CommandContext } from "./commands/context.js";
import { ExitCode } from "./exit-codes.js";

declare const __BFD_VERSION__: string | undefined;
const VERSION = typeof __BFD_VERSION__ === "string" ? __BFD_VERSION__ : "0.0.0-dev";

function colorLevelFrom(env: NodeJS.ProcessEnv, isTTY: boolean, noColorFlag: boolean): 0 | 1 | 2 | 3 {
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

/** The folder with bfd's built-in rules: `rules/` next to `dist/` (built) or next to `src/` (tests). */
function builtinRulesDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), "..", "rules");
}

// Node ≥ 22.1 caches compiled code between runs (a large part of start-up); a no-op on Node 20.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

/**
 * A reader that goes away (`bfd … | head -1`) closes the pipe: the next write fails with EPIPE. Like any Unix
 * filter, bfd then stops writing — quietly, no stack — and still finishes its work, so the exit code is the
 * command's own (0, or 1 for a failed gate under `set -o pipefail`). Any other write error is reported once.
 */
function guardStream(stream: NodeJS.WriteStream, name: string, onFailure: (why: string) => void): () => boolean {
  let open = true;
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (!open) return;
    open = false;
    if (error.code !== "EPIPE") onFailure(`bfd: cannot write to ${name} (${error.code ?? error.message})\n`);
  });
  return () => open;
}

async function main(argv: string[]): Promise<ExitCode> {
  let writeFailed = false;
  const stderrOpen = guardStream(process.stderr, "stderr", () => (writeFailed = true));
  const stdoutOpen = guardStream(process.stdout, "stdout", (line) => {
    writeFailed = true;
    if (stderrOpen()) process.stderr.write(line);
  });
  // Fast path: `bfd --version` answers before any module beyond this file is loaded.
  if (argv.length === 3 && (argv[2] === "--version" || argv[2] === "-V")) {
    if (stdoutOpen()) process.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const debug = argv.includes("--debug");
  if (debug) process.setSourceMapsEnabled(true);
  const [{ createRedactor }, { stripTerminalControls }, { hyperlinksSupported }, { createStatusLine }] =
    await Promise.all([
      import("./redact.js"),
      import("./reporters/sanitize.js"),
      import("./reporters/terminal.js"),
      import("./reporters/progress.js"),
    ]);
  const redact = createRedactor([process.env.LINEAR_API_KEY, process.env.GITLAB_TOKEN, process.env.CI_JOB_TOKEN]);
  const status = createStatusLine({
    write: (text) => {
      if (stderrOpen()) process.stderr.write(text);
    },
    // A terminal person watching, and no --debug trail sharing the line.
    enabled: process.stderr.isTTY === true && process.env.TERM !== "dumb" && !debug,
    columns: () => (process.stderr.columns > 0 ? process.stderr.columns : 80),
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
  const stdoutTTY = process.stdout.isTTY === true;
  try {
    const { buildProgram } = await import("./program.js");
    const { networkPolicy } = await import("./network-options.js");
    const context = (
      noColor: boolean,
      configOption: string | undefined,
      network: { timeout: string | undefined; deadline: string | undefined },
    ): CommandContext => {
      const colorLevel = colorLevelFrom(process.env, stdoutTTY, noColor);
      return {
        cwd: process.cwd(),
        env: process.env,
        stdout: (text) => {
          if (stdoutOpen()) process.stdout.write(redact(text));
        },
        stderr,
        redact,
        colorLevel,
        hyperlinks: hyperlinksSupported(process.env, { isTTY: stdoutTTY, colorLevel, platform: process.platform }),
        columns: stdoutTTY && process.stdout.columns > 0 ? process.stdout.columns : undefined,
        debug,
        builtinDir: builtinRulesDir(),
        configOption,
        now: () => new Date(),
        startedAt: Date.now(),
        policy: networkPolicy(network.timeout ?? process.env.BFD_TIMEOUT, network.deadline ?? process.env.BFD_DEADLINE),
        onRequest: debug
          ? (r) =>
              stderr(
                `debug: ${r.service} ${r.method} ${r.url} → ${r.status} in ${r.ms} ms${r.attempt > 1 ? ` (attempt ${r.attempt})` : ""}\n`,
              )
          : undefined,
        progress: (command) => status.start(command),
      };
    };
    const code = await buildProgram(VERSION, context).run(argv);
    status.stopAll();
    return writeFailed && code === ExitCode.ok ? ExitCode.usage : code;
  } catch (error) {
    status.stopAll();
    const { renderError } = await import("./render-error.js");
    const rendered = renderError(error, {
      debug,
      color: colorLevelFrom(process.env, process.stderr.isTTY === true, argv.includes("--no-color")) > 0,
    });
    // renderError strips what it quotes and adds its own colour, so its text is only redacted.
    status.write(redact(rendered.text));
    return rendered.code;
  }
}

process.exitCode = await main(process.argv);
