import { Ajv2020 } from "ajv/dist/2020.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/report/schema.js";
import { FAKE_TOKEN, fakeJob, fakeMergeRequest, fakePipeline, type FakeMergeRequest } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { readJson, ROOT, runCliInProcess, runCliProcess, tempDir } from "../helpers/cli.js";
import {
  deliveryWorlds,
  doneDiffs,
  HOW_TESTED,
  PROJECT_PATH,
  shaOf,
  type DeliveryCase,
  useDeliveryFakes,
} from "../helpers/delivery-world.js";

// #21: "among several attached MRs the open or merged ones are judged (all of them, when the issue has several)".
// bfd done (the built CLI) judges every open MR of an issue when none is named: the rules that read a merge request
// once per MR, each result naming its MR, the others once; the verdict is the worst.

/** A second open MR for ENG-<n>, done like the first: acme/web!(1000 + n). */
const otherHalf = (n: number, init: Partial<FakeMergeRequest> = {}): FakeMergeRequest =>
  fakeMergeRequest(PROJECT_PATH, 1000 + n, {
    title: `ENG-${n}: the other half`,
    description: `Closes ENG-${n}\n\n${HOW_TESTED}`,
    sourceBranch: `ada/eng-${n}-other-half`,
    author: "ada",
    sha: shaOf(1000 + n),
    headPipeline: fakePipeline(89_000 + n, "success", PROJECT_PATH),
    diffs: doneDiffs(1000 + n, false),
    ...init,
  });

const CASES: DeliveryCase[] = [
  // Two open MRs, both done.
  { n: 601, attach: [601, 1601] },
  // Two open MRs; the other half's pipeline failed.
  { n: 602, attach: [1602, 602] },
  // The closed first attempt beside two open ones: only the open ones are judged, the closed one is named.
  { n: 603, attach: [1653, 603, 1603] },
];
const worlds = deliveryWorlds(CASES, {
  mergeRequests: [
    otherHalf(601),
    otherHalf(602, {
      headPipeline: fakePipeline(89_602, "failed", PROJECT_PATH, { jobs: [fakeJob("unit", "failed")] }),
    }),
    otherHalf(603),
    fakeMergeRequest(PROJECT_PATH, 1653, {
      title: "ENG-603: first attempt",
      state: "closed",
      sourceBranch: "ada/eng-603-first-attempt",
      sha: shaOf(1653),
    }),
  ],
});

const validateReport = new Ajv2020({ strict: false }).compile(readJson(join(ROOT, "schemas/report.schema.json")));
const fakes = useDeliveryFakes(worlds);
const dir = tempDir("bfd-several-mrs-");

const ENV = (): Record<string, string> => ({
  LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
  LINEAR_API_URL: fakes.linear.url,
  GITLAB_URL: fakes.gitlab.url,
  GITLAB_TOKEN: FAKE_TOKEN,
});

interface Run {
  code: number | null;
  report: Report;
  stderr: string;
}

/**
 * One run of the CLI: `main()` in-process unless told otherwise (it exits and prints as the built CLI does,
 * test/e2e/built-cli.test.ts); the first row runs the built CLI, so the bundle's path with several MRs stays covered.
 */
async function bfd(
  args: string[],
  format = "json",
  cli: typeof runCliInProcess = runCliInProcess,
): Promise<Run & { stdout: string }> {
  const result = await cli([...args, "--format", format], { cwd: dir, env: ENV() });
  const report = format === "json" ? (JSON.parse(result.stdout) as Report) : (null as unknown as Report);
  if (format === "json") expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
  return { code: result.code, report, stderr: result.stderr, stdout: result.stdout };
}

const ref = (iid: number): string => `${PROJECT_PATH}!${iid}`;
const resultsOf = (run: Run, rule: string): RuleResult[] => run.report.results.filter((r) => r.rule === rule);

