/**
 * The built CLI's entry, dist/bfd.js (CommonJS: dist/package.json; an ES module entry costs Node ≈ 5 ms more to
 * start): answers `bfd --version` at once, and otherwise runs the bundle — dist/bfd.cjs, src/bin.ts and everything
 * it imports — through V8's code cache (./code-cache.ts).
 */
import { join } from "node:path";
import { bundleLoader, codeCacheDir, runKind, type CodeCache } from "./code-cache.js";

declare const __BFD_VERSION__: string;
declare const __BFD_BUILD__: string;

interface Bundle {
  runProcess(args: string[], builtinDir: string): Promise<number>;
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // As src/cli.ts answers it: a reader that went away (EPIPE) is no error; another write error is said once.
  let stderrOpen = true;
  process.stderr.on("error", () => (stderrOpen = false));
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE" && stderrOpen)
      process.stderr.write(`bfd: cannot write to stdout (${error.code ?? error.message})\n`);
  });
  process.stdout.write(`${__BFD_VERSION__}\n`);
} else {
  const cache: CodeCache = {
    dir: codeCacheDir(process.env),
    release: `${__BFD_VERSION__}-${process.version}-${process.arch}`,
    build: __BFD_BUILD__,
    kind: runKind(args),
  };
  // This file is built as CommonJS: __dirname is dist/, require is Node's.
  const loader = bundleLoader(cache, require);
  const main = join(__dirname, "bfd.cjs");
  // --debug shows stack traces mapped to bfd's sources, which Node does only for what its own loader loaded.
  const debug = args.includes("--debug");
  if (debug) process.setSourceMapsEnabled(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Node's own loader, on purpose (see above)
  const bundle = (debug ? require(main) : loader.require(main)) as Bundle;
  void bundle.runProcess(args, join(__dirname, "..", "rules")).then((code) => {
    process.exitCode = code;
    // A complete run (a verdict, or a command done): what it compiled is worth keeping for the next one.
    if (code === 0 || code === 1) process.once("exit", () => loader.writeCaches());
  });
}
