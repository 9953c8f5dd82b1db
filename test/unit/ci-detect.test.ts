import { describe, expect, it } from "vitest";
import { detectGitLabMergeRequestPipeline } from "../../src/ci/detect.js";

const HEAD = "1".repeat(40);
const MERGE = "2".repeat(40);

/** A merge-request pipeline job's variables (doc/ci/variables/predefined_variables.md). */
const env = (extra: Record<string, string | undefined> = {}): Record<string, string | undefined> => ({
  GITLAB_CI: "true",
  CI_SERVER_URL: "https://gitlab.example.com",
  CI_PIPELINE_SOURCE: "merge_request_event",
  CI_MERGE_REQUEST_IID: "42",
  CI_PROJECT_ID: "7",
  CI_PROJECT_PATH: "acme/web",
  CI_MERGE_REQUEST_PROJECT_ID: "7",
  CI_COMMIT_SHA: HEAD,
  ...extra,
});

describe("detecting the merge-request pipeline bfd ci runs in", () => {
  it.each([
    ["a pipeline on the MR's own commits", { CI_MERGE_REQUEST_EVENT_TYPE: "detached" }, HEAD, HEAD, "detached"],
    [
      "a merged-results pipeline, on GitLab's merge commit",
      { CI_MERGE_REQUEST_EVENT_TYPE: "merged_result", CI_COMMIT_SHA: MERGE, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD },
      HEAD,
      MERGE,
      "merged_result",
    ],
    [
      "a merge-train pipeline, on the train's merge commit",
      { CI_MERGE_REQUEST_EVENT_TYPE: "merge_train", CI_COMMIT_SHA: MERGE, CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD },
      HEAD,
      MERGE,
      "merge_train",
    ],
    ["an older GitLab that sets no event type", {}, HEAD, HEAD, null],
    ["an event type bfd does not know", { CI_MERGE_REQUEST_EVENT_TYPE: "something_new" }, HEAD, HEAD, null],
  ] as const)("tells the MR head from the commit the pipeline runs on in %s", (_, extra, sha, commitSha, eventType) => {
    const detected = detectGitLabMergeRequestPipeline(env(extra));
    expect(detected.ok && detected.pipeline).toMatchObject({ sha, commitSha, eventType });
  });

  it("reads a fork MR's pipeline in the fork that runs it (CI_PROJECT_ID), the MR in the target project", () => {
    const detected = detectGitLabMergeRequestPipeline(
      env({ CI_PROJECT_ID: "99", CI_PROJECT_PATH: "ada/web-fork", CI_MERGE_REQUEST_PROJECT_ID: "7" }),
    );
    expect(detected.ok && detected.pipeline).toMatchObject({ project: "7", pipelineProject: "99" });
  });

  it("reads the pipeline in the MR's project when CI_PROJECT_ID is not set", () => {
    const detected = detectGitLabMergeRequestPipeline(env({ CI_PROJECT_ID: undefined, CI_PROJECT_PATH: undefined }));
    expect(detected.ok && detected.pipeline).toMatchObject({ project: "7", pipelineProject: "7" });
  });
});
