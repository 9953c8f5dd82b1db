/**
 * The built CLI, one run per command as a user runs it (a process, dist/bfd.js), against the same run in-process
 * (`main()` of src/cli.ts, which most end-to-end tests use): exit code, stdout, stderr and the files written must
 * be the same, byte for byte. This keeps every command exercised through the bundle, and keeps the in-process
 * runner honest. Each row is a run of its own, so the rows run concurrently.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_TOKEN, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { ROOT, runCliInProcess, runCliProcess as runCli, tempDir, type CliResult } from "../helpers/cli.js";
import { gitCheckout } from "../helpers/git.js";
import { branchOf, deliveryWorlds, keyOf, PROJECT_ID, PROJECT_PATH } from "../helpers/delivery-world.js";

const PASSING = 400;
const FAILING = 401;
const WORLDS = deliveryWorlds([
  { n: PASSING },
  { n: FAILING, issue: { description: "Admins see sign-ins.\n\n## Acceptance criteria\n\n- [ ] Rows show\n" } },
]);

let linear: FakeLinear;
let gitlab: FakeGitLab;
beforeAll(async () => {
  gitlab = await startFakeGitLab(WORLDS.gitlab);
  linear = await startFakeLinear(WORLDS.linear(gitlab.url));
});
afterAll(async () => {
  await Promise.all([linear.close(), gitlab.close()]);
});

const live = (): Record<string, string> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: linear.url,
  GITLAB_URL: gitlab.url,
  GITLAB_TOKEN: FAKE_TOKEN,
});
const mrUrl = (n: number): string => `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/${n}`;
const ciEnv = (n: number): Record<string, string> => ({
  ...live(),
  GITLAB_CI: "true",
  CI_SERVER_URL: gitlab.url,
  CI_PROJECT_ID: String(PROJECT_ID),
  CI_PROJECT_PATH: PROJECT_PATH,
  CI_PIPELINE_SOURCE: "merge_request_event",
  CI_MERGE_REQUEST_IID: String(n),
  CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: branchOf(n),
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: "main",
  CI_MERGE_REQUEST_TITLE: `${keyOf(n)}: Show sign-in events in the admin audit log`,
});

interface Row {
  name: string;
  args: () => string[];
  env?: () => Record<string, string>;
  /** Run in a fresh folder (a git checkout on this branch, or a plain folder with ""), not the repository. */
  checkout?: string;
  code: number;
  /** Parts of the output that differ from run to run by nature (the snapshot's clock), blanked in both. */
  normalise?: (text: string) => string;
}

