/** The built CLI's `bfd serve` as a child process, as a container would run it. */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAKE_TOKEN } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { BIN, tempDir } from "../helpers/cli.js";
import { GITLAB_TOKEN_SECRET, LINEAR_SECRET, type World } from "./harness.js";

export interface ServeChild {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

export function serveConfigDir(config: string): string {
  const dir = tempDir("bfd-serve-");
  writeFileSync(join(dir, "bfd.config.yaml"), config);
  return dir;
}

export function serveEnv(world: World, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    NO_COLOR: "1",
    LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
    LINEAR_API_URL: world.linear.url,
    GITLAB_TOKEN: FAKE_TOKEN,
    GITLAB_URL: world.gitlab.url,
    BFD_LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
    BFD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN_SECRET,
    PORT: "0",
    ...extra,
  };
}

/** Starts `bfd serve` and resolves once it logs the address it listens on. */
export async function startServeChild(cwd: string, env: Record<string, string>): Promise<ServeChild> {
  const child = spawn(process.execPath, [BIN, "serve", "--host", "127.0.0.1"], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bfd serve did not start:\n${out}`)), 15_000);
    const look = (): void => {
      const match = /listening on (http:\/\/[^ "]+)/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", look);
    void exited.then(() => reject(new Error(`bfd serve exited before listening:\n${out}`)));
  });
  return { child, url, output: () => out, exited };
}
