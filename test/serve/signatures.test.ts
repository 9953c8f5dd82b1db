import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../src/serve/http-app.js";
import {
  GITLAB_TOKEN_SECRET,
  LINEAR_SECRET,
  SIGNING_SECRET,
  STATUS_CHECK_SECRET,
  linearIssueEvent,
  mergeRequestEvent,
  postGitLab,
  postLinear,
  settled,
  signLinear,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld([{ n: 600 }]);
  serve = await startTestService(world, {
    config: { outputs: { statusCheck: true } },
    env: { BFD_GITLAB_WEBHOOK_SIGNING_SECRET: SIGNING_SECRET },
  });
});
afterAll(async () => {
  await serve.stop();
  await world.close();
});
beforeEach(() => {
  world.gitlab.reset();
  world.linear.reset();
});

const issueBody = (init: Parameters<typeof linearIssueEvent>[1] = {}): string =>
  JSON.stringify(linearIssueEvent("issue-600", init));

function standardSignature(id: string, timestamp: string, body: string): string {
  const key = Buffer.from(SIGNING_SECRET.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

function signedGitLabHeaders(body: string, at = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    "webhook-id": "msg-1",
    "webhook-timestamp": String(at),
    "webhook-signature": standardSignature("msg-1", String(at), body),
  };
}

/** RFC 9110 §11.3 challenge with auth-params: token, then `token = ( token / quoted-string )` pairs. */
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const AUTH_PARAM = `${TOKEN}\\s*=\\s*(?:${TOKEN}|"(?:[^"\\\\]|\\\\.)*")`;
const CHALLENGE = new RegExp(`^${TOKEN}(?: +${AUTH_PARAM}(?:\\s*,\\s*${AUTH_PARAM})*)?$`);

const mrBody = JSON.stringify(mergeRequestEvent(600));
const huge = "x".repeat(MAX_BODY_BYTES + 1);

describe("deliveries bfd serve refuses, and the work they cause: none", () => {
  it.each([
    [
      "Linear: no signature",
      401,
      "bad-signature",
      () => postLinear(serve.url, null, { body: issueBody(), signature: null }),
    ],
    [
      "Linear: a signature made with another secret",
      401,
      "bad-signature",
      () => postLinear(serve.url, null, { body: issueBody(), signature: signLinear(issueBody(), "not-the-secret") }),
    ],
    [
      "Linear: a body changed after signing",
      401,
      "bad-signature",
      () => postLinear(serve.url, null, { body: issueBody({ action: "create" }), signature: signLinear(issueBody()) }),
    ],
    [
      "Linear: a timestamp two minutes old",
      401,
      "stale-timestamp",
      () => postLinear(serve.url, null, { body: issueBody({ webhookTimestamp: Date.now() - 120_000 }) }),
    ],
    [
      "Linear: a signed body that is not JSON",
      400,
      "malformed-body",
      () => postLinear(serve.url, null, { body: "{not json" }),
    ],
    [
      "Linear: a signed JSON body that is not an event",
      400,
      "malformed-body",
      () => postLinear(serve.url, null, { body: JSON.stringify({ webhookTimestamp: Date.now() }) }),
    ],
    ["Linear: a body over the limit", 413, "body-too-large", () => postLinear(serve.url, null, { body: huge })],
    [
      "GitLab: no token",
      401,
      "bad-token",
      () => postGitLab(serve.url, "Merge Request Hook", null, { body: mrBody, token: null }),
    ],
    [
      "GitLab: the wrong token",
      401,
      "bad-token",
      () => postGitLab(serve.url, "Merge Request Hook", null, { body: mrBody, token: `${GITLAB_TOKEN_SECRET}x` }),
    ],
    [
      "GitLab: the token but no webhook-signature (a signing secret is set)",
      401,
      "bad-signature",
      () => postGitLab(serve.url, "Merge Request Hook", null, { body: mrBody }),
    ],
    [
      "GitLab: a webhook-signature of another body",
      401,
      "bad-signature",
      () =>
        postGitLab(serve.url, "Merge Request Hook", null, {
          body: mrBody,
          headers: signedGitLabHeaders(JSON.stringify(mergeRequestEvent(601))),
        }),
    ],
    [
      "GitLab: a webhook-timestamp ten minutes old",
      401,
      "stale-timestamp",
      () =>
        postGitLab(serve.url, "Merge Request Hook", null, {
          body: mrBody,
          headers: signedGitLabHeaders(mrBody, Math.floor(Date.now() / 1000) - 600),
        }),
    ],
    [
      "GitLab: a signed body that is not JSON",
      400,
      "malformed-body",
      () => postGitLab(serve.url, "Merge Request Hook", null, { body: "[{", headers: signedGitLabHeaders("[{") }),
    ],
    [
      "GitLab: a body over the limit",
      413,
      "body-too-large",
      () => postGitLab(serve.url, "Merge Request Hook", null, { body: huge, headers: signedGitLabHeaders(huge) }),
    ],
    [
      "a status check without X-GitLab-Signature",
      401,
      "bad-signature",
      () =>
        postGitLab(serve.url, "Merge Request Hook", null, { body: mrBody, token: null, path: "/status-checks/gitlab" }),
    ],
    [
      "a status check signed with another secret",
      401,
      "bad-signature",
      () =>
        postGitLab(serve.url, "Merge Request Hook", null, {
          body: mrBody,
          token: null,
          path: "/status-checks/gitlab",
          headers: { "x-gitlab-signature": createHmac("sha256", "other").update(mrBody).digest("hex") },
        }),
    ],
  ])("%s → %i %s", async (_what, status, code, send) => {
    const reply = await send();
    expect(reply.status).toBe(status);
    expect(reply.headers.get("content-type")).toBe("application/problem+json");
    const body = (await reply.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "about:blank", status, code });
    expect(JSON.stringify(body)).not.toContain(LINEAR_SECRET);
    // RFC 9110 §15.5.2: a 401 MUST carry WWW-Authenticate with at least one challenge (§11.6.1), whose grammar is
    // §11.3's `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`; the scheme names the credential bfd expects.
    const challenge = reply.headers.get("www-authenticate");
    if (status === 401) {
      expect(challenge).toMatch(CHALLENGE);
      expect(challenge!.split(" ")[0]).toMatch(
        /^(Linear-Signature|X-Gitlab-Token|Webhook-Signature|X-GitLab-Signature)$/,
      );
    } else expect(challenge).toBeNull();
    await settled(serve.service);
    expect(world.gitlab.requests).toHaveLength(0);
    expect(world.linear.requestCount()).toBe(0);
  });

  it("answers a route it does not have with a 404 problem", async () => {
    const reply = await fetch(`${serve.url}/webhooks/github`, { method: "POST", body: "{}" });
    expect(reply.status).toBe(404);
    expect(await reply.json()).toMatchObject({ status: 404, code: "not-found" });
  });
});

