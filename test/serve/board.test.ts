/**
 * `bfd serve`'s /board: the delivery board from the service's latest evaluations, refreshed by the page itself,
 * with no API call per view.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeJob, fakePipeline } from "../fakes/gitlab.js";
import { PROJECT_PATH, type DeliveryCase } from "../helpers/delivery-world.js";
import {
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
  { n: 600 },
  {
    n: 601,
    title: `<script>alert(1)</script> "quoted" <b>bold</b>`,
    mr: { headPipeline: fakePipeline(88_601, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "failed")] }) },
  },
  { n: 602, issue: { stateName: "Todo", stateType: "unstarted" }, mr: null },
  { n: 603, issue: { stateName: "Todo", stateType: "unstarted", description: "No criteria here." }, mr: null },
];

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld(CASES);
  serve = await startTestService(world, { linearTeam: "ENG", config: { board: true } });
});
afterAll(async () => {
  await serve?.stop();
  await world?.close();
});

const issueId = (key: string): string => world.linear.world.issues.find((i) => i.identifier === key)!.id;
const board = async (): Promise<{ status: number; type: string | null; page: string }> => {
  const reply = await fetch(`${serve.url}/board`);
  return { status: reply.status, type: reply.headers.get("content-type"), page: await reply.text() };
};

describe("bfd serve /board", () => {
  it("is not served unless serve.board turns it on (it has no authentication of its own)", async () => {
    const closed = await startTestService(world, { linearTeam: "ENG" });
    try {
      const reply = await fetch(`${closed.url}/board`);
      expect(reply.status).toBe(404);
      expect(reply.headers.get("content-type")).toContain("application/problem+json");
    } finally {
      await closed.stop();
    }
  });

  it("answers before anything is judged, saying the board fills as webhooks arrive", async () => {
    const { status, type, page } = await board();
    expect(status).toBe(200);
    expect(type).toBe("text/html; charset=utf-8");
    expect(page).toContain('<meta http-equiv="refresh" content="60">');
    expect(page).toContain("Nothing judged yet");
    expect(page).toContain("Built by bfd serve");
  });

  it("shows the latest Done verdict of each MR and Ready verdict of each ready issue, with no API call per view", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(600));
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(601));
    await postLinear(serve.url, linearIssueEvent(issueId("ENG-602")));
    await postLinear(serve.url, linearIssueEvent(issueId("ENG-603")));
    await settled(serve.service);
    world.gitlab.reset();
    world.linear.reset();
    const { page } = await board();
    await board();
    expect(world.gitlab.requests).toHaveLength(0);
    expect(world.linear.requestCount()).toBe(0);

    const review = page.slice(page.indexOf('id="review"'));
    expect(review).toMatch(/acme\/web!601<\/a>.*✖<\/span> not done.*validated-in-pipeline/s);
    expect(review).toMatch(/acme\/web!600<\/a>.*✔<\/span> Done/s);
    expect(review.indexOf("acme/web!601")).toBeLessThan(review.indexOf("acme/web!600"));
    const heat = page.slice(page.indexOf('id="heat"'), page.indexOf("</table>", page.indexOf('id="heat"')));
    expect(heat).toContain(">ENG-602</a>");
    expect(heat).toContain(">ENG-603</a>");
    expect(heat.indexOf("ENG-603")).toBeLessThan(heat.indexOf("ENG-602")); // worst first
    // The release window: the calendar's timeline, no MR list (the service reads no deployments).
    expect(page).toContain('id="tl-summary"');
    expect(page).toContain("not read by bfd serve");
    // Escaped like every output.
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt;");
  });

  it("takes a merged MR off the board at the next sweep (GitLab's events for merged MRs are not judged)", async () => {
    const mr = world.gitlab.world.mergeRequests.find((m) => m.iid === 600)!;
    mr.state = "merged";
    mr.mergedAt = new Date().toISOString();
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(600, { action: "merge", state: "merged" }));
    await settled(serve.service);
    expect((await board()).page).toContain("acme/web!600");
    await serve.service.sweepOnce();
    await settled(serve.service);
    const { page } = await board();
    expect(page).not.toContain("acme/web!600");
    expect(page).toContain("acme/web!601");
  });
});