const ROWS: Row[] = [
  { name: "ready (Linear)", args: () => ["ready", keyOf(PASSING)], env: live, checkout: branchOf(PASSING), code: 1 },
  {
    name: "ready --format json (Linear)",
    args: () => ["ready", keyOf(FAILING), "--format", "json"],
    env: live,
    code: 1,
  },
  {
    name: "done --mr (Linear + GitLab)",
    args: () => ["done", keyOf(PASSING), "--mr", mrUrl(PASSING)],
    env: live,
    code: 0,
  },
  { name: "done from the branch", args: () => ["done"], env: live, checkout: branchOf(FAILING), code: 1 },
  {
    name: "ci, with every --report",
    args: () => [
      "ci",
      "--report",
      "junit=out/junit.xml",
      "--report",
      "codequality=out/cq.json",
      "--report",
      "markdown=out/report.md",
      "--report",
      "json=out/report.json",
    ],
    env: () => ciEnv(FAILING),
    checkout: "",
    code: 1,
  },
  {
    name: "snapshot",
    args: () => ["snapshot", keyOf(PASSING), "--mr", mrUrl(PASSING)],
    env: live,
    checkout: "",
    code: 0,
    normalise: (text) => text.replace(/"now": "[^"]+"/g, '"now": "…"'),
  },
  {
    name: "handoff",
    args: () => ["handoff", keyOf(PASSING), "--mr", mrUrl(PASSING), "--state", "in-review"],
    env: live,
    checkout: "",
    code: 0,
  },
  {
    name: "audit (Linear)",
    args: () => ["audit", "--team", "ENG", "--all", "--format", "json"],
    env: live,
    checkout: "",
    code: 1,
  },
  {
    name: "staging (GitLab)",
    args: () => ["staging", "--since", "2026-11-05T00:00", "--until", "2026-11-12T00:00", "--format", "json"],
    env: () => ({ ...live(), CI_PROJECT_ID: String(PROJECT_ID) }),
    checkout: "",
    code: 0,
  },
  { name: "done --snapshot (pretty)", args: () => ["done", "--snapshot", "examples/done-fail.json"], code: 1 },
  {
    name: "ready --snapshot --format markdown",
    args: () => ["ready", "--snapshot", "examples/ready-fail.json", "--format", "markdown"],
    code: 1,
  },
  {
    name: "done --snapshot --format junit",
    args: () => ["done", "--snapshot", "examples/done-pass.json", "--format", "junit"],
    code: 0,
  },
  {
    name: "done --snapshot --format codequality",
    args: () => ["done", "--snapshot", "examples/done-fail.json", "--format", "codequality"],
    code: 1,
  },
  {
    name: "handoff --snapshot",
    args: () => ["handoff", "--snapshot", "examples/done-fail.json", "--state", "blocked"],
    code: 0,
  },
  { name: "rules check", args: () => ["rules", "check"], code: 0 },
  { name: "rules list", args: () => ["rules", "list"], code: 0 },
  { name: "rules explain", args: () => ["rules", "explain", "unit-of-work"], code: 0 },
  { name: "rules schema", args: () => ["rules", "schema", "--for", "snapshot"], code: 0 },
  { name: "init --dry-run", args: () => ["init", "--dry-run"], checkout: "main", code: 0 },
  { name: "completion", args: () => ["completion", "bash"], code: 0 },
  { name: "a usage error", args: () => ["ready", "--bogus"], code: 2 },
  { name: "an input error", args: () => ["done", "--snapshot", "no-such-snapshot.json"], code: 2 },
  {
    name: "a setup error (Linear rejects the key)",
    args: () => ["ready", keyOf(PASSING)],
    env: () => ({ ...live(), LINEAR_API_KEY: "lin_api_WrongKey0123456789" }),
    code: 2,
  },
  {
    name: "an upstream error (Linear unreachable)",
    args: () => ["ready", keyOf(PASSING)],
    // Port 1 (tcpmux) is not served on loopback: the connection is refused at once, which is never retried.
    env: () => ({ ...live(), LINEAR_API_URL: "http://127.0.0.1:1/graphql" }),
    code: 3,
  },
];

/** The files a run wrote under its folder, by relative path. */
function filesUnder(dir: string, prefix = ""): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, filesUnder(path, `${prefix}${entry.name}/`));
    else files[`${prefix}${entry.name}`] = readFileSync(path, "utf8");
  }
  return files;
}

describe.concurrent("the built CLI and main() in-process agree", { timeout: 60_000 }, () => {
  it.for(ROWS)("$name", async (row, { expect }) => {
    const folder = (): string => {
      if (row.checkout === undefined) return ROOT;
      const dir = row.checkout === "" ? tempDir("bfd-built-") : gitCheckout(row.checkout);
      mkdirSync(join(dir, "out"));
      return dir;
    };
    const [builtDir, inProcessDir] = [folder(), folder()];
    const run = (how: typeof runCli, cwd: string): Promise<CliResult> =>
      how(row.args(), { cwd, env: row.env?.() ?? {}, timeoutMs: 45_000 });
    const [built, inProcess] = await Promise.all([run(runCli, builtDir), run(runCliInProcess, inProcessDir)]);
    const normalise = row.normalise ?? ((text: string) => text);
    const seen = (r: CliResult, dir: string) => ({
      code: r.code,
      stdout: normalise(r.stdout.split(dir).join("<cwd>")),
      stderr: r.stderr.split(dir).join("<cwd>"),
      files: dir === ROOT ? {} : filesUnder(dir),
    });
    expect(built.code, `${built.stdout}\n${built.stderr}`).toBe(row.code);
    expect(seen(inProcess, inProcessDir)).toEqual(seen(built, builtDir));
  });
});

