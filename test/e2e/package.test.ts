/**
 * The package as a team gets it: `npm pack` of the built dist/ (with --ignore-scripts: `npm test` has just built
 * it, and prepack would only build it again), installed offline into empty folders — once with
 * scripts/install-packed.sh, the install step of the container image, and once as a project dependency — then run.
 * The component's own job script runs here too, with the installed bfd on PATH, against the loopback fakes.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_JOB_TOKEN,
  FAKE_TOKEN,
  fakeJob,
  fakePipeline,
  startFakeGitLab,
  type FakeGitLab,
} from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { ROOT, tempDir, type CliResult } from "../helpers/cli.js";
import { deliveryWorlds, PROJECT_ID, PROJECT_PATH } from "../helpers/delivery-world.js";
import { defaultInputs, interpolate, readComponent, resolveJob } from "../helpers/gitlab-ci.js";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const INSTALLED = (prefix: string): string => join(prefix, "lib", "node_modules", "@bfd-tools", "bfd");

interface PackedFile {
  path: string;
}
interface Packed {
  filename: string;
  size: number;
  files: PackedFile[];
}

let packed: Packed;
let tarball: string;
let prefix: string;
let installLog: string;

/**
 * One HOME for every run of the installed bfd, as on a runner's machine: the first run leaves V8's code cache in
 * ~/.cache/bfd and the others start from it (a fresh HOME a run compiled the whole bundle each time; that the cache
 * changes nothing bfd prints is test/e2e/built-cli.test.ts's job).
 */
const HOME = tempDir("bfd-home-");

/** Runs a program the way a shell in a CI job would: only the environment given, plus PATH. */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; path?: string },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: options.path ?? process.env.PATH ?? "", HOME, NO_COLOR: "1", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  const out = tempDir("bfd-pack-");
  const json = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", out], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "ignore"],
  }).toString();
  packed = (JSON.parse(json) as Packed[])[0]!;
  tarball = join(out, packed.filename);
  prefix = join(tempDir("bfd-prefix-"), "opt-bfd");
  installLog = execFileSync("sh", [join(ROOT, "scripts", "install-packed.sh"), tarball, prefix], {
    cwd: out,
    env: { ...process.env, npm_config_cache: join(out, "npm-cache") },
  }).toString();
}, 120_000);

