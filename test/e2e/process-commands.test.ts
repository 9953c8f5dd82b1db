import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addIssue, emptyWorld, FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import {
  FAKE_TOKEN,
  fakeDeployment,
  fakeLabelEvent,
  fakeMergeRequest,
  fakeProject,
  fakeUser,
  fakeWorld,
  startFakeGitLab,
  type FakeGitLab,
  type FakeMergeRequest,
} from "../fakes/gitlab.js";
import { runCliInProcess, tempDir, writeJson, ROOT } from "../helpers/cli.js";
import { readFileSync } from "node:fs";

let linear: FakeLinear;
let gitlab: FakeGitLab;
const dir = tempDir();

function stagingConfig(): string {
  const path = join(dir, "bfd.config.yaml");
  writeFileSync(
    path,
    [
      "gitlab:",
      "  project: acme/web",
      "linear:",
      "  team: ENG",
      "staging:",
      "  timeZone: Europe/Berlin",
      '  cutoff: { weekday: thursday, time: "12:00" }',
      '  release: { weekday: tuesday, time: "10:00" }',
      "",
    ].join("\n"),
  );
  return path;
}

function merged(iid: number, mergedAt: string, labels: string[] = [], title = `Change ${iid}`): FakeMergeRequest {
  return fakeMergeRequest("acme/web", iid, {
    state: "merged",
    mergedAt,
    updatedAt: mergedAt,
    labels,
    title: `ENG-${iid} ${title}`,
    sourceBranch: `dev/eng-${iid}-x`,
    author: "priya",
  });
}

beforeAll(async () => {
  const lw = emptyWorld();
  for (let n = 1; n <= 250; n += 1) {
    const ready = n % 5 !== 0;
    addIssue(lw, {
      identifier: `ENG-${1000 + n}`,
      title: `Backlog item ${n}`,
      stateName: "Ready",
      stateType: "unstarted",
      assigneeId: n % 7 === 0 ? null : lw.viewerId,
      description: ready ? "Do it.\n\n## Acceptance criteria\n- [ ] it works\n" : "Just do it.",
      projectId: "prj-1",
    });
  }
  addIssue(lw, { identifier: "ENG-2000", title: "Not in Ready", stateName: "Todo", stateType: "unstarted" });
  addIssue(lw, { identifier: "ENG-2001", title: "Under way", stateName: "In Progress", stateType: "started" });
  // The issues above are in "Ready": the team has that state, as a team running bfd's Ready gate would.
  lw.teams[0]!.states!.splice(2, 0, { name: "Ready", type: "unstarted", position: 1.5 });
  lw.workspaceLabels = ["Customer request"];
  lw.projects.push({
    id: "prj-1",
    name: "Backlog project",
    url: "https://linear.app/acme/project/p",
    description: "",
    content: "Spec for the backlog work, linking the [Index Challenge IC-1](https://wiki/challenges/IC-1).",
    documents: [],
    externalLinks: [],
  });
  linear = await startFakeLinear(lw);

  const mrs: FakeMergeRequest[] = [];
  // Window 22 Oct 12:00 CEST (10:00Z) → 29 Oct 12:00 CET (11:00Z): it crosses the end of summer time on 25 Oct.
  mrs.push(merged(1, "2026-10-22T09:59:00.000Z")); // just before the window opens
  mrs.push(merged(2, "2026-10-22T10:01:00.000Z")); // just after: inside
  mrs.push(merged(3, "2026-10-26T09:00:00.000Z", ["Validated in Staging"])); // inside, validated
  mrs.push(merged(4, "2026-10-29T10:59:00.000Z")); // just before the cut-off: inside
  mrs.push(merged(5, "2026-10-29T11:01:00.000Z")); // just after the cut-off: next release
  for (let i = 0; i < 250; i += 1)
    mrs.push(merged(100 + i, "2026-10-27T08:00:00.000Z", i % 2 === 0 ? ["Validated in Staging"] : []));
  mrs.push(
    fakeMergeRequest("acme/web", 900, { state: "opened", updatedAt: "2026-10-27T08:00:00.000Z", title: "still open" }),
  );
  // A second window, 5–12 Nov, with one MR in each staging state (doc/api/deployments.md: a deployment lists the MRs
  // it first brought to the environment; doc/api/resource_label_events.md: when a label was added).
  mrs.push(merged(21, "2026-11-05T12:00:00.000Z")); // deployed, not validated
  mrs.push(merged(22, "2026-11-05T12:30:00.000Z", ["Validated in Staging"])); // labelled after the deploy
  mrs.push(merged(23, "2026-11-05T13:00:00.000Z", ["Validated in Staging"])); // labelled before the deploy: stale
  mrs.push(merged(24, "2026-11-06T09:00:00.000Z")); // merged, not deployed yet
  const STAGED = "Validated in Staging";
  gitlab = await startFakeGitLab(
    fakeWorld({
      users: [fakeUser(1, "priya", "Priya")],
      projects: [fakeProject("acme/web", { id: 7 })],
      mergeRequests: mrs,
      deployments: [
        // The deploy after the October cut-off brought the unlabelled MRs of that window (the labelled ones are not
        // deployed, so their label histories are never read).
        fakeDeployment("acme/web", {
          id: 500,
          finishedAt: "2026-10-29T11:30:00.000Z",
          mergeRequests: [1, 2, 4, 5, ...Array.from({ length: 125 }, (_, i) => 101 + 2 * i)],
        }),
        fakeDeployment("acme/web", { id: 501, finishedAt: "2026-11-05T14:00:00.000Z", mergeRequests: [21, 22, 23] }),
        fakeDeployment("acme/web", { id: 502, finishedAt: "2026-11-05T15:00:00.000Z", mergeRequests: [] }),
      ],
      labelEvents: [
        fakeLabelEvent("acme/web", 22, { label: STAGED, createdAt: "2026-11-05T16:00:00.000Z" }),
        fakeLabelEvent("acme/web", 23, { label: STAGED, createdAt: "2026-11-05T13:30:00.000Z" }),
      ],
    }),
  );
});
afterAll(async () => {
  await linear.close();
  await gitlab.close();
});

