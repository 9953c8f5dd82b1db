import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addIssue,
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeIssue,
  type FakeLinear,
  type LinearWorld,
} from "../fakes/linear.js";
import { BIN, runCli, runCliInProcess } from "../helpers/cli.js";
import { gitChange } from "../helpers/git.js";

const SPEC =
  "## Specification\n\nAnswers the [Index Challenge IC-9](https://wiki.acme.example/index/challenges/IC-9). Admins export the audit log as CSV, filtered.";
const READY_DESCRIPTION =
  "As an admin I export the audit log.\n\n## Acceptance criteria\n- [ ] CSV has one row per event\n- [ ] Filters apply to the export\n\nBuilds on ENG-120.\n";
const GRACE = {
  id: "a5e4grace-0000-4000-8000-000000000001",
  name: "Grace Hopper",
  displayName: "grace",
  email: "grace@acme.example",
};

function world(): LinearWorld {
  const w = emptyWorld();
  w.users.push(GRACE);
  w.projects.push({
    id: "prj-spec",
    name: "Audit export",
    url: "https://linear.app/acme/project/audit-export",
    description: "",
    content: SPEC,
    documents: [],
    externalLinks: [],
  });
  addIssue(w, { identifier: "ENG-120", title: "Events table", stateName: "Done", stateType: "completed" });
  const ready = (identifier: string, extra: Partial<FakeIssue> = {}): void => {
    addIssue(w, {
      projectId: "prj-spec",
      description: READY_DESCRIPTION,
      estimate: 3,
      stateName: "Todo",
      stateType: "unstarted",
      identifier,
      title: `Export audit log ${identifier}`,
      branchName: `ada/${identifier.toLowerCase()}-export-audit-log`,
      ...extra,
    });
    relate(w, "ENG-120", "blocks", identifier);
  };
  ready("ENG-200");
  ready("ENG-201", { description: "Make the export nicer." });
  ready("ENG-202", { assigneeId: GRACE.id });
  ready("ENG-203");
  ready("ENG-204");
  ready("ENG-205", { stateName: "In Review", stateType: "started" });
  ready("ENG-206");
  ready("ENG-207");
  ready("ENG-208", { description: "Make the export nicer." });
  return w;
}

let linear: FakeLinear;
beforeAll(async () => {
  linear = await startFakeLinear(world());
});
afterAll(async () => linear.close());

/** A checkout on main with one commit: what a developer has before picking work up. */
function checkout(): { dir: string; git: (...args: string[]) => string } {
  const { dir } = gitChange({ "README.md": "hello\n" }, {});
  const git = (...args: string[]): string =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8", env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" } }).trim();
  return { dir, git };
}

/**
 * `bfd start` in-process (main() of src/cli.ts, the same git and Linear calls): the built CLI adds ≈ 0.3 s of CPU a
 * run and nothing this file asserts; the first test runs the built CLI (`startBuilt`), so the bundle's path stays
 * covered.
 */
async function start(dir: string, ...args: string[]) {
  return startWith(runCliInProcess, dir, args);
}

/** `bfd start` as the built CLI in a process of its own, as a developer runs it. */
async function startBuilt(dir: string, ...args: string[]) {
  return startWith(runCli, dir, args);
}

async function startWith(run: typeof runCli, dir: string, args: string[]) {
  const before = linear.requests.length;
  const result = await run(["start", ...args], {
    cwd: dir,
    env: { LINEAR_API_KEY: FAKE_LINEAR_API_KEY, LINEAR_API_URL: linear.url },
  });
  const writes = linear.requests
    .slice(before)
    .map((request) => request.operationName ?? "")
    .filter((name) => /^BfdUpdate|^BfdCreate/.test(name));
  return { ...result, writes };
}

const issue = (key: string): FakeIssue => linear.world.issues.find((candidate) => candidate.identifier === key)!;
const commentsOn = (key: string) => linear.world.comments.filter((comment) => comment.issueId === issue(key).id);

