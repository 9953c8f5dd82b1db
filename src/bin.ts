#!/usr/bin/env node
/**
 * The process entry: the only module that reads `process` (argv, environment, working directory, stdout/stderr)
 * and the only one that sets the exit code. Everything else gets the world as data from src/cli.ts.
 */
import * as nodeModule from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main, type CliStream } from "./cli.js";

// Node ≥ 22.1 caches compiled code between runs (a large part of start-up); a no-op on Node 20.
(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();

function streamOf(stream: NodeJS.WriteStream): CliStream {
  return {
    write: (text) => void stream.write(text),
    onError: (listener) => void stream.on("error", listener),
    isTTY: stream.isTTY === true,
    columns: () => stream.columns,
  };
}

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  stdout: streamOf(process.stdout),
  stderr: streamOf(process.stderr),
  platform: process.platform,
  now: () => new Date(),
  // rules/ next to dist/ (built) or next to src/ (tests).
  builtinDir: join(dirname(fileURLToPath(import.meta.url)), "..", "rules"),
  enableSourceMaps: () => process.setSourceMapsEnabled(true),
});
