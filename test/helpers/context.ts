import { join } from "node:path";
import type { CommandContext } from "../../src/commands/context.js";
import { createRedactor } from "../../src/redact.js";
import { DEFAULT_RETRY_POLICY } from "../../src/sources/retry-policy.js";
import { ROOT } from "./cli.js";

/** A command context with no network, no terminal and a fixed clock; what the command prints is captured. */
export function captureContext(overrides: Partial<CommandContext> = {}): {
  ctx: CommandContext;
  stdout: () => string;
  stderr: () => string;
} {
  let out = "";
  let err = "";
  const ctx: CommandContext = {
    cwd: ROOT,
    env: {},
    stdout: (text) => (out += text),
    stderr: (text) => (err += text),
    redact: createRedactor([]),
    colorLevel: 0,
    hyperlinks: false,
    columns: undefined,
    debug: false,
    builtinDir: join(ROOT, "rules"),
    configOption: undefined,
    now: () => new Date("2026-11-20T10:00:00Z"),
    startedAt: Date.parse("2026-11-20T10:00:00Z"),
    policy: DEFAULT_RETRY_POLICY,
    onRequest: undefined,
    progress: () => ({ onRequest: () => undefined, stop: () => undefined }),
    ...overrides,
  };
  return { ctx, stdout: () => out, stderr: () => err };
}
