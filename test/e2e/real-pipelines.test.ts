import { describe, expect, it } from "vitest";
import type { Report, RuleResult } from "../../src/report/schema.js";
import {
  FAKE_JOB_TOKEN,
  FAKE_TARGET_TIP,
  FAKE_TOKEN,
  fakeBridge,
  fakeFinishedPipeline,
  fakeJob,
  fakePipeline,
  fakeProject,
  type FakeCommitStatus,
} from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { runCliInProcess, runCliProcess, tempDir } from "../helpers/cli.js";
import {
  deliveryWorlds,
  PROJECT_ID,
  PROJECT_PATH,
  shaOf,
  type DeliveryCase,
  useDeliveryFakes,
} from "../helpers/delivery-world.js";

// Real teams' pipelines (NOTES "Real setups"): merged-results pipelines and merge trains run on a merge commit GitLab
// makes of the MR head; fork MRs' pipelines run in the fork. bfd done, bfd ci judge them by the MR head they tested,
// and read their jobs and statuses where they are. The first row of each command runs the built CLI (the bundle's
// path); the others run `main()` in-process, which exits and prints the same (test/e2e/built-cli.test.ts).

const FORK_PATH = "ada/web-fork";
const FORK_ID = 5151;
/** GitLab's merge commit of MR !<n>'s head into main. */
const mergeOf = (n: number): string => `${String(n).padStart(8, "0")}${"9".repeat(32)}`;
/** bfd's own job in the pipeline of !<n>, in .post, still running while bfd ci runs. */
const bfdJobId = (n: number): number => 96_000 + n;
const ciJobs = (n: number, ...jobs: ReturnType<typeof fakeJob>[]) => [
  ...jobs,
  fakeJob("bfd", "running", { stage: ".post", id: bfdJobId(n) }),
];

const CASES: DeliveryCase[] = [
  // A merged-results pipeline on the merge of the MR head into main.
  {
    n: 500,
    mr: {
      headPipeline: fakePipeline(611, "success", PROJECT_PATH, {
        kind: "merged_result",
        sha: mergeOf(500),
        jobs: [fakeJob("unit", "success")],
      }),
    },
  },
  // A merged MR whose head pipeline is its merge train's.
  {
    n: 501,
    mr: {
      state: "merged",
      mergedAt: "2026-01-03T10:00:00.000Z",
      headPipeline: fakePipeline(612, "success", PROJECT_PATH, {
        kind: "merge_train",
        sha: mergeOf(501),
        jobs: [fakeJob("unit", "success")],
      }),
    },
  },
  // A merged-results pipeline that merged an older commit of the MR: the head was pushed since.
  {
    n: 502,
    mr: {
      headPipeline: fakePipeline(613, "success", PROJECT_PATH, {
        kind: "merged_result",
        sha: mergeOf(502),
        merged: "f".repeat(40),
      }),
    },
  },
  // A fork MR: its pipeline ran in the fork and failed on an external scan set there.
  {
    n: 503,
    mr: {
      headPipeline: fakePipeline(614, "failed", FORK_PATH, { project: FORK_PATH, jobs: [fakeJob("unit", "success")] }),
    },
  },
  // bfd ci in a merged-results pipeline, the team's jobs green, bfd's own running.
  {
    n: 504,
    mr: {
      headPipeline: fakePipeline(615, "running", PROJECT_PATH, {
        kind: "merged_result",
        sha: mergeOf(504),
        jobs: ciJobs(504, fakeJob("unit", "success")),
      }),
    },
  },
  // bfd ci where the MR pipeline holds only bfd's own job (the team's jobs say only: branches).
  { n: 505, mr: { headPipeline: fakePipeline(616, "running", PROJECT_PATH, { jobs: ciJobs(505) }) } },
  // bfd ci where a trigger job without strategy: depend succeeded but its child pipeline failed.
  {
    n: 506,
    mr: {
      headPipeline: fakePipeline(617, "running", PROJECT_PATH, {
        jobs: ciJobs(506, fakeJob("unit", "success")),
        bridges: [fakeBridge("child-tests", "success", { downstream: "failed" })],
      }),
    },
  },
  // bfd ci where a failing job is merely named like bfd serve's status.
  {
    n: 507,
    mr: {
      headPipeline: fakePipeline(618, "running", PROJECT_PATH, {
        jobs: ciJobs(507, fakeJob("unit", "success"), fakeJob("bfd/done", "failed")),
      }),
    },
  },
  // bfd done on a green pipeline whose trigger job (no strategy: depend) started a child pipeline that failed.
  {
    n: 509,
    mr: {
      headPipeline: fakePipeline(620, "success", PROJECT_PATH, {
        jobs: [fakeJob("unit", "success")],
        bridges: [fakeBridge("child-tests", "success", { downstream: "failed" })],
      }),
    },
  },
  // bfd done on a pipeline GitLab calls green though nothing passed in it: the one job that started failed where it
  // may, the others are manual and nobody played them (the fake gives the status GitLab's Composite status gives).
  {
    n: 510,
    mr: {
      headPipeline: fakeFinishedPipeline(621, [
        fakeJob("lint", "failed", { allowFailure: true }),
        fakeJob("unit", "manual", { allowFailure: true }),
        fakeJob("deploy", "manual", { allowFailure: true }),
      ]),
    },
  },
  // bfd done on a pipeline of only manual jobs nobody played: GitLab calls it skipped.
  {
    n: 511,
    mr: {
      headPipeline: fakeFinishedPipeline(622, [
        fakeJob("unit", "manual", { allowFailure: true }),
        fakeJob("e2e", "manual", { allowFailure: true }),
      ]),
    },
  },
  // bfd ci in a fork MR's pipeline, run in the fork.
  {
    n: 508,
    mr: {
      headPipeline: fakePipeline(619, "running", FORK_PATH, {
        project: FORK_PATH,
        jobs: ciJobs(508, fakeJob("unit", "success")),
      }),
    },
  },
];

