/**
 * Loads bfd's CommonJS bundles through V8 with a code cache, so a run does not compile the same megabyte of
 * JavaScript again (compiling is most of bfd's start-up; Node 20 has no compile cache of its own).
 *
 * - The cache of a bundle is what V8 compiled during one complete run (`createCachedData()` at exit, so it holds
 *   the functions that run actually called), one file per bundle and kind of run: `bfd done --snapshot` and
 *   `bfd rules list` call different code.
 * - It lives in a folder the user owns — `$XDG_CACHE_HOME/bfd`, else `~/.cache/bfd` — never next to the bundle,
 *   which may be read-only (`node_modules`, an image). When that folder cannot be made or written, bfd runs without
 *   a cache, silently. `BFD_CODE_CACHE=0` turns it off.
 * - A cache is keyed by bfd's version, Node's version, the architecture and a hash of the bundles: another build or
 *   another Node never reads it. And by the bundle's path, as V8 keeps the file name a cache was made under. V8
 *   checks it too; when V8 rejects it, it is written again. Caches of older builds of the same release are removed
 *   when a new one is written; of other releases, once a month old.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Script } from "node:vm";
import { hashText } from "../text/hash.js";

type Env = Readonly<Record<string, string | undefined>>;

/** The folder for bfd's code cache, or null when there is none to use. */
export function codeCacheDir(env: Env): string | null {
  if (env.BFD_CODE_CACHE === "0") return null;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg.startsWith("/")) return join(xdg, "bfd");
  const home = env.HOME ?? env.USERPROFILE;
  return home === undefined || home === "" ? null : join(home, ".cache", "bfd");
}

const VALUE_OPTIONS = new Set(["-c", "--config", "--timeout", "--deadline"]);

/**
 * What kind of run this is, for the cache's name: the command (and sub-command), and `-snapshot` when it replays a
 * snapshot, which calls none of the network code. Letters, digits and dashes only.
 */
export function runKind(args: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i += 1) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) i += 1;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  const command = words[0] === "rules" ? words.slice(0, 2).join("-") : (words[0] ?? "none");
  const snapshot = args.some((a) => a === "-s" || a === "--snapshot" || a.startsWith("--snapshot="));
  const kind = `${command}${snapshot ? "-snapshot" : ""}`.replace(/[^a-z0-9-]/gi, "_").slice(0, 40);
  return kind === "" ? "none" : kind;
}

export interface CodeCache {
  /** Folder of the cache files; null: no cache. */
  dir: string | null;
  /** bfd's version, Node's version and the architecture: `0.1.0-v20.20.2-x64`. */
  release: string;
  /** A hash of the bundles, from the build: two builds of one version never share a cache. */
  build: string;
  /** The kind of run (runKind). */
  kind: string;
}

/** Caches of other releases (another bfd or Node next to this one) are removed once this old. */
const OTHER_RELEASES_KEPT_MS = 30 * 24 * 60 * 60 * 1000;

interface Loaded {
  script: Script;
  file: string;
  /** The cache V8 used; false: none (or rejected), so one is written after the run. */
  cached: boolean;
}

/**
 * The cache of one bundle file, for this build and kind of run, and for where the file is: V8 keeps the file name
 * a cache was made under (stack traces, source maps and profiles would name another install's path, which may be
 * gone), so two installs of one build each have their own.
 */
export const cacheFileOf = (cache: CodeCache, file: string): string =>
  join(
    cache.dir!,
    `${cache.release}-${cache.build}.${hashText(file).slice(0, 8)}.${basename(file, ".cjs")}.${cache.kind}.v8`,
  );

/** Another build of this release is stale at once; another release once its cache is a month old. */
function isStale(cache: CodeCache, dir: string, name: string, now: number): boolean {
  if (!name.endsWith(".v8") || name.startsWith(`${cache.release}-${cache.build}.`)) return false;
  if (name.startsWith(`${cache.release}-`)) return true;
  try {
    return now - statSync(join(dir, name)).mtimeMs > OTHER_RELEASES_KEPT_MS;
  } catch {
    return false;
  }
}

export interface BundleLoader {
  /**
   * Runs the CommonJS file `file` (a bundle: it requires only Node's built-ins and other bundles next to it) and
   * returns its exports. `require("./x.cjs")` from inside it loads `x.cjs` the same way, once.
   */
  require(file: string): unknown;
  /**
   * After a complete run: writes the cache of every bundle that ran without one (atomically: a run reading it at
   * the same time sees the old file or the new one), and removes stale caches. Never throws: a cache that cannot
   * be written is only a slower next start.
   */
  writeCaches(): void;
}

/** `nodeRequire` resolves Node's built-ins for the bundles (the entry's own `require`). */
export function bundleLoader(cache: CodeCache, nodeRequire: (id: string) => unknown): BundleLoader {
  const loaded: Loaded[] = [];
  const exportsOf = new Map<string, unknown>();

  function load(file: string): unknown {
    if (exportsOf.has(file)) return exportsOf.get(file);
    const source = readFileSync(file, "latin1");
    let cachedData: Buffer | undefined;
    if (cache.dir !== null) {
      try {
        cachedData = readFileSync(cacheFileOf(cache, file));
      } catch {
        cachedData = undefined;
      }
    }
    // The wrapper on a line of its own keeps the bundle's line and column numbers (stack traces, source maps).
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {\n${source}\n})`, {
      filename: file,
      lineOffset: -1,
      cachedData,
    });
    loaded.push({ script, file, cached: cachedData !== undefined && !script.cachedDataRejected });
    const folder = dirname(file);
    const bundleRequire = (id: string): unknown =>
      id.startsWith("./") && id.endsWith(".cjs") ? load(join(folder, id)) : nodeRequire(id);
    const module = { exports: {} as unknown };
    exportsOf.set(file, module.exports);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, bundleRequire, module, file, folder);
    exportsOf.set(file, module.exports);
    return module.exports;
  }

  function writeCaches(): void {
    if (cache.dir === null || loaded.every((l) => l.cached)) return;
    try {
      mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
      const now = Date.now();
      for (const name of readdirSync(cache.dir))
        if (isStale(cache, cache.dir, name, now)) unlinkSync(join(cache.dir, name));
      for (const { script, file, cached } of loaded) {
        if (cached) continue;
        const target = cacheFileOf(cache, file);
        const temporary = `${target}.${process.pid}.tmp`;
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, target);
      }
    } catch {
      // Read-only home, full disk, a folder in the way: run without a cache.
    }
  }

  return { require: load, writeCaches };
}
