/**
 * `bfd doctor` as a user runs it, against both loopback fakes (started once for the file), one run per setup, all at
 * once. Each run names the variable that is missing or rejected, and exits 0 (all good), 2 (a setup problem) or 3 (a
 * service that could not be used). The all-good run is the built CLI in a process of its own (the bundle's path); the
 * others run `main()` in-process, which prints and exits the same (test/e2e/built-cli.test.ts) for a fraction of the CPU.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { FAKE_JOB_TOKEN, fakeProject, fakeWorld, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import { emptyWorld, FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { GITLAB_CI_FILE, gitlabCiTemplate, MR_TEMPLATE_FILE, mergeRequestTemplate } from "../../src/init/scaffold.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { ROOT, runCliInProcess, runCliProcess, tempDir, type CliResult } from "../helpers/cli.js";
import { gitCheckout } from "../helpers/git.js";

/** Not token-shaped, so only the run's own redaction of GITLAB_TOKEN could hide it: it must never get that far. */
const GOOD_TOKEN = "doctor-good-token-0001";
const READ_USER_TOKEN = "doctor-read-user-token-0001";
/** What `bfd init` writes, as merged to the default branch: the MR template and the component include. */
function scaffolded(): Record<string, string> {
  const builtin = builtinRuleFiles(ROOT, join(ROOT, "rules"));
  const rules = loadRuleSet({ builtinFiles: builtin, configFile: null, readRuleFile: () => null }).rules;
  return { [MR_TEMPLATE_FILE]: mergeRequestTemplate(rules), [GITLAB_CI_FILE]: gitlabCiTemplate("1.0.0") };
}

/** The GitLab labels the built-in rules name (docs/configuration.md). */
const PROCESS_LABELS = ["Validated in Staging", "no-release-notes", "no-docs", "no-ops-docs"];

let gitlab: FakeGitLab;
let linear: FakeLinear;
let cwd: string;
let closedPort: number;

/** A port nothing listens on: connecting is refused at once. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  [gitlab, linear, closedPort] = await Promise.all([
    startFakeGitLab(
      fakeWorld({
        projects: [fakeProject("acme/web", { id: 4242, labels: PROCESS_LABELS, files: { main: scaffolded() } })],
      }),
      {
        enforceScopes: true,
        tokens: {
          [GOOD_TOKEN]: { userId: 1, kind: "personal", name: "bfd-doctor", scopes: ["api"], expiresAt: "2099-01-01" },
          [READ_USER_TOKEN]: { userId: 1, kind: "personal", name: "read-user-only", scopes: ["read_user"] },
          [FAKE_JOB_TOKEN]: { userId: 1, kind: "job" },
        },
      },
    ),
    startFakeLinear(emptyWorld()),
    freePort(),
  ]);
  // Not a git checkout; the team config names the project.
  cwd = tempDir("bfd-doctor-");
  writeFileSync(join(cwd, "bfd.config.yaml"), "gitlab:\n  project: acme/web\nlinear:\n  team: ENG\n");
});

afterAll(async () => {
  await Promise.all([gitlab?.close(), linear?.close()]);
});

function doctor(
  env: Record<string, string | undefined>,
  args: string[] = [],
  where = cwd,
  run: typeof runCliInProcess = runCliInProcess,
): Promise<CliResult> {
  return run(["--timeout", "2", "--deadline", "4", "doctor", ...args], {
    cwd: where,
    env: {
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: linear.url,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: GOOD_TOKEN,
      ...env,
    },
    timeoutMs: 60_000,
  });
}

/** The line of one check, e.g. `✖ GITLAB_TOKEN: …`, and the indented fix lines under it. */
function lineOf(stdout: string, title: string): string {
  const lines = stdout.split("\n");
  const at = lines.findIndex((l) => l.slice(2).startsWith(`${title}: `));
  if (at === -1) return "";
  const fix = lines.slice(at + 1).filter((_, i, rest) => rest.slice(0, i + 1).every((l) => l.startsWith("    ")));
  return [lines[at], ...fix].join("\n");
}

