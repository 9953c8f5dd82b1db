/**
 * Linear's real limits through the CLI (in-process): lists longer than a page are read whole (a blocker that is the
 * 100th relation, a merge request that is the 55th attachment), and a query Linear refuses as too complex or a spent
 * budget is exit 3 with the reason and when the budget resets.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/report/schema.js";
import { FAKE_TOKEN, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import {
  addIssue,
  emptyWorld,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeAttachment,
  type FakeLinear,
  type FakeLinearOptions,
  type LinearWorld,
} from "../fakes/linear.js";
import { runCliInProcess, tempDir } from "../helpers/cli.js";
import { deliveryWorlds, PROJECT_PATH } from "../helpers/delivery-world.js";

/** ENG-501: its merge request acme/web!501 is the 55th of 60 attachments. ENG-502: its 100th of 120 relations blocks it. */
const WORLDS = deliveryWorlds([{ n: 501 }, { n: 502 }]);

/** `count` issues ENG-<from + n> each related to `key`; the `blockerAt`th blocks it instead, and is in progress. */
function relateMany(world: LinearWorld, key: string, from: number, count: number, blockerAt: number): string {
  for (let n = 1; n <= count; n += 1) {
    const other = `ENG-${from + n}`;
    addIssue(world, {
      identifier: other,
      title: `Neighbour ${n}`,
      stateName: n === blockerAt ? "In Progress" : "Todo",
      stateType: n === blockerAt ? "started" : "unstarted",
    });
    relate(world, other, n === blockerAt ? "blocks" : "related", key);
  }
  return `ENG-${from + blockerAt}`;
}

const chatLink = (n: number): FakeAttachment => ({
  id: `chat-${n}`,
  url: `https://acme.slack.com/archives/C042/p${1_700_000_000 + n}`,
  title: `Slack thread ${n}`,
  subtitle: null,
  sourceType: "slack",
  createdAt: new Date(Date.UTC(2026, 0, 1, 9, n)).toISOString(),
});

let gitlab: FakeGitLab;
let linear: FakeLinear;
let done502Blocker: string;
let ready600Dependency: string;
const plainDir = tempDir();

beforeAll(async () => {
  gitlab = await startFakeGitLab(WORLDS.gitlab);
  const world = WORLDS.linear(gitlab.url);
  const eng501 = world.issues.find((issue) => issue.identifier === "ENG-501");
  if (eng501 === undefined) throw new Error("ENG-501 missing");
  const [mr] = eng501.attachments;
  if (mr === undefined) throw new Error("ENG-501 has no MR attachment");
  eng501.attachments = [
    ...Array.from({ length: 54 }, (_, n) => chatLink(n + 1)),
    mr,
    ...Array.from({ length: 5 }, (_, n) => chatLink(n + 56)),
  ];
  done502Blocker = relateMany(world, "ENG-502", 5000, 120, 100);
  addIssue(world, {
    identifier: "ENG-600",
    title: "Export the audit log",
    description: "Admins export the audit log.\n\n## Acceptance criteria\n- [ ] CSV\n",
    stateName: "Todo",
    stateType: "unstarted",
  });
  ready600Dependency = relateMany(world, "ENG-600", 6000, 120, 100);
  const eng600 = world.issues.find((issue) => issue.identifier === "ENG-600");
  if (eng600 !== undefined) eng600.description = `${eng600.description ?? ""}\nBuilds on ${ready600Dependency}.\n`;
  linear = await startFakeLinear(world);
});
afterAll(() => Promise.all([gitlab.close(), linear.close()]));

interface Run {
  code: number | null;
  report: Report | null;
  stderr: string;
  linearRequests: number;
}

async function gate(command: "ready" | "done", key: string): Promise<Run> {
  const before = linear.requestCount();
  const result = await runCliInProcess([command, key, "--format", "json"], {
    cwd: plainDir,
    env: {
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: linear.url,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: FAKE_TOKEN,
    },
  });
  return {
    code: result.code,
    report: result.stdout === "" ? null : (JSON.parse(result.stdout) as Report),
    stderr: result.stderr,
    linearRequests: linear.requestCount() - before,
  };
}

const resultOf = (run: Run, rule: string): RuleResult => {
  const found = run.report?.results.find((r) => r.rule === rule);
  if (found === undefined) throw new Error(`no result for ${rule}; stderr: ${run.stderr}`);
  return found;
};

describe("lists longer than Linear's page, read whole by the CLI", () => {
  it("bfd done finds the merge request that is the 55th of 60 attachments, with one more Linear request", async () => {
    const run = await gate("done", "ENG-501");
    expect(run.stderr).toBe("");
    expect(run.report?.mergeRequest).toMatchObject({ iid: 501, project: PROJECT_PATH });
    expect(run.report?.verdict).toBe("pass");
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(2);
  });

  it("bfd done sees the open blocker that is the 100th of 120 relations", async () => {
    const run = await gate("done", "ENG-502");
    const current = resultOf(run, "linear-state-current");
    expect(current.status).toBe("fail");
    expect(current.message).toContain(`blocked by ${done502Blocker}`);
    expect(run.code).toBe(1);
    expect(run.linearRequests).toBe(2);
  });

  it("bfd ready sees that the dependency the description names is linked, as the 100th of 120 relations", async () => {
    const run = await gate("ready", "ENG-600");
    const visible = resultOf(run, "dependencies-visible");
    expect(visible).toMatchObject({ status: "pass", message: "The one mentioned issue is linked" });
    // The issue (with the workspace's team keys, which dependencies-visible reads) and its relations read on.
    expect(run.linearRequests).toBe(2);
  });
});

describe("Linear's refusals and spent budgets are exit 3 with the reason", () => {
  async function readyAgainst(options: FakeLinearOptions): Promise<{ code: number | null; stderr: string }> {
    const world = emptyWorld();
    addIssue(world, { identifier: "ENG-1", title: "Anything" });
    const fake = await startFakeLinear(world, options);
    try {
      return await runCliInProcess(["ready", "ENG-1"], {
        cwd: plainDir,
        env: { LINEAR_API_KEY: FAKE_LINEAR_API_KEY, LINEAR_API_URL: fake.url },
      });
    } finally {
      await fake.close();
    }
  }

  it.each([
    [
      "a query above Linear's complexity limit",
      { maxComplexity: 500 },
      /^bfd: Linear refused bfd's BfdIssueByKeyWithTeams query as too complex: The query is too complex\. Complexity: 1607\. Maximum allowed complexity: 500\.$/m,
    ],
    [
      "a spent complexity budget",
      { complexityBudget: 400 },
      /^bfd: Linear rate limit reached while reading ENG-1 \(400 complexity points remaining, resets at \d{4}-[\d-]+T[\d:.]+Z; 3 attempts\)$/m,
    ],
    [
      "a spent request budget",
      { requestBudget: 0 },
      /^bfd: Linear rate limit reached while reading ENG-1 \(0 requests remaining, resets at \d{4}-[\d-]+T[\d:.]+Z; 3 attempts\)$/m,
    ],
  ])("%s", async (_case, options, message) => {
    const { code, stderr } = await readyAgainst(options);
    expect(stderr).toMatch(message);
    expect(stderr).not.toContain(FAKE_LINEAR_API_KEY);
    expect(code).toBe(3);
  });
});
