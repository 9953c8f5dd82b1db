/**
 * `bfd audit` and `bfd staging` show a progress line on stderr while they read — only for a person at a terminal:
 * never in a pipe or a CI log, never with --format json, never with --debug. `script` gives the CLI a real
 * terminal (a pty); it is part of util-linux, and the test follows BFD_REQUIRE_SYSTEM_TOOLS when it is missing.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addIssue, emptyWorld, FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { BIN, ROOT, runCli } from "../helpers/cli.js";
import { needTool } from "../helpers/system-tools.js";

let linear: FakeLinear;

beforeAll(async () => {
  const world = emptyWorld();
  for (let n = 1; n <= 120; n += 1)
    addIssue(world, { identifier: `ENG-${n}`, title: `Item ${n}`, stateName: "Ready", stateType: "unstarted" });
  linear = await startFakeLinear(world);
});
afterAll(async () => linear.close());

const env = (): Record<string, string> => ({ LINEAR_API_KEY: FAKE_LINEAR_API_KEY, LINEAR_API_URL: linear.url });
const PROGRESS = /bfd audit: (starting|reading Linear)… \d+ requests?, \d+\.\d s/;

/** Runs bfd under `script`, so stdout and stderr are a terminal; returns what the terminal received. */
function inTerminal(args: string[]): Promise<string> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a}'`).join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: "/tmp", TERM: "xterm", NO_COLOR: "1", ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
}

describe("the progress line", () => {
  it("is drawn on a terminal and erased before the table", async ({ skip }) => {
    needTool("script", ["-qec", "true", "/dev/null"], skip);
    const screen = await inTerminal(["audit", "--team", "ENG", "--limit", "120"]);
    expect(screen).toMatch(PROGRESS);
    // Each drawing starts by erasing the line; the table comes after the last erase.
    const lastErase = screen.lastIndexOf("\r\u001b[2K");
    expect(lastErase).toBeGreaterThan(-1);
    expect(screen.slice(lastErase)).not.toMatch(PROGRESS);
    expect(screen.slice(lastErase)).toContain("bfd audit · ready gate · team ENG");
  });

  it.for([
    ["--format json", ["audit", "--team", "ENG", "--format", "json"]],
    ["--debug", ["--debug", "audit", "--team", "ENG"]],
  ] as const)("is not drawn with %s, even on a terminal", async ([, args], { skip }) => {
    needTool("script", ["-qec", "true", "/dev/null"], skip);
    const screen = await inTerminal([...args]);
    expect(screen).not.toMatch(PROGRESS);
    expect(screen).not.toContain("\u001b[2K");
  });

  it("is never written when stderr is not a terminal", async () => {
    const result = await runCli(["audit", "--team", "ENG", "--limit", "120"], { env: env() });
    expect(result.stdout).toContain("bfd audit · ready gate · team ENG");
    expect(result.stderr).not.toMatch(PROGRESS);
    expect(result.stderr).not.toContain("\u001b");
  });
});