describe("bfd start (real git checkout, loopback Linear)", () => {
  it("starts a ready issue (the built CLI): Linear's branch from HEAD, assigned to the key's user, first started state", async () => {
    const { dir, git } = checkout();
    const first = await startBuilt(dir, "ENG-200");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("created ada/eng-200-export-audit-log from main");
    expect(first.stdout).toContain("moved Todo → In Progress");
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("ada/eng-200-export-audit-log");
    expect(issue("ENG-200")).toMatchObject({ assigneeId: linear.world.viewerId, stateName: "In Progress" });
    // Assignee and state travel in ONE issueUpdate.
    expect(first.writes).toEqual(["BfdUpdateIssue"]);

    const second = await start(dir, "ENG-200");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("already started — nothing written");
    expect(second.writes).toEqual([]);
  });

  it("--dry-run prints the plan and writes nothing, to git or Linear", async () => {
    const { dir, git } = checkout();
    const { code, stdout, writes } = await start(dir, "ENG-203", "--dry-run");
    expect(code).toBe(0);
    expect(stdout).toContain("dry run: nothing written");
    expect(stdout).toContain("would create ada/eng-203-export-audit-log from main");
    expect(stdout).toContain("would assign to Ada Lovelace");
    expect(stdout).toContain("would move Todo → In Progress");
    expect(writes).toEqual([]);
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(issue("ENG-203")).toMatchObject({ assigneeId: null, stateName: "Todo" });
  });

  it("refuses a not-ready issue with the checklist (exit 1), writing nothing", async () => {
    const { dir, git } = checkout();
    const { code, stdout, writes } = await start(dir, "ENG-201");
    expect(code).toBe(1);
    expect(stdout).toContain("acceptance-criteria-present");
    expect(writes).toEqual([]);
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(issue("ENG-201")).toMatchObject({ assigneeId: null, stateName: "Todo" });
  });

  it("--force --reason starts a not-ready issue and leaves the reason as ONE comment", async () => {
    const { dir } = checkout();
    const refused = await start(dir, "ENG-201", "--force");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--reason");

    const forced = await start(dir, "ENG-201", "--force", "--reason", "hotfix agreed with the PM");
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("posted the --force reason");
    expect(forced.stdout).toContain("not ready — started anyway (--force)");
    expect(forced.writes).toEqual(["BfdUpdateIssue", "BfdCreateComment"]);
    expect(commentsOn("ENG-201").map((comment) => comment.body)).toEqual([
      expect.stringContaining("Reason: hotfix agreed with the PM"),
    ]);
    expect(issue("ENG-201")).toMatchObject({ assigneeId: linear.world.viewerId, stateName: "In Progress" });

    const again = await start(dir, "ENG-201", "--force", "--reason", "hotfix agreed with the PM");
    expect(again.code).toBe(0);
    expect(again.writes).toEqual([]);
    expect(commentsOn("ENG-201")).toHaveLength(1);
  });

  it("refuses an issue someone else holds, naming them (exit 2); --take reassigns it", async () => {
    const { dir, git } = checkout();
    const held = await start(dir, "ENG-202");
    expect(held.code).toBe(2);
    expect(held.stderr).toContain("ENG-202 is assigned to Grace Hopper");
    expect(held.stderr).toContain("--take");
    expect(held.writes).toEqual([]);
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("main");

    const taken = await start(dir, "ENG-202", "--take");
    expect(taken.code).toBe(0);
    expect(taken.stdout).toContain("reassigned from Grace Hopper to Ada Lovelace");
    expect(issue("ENG-202").assigneeId).toBe(linear.world.viewerId);
  });

  it("refuses to carry uncommitted changes to the branch (exit 2) unless --carry", async () => {
    const { dir, git } = checkout();
    writeFileSync(join(dir, "README.md"), "changed\n");
    writeFileSync(join(dir, "notes.txt"), "draft\n");
    const dirty = await start(dir, "ENG-204");
    expect(dirty.code).toBe(2);
    expect(dirty.stderr).toContain("2 uncommitted changes");
    expect(dirty.stderr).toContain("--carry");
    expect(dirty.writes).toEqual([]);
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(issue("ENG-204").assigneeId).toBeNull();

    const carried = await start(dir, "ENG-204", "--carry");
    expect(carried.code).toBe(0);
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("ada/eng-204-export-audit-log");
    expect(existsSync(join(dir, "notes.txt"))).toBe(true);
  });

  it("switches to the issue's branch when it exists, and leaves a started issue's state alone", async () => {
    const { dir, git } = checkout();
    git("branch", "ada/eng-205-export-audit-log");
    const { code, stdout, writes } = await start(dir, "ENG-205");
    expect(code).toBe(0);
    expect(stdout).toContain("switched to ada/eng-205-export-audit-log");
    expect(stdout).toContain("In Review (left as it is)");
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("ada/eng-205-export-audit-log");
    expect(issue("ENG-205")).toMatchObject({ assigneeId: linear.world.viewerId, stateName: "In Review" });
    expect(writes).toEqual(["BfdUpdateIssue"]);
  });

  it("judges the issue on the branch it will be on, not on another issue's branch checked out now", async () => {
    const { dir, git } = checkout();
    git("switch", "-q", "-c", "ada/eng-200-export-audit-log");
    const { code, stdout } = await start(dir, "ENG-206");
    expect(code).toBe(0);
    expect(stdout).toContain("created ada/eng-206-export-audit-log from ada/eng-200-export-audit-log");
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("ada/eng-206-export-audit-log");
  });
});

