// Builds the CLI into dist/ with esbuild:
//   dist/bfd.js          the entry (src/launch/): answers --version, runs the bundle through V8's code cache
//   dist/bfd.cjs         one CommonJS bundle: src/bin.ts and everything it imports, each module initialised when
//                        first imported; CommonJS because V8 caches the compiled code of a script (vm.Script) and
//                        not of an ES module on Node 20
//   dist/vendor/*.cjs    the big libraries only some commands use (the Linear and GitLab SDKs, BullMQ, the HTTP
//                        server and logging of `bfd serve`, the XML writer), loaded when first imported, so a
//                        snapshot gate or `bfd rules` never reads them
//   dist/builtin-rules.json  the built-in rules, validated now (src/rules/builtin-cache.ts)
// Every file is replaced atomically (written beside, then renamed), so a bfd started during a build runs either the
// old file or the new one. Nothing is rebuilt when no input changed since the last build (`--force` rebuilds).
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = "node20.19";

/** Libraries in their own bundle, by group; a group is one bundle, so libraries that share objects share a group. */
const VENDORS = {
  linear: ["@linear/sdk", "@linear/sdk/webhooks"],
  gitlab: ["@gitbeaker/core", "@gitbeaker/requester-utils"],
  redis: ["bullmq", "ioredis"],
  serve: ["hono", "hono/body-limit", "@hono/node-server", "pino", "prom-client"],
  xml: ["xmlbuilder2"],
  // With its own copy of zod: bfd's schemas meet the SDK's only through zod's structural core and its global
  // registry (globalThis.__zod_globalRegistry), so descriptions still reach the tool list.
  mcp: ["@modelcontextprotocol/sdk/server/mcp.js", "@modelcontextprotocol/sdk/server/stdio.js"],
};

// --- Skip the build when nothing it reads has changed ------------------------------------------------------------

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function inputsHash() {
  const hash = createHash("sha256");
  const inputs = [
    ...filesUnder(join(root, "src")),
    ...filesUnder(join(root, "rules")),
    join(root, "scripts", "build.mjs"),
    join(root, "scripts", "builtin-cache.ts"),
    join(root, "package.json"),
    join(root, "package-lock.json"),
    join(root, "tsconfig.json"),
  ].sort();
  for (const file of inputs)
    hash
      .update(`${relative(root, file)}\0`)
      .update(readFileSync(file))
      .update("\0");
  hash.update(process.version);
  return hash.digest("hex");
}

const stampFile = join(root, "node_modules", ".cache", "bfd-build.json");
const expected = [
  "bfd.js",
  "bfd.cjs",
  "package.json",
  "builtin-rules.json",
  ...Object.keys(VENDORS).map((g) => `vendor/${g}.cjs`),
];
const inputs = inputsHash();
const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, "utf8")) : null;
if (!process.argv.includes("--force") && stamp?.inputs === inputs && expected.every((f) => existsSync(join(dist, f)))) {
  console.log("dist/ is up to date (npm run build -- --force rebuilds it)");
  process.exit(0);
}

// --- Build into a scratch folder ---------------------------------------------------------------------------------

const out = mkdtempSync(join(tmpdir(), "bfd-dist-"));
const common = {
  bundle: true,
  platform: "node",
  target,
  // Minified code parses faster; ASCII only, so V8 keeps each bundle as a one-byte string (half the memory, and
  // no copy when reading it): a single non-ASCII character would make the whole source two-byte.
  minify: true,
  keepNames: true,
  charset: "ascii",
  legalComments: "none",
  // import() becomes require(): a script run through vm.Script (src/launch/code-cache.ts) has no ES module loader.
  supported: { "dynamic-import": false },
  logLevel: "warning",
};

/**
 * zod's error messages in English only: `z.locales` re-exports some forty languages (270 KB) that bfd never uses,
 * and a namespace re-export is never tree-shaken.
 */
const englishOnlyZod = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: "js",
    }));
  },
};

