import { readFileSync } from "node:fs";
import * as fc from "fast-check";
import { describe, it } from "vitest";
import { FUZZ_TARGETS, KNOWN_ISSUES } from "./targets.js";

/**
 * A short run of every fuzz target inside `npm test`, from the fixed seed (test/setup/fixed-seed.ts): a sample that
 * is the same on every run, beside every input that ever failed (FOUND, SLOW). Exploring is `npm run fuzz`'s work
 * (≥ 10,000 cases each, random seeds); 60 cases here keep the suite's time for the behaviours it checks (#26).
 */
const NUM_RUNS = 60;

interface Example {
  issue: { project: Record<string, unknown> };
  mergeRequest: { files: { path: string; content: string }[] };
}

const example = (name: string): Example =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), "utf8")) as Example;

function withStrayKey(): string {
  const item = example("ready-pass");
  item.issue.project = { ...item.issue.project, "\rdocuments": [] };
  return JSON.stringify(item);
}

function withFlagRecordDirective(): string {
  const item = example("done-pass");
  item.mergeRequest.files = item.mergeRequest.files.map((record) => ({
    ...record,
    content: `%\n${record.content}`,
  }));
  return JSON.stringify(item);
}

/** What the fuzzer found (each fixed in src), kept as fixed inputs so they stay fixed. */
const FOUND: { target: string; input: unknown; was: string }[] = [
  { target: "bfd.config.yaml", input: "<<: *a", was: "ReferenceError from yaml (unresolved alias): an internal error" },
  {
    target: "bfd.config.yaml",
    input:
      "a: &a [1,2]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
    was: "ReferenceError from yaml (alias count limit): an internal error",
  },
  { target: "bfd.config.yaml", input: "? [a]\n: b\n", was: "a Node warning from yaml on stderr above bfd's message" },
  {
    target: "snapshot → parseSnapshot → evaluate (ready, done)",
    input: ',{\n"schemaVersion": 1\n}',
    was: "snapshot-not-json message spread over lines (V8 quotes the text)",
  },
  {
    target: "snapshot → parseSnapshot → evaluate (ready, done)",
    input: withStrayKey(),
    was: "snapshot-invalid message spread over lines (a key with a line break)",
  },
  {
    target: "snapshot → parseSnapshot → evaluate (ready, done)",
    input: withFlagRecordDirective(),
    was: "a Node warning from yaml (flag record with an unknown %directive) during the gate",
  },
  { target: "networkPolicy (--timeout, --deadline)", input: [undefined, "0.0001"], was: "a 0 ms timeout and deadline" },
  {
    target: "networkPolicy (--timeout, --deadline)",
    input: ["\n", undefined],
    was: "bad-seconds message spread over lines",
  },
  {
    target: "explicitWindow (--since, --until, staging.timeZone)",
    input: [undefined, "\n", "UTC", new Date(0)],
    was: "bad-date message spread over lines",
  },
  {
    target: "explicitWindow (--since, --until, staging.timeZone)",
    input: [undefined, undefined, "Mars\nOlympus", new Date(0)],
    was: "bad-time-zone message spread over lines",
  },
  { target: "parseIssueReference", input: "ENG\n-1", was: "bad-issue-key message spread over lines" },
  {
    target: "bfd-waive lines (descriptions and comments) → who stands behind each, work bounded",
    input: Array.from({ length: 2_000 }, (_, i) => `bfd-waive: unknown-rule-${i} because of reasons`).join("\n"),
    was: "one notice per unknown bfd-waive line (20,000 lines took 7.7 s, #22)",
  },
  { target: "projectFromRemoteUrl", input: "git@:acme/acme", was: 'host "https://git@" (the user taken for the host)' },
];

/** Key-like words, each once: the 600 KB branch name that took ten minutes when every key was compared with each before. */
const DISTINCT_KEYS_600KB = Array.from({ length: 60_000 }, (_, i) => `e${i % 997}-${i}`)
  .join("/")
  .slice(0, 600_000);

/** Inputs bfd once read in more than linear time, and what they cost: each must now stay within the scanners' bound. */
const SLOW: { target: string; input: string; was: string }[] = [
  {
    target: "branch name → every key finder, the branch and scope rules",
    input: DISTINCT_KEYS_600KB,
    was: "ten minutes (30 KB: 1.6 s), each key compared with every key before it",
  },
  {
    target: "MR title and description → every key finder and the gates",
    input: `Closes [ENG-1](${"a".repeat(200_000)}`,
    was: "a link destination that never closes, read once per character",
  },
  {
    target: "MR title and description → every key finder and the gates",
    input: `Closes:\n${"- ENG-1, ENG-2 & `ENG-3`\n".repeat(20_000)}`,
    was: "(new) a 500 KB list below a closing word",
  },
];

/** The key finders' fuzz targets with a fixed seed, so the rows in `npm test` are the same every run. */
const KEY_TARGETS = Object.keys(FUZZ_TARGETS).filter((name) => name.includes("key finder"));

describe("key finders stay linear", () => {
  it.each(KEY_TARGETS)("%s, 60 fixed-seed cases", (name) => {
    fc.assert(FUZZ_TARGETS[name]!(fc), { numRuns: 60, seed: 22 });
  });

  it.each(SLOW)("$target on an input that once took $was", ({ target, input }) => {
    fc.assert(FUZZ_TARGETS[target]!(fc), { numRuns: 1, examples: [[input]] });
  });
});

describe("bad input never crashes bfd: it is handled or refused with a one-line BfdError", () => {
  // The key finders' targets run above with a fixed seed (`npm run fuzz` runs them long, like every target).
  for (const [name, target] of Object.entries(FUZZ_TARGETS).filter(([name]) => !KEY_TARGETS.includes(name))) {
    const known = KNOWN_ISSUES[name];
    if (known === undefined) {
      it(name, () => fc.assert(target(fc), { numRuns: NUM_RUNS }));
    } else {
      // Starts from the known input, so it fails every time until the fix lands; then remove the entry.
      it.fails(`${name} (known issue: ${known.issue})`, () =>
        fc.assert(target(fc), { numRuns: NUM_RUNS, examples: [[known.input]] }),
      );
    }
  }

  it.each(FOUND)("stays fixed: $target on an input that once gave $was", ({ target, input }) => {
    fc.assert(FUZZ_TARGETS[target]!(fc), { numRuns: 1, examples: [[input]] });
  });
});
