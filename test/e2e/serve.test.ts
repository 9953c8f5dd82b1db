import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_TOKEN } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { runCli } from "../helpers/cli.js";
import { shaOf } from "../helpers/delivery-world.js";
import {
  GITLAB_TOKEN_SECRET,
  LINEAR_SECRET,
  latestStatuses,
  mergeRequestEvent,
  postGitLab,
  startWorld,
  type World,
} from "../serve/harness.js";
import { serveConfigDir, serveEnv, startServeChild } from "../serve/child.js";

let world: World;

beforeAll(async () => {
  world = await startWorld([{ n: 950 }]);
});
afterAll(async () => {
  await world.close();
});

describe("bfd serve, the built CLI", () => {
  it.each([
    ["BFD_LINEAR_WEBHOOK_SECRET", { BFD_LINEAR_WEBHOOK_SECRET: undefined }],
    ["BFD_GITLAB_WEBHOOK_TOKEN", { BFD_GITLAB_WEBHOOK_TOKEN: undefined }],
    ["LINEAR_API_KEY", { LINEAR_API_KEY: undefined }],
    ["BFD_GITLAB_WEBHOOK_SIGNING_SECRET", { BFD_GITLAB_WEBHOOK_SIGNING_SECRET: "not-a-whsec" }],
  ])("refuses to start without a usable %s (exit 2, naming it)", async (name, change) => {
    const env: Record<string, string | undefined> = { ...serveEnv(world), ...change };
    const result = await runCli(["serve", "--port", "0"], { cwd: serveConfigDir("serve:\n  sweepMinutes: 0\n"), env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(name);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("runs with one command, publishes a verdict, logs JSON with no secret, and drains on SIGTERM", async () => {
    const cwd = serveConfigDir(
      "serve:\n  projects: [acme/web]\n  sweepMinutes: 0\n  outputs: { linearComment: false }\n",
    );
    const served = await startServeChild(cwd, serveEnv(world));
    expect((await fetch(`${served.url}/healthz`)).status).toBe(200);
    const reply = await postGitLab(served.url, "Merge Request Hook", mergeRequestEvent(950), { uuid: "e2e-950" });
    expect(reply.status).toBe(202);
    const until = Date.now() + 20_000;
    while (!latestStatuses(world.gitlab).has(shaOf(950)) && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(latestStatuses(world.gitlab).get(shaOf(950))).toBe("success");
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toMatch(/bfd_webhook_deliveries_total\{source="gitlab",outcome="queued"\} 1/);
    served.child.kill("SIGTERM");
    expect(await served.exited).toBe(0);

    const lines = served.output().trim().split("\n");
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.find((r) => r["url.path"] === "/webhooks/gitlab")).toMatchObject({
      "http.request.method": "POST",
      "http.response.status_code": 202,
      "service.name": "bfd",
      severity_text: "INFO",
    });
    for (const secret of [LINEAR_SECRET, GITLAB_TOKEN_SECRET, FAKE_TOKEN, FAKE_LINEAR_API_KEY])
      expect(served.output()).not.toContain(secret);
    expect(records.at(-1)).toMatchObject({ msg: "bfd serve stopped" });
  });
});
