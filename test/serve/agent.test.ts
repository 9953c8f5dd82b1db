/**
 * bfd as a Linear agent in `bfd serve`: signed AgentSessionEvent deliveries, answered in the session through the
 * fake's agentActivityCreate — a thought first (before any gate read), then the checklist, or an error; never for a
 * forged event, and once for a delivery sent again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeJob, fakePipeline } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, type FakeAgentActivity, type FakeIssue } from "../fakes/linear.js";
import { PROJECT_PATH, type DeliveryCase } from "../helpers/delivery-world.js";
import {
  AGENT_ENV,
  agentSessionEvent,
  postLinear,
  settled,
  signLinear,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

const CASES: DeliveryCase[] = [
  // Ready: criteria written down, in a specification project (added below).
  { n: 602, issue: { stateName: "Todo", stateType: "unstarted" }, mr: null },
  // Not ready: no acceptance criteria.
  { n: 603, issue: { stateName: "Todo", stateType: "unstarted", description: "No criteria here." }, mr: null },
  // In review, its open MR's pipeline failed.
  {
    n: 604,
    mr: { headPipeline: fakePipeline(88_604, "failed", PROJECT_PATH, { jobs: [fakeJob("unit-tests", "failed")] }) },
  },
];

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld(CASES);
  world.linear.world.projects.push({
    id: "audit-trail",
    name: "Audit trail",
    url: "https://linear.app/acme/project/audit-trail",
    description: "",
    content: "Answers the [Index Challenge IC-3](https://wiki.example/challenges/IC-3): every sign-in is recorded.",
    documents: [],
    externalLinks: [],
  });
  issue("ENG-602").projectId = "audit-trail";
});
afterAll(async () => {
  await world.close();
});
beforeEach(async () => {
  world.gitlab.reset();
  world.linear.reset();
  world.linear.world.agentActivities = [];
  world.linear.world.comments.splice(0);
  serve = await startTestService(world, { env: AGENT_ENV });
  return () => serve.stop();
});

function issue(key: string): FakeIssue {
  return world.linear.world.issues.find((i) => i.identifier === key)!;
}

function activities(sessionId: string): FakeAgentActivity[] {
  return (world.linear.world.agentActivities ?? []).filter((a) => a.agentSessionId === sessionId);
}

/** The position of the first request of `operation` in the order the fake received them. */
function firstRequest(operation: string): number {
  return world.linear.requests.findIndex((r) => r.operationName === operation);
}

async function deliver(payload: Record<string, unknown>, deliveryId: string): Promise<Response> {
  const reply = await postLinear(serve.url, payload, { deliveryId, event: "AgentSessionEvent" });
  await settled(serve.service);
  return reply;
}

