/**
 * `bfd serve` on loopback for tests: the real service (Hono, the queue, the work, the publishers) over real HTTP,
 * talking to the loopback fakes of Linear and GitLab through the real client libraries.
 */
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { ServeConfigSchema, type ServeConfig } from "../../src/rules/schema.js";
import { createGitLabSource } from "../../src/sources/gitlab/index.js";
import { createLinearSource } from "../../src/sources/linear/index.js";
import type { RetryPolicy } from "../../src/sources/retry-policy.js";
import { EVALUATION_MARGIN_MS } from "../../src/serve/evaluate.js";
import { createLogger } from "../../src/serve/log.js";
import { inlineEvaluator, type WorkerEntry } from "../../src/serve/evaluator.js";
import { startService, type RunningService } from "../../src/serve/service.js";
import { serveSettings } from "../../src/serve/settings.js";
import { FAKE_TOKEN, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import {
  FAKE_LINEAR_AGENT_TOKEN,
  FAKE_LINEAR_API_KEY,
  startFakeLinear,
  type FakeIssue,
  type FakeLinear,
} from "../fakes/linear.js";
import { ROOT } from "../helpers/cli.js";
import { PROJECT_ID, PROJECT_PATH, deliveryWorlds, type DeliveryCase } from "../helpers/delivery-world.js";

export const LINEAR_SECRET = "lin_wh_test_secret_0123456789";
export const GITLAB_TOKEN_SECRET = "gitlab-webhook-token-0123456789";
export const STATUS_CHECK_SECRET = "status-check-secret-0123456789";
/** A Standard Webhooks signing secret: whsec_ + base64 of 32 bytes. */
export const SIGNING_SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

/** Fast retries so fault tests do not wait on the CLI's real back-off. */
export const FAST_POLICY: RetryPolicy = {
  maxAttempts: 3,
  timeoutMs: 2_000,
  deadlineMs: 10_000,
  baseDelayMs: 10,
  maxDelayMs: 50,
};

export interface World {
  gitlab: FakeGitLab;
  linear: FakeLinear;
  close: () => Promise<void>;
}

export async function startWorld(cases: readonly DeliveryCase[]): Promise<World> {
  const worlds = deliveryWorlds(cases);
  const gitlab = await startFakeGitLab(worlds.gitlab);
  const linear = await startFakeLinear(worlds.linear(gitlab.url));
  return { gitlab, linear, close: async () => void (await Promise.all([gitlab.close(), linear.close()])) };
}

export interface TestService {
  service: RunningService;
  url: string;
  logs: string[];
  stop: () => Promise<void>;
}

export async function startTestService(
  world: World,
  options: {
    config?: Partial<Omit<ServeConfig, "outputs">> & { outputs?: Partial<ServeConfig["outputs"]> };
    env?: Record<string, string>;
    redisUrl?: string;
    linearTeam?: string | null;
    evaluationDeadlineMs?: number;
    /** Evaluate in a pool of worker threads running this script, as bfd serve does (default: on this thread). */
    workerEntry?: WorkerEntry;
  } = {},
): Promise<TestService> {
  const { outputs, ...rest } = options.config ?? {};
  const config = ServeConfigSchema.parse({
    projects: [PROJECT_PATH],
    sweepMinutes: 0,
    ...rest,
    outputs: { commitStatus: true, mergeRequestNote: true, statusCheck: false, linearComment: true, ...outputs },
  });
  const env: Record<string, string> = {
    BFD_LINEAR_WEBHOOK_SECRET: LINEAR_SECRET,
    BFD_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN_SECRET,
    ...(config.outputs.statusCheck ? { BFD_GITLAB_STATUS_CHECK_SECRET: STATUS_CHECK_SECRET } : {}),
    ...(options.redisUrl === undefined ? {} : { BFD_REDIS_URL: options.redisUrl }),
    ...options.env,
  };
  const settings = serveSettings(env, config, { host: "127.0.0.1", port: "0" });
  const logs: string[] = [];
  const log = createLogger(
    { write: (line) => void logs.push(line) },
    { secrets: settings.secretValues, version: "test" },
  );
  const builtinDir = join(ROOT, "rules");
  const readyRules = loadRuleSet({
    builtinFiles: builtinRuleFiles(ROOT, builtinDir),
    configFile: null,
    readRuleFile: () => null,
  });
  const service = await startService({
    settings,
    sources: async () => ({
      linear: createLinearSource({ apiKey: FAKE_LINEAR_API_KEY, apiUrl: world.linear.url, policy: FAST_POLICY }),
      gitlab: createGitLabSource({ host: world.gitlab.url, token: FAKE_TOKEN, policy: FAST_POLICY }),
      agent:
        settings.secrets.linearAgentToken === null
          ? null
          : createLinearSource({
              apiKey: "",
              accessToken: settings.secrets.linearAgentToken,
              apiUrl: world.linear.url,
              policy: FAST_POLICY,
            }),
    }),
    gitlabHost: world.gitlab.url,
    readyRules,
    builtinFiles: builtinRuleFiles(ROOT, builtinDir),
    linearTeam: options.linearTeam ?? null,
    log,
    drainTimeoutMs: 10_000,
    // The engine on the test's own thread: these tests are about the flow; the worker threads are proven on the
    // built CLI (test/e2e/serve-workers.test.ts) and in test/serve/evaluator-pool.test.ts.
    ...(options.workerEntry === undefined ? { evaluator: inlineEvaluator() } : { workerEntry: options.workerEntry }),
    evaluationDeadlineMs: options.evaluationDeadlineMs ?? FAST_POLICY.timeoutMs + EVALUATION_MARGIN_MS,
  });
  return { service, url: service.url, logs, stop: () => service.stop() };
}

/** Waits until the queue has nothing waiting or running, twice in a row (a job may enqueue another). */
export async function settled(service: RunningService, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    const depth = await service.queue.depth();
    quiet = depth.waiting === 0 && depth.active === 0 ? quiet + 1 : 0;
    if (Date.now() > until) throw new Error(`queue not settled: ${JSON.stringify(depth)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function signLinear(body: string, secret = LINEAR_SECRET): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function linearIssueEvent(
  issueId: string,
  init: { action?: string; type?: string; webhookTimestamp?: number; state?: string } = {},
): Record<string, unknown> {
  return {
    action: init.action ?? "update",
    type: init.type ?? "Issue",
    createdAt: new Date().toISOString(),
    data: { id: issueId, state: { name: init.state ?? "Todo" } },
    updatedFrom: { stateId: "previous-state" },
    url: `https://linear.app/acme/issue/${issueId}`,
    webhookTimestamp: init.webhookTimestamp ?? Date.now(),
    webhookId: "webhook-1",
    organizationId: "org-1",
  };
}

export async function postLinear(
  url: string,
  payload: unknown,
  init: { signature?: string | null; deliveryId?: string; body?: string; event?: string } = {},
): Promise<Response> {
  const body = init.body ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "linear-event": init.event ?? "Issue",
  };
  const signature = init.signature === undefined ? signLinear(body) : init.signature;
  if (signature !== null) headers["linear-signature"] = signature;
  if (init.deliveryId !== undefined) headers["linear-delivery"] = init.deliveryId;
  return fetch(`${url}/webhooks/linear`, { method: "POST", headers, body });
}