describe("deliveries bfd serve takes", () => {
  it("takes a GitLab delivery with the token and a valid webhook-signature", async () => {
    const reply = await postGitLab(serve.url, "Merge Request Hook", null, {
      body: mrBody,
      headers: signedGitLabHeaders(mrBody),
    });
    expect(reply.status).toBe(202);
    await settled(serve.service);
    expect(world.gitlab.requestCount({ method: "POST", pathIncludes: "/statuses/" })).toBe(1);
  });

  it("answers a signed external status check request for the MR's head", async () => {
    world.gitlab.world.statusChecks.push({ id: 77, project: "acme/web", name: "bfd", responses: [] });
    const body = JSON.stringify({
      ...mergeRequestEvent(600),
      external_approval_rule: { id: 77, name: "bfd", external_url: "x" },
    });
    const reply = await postGitLab(serve.url, "Merge Request Hook", null, {
      body,
      token: null,
      path: "/status-checks/gitlab",
      headers: { "x-gitlab-signature": createHmac("sha256", STATUS_CHECK_SECRET).update(body).digest("hex") },
    });
    expect(reply.status).toBe(202);
    await settled(serve.service);
    expect(world.gitlab.world.statusChecks[0]!.responses).toEqual([
      { mergeRequestIid: 600, sha: world.gitlab.world.mergeRequests[0]!.sha, status: "passed" },
    ]);
  });
});
