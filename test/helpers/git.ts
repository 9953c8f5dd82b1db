import { execFileSync } from "node:child_process";
import { tempDir } from "./cli.js";

/** A throwaway git checkout on `branch`, optionally with an `origin` remote, for branch-dependent runs. */
export function gitCheckout(branch: string, origin?: string): string {
  const dir = tempDir("bfd-git-");
  const git = (...args: string[]): void => {
    execFileSync("git", args, { cwd: dir, stdio: "ignore", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } });
  };
  git("init", "-q", "-b", branch);
  if (origin !== undefined) git("remote", "add", "origin", origin);
  return dir;
}