describe.concurrent("bfd doctor (loopback fakes)", { timeout: 90_000 }, () => {
  it("all good (the built CLI): one passing line per check, exit 0", async ({ expect }) => {
    const result = await doctor({}, [], cwd, runCliProcess);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n").slice(0, 10)).toEqual([
      expect.stringMatching(
        /^✔ Config and rules: bfd\.config\.yaml over the built-in rules · \d+ ready and \d+ done rules in force · waivers count only when someone other than the MR's author stands behind them \(their label, bfd-waive comment or approval\)$/,
      ),
      expect.stringMatching(
        /^✔ LINEAR_API_KEY: logged in to Linear at http:\/\/127\.0\.0\.1:\d+\/graphql \(LINEAR_API_URL\) as Ada Lovelace \(ada@acme\.example\)$/,
      ),
      expect.stringMatching(
        /^✔ Linear budget: [\d,]+ of 2,500 requests and [\d,]+ of 3,000,000 complexity points left · full again in \d+ min$/,
      ),
      `✔ GitLab host: ${gitlab.url} (from GITLAB_URL)`,
      expect.stringMatching(
        /^✔ GITLAB_TOKEN: logged in to GitLab as bfd-bot · token "bfd-doctor" · scopes api · expires 2099-01-01 \(in [\d,]+ days\)$/,
      ),
      "✔ GitLab project: acme/web (id 4242, from gitlab.project in bfd.config.yaml) is readable with the token · default branch main",
      "✔ Linear workflow: team ENG (Engineering) has the 5 workflow states the rules name",
      "✔ GitLab labels: acme/web has the 4 labels the rules name",
      expect.stringMatching(
        /^✔ MR template: \.gitlab\/merge_request_templates\/Default\.md has the \d+ sections? the Done gate reads$/,
      ),
      "✔ CI/CD component: .gitlab-ci.yml on the default branch runs bfd ci",
    ]);
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("All good: bfd can read Linear and GitLab.");
    expect(result.stdout).not.toContain("[REDACTED]");
    expect(result.code).toBe(0);
  });

  it("in a clone without GITLAB_URL or config: host and project from the origin remote", async ({ expect }) => {
    const clone = gitCheckout("main", `${gitlab.url}/acme/web.git`);
    const result = await doctor({ GITLAB_URL: undefined }, [], clone);
    expect(result.stdout).toContain("✔ Config and rules: no bfd.config.yaml: built-in rules only · ");
    expect(result.stdout).toContain(`✔ GitLab host: ${gitlab.url} (from the origin remote)\n`);
    expect(result.stdout).toContain("✔ GitLab project: acme/web (id 4242, from the origin remote) is readable");
    expect(result.code).toBe(0);
  });

  it("LINEAR_API_KEY missing → exit 2, naming it and how to set it", async ({ expect }) => {
    const result = await doctor({ LINEAR_API_KEY: undefined });
    expect(lineOf(result.stdout, "LINEAR_API_KEY")).toMatch(
      /^✖ LINEAR_API_KEY: not set: bfd reads issues from Linear with it\n {4}Create a personal API key in Linear .* export LINEAR_API_KEY=lin_api_…$/,
    );
    expect(result.stdout).toMatch(/^! Linear budget: not checked/m);
    expect(result.stdout).toMatch(/^✔ GITLAB_TOKEN: /m);
    expect(result.code).toBe(2);
  });

  it("LINEAR_API_KEY rejected → exit 2, naming it", async ({ expect }) => {
    const result = await doctor({ LINEAR_API_KEY: "lin_api_RejectedKey0123456789abcdef" });
    expect(lineOf(result.stdout, "LINEAR_API_KEY")).toMatch(
      /^✖ LINEAR_API_KEY: Linear rejected the key: it is wrong, revoked, or for another workspace\n {4}.*export LINEAR_API_KEY=/,
    );
    expect(result.stdout).toMatch(/^! Linear budget: not checked: needs a working LINEAR_API_KEY/m);
    expect(result.stdout).toMatch(/^✔ GitLab project: /m);
    expect(result.code).toBe(2);
  });

  it("GITLAB_TOKEN missing → exit 2, naming it; the host is resolved but not contacted", async ({ expect }) => {
    const result = await doctor({ GITLAB_TOKEN: undefined });
    expect(lineOf(result.stdout, "GITLAB_TOKEN")).toMatch(
      /^✖ GITLAB_TOKEN: not set: bfd reads merge requests from GitLab with it\n {4}.*read_api scope.*export GITLAB_TOKEN=glpat-…$/,
    );
    expect(result.stdout).toContain(`✔ GitLab host: ${gitlab.url} (from GITLAB_URL); not contacted`);
    expect(result.stdout).toMatch(/^! GitLab project: acme\/web .*; not read: needs a usable GITLAB_TOKEN/m);
    expect(result.stdout).toMatch(/^✔ LINEAR_API_KEY: /m);
    expect(result.code).toBe(2);
  });

  it("only CI_JOB_TOKEN → exit 2, saying what it cannot do", async ({ expect }) => {
    const result = await doctor({ GITLAB_TOKEN: undefined, CI_JOB_TOKEN: FAKE_JOB_TOKEN, GITLAB_CI: "true" });
    expect(lineOf(result.stdout, "GITLAB_TOKEN")).toMatch(
      /^✖ GITLAB_TOKEN: not set, and CI_JOB_TOKEN alone is not enough: CI_JOB_TOKEN cannot read merge requests.*\n {4}Add a masked CI\/CD variable GITLAB_TOKEN/,
    );
    expect(result.code).toBe(2);
  });

  it("GITLAB_TOKEN rejected → exit 2, naming it", async ({ expect }) => {
    const result = await doctor({ GITLAB_TOKEN: "doctor-unknown-token-0000" });
    expect(lineOf(result.stdout, "GITLAB_TOKEN")).toMatch(
      new RegExp(
        `^✖ GITLAB_TOKEN: ${gitlab.url.replace(/\./g, "\\.")} rejected the token \\(HTTP 401\\).*\\n {4}.*export GITLAB_TOKEN=`,
      ),
    );
    expect(result.stdout).toMatch(/^! GitLab project: acme\/web .*; not read: GitLab rejected the token/m);
    expect(result.stdout).toMatch(/^✔ LINEAR_API_KEY: /m);
    expect(result.code).toBe(2);
  });

  it("a token without read_api → exit 2, naming the scope", async ({ expect }) => {
    const result = await doctor({ GITLAB_TOKEN: READ_USER_TOKEN });
    expect(lineOf(result.stdout, "GITLAB_TOKEN")).toMatch(
      /^✖ GITLAB_TOKEN: token "read-user-only" lacks the read_api scope \(it has read_user\): bfd cannot read merge requests with it\n {4}.*read_api/,
    );
    // What GitLab itself answers when the project is read with it (403 insufficient_scope).
    expect(result.stdout).toMatch(/^✖ GitLab project: acme\/web .*it lacks the read_api scope$/m);
    expect(result.code).toBe(2);
  });

  it("GitLab unreachable (a closed port) → exit 3, naming GitLab", async ({ expect }) => {
    const url = `http://127.0.0.1:${closedPort}`;
    const result = await doctor({ GITLAB_URL: url });
    expect(lineOf(result.stdout, "GitLab host")).toMatch(
      new RegExp(
        `^✖ GitLab host: ${url.replace(/\./g, "\\.")} \\(from GITLAB_URL\\): Could not reach GitLab at .*ECONNREFUSED`,
      ),
    );
    expect(result.stdout).toMatch(/^! GITLAB_TOKEN: not checked: GitLab could not be used/m);
    expect(result.stdout).toMatch(/^! GitLab project: acme\/web .*; not read: GitLab could not be used/m);
    expect(result.stdout).toMatch(/^✔ LINEAR_API_KEY: /m);
    expect(result.code).toBe(3);
  });

  it("a setup problem beats an unreachable service: exit 2", async ({ expect }) => {
    const result = await doctor({ GITLAB_URL: `http://127.0.0.1:${closedPort}`, LINEAR_API_KEY: undefined });
    expect(result.stdout).toMatch(/^✖ LINEAR_API_KEY: /m);
    expect(result.stdout).toMatch(/^✖ GitLab host: /m);
    expect(result.code).toBe(2);
  });

  it.for([
    { name: "all good", env: {}, code: 0 },
    { name: "a rejected GITLAB_TOKEN", env: { GITLAB_TOKEN: "doctor-unknown-token-0000" }, code: 2 },
  ])("--format json ($name) is the stable shape, with no token anywhere", async ({ env, code }, { expect }) => {
    const result = await doctor(env, ["--format", "json"]);
    const json = JSON.parse(result.stdout) as { schemaVersion: number; ok: boolean; checks: Record<string, unknown>[] };
    expect(json).toEqual({ schemaVersion: 1, ok: code === 0, checks: expect.any(Array) });
    expect(json.checks.map((c) => c.id)).toEqual([
      "config",
      "linear-key",
      "linear-budget",
      "gitlab-host",
      "gitlab-token",
      "gitlab-project",
      "linear-workflow",
      "gitlab-labels",
      "mr-template",
      "ci-include",
    ]);
    for (const check of json.checks) {
      expect(Object.keys(check).sort()).toEqual(
        check.fix === undefined ? ["detail", "id", "status", "title"] : ["detail", "fix", "id", "status", "title"],
      );
      expect(["pass", "warn", "fail"]).toContain(check.status);
    }
    const token = env.GITLAB_TOKEN ?? GOOD_TOKEN;
    for (const secret of [token, FAKE_LINEAR_API_KEY]) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
    // Never even handed to the redactor: nothing was hidden.
    expect(result.stdout).not.toContain("[REDACTED]");
    expect(result.code).toBe(code);
  });
});