describe("the in-process runner", () => {
  it("prints the version, and help through main()'s stdout, as the built CLI does", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(await runCliInProcess(["--version"])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    // Help is written by commander: in-process it must reach main()'s stdout, at the same width, with the same code.
    for (const args of [["--help"], ["ready", "--help"], ["rules", "--help"], ["help", "done"], [], ["rules"]]) {
      const inProcess = await runCliInProcess(args);
      const built = await runCli(args);
      expect(inProcess, `bfd ${args.join(" ")}`).toEqual(built);
    }
    expect((await runCliInProcess(["ready", "--help"])).stdout).toContain("Usage: bfd ready");
  });
});

describe("the built CLI's code cache", () => {
  const snapshot = join(ROOT, "examples", "done-fail.json");
  const gate = ["done", "--snapshot", snapshot, "--format", "json"];

  it("lives in $HOME/.cache/bfd or $XDG_CACHE_HOME/bfd, and changes nothing bfd prints", async () => {
    const home = tempDir("bfd-home-");
    const without = await runCli(gate, { env: { HOME: home, BFD_CODE_CACHE: "0" } });
    expect(existsSync(join(home, ".cache"))).toBe(false);
    const first = await runCli(gate, { env: { HOME: home } });
    const cached = readdirSync(join(home, ".cache", "bfd"));
    expect(cached).toEqual([
      expect.stringMatching(/^\d+\.\d+\.\d+-v\d+\.\d+\.\d+-\w+-[0-9a-f]+\.[0-9a-f]{8}\.bfd\.done-snapshot\.v8$/),
    ]);
    const second = await runCli(gate, { env: { HOME: home } });
    for (const run of [first, second]) expect(run).toEqual(without);
    expect(without.code).toBe(1);

    const xdg = tempDir("bfd-xdg-");
    await runCli(["ready", "--snapshot", join(ROOT, "examples", "ready-pass.json")], {
      env: { HOME: home, XDG_CACHE_HOME: xdg },
    });
    expect(readdirSync(join(xdg, "bfd"))).toEqual([expect.stringMatching(/\.bfd\.ready-snapshot\.v8$/)]);
  });

  it("replaces a damaged cache file and prints the same", async () => {
    const home = tempDir("bfd-home-");
    const clean = await runCli(gate, { env: { HOME: home } });
    const [name] = readdirSync(join(home, ".cache", "bfd"));
    writeFileSync(join(home, ".cache", "bfd", name!), "damaged");
    expect(await runCli(gate, { env: { HOME: home } })).toEqual(clean);
    expect(readFileSync(join(home, ".cache", "bfd", name!), "utf8")).not.toBe("damaged");
    expect(await runCli(gate, { env: { HOME: home } })).toEqual(clean);
  });

  it("runs from a read-only install with no writable home, silently, writing nothing next to itself", async () => {
    const installed = join(tempDir("bfd-installed-"), "bfd");
    for (const part of ["dist", "rules", "examples"])
      cpSync(join(ROOT, part), join(installed, part), { recursive: true });
    const readOnly = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) readOnly(join(dir, entry.name));
      chmodSync(dir, 0o555);
    };
    readOnly(installed);
    const home = join(tempDir("bfd-home-"), "blocked");
    writeFileSync(home, "a file where the home folder would be");
    const before = readdirSync(join(installed, "dist"), { recursive: true }).sort();
    const result = await runCli(gate, { cwd: installed, env: { HOME: home } });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ gate: "done", verdict: "fail" });
    expect(readdirSync(join(installed, "dist"), { recursive: true }).sort()).toEqual(before);
  });
});
