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

async function main(argv: string[]): Promise<ExitCode> {
  // Fast path: `bfd --version` answers before any module beyond this file is loaded.
  if (argv.length === 3 && (argv[2] === "--version" || argv[2] === "-V")) {
    process.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  const debug = argv.includes("--debug");
  if (debug) process.setSourceMapsEnabled(true);
  const secrets = [process.env.LINEAR_API_KEY, process.env.GITLAB_TOKEN, process.env.CI_JOB_TOKEN];
  const { redact } = await import("./redact.js");
  const stderr = (text: string): void => {
    process.stderr.write(redact(text, secrets));
  };
  try {
    const { buildProgram } = await import("./program.js");
    const { networkPolicy } = await import("./network-options.js");
    const context = (
      noColor: boolean,
      configOption: string | undefined,
      network: { timeout: string | undefined; deadline: string | undefined },
    ): CommandContext => ({
      cwd: process.cwd(),
      env: process.env,
      stdout: (text) => process.stdout.write(redact(text, secrets)),
      stderr,
      colorLevel: colorLevelFrom(process.env, process.stdout.isTTY === true, noColor),
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
    });
    return await buildProgram(VERSION, context).run(argv);
  } catch (error) {
    const { renderError } = await import("./render-error.js");
    const rendered = renderError(error, {
      debug,
      color: colorLevelFrom(process.env, process.stderr.isTTY === true, argv.includes("--no-color")) > 0,
    });
    stderr(rendered.text);
    return rendered.code;
  }
}

process.exitCode = await main(process.argv);
