/**
 * `npm run bench`, the start-up and scale figures (scripts/bench.ts prints them after the network table):
 *
 * - start-up: `node -e 0`, `bfd --version`, `bfd done --snapshot` and `bfd ready --snapshot`, in rounds (each
 *   command once per round, so a busy machine slows all of them alike), medians; twice — with
 *   NODE_EXTRA_CA_CERTS unset ("bare": Node then reads no certificate file at start-up) and as the shell has it
 *   ("as-is") — each ratio against `node -e 0` of the same rounds. bfd's code cache is warm (one run first, in a
 *   fresh cache folder); the cold figure (BFD_CODE_CACHE=0) is printed beside it.
 * - scale: the built CLI over growing inputs — changed files, description sizes, audited issues — wall time and
 *   peak RSS, and the time per unit, which stays flat (or falls) when a row grows linearly or better.
 *
 * Figures only: nothing here is asserted (the tests assert what bfd does, never how fast).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addIssue, emptyWorld, FAKE_LINEAR_API_KEY, startFakeLinear } from "../test/fakes/linear.js";

export interface Run {
  ms: number;
  rssKb: number;
  code: number | null;
  stdout: string;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs `node <args>` with exactly `env`, measuring wall time and (with `rssProbe`) peak RSS. */
export function runNode(
  args: string[],
  options: { cwd: string; env: Record<string, string>; rssProbe?: string; keepStdout?: boolean },
): Promise<Run> {
  const rssFile =
    options.rssProbe === undefined ? undefined : `${options.rssProbe}.${Math.random().toString(36).slice(2)}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      options.rssProbe === undefined ? args : ["--require", options.rssProbe, ...args],
      {
        cwd: options.cwd,
        env: rssFile === undefined ? options.env : { ...options.env, BFD_BENCH_RSS_FILE: rssFile },
        stdio: ["ignore", options.keepStdout === true ? "pipe" : "ignore", "ignore"],
      },
    );
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      let rssKb = Number.NaN;
      if (rssFile !== undefined) {
        try {
          rssKb = Number(readFileSync(rssFile, "utf8"));
        } catch {
          rssKb = Number.NaN;
        }
      }
      resolve({ ms, rssKb, code, stdout });
    });
  });
}

// --- Start-up ------------------------------------------------------------------------------------------------------

export interface StartupFigures {
  env: "bare" | "as-is";
  rounds: number;
  nodeMs: number;
  commands: { name: string; ms: number; ratio: number; target: number | null; coldMs: number; coldRatio: number }[];
}

export async function startup(bin: string, root: string, work: string, rounds: number): Promise<StartupFigures[]> {
  const commands: { name: string; args: string[]; target: number | null; cold: boolean }[] = [
    { name: "bfd --version", args: [bin, "--version"], target: 1.2, cold: false },
    {
      name: "bfd done --snapshot",
      args: [bin, "done", "--snapshot", join(root, "examples", "done-pass.json")],
      target: 2.0,
      cold: true,
    },
    {
      name: "bfd ready --snapshot",
      args: [bin, "ready", "--snapshot", join(root, "examples", "ready-pass.json")],
      target: 2.0,
      cold: true,
    },
  ];
  const figures: StartupFigures[] = [];
  for (const mode of ["bare", "as-is"] as const) {
    const home = join(work, `home-${mode}`);
    mkdirSync(home, { recursive: true });
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" };
    if (mode === "as-is" && process.env.NODE_EXTRA_CA_CERTS !== undefined)
      env.NODE_EXTRA_CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
    const cold = { ...env, BFD_CODE_CACHE: "0" };
    // Warm the file cache and bfd's code cache.
    for (const c of commands) await runNode(c.args, { cwd: root, env });
    const node: number[] = [];
    const warm = commands.map(() => [] as number[]);
    const coldTimes = commands.map(() => [] as number[]);
    for (let round = 0; round < rounds; round += 1) {
      node.push((await runNode(["-e", "0"], { cwd: root, env })).ms);
      for (const [i, c] of commands.entries()) {
        warm[i]!.push((await runNode(c.args, { cwd: root, env })).ms);
        if (c.cold && round % 2 === 0) coldTimes[i]!.push((await runNode(c.args, { cwd: root, env: cold })).ms);
      }
    }
    const nodeMs = median(node);
    figures.push({
      env: mode,
      rounds,
      nodeMs: Math.round(nodeMs),
      commands: commands.map((c, i) => ({
        name: c.name,
        ms: Math.round(median(warm[i]!)),
        ratio: Number((median(warm[i]!) / nodeMs).toFixed(2)),
        target: c.target,
        coldMs: c.cold ? Math.round(median(coldTimes[i]!)) : Number.NaN,
        coldRatio: c.cold ? Number((median(coldTimes[i]!) / nodeMs).toFixed(2)) : Number.NaN,
      })),
    });
  }
  return figures;
}

// --- Scale ---------------------------------------------------------------------------------------------------------

export interface ScaleRow {
  input: string;
  size: number;
  unit: string;
  ms: number;
  peakRssMiB: number;
  /** Milliseconds per `per` units above the smallest row: flat or falling when the row grows linearly or better. */
  msPerUnit: number;
  per: number;
  outcome: string;
}

interface Snapshot {
  issue: { description: string };
  mergeRequest: {
    changes: { oldPath: string; newPath: string; newFile: boolean; deletedFile: boolean; renamedFile: boolean }[];
  };
}

const FOLDERS = [
  "app/models",
  "app/views/admin",
  "src/ui",
  "src/api",
  "lib",
  "docs/guide",
  "spec/models",
  "db/migrate",
];
const EXTENSIONS = [".rb", ".ts", ".tsx", ".erb", ".md", ".sql", ".yml", ".json"];

/** `n` changed files spread over folders and kinds, as a large refactoring or a vendored update has them. */
function changedFiles(n: number): Snapshot["mergeRequest"]["changes"] {
  return Array.from({ length: n }, (_, i) => {
    const path = `${FOLDERS[i % FOLDERS.length]}/part_${Math.floor(i / 64)}/file_${i}${EXTENSIONS[(i * 7) % EXTENSIONS.length]}`;
    return { oldPath: path, newPath: path, newFile: i % 5 === 0, deletedFile: false, renamedFile: false };
  });
}

/**
 * A description of `bytes` characters, of one of two kinds:
 * - `notes`: the example's acceptance criteria, then a `## Notes` section of prose with links and code, short lists
 *   and pasted logs (fenced code) — what a long description usually is;
 * - `criteria`: one acceptance-criteria section that is a list of that length (nested items, tasks, links) — the
 *   worst case, as every rule reading the criteria must parse all of it.
 */
function description(base: string, bytes: number, kind: "notes" | "criteria"): string {
  const notes =
    "Prose with a [link](https://wiki.acme.example/page), `code` and *emphasis*, then a list:\n\n- one point\n- another, with ENG-42 named\n\n```\n2026-11-30T10:00:00Z INFO request served in 12 ms\n2026-11-30T10:00:01Z WARN retry 1 of 3\n```\n\n";
  const criteria =
    "- [x] Admins see [the log](https://app.acme.example/admin/audit) filtered by user\n  - and by `result`\n";
  const head = kind === "notes" ? `${base}\n\n## Notes\n\n` : "Admins see sign-ins.\n\n## Acceptance criteria\n\n";
  const block = kind === "notes" ? notes : criteria;
  return `${head}${block.repeat(Math.max(1, Math.ceil((bytes - head.length) / block.length)))}`.slice(0, bytes);
}

export async function scale(
  bin: string,
  root: string,
  work: string,
  runs: number,
  rssProbe: string,
): Promise<ScaleRow[]> {
  const home = join(work, "home-scale");
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "", HOME: home, NO_COLOR: "1" };
  const example = JSON.parse(readFileSync(join(root, "examples", "done-pass.json"), "utf8")) as Snapshot;
  const rows: ScaleRow[] = [];

  const measure = async (
    args: string[],
    runEnv: Record<string, string>,
    outcome: (stdout: string, code: number | null) => string,
  ): Promise<{ ms: number; rssKb: number; outcome: string }> => {
    await runNode([bin, ...args], { cwd: work, env: runEnv }); // warm: file cache, code cache
    const samples: Run[] = [];
    for (let i = 0; i < runs; i += 1)
      samples.push(await runNode([bin, ...args], { cwd: work, env: runEnv, rssProbe, keepStdout: true }));
    return {
      ms: median(samples.map((s) => s.ms)),
      rssKb: median(samples.map((s) => s.rssKb)),
      outcome: outcome(samples[0]!.stdout, samples[0]!.code),
    };
  };
  const push = (input: string, size: number, unit: string, per: number, m: Awaited<ReturnType<typeof measure>>) => {
    const first = rows.find((r) => r.input === input);
    rows.push({
      input,
      size,
      unit,
      ms: Math.round(m.ms),
      peakRssMiB: Number((m.rssKb / 1024).toFixed(1)),
      msPerUnit:
        first === undefined ? Number.NaN : Number((((m.ms - first.ms) / (size - first.size)) * per).toFixed(2)),
      per,
      outcome: m.outcome,
    });
  };
  const verdict = (stdout: string, code: number | null): string => {
    try {
      const report = JSON.parse(stdout) as { verdict: string; results: { status: string; message: string }[] };
      const errors = report.results.filter((r) => r.status === "error");
      return `exit ${code}, ${report.verdict}${errors.length > 0 ? `; error: ${errors[0]!.message.slice(0, 90)}…` : ""}`;
    } catch {
      return `exit ${code}`;
    }
  };

  for (const n of [100, 1_000, 10_000, 50_000]) {
    const snapshot = structuredClone(example);
    snapshot.mergeRequest.changes = changedFiles(n);
    const file = join(work, `changes-${n}.json`);
    writeFileSync(file, JSON.stringify(snapshot));
    push(
      "changed files (bfd done --snapshot)",
      n,
      "files",
      1_000,
      await measure(["done", "--snapshot", file, "--format", "json"], env, verdict),
    );
  }

  for (const [kind, sizes] of [
    ["notes", [1_000, 10_000, 100_000, 1_000_000, 5_000_000]],
    ["criteria", [10_000, 100_000, 1_000_000]],
  ] as const) {
    for (const bytes of sizes) {
      const snapshot = structuredClone(example);
      snapshot.issue.description = description(example.issue.description, bytes, kind);
      const file = join(work, `description-${kind}-${bytes}.json`);
      writeFileSync(file, JSON.stringify(snapshot));
      push(
        `description: ${kind === "notes" ? "criteria, then notes" : "all one criteria list"} (bfd done --snapshot)`,
        bytes,
        "characters",
        100_000,
        await measure(["done", "--snapshot", file, "--format", "json"], env, verdict),
      );
    }
  }

  const world = emptyWorld();
  const criteria = "Do it.\n\n## Acceptance criteria\n- [ ] it works\n- [ ] it is documented\n";
  for (let i = 1; i <= 1_000; i += 1)
    addIssue(world, {
      identifier: `ENG-${2000 + i}`,
      title: `Backlog item ${i}`,
      stateName: "Ready",
      stateType: "unstarted",
      assigneeId: i % 7 === 0 ? null : world.viewerId,
      description: i % 5 === 0 ? "Just do it." : criteria,
    });
  const linear = await startFakeLinear(world, { maxLifetimeMs: 600_000 });
  try {
    const auditEnv = { ...env, LINEAR_API_KEY: FAKE_LINEAR_API_KEY, LINEAR_API_URL: linear.url };
    for (const n of [250, 500, 1_000]) {
      const before = linear.requestCount();
      const m = await measure(
        ["audit", "--team", "ENG", "--state", "Ready", "--limit", String(n), "--format", "json"],
        auditEnv,
        (stdout, code) => {
          try {
            const out = JSON.parse(stdout) as { summary: { issues: number } };
            return `exit ${code}, ${out.summary.issues} issues`;
          } catch {
            return `exit ${code}`;
          }
        },
      );
      const requests = (linear.requestCount() - before) / (runs + 1);
      push("audited issues (bfd audit, no latency)", n, "issues", 100, {
        ...m,
        outcome: `${m.outcome}, ${requests} Linear requests`,
      });
    }
  } finally {
    await linear.close();
  }
  return rows;
}

