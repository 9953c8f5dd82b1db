import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../../src/report/schema.js";
import {
  addIssue,
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeLinear,
  type LinearWorld,
} from "../fakes/linear.js";
import { runCli, runCliInProcess, tempDir } from "../helpers/cli.js";
import { gitCheckout } from "../helpers/git.js";

const SPEC =
  "## Specification\n\nAnswers the [Index Challenge IC-9](https://wiki.acme.example/index/challenges/IC-9). Admins export the audit log as CSV, filtered.";
const READY_DESCRIPTION =
  "As an admin I export the audit log.\n\n## Acceptance criteria\n- [ ] CSV has one row per event\n- [ ] Filters apply to the export\n\nBuilds on ENG-120.\n";

function world(): LinearWorld {
  const w = emptyWorld();
  w.projects.push(
    {
      id: "prj-spec",
      name: "Audit export",
      url: "https://linear.app/acme/project/audit-export",
      description: "",
      content: SPEC,
      documents: [],
      externalLinks: [],
    },
    {
      id: "prj-bare",
      name: "Misc",
      url: "https://linear.app/acme/project/misc",
      description: "",
      content: "Spec: admins export things, we will see what exactly later on.",
      documents: [],
      externalLinks: [],
    },
  );
  const base = {
    projectId: "prj-spec",
    description: READY_DESCRIPTION,
    assigneeId: w.viewerId,
    estimate: 3,
    stateName: "Todo",
    stateType: "unstarted",
  };
  addIssue(w, { identifier: "ENG-120", title: "Events table", stateName: "Done", stateType: "completed" });
  addIssue(w, {
    ...base,
    identifier: "ENG-200",
    title: "Export audit log as CSV",
    branchName: "ada/eng-200-export-audit-log-as-csv",
  });
  relate(w, "ENG-120", "blocks", "ENG-200");
  const epic = addIssue(w, { ...base, identifier: "ENG-201", title: "Audit improvements" });
  addIssue(w, { identifier: "ENG-202", title: "Part one", parentId: epic.id });
  addIssue(w, { ...base, identifier: "ENG-203", title: "No criteria", description: "Make export nicer." });
  addIssue(w, { ...base, identifier: "ENG-204", title: "No project", projectId: null });
  addIssue(w, { ...base, identifier: "ENG-205", title: "No challenge", projectId: "prj-bare" });
  addIssue(w, {
    ...base,
    identifier: "ENG-206",
    title: "Hidden dependency",
    description: `${READY_DESCRIPTION}\nAlso needs ENG-207.`,
  });
  addIssue(w, { identifier: "ENG-207", title: "Unlinked" });
  for (const key of ["ENG-201", "ENG-203", "ENG-204", "ENG-205", "ENG-206"]) relate(w, "ENG-120", "blocks", key);
  addIssue(w, {
    ...base,
    identifier: "ENG-208",
    title: "Open questions",
    description: `${READY_DESCRIPTION}\n## Open questions\n- Which delimiter?\n`,
  });
  relate(w, "ENG-120", "blocks", "ENG-208");
  return w;
}

let linear: FakeLinear;
const env = (): Record<string, string> => ({ LINEAR_API_KEY: FAKE_LINEAR_API_KEY, LINEAR_API_URL: linear.url });
let mainCheckout: string;

beforeAll(async () => {
  linear = await startFakeLinear(world());
  mainCheckout = gitCheckout("main");
});
afterAll(async () => linear.close());

async function ready(
  args: string[],
  cwd = mainCheckout,
  extraEnv: Record<string, string | undefined> = {},
): Promise<{ code: number | null; report: Report | null; stderr: string; requests: number }> {
  const before = linear.requestCount();
  const result = await runCliInProcess(["ready", ...args, "--format", "json"], { cwd, env: { ...env(), ...extraEnv } });
  const report = result.stdout === "" ? null : (JSON.parse(result.stdout) as Report);
  return { code: result.code, report, stderr: result.stderr, requests: linear.requestCount() - before };
}

