import { describe, expect, it } from "vitest";
import { ServeConfigSchema } from "../../src/rules/schema.js";
import { serveSettings } from "../../src/serve/settings.js";

const config = ServeConfigSchema.parse({});
const ENV = {
  BFD_LINEAR_WEBHOOK_SECRET: "linear-webhook-secret-value",
  BFD_GITLAB_WEBHOOK_TOKEN: "gitlab-webhook-token-value",
  // Shaped like no known token (a self-managed instance's token, a proxy's key): only the configured value can tell.
  LINEAR_API_KEY: "plain-linear-key-0000",
  GITLAB_TOKEN: "plain-gitlab-token-1111",
  BFD_LINEAR_AGENT_TOKEN: "plain-agent-token-2222",
};

describe("what bfd serve treats as secret", () => {
  it.each(Object.keys(ENV))("includes %s, so it is never published, logged or shown on /board", (name) => {
    const settings = serveSettings(ENV, config, { host: "127.0.0.1", port: "0" });
    expect(settings.secretValues).toContain(ENV[name as keyof typeof ENV]);
  });

  it("takes the agent token only with the Linear webhook on (it answers Linear's deliveries)", () => {
    expect(serveSettings(ENV, config, { port: "0" }).secrets.linearAgentToken).toBe(ENV.BFD_LINEAR_AGENT_TOKEN);
    const off = ServeConfigSchema.parse({ webhooks: { linear: false } });
    expect(serveSettings(ENV, off, { port: "0" }).secrets.linearAgentToken).toBeNull();
  });

  it("leaves out what is not set", () => {
    const settings = serveSettings(
      {
        BFD_LINEAR_WEBHOOK_SECRET: ENV.BFD_LINEAR_WEBHOOK_SECRET,
        BFD_GITLAB_WEBHOOK_TOKEN: ENV.BFD_GITLAB_WEBHOOK_TOKEN,
      },
      config,
      { host: "127.0.0.1", port: "0" },
    );
    expect(settings.secretValues.sort()).toEqual([ENV.BFD_GITLAB_WEBHOOK_TOKEN, ENV.BFD_LINEAR_WEBHOOK_SECRET].sort());
  });
});