const worlds = deliveryWorlds(CASES);
worlds.gitlab.projects.push(fakeProject(FORK_PATH, { id: FORK_ID }));

/** A failed security scan another tool set, on the commit a pipeline ran on (doc/api/commits.md, statuses). */
const failedScan = (project: string, sha: string): FakeCommitStatus => ({
  id: 990_000 + Number(sha.slice(0, 8)),
  project,
  sha,
  name: "security-scan",
  state: "failed",
  targetUrl: null,
  description: "2 critical findings",
  authorId: 1,
  createdAt: "2026-01-02T10:00:00.000Z",
});
worlds.gitlab.commitStatuses.push(failedScan(FORK_PATH, shaOf(503)));

const fakes = useDeliveryFakes(worlds);
const dir = tempDir("bfd-real-pipelines-");

interface Run {
  code: number | null;
  report: Report | null;
  stderr: string;
  gitlabPaths: string[];
}

async function run(
  args: string[],
  env: Record<string, string | undefined>,
  cli: typeof runCliInProcess = runCliInProcess,
): Promise<Run> {
  const before = fakes.gitlab.requests.length;
  const result = await cli([...args, "--format", "json"], { cwd: dir, env });
  return {
    code: result.code,
    report: result.stdout.startsWith("{") ? (JSON.parse(result.stdout) as Report) : null,
    stderr: result.stderr,
    gitlabPaths: fakes.gitlab.requests.slice(before).map((r) => decodeURIComponent(r.path)),
  };
}

const pipelineRule = (r: Run): RuleResult => {
  const found = r.report?.results.find((x) => x.rule === "validated-in-pipeline");
  if (found === undefined) throw new Error(`no pipeline result; stderr: ${r.stderr}`);
  return found;
};