describe("bfd done on an issue with several open merge requests", () => {
  it("judges both when both are done (built CLI): exit 0, the MR rules once per MR, each naming its MR", async () => {
    const before = fakes.gitlab.requests.length;
    const run = await bfd(["done", "ENG-601"], "json", runCliProcess);
    expect(run.stderr).toBe("");
    // Each MR is read once, both at once.
    const reads = fakes.gitlab.requests.slice(before).map((r) => decodeURIComponent(r.path));
    for (const iid of [601, 1601])
      expect(reads.filter((p) => p === `/api/v4/projects/${PROJECT_PATH}/merge_requests/${iid}`)).toHaveLength(1);
    expect(run.code).toBe(0);
    expect(run.report.verdict).toBe("pass");
    expect(run.report.mergeRequests?.map((mr) => mr.iid)).toEqual([601, 1601]);
    expect(run.report.mergeRequest?.iid).toBe(601);
    expect(resultsOf(run, "validated-in-pipeline").map((r) => [r.mergeRequest, r.status])).toEqual([
      [ref(601), "pass"],
      [ref(1601), "pass"],
    ]);
    // A rule that reads only the issue is judged once, naming no MR.
    expect(resultsOf(run, "acceptance-criteria-met")).toHaveLength(1);
    expect(resultsOf(run, "acceptance-criteria-met")[0]?.mergeRequest).toBeUndefined();
  });

  it("fails when one of them fails (exit 1), naming both and saying which failed", async () => {
    const run = await bfd(["done", "ENG-602"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.report.verdict).toBe("fail");
    expect(run.report.mergeRequests?.map((mr) => mr.iid)).toEqual([602, 1602]);
    expect(resultsOf(run, "validated-in-pipeline").map((r) => [r.mergeRequest, r.status])).toEqual([
      [ref(602), "pass"],
      [ref(1602), "fail"],
    ]);
    const failing = run.report.results.filter((r) => r.status === "fail" || r.status === "error");
    expect(failing.every((r) => r.mergeRequest === ref(1602))).toBe(true);
  });

  it("names each MR in the pretty, markdown and JUnit titles", async () => {
    const pretty = await bfd(["done", "ENG-602"], "pretty");
    expect(pretty.stdout).toContain(`(${ref(1602)})`);
    expect(pretty.stdout).toContain(ref(602));
    const markdown = await bfd(["done", "ENG-602"], "markdown");
    // Markdown escapes the "!" of a reference.
    const escaped = (iid: number): string => ref(iid).replace("!", "\\!");
    expect(markdown.stdout).toContain(`Merge requests [${escaped(602)}]`);
    expect(markdown.stdout).toContain(`(${escaped(1602)})** \`validated-in-pipeline\` — In pipeline`);
    const junit = await bfd(["done", "ENG-602"], "junit");
    expect(junit.stdout).toContain(`name="validated-in-pipeline: `);
    expect(junit.stdout).toMatch(new RegExp(`name="validated-in-pipeline: [^"]+ \\(${ref(1602)}\\)"`));
  });

  it("judges only the open ones beside a closed one, and names the closed one", async () => {
    const run = await bfd(["done", "ENG-603"]);
    expect(run.code).toBe(0);
    expect(run.report.mergeRequests?.map((mr) => mr.iid)).toEqual([603, 1603]);
    const ready = resultsOf(run, "merge-request-ready");
    expect(ready.map((r) => r.mergeRequest)).toEqual([ref(603), ref(1603)]);
    for (const r of ready) expect(r.evidence).toContain(`ignored: ${ref(1653)} closed without merging`);
    expect(run.report.results.some((r) => r.mergeRequest === ref(1653))).toBe(false);
  });

  it("judges only the one --mr names", async () => {
    const run = await bfd(["done", "ENG-602", "--mr", `${fakes.gitlab.url}/${PROJECT_PATH}/-/merge_requests/602`]);
    expect(run.code).toBe(0);
    expect(run.report.mergeRequests).toBeUndefined();
    expect(run.report.results.every((r) => r.mergeRequest === undefined)).toBe(true);
  });

  it("writes a handoff note that links both MRs and names the one whose gap it is", async () => {
    const run = await runCliInProcess(["handoff", "ENG-602", "--state", "in-review", "--format", "markdown"], {
      cwd: dir,
      env: ENV(),
    });
    expect(run.stdout).toContain(`/merge_requests/602`);
    expect(run.stdout).toContain(`/merge_requests/1602`);
    expect(run.stdout).toContain(`(${ref(1602).replace("!", "\\!")})`);
  });

  it("round-trips a snapshot of several MRs: the replay gives the same report", async () => {
    const file = join(dir, "eng-602.json");
    const saved = await runCliInProcess(["snapshot", "ENG-602", "-o", file], { cwd: dir, env: ENV() });
    expect(saved.code).toBe(0);
    const live = await bfd(["done", "ENG-602"]);
    const replay = await runCliInProcess(["done", "--snapshot", file, "--format", "json"], { cwd: dir, env: {} });
    expect(replay.code).toBe(1);
    const report = JSON.parse(replay.stdout) as Report;
    expect(report.mergeRequests).toEqual(live.report.mergeRequests);
    expect(report.results.map((r) => [r.rule, r.mergeRequest, r.status])).toEqual(
      live.report.results.map((r) => [r.rule, r.mergeRequest, r.status]),
    );
  });
});
