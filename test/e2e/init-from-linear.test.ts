/**
 * `bfd init --from-linear` as a team runs it on day one, against both loopback fakes: a Linear team whose states
 * carry its own names and a GitLab project that lacks a waiver label. The config it writes makes `bfd doctor` all
 * green; a state the team then removes is named by doctor with the step that creates it. The CLI runs in-process,
 * except the refusal without a terminal, which is the built CLI in a process whose stdin is not one.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_TOKEN,
  fakeProject,
  fakeWorld,
  startFakeGitLab,
  type FakeGitLab,
  type GitLabWorld,
} from "../fakes/gitlab.js";
import {
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  startFakeLinear,
  type FakeLinear,
  type FakeWorkflowState,
  type LinearWorld,
} from "../fakes/linear.js";
import { runCliInProcess, runCliProcess } from "../helpers/cli.js";
import { gitCheckout } from "../helpers/git.js";

/** A team that named its states its own way (Linear lets each team rename and add states). */
const TEAM_STATES: FakeWorkflowState[] = (
  [
    ["Backlog", "backlog"],
    ["Todo", "unstarted"],
    ["In Progress", "started"],
    ["Code Review", "started"],
    ["Blocked", "started"],
    ["Ready for Staging", "started"],
    ["Decision Needed", "started"],
    ["Done", "completed"],
    ["Canceled", "canceled"],
  ] as const
).map(([name, type], position) => ({ name, type, position }));

let gitlab: FakeGitLab;
let linear: FakeLinear;
let world: LinearWorld;
let gitlabWorld: GitLabWorld;

beforeAll(async () => {
  world = emptyWorld();
  world.teams[0]!.states = TEAM_STATES;
  world.teams[0]!.labels = ["Bug"];
  gitlabWorld = fakeWorld({
    projects: [fakeProject("acme/web", { labels: ["Validated-in-Staging", "no-docs", "no-release-notes"] })],
  });
  [gitlab, linear] = await Promise.all([startFakeGitLab(gitlabWorld), startFakeLinear(world)]);
});

afterAll(async () => {
  await Promise.all([gitlab?.close(), linear?.close()]);
});

const env = (): Record<string, string> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: linear.url,
  GITLAB_URL: gitlab.url,
  GITLAB_TOKEN: FAKE_TOKEN,
});

/** `main()` in-process by default (it prints and exits as the built CLI does: test/e2e/built-cli.test.ts). */
const bfd = (args: string[], cwd: string, cli: typeof runCliInProcess = runCliInProcess) =>
  cli(["--timeout", "2", "--deadline", "6", ...args], { cwd, env: env(), timeoutMs: 60_000 });

describe("bfd init --from-linear (loopback fakes)", { timeout: 120_000 }, () => {
  it("writes a config whose doctor run is all green; doctor then names a state the team lacks, with its fix", async () => {
    const repo = gitCheckout("main");
    const dry = await bfd(["init", "--from-linear", "--team", "ENG", "-R", "acme/web", "--dry-run"], repo);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^ {2}mapped +In Review → Code Review \(same words\)$/m);
    expect(dry.stdout).toMatch(/^ {2}missing +no-ops-docs$/m);
    expect(dry.stdout).toContain(
      'label "no-ops-docs" (ops-docs-updated): create it in GitLab: acme/web → Manage → Labels',
    );

    // No terminal to ask and no --yes: refused, nothing written. The built CLI, whose stdin is not a terminal.
    const refused = await bfd(
      ["init", "--from-linear", "--team", "ENG", "-R", "acme/web", "--create-labels"],
      repo,
      runCliProcess,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("there is no terminal to ask");

    const init = await bfd(
      ["init", "--from-linear", "--team", "ENG", "-R", "acme/web", "--create-labels", "--yes"],
      repo,
    );
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain("Created in acme/web: no-ops-docs.");
    const config = readFileSync(join(repo, "bfd.config.yaml"), "utf8");
    expect(config).toContain("# Code Review for In Review (same words)");
    expect(config).toMatch(/^ {6}names: \[Code Review, Blocked, Ready for Staging, Decision Needed, Done\]$/m);
    expect(config).toMatch(/^ {6}label: Validated-in-Staging$/m);
    expect(config).toMatch(/^ {2}readyStates: \[Todo\]$/m);

    // The team commits and merges what init wrote: GitLab now has the MR template and the include.
    const project = gitlabWorld.projects[0]!;
    for (const file of [".gitlab/merge_request_templates/Default.md", ".gitlab-ci.yml"])
      project.files[project.defaultBranch]![file] = readFileSync(join(repo, file), "utf8");
    const green = await bfd(["doctor"], repo);
    expect(green.stdout).toMatch(
      /^✔ Linear workflow: team ENG \(Engineering\) has the 6 workflow states the rules name$/m,
    );
    expect(green.stdout).toMatch(/^✔ GitLab labels: acme\/web has the 4 labels the rules name$/m);
    expect(green.stdout.trimEnd().split("\n").at(-1)).toBe("All good: bfd can read Linear and GitLab.");
    expect(green.code).toBe(0);

    // The team retires a state the rules name: doctor says which, who needs it and where to create it.
    world.teams[0]!.states = TEAM_STATES.filter((s) => s.name !== "Decision Needed");
    const missing = await bfd(["doctor"], repo);
    expect(missing.stdout).toMatch(
      /^✖ Linear state "Decision Needed": not in team ENG's workflow; handoff-state-explicit names it\n {4}Create it in Linear: Settings → Teams → Engineering → Workflow, /m,
    );
    expect(missing.code).toBe(2);
  });
});
