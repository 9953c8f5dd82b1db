import { addedLinesByFile } from "../work-item/introduced-names.js";
import type { AddedLine, ChangedFile } from "../work-item/schema.js";

/** One git run's outcome, stderr kept so a refused write can say why. */
interface GitRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/**
 * Runs git in `cwd`. node:child_process is loaded on first use: a snapshot gate runs no git, and loading it costs
 * start-up time.
 */
async function runGit(cwd: string, args: string[], options: { timeoutMs?: number } = {}): Promise<GitRun> {
  const { execFile } = await import("node:child_process");
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      // A change of 50,000 files lists a few MB of names.
      { cwd, timeout: options.timeoutMs ?? 5_000, windowsHide: true, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ ok: error === null, stdout, stderr });
      },
    );
  });
}

/** git's stdout; null when git is missing, this is not a repository, or the command fails. */
async function git(cwd: string, args: string[], options: { timeoutMs?: number } = {}): Promise<string | null> {
  const run = await runGit(cwd, args, options);
  return run.ok ? run.stdout : null;
}

/** The checked-out branch; null when detached, outside a repository, or git is not installed. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const branch = (await git(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]))?.trim();
  return branch === undefined || branch === "" ? null : branch;
}

/**
 * The paths `git status` shows as changed or untracked (ignored files are not): what a branch switch would carry
 * over. Null outside a git checkout.
 */
export async function uncommittedPaths(cwd: string): Promise<string[] | null> {
  const out = await git(cwd, ["status", "--porcelain=v1", "-z", "--untracked-files=normal"]);
  if (out === null) return null;
  // "XY path\0", and "XY new\0old\0" for a rename: the entry's own path is the one after the status.
  const paths: string[] = [];
  const fields = out.split("\0");
  for (let i = 0; i < fields.length; i += 1) {
    const entry = fields[i] ?? "";
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i += 1;
  }
  return paths;
}

export async function branchExists(cwd: string, name: string): Promise<boolean> {
  return (await git(cwd, ["rev-parse", "--verify", "--quiet", `refs/heads/${name}`])) !== null;
}

/**
 * `git switch` to `name`, creating it from HEAD when `create`; git's own one-line complaint when it refuses (a
 * conflict with carried changes, a name git does not accept).
 */
export async function switchBranch(cwd: string, name: string, create: boolean): Promise<string | null> {
  const run = await runGit(cwd, create ? ["switch", "--quiet", "-c", name] : ["switch", "--quiet", name]);
  if (run.ok) return null;
  return run.stderr.trim().split("\n")[0] ?? "git switch failed";
}

export async function originUrl(cwd: string): Promise<string | null> {
  const url = (await git(cwd, ["remote", "get-url", "origin"]))?.trim();
  return url === undefined || url === "" ? null : url;
}

async function hasCommit(cwd: string, sha: string): Promise<boolean> {
  return (await git(cwd, ["cat-file", "-e", `${sha}^{commit}`])) !== null;
}

/**
 * Every file changed from `base` to `head` in the checkout at `cwd`, as git computes it (renames detected), or null
 * when git cannot tell (no git, not the job's repository, a commit missing even after fetching it). GitLab's
 * `/diffs` stops at the instance's "Maximum diff files"; the job's own checkout has the whole change. CI clones are
 * shallow (GIT_DEPTH), so a base outside the clone is fetched by its sha first (Gitaly serves any reachable sha).
 */
export async function changedFilesBetween(cwd: string, base: string, head: string): Promise<ChangedFile[] | null> {
  if (!SHA.test(base) || !SHA.test(head)) return null;
  if (!(await hasCommit(cwd, head))) return null;
  if (!(await hasCommit(cwd, base))) {
    await git(cwd, ["fetch", "--quiet", "--no-tags", "--depth=1", "origin", base], { timeoutMs: 60_000 });
    if (!(await hasCommit(cwd, base))) return null;
  }
  const out = await git(cwd, ["diff", "--name-status", "-z", "-M", "--no-color", "--no-ext-diff", base, head], {
    timeoutMs: 60_000,
  });
  return out === null ? null : parseNameStatus(out);
}

/** The content of `path` at `sha` in the checkout, or null when git has no such file there. */
export async function fileAt(cwd: string, sha: string, path: string): Promise<string | null> {
  if (!SHA.test(sha) || path.startsWith("-")) return null;
  return git(cwd, ["cat-file", "blob", `${sha}:${path}`]);
}

/**
 * The lines the change from `base` to `head` adds to each of `paths` (new paths), as `bfd ci` reads them from the
 * job's checkout (see changedFilesBetween); null when git cannot tell. `-U0`: only the changed lines, no context.
 */
export async function addedLinesBetween(
  cwd: string,
  base: string,
  head: string,
  paths: readonly string[],
): Promise<Map<string, AddedLine[]> | null> {
  if (!SHA.test(base) || !SHA.test(head)) return null;
  if (paths.length === 0) return new Map();
  const out = await git(
    cwd,
    [
      "-c",
      "core.quotePath=false",
      "diff",
      "-U0",
      "-M",
      "--no-color",
      "--no-ext-diff",
      base,
      head,
      "--",
      ...paths.map((path) => `:(literal)${path}`),
    ],
    { timeoutMs: 60_000 },
  );
  return out === null ? null : addedLinesByFile(out);
}

/** Every file under each of `folders` ("" for the whole repository) at `sha` in the checkout; null when git cannot tell. */
export async function filesUnder(cwd: string, sha: string, folders: readonly string[]): Promise<string[] | null> {
  if (!SHA.test(sha)) return null;
  const specs = folders.includes("") ? [] : ["--", ...folders.map((folder) => `:(literal)${folder}`)];
  const out = await git(cwd, ["ls-tree", "-r", "-z", "--name-only", sha, ...specs], { timeoutMs: 60_000 });
  return out === null ? null : out.split("\0").filter((path) => path !== "");
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** `git diff --name-status -z`: "M\0path\0", "R100\0old\0new\0", "A\0path\0", "D\0path\0", … */
export function parseNameStatus(out: string): ChangedFile[] {
  const fields = out.split("\0");
  const files: ChangedFile[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i] ?? "";
    if (status === "") {
      i += 1;
      continue;
    }
    const kind = status[0];
    if (kind === "R" || kind === "C") {
      const oldPath = fields[i + 1] ?? "";
      const newPath = fields[i + 2] ?? "";
      files.push({
        oldPath: kind === "C" ? newPath : oldPath,
        newPath,
        newFile: kind === "C",
        deletedFile: false,
        renamedFile: kind === "R",
        // "R100": git found the same content at the new path (git-diff(1), --name-status similarity index).
        ...(status === "R100" ? { renamedOnly: true } : {}),
      });
      i += 3;
      continue;
    }
    const path = fields[i + 1] ?? "";
    files.push({ oldPath: path, newPath: path, newFile: kind === "A", deletedFile: kind === "D", renamedFile: false });
    i += 2;
  }
  return files;
}