/**
 * markdown-it's bundle, as bfd ships it:
 * - It writes a few characters outside ASCII as themselves, one in a regular expression (`/([?!])\u2026/`, its
 *   typographer) where esbuild's `charset: "ascii"` does not escape them: they are written as `\uXXXX` escapes
 *   here, which mean the same in strings and regular expressions (every one of them is in the BMP).
 * - Its class fields are compiled to calls of a `_defineProperty(object, "name", value)` helper, which asks
 *   `name in object` and then stores under a computed key: a Token's twelve fields made it a quarter of the parse of
 *   a 1 MB criteria list (#26). Each call is written as the assignment `object.name = value;` instead, which is the
 *   same for every call in the file: each defines a field of a new instance (or a class's static field) whose name
 *   no prototype defines as an accessor, and the file has no accessors at all. The build stops when a call is left
 *   over or the file holds an accessor: look again rather than ship it slower or wrong.
 */
const FIELD_DEFINITION = /_defineProperty\(\s*(this|\w+),\s*(?:\/\*[\s\S]*?\*\/\s*)?"(\w+)",\s*([\s\S]*?)\s*\);/g;
const ACCESSOR = /^\s*(?:static\s+)?[gs]et\s+[\w$]+\s*\(/m;
const markdownItBundle = {
  name: "markdown-it-bundle",
  setup(b) {
    b.onLoad({ filter: /[\\/]markdown-it[\\/]dist[\\/]markdown-it\.mjs$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const contents = source.replace(
        FIELD_DEFINITION,
        (_call, object, name, value) => `${object}.${name} = ${value};`,
      );
      const left = contents.match(/_defineProperty\(/g)?.length ?? 0;
      if (contents === source || left !== 1 || ACCESSOR.test(source))
        throw new Error(
          `${args.path}: markdown-it's class fields are not the _defineProperty calls scripts/build.mjs rewrites (${left - 1} left), or the file defines accessors; see markdownItBundle there`,
        );
      return {
        contents: contents.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
        loader: "js",
      };
    });
  },
};

/**
 * chalk's colour detection (it loads node:tty and node:os and probes the terminal when imported): bfd decides the
 * colour level itself (src/cli.ts) and passes it to every Chalk it makes, so detection would only cost start-up.
 */
const noChalkDetection = {
  name: "no-chalk-detection",
  setup(b) {
    b.onLoad({ filter: /[\\/]chalk[\\/]source[\\/]vendor[\\/]supports-color[\\/]index\.js$/ }, () => ({
      contents: "export default { stdout: false, stderr: false };",
      loader: "js",
    }));
  },
};

/**
 * commander loads node:child_process when imported, for executable sub-commands, which bfd has none of: it is
 * loaded when first used instead.
 */
const lazyChildProcessInCommander = {
  name: "lazy-child-process-in-commander",
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager))
        throw new Error(`${args.path}: commander changed; update lazyChildProcessInCommander`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};

/** Each vendor library as a module of the main bundle whose exports are the vendor bundle's. */
function vendorPlugin() {
  const where = new Map();
  for (const [group, specifiers] of Object.entries(VENDORS))
    specifiers.forEach((specifier, i) => where.set(specifier, { group, i }));
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const filter = new RegExp(`^(${[...where.keys()].map(escape).join("|")})$`);
  return {
    name: "vendor-bundles",
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: "vendor" }));
      b.onResolve({ filter: /^\.\/vendor\//, namespace: "vendor" }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: "vendor" }, (args) => {
        const { group, i } = where.get(args.path);
        return { contents: `module.exports = require("./vendor/${group}.cjs").m${i};`, loader: "js" };
      });
    },
  };
}

await build({
  ...common,
  // src/bin.ts, plus the entry of bfd serve's evaluation worker threads, which re-enter this bundle
  // (src/serve/evaluator.ts): loaded only when called, so the CLI's start-up is unchanged and the engine ships once.
  stdin: {
    contents: [
      'export * from "./src/bin.ts";',
      'export const runEvaluatorWorker = () => import("./src/serve/evaluator-worker.ts").then((m) => m.runEvaluatorWorker());',
    ].join("\n"),
    resolveDir: root,
    sourcefile: "bfd-entry.ts",
    loader: "ts",
  },
  outfile: join(out, "bfd.cjs"),
  format: "cjs",
  sourcemap: "linked",
  // import.meta.url: only src/serve/evaluator.ts reads it, on the path for running from sources.
  define: {
    __BFD_VERSION__: JSON.stringify(pkg.version),
    __BFD_BUNDLE__: JSON.stringify("bfd.cjs"),
    "import.meta.url": "undefined",
  },
  plugins: [vendorPlugin(), englishOnlyZod, noChalkDetection, lazyChildProcessInCommander, markdownItBundle],
});