/** The environment that makes bfd serve answer as a Linear agent. */
export const AGENT_ENV = { BFD_LINEAR_AGENT_TOKEN: FAKE_LINEAR_AGENT_TOKEN };

const AGENT_APP_USER_ID = "b0d0a9e1-0000-4000-8000-00000000a9e1";

/**
 * An `AgentSessionEvent` delivery as Linear sends it to the app's webhook: every non-null field of
 * `AgentSessionEventWebhookPayload` and `AgentSessionWebhookPayload` (schema.graphql), `type: "AgentSessionEvent"`
 * (how `@linear/sdk/webhooks` routes it), the issue as `IssueWithDescriptionChildWebhookPayload`; `created` carries a
 * `promptContext`, `prompted` the person's words in `agentActivity.content.body` (an `AgentActivityWebhookPayload`,
 * content type `prompt`; linear.app/developers/agent-interaction). Registers the session in the fake, as Linear
 * opens it before it sends the event.
 */
export function agentSessionEvent(
  linear: FakeLinear,
  init: {
    action: "created" | "prompted";
    sessionId: string;
    issue: FakeIssue;
    prompt?: string;
    activityId?: string;
    webhookTimestamp?: number;
  },
): Record<string, unknown> {
  const sessions = (linear.world.agentSessions ??= []);
  if (!sessions.some((session) => session.id === init.sessionId))
    sessions.push({ id: init.sessionId, issueId: init.issue.id });
  const now = new Date().toISOString();
  const team = linear.world.teams.find((t) => init.issue.identifier.startsWith(`${t.key}-`))!;
  const creator = {
    id: "c0ffee00-0000-4000-8000-000000000002",
    name: "Grace Hopper",
    email: "grace@acme.example",
    url: "https://linear.app/acme/profiles/grace",
  };
  return {
    type: "AgentSessionEvent",
    action: init.action,
    createdAt: now,
    organizationId: "org-1",
    oauthClientId: "oauth-client-bfd",
    appUserId: AGENT_APP_USER_ID,
    webhookId: "webhook-agent",
    webhookTimestamp: init.webhookTimestamp ?? Date.now(),
    agentSession: {
      id: init.sessionId,
      appUserId: AGENT_APP_USER_ID,
      organizationId: "org-1",
      createdAt: now,
      updatedAt: now,
      status: init.action === "created" ? "pending" : "active",
      type: "commentThread",
      url: `https://linear.app/acme/issue/${init.issue.identifier}#agent-session-${init.sessionId}`,
      creator,
      creatorId: creator.id,
      issueId: init.issue.id,
      issue: {
        id: init.issue.id,
        identifier: init.issue.identifier,
        title: init.issue.title,
        description: init.issue.description,
        url: init.issue.url,
        teamId: team.id,
        team: { id: team.id, key: team.key, name: team.name },
      },
    },
    ...(init.action === "created"
      ? { promptContext: `<issue identifier="${init.issue.identifier}"><title>${init.issue.title}</title></issue>` }
      : {
          agentActivity: {
            id: init.activityId ?? "activity-1",
            agentSessionId: init.sessionId,
            createdAt: now,
            updatedAt: now,
            content: { type: "prompt", body: init.prompt ?? "" },
            user: creator,
            userId: creator.id,
          },
        }),
  };
}

