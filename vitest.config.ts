import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";
import HeaviestFirst from "./test/setup/sequencer.js";

const pkg = JSON.parse(readFileSync(new URL("package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig({
  // The version the build bakes in (scripts/build.mjs), so in-process runs print what the built CLI prints.
  define: { __BFD_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ["test/**/*.test.ts"],
    // Every property test from one fixed seed: npm test never fails by chance (npm run fuzz explores).
    setupFiles: ["test/setup/fixed-seed.ts"],
    // One folder for the run's temporary files, removed at its end; one closing line naming the tests skipped for
    // want of a system tool, and how to install it.
    globalSetup: ["test/setup/temp-root.ts", "test/setup/system-tools-summary.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Worker threads, each running its test files one after another in one module graph: bfd's modules (zod
    // schemas, the Markdown parser, the SDKs) load once per worker, not once per file. No test mocks a module or
    // changes a global, and the caches in src/ are keyed by their input, so files cannot see each other's state.
    pool: "threads",
    isolate: false,
    // Vitest's default is one worker per core but one (a single worker on a 2-core machine). Many files wait more
    // than they compute (built-CLI processes, fakes answering, retries sleeping, bfd serve under load), so a third
    // worker keeps both cores busy.
    maxWorkers: 3,
    // The longest files start first (test/setup/sequencer.ts): a fresh clone has no cached durations, and Vitest's
    // fallback (largest file first) left the small, slow files for last, running alone while the other workers idled.
    sequence: { sequencer: HeaviestFirst },
  },
});
