import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleLoader, cacheFileOf, codeCacheDir, runKind, type CodeCache } from "../../src/launch/code-cache.js";
import { tempDir } from "../helpers/cli.js";

const nodeRequire = createRequire(import.meta.url);

describe("where the code cache lives", () => {
  it.each<[Record<string, string | undefined>, string | null]>([
    [{ HOME: "/home/ada" }, "/home/ada/.cache/bfd"],
    [{ HOME: "/home/ada", XDG_CACHE_HOME: "/var/cache/ada" }, "/var/cache/ada/bfd"],
    [{ HOME: "/home/ada", XDG_CACHE_HOME: "relative/ignored" }, "/home/ada/.cache/bfd"],
    [{ USERPROFILE: "C:\\Users\\ada" }, join("C:\\Users\\ada", ".cache", "bfd")],
    [{ HOME: "/home/ada", BFD_CODE_CACHE: "0" }, null],
    [{}, null],
  ])("%j → %s", (env, dir) => {
    expect(codeCacheDir(env)).toBe(dir);
  });
});

describe("the kind of run a cache is for", () => {
  it.each<[string[], string]>([
    [["done", "--snapshot", "x.json"], "done-snapshot"],
    [["--no-color", "ready", "-s", "x.json", "--format", "json"], "ready-snapshot"],
    [["done", "ENG-1"], "done"],
    [["-c", "team.yaml", "ci", "--report", "junit=j.xml"], "ci"],
    [["--timeout", "5", "rules", "list", "--format", "markdown"], "rules-list"],
    [["handoff", "--snapshot=x.json", "--state", "blocked"], "handoff-snapshot"],
    [["--help"], "none"],
    [["ä/../etc"], "_____etc"],
  ])("%j → %s", (args, kind) => {
    expect(runKind(args)).toBe(kind);
  });
});

/** A bundle and a vendor bundle it requires, as the build lays them out. */
function bundles(): { main: string } {
  const dir = tempDir("bfd-bundles-");
  mkdirSync(join(dir, "vendor"));
  writeFileSync(join(dir, "vendor", "x.cjs"), "exports.x = 41;\n");
  writeFileSync(
    join(dir, "main.cjs"),
    'const { sep } = require("node:path");\nmodule.exports = { answer: require("./vendor/x.cjs").x + 1, sep, again: require("./vendor/x.cjs") === require("./vendor/x.cjs") };\n',
  );
  return { main: join(dir, "main.cjs") };
}

const cacheIn = (dir: string | null, build = "b1", release = "0.1.0-v20-x64"): CodeCache => ({
  dir,
  release,
  build,
  kind: "done-snapshot",
});

const filesIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
/** A cache file's name without the hash of the bundle's path (`0.1.0-v20-x64-b1.main.done-snapshot.v8`). */
const withoutPlace = (name: string): string => name.replace(/^(.*?-b\d+)\.[0-9a-f]{8}\./, "$1.");