describe("bfd mcp: bfd_start (the MCP SDK's own client, built CLI)", () => {
  const clients: Client[] = [];
  afterAll(async () => Promise.all(clients.map((client) => client.close())));

  async function connect(args: string[], cwd: string): Promise<Client> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp", ...args],
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        NO_COLOR: "1",
        LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
        LINEAR_API_URL: linear.url,
      },
      stderr: "pipe",
    });
    const client = new Client({ name: "bfd-test", version: "1.0.0" });
    await client.connect(transport);
    clients.push(client);
    return client;
  }
  const text = (result: unknown): string =>
    (((result as { content?: unknown }).content ?? []) as { text?: string }[]).map((c) => c.text ?? "").join("\n");

  it("is offered only with --allow-writes, with annotations that say it writes", async () => {
    const { dir } = checkout();
    const readOnly = await connect([], dir);
    expect((await readOnly.listTools()).tools.map((tool) => tool.name)).not.toContain("bfd_start");
    const writer = await connect(["--allow-writes"], dir);
    const tool = (await writer.listTools()).tools.find((candidate) => candidate.name === "bfd_start");
    expect(tool?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
  });

  it("assigns and starts a ready issue, returns the branch to check out, and never runs git", async () => {
    const { dir, git } = checkout();
    const client = await connect(["--allow-writes"], dir);
    const result = await client.callTool({ name: "bfd_start", arguments: { issue: "ENG-207" } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      ready: true,
      branch: { name: "ada/eng-207-export-audit-log", action: "none" },
      assignee: { action: "assign" },
      state: { action: "move", from: "Todo", to: "In Progress" },
    });
    expect(text(result)).toContain("git switch ada/eng-207-export-audit-log");
    expect(git("symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(issue("ENG-207")).toMatchObject({ assigneeId: linear.world.viewerId, stateName: "In Progress" });

    const again = await client.callTool({ name: "bfd_start", arguments: { issue: "ENG-207" } });
    expect(again.structuredContent).toMatchObject({ nothingToDo: true });
  });

  it("refuses a not-ready issue with the checklist as a tool error, writing nothing", async () => {
    const { dir } = checkout();
    const client = await connect(["--allow-writes"], dir);
    const result = await client.callTool({ name: "bfd_start", arguments: { issue: "ENG-208" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("acceptance-criteria-present");
    expect(text(result)).toContain("nothing written");
    expect(issue("ENG-208")).toMatchObject({ assigneeId: null, stateName: "Todo" });
  });
});
