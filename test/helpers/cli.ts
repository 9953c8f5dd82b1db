import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTracked } from "./quiescence.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = join(ROOT, "dist", "bfd.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** The environment a test run gets: minimal and explicit, so nothing leaks in from the machine. */
function cliEnv(options: CliOptions): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NO_COLOR: "1",
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

const timeoutError = (args: string[], ms: number, stdout: string, stderr: string): Error =>
  new Error(`bfd ${args.join(" ")} did not finish in ${ms} ms\nstdout: ${stdout}\nstderr: ${stderr}`);

/**
 * Runs the built CLI as a user would, asynchronously (the loopback fakes live in this process and must keep
 * serving while the CLI runs). The environment is minimal and explicit: nothing leaks in from the machine.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  // A debugging aid: BFD_TEST_CLI=in-process runs every runCli in-process, to find the tests that need a process.
  return process.env.BFD_TEST_CLI === "in-process" ? runCliInProcess(args, options) : runCliProcess(args, options);
}

/** `runCli` that is always the built CLI in a process of its own (BFD_TEST_CLI does not change it). */
export function runCliProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cliEnv(options),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(timeoutError(args, options.timeoutMs ?? 20_000, stdout, stderr));
    }, options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs to hand to the real process: the long-lived commands that own stdin or signals. Help and the version are
 * written to main()'s stdout like every other output, so they run in-process too (built-cli.test.ts compares them
 * with the built CLI's, byte for byte).
 */
function needsProcess(args: readonly string[]): boolean {
  const command = args.find((a) => !a.startsWith("-"));
  return command === "mcp" || command === "serve";
}

/**
 * The same run as `runCli`, in this process: `main()` of src/cli.ts with the same minimal environment, the same
 * working directory and non-terminal stdout/stderr captured as text — what a spawned CLI would print and exit with,
 * without paying ≈ 0.3 s of CPU to load the bundle. A drop-in for `runCli` wherever the process boundary is not
 * what the test is about (pipes, TTYs, signals, the built bundle itself: keep those on `runCli`). Runs that only a
 * process can answer (`mcp`, `serve`) go to `runCli`.
 * A run may not be cancelled: on timeout the promise rejects and the run finishes in the background.
 */
export async function runCliInProcess(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (needsProcess(args)) return runCliProcess(args, options);
  const { main } = await import("../../src/cli.js");
  let stdout = "";
  let stderr = "";
  const stream = (append: (text: string) => void) => ({
    write: append,
    onError: () => undefined,
    isTTY: false,
    columns: () => undefined,
  });
  const ms = options.timeoutMs ?? 20_000;
  const tooLate = (): Error => timeoutError(args, ms, stdout, stderr);
  const run = runTracked(
    () =>
      main(args, {
        env: cliEnv(options),
        cwd: options.cwd ?? ROOT,
        stdout: stream((text) => (stdout += text)),
        stderr: stream((text) => (stderr += text)),
        platform: process.platform,
        now: () => new Date(),
        builtinDir: join(ROOT, "rules"),
        enableSourceMaps: () => undefined,
      }),
    Date.now() + ms,
    tooLate,
  );
  run.catch(() => undefined); // past the timeout below, its late rejection is no news
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(tooLate()), ms);
  });
  try {
    const code = await Promise.race([run, timeout]);
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export function tempDir(prefix = "bfd-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