describe("loading a bundle through V8's code cache", () => {
  it("runs the bundle and its vendor bundles, each once, and writes one cache per bundle after the run", () => {
    const { main } = bundles();
    const dir = join(tempDir("bfd-cache-"), "bfd");
    const loader = bundleLoader(cacheIn(dir), nodeRequire);
    expect(loader.require(main)).toEqual({ answer: 42, sep: "/", again: true });
    expect(filesIn(dir)).toEqual([]);
    loader.writeCaches();
    expect(filesIn(dir).map(withoutPlace).sort()).toEqual([
      "0.1.0-v20-x64-b1.main.done-snapshot.v8",
      "0.1.0-v20-x64-b1.x.done-snapshot.v8",
    ]);
  });

  it("reads the cache on the next run and does not write it again", () => {
    const { main } = bundles();
    const dir = join(tempDir("bfd-cache-"), "bfd");
    const first = bundleLoader(cacheIn(dir), nodeRequire);
    first.require(main);
    first.writeCaches();
    const past = new Date(Date.now() - 60_000);
    for (const f of filesIn(dir)) utimesSync(join(dir, f), past, past);
    const before = filesIn(dir).map((f) => statSync(join(dir, f)).mtimeMs);
    const second = bundleLoader(cacheIn(dir), nodeRequire);
    expect(second.require(main)).toEqual({ answer: 42, sep: "/", again: true });
    second.writeCaches();
    expect(filesIn(dir).map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(before);
  });

  it("writes the cache again when V8 rejects it (a damaged file), and runs the same", () => {
    const { main } = bundles();
    const dir = join(tempDir("bfd-cache-"), "bfd");
    mkdirSync(dir, { recursive: true });
    const damaged = cacheFileOf(cacheIn(dir), main);
    writeFileSync(damaged, "not a code cache");
    const loader = bundleLoader(cacheIn(dir), nodeRequire);
    expect(loader.require(main)).toEqual({ answer: 42, sep: "/", again: true });
    loader.writeCaches();
    expect(readFileSync(damaged, "utf8")).not.toBe("not a code cache");
  });

  it("runs without a cache, silently, when its folder cannot be written", () => {
    const { main } = bundles();
    const blocked = join(tempDir("bfd-cache-"), "a-file");
    writeFileSync(blocked, "in the way");
    const loader = bundleLoader(cacheIn(join(blocked, "bfd")), nodeRequire);
    expect(loader.require(main)).toEqual({ answer: 42, sep: "/", again: true });
    expect(() => loader.writeCaches()).not.toThrow();
    const readOnly = join(tempDir("bfd-cache-"), "ro");
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const second = bundleLoader(cacheIn(join(readOnly, "bfd")), nodeRequire);
    second.require(main);
    expect(() => second.writeCaches()).not.toThrow();
  });

  it("runs without a cache when there is no folder for it", () => {
    const { main } = bundles();
    const loader = bundleLoader(cacheIn(null), nodeRequire);
    expect(loader.require(main)).toEqual({ answer: 42, sep: "/", again: true });
    expect(() => loader.writeCaches()).not.toThrow();
  });

  it("removes the caches of older builds of the release at once, and of other releases once a month old", () => {
    const { main } = bundles();
    const dir = join(tempDir("bfd-cache-"), "bfd");
    mkdirSync(dir, { recursive: true });
    const old = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    const files = {
      olderBuild: "0.1.0-v20-x64-b0.main.done-snapshot.v8",
      otherReleaseRecent: "0.2.0-v22-x64-c1.main.done-snapshot.v8",
      otherReleaseOld: "0.0.9-v20-x64-a1.main.done-snapshot.v8",
      notOurs: "notes.txt",
    };
    for (const name of Object.values(files)) writeFileSync(join(dir, name), "x");
    utimesSync(join(dir, files.otherReleaseOld), old, old);
    utimesSync(join(dir, files.notOurs), old, old);
    const loader = bundleLoader(cacheIn(dir), nodeRequire);
    loader.require(main);
    loader.writeCaches();
    expect(filesIn(dir).map(withoutPlace).sort()).toEqual(
      [
        "0.1.0-v20-x64-b1.main.done-snapshot.v8",
        "0.1.0-v20-x64-b1.x.done-snapshot.v8",
        files.otherReleaseRecent,
        files.notOurs,
      ].sort(),
    );
  });

  it("keeps one cache per place the same build is installed: a stack trace names the file that ran", () => {
    const dir = join(tempDir("bfd-cache-"), "bfd");
    const places = [tempDir("bfd-bundles-"), tempDir("bfd-bundles-")].map((place) => {
      const file = join(place, "main.cjs");
      writeFileSync(file, 'module.exports = () => new Error("where").stack.split("\\n")[1];\n');
      return file;
    });
    for (const [i, file] of places.entries()) {
      // Twice at each place: the second run reads the cache the first wrote.
      for (let run = 0; run < 2; run += 1) {
        const loader = bundleLoader(cacheIn(dir), nodeRequire);
        expect((loader.require(file) as () => string)()).toContain(file);
        loader.writeCaches();
      }
      expect(filesIn(dir)).toHaveLength(i + 1);
    }
  });
});
