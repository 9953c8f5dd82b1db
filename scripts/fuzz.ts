/**
 * Long fuzzing run: every target in test/fuzz/targets.ts, FUZZ_RUNS cases each (default 10,000), optionally from
 * FUZZ_SEED. After a failure the target goes on with the next seed until its runs are used up, so the count of
 * failures is real; the first few are shown shrunk, with the seed that replays them.
 * Exits 1 when any case failed. Usage: npm run fuzz  (FUZZ_RUNS=100000 FUZZ_SEED=42 npm run fuzz)
 */
import * as fc from "fast-check";
import { FUZZ_TARGETS, KNOWN_ISSUES } from "../test/fuzz/targets.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const FIRST_SEED =
  process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);
/** Enough to see a pattern; later failures are counted without shrinking or printing. */
const MAX_FAILURES_SHOWN = 5;

if (!Number.isSafeInteger(RUNS) || RUNS <= 0 || !Number.isSafeInteger(FIRST_SEED)) {
  console.error("FUZZ_RUNS must be a positive integer and FUZZ_SEED an integer");
  process.exit(2);
}

const shorten = (text: string, max = 400): string =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

let failedTargets = 0;
const started = performance.now();
console.log(`bfd fuzz: ${RUNS} runs per target, first seed ${FIRST_SEED}`);
for (const [name, target] of Object.entries(FUZZ_TARGETS)) {
  const targetStarted = performance.now();
  let ran = 0;
  let failures = 0;
  let seed = FIRST_SEED;
  while (ran < RUNS) {
    // Past the first few failures, only count: no shrinking, nothing printed.
    const quiet = failures >= MAX_FAILURES_SHOWN;
    const details = fc.check(target(fc), { numRuns: RUNS - ran, seed, endOnFailure: quiet });
    ran += details.numRuns;
    if (!details.failed) break;
    failures += 1;
    seed += 1;
    if (quiet) continue;
    const error =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    console.log(`  ✖ ${name}: ${shorten(error, 300)}`);
    console.log(`    input: ${shorten(fc.stringify(details.counterexample))}`);
    console.log(`    replay: FUZZ_SEED=${details.seed} (path "${details.counterexamplePath ?? ""}")`);
  }
  const seconds = ((performance.now() - targetStarted) / 1000).toFixed(1);
  const capped = failures > MAX_FAILURES_SHOWN ? ` (first ${MAX_FAILURES_SHOWN} shown)` : "";
  const known = KNOWN_ISSUES[name] === undefined ? "" : ` — known issue: ${KNOWN_ISSUES[name]?.issue}`;
  console.log(
    `${failures === 0 ? "✔" : "✖"} ${name}: ${ran} cases, ${failures} failures, ${seconds} s${capped}${known}`,
  );
  if (failures > 0) failedTargets += 1;
}
console.log(
  `bfd fuzz: ${Object.keys(FUZZ_TARGETS).length} targets, ${failedTargets} with failures, ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
process.exitCode = failedTargets === 0 ? 0 : 1;
