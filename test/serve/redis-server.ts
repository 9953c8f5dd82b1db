/**
 * A real redis-server for the Redis-mode tests (Debian package `redis-server`; .ci/run installs it), on a free
 * loopback port, stopped after. Without the binary the tests skip, saying how to install it — unless
 * BFD_REQUIRE_SYSTEM_TOOLS=1 (CI), where a missing tool is a failure, not a skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { tempDir } from "../helpers/cli.js";

export const REDIS_AVAILABLE = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
export const REDIS_SKIP_REASON =
  "redis-server is not installed: apt-get install -y redis-server (set BFD_REQUIRE_SYSTEM_TOOLS=1 to fail instead)";

export function requireRedisOrSkip(): boolean {
  if (REDIS_AVAILABLE) return true;
  if (process.env.BFD_REQUIRE_SYSTEM_TOOLS === "1") throw new Error(REDIS_SKIP_REASON);
  console.warn(`skipping Redis-mode tests: ${REDIS_SKIP_REASON}`);
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  stop: () => Promise<void>;
}

/** `port` and `dir` again (with appendOnly) restart a stopped server where it was, with its data. */
export async function startRedis(
  options: { appendOnly?: boolean; dir?: string; port?: number } = {},
): Promise<RedisServer> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? tempDir("bfd-redis-");
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      options.appendOnly ? "yes" : "no",
      "--dir",
      dir,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start in 10 s")), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
