import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { STICKY_MARKER } from "../../src/ci/sticky-note.js";
import { LINEAR_MARKER } from "../../src/serve/publish-linear-comment.js";
import { fakeJob, fakePipeline } from "../fakes/gitlab.js";
import { PROJECT_PATH, shaOf, type DeliveryCase } from "../helpers/delivery-world.js";
import {
  latestStatuses,
  linearIssueEvent,
  mergeRequestEvent,
  postGitLab,
  postLinear,
  settled,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

const CASES: DeliveryCase[] = [
  { n: 500 },
  {
    n: 501,
    mr: { headPipeline: fakePipeline(88_501, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "failed")] }) },
  },
  {
    n: 504,
    mr: { headPipeline: fakePipeline(88_504, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "success")] }) },
  },
  // A Draft MR; an issue already Done in Linear while its MR is open.
  { n: 507, mr: { title: "Draft: ENG-507: Show sign-in events in the admin audit log" } },
  { n: 508, issue: { stateName: "Done", stateType: "completed" } },
  // A merged-results pipeline: on GitLab's merge of the MR head into main (NOTES "Real setups").
  {
    n: 505,
    mr: {
      headPipeline: fakePipeline(88_505, "success", PROJECT_PATH, {
        kind: "merged_result",
        sha: "5".repeat(40),
        jobs: [fakeJob("unit-tests", "success")],
      }),
    },
  },
  {
    n: 506,
    mr: { headPipeline: fakePipeline(88_506, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "success")] }) },
  },
  // Two open MRs attached to ENG-509: the webhook names !509; !510 (failing) is another MR's business.
  { n: 509, attach: [509, 510] },
  {
    n: 510,
    attach: false,
    mr: { headPipeline: fakePipeline(88_510, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "failed")] }) },
  },
  { n: 502, issue: { stateName: "Todo", stateType: "unstarted" }, mr: null },
  {
    n: 503,
    issue: { stateName: "Todo", stateType: "unstarted", description: "No criteria here." },
    mr: null,
  },
];

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld(CASES);
  // A specification that links its Index Challenge: what the Ready gate asks of the issue's project.
  world.linear.world.projects.push({
    id: "audit-trail",
    name: "Audit trail",
    url: "https://linear.app/acme/project/audit-trail",
    description: "",
    content: "Answers the [Index Challenge IC-3](https://wiki.example/challenges/IC-3): every sign-in is recorded.",
    documents: [],
    externalLinks: [],
  });
  world.linear.world.issues.find((i) => i.identifier === "ENG-502")!.projectId = "audit-trail";
});
afterAll(async () => {
  await world.close();
});
beforeEach(async () => {
  world.gitlab.reset();
  world.linear.reset();
  world.linear.world.comments.splice(0);
});

const issueId = (key: string): string => world.linear.world.issues.find((i) => i.identifier === key)!.id;