describe("bfd ready against Linear (loopback fake, real @linear/sdk)", () => {
  // Every Ready run asks Linear once: the issue, with the workspace's team keys in the same request
  // (dependencies-visible tells issue keys from key-like words by them).
  it("passes a ready issue with one request to Linear, the team keys asked with the issue", async () => {
    const { code, report, requests } = await ready(["ENG-200"]);
    expect(report?.verdict).toBe("pass");
    expect(report?.results.filter((r) => r.status === "fail")).toEqual([]);
    expect(code).toBe(0);
    expect(requests).toBe(1);
    expect(linear.requests.at(-1)?.operationName).toBe("BfdIssueByKeyWithTeams");
  });

  it.each([
    ["unit-of-work", "ENG-201", "open sub-issue"],
    ["acceptance-criteria-present", "ENG-203", 'No "Acceptance criteria" section'],
    ["traceable-to-specification", "ENG-204", "not in a Linear project"],
    ["traceable-to-challenge", "ENG-205", "No link to the Index Challenge"],
    ["dependencies-visible", "ENG-206", "Mentioned but not linked in Linear: ENG-207"],
  ])("fails %s on live data (%s)", async (rule, key, message) => {
    const { code, report, requests } = await ready([key]);
    const result = report!.results.find((r) => r.rule === rule)!;
    expect(result.status).toBe("fail");
    expect(result.message).toContain(message);
    expect(code).toBe(1);
    expect(requests).toBe(1);
  });

  it("warns about open questions without failing the gate", async () => {
    const { code, report } = await ready(["ENG-208"]);
    expect(report!.results.find((r) => r.rule === "open-questions")).toMatchObject({
      status: "fail",
      severity: "warning",
    });
    expect(report!.summary.warnings).toBe(1);
    expect(code).toBe(0);
  });

  it("accepts a Linear issue URL", async () => {
    const { report } = await ready(["https://linear.app/acme/issue/ENG-200/export-audit-log-as-csv"]);
    expect(report?.issue?.identifier).toBe("ENG-200");
  });

  it("finds the issue from the branch with Linear's branch search, in one request (with the team keys)", async () => {
    const { report, requests } = await ready([], gitCheckout("ada/eng-200-export-audit-log-as-csv"));
    expect(report?.issue?.identifier).toBe("ENG-200");
    expect(report?.results.find((r) => r.rule === "active-issue-matches")?.status).toBe("pass");
    expect(requests).toBe(1);
  });

  it("falls back to the key in the branch name when the branch search finds nothing", async () => {
    const { report, requests } = await ready([], gitCheckout("feature/ENG-200-csv"));
    expect(report?.issue?.identifier).toBe("ENG-200");
    expect(requests).toBe(2);
  });

  it("skips names that only look like keys in the branch (fix/utf-8-eng-200)", async () => {
    const { report, requests } = await ready([], gitCheckout("fix/utf-8-eng-200-csv"));
    expect(report?.issue?.identifier).toBe("ENG-200");
    expect(requests).toBe(2);
  });

  it("tries the next key when Linear does not know the first one the branch names", async () => {
    const { report, requests } = await ready([], gitCheckout("ada/eng-9999-then-eng-200"));
    expect(report?.issue?.identifier).toBe("ENG-200");
    expect(requests).toBe(3);
  });

  // #24: people check the next issue while still on their current one's branch; before pickup no work is happening.
  it("judges a named issue on its own on another issue's branch (built CLI, text and JSON)", async () => {
    const cwd = gitCheckout("ada/eng-203-other-work");
    const json = await runCli(["ready", "ENG-200", "--format", "json"], { cwd, env: env() });
    const report = JSON.parse(json.stdout) as Report;
    expect(report.results.find((r) => r.rule === "active-issue-matches")).toMatchObject({
      status: "skipped",
      message:
        'ENG-200 was named, so it is judged on its own: the current branch "ada/eng-203-other-work" (it names ENG-203) is other work',
    });
    expect(report.verdict).toBe("pass");
    expect(json.code).toBe(0);
    const text = await runCli(["ready", "ENG-200"], { cwd, env: env() });
    expect(text.code).toBe(0);
    expect(text.stdout).not.toContain("does not name");
  });

  it("still holds the branch to the issue found from it", async () => {
    const { code, report } = await ready([], gitCheckout("ada/eng-203-other-work"));
    expect(report?.issue?.identifier).toBe("ENG-203");
    expect(report!.results.find((r) => r.rule === "active-issue-matches")?.status).toBe("pass");
    expect(code).toBe(1);
  });

  it("says how to name the issue when the branch names none (exit 2)", async () => {
    const { code, stderr } = await ready([], gitCheckout("spike-csv"));
    expect(code).toBe(2);
    expect(stderr).toContain('no Linear issue matches the branch "spike-csv"');
    // The hint names the command that was run (#24), not another gate's.
    expect(stderr).toContain("Name the issue (bfd ready ENG-123)");
    expect(stderr).not.toContain("bfd done");
  });

  it.each([
    [["done"], "Name the issue: bfd done ENG-123"],
    [["ready"], "Name the issue: bfd ready ENG-123"],
    [["snapshot", "--gate", "ready"], "Name the issue: bfd snapshot --gate ready ENG-123"],
    [["handoff", "--state", "blocked"], "Name the issue: bfd handoff --state blocked ENG-123"],
  ])("outside a git checkout, %j says how to name the issue with that command (exit 2)", async (args, hint) => {
    // A GitLab that is never asked: the issue is missing before any merge request is looked for.
    const gitlab = { GITLAB_URL: "http://127.0.0.1:9", GITLAB_TOKEN: "glpat-unused0000000000" };
    const result = await runCliInProcess(args, { cwd: tempDir(), env: { ...env(), ...gitlab } });
    expect(result.stderr).toContain("no issue given and no git branch to find it from");
    expect(result.stderr).toContain(hint);
    expect(result.code).toBe(2);
  });

  it("reports an unknown key as an input error (exit 2), not a stack trace", async () => {
    const { code, stderr } = await ready(["ENG-999"]);
    expect(code).toBe(2);
    expect(stderr).toContain("ENG-999 was not found in Linear");
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a malformed key before asking Linear", async () => {
    const { code, stderr, requests } = await ready(["not a key"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/ENG-123/);
    expect(requests).toBe(0);
  });

  it("explains where to get a key when LINEAR_API_KEY is missing (exit 2)", async () => {
    const { code, stderr } = await ready(["ENG-200"], mainCheckout, { LINEAR_API_KEY: undefined });
    expect(code).toBe(2);
    expect(stderr).toContain("LINEAR_API_KEY is not set");
    expect(stderr).toContain("Personal API keys");
  });

  it("names LINEAR_API_KEY when Linear rejects it (exit 2: setup) and never prints the key", async () => {
    const { code, stderr } = await ready(["ENG-200"], mainCheckout, { LINEAR_API_KEY: "lin_api_WrongKey0123456789" });
    expect(code).toBe(2);
    expect(stderr).toContain("LINEAR_API_KEY");
    expect(stderr).not.toContain("WrongKey0123456789");
  });

  it("gives a one-line cause when Linear keeps rate limiting (exit 3)", async () => {
    linear.injectFault({ kind: "ratelimited", retryAfterSeconds: 0, times: 10 });
    const { code, stderr } = await ready(["ENG-200"]);
    linear.reset();
    expect(code).toBe(3);
    expect(stderr.split("\n")[0]).toMatch(/^bfd: Linear.*rate limit/i);
  });

  it("writes a snapshot that replays to the identical JSON report", async () => {
    const file = join(tempDir(), "eng-200.json");
    const snap = await runCliInProcess(["snapshot", "ENG-200", "--gate", "ready", "-o", file], {
      cwd: mainCheckout,
      env: env(),
    });
    expect(snap.code).toBe(0);
    expect(snap.stderr).toContain(`bfd ready --snapshot ${file}`);
    const live = await runCliInProcess(["ready", "ENG-200", "--format", "json"], { cwd: mainCheckout, env: env() });
    const replay = await runCliInProcess(["ready", "--snapshot", file, "--format", "json"], { cwd: mainCheckout });
    expect(replay.stdout).toBe(live.stdout);
    expect(replay.code).toBe(live.code);
  });
});
