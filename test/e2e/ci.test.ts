import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "xmlbuilder2";
import { describe, expect, it } from "vitest";
import type { Html, Link, Node, Parent, Text } from "mdast";
import { parseMarkdown } from "../../src/markdown/sections.js";
import type { Report } from "../../src/report/schema.js";
import { STICKY_MARKER } from "../../src/ci/sticky-note.js";
import { OWN_STATUS_MARKER } from "../../src/work-item/own-status.js";
import {
  FAKE_JOB_TOKEN,
  FAKE_TOKEN,
  fakeBridge,
  fakeDiff,
  fakeJob,
  fakeLabelEvent,
  fakeNote,
  fakePipeline,
} from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { runCliInProcess, tempDir, type CliResult } from "../helpers/cli.js";
import { gitChange } from "../helpers/git.js";
import {
  BOT_USER_ID,
  COMPLETE_FLAG_RECORD,
  deliveryWorlds,
  doneDiffs,
  flagPathOf,
  HOW_TESTED,
  HUMAN_USER_ID,
  PROJECT_ID,
  PROJECT_PATH,
  REVIEWER_USER_ID,
  type DeliveryCase,
  useDeliveryFakes,
} from "../helpers/delivery-world.js";

const RELEASE_BRANCH = "release-2026";
const TARGET_CONFIG =
  "# rules as the release branch has them\ndisable: [validation-explained]\nruleFiles: [bfd/team-rules.yaml]\n";
const TARGET_TEAM_RULES = [
  "gate: done",
  "rules:",
  "  - id: mr-not-draft",
  "    title: The merge request is not a draft",
  "    check: field",
  "    with: { field: mergeRequest.draft, equals: false }",
  '    hint: "Mark the merge request as ready."',
  "",
].join("\n");
const WORKING_TREE_CONFIG = "# loosened in the merge request\ndisable: [validation-explained, release-notes-updated]\n";
const HOSTILE_TITLE = "@all <script>alert(1)</script> [click](javascript:alert(1)) #1 !2";
const SELF_QUOTE_NOTE = `FYI: bfd finds its own note by the hidden marker ${STICKY_MARKER}; bfd done ✅ passed · Done is what it writes.`;
const HUMAN_NOTE = `${STICKY_MARKER}\nbfd done ✅ passed · Done — I copied bfd's note to show the team what it looks like.`;

const CASES: DeliveryCase[] = [
  { n: 400 },
  {
    n: 401,
    mr: {
      headPipeline: fakePipeline(88_401, "failed", PROJECT_PATH),
      diffs: doneDiffs(401).filter((d) => d.newPath !== "CHANGELOG.md" && d.newPath !== "docs/audit-log.md"),
      labels: ["no-docs"],
    },
  },
  {
    n: 402,
    attach: false,
    mr: {
      title: "Tidy the audit log",
      sourceBranch: "tidy-audit-log",
      description: `Small refactor.\n\n${HOW_TESTED}`,
    },
  },
  {
    n: 403,
    mr: {
      title: "Show sign-in events",
      sourceBranch: "feature/sign-in-events",
      description: `Closes ENG-403\n\n${HOW_TESTED}`,
    },
  },
  { n: 404, mr: { diffs: doneDiffs(404).filter((d) => d.newPath !== "docs/audit-log.md"), labels: ["no-docs"] } },
  {
    n: 405,
    mr: {
      targetBranch: RELEASE_BRANCH,
      description: "Closes ENG-405\n\nLoosens the gate.",
      diffs: [...doneDiffs(405).filter((d) => d.newPath !== "CHANGELOG.md"), fakeDiff("bfd.config.yaml")],
    },
  },
  { n: 406, title: HOSTILE_TITLE, mr: { headPipeline: fakePipeline(88_406, "failed", PROJECT_PATH) } },
  { n: 407, mr: { headPipeline: fakePipeline(88_407, "failed", PROJECT_PATH) } },
  { n: 408 },
  { n: 409, mr: { targetBranch: "broken-rules" } },
  {
    n: 410,
    mr: {
      title: "Keep UTF-8 names in sign-in events",
      sourceBranch: "fix/utf-8-sign-in-names",
      description: `Closes ENG-410\n\n${HOW_TESTED}`,
    },
  },
];