describe("the packed package", () => {
  it("is named @bfd-tools/bfd and ships the CLI, rules, schemas, examples, docs and LICENSE — no source maps or sources", () => {
    expect(packed.filename).toBe(`bfd-tools-bfd-${VERSION}.tgz`);
    const paths = packed.files.map((f) => f.path);
    for (const required of [
      "dist/bfd.js",
      "dist/builtin-rules.json",
      "rules/ready.yaml",
      "rules/done.yaml",
      "schemas/config.schema.json",
      "examples/done-fail.json",
      "examples/ready-pass.json",
      "docs/process.md",
      "LICENSE",
      "README.md",
    ])
      expect(paths).toContain(required);
    expect(paths.filter((p) => p.endsWith(".map") || /^(src|test|scripts|templates)\//.test(p))).toEqual([]);
  });

  it("installs offline as one package: everything it runs is inlined in the bundle", () => {
    expect(installLog).toContain("added 1 package");
    const manifest = JSON.parse(readFileSync(join(INSTALLED(prefix), "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies).toBeUndefined();
    expect(existsSync(join(INSTALLED(prefix), "node_modules"))).toBe(false);
  });

  it.each([
    [["--version"], 0, VERSION],
    [["done", "--snapshot", "examples/done-pass.json"], 0, "Done criteria met"],
    [["done", "--snapshot", "examples/done-fail.json"], 1, "(validated-in-pipeline)"],
    [["ready", "--snapshot", "examples/ready-pass.json"], 0, "(acceptance-criteria-present)"],
    [["rules", "check"], 0, "rules valid"],
  ])("the installed bfd runs %j on its shipped examples (exit %i)", async (args, code, output) => {
    const result = await run(join(prefix, "bin", "bfd"), args, { cwd: INSTALLED(prefix) });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(output);
  });

  it("serves bfd mcp from the installed package: the MCP SDK is inlined too", async () => {
    const child = spawn(join(prefix, "bin", "bfd"), ["mcp"], {
      cwd: tempDir("bfd-mcp-"),
      env: { PATH: process.env.PATH ?? "", HOME },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const firstLine = new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      child.on("error", reject);
      child.on("close", () => reject(new Error(`bfd mcp exited before answering: ${out}`)));
    });
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "package-test", version: "1" } },
    };
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    try {
      const answer = JSON.parse(await firstLine) as { id: number; result?: { serverInfo?: { version?: string } } };
      expect(answer.id).toBe(1);
      expect(answer.result?.serverInfo?.version).toBe(VERSION);
    } finally {
      child.kill();
    }
  });

  it("runs with --debug although the source maps are not shipped", async () => {
    const result = await run(join(prefix, "bin", "bfd"), ["done", "--snapshot", "missing.json", "--debug"], {
      cwd: tempDir("bfd-empty-"),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing.json");
    expect(result.stderr).not.toMatch(/\.map|internal error/i);
  });

  it("installs into an empty project offline with npm install <tarball>, as a team adds it", async () => {
    const project = tempDir("bfd-project-");
    writeFileSync(join(project, "package.json"), '{ "name": "team-app", "private": true }\n');
    const install = await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--save-dev", tarball], {
      cwd: project,
      env: { npm_config_cache: join(project, ".npm") },
    });
    expect(install.code, install.stderr).toBe(0);
    expect(readdirSync(join(project, "node_modules")).filter((name) => !name.startsWith("."))).toEqual(["@bfd-tools"]);
    const bfd = join(project, "node_modules", ".bin", "bfd");
    const done = await run(bfd, ["done", "--snapshot", "node_modules/@bfd-tools/bfd/examples/done-fail.json"], {
      cwd: project,
    });
    expect(done.code).toBe(1);
    expect((await run(bfd, ["--version"], { cwd: project })).stdout.trim()).toBe(VERSION);
  });

  it("is the size the README says, give or take a quarter, and one installed package", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const stated = /\*\*(\d+) kB\*\* packed/.exec(readme);
    expect(stated, "README states the packed size as **N kB** packed").not.toBeNull();
    const kB = packed.size / 1000;
    expect(kB).toBeGreaterThan(Number(stated![1]) * 0.75);
    expect(kB).toBeLessThan(Number(stated![1]) * 1.25);
    expect(readme).toContain("installs **1 package**");
  });
});

describe("the container image's recipe", () => {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");

  it("installs the packed tarball with scripts/install-packed.sh, never the source tree", () => {
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].map((m) => m[1]);
    expect(copies).toEqual(["scripts/install-packed.sh", "bfd-tools-bfd-*.tgz"]);
    expect(dockerfile).toMatch(/^RUN .*sh install-packed\.sh "\$1" \/opt\/bfd$/m);
    const context = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .filter((l) => l !== "" && !l.startsWith("#"));
    expect(context).toEqual(["*", "!scripts/install-packed.sh", "!bfd-tools-bfd-*.tgz"]);
  });

  it("is multi-stage on Node 26 (Active LTS), runs as a non-root user, and has bfd as its entrypoint", () => {
    expect(dockerfile).toContain("ARG NODE_VERSION=26\n");
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual([
      "node:${NODE_VERSION}-alpine",
      "node:${NODE_VERSION}-alpine",
    ]);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["bfd"\]$/m);
    // bfd serve's default port, so `docker run -P` and orchestrators find it.
    expect(dockerfile).toMatch(/^EXPOSE 8080$/m);
    expect(dockerfile).toContain("ENV PATH=/opt/bfd/bin:$PATH");
  });
});