describe("bfd serve, one delivery at a time", () => {
  beforeEach(async () => {
    serve = await startTestService(world);
    return () => serve.stop();
  });

  it("publishes a passing Done verdict as a commit status and one MR note", async () => {
    const reply = await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(500), { uuid: "uuid-500" });
    expect(reply.status).toBe(202);
    expect(await reply.json()).toMatchObject({ status: "queued" });
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(500))).toBe("success");
    const notes = world.gitlab.world.notes.filter((n) => n.mergeRequestIid === 500);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body.startsWith(STICKY_MARKER)).toBe(true);
    expect(notes[0]!.body).toContain("bfd done ✅ passed");
    const status = world.gitlab.world.commitStatuses.find((s) => s.sha === shaOf(500))!;
    expect(status.targetUrl).toMatch(new RegExp(`/merge_requests/500#note_${notes[0]!.id}$`));
  });

  it("publishes a failing Done verdict as a failed status that says why", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(501));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(501))).toBe("failed");
    const status = world.gitlab.world.commitStatuses.find((s) => s.sha === shaOf(501))!;
    // Marked as bfd's own (src/work-item/own-status.ts), so no bfd run ever judges it.
    expect(status.description).toMatch(/^\[bfd serve\] Done failed: 1 failed/);
  });

  it.each([
    [507, "merge-request-ready", "is a Draft: mark it ready"],
    [508, "linear-state-current", 'the state true now is "In Review"'],
  ])("publishes the Done verdict bfd done gives on !%i: %s fails", async (n, rule, message) => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(n));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(n))).toBe("failed");
    const status = world.gitlab.world.commitStatuses.find((s) => s.sha === shaOf(n))!;
    expect(status.description).toMatch(/^\[bfd serve\] Done failed: 1 failed/);
    const note = world.gitlab.world.notes.find((note) => note.mergeRequestIid === n)!;
    expect(note.body).toContain(`\`${rule}\``);
    expect(note.body).toContain(message);
  });

  it("judges only the MR its webhook names, though the issue has another open MR (#21)", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(509));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(509))).toBe("success");
    expect(latestStatuses(world.gitlab).has(shaOf(510))).toBe(false);
    expect(
      world.gitlab.requests.some((r) => decodeURIComponent(r.path).endsWith(`${PROJECT_PATH}/merge_requests/510`)),
    ).toBe(false);
  });

  it("drops a repeated delivery id without evaluating again", async () => {
    const first = await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(500), { uuid: "same" });
    await settled(serve.service);
    const requests = world.gitlab.requests.length;
    const again = await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(500), { uuid: "same" });
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    await settled(serve.service);
    expect(world.gitlab.requests.length).toBe(requests);
  });

  it("does not write an unchanged verdict again (its own echo would loop)", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(500));
    await settled(serve.service);
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(500));
    await settled(serve.service);
    expect(world.gitlab.world.commitStatuses.filter((s) => s.sha === shaOf(500))).toHaveLength(1);
    expect(world.gitlab.requestCount({ method: "PUT" })).toBe(0);
  });

  it.each([
    ["an MR that is merged", mergeRequestEvent(500, { state: "merged", action: "merge" }), "Merge Request Hook"],
    ["a note event", { object_kind: "note" }, "Note Hook"],
  ])("acknowledges %s and does no work", async (_what, payload, event) => {
    const reply = await postGitLab(serve.url, event, payload);
    expect(reply.status).toBe(202);
    expect(await reply.json()).toMatchObject({ status: "ignored" });
    await settled(serve.service);
    expect(world.gitlab.requests).toHaveLength(0);
  });

  it("keeps one Linear comment on an issue entering Todo, saying ready once it passes", async () => {
    const id = issueId("ENG-502");
    expect((await postLinear(serve.url, linearIssueEvent(id), { deliveryId: "d-502" })).status).toBe(202);
    await settled(serve.service);
    const comments = world.linear.world.comments.filter((c) => c.issueId === id);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body.startsWith(LINEAR_MARKER)).toBe(true);
    expect(comments[0]!.body).toContain("**Ready to pick up.**");
  });

  it("updates its comment in place when an issue it commented on is edited", async () => {
    const id = issueId("ENG-503");
    await postLinear(serve.url, linearIssueEvent(id));
    await settled(serve.service);
    const first = world.linear.world.comments.filter((c) => c.issueId === id)[0]!.body;
    expect(first).toContain("Not ready to pick up yet");
    const issue = world.linear.world.issues.find((i) => i.id === id)!;
    const before = issue.description;
    issue.stateName = "Backlog";
    issue.description = `${before}\n\n## Acceptance criteria\n\n- [ ] It works\n`;
    await postLinear(serve.url, linearIssueEvent(id, { state: "Backlog" }));
    await settled(serve.service);
    issue.description = before;
    issue.stateName = "Todo";
    const comments = world.linear.world.comments.filter((c) => c.issueId === id);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).not.toBe(first);
    expect(comments[0]!.body).toContain("Acceptance criteria or completion rules are written down");
  });

  it("publishes a pass for a merged-results pipeline on the MR head's merge, as bfd done judges it", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(505));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(505))).toBe("success");
  });

  it("judges a pipeline whose only CI job is merely named like bfd's status (GitLab's builds are CI jobs, never bfd's)", async () => {
    const reply = await postGitLab(serve.url, "Pipeline Hook", {
      object_kind: "pipeline",
      project: { id: 4242, path_with_namespace: PROJECT_PATH },
      object_attributes: { id: 9, ref: "main" },
      merge_request: { iid: 506 },
      builds: [{ name: "bfd/done" }],
    });
    expect(await reply.json()).toMatchObject({ status: "queued" });
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(506))).toBe("failed");
  });

  it("re-checks the open MR of an issue that changed in Linear", async () => {
    await postLinear(serve.url, linearIssueEvent(issueId("ENG-500"), { state: "In Review" }));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab).get(shaOf(500))).toBe("success");
    // The issue is not in a ready state and bfd never commented on it: no comment.
    expect(world.linear.world.comments).toHaveLength(0);
  });
});

describe("bfd serve publishing its status under another name (serve.statusName)", () => {
  const NAME = "ci/bfd-gate";
  beforeEach(async () => {
    serve = await startTestService(world, { config: { statusName: NAME } });
    return () => serve.stop();
  });

  it("never judges its own earlier failed status (known by its description's marker), so it cannot keep the merge request red", async () => {
    // Its verdict of a previous run, which GitLab counts in the MR's pipeline: every job passed, the pipeline failed.
    world.gitlab.world.commitStatuses.push({
      id: 1,
      project: PROJECT_PATH,
      sha: shaOf(504),
      name: NAME,
      state: "failed",
      targetUrl: null,
      description: "[bfd serve] Done failed: 1 failed",
      authorId: 1,
      createdAt: "2026-01-02T09:00:00.000Z",
    });
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(504));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab, NAME).get(shaOf(504))).toBe("success");
  });

  it("judges a failed status merely named like its own (no marker in the description): the MR stays red", async () => {
    world.gitlab.world.commitStatuses.push({
      id: 2,
      project: PROJECT_PATH,
      sha: shaOf(506),
      name: NAME,
      state: "failed",
      targetUrl: null,
      description: "set by another tool",
      authorId: 1,
      createdAt: "2026-01-02T09:00:00.000Z",
    });
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(506));
    await settled(serve.service);
    expect(latestStatuses(world.gitlab, NAME).get(shaOf(506))).toBe("failed");
  });
});
