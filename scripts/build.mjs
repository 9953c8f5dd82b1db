// Bundles the CLI into dist/ with esbuild: one entry file plus lazily loaded chunks, so `bfd --version`
// and snapshot runs do not walk hundreds of files or load the Linear/GitLab SDKs.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { bfd: "src/bin.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: "linked",
  // Minified code parses faster at start-up; --debug turns source maps on for readable stack traces.
  minify: true,
  keepNames: true,
  chunkNames: "chunks/[name]-[hash]",
  define: { __BFD_VERSION__: JSON.stringify(pkg.version) },
  banner: {
    js: "import { createRequire as __bfdCreateRequire } from 'node:module'; const require = __bfdCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});

// Validate the built-in rules once, now, and cache the result for start-up (src/rules/builtin-cache.ts).
const tmp = mkdtempSync(join(tmpdir(), "bfd-build-"));
await build({
  entryPoints: ["scripts/builtin-cache.ts"],
  outfile: join(tmp, "builtin-cache.mjs"),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  banner: {
    js: "import { createRequire as __bfdCreateRequire } from 'node:module'; const require = __bfdCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
});
execFileSync(process.execPath, [join(tmp, "builtin-cache.mjs"), new URL("..", import.meta.url).pathname], {
  stdio: "inherit",
});
rmSync(tmp, { recursive: true, force: true });