describe("the component's job script, with the installed bfd, against the fakes", () => {
  let gitlab: FakeGitLab;
  let linear: FakeLinear;
  // The pipeline the job runs in holds the team's passing job: a pipeline where nothing ran never passes.
  const ranUnit = (n: number) =>
    fakePipeline(88_000 + n, "running", PROJECT_PATH, { jobs: [fakeJob("unit", "success")] });
  const worlds = deliveryWorlds([
    { n: 500, mr: { headPipeline: ranUnit(500) } },
    // Fails on the description, not the pipeline: bfd ci judges the pipeline it runs in by its jobs.
    { n: 501, mr: { headPipeline: ranUnit(501), description: "Closes ENG-501\n\nNo word on how it was tested." } },
  ]);

  beforeAll(async () => {
    gitlab = await startFakeGitLab(worlds.gitlab);
    linear = await startFakeLinear(worlds.linear(gitlab.url));
  });
  afterAll(async () => {
    await Promise.all([gitlab.close(), linear.close()]);
  });

  /** The `bfd` job's script as GitLab would hand it to the runner with these inputs. */
  function jobScript(inputs: Record<string, string | boolean> = {}): string {
    const component = readComponent("templates/bfd.yml");
    const config = interpolate(component.body, { ...defaultInputs(component.inputs), ...inputs });
    return (resolveJob(config as Record<string, unknown>, "bfd").script as string[]).join("\n");
  }

  /** The predefined variables of a merge-request pipeline job, plus the two masked variables a team sets. */
  function jobEnv(n: number, serverUrl = gitlab.url): Record<string, string> {
    const mr = gitlab.world.mergeRequests.find((m) => m.iid === n)!;
    return {
      CI: "true",
      GITLAB_CI: "true",
      CI_SERVER_URL: serverUrl,
      CI_PROJECT_ID: String(PROJECT_ID),
      CI_PROJECT_PATH: PROJECT_PATH,
      CI_PIPELINE_SOURCE: "merge_request_event",
      // In a merge-request pipeline the MR's head pipeline is the one the job runs in.
      CI_PIPELINE_ID: String(mr.headPipeline?.id ?? 6000),
      CI_COMMIT_SHA: mr.sha,
      CI_MERGE_REQUEST_IID: String(n),
      CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
      CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: mr.sourceBranch,
      CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
      CI_MERGE_REQUEST_LABELS: mr.labels.join(","),
      CI_JOB_TOKEN: FAKE_JOB_TOKEN,
      GITLAB_TOKEN: FAKE_TOKEN,
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: linear.url,
      BFD_TIMEOUT: "2",
      BFD_DEADLINE: "10",
    };
  }

  const runJob = (script: string, env: Record<string, string>, cwd: string): Promise<CliResult> =>
    run("sh", ["-e", "-c", script], { cwd, env, path: `${join(prefix, "bin")}:${process.env.PATH ?? ""}` });

  it.each([
    [500, 0, "passes"],
    [501, 1, "fails"],
  ])(
    "MR !%i: the job exits %i (it %s) and leaves all three reports where the artifacts expect them",
    async (n, code) => {
      const checkout = tempDir("bfd-job-");
      const result = await runJob(jobScript(), jobEnv(n), checkout);
      expect(result.code, result.stderr).toBe(code);
      for (const report of ["bfd-junit.xml", "gl-code-quality-report.json", "bfd-report.md"])
        expect(existsSync(join(checkout, report)), report).toBe(true);
      expect(gitlab.requests.some((r) => r.method === "POST" && r.path.endsWith(`/merge_requests/${n}/notes`))).toBe(
        true,
      );
    },
  );

  it("posts no note on the merge request with comment: false", async () => {
    const before = gitlab.requests.length;
    const result = await runJob(jobScript({ comment: false }), jobEnv(500), tempDir("bfd-job-"));
    expect(result.code, result.stderr).toBe(0);
    expect(gitlab.requests.slice(before).filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("exits 3, the code allow_outage lets fail open, when GitLab cannot be reached", async () => {
    const down = await startFakeGitLab(worlds.gitlab);
    const deadUrl = down.url;
    await down.close();
    const result = await runJob(jobScript(), jobEnv(500, deadUrl), tempDir("bfd-job-"));
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain("GitLab");
  });
});