for (const [group, specifiers] of Object.entries(VENDORS)) {
  await build({
    ...common,
    stdin: {
      contents: specifiers.map((s, i) => `export * as m${i} from ${JSON.stringify(s)};`).join("\n"),
      resolveDir: root,
      sourcefile: `vendor-${group}.js`,
    },
    outfile: join(out, "vendor", `${group}.cjs`),
    format: "cjs",
    plugins: [englishOnlyZod],
  });
}

const bundles = ["bfd.cjs", ...Object.keys(VENDORS).map((g) => `vendor/${g}.cjs`)];
const buildHash = createHash("sha256");
for (const file of bundles) buildHash.update(readFileSync(join(out, file)));

await build({
  ...common,
  entryPoints: { bfd: "src/launch/index.ts" },
  outdir: out,
  format: "cjs",
  banner: { js: "#!/usr/bin/env node" },
  sourcemap: "linked",
  define: {
    __BFD_VERSION__: JSON.stringify(pkg.version),
    __BFD_BUILD__: JSON.stringify(buildHash.digest("hex").slice(0, 12)),
  },
});

// dist/bfd.js is CommonJS although the package is "type": "module".
writeFileSync(join(out, "package.json"), '{ "type": "commonjs" }\n');

// Validate the built-in rules once, now, and cache the result for start-up (src/rules/builtin-cache.ts).
const tool = mkdtempSync(join(tmpdir(), "bfd-build-"));
await build({
  ...common,
  minify: false,
  entryPoints: ["scripts/builtin-cache.ts"],
  outfile: join(tool, "builtin-cache.cjs"),
  format: "cjs",
});
execFileSync(process.execPath, [join(tool, "builtin-cache.cjs"), root, join(out, "builtin-rules.json")], {
  stdio: "inherit",
});
rmSync(tool, { recursive: true, force: true });

// The maps name sources relative to the scratch folder; make them relative to dist/, where the bundles go.
for (const file of filesUnder(out)) {
  if (!file.endsWith(".map")) continue;
  const map = JSON.parse(readFileSync(file, "utf8"));
  const into = dirname(join(dist, relative(out, file)));
  map.sources = map.sources.map((source) => relative(into, resolve(dirname(file), source)));
  writeFileSync(file, JSON.stringify(map));
}

for (const file of filesUnder(out)) {
  if (!/\.c?js$/.test(file)) continue;
  const bytes = readFileSync(file);
  const at = bytes.findIndex((byte) => byte > 0x7f);
  if (at !== -1) throw new Error(`${relative(out, file)}: a non-ASCII byte at ${at}; keep the bundles ASCII`);
}

// --- Move the files in, each atomically; then drop what this build no longer makes -------------------------------

mkdirSync(join(dist, "vendor"), { recursive: true });
const made = new Set();
for (const file of filesUnder(out)) {
  const name = relative(out, file);
  const into = join(dist, name);
  mkdirSync(dirname(into), { recursive: true });
  const beside = `${into}.${process.pid}.tmp`;
  writeFileSync(beside, readFileSync(file));
  if (name === "bfd.js") chmodSync(beside, 0o755);
  renameSync(beside, into);
  made.add(name);
}
for (const file of filesUnder(dist)) if (!made.has(relative(dist, file))) rmSync(file, { force: true });
for (const folder of readdirSync(dist, { withFileTypes: true }))
  if (folder.isDirectory() && readdirSync(join(dist, folder.name)).length === 0)
    rmSync(join(dist, folder.name), { recursive: true });
rmSync(out, { recursive: true, force: true });

mkdirSync(dirname(stampFile), { recursive: true });
writeFileSync(stampFile, `${JSON.stringify({ inputs })}\n`);
