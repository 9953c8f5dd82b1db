import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/report/schema.js";
import { FAKE_TOKEN, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { runCliInProcess, tempDir } from "../helpers/cli.js";
import { deliveryWorlds, HOW_TESTED, type DeliveryCase } from "../helpers/delivery-world.js";
import { gitCheckout } from "../helpers/git.js";

/**
 * Keys as people write them, end to end (#22, #21.5): scope widened the way Linear reads magic words, an issue moved
 * to another team whose branch, title and closing words still name its old key, and a branch whose key has a
 * Cyrillic letter.
 */
const MOVED_BRANCH = "ada/old-7-show-sign-in-events";
const CYRILLIC_BRANCH = "ada/\u0435ng-343-show-sign-in-events";

const CASES: DeliveryCase[] = [
  {
    n: 340,
    mr: {
      description: `Closes:\n\n- ENG-340\n- [ENG-341](https://linear.app/acme/issue/ENG-341/audit-export) & \`ENG-342\`\n\n${HOW_TESTED}`,
    },
  },
  // Moved from team OLD: Linear re-keyed it ENG-344 and keeps OLD-7 in previousIdentifiers.
  {
    n: 344,
    issue: { previousIdentifiers: ["OLD-7"] },
    mr: {
      sourceBranch: MOVED_BRANCH,
      title: "OLD-7: Show sign-in events in the admin audit log",
      description: `Closes OLD-7\n\n${HOW_TESTED}`,
    },
  },
  { n: 343, mr: { sourceBranch: CYRILLIC_BRANCH, title: "Show sign-in events", description: HOW_TESTED } },
];

const worlds = deliveryWorlds(CASES);
let gitlab: FakeGitLab;
let linear: FakeLinear;

const env = (): Record<string, string | undefined> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: linear.url,
  GITLAB_URL: gitlab.url,
  GITLAB_TOKEN: FAKE_TOKEN,
});

beforeAll(async () => {
  gitlab = await startFakeGitLab(worlds.gitlab);
  linear = await startFakeLinear(worlds.linear(gitlab.url));
});
afterAll(async () => {
  await Promise.all([gitlab.close(), linear.close()]);
});

async function gate(
  command: "done" | "ready",
  args: string[],
  cwd = tempDir(),
): Promise<{ code: number | null; report: Report; stderr: string }> {
  const result = await runCliInProcess([command, ...args, "--format", "json"], { cwd, env: env() });
  if (result.stdout === "") throw new Error(`no report; stderr: ${result.stderr}`);
  return { code: result.code, report: JSON.parse(result.stdout) as Report, stderr: result.stderr };
}

const resultOf = (report: Report, rule: string): RuleResult => {
  const found = report.results.find((r) => r.rule === rule);
  if (found === undefined) throw new Error(`no result for ${rule}`);
  return found;
};
const failing = (report: Report): string[] =>
  report.results.filter((r) => r.status === "fail" || r.status === "error").map((r) => r.rule);

describe("issue keys as people write them, against Linear and GitLab (loopback fakes)", () => {
  it("fails scope-matches-issue when the MR closes a list of issues below 'Closes:', linked and in code", async () => {
    const { code, report } = await gate("done", ["ENG-340"]);
    expect(failing(report)).toEqual(["scope-matches-issue"]);
    const scope = resultOf(report, "scope-matches-issue");
    expect(scope.message).toContain("also closes ENG-341, closes ENG-342: its scope is wider than ENG-340");
    expect(scope.evidence).toEqual(expect.arrayContaining(["also closes ENG-341", "also closes ENG-342"]));
    expect(code).toBe(1);
  });

  it("passes a moved issue whose branch, title and closing words name its old key", async () => {
    const { code, report } = await gate("done", ["ENG-344"]);
    expect(failing(report)).toEqual([]);
    expect(resultOf(report, "scope-matches-issue").message).toContain(
      "via branch ada/old-7-show-sign-in-events (OLD-7 (ENG-344's key before it moved))",
    );
    expect(resultOf(report, "active-issue-matches").message).toContain(
      "merge request branch names OLD-7 (ENG-344's key before it moved)",
    );
    expect(code).toBe(0);
  });

  it("finds a moved issue from a checkout of its old branch, by the old key Linear still answers to", async () => {
    const { code, report } = await gate("done", [], gitCheckout(MOVED_BRANCH));
    expect(report.issue?.identifier).toBe("ENG-344");
    expect(failing(report)).toEqual([]);
    expect(code).toBe(0);
  });

  it("reads a branch whose key has a Cyrillic letter as the issue's, and shows it as suspicious", async () => {
    const { code, report } = await gate("done", ["ENG-343"]);
    expect(failing(report)).toEqual([]);
    const note = "\u0435ng-343 (with a look-alike character) read as ENG-343";
    expect(resultOf(report, "scope-matches-issue").evidence).toContain(`suspicious: ${note}`);
    expect(resultOf(report, "active-issue-matches").message).toContain(`suspicious: ${note}`);
    expect(code).toBe(0);
  });

  it("finds the issue from a checkout of the Cyrillic-letter branch at Ready", async () => {
    const { report } = await gate("ready", [], gitCheckout(CYRILLIC_BRANCH));
    expect(report.issue?.identifier).toBe("ENG-343");
    expect(resultOf(report, "active-issue-matches")).toMatchObject({ status: "pass" });
    expect(resultOf(report, "active-issue-matches").message).toContain("suspicious:");
  });
});
