import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { printable, usageError } from "../errors.js";
import type { RenderOptions, RulesInForce } from "../reporters/types.js";
import { BUILTIN_RULE_FILES } from "../rules/builtin-cache.js";
import { displayPath } from "../rules/files.js";
import type { RuleSet } from "../rules/load.js";
import { touchedPaths } from "../work-item/globs.js";
import type { WorkItem } from "../work-item/schema.js";
import type { CommandContext } from "./context.js";

/** `--output` left out or given as `-`: the text goes to stdout. */
export function isStdout(output: string | undefined): boolean {
  return output === undefined || output === "-";
}

/** Terminal habits are for stdout: a file gets plain text — no colour, no links, no wrapping. */
export function renderOptionsFor(ctx: CommandContext, output: string | undefined): RenderOptions {
  const terminal = isStdout(output);
  return {
    colorLevel: terminal ? ctx.colorLevel : 0,
    hyperlinks: terminal && ctx.hyperlinks,
    ...(terminal && ctx.columns !== undefined ? { columns: ctx.columns } : {}),
  };
}

/** The rules a report was judged by, as its header and Code Quality locations name them. */
export function rulesInForce(ctx: CommandContext, ruleSet: RuleSet): RulesInForce {
  return {
    config: ruleSet.configPath,
    builtinFiles: BUILTIN_RULE_FILES.map((name) => displayPath(ctx.cwd, join(ctx.builtinDir, name))),
  };
}

/** Every path the merge request touches (new paths, and old paths of renames and deletions). */
export function changedPathsOf(item: WorkItem): string[] {
  return (item.mergeRequest?.changes ?? []).flatMap(touchedPaths);
}

/**
 * Creates the missing folders above `path`, one level at a time. Node's `mkdirSync(…, { recursive: true })`
 * never returns under /proc: procfs answers ENOENT (not EACCES) for a folder it cannot create, and the
 * recursive walk reads ENOENT as "create the parent first" — which exists — and retries forever
 * (github.com/Kewton/CommandMate/issues/1774 measures it; nodejs/node#27198 is the same loop on Windows).
 * Creating each level once turns that into the ENOENT it is.
 */
function createParents(path: string): void {
  const missing: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    try {
      if (statSync(dir).isDirectory()) break;
      throw Object.assign(new Error(`${dir} is not a directory`), { code: "ENOTDIR" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  for (const dir of missing) mkdirSync(dir);
}

/** Writes to `--output FILE` (creating its folder), redacted like everything bfd prints; `-` or none: stdout. */
export function writeOutput(ctx: CommandContext, text: string, output: string | undefined): void {
  if (isStdout(output)) {
    ctx.stdout(text);
    return;
  }
  const path = resolve(ctx.cwd, output!);
  try {
    createParents(path);
    writeFileSync(path, ctx.redact(text));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw usageError(
      "output-unwritable",
      `cannot write ${printable(output!)} (${WHY[code ?? ""] ?? code ?? "write failed"})`,
      "Choose a path you can write to (its folder is created if missing), or use -o - to print.",
    );
  }
}

const WHY: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  EROFS: "read-only file system",
  ENOENT: "no such folder, and it cannot be created",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder",
  ENOSPC: "no space left on the device",
};