const worlds = deliveryWorlds(CASES, {
  // The no-docs labels were added by a reviewer (doc/api/resource_label_events.md): a waiver someone else stands behind.
  labelEvents: [401, 404].map((n) =>
    fakeLabelEvent(PROJECT_PATH, n, {
      label: "no-docs",
      createdAt: "2026-01-05T09:00:00.000Z",
      userId: REVIEWER_USER_ID,
    }),
  ),
  files: {
    [RELEASE_BRANCH]: { "bfd.config.yaml": TARGET_CONFIG, "bfd/team-rules.yaml": TARGET_TEAM_RULES },
    "broken-rules": { "bfd.config.yaml": "disable: [validation-explained\noverride:\n  nope: 1\n" },
  },
  notes: [
    fakeNote(PROJECT_PATH, 407, {
      id: 7001,
      authorId: HUMAN_USER_ID,
      body: HUMAN_NOTE,
      createdAt: "2026-01-02T09:00:00.000Z",
    }),
    fakeNote(PROJECT_PATH, 407, {
      id: 7002,
      authorId: BOT_USER_ID,
      body: "Pipeline #88407 started (system)",
      system: true,
      createdAt: "2026-01-02T09:01:00.000Z",
    }),
    // Written by hand with the token owner's own account (GITLAB_TOKEN is often a person's token), quoting the marker.
    fakeNote(PROJECT_PATH, 407, {
      id: 7003,
      authorId: BOT_USER_ID,
      body: SELF_QUOTE_NOTE,
      createdAt: "2026-01-02T09:02:00.000Z",
    }),
  ],
});

/** bfd's own job in the pipeline of acme/web!<n>: the one job `bfd ci` must never judge. */
const bfdJobId = (n: number): number => 95_000 + n;

/**
 * In a merge-request pipeline the MR's head pipeline IS the pipeline bfd runs in (NOTES "The pipeline you run in"):
 * `running`, with bfd's own job in `.post` still running and every other job finished. A case whose pipeline the
 * world says "failed" has a failed `unit` job instead.
 */
for (const mr of worlds.gitlab.mergeRequests) {
  const finished = mr.headPipeline;
  if (finished === null) continue;
  mr.headPipeline = fakePipeline(finished.id, "running", PROJECT_PATH, {
    jobs: [
      fakeJob("lint", "success", { stage: "check" }),
      fakeJob("unit", finished.status === "failed" ? "failed" : "success"),
      fakeJob("bfd", "running", { stage: ".post", id: bfdJobId(mr.iid) }),
    ],
  });
}

const fakes = useDeliveryFakes(worlds);
const workingTree = tempDir("bfd-ci-");

/** What GitLab puts in the environment of a merge-request pipeline job (predefined CI/CD variables). */
function ciEnv(n: number, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const mr = fakes.mergeRequest(n);
  return {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: fakes.gitlab.url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: PROJECT_PATH,
    CI_MERGE_REQUEST_IID: String(n),
    CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: mr.sourceBranch,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
    CI_MERGE_REQUEST_TITLE: mr.title,
    CI_MERGE_REQUEST_LABELS: mr.labels.join(","),
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_PIPELINE_ID: String(mr.headPipeline?.id ?? 5150),
    CI_PIPELINE_URL: mr.headPipeline?.webUrl ?? `${fakes.gitlab.url}/${PROJECT_PATH}/-/pipelines/5150`,
    CI_JOB_ID: String(bfdJobId(n)),
    CI_COMMIT_SHA: mr.sha,
    CI_JOB_TOKEN: FAKE_JOB_TOKEN,
    GITLAB_TOKEN: FAKE_TOKEN,
    LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
    LINEAR_API_URL: fakes.linear.url,
    ...extra,
  };
}

interface CiRun extends CliResult {
  report: Report | null;
  linearRequests: number;
  gitlabUrls: Map<string, number>;
}