describe("bfd answers as a Linear agent", () => {
  it("answers a session on a ready issue with a thought first, then a response that says it is ready", async () => {
    const reply = await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-602", issue: issue("ENG-602") }),
      "d-602",
    );
    expect(reply.status).toBe(202);
    const answer = activities("s-602");
    expect(answer.map((a) => a.type)).toEqual(["thought", "response"]);
    expect(answer.every((a) => a.actor === "app")).toBe(true);
    expect(answer[1]!.body).toContain("**Ready to pick up.**");
    // The thought reached Linear before the gate read anything.
    expect(firstRequest("BfdCreateAgentActivity")).toBeLessThan(firstRequest("BfdIssueByKeyWithTeams"));
    expect(firstRequest("BfdCreateAgentActivity")).toBe(0);
  });

  it("names what fails, and how to fix it, for an issue that is not ready", async () => {
    await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-603", issue: issue("ENG-603") }),
      "d-603",
    );
    const answer = activities("s-603");
    expect(answer.map((a) => a.type)).toEqual(["thought", "response"]);
    expect(firstRequest("BfdCreateAgentActivity")).toBe(0);
    expect(answer[1]!.body).toContain("**Not ready to pick up yet.**");
    expect(answer[1]!.body).toContain("Acceptance criteria or completion rules are written down");
  });

  it("runs the Done gate too when the issue has an open merge request", async () => {
    await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-604", issue: issue("ENG-604") }),
      "d-604",
    );
    const response = activities("s-604").at(-1)!;
    expect(response.type).toBe("response");
    expect(response.body).toMatch(/ready to pick up/i);
    expect(response.body).toContain("### bfd ready");
    expect(response.body).toContain(`**Done gate failed** for ${PROJECT_PATH}\\!604`);
    expect(response.body).toContain("validated-in-pipeline");
  });

  it("answers a prompted “done?” with the Done gate only", async () => {
    await deliver(
      agentSessionEvent(world.linear, {
        action: "prompted",
        sessionId: "s-604b",
        issue: issue("ENG-604"),
        prompt: "@bfd done?",
        activityId: "a-1",
      }),
      "d-604b",
    );
    const answer = activities("s-604b");
    expect(answer.map((a) => a.type)).toEqual(["thought", "response"]);
    expect(answer[1]!.body).toContain(`**Done gate failed** for ${PROJECT_PATH}\\!604`);
    expect(answer[1]!.body).not.toContain("### bfd ready");
  });

  it("says what it can do when a prompt asks something else, without reading any issue", async () => {
    await deliver(
      agentSessionEvent(world.linear, {
        action: "prompted",
        sessionId: "s-help",
        issue: issue("ENG-602"),
        prompt: "what's the weather in Paris?",
        activityId: "a-2",
      }),
      "d-help",
    );
    const answer = activities("s-help");
    expect(answer.map((a) => a.type)).toEqual(["response"]);
    expect(answer[0]!.body).toContain("check again");
    expect(firstRequest("BfdIssueByKeyWithTeams")).toBe(-1);
  });

  it("answers an error, never a pass, when Linear fails while the gate reads", async () => {
    world.linear.injectFault({ kind: "http-status", status: 503, times: 10 }, "BfdIssueByKeyWithTeams");
    await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-503", issue: issue("ENG-602") }),
      "d-503",
    );
    const answer = activities("s-503");
    expect(answer.map((a) => a.type)).toEqual(["thought", "error"]);
    expect(answer[1]!.body).toContain("**Not judged:**");
    expect(answer[1]!.body).toContain("503");
    expect(answer[1]!.body).not.toContain("Ready to pick up");
  });

  it("does nothing for a forged event", async () => {
    const payload = agentSessionEvent(world.linear, {
      action: "created",
      sessionId: "s-forged",
      issue: issue("ENG-602"),
    });
    const body = JSON.stringify(payload);
    const reply = await postLinear(serve.url, payload, {
      body,
      signature: signLinear(body, "not-the-webhook-secret"),
      event: "AgentSessionEvent",
    });
    expect(reply.status).toBe(401);
    const unsigned = await postLinear(serve.url, payload, { body, signature: null, event: "AgentSessionEvent" });
    expect(unsigned.status).toBe(401);
    await settled(serve.service);
    expect(activities("s-forged")).toEqual([]);
    expect(world.linear.requests).toHaveLength(0);
  });

  it("answers a delivery Linear sends again once, under the same or a new delivery id", async () => {
    const payload = agentSessionEvent(world.linear, { action: "created", sessionId: "s-dup", issue: issue("ENG-603") });
    await deliver(payload, "d-dup");
    const again = await deliver(payload, "d-dup");
    expect(await again.json()).toMatchObject({ status: "duplicate" });
    await deliver(payload, "d-dup-resent");
    expect(activities("s-dup").map((a) => a.type)).toEqual(["thought", "response"]);
  });
});

describe("bfd serve's agent and its secrets", () => {
  it("redacts a token an issue's text carries before it answers", async () => {
    const target = issue("ENG-603");
    const title = target.title;
    target.title = `Rotate ${FAKE_LINEAR_API_KEY} and glpat-abcdefghijklmnopqrst`;
    try {
      await deliver(
        agentSessionEvent(world.linear, { action: "created", sessionId: "s-secret", issue: target }),
        "d-secret",
      );
    } finally {
      target.title = title;
    }
    const response = activities("s-secret").at(-1)!;
    expect(response.type).toBe("response");
    expect(response.body).toContain("Rotate");
    expect(response.body).not.toContain(FAKE_LINEAR_API_KEY);
    expect(response.body).not.toContain("glpat-abcdefghijklmnopqrst");
  });

  it("says in the log, at ERROR, that Linear refused the agent token, without printing it", async () => {
    await serve.stop();
    serve = await startTestService(world, { env: { BFD_LINEAR_AGENT_TOKEN: "lin_oauth_revoked_token_0123456789" } });
    await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-revoked", issue: issue("ENG-602") }),
      "d-revoked",
    );
    expect(activities("s-revoked")).toEqual([]);
    const refused = serve.logs.filter((line) =>
      line.includes("Linear refused the agent token in BFD_LINEAR_AGENT_TOKEN (HTTP 401)"),
    );
    expect(refused).not.toHaveLength(0);
    expect(refused.every((line) => /"severity_text":"ERROR"/.test(line))).toBe(true);
    expect(serve.logs.join("\n")).not.toContain("lin_oauth_revoked_token_0123456789");
  });
});

describe("bfd serve without an agent token", () => {
  it("acknowledges agent session events and answers none", async () => {
    await serve.stop();
    serve = await startTestService(world);
    const reply = await deliver(
      agentSessionEvent(world.linear, { action: "created", sessionId: "s-none", issue: issue("ENG-602") }),
      "d-none",
    );
    expect(reply.status).toBe(202);
    expect(await reply.json()).toMatchObject({ status: "ignored" });
    expect(world.linear.requests).toHaveLength(0);
  });
});
