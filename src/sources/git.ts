import { execFile } from "node:child_process";

/** Runs git in `cwd`; null when git is missing, this is not a repository, or the command fails. */
function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, timeout: 5_000, windowsHide: true }, (error, stdout) => {
      resolve(error === null ? stdout.trim() : null);
    });
  });
}

/** The checked-out branch; null when detached, outside a repository, or git is not installed. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const branch = await git(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return branch === null || branch === "" ? null : branch;
}

export async function originUrl(cwd: string): Promise<string | null> {
  const url = await git(cwd, ["remote", "get-url", "origin"]);
  return url === null || url === "" ? null : url;
}