// --- Printing ------------------------------------------------------------------------------------------------------

export function printStartup(figures: readonly StartupFigures[]): void {
  for (const f of figures) {
    console.log(
      `\nstart-up, ${f.env === "bare" ? "NODE_EXTRA_CA_CERTS unset" : `NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS === undefined ? "unset here too" : "as set"}`} (${f.env}), median of ${f.rounds} rounds: node -e 0 ${f.nodeMs} ms`,
    );
    for (const c of f.commands)
      console.log(
        `  ${c.name.padEnd(22)} ${String(c.ms).padStart(5)} ms  ${c.ratio.toFixed(2)}×${c.target === null ? "" : ` (target ≤ ${c.target.toFixed(1)}×)`}${Number.isNaN(c.coldMs) ? "" : `   without the code cache ${c.coldMs} ms ${c.coldRatio.toFixed(2)}×`}`,
      );
  }
}

export function printScale(rows: readonly ScaleRow[]): void {
  console.log("\nscale (built CLI, median of the runs; ms/unit: time added per unit over the smallest row)");
  const header = ["input", "size", "wall ms", "peak RSS MiB", "ms per unit", "outcome"];
  const table = rows.map((r) => [
    r.input,
    `${r.size.toLocaleString("en-US")} ${r.unit}`,
    String(r.ms),
    String(r.peakRssMiB),
    Number.isNaN(r.msPerUnit) ? "–" : `${r.msPerUnit} / ${r.per.toLocaleString("en-US")}`,
    r.outcome,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 || i === 5 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  for (const row of table) console.log(line(row));
}
