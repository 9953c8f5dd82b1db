import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  newFileContentFromDiff,
  ApprovalsJson,
  BridgeJson,
  DiffJson,
  MergeRequestJson,
  NoteJson,
  firstProblem,
  pipelineVisible,
  projectPathOf,
  toActivity,
  toChangedFile,
  toMergeRequest,
  toMergeRequestSummary,
  toMergedMergeRequest,
  toNoteSummary,
  toTriggerJob,
  pipelineKindOfRef,
} from "../../src/sources/gitlab/map.js";
import { parseMergeRequestUrl, projectFromRemoteUrl } from "../../src/sources/gitlab/project.js";
import { MergeRequestSchema } from "../../src/work-item/schema.js";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/gitlab/${name}`, import.meta.url), "utf8"));
const singleMr = fixture("merge_request.json") as Record<string, unknown>;
const listedMr = (fixture("merge_requests_list.json") as Record<string, unknown>[])[0];

describe("mapping GitLab's documented replies", () => {
  it("maps the docs' single merge request to a WorkItem MergeRequest", () => {
    const diffs = DiffJson.array().parse(fixture("mr_diffs.json")).map(toChangedFile);
    const mergeRequest = toMergeRequest(MergeRequestJson.parse(singleMr), {
      changes: diffs,
      files: [{ path: "config/flags/a.yml", content: "name: a\n" }],
    });
    expect(mergeRequest).toEqual({
      iid: 133,
      projectPath: "marcel.amirault/test-project",
      url: "https://gitlab.com/marcel.amirault/test-project/-/merge_requests/133",
      title: "Manual job rules",
      description: "",
      state: "opened",
      draft: false,
      labels: [],
      author: "marcel.amirault",
      authorName: "Marcel Amirault",
      sourceBranch: "manual-job-rules",
      targetBranch: "main",
      mergedAt: null,
      headSha: "e82eb4a098e32c796079ca3915e07487fc4db24c",
      headPipeline: {
        id: 538317940,
        status: "failed",
        url: "https://gitlab.com/marcel.amirault/test-project/-/pipelines/538317940",
        sha: "1604b0c46c395822e4e9478777f8e54ac99fe5b9",
        // The docs' example is a merged-results pipeline: ref refs/merge-requests/133/merge, on a merge commit.
        kind: "merged_result",
        parents: null,
        projectId: 15513260,
        jobs: null,
        triggers: null,
      },
      changes: [
        { oldPath: "README", newPath: "README", newFile: false, deletedFile: false, renamedFile: false },
        { oldPath: "VERSION", newPath: "VERSION", newFile: false, deletedFile: false, renamedFile: false },
      ],
      files: [{ path: "config/flags/a.yml", content: "name: a\n" }],
      staging: null,
      activity: null,
      existingFiles: null,
      templates: [],
    });
    expect(MergeRequestSchema.parse(mergeRequest)).toEqual(mergeRequest);
  });

  it("maps the docs' list item, which has no pipeline fields, to a summary and a merged MR", () => {
    const mr = MergeRequestJson.parse(listedMr);
    expect(pipelineVisible(mr)).toBe(false);
    expect(toMergeRequestSummary(mr)).toEqual({
      iid: 1,
      projectPath: "my-group/my-project",
      url: "http://gitlab.example.com/my-group/my-project/merge_requests/1",
      title: "test1",
      state: "merged",
      sourceBranch: "test1",
      targetBranch: "main",
      draft: false,
      author: "admin",
      mergedAt: "2018-09-07T11:16:17.520Z",
      updatedAt: "2017-04-29T08:46:00Z",
    });
    expect(toMergedMergeRequest(mr)).toMatchObject({
      author: "admin",
      labels: ["Community contribution", "Manage"],
      description: "fixed login page css paddings",
    });
  });

  it("maps the changes of the deprecated /changes reply with the same diff mapper", () => {
    const changes = (fixture("mr_changes.json") as { changes: unknown[] }).changes;
    expect(DiffJson.array().parse(changes).map(toChangedFile)).toEqual([
      { oldPath: "VERSION", newPath: "VERSION", newFile: false, deletedFile: false, renamedFile: false },
    ]);
  });

  it.each<[string, Record<string, unknown>, boolean]>([
    ["an empty diff", { diff: "" }, true],
    ["a diff with a hunk", { diff: "@@ -1 +1 @@\n-a\n+b\n" }, false],
    ["an empty diff GitLab collapsed", { diff: "", collapsed: true }, false],
    ["an empty diff too large to show", { diff: "", too_large: true }, false],
  ])("maps a rename with %s to renamedOnly %s", (_what, fields, renamedOnly) => {
    const diff = DiffJson.parse({
      old_path: "CHANGELOG.md",
      new_path: "docs/CHANGELOG.md",
      new_file: false,
      renamed_file: true,
      deleted_file: false,
      ...fields,
    });
    expect(toChangedFile(diff).renamedOnly === true).toBe(renamedOnly);
  });

  it.each([
    [
      "mr_notes.json",
      [
        {
          id: 302,
          body: "approved this merge request",
          authorId: 1,
          author: { username: "pipin", name: "Pip" },
          createdAt: "2013-10-02T09:22:45Z",
          system: true,
        },
        {
          id: 301,
          body: "Comment for MR",
          authorId: 1,
          author: { username: "pipin", name: "Pip" },
          createdAt: "2013-10-02T08:57:14Z",
          system: false,
        },
      ],
    ],
  ])("maps the notes in %s, system notes included", (name, expected) => {
    expect(NoteJson.array().parse(fixture(name)).map(toNoteSummary)).toEqual(expected);
  });

  it("maps the created note the POST returns", () => {
    expect(toNoteSummary(NoteJson.parse(fixture("note_created.json")))).toEqual({
      id: 301,
      body: "Comment for MR",
      authorId: 1,
      author: { username: "pipin", name: "Pip" },
      createdAt: "2013-10-02T08:57:14Z",
      system: false,
    });
  });

  // doc/api/jobs.md "List pipeline bridges": the example reply's fields bfd reads (commit, user and times left out).
  const DOCS_BRIDGE = {
    allow_failure: false,
    id: 7,
    name: "teaspoon",
    pipeline: { id: 6, project_id: 1, ref: "main", sha: "0ff3ae198f8601a285adcf5c0fff204ee6fba5fd", status: "pending" },
    ref: "main",
    stage: "test",
    status: "pending",
    tag: false,
    web_url: "https://example.com/foo/bar/-/jobs/7",
    downstream_pipeline: {
      id: 5,
      sha: "f62a4b2fb89754372a346f24659212eb8da13601",
      ref: "main",
      status: "pending",
      created_at: "2015-12-24T17:54:27.722Z",
      updated_at: "2015-12-24T17:58:27.896Z",
      web_url: "https://example.com/diaspora/diaspora-client/pipelines/5",
    },
  };

  it.each([
    [
      "a trigger job of the docs' bridges list, with the pipeline it started",
      DOCS_BRIDGE,
      { id: 5, status: "pending", url: "https://example.com/diaspora/diaspora-client/pipelines/5" },
    ],
    ["a trigger job that has started no pipeline yet", { ...DOCS_BRIDGE, downstream_pipeline: null }, null],
  ])("maps %s", (_, reply, downstreamPipeline) => {
    expect(toTriggerJob(BridgeJson.parse(reply))).toEqual({
      id: 7,
      name: "teaspoon",
      stage: "test",
      status: "pending",
      allowFailure: false,
      url: "https://example.com/foo/bar/-/jobs/7",
      trigger: true,
      downstreamPipeline,
      description: null,
    });
  });

  it.each([
    ["refs/merge-requests/133/head", "detached"],
    ["refs/merge-requests/133/merge", "merged_result"],
    ["refs/merge-requests/133/train", "merge_train"],
    ["main", null],
    ["refs/heads/feature/merge", null],
    [null, null],
  ] as const)("reads the pipeline ref %s as kind %s", (ref, kind) => {
    expect(pipelineKindOfRef(ref)).toBe(kind);
  });

  it.each([
    [
      "falls back to `pipeline` when `head_pipeline` is null",
      { head_pipeline: null },
      { id: 538317940, status: "failed" },
    ],
    ["gives no pipeline when both are null", { head_pipeline: null, pipeline: null }, null],
  ])("%s", (_, override, expected) => {
    const headPipeline = toMergeRequest(MergeRequestJson.parse({ ...singleMr, ...override })).headPipeline;
    expect(headPipeline === null ? null : { id: headPipeline.id, status: headPipeline.status }).toEqual(expected);
  });

  it.each([
    ["a null description becomes empty", { description: null }, { description: "" }],
    [
      "an old reply without `draft` reads work_in_progress",
      { draft: undefined, work_in_progress: true },
      { draft: true },
    ],
    [
      "labels with details become their names",
      { labels: [{ id: 1, name: "backend", color: "#fff" }] },
      { labels: ["backend"] },
    ],
    ["a missing author becomes null", { author: null }, { author: null }],
    [
      "a missing sha falls back to diff_refs.head_sha",
      { sha: null },
      { headSha: "e82eb4a098e32c796079ca3915e07487fc4db24c" },
    ],
  ])("%s", (_, override, expected) => {
    expect(toMergeRequest(MergeRequestJson.parse({ ...singleMr, ...override }))).toMatchObject(expected);
  });

  it.each([
    [
      "references.full minus !iid",
      { iid: 7, references: { full: "a/b/c!7" }, web_url: "https://x/other/-/merge_requests/7" },
      "a/b/c",
    ],
    ["web_url with /-/", { iid: 7, references: null, web_url: "https://x/a/b/-/merge_requests/7" }, "a/b"],
    ["an old web_url without /-/", { iid: 7, references: null, web_url: "http://x/a/b/merge_requests/7" }, "a/b"],
    ["the fallback when nothing fits", { iid: 7, references: null, web_url: "not a url" }, "given/path"],
  ])("finds the project path from %s", (_, mr, expected) => {
    expect(projectPathOf(mr, "given/path")).toBe(expected);
  });

  it("describes the first way a reply misses the expected shape", () => {
    const result = DiffJson.array().safeParse([{ old_path: "a", new_path: 3 }]);
    expect(result.success).toBe(false);
    if (!result.success) expect(firstProblem(result.error)).toMatch(/^\[0\]\.new_path: /);
  });
});

describe("parseMergeRequestUrl", () => {
  it.each([
    [
      "https://gitlab.example.com/group/sub/app/-/merge_requests/42",
      { host: "https://gitlab.example.com", projectPath: "group/sub/app", iid: 42 },
    ],
    [
      "https://gitlab.example.com/group/app/-/merge_requests/42/diffs#note_9",
      { host: "https://gitlab.example.com", projectPath: "group/app", iid: 42 },
    ],
    [
      "https://gitlab.example.com:8443/group/app/-/merge_requests/7?tab=pipelines",
      { host: "https://gitlab.example.com:8443", projectPath: "group/app", iid: 7 },
    ],
    [
      "http://gitlab.local/group/app/merge_requests/3",
      { host: "http://gitlab.local", projectPath: "group/app", iid: 3 },
    ],
    [
      "  https://gitlab.com/my.group/my-app/-/merge_requests/1  ",
      { host: "https://gitlab.com", projectPath: "my.group/my-app", iid: 1 },
    ],
  ])("reads %s", (url, expected) => {
    expect(parseMergeRequestUrl(url)).toEqual(expected);
  });

  it.each([
    ["an issue URL", "https://gitlab.example.com/group/app/-/issues/42"],
    ["a project without a namespace", "https://gitlab.example.com/app/-/merge_requests/42"],
    ["iid zero", "https://gitlab.example.com/group/app/-/merge_requests/0"],
    ["a non-numeric iid", "https://gitlab.example.com/group/app/-/merge_requests/new"],
    ["an ssh URL", "ssh://gitlab.example.com/group/app/-/merge_requests/42"],
    ["plain text", "!42"],
  ])("rejects %s", (_, url) => {
    expect(parseMergeRequestUrl(url)).toBeNull();
  });
});

describe("projectFromRemoteUrl", () => {
  it.each([
    ["git@gitlab.example.com:group/app.git", { host: "https://gitlab.example.com", projectPath: "group/app" }],
    ["git@gitlab.example.com:group/sub/app", { host: "https://gitlab.example.com", projectPath: "group/sub/app" }],
    ["https://gitlab.example.com/group/app.git", { host: "https://gitlab.example.com", projectPath: "group/app" }],
    [
      "https://gitlab-ci-token:secret-token@gitlab.example.com/group/app.git",
      { host: "https://gitlab.example.com", projectPath: "group/app" },
    ],
    ["http://gitlab.local:8080/group/app/", { host: "http://gitlab.local:8080", projectPath: "group/app" }],
    [
      "ssh://git@gitlab.example.com:2222/group/app.git",
      { host: "https://gitlab.example.com", projectPath: "group/app" },
    ],
    [
      "ssh://gitlab.example.com/group/sub/app.git",
      { host: "https://gitlab.example.com", projectPath: "group/sub/app" },
    ],
  ])("reads %s", (remote, expected) => {
    expect(projectFromRemoteUrl(remote)).toEqual(expected);
  });

  it.each([
    ["a local path", "/srv/git/app.git"],
    ["a file URL", "file:///srv/git/group/app.git"],
    ["a remote without a namespace", "git@gitlab.example.com:app.git"],
    ["an empty string", ""],
    ["a Windows path", "C:\\repos\\app"],
    ["an scp-style remote with a user but no host (found by fuzzing)", "git@:group/app"],
  ])("rejects %s", (_, remote) => {
    expect(projectFromRemoteUrl(remote)).toBeNull();
  });

  it("never returns the credentials embedded in a remote", () => {
    expect(
      JSON.stringify(projectFromRemoteUrl("https://oauth2:glpat-abcdefghijkl@gitlab.example.com/group/app.git")),
    ).not.toContain("glpat");
  });
});

describe("content of an added file, from its diff", () => {
  const diff = (
    text: string | undefined,
    init: Partial<{ new_file: boolean; too_large: boolean; collapsed: boolean }> = {},
  ) => ({
    old_path: "f.yml",
    new_path: "f.yml",
    new_file: true,
    renamed_file: false,
    deleted_file: false,
    ...(text === undefined ? {} : { diff: text }),
    ...init,
  });
  it.each([
    ["a one-hunk addition", "@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n", "a: 1\nb: 2\n"],
    ["a one-line file", "@@ -0,0 +1 @@\n+a: 1\n", "a: 1\n"],
    ["a file without a final newline", "@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n\\ No newline at end of file\n", "a: 1\nb: 2"],
  ])("rebuilds %s", (_name, text, content) => {
    expect(newFileContentFromDiff(diff(text))).toBe(content);
  });
  it.each([
    ["a modified file", diff("@@ -1,2 +1,2 @@\n a\n-b\n+c\n", { new_file: false })],
    ["a collapsed diff", diff("", { collapsed: true })],
    ["a diff too large to show", diff(undefined, { too_large: true })],
    ["a line count that does not match the hunk", diff("@@ -0,0 +1,3 @@\n+a\n+b\n")],
    ["a context line in an addition", diff("@@ -0,0 +1,2 @@\n+a\n b\n")],
  ])("gives up on %s (the file is read instead)", (_name, d) => {
    expect(newFileContentFromDiff(d)).toBeNull();
  });
});

describe("who acted on a merge request (#23)", () => {
  // doc/api/merge_request_approvals.md "Get approval state" example: `approved_by` entries of `{ user }`; newer
  // instances add `approved_at` (lib/api/entities/approvals.rb `expose :created_at, as: :approved_at`).
  const approvals = ApprovalsJson.parse({
    id: 5,
    iid: 5,
    project_id: 1,
    state: "opened",
    approved: true,
    approved_by: [
      { user: { name: "Administrator", username: "root", id: 1, state: "active" } },
      { user: { name: "Rita Reviewer", username: "rita", id: 4 }, approved_at: "2026-11-22T10:00:00Z" },
    ],
  });

  it("maps approvals with and without approved_at, notes without system notes or bfd's own, and label events", () => {
    const note = (id: number, body: string, system = false) =>
      toNoteSummary(
        NoteJson.parse({
          id,
          body,
          system,
          author: { id: 4, username: "rita", name: "Rita Reviewer" },
          created_at: "2026-11-22T09:00:00Z",
        }),
      );
    const activity = toActivity(
      [
        {
          label: "no-docs",
          action: "add",
          at: "2026-11-22T08:00:00Z",
          by: "rita",
          byUser: { username: "rita", name: "Rita Reviewer" },
        },
      ],
      [
        note(1, "bfd-waive: user-docs-updated internal only"),
        note(2, "added ~no-docs label", true),
        note(3, "<!-- bfd:sticky-note -->\nreport"),
      ],
      approvals,
      "<!-- bfd:sticky-note -->",
    );
    expect(activity).toEqual({
      labelEvents: [
        {
          label: "no-docs",
          action: "add",
          at: "2026-11-22T08:00:00Z",
          by: { username: "rita", name: "Rita Reviewer" },
        },
      ],
      notes: [
        {
          body: "bfd-waive: user-docs-updated internal only",
          at: "2026-11-22T09:00:00Z",
          by: { username: "rita", name: "Rita Reviewer" },
        },
      ],
      approvals: [
        { by: { username: "root", name: "Administrator" }, at: null },
        { by: { username: "rita", name: "Rita Reviewer" }, at: "2026-11-22T10:00:00Z" },
      ],
    });
  });

  it("reads an approvals reply with no approved_by (nobody approved) as no approvals", () => {
    expect(ApprovalsJson.parse({ approved: false }).approved_by).toEqual([]);
  });
});