const env = (): Record<string, string> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: linear.url,
  GITLAB_TOKEN: FAKE_TOKEN,
  GITLAB_URL: gitlab.url,
});

describe("bfd staging", () => {
  it("lists deployed MRs missing the label inside a window that crosses a daylight-saving change, using GitLab-side filters", async () => {
    gitlab.reset();
    const result = await runCliInProcess(
      [
        "staging",
        "--config",
        stagingConfig(),
        "--since",
        "2026-10-22T12:00",
        "--until",
        "2026-10-29T12:00",
        "--format",
        "json",
      ],
      { cwd: dir, env: env() },
    );
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as {
      missing: { reference: string; mergedAtLocal: string; issue: string | null }[];
      verdict: string;
      window: { start: string; end: string };
    };
    expect(out.window).toMatchObject({ start: "2026-10-22T10:00:00.000Z", end: "2026-10-29T11:00:00.000Z" });
    const refs = out.missing.map((m) => m.reference);
    expect(refs).toContain("acme/web!2");
    expect(refs).toContain("acme/web!4");
    expect(refs).not.toContain("acme/web!1");
    expect(refs).not.toContain("acme/web!5");
    expect(refs).not.toContain("acme/web!3");
    expect(refs).toHaveLength(2 + 125);
    expect(out.missing.find((m) => m.reference === "acme/web!4")).toMatchObject({
      mergedAtLocal: "2026-10-29 11:59 +01:00",
      issue: "ENG-4",
    });
    expect(out.missing.find((m) => m.reference === "acme/web!2")?.mergedAtLocal).toBe("2026-10-22 12:01 +02:00");
    expect(out.verdict).toBe("fail");
    expect(result.code).toBe(1);
    const lists = gitlab.requests.filter((r) => /\/projects\/[^/]+\/merge_requests$/.test(r.path));
    expect(lists.length).toBe(3); // 254 merged MRs updated since the window opened: three pages of 100
    expect(lists[0]!.query).toMatchObject({ state: "merged", target_branch: "main", per_page: "100" });
    expect(lists[0]!.query.updated_after).toBe("2026-10-22T10:00:00.000Z");
    expect(gitlab.requests.filter((r) => r.path.endsWith("/resource_label_events"))).toEqual([]);
  });

  it("shows each MR's staging state from the deployments and label history, failing only deployed ones", async () => {
    gitlab.reset();
    const window = ["--since", "2026-11-05T00:00", "--until", "2026-11-12T00:00"];
    const json = await runCliInProcess(["staging", "--config", stagingConfig(), ...window, "--format", "json"], {
      cwd: dir,
      env: env(),
    });
    expect(json.stderr).toBe("");
    const out = JSON.parse(json.stdout) as {
      merged: { reference: string; state: string; deployedAtLocal: string | null; labelAddedAtLocal: string | null }[];
      missing: { reference: string }[];
      verdict: string;
    };
    expect(out.merged.map((r) => [r.reference, r.state])).toEqual([
      ["acme/web!21", "not-validated"],
      ["acme/web!22", "validated"],
      ["acme/web!23", "stale"],
      ["acme/web!24", "not-deployed"],
    ]);
    expect(out.merged[0]).toMatchObject({ deployedAtLocal: "2026-11-05 15:00 +01:00", labelAddedAtLocal: null });
    expect(out.merged[2]).toMatchObject({ labelAddedAtLocal: "2026-11-05 14:30 +01:00" });
    expect(out.missing.map((r) => r.reference)).toEqual(["acme/web!21", "acme/web!23"]);
    // An explicit window is mandatory: the deployed, unvalidated MRs fail it; the one waiting for its deploy does not.
    expect(out.verdict).toBe("fail");
    expect(json.code).toBe(1);
    // Label histories are read only for labelled MRs; deployments once, then each deployment's MR list.
    const paths = gitlab.requests.map((r) => r.path);
    expect(paths.filter((p) => p.endsWith("/resource_label_events")).sort()).toEqual([
      "/api/v4/projects/acme%2Fweb/merge_requests/22/resource_label_events",
      "/api/v4/projects/acme%2Fweb/merge_requests/23/resource_label_events",
    ]);

    const pretty = await runCliInProcess(["staging", "--config", stagingConfig(), ...window], { cwd: dir, env: env() });
    expect(pretty.stdout).toContain("✖ acme/web!21  ENG-21 Change 21  (deployed, not validated)");
    expect(pretty.stdout).toContain("merged 2026-11-05 13:00 +01:00 · deployed 2026-11-05 15:00 +01:00 · no label");
    expect(pretty.stdout).toContain('→ Validate in staging now; when it passes, add "Validated in Staging".');
    expect(pretty.stdout).toContain("✖ acme/web!23  ENG-23 Change 23  (stale validation)");
    expect(pretty.stdout).toContain("○ acme/web!24  ENG-24 Change 24  (waiting for the deploy)");
    expect(pretty.stdout).toContain("→ Wait for the deploy to staging, then validate.");
    expect(pretty.stdout).toContain("4 merged · 1 validated · 1 waiting for the deploy · 2 to validate (1 stale)");
    expect(pretty.code).toBe(1);
  });

  it("passes a mandatory window whose only unvalidated MR still waits for its deploy", async () => {
    const result = await runCliInProcess(
      ["staging", "--config", stagingConfig(), "--since", "2026-11-06T00:00", "--until", "2026-11-07T00:00"],
      { cwd: dir, env: env() },
    );
    expect(result.stdout).toContain("(waiting for the deploy)");
    expect(result.stdout).toContain('No deployed merge request in this window is missing "Validated in Staging".');
    expect(result.code).toBe(0);
  });

  it("says so plainly when nothing is missing, and exits 0", async () => {
    const result = await runCliInProcess(
      ["staging", "--config", stagingConfig(), "--since", "2026-10-26T00:00", "--until", "2026-10-26T23:00"],
      { cwd: dir, env: env() },
    );
    expect(result.stdout).toContain('No deployed merge request in this window is missing "Validated in Staging".');
    expect(result.code).toBe(0);
  });

  it("rejects a bad --since as a usage error", async () => {
    const result = await runCliInProcess(["staging", "--config", stagingConfig(), "--since", "last thursday"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--since last thursday: not an ISO date");
  });
});

describe("-R, --repo", () => {
  const outside = tempDir();
  const args = ["staging", "--since", "2026-11-05T00:00", "--until", "2026-11-12T00:00", "--format", "json"];

  it.each([
    ["a path", "acme/web"],
    ["a numeric id", "7"],
    ["the project's web address", "https://gitlab.example.com/acme/web/-/merge_requests"],
  ])("names the GitLab project outside any checkout: %s", async (_name, repo) => {
    const result = await runCliInProcess([...args, "-R", repo], { cwd: outside, env: env() });
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout) as { missing: { reference: string }[] };
    expect(out.missing.map((m) => m.reference)).toContain("acme/web!21");
  });

  it("without it, outside a checkout, says how to name the project (exit 2)", async () => {
    const result = await runCliInProcess(args, { cwd: outside, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot tell which GitLab project to look in");
    expect(result.stderr).toContain("-R group/project");
  });

  it("refuses what is no project (exit 2)", async () => {
    const result = await runCliInProcess([...args, "--repo", "web"], { cwd: outside, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--repo web: not a GitLab project");
  });
});

describe("bfd audit", () => {
  it("plans over issues nobody has started by default; --all takes every state", async () => {
    const run = (extra: string[]) =>
      runCliInProcess(["audit", "--team", "ENG", "--limit", "1000", "--format", "json", ...extra], {
        cwd: dir,
        env: env(),
      });
    const [planning, all] = await Promise.all([run([]), run(["--all"])]);
    const keys = (result: { stdout: string }): string[] =>
      (JSON.parse(result.stdout) as { issues: { identifier: string }[] }).issues.map((i) => i.identifier);
    expect(keys(planning)).not.toContain("ENG-2001");
    expect(keys(all)).toContain("ENG-2001");
    expect(keys(planning)).toContain("ENG-2000");
    expect(JSON.parse(planning.stdout)).toMatchObject({ filter: { state: null, notStarted: true } });
  });

  it("audits 250 issues in at most 6 Linear requests (5 pages, the team keys), worst first, and exits 1 when some are not ready", async () => {
    linear.reset();
    const result = await runCliInProcess(["audit", "--team", "ENG", "--state", "Ready", "--format", "json"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout) as {
      summary: { issues: number; ready: number; notReady: number };
      issues: { identifier: string; failing: string[] }[];
    };
    expect(out.summary.issues).toBe(250);
    expect(out.summary.notReady).toBe(50);
    expect(out.issues[0]!.failing).toContain("acceptance-criteria-present");
    expect(out.issues.at(-1)!.failing).toEqual([]);
    expect(linear.requestCount()).toBeLessThanOrEqual(6);
  });

  it("prints a table with a summary", async () => {
    const result = await runCliInProcess(["audit", "--team", "ENG", "--state", "Ready", "--limit", "10"], {
      cwd: dir,
      env: env(),
    });
    expect(result.stdout).toContain('bfd audit · ready gate · team ENG, state "Ready"');
    expect(result.stdout).toMatch(/10 issues · \d+ ready · \d+ not ready/);
    expect(result.stderr).toContain("stopped at --limit 10");
  });

  // #24: Linear's issues filter matches nothing for a name that does not exist; "No issues match." would be a false green.
  it.each([
    [["--team", "ENGG"], 'bfd: no team "ENGG" in this workspace. Did you mean "ENG"? Teams: ENG, OPS'],
    [
      ["--state", "Redy"],
      'bfd: no state "Redy" in team ENG. Did you mean "Ready"? States: Backlog, Todo, Ready, In Progress, In Review,',
    ],
    [
      ["--label", "Customer requets"],
      'bfd: no label "Customer requets" in this workspace. Did you mean "Customer request"?',
    ],
    [
      ["--project", "Backlog projcet"],
      'no project "Backlog projcet" in this workspace. Did you mean "Backlog project"?',
    ],
    [
      ["--state", "Todo", "--label", "Bgu", "--project", "Nope"],
      'bfd: no label "Bgu" in this workspace. Did you mean "Bug"? Labels: Customer request, Bug, Feature,',
    ],
  ])("says which filter names nothing in the workspace (%j), exit 2", async (filter, message) => {
    const result = await runCliInProcess(["audit", "--team", "ENG", ...filter], { cwd: dir, env: env() });
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
  });

  it("names every filter that matched nothing, in one line", async () => {
    const result = await runCliInProcess(["audit", "--team", "ENG", "--label", "Bgu", "--project", "Nope"], {
      cwd: dir,
      env: env(),
    });
    expect(result.stderr.split("\n")[0]).toMatch(
      /^bfd: no label "Bgu" .* · no project "Nope" in this workspace\. Projects: Backlog project$/,
    );
  });

  it("keeps a truly empty listing a pass when every filter names something (exit 0)", async () => {
    const result = await runCliInProcess(["audit", "--team", "ENG", "--label", "feature"], { cwd: dir, env: env() });
    expect(result.stdout).toContain("No issues match.");
    expect(result.code).toBe(0);
  });

  it.each([
    [["audit"], "bfd audit needs a team"],
    [["audit", "--team", "ENG", "--limit", "0"], "--limit 0"],
  ])("rejects %j as a usage error", async (args, message) => {
    const result = await runCliInProcess(args, { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe("bfd handoff", () => {
  const snapshotFile = (): string => {
    const snap = JSON.parse(readFileSync(join(ROOT, "examples/done-pass.json"), "utf8")) as {
      issue: { id: string; assignee: { id: string } };
      viewer: { id: string };
    };
    snap.issue.id = linear.world.issues.find((i) => i.identifier === "ENG-1001")!.id;
    // The API key's user runs bfd: its own earlier handoff comment is the one --post updates.
    snap.viewer.id = snap.issue.assignee.id = linear.world.viewerId;
    return writeJson(join(dir, "handoff.json"), snap);
  };

  it.each([
    ["in-review", "## Handoff: In Review", null],
    ["blocked", "## Handoff: Blocked", 'but ENG-142 is "In Review" in Linear'],
    ["staging-validation", "## Handoff: Ready for staging validation", "move it to Ready for Staging Validation"],
    ["decision", "## Handoff: Ready for a human decision", "move it to Needs Decision"],
  ])("composes the note for --state %s", async (state, heading, warning) => {
    const result = await runCliInProcess(["handoff", "--snapshot", snapshotFile(), "--state", state], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(heading);
    expect(result.stdout).toContain("### What was tested");
    expect(result.stdout).toContain("> - On the review app: signed in as admin");
    expect(result.stdout).toContain("- [x] Admins can filter by user and by result");
    expect(result.stdout).toContain("None: every Done rule passed or was waived.");
    expect(result.stdout).toContain("[Pipeline (success)](https://gitlab.acme.example/acme/web/-/pipelines/88123)");
    if (warning === null) expect(result.stderr).not.toContain("warning");
    else expect(result.stderr).toContain(warning);
  });

  it("lists uncovered criteria, gaps and waivers", async () => {
    const result = await runCliInProcess(["handoff", "--snapshot", "examples/done-fail.json", "--state", "decision"], {
      env: env(),
    });
    expect(result.stdout).toContain("- [ ] Admins can filter by user and by result — not covered");
    expect(result.stdout).toContain("`validated-in-pipeline`: Head pipeline is failed");
    expect(result.stdout).toContain("### Waivers");
  });

  it("posts one comment to the Linear issue with --post and says where", async () => {
    const before = linear.world.comments.length;
    const result = await runCliInProcess(["handoff", "--snapshot", snapshotFile(), "--state", "in-review", "--post"], {
      cwd: dir,
      env: env(),
    });
    expect(result.code).toBe(0);
    expect(linear.world.comments.length).toBe(before + 1);
    const comment = linear.world.comments.at(-1)!;
    expect(comment.body).toContain("## Handoff: In Review");
    expect(comment.body.startsWith("<!-- bfd:handoff -->\n")).toBe(true);
    expect(result.stderr).toContain(`posted the handoff note as a comment on ENG-142: ${comment.url}`);
  });

  it("updates its one comment on the next --post instead of adding another, and never edits a person's", async () => {
    const issueId = linear.world.issues.find((i) => i.identifier === "ENG-1001")!.id;
    const ours = () => linear.world.comments.filter((c) => c.issueId === issueId);
    await runCliInProcess(["handoff", "--snapshot", snapshotFile(), "--state", "in-review", "--post"], {
      cwd: dir,
      env: env(),
    });
    const count = ours().length;
    // Someone quotes bfd's marker in a comment of their own: it must stay as they wrote it.
    linear.world.comments.push({
      ...ours().at(-1)!,
      id: "comment-by-a-person",
      userId: "someone-else",
      body: "<!-- bfd:handoff -->\nmy own notes",
    });
    const again = await runCliInProcess(["handoff", "--snapshot", snapshotFile(), "--state", "blocked", "--post"], {
      cwd: dir,
      env: env(),
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("updated the handoff note as a comment on ENG-142");
    expect(ours()).toHaveLength(count + 1);
    expect(ours().filter((c) => c.body.includes("## Handoff: Blocked"))).toHaveLength(1);
    expect(ours().find((c) => c.id === "comment-by-a-person")!.body).toBe("<!-- bfd:handoff -->\nmy own notes");
  });

  it("quotes the sections the rules in force read, as the rule files mark them (handoff: tested)", async () => {
    const snap = JSON.parse(readFileSync(join(ROOT, "examples/done-pass.json"), "utf8")) as {
      mergeRequest: { description: string };
    };
    snap.mergeRequest.description =
      "Closes ENG-142\n\n## QA notes\n\n- Replayed the sign-in flow on staging as an admin.\n";
    const team = tempDir();
    writeFileSync(
      join(team, "bfd.config.yaml"),
      "override:\n  validation-explained:\n    with: { headings: [QA notes] }\n",
    );
    const result = await runCliInProcess(
      ["handoff", "--snapshot", writeJson(join(team, "qa.json"), snap), "--state", "in-review"],
      { cwd: team, env: env() },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("> - Replayed the sign-in flow on staging as an admin.");
  });

  it("requires --state", async () => {
    const result = await runCliInProcess(["handoff", "--snapshot", "examples/done-pass.json"], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--state");
  });
});