const done = (n: number, cli?: typeof runCliInProcess): Promise<Run> =>
  run(
    ["done", `ENG-${n}`, "--mr", `${fakes.gitlab.url}/${PROJECT_PATH}/-/merge_requests/${n}`],
    {
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: fakes.linear.url,
      GITLAB_URL: fakes.gitlab.url,
      GITLAB_TOKEN: FAKE_TOKEN,
    },
    cli,
  );

/** A merge-request pipeline job's environment; merged-results and train pipelines run on the merge commit. */
function ciEnv(n: number, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const mr = fakes.mergeRequest(n);
  const pipeline = mr.headPipeline!;
  const merged = pipeline.kind !== undefined;
  return {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: fakes.gitlab.url,
    CI_PROJECT_ID: String(pipeline.project === FORK_PATH ? FORK_ID : PROJECT_ID),
    CI_PROJECT_PATH: pipeline.project ?? PROJECT_PATH,
    CI_MERGE_REQUEST_IID: String(n),
    CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: mr.sourceBranch,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
    CI_MERGE_REQUEST_TITLE: mr.title,
    CI_MERGE_REQUEST_EVENT_TYPE: pipeline.kind ?? "detached",
    ...(merged
      ? { CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: mr.sha, CI_MERGE_REQUEST_TARGET_BRANCH_SHA: FAKE_TARGET_TIP }
      : {}),
    CI_COMMIT_SHA: pipeline.sha ?? mr.sha,
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_PIPELINE_ID: String(pipeline.id),
    CI_PIPELINE_URL: pipeline.webUrl,
    CI_JOB_ID: String(bfdJobId(n)),
    CI_JOB_TOKEN: FAKE_JOB_TOKEN,
    GITLAB_TOKEN: FAKE_TOKEN,
    LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
    LINEAR_API_URL: fakes.linear.url,
    ...extra,
  };
}

const ci = (n: number, cli?: typeof runCliInProcess): Promise<Run> => run(["ci"], ciEnv(n), cli);

describe("bfd done on real teams' pipelines", () => {
  it("passes a merged-results pipeline on the merge of the MR head into main, reading the merge commit once (built CLI)", async () => {
    const r = await done(500, runCliProcess);
    expect(pipelineRule(r)).toMatchObject({
      status: "pass",
      message: "1 job of merged-results pipeline #611 ran and passed on the merge of 00000500 into main",
    });
    expect(r.gitlabPaths.filter((p) => p.includes("/repository/commits/"))).toEqual([
      `/api/v4/projects/${PROJECT_PATH}/repository/commits/${mergeOf(500)}`,
    ]);
  });

  it("never asks for a commit's parents when the pipeline ran on the MR head", async () => {
    const r = await done(503);
    expect(r.gitlabPaths.some((p) => /\/repository\/commits\/[0-9a-f]{40}$/.test(p))).toBe(false);
  });

  it("passes a merged MR whose head pipeline is its merge train's", async () => {
    const r = await done(501);
    expect(pipelineRule(r)).toMatchObject({ status: "pass" });
    expect(pipelineRule(r).message).toBe(
      "1 job of merge-train pipeline #612 ran and passed on the merge of 00000501 into main",
    );
  });

  it("fails a merged-results pipeline that merged an older commit of the MR", async () => {
    const r = await done(502);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toBe(
      "Merged-results pipeline #613 ran on 00000502, a merge of eeeeeeee and ffffffff; the MR head 00000502 is not among them",
    );
  });

  it("fails a green pipeline whose trigger job's child pipeline failed (was a false pass outside CI)", async () => {
    const r = await done(509);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toMatch(
      /^In pipeline #620, trigger job "child-tests" \([^)]*pipeline #\d+\) failed$/,
    );
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${PROJECT_PATH}/pipelines/620/bridges`);
  });

  it("fails a pipeline GitLab calls green when nothing in it passed, saying so and how to fix it (was a false pass)", async () => {
    expect(fakes.mergeRequest(510).headPipeline?.status).toBe("success");
    const r = await done(510);
    expect(r.code).toBe(1);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toBe(
      'Nothing ran in pipeline #621: every job in it was manual (never played), skipped, or failed where it may: job "lint" (test), job "unit" (test), job "deploy" (test). Play the jobs that test the change, or let them run on merge requests (`rules: - if: $CI_PIPELINE_SOURCE == "merge_request_event"`)',
    );
    // Its jobs are read beside its trigger jobs, in the same wave.
    expect(r.gitlabPaths).toEqual(
      expect.arrayContaining([
        `/api/v4/projects/${PROJECT_PATH}/pipelines/621/jobs`,
        `/api/v4/projects/${PROJECT_PATH}/pipelines/621/bridges`,
      ]),
    );
  });

  it("fails a pipeline of only manual jobs nobody played, which GitLab calls skipped", async () => {
    const r = await done(511);
    expect(r.code).toBe(1);
    expect(fakes.mergeRequest(511).headPipeline?.status).toBe("skipped");
    expect(pipelineRule(r).status).toBe("fail");
    // A pipeline that is not green is read for what made it so: its jobs say nothing ran.
    expect(pipelineRule(r).message).toMatch(
      /^Nothing ran in pipeline #622: every job in it was manual \(never played\) or skipped: job "unit" \(test\), job "e2e" \(test\)\. Play the jobs/,
    );
  });

  it("reads a fork MR's failed pipeline in the fork and names the failed scan, never blaming the token", async () => {
    const r = await done(503);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toContain('job "security-scan" (external) failed');
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${FORK_ID}/repository/commits/${shaOf(503)}/statuses`);
    expect(r.stderr).not.toContain("GITLAB_TOKEN");
  });
});