async function ci(
  n: number,
  args: string[] = [],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<CiRun> {
  const linearBefore = fakes.linear.requestCount();
  const gitlabBefore = fakes.gitlab.requests.length;
  const result = await runCliInProcess(["ci", "--format", "json", ...args], {
    cwd: options.cwd ?? workingTree,
    env: options.env ?? ciEnv(n),
  });
  const gitlabUrls = new Map<string, number>();
  for (const r of fakes.gitlab.requests.slice(gitlabBefore)) {
    const key = `${r.method} ${decodeURIComponent(r.path)}${r.query["ref"] === undefined ? "" : `?ref=${String(r.query["ref"])}`}`;
    gitlabUrls.set(key, (gitlabUrls.get(key) ?? 0) + 1);
  }
  return {
    ...result,
    report: result.stdout.startsWith("{") ? (JSON.parse(result.stdout) as Report) : null,
    linearRequests: fakes.linear.requestCount() - linearBefore,
    gitlabUrls,
  };
}

const resultOf = (run: CiRun, rule: string) => {
  const found = run.report?.results.find((r) => r.rule === rule);
  if (found === undefined) throw new Error(`no result for ${rule}; stderr: ${run.stderr}`);
  return found;
};

type XmlNode = Record<string, unknown>;
const asArray = (value: unknown): XmlNode[] =>
  value === undefined ? [] : Array.isArray(value) ? (value as XmlNode[]) : [value as XmlNode];

describe("bfd ci in a GitLab merge-request pipeline", () => {
  it("fails a merge request that misses Done criteria (exit 1) and writes JUnit, Code Quality and Markdown reports", async () => {
    const dir = tempDir("bfd-ci-reports-");
    const [junitPath, cqPath, mdPath] = ["bfd-junit.xml", "gl-code-quality-report.json", "bfd.md"].map((f) =>
      join(dir, f),
    ) as [string, string, string];
    const run = await ci(401, [
      "--report",
      `junit=${junitPath}`,
      "--report",
      `codequality=${cqPath}`,
      "--report",
      `markdown=${mdPath}`,
    ]);
    expect(run.code).toBe(1);
    expect(run.report?.verdict).toBe("fail");
    expect(run.stderr).toContain("bfd ci: wrote junit");
    const rules = run.report!.results;
    const failed = rules.filter((r) => r.status === "fail").map((r) => r.rule);
    expect(failed.sort()).toEqual(["release-notes-updated", "validated-in-pipeline"]);

    const junit = create(readFileSync(junitPath, "utf8")).end({ format: "object" }) as XmlNode;
    const suites = junit["testsuites"] as XmlNode;
    const suite = asArray(suites["testsuite"]);
    expect(suite).toHaveLength(1);
    const cases = asArray(suite[0]!["testcase"]);
    expect(cases).toHaveLength(rules.length);
    expect(cases.map((c) => String(c["@name"]).split(":")[0])).toEqual(rules.map((r) => r.rule));
    expect(suite[0]!["@tests"]).toBe(String(rules.length));
    expect(suite[0]!["@failures"]).toBe("2");
    const byRule = new Map(cases.map((c) => [String(c["@name"]).split(":")[0], c]));
    const pipelineFailure = byRule.get("validated-in-pipeline")!["failure"] as XmlNode;
    // xmlbuilder2's reader leaves entities in attribute values as written.
    expect(String(pipelineFailure["@message"]).replaceAll("&quot;", '"')).toBe(
      'In pipeline #88401, job "unit" (test) failed',
    );
    expect(String(pipelineFailure["#"])).toContain("How to fix:");
    expect(byRule.get("scope-matches-issue")!["failure"]).toBeUndefined();
    expect(byRule.get("scope-matches-issue")!["skipped"]).toBeUndefined();
    expect((byRule.get("user-docs-updated")!["skipped"] as XmlNode)["@message"]).toContain("no-docs");
    expect((byRule.get("staging-validated")!["skipped"] as XmlNode)["@message"]).toContain("merged");

    const codeQuality = JSON.parse(readFileSync(cqPath, "utf8")) as Record<string, unknown>[];
    expect(codeQuality.map((e) => e["check_name"]).sort()).toEqual(["release-notes-updated", "validated-in-pipeline"]);
    for (const entry of codeQuality) {
      expect(Object.keys(entry).sort()).toEqual(["check_name", "description", "fingerprint", "location", "severity"]);
      expect(typeof entry["description"]).toBe("string");
      expect(entry["fingerprint"]).toMatch(/^[0-9a-f]{32}$/);
      expect(["info", "minor", "major", "critical", "blocker"]).toContain(entry["severity"]);
      const location = entry["location"] as { path: unknown; lines: { begin: unknown } };
      // Built-in rules that name no changed file point at a file of the repository: the pipeline definition.
      expect(location.path).toBe(".gitlab-ci.yml");
      expect(Number.isInteger(location.lines.begin)).toBe(true);
      expect(location.lines.begin).toBeGreaterThan(0);
    }
    expect(new Set(codeQuality.map((e) => e["fingerprint"])).size).toBe(codeQuality.length);

    const markdown = readFileSync(mdPath, "utf8");
    expect(markdown).toContain("### bfd done ❌ failed");
    expect(markdown).toContain("`validated-in-pipeline`");
  });

  it("passes a merge request that meets every Done criterion (exit 0)", async () => {
    const run = await ci(400);
    expect(run.report?.verdict).toBe("pass");
    expect(run.report?.issue?.identifier).toBe("ENG-400");
    expect(run.report?.results.filter((r) => r.status === "fail" || r.status === "error")).toEqual([]);
    expect(resultOf(run, "staging-validated").status).toBe("skipped");
    expect(run.code).toBe(0);
  });

  it("asks Linear once and GitLab only for the target branch's rule files and the MR's evidence, its pipeline's jobs, trigger jobs and statuses included", async () => {
    const run = await ci(400);
    expect(run.code).toBe(0);
    expect(run.linearRequests).toBe(1);
    const project = `/api/v4/projects/${PROJECT_ID}`;
    expect(Object.fromEntries(run.gitlabUrls)).toEqual({
      [`GET ${project}/repository/files/bfd.config.yaml/raw?ref=main`]: 1,
      [`GET ${project}/repository/files/bfd.config.yml/raw?ref=main`]: 1,
      [`GET ${project}/merge_requests/400`]: 1,
      [`GET ${project}/merge_requests/400/diffs`]: 1,
      // Who acted on the MR, read beside it: a waiver counts only when someone other than its author stands behind it.
      [`GET ${project}/merge_requests/400/resource_label_events`]: 1,
      [`GET ${project}/merge_requests/400/notes`]: 1,
      [`GET ${project}/merge_requests/400/approvals`]: 1,
      // The project's MR templates, also beside it (#22): "How tested" is judged against them.
      [`GET ${project}/templates/merge_requests`]: 1,
      [`GET ${project}/pipelines/88400/jobs`]: 1,
      // GitLab lists trigger jobs (bridges) apart from the jobs (doc/api/jobs.md "List pipeline bridges"), and the
      // external statuses other tools set on the pipeline only among the statuses of its commit: without these two
      // a failed child pipeline or a failed external check would pass.
      [`GET ${project}/pipelines/88400/bridges`]: 1,
      [`GET ${project}/repository/commits/${fakes.mergeRequest(400).sha}/statuses`]: 1,
    });
  });

  it("exits 3 when Linear is down", async () => {
    fakes.linear.injectFault({ kind: "http-status", status: 503, times: Number.POSITIVE_INFINITY });
    const run = await ci(400);
    expect(run.code).toBe(3);
    expect(run.stderr.split("\n")[0]).toMatch(/^bfd: .*Linear/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 3 when Linear drops the connection", async () => {
    fakes.linear.injectFault({ kind: "reset", times: Number.POSITIVE_INFINITY });
    const run = await ci(400);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^bfd: .*Linear/);
  });

  it("exits 3 when GitLab is down", async () => {
    fakes.gitlab.injectFault({ kind: "http-status", status: 503, times: Number.POSITIVE_INFINITY });
    const run = await ci(400);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^bfd: GitLab answered HTTP 503/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 with an explanation outside a merge-request pipeline", async () => {
    const run = await ci(400, [], { env: ciEnv(400, { CI_PIPELINE_SOURCE: "push", CI_MERGE_REQUEST_IID: undefined }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("bfd ci runs in a GitLab merge-request pipeline");
    expect(run.stderr).toContain('CI_PIPELINE_SOURCE is "push"');
    expect(run.stderr).toContain("bfd done");
    expect(run.linearRequests).toBe(0);
    expect(run.gitlabUrls.size).toBe(0);
  });

  it("fails scope-matches-issue with the hint to name the issue when the MR names none (not a crash)", async () => {
    const run = await ci(402);
    expect(run.code).toBe(1);
    expect(run.report?.issue).toBeNull();
    const scope = resultOf(run, "scope-matches-issue");
    expect(scope.status).toBe("fail");
    expect(scope.message).toBe("No Linear issue found for this work");
    expect(scope.hint).toContain("Closes ENG-123");
    expect(run.report?.notices.join("\n")).toContain(`No Linear issue is named by ${PROJECT_PATH}!402`);
    expect(run.linearRequests).toBe(0);
  });

  it("finds the issue from 'Closes ENG-403' in the MR description", async () => {
    const run = await ci(403);
    expect(run.report?.issue?.identifier).toBe("ENG-403");
    expect(resultOf(run, "scope-matches-issue")).toMatchObject({ status: "pass" });
    expect(resultOf(run, "scope-matches-issue").message).toContain('description ("closes ENG-403")');
    expect(run.linearRequests).toBe(1);
  });

  it("tries the MR's other issue keys when the first key-like word is not a Linear issue (fix/utf-8-…, Closes ENG-410)", async () => {
    const run = await ci(410);
    expect(run.report?.issue?.identifier).toBe("ENG-410");
    expect(resultOf(run, "scope-matches-issue").status).toBe("pass");
    expect(run.linearRequests).toBe(2);
  });

  it("re-reads the labels from the API instead of the stale CI_MERGE_REQUEST_LABELS", async () => {
    const run = await ci(404, [], { env: ciEnv(404, { CI_MERGE_REQUEST_LABELS: "" }) });
    expect(resultOf(run, "user-docs-updated")).toMatchObject({
      status: "waived",
      waiver: { source: "label no-docs", standing: "accepted", by: { name: "Rita Reviewer" } },
    });
    expect(run.code).toBe(0);

    fakes.mergeRequest(404).labels = [];
    const stale = await ci(404, [], { env: ciEnv(404, { CI_MERGE_REQUEST_LABELS: "no-docs" }) });
    expect(resultOf(stale, "user-docs-updated").status).toBe("fail");
    expect(stale.code).toBe(1);
  });

  it("judges the MR by the rules on its target branch, not the ones it changes, and says so", async () => {
    const dir = tempDir("bfd-ci-tree-");
    writeFileSync(join(dir, "bfd.config.yaml"), WORKING_TREE_CONFIG);
    const run = await ci(405, [], { cwd: dir });
    const ids = run.report!.results.map((r) => r.rule);
    expect(ids).not.toContain("validation-explained");
    expect(ids).toContain("mr-not-draft");
    expect(resultOf(run, "release-notes-updated").status).toBe("fail");
    expect(run.report?.notices.join("\n")).toContain(
      `This merge request changes bfd rule files (bfd.config.yaml); they were judged by the rules on ${RELEASE_BRANCH}`,
    );
    expect(run.code).toBe(1);
    expect(
      run.gitlabUrls.get(
        `GET /api/v4/projects/${PROJECT_ID}/repository/files/bfd/team-rules.yaml/raw?ref=${RELEASE_BRANCH}`,
      ),
    ).toBe(1);
  });

  it("exits 2 with file:line:col when the target branch's config is broken (not a crash)", async () => {
    const run = await ci(409);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bfd\.config\.yaml \(at broken-rules\):\d+:\d+/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("bfd ci judges the pipeline it runs in and the whole change", () => {
  const LATE_UI_FILE = "src/ui/LateComponent.tsx";
  /** 1,200 changed files: release notes first, a user-facing file past GitLab's 1,000-file cap, no docs. */
  const bigChange = (n: number): Record<string, string> => {
    const files: Record<string, string> = {
      "CHANGELOG.md": "- sign-in events\n",
      [flagPathOf(n)]: COMPLETE_FLAG_RECORD,
    };
    for (let i = 0; i < 1_200; i += 1)
      files[i === 1_100 ? LATE_UI_FILE : `src/gen/file-${String(i).padStart(4, "0")}.ts`] =
        `export const v${i} = ${i};\n`;
    return files;
  };
  const asDiffs = (files: Record<string, string>) =>
    Object.keys(files).map((path) => fakeDiff(path, { newFile: true }));
  /**
   * `bfd ci` in the job's checkout of MR !400, which adds `added` on top of `base`; GitLab lists the same files (its
   * list may be capped) with the checkout's head.
   */
  const ciInCheckout = (base: Record<string, string>, added: Record<string, string>): Promise<CiRun> => {
    const checkout = gitChange(base, added);
    const mr = fakes.mergeRequest(400);
    mr.sha = checkout.head;
    mr.diffs = asDiffs(added);
    return ci(400, [], {
      cwd: checkout.dir,
      env: ciEnv(400, { CI_PROJECT_DIR: checkout.dir, CI_MERGE_REQUEST_DIFF_BASE_SHA: checkout.base }),
    });
  };

  it("reads the whole change from the job's checkout when GitLab caps its list: a UI file past the 1,000th still needs docs", async () => {
    const run = await ciInCheckout({ "README.md": "app\n" }, bigChange(400));
    expect(run.code).toBe(1);
    const docs = resultOf(run, "user-docs-updated");
    expect(docs.status).toBe("fail");
    expect(docs.evidence).toContain(`changed: ${LATE_UI_FILE}`);
    expect(resultOf(run, "release-notes-updated").status).toBe("pass");
    // The flag record came from the checkout too: no diff page and no file read from GitLab.
    expect(resultOf(run, "feature-flag-documented").status).toBe("pass");
    const urls = [...run.gitlabUrls.keys()];
    expect(urls.filter((u) => u.includes("/diffs") || u.includes("/repository/files/config"))).toEqual([]);
  });

  it("reads a flag's introduction and the records already there from the job's checkout, asking GitLab for no listing (#22)", async () => {
    const added = {
      "src/audit/export.ts":
        "import { isEnabled } from 'flags';\nif (isEnabled('audit_known')) run();\nif (isEnabled('audit_brand_new')) run();\n",
    };
    const run = await ciInCheckout(
      { "README.md": "app\n", "config/feature_flags/ops/audit_known.yml": "name: x\n" },
      added,
    );
    const flags = resultOf(run, "feature-flag-documented");
    expect(flags.status).toBe("fail");
    expect(flags.message).toBe(
      "New feature flag without a record: audit_brand_new (src/audit/export.ts:3) has no record",
    );
    expect([...run.gitlabUrls.keys()].filter((u) => u.includes("/repository/tree"))).toEqual([]);
  });

  it("never judges paths on a capped list when the checkout cannot tell: the path rules are errors naming the cap", async () => {
    const files = bigChange(400);
    const mr = fakes.mergeRequest(400);
    mr.diffs = asDiffs(files);
    const run = await ci(400, [], { env: ciEnv(400, { CI_MERGE_REQUEST_DIFF_BASE_SHA: "b".repeat(40) }) });
    expect(run.code).toBe(1);
    for (const rule of ["release-notes-updated", "user-docs-updated", "feature-flag-documented"]) {
      expect(resultOf(run, rule).status).toBe("error");
    }
    expect(resultOf(run, "release-notes-updated").message).toContain(
      'GitLab lists only 1000 of the changed files of !400 (changes_count "1000+"',
    );
  });

  it("fails a pipeline that ran on an older commit than the MR's head, naming both", async () => {
    const run = await ci(400, [], { env: ciEnv(400, { CI_COMMIT_SHA: "a".repeat(40) }) });
    expect(run.code).toBe(1);
    expect(resultOf(run, "validated-in-pipeline").message).toBe(
      `Pipeline #88400 ran on aaaaaaaa; the MR head is ${fakes.mergeRequest(400).sha.slice(0, 8)}`,
    );
  });

  it("judges the MR head by GitLab's merge commit in a merged-results pipeline, and reads the statuses on that commit", async () => {
    const merge = "e".repeat(40);
    Object.assign(fakes.mergeRequest(400).headPipeline!, { kind: "merged_result", sha: merge });
    const run = await ci(400, [], {
      env: ciEnv(400, {
        CI_COMMIT_SHA: merge,
        CI_MERGE_REQUEST_EVENT_TYPE: "merged_result",
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: fakes.mergeRequest(400).sha,
      }),
    });
    expect(resultOf(run, "validated-in-pipeline").status).toBe("pass");
    expect(run.gitlabUrls.get(`GET /api/v4/projects/${PROJECT_ID}/repository/commits/${merge}/statuses`)).toBe(1);
    expect(run.code).toBe(0);
  });

  it("fails naming a failed trigger job (child pipeline)", async () => {
    fakes.mergeRequest(400).headPipeline!.bridges = [
      fakeBridge("child-tests", "failed", { id: 96_400 }),
      fakeBridge("child-docs", "success", { id: 96_401 }),
    ];
    const run = await ci(400);
    expect(run.code).toBe(1);
    const result = resultOf(run, "validated-in-pipeline");
    expect(result.message).toBe('In pipeline #88400, trigger job "child-tests" (test, pipeline #156400) failed');
    expect(result.evidence).toContain("trigger job child-tests: failed (pipeline #156400: failed)");
  });

  it("passes while a trigger job that may fail has failed, and a manual one was not played", async () => {
    fakes.mergeRequest(400).headPipeline!.bridges = [
      fakeBridge("child-flaky", "failed", { id: 96_402, allowFailure: true }),
      fakeBridge("deploy-review", "manual", { id: 96_403, allowFailure: true, downstream: null }),
    ];
    const run = await ci(400);
    expect(resultOf(run, "validated-in-pipeline").status).toBe("pass");
    expect(run.code).toBe(0);
  });

  it("fails naming an external status another tool set failed on the pipeline, but never judges bfd serve's own", async () => {
    const sha = fakes.mergeRequest(400).sha;
    const status = { project: PROJECT_PATH, sha, targetUrl: null, description: null, authorId: HUMAN_USER_ID };
    const createdAt = "2026-01-02T09:00:00.000Z";
    const bfds = `${OWN_STATUS_MARKER}Done failed: 1 failed`;
    fakes.gitlab.world.commitStatuses.push(
      { ...status, id: 97_001, name: "bfd/done", state: "failed", createdAt, description: bfds },
      { ...status, id: 97_002, name: "security-scan", state: "failed", createdAt },
    );
    const run = await ci(400);
    expect(run.code).toBe(1);
    expect(resultOf(run, "validated-in-pipeline").message).toBe(
      'In pipeline #88400, job "security-scan" (external) failed',
    );
  });

  it("never judges bfd serve's own status whatever its name (serve.statusName), known by its description", async () => {
    const sha = fakes.mergeRequest(400).sha;
    const status = {
      project: PROJECT_PATH,
      sha,
      targetUrl: null,
      authorId: HUMAN_USER_ID,
      id: 97_003,
      name: "ci/bfd-gate",
      state: "failed",
      createdAt: "2026-01-02T09:00:00.000Z",
    };
    fakes.gitlab.world.commitStatuses.push({ ...status, description: `${OWN_STATUS_MARKER}Done failed: 1 failed` });
    const renamed = await ci(400);
    expect(resultOf(renamed, "validated-in-pipeline").status).toBe("pass");
    expect(renamed.code).toBe(0);
    // The same name without bfd's marker is another tool's status, and it failed.
    fakes.gitlab.world.commitStatuses.splice(0, Infinity, { ...status, description: "set by another tool" });
    const plain = await ci(400);
    expect(resultOf(plain, "validated-in-pipeline").message).toContain('"ci/bfd-gate" (external) failed');
  });

  it("fails naming a job that is still running beside bfd's own", async () => {
    fakes.mergeRequest(400).headPipeline!.jobs.push(fakeJob("slow-e2e", "running", { stage: ".post" }));
    const run = await ci(400);
    expect(run.code).toBe(1);
    expect(resultOf(run, "validated-in-pipeline").message).toBe(
      'In pipeline #88400, "slow-e2e" (.post) is still running',
    );
  });
});

describe("bfd ci --comment", () => {
  const notesOf = (n: number) => fakes.gitlab.world.notes.filter((note) => note.mergeRequestIid === n);
  const bfdNotes = (n: number) => notesOf(n).filter((note) => note.authorId === BOT_USER_ID && !note.system);

  it("names who stands behind a waiver in the MR note, and never reads its own note as a waiver", async () => {
    await ci(401, ["--comment"]);
    const [note] = bfdNotes(401);
    expect(note?.body).toContain("Waived by Rita Reviewer (label no-docs, 5 Jan 09:00 UTC)");
    // The note now on the MR quotes hints and waivers; run again: the verdicts stay the same.
    const again = await ci(401, ["--comment"]);
    expect(resultOf(again, "user-docs-updated")).toMatchObject({
      status: "waived",
      waiver: { by: { username: "rita" } },
    });
    expect(resultOf(again, "release-notes-updated").status).toBe("fail");
  });

  it("keeps exactly one bfd note, updated to the last run, and never touches a human's note quoting the marker", async () => {
    const first = await ci(407, ["--comment"]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/created the bfd note on !407/);
    const second = await ci(407, ["--comment"]);
    expect(second.stderr).toMatch(/updated the bfd note on !407/);
    const rerun = fakes.mergeRequest(407).headPipeline!;
    rerun.jobs = rerun.jobs.map((job) => (job.name === "unit" ? { ...job, status: "success" } : job));
    const third = await ci(407, ["--comment"]);
    expect(third.code).toBe(0);

    const mine = bfdNotes(407).filter((note) => note.id !== 7003);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body.startsWith(STICKY_MARKER)).toBe(true);
    expect(mine[0]!.body).toContain("bfd done ✅ passed");
    expect(mine[0]!.body).not.toContain("❌");
    const human = notesOf(407).find((note) => note.id === 7001);
    expect(human?.body).toBe(HUMAN_NOTE);
    expect(human?.updatedAt).toBe("2026-01-02T09:00:00.000Z");
    const selfQuote = notesOf(407).find((note) => note.id === 7003);
    expect(selfQuote?.body).toBe(SELF_QUOTE_NOTE);
    expect(selfQuote?.updatedAt).toBe("2026-01-02T09:02:00.000Z");
    expect(notesOf(407)).toHaveLength(4);
  });

  it("leaves exactly one bfd note when two runs post at the same time", async () => {
    // Slow enough that both runs usually list the notes before either has posted: both create, then converge.
    fakes.gitlab.setLatency(150);
    const runs = await Promise.all([ci(408, ["--comment"]), ci(408, ["--comment"])]);
    for (const run of runs) expect(run.code).toBe(0);
    expect(bfdNotes(408)).toHaveLength(1);
    expect(bfdNotes(408)[0]!.body).toContain("bfd done ✅ passed");
  });

  it("escapes an issue title so the note can neither ping @all, inject HTML nor smuggle a javascript: link", async () => {
    const run = await ci(406, ["--comment"]);
    expect(run.code).toBe(1);
    const body = bfdNotes(406)[0]!.body;
    expect(body).toContain("ENG-406");
    // What GitLab renders: the note parsed as GitLab-flavoured Markdown.
    const rendered = parseMarkdown(body);
    const links: string[] = [];
    const html: string[] = [];
    const text: string[] = [];
    visit(rendered, (node) => {
      if (node.type === "link") links.push((node as Link).url);
      if (node.type === "html") html.push((node as Html).value);
      if (node.type === "text") text.push((node as Text).value);
    });
    expect(links.filter((url) => !url.startsWith("https://") && !url.startsWith(fakes.gitlab.url))).toEqual([]);
    expect(
      html.filter(
        (tag) =>
          !/^(<!-- bfd:sticky-note -->|<\/?details>|<summary>|<\/summary>|<sub>|<\/sub>)/.test(tag) ||
          /script/i.test(tag),
      ),
    ).toEqual([]);
    expect(text.join("\n")).not.toMatch(/(^|[^\p{L}\p{N}_])@all\b/u);
    expect(text.join("\n")).toContain("<script>alert(1)</script>");
    expect(body).not.toMatch(/(^|[^\\])\]\(javascript:/);
  });

  it("with only CI_JOB_TOKEN, stops before any request, naming GITLAB_TOKEN and the scope it needs (exit 2)", async () => {
    const run = await ci(400, ["--comment"], { env: ciEnv(400, { GITLAB_TOKEN: undefined }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^bfd: GITLAB_TOKEN is not set: CI_JOB_TOKEN cannot read merge requests/);
    expect(run.stderr).toContain("read_api");
    expect(run.gitlabUrls.size).toBe(0);
    expect(run.linearRequests).toBe(0);
    expect(bfdNotes(400)).toEqual([]);
  });
});

function visit(node: Node, each: (node: Node) => void): void {
  each(node);
  for (const child of (node as Parent).children ?? []) visit(child, each);
}
