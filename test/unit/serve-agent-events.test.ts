import { describe, expect, it } from "vitest";
import { agentAsk, mapLinearDelivery } from "../../src/serve/events.js";

describe("what a prompt to bfd's agent asks", () => {
  it.each([
    ["check again", "check"],
    ["@bfd check again please", "check"],
    ["Recheck", "check"],
    ["ready?", "ready"],
    ["Is ENG-12 READY to pick up?", "ready"],
    ["done?", "done"],
    ["@bfd done?", "done"],
    ["ready or done?", "check"],
    ["what's the weather in Paris?", "help"],
    ["", "help"],
    // A mention is never read as a word: @ready-bot is not "ready".
    ["@ready-bot hello", "help"],
  ] as const)("%j asks %s", (prompt, ask) => {
    expect(agentAsk(prompt)).toBe(ask);
  });
});

const session = { id: "s-1", issueId: "i-1", issue: { id: "i-1", identifier: "ENG-1" } };

describe("AgentSessionEvent deliveries", () => {
  it.each([
    ["created", { action: "created", agentSession: session }, { key: "agent:s-1:created", ask: "check" }],
    [
      "prompted",
      {
        action: "prompted",
        agentSession: session,
        agentActivity: { id: "a-9", content: { type: "prompt", body: "done?" } },
      },
      { key: "agent:s-1:a-9", ask: "done" },
    ],
    [
      "created outside an issue",
      { action: "created", agentSession: { id: "s-2" } },
      { key: "agent:s-2:created", ask: "help" },
    ],
  ])("%s becomes one job for that session event", (_name, body, expected) => {
    const mapped = mapLinearDelivery({ type: "AgentSessionEvent", ...body }, "d-1", { agent: true });
    expect(mapped).toMatchObject({
      jobs: [{ key: expected.key, target: { kind: "agentSession", ask: expected.ask }, deliveryId: "d-1" }],
    });
  });

  it.each([
    ["without an agent token", { action: "created", agentSession: session }, false, "ignored"],
    [
      "a stop signal",
      { action: "prompted", agentSession: session, agentActivity: { id: "a-1", signal: "stop", content: {} } },
      true,
      "ignored",
    ],
    ["another action", { action: "updated", agentSession: session }, true, "ignored"],
    ["without its session", { action: "created" }, true, "invalid"],
    ["prompted without its activity", { action: "prompted", agentSession: session }, true, "invalid"],
  ])("%s asks for no work", (_name, body, agent, outcome) => {
    expect(mapLinearDelivery({ type: "AgentSessionEvent", ...body }, "d-1", { agent })).toHaveProperty(outcome);
  });
});