describe("bfd ci in real teams' pipelines", () => {
  it("passes a merged-results pipeline, reading jobs and statuses on the merge commit it runs on (built CLI)", async () => {
    const r = await ci(504, runCliProcess);
    expect(pipelineRule(r)).toMatchObject({ status: "pass" });
    expect(pipelineRule(r).message).toBe(
      "1 job of merged-results pipeline #615 ran and passed on the merge of 00000504 into main (bfd's own job not counted)",
    );
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${PROJECT_ID}/repository/commits/${mergeOf(504)}/statuses`);
    expect(r.code).toBe(0);
  });

  it("fails a merged-results pipeline whose external scan failed on the merge commit (was a false pass)", async () => {
    fakes.gitlab.world.commitStatuses.push(failedScan(PROJECT_PATH, mergeOf(504)));
    const r = await ci(504);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toContain('job "security-scan" (external) failed');
    expect(r.code).toBe(1);
  });

  it("reads the merge commit's parents when GitLab says merged_result but gives no CI_MERGE_REQUEST_SOURCE_BRANCH_SHA", async () => {
    const r = await run(["ci"], ciEnv(504, { CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: undefined }));
    expect(pipelineRule(r)).toMatchObject({ status: "pass" });
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${PROJECT_ID}/repository/commits/${mergeOf(504)}`);
  });

  it("fails when the MR pipeline holds only bfd's own job", async () => {
    const r = await ci(505);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toMatch(/^Nothing ran in pipeline #616: it holds only bfd's own job/);
  });

  it("fails a trigger job whose child pipeline failed, though the trigger job itself succeeded", async () => {
    const r = await ci(506);
    expect(pipelineRule(r).status).toBe("fail");
    expect(pipelineRule(r).message).toMatch(/trigger job "child-tests" \(test, pipeline #\d+\) failed$/);
  });

  it("fails a failing job merely named like bfd serve's status", async () => {
    const r = await ci(507);
    expect(pipelineRule(r).message).toBe('In pipeline #618, job "bfd/done" (test) failed');
  });

  it("reads a fork MR's pipeline from the fork that runs it (CI_PROJECT_ID)", async () => {
    const r = await ci(508);
    expect(pipelineRule(r)).toMatchObject({ status: "pass" });
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${FORK_ID}/pipelines/619/jobs`);
    expect(r.gitlabPaths).toContain(`/api/v4/projects/${PROJECT_ID}/merge_requests/508`);
  });
});
