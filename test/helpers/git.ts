import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

/**
 * A checkout with two commits, as a CI job sees a merge request: `base` (the MR's diff base) holding `before`, and
 * HEAD holding `after` (null deletes). Returns the folder and both shas.
 */
export function gitChange(
  before: Record<string, string>,
  after: Record<string, string | null>,
): { dir: string; base: string; head: string } {
  const dir = tempDir("bfd-change-");
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "t",
    GIT_AUTHOR_EMAIL: "t@example.com",
    GIT_COMMITTER_NAME: "t",
    GIT_COMMITTER_EMAIL: "t@example.com",
  };
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" }).trim();
  const write = (files: Record<string, string | null>): void => {
    for (const [path, content] of Object.entries(files)) {
      const full = join(dir, path);
      if (content === null) rmSync(full);
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
  };
  git("init", "-q", "-b", "main");
  write(before);
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "base");
  const base = git("rev-parse", "HEAD");
  write(after);
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "change");
  return { dir, base, head: git("rev-parse", "HEAD") };
}