/** A Merge Request Hook body (doc/user/project/integrations/webhook_events.md), the fields bfd reads and a few more. */
export function mergeRequestEvent(
  iid: number,
  init: { action?: string; state?: string } = {},
): Record<string, unknown> {
  return {
    object_kind: "merge_request",
    event_type: "merge_request",
    user: { id: 2, username: "grace" },
    project: {
      id: PROJECT_ID,
      path_with_namespace: PROJECT_PATH,
      web_url: `https://gitlab.example.com/${PROJECT_PATH}`,
    },
    object_attributes: { iid, state: init.state ?? "opened", action: init.action ?? "update", title: `MR ${iid}` },
    labels: [],
    changes: {},
  };
}

export async function postGitLab(
  url: string,
  event: string,
  payload: unknown,
  init: { token?: string | null; uuid?: string; body?: string; path?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-gitlab-event": event,
    ...init.headers,
  };
  const token = init.token === undefined ? GITLAB_TOKEN_SECRET : init.token;
  if (token !== null) headers["x-gitlab-token"] = token;
  if (init.uuid !== undefined) headers["x-gitlab-event-uuid"] = init.uuid;
  return fetch(`${url}${init.path ?? "/webhooks/gitlab"}`, {
    method: "POST",
    headers,
    body: init.body ?? JSON.stringify(payload),
  });
}

/** The latest `bfd/done` status of each commit, as GitLab lists them (one per name). */
export function latestStatuses(gitlab: FakeGitLab, name = "bfd/done"): Map<string, string> {
  const latest = new Map<string, { id: number; state: string }>();
  for (const st of gitlab.world.commitStatuses) {
    if (st.name !== name) continue;
    const seen = latest.get(st.sha);
    if (seen === undefined || st.id > seen.id) latest.set(st.sha, { id: st.id, state: st.state });
  }
  return new Map([...latest].map(([sha, v]) => [sha, v.state]));
}
