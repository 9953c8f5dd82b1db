import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { usageError } from "../errors.js";
import type { SourceText } from "./yaml-source.js";

export const CONFIG_NAMES = ["bfd.config.yaml", "bfd.config.yml"];

/**
 * The root of the git repository `cwd` is in — the nearest folder upward holding `.git` (a folder, or the file a
 * worktree or submodule has) — or null outside a repository.
 */
export function repositoryRoot(cwd: string): string | null {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * The team config: `--config` if given (must exist), else the nearest bfd.config.yaml upward from `cwd`, stopping at
 * the repository's root (like ESLint's `root` and git's own discovery): a config above the repository, in a home
 * folder or a parent checkout, is not this repository's.
 */
export function findConfigFile(cwd: string, explicit: string | undefined): string | null {
  if (explicit !== undefined) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw usageError(
        "config-not-found",
        `--config ${explicit}: no such file`,
        "Pass the path of a bfd.config.yaml, or leave --config out to use the nearest one.",
      );
    }
    return path;
  }
  const root = repositoryRoot(cwd);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    if (dir === root || dirname(dir) === dir) return null;
  }
}

export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

export function readSource(cwd: string, path: string): SourceText {
  return { path: displayPath(cwd, path), text: readFileSync(path, "utf8") };
}

export function builtinRuleFiles(cwd: string, builtinDir: string): SourceText[] {
  return ["ready.yaml", "done.yaml"].map((name) => readSource(cwd, join(builtinDir, name)));
}

/** Resolves a `ruleFiles:` entry against the config file's folder; null when it does not exist. */
export function ruleFileReader(cwd: string, configPath: string | null): (relativePath: string) => SourceText | null {
  return (relativePath) => {
    const base = configPath === null ? cwd : dirname(configPath);
    const path = resolve(base, relativePath);
    if (!existsSync(path) || !statSync(path).isFile()) return null;
    return readSource(cwd, path);
  };
}
