/**
 * The HTTP surface: verify, map, enqueue, answer 202 — nothing slow on the request path. Raw bytes are read before
 * anything parses them (every signature is over the exact body); every error is an RFC 9457 problem; every request
 * is one log line with OpenTelemetry's HTTP attribute names.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { verifyLinearWebhook } from "../sources/linear/webhook-signature.js";
import { mapGitLabDelivery, mapLinearDelivery, mapStatusCheckRequest, type Mapped } from "./events.js";
import type { ServeState, WorkQueue } from "./job.js";
import type { Logger } from "./log.js";
import type { Metrics } from "./metrics.js";
import { problem, PROBLEM_CONTENT_TYPE } from "./problem.js";
import type { ServeSettings } from "./settings.js";
import { verifyGitLabToken, verifyStandardWebhookSignature, verifyStatusCheckSignature } from "./verify-gitlab.js";

/** Larger than any real delivery (Linear's SDK handler allows 5 MiB; a GitLab MR event carries at most a 1 MB description twice). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface HttpAppDeps {
  settings: ServeSettings;
  queue: WorkQueue;
  state: ServeState;
  metrics: Metrics;
  log: Logger;
  /** Linear, GitLab and the queue answer (cached by the caller; probes cost API requests). */
  readiness: () => Promise<ReadinessCheck[]>;
  now: () => number;
  /** `/board`: the delivery board page from the latest verdicts (no API call per view); none: no route. */
  board?: (() => string) | undefined;
}

type Source = "linear" | "gitlab" | "status-check";

/** What a handler tells the request log. */
type AppEnv = { Variables: { route: string | undefined; outcome: string | undefined } };
type Ctx = Context<AppEnv>;

export function createHttpApp(deps: HttpAppDeps): Hono<AppEnv> {
  const { settings, queue, metrics, log } = deps;
  const app = new Hono<AppEnv>();

  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.get("route");
    const status = c.res.status;
    metrics.requestDuration.observe(
      { http_request_method: c.req.method, http_route: route ?? "unmatched", http_response_status_code: status },
      seconds,
    );
    const url = new URL(c.req.url);
    log.info(
      {
        "http.request.method": c.req.method,
        "url.path": url.pathname,
        "http.route": route,
        "http.response.status_code": status,
        "server.address": url.hostname,
        "server.port": Number(url.port) || undefined,
        "user_agent.original": c.req.header("user-agent"),
        "http.server.request.duration": seconds,
        "bfd.outcome": c.get("outcome"),
      },
      `${c.req.method} ${url.pathname} ${status}`,
    );
  });

  const tooLarge = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => fail(c, 413, "body-too-large", `the body is larger than ${MAX_BODY_BYTES} bytes`),
  });

  if (settings.secrets.linearWebhookSecret !== null) {
    const secret = settings.secrets.linearWebhookSecret;
    app.post("/webhooks/linear", tooLarge, async (c) => {
      c.set("route", "/webhooks/linear");
      const raw = Buffer.from(await c.req.arrayBuffer());
      const check = verifyLinearWebhook(secret, raw, c.req.header("linear-signature") ?? null);
      if (!check.ok) {
        metrics.deliveries.inc({ source: "linear", outcome: "rejected" });
        if (check.problem === "body") return fail(c, 400, "malformed-body", "the signed body is not JSON");
        return check.problem === "timestamp"
          ? fail(c, 401, "stale-timestamp", "webhookTimestamp is missing or more than 60 s from now")
          : fail(c, 401, "bad-signature", "Linear-Signature is missing or does not match the body");
      }
      return accept(c, "linear", mapLinearDelivery(check.payload, c.req.header("linear-delivery") ?? null));
    });
  }

  if (settings.secrets.gitlabWebhookToken !== null) {
    const token = settings.secrets.gitlabWebhookToken;
    const signingKey = settings.secrets.gitlabSigningKey;
    app.post("/webhooks/gitlab", tooLarge, async (c) => {
      c.set("route", "/webhooks/gitlab");
      const raw = Buffer.from(await c.req.arrayBuffer());
      if (!verifyGitLabToken(c.req.header("x-gitlab-token") ?? null, token)) {
        metrics.deliveries.inc({ source: "gitlab", outcome: "rejected" });
        return fail(c, 401, "bad-token", "X-Gitlab-Token is missing or not the webhook's secret token");
      }
      if (signingKey !== null) {
        const signed = verifyStandardWebhookSignature(
          {
            id: c.req.header("webhook-id") ?? null,
            timestamp: c.req.header("webhook-timestamp") ?? null,
            signature: c.req.header("webhook-signature") ?? null,
          },
          raw,
          signingKey,
          deps.now(),
        );
        if (signed !== "ok") {
          metrics.deliveries.inc({ source: "gitlab", outcome: "rejected" });
          return signed === "timestamp"
            ? fail(c, 401, "stale-timestamp", "webhook-timestamp is missing or more than 5 minutes from now")
            : fail(c, 401, "bad-signature", "webhook-signature is missing or does not match the body");
        }
      }
      const payload = parseJson(raw);
      if (payload === undefined) return malformed(c, "gitlab");
      // A retried delivery keeps its Idempotency-Key (= webhook-id, gitlab-org/gitlab!230944); X-Gitlab-Event-UUID
      // identifies the event on older instances.
      const deliveryId = c.req.header("idempotency-key") ?? c.req.header("x-gitlab-event-uuid") ?? null;
      const mapped = mapGitLabDelivery(c.req.header("x-gitlab-event") ?? null, payload, deliveryId, {
        projects: settings.config.projects,
        statusName: settings.config.statusName,
      });
      return accept(c, "gitlab", mapped);
    });
  }

  if (settings.config.outputs.statusCheck && settings.secrets.statusCheckSecret !== null) {
    const secret = settings.secrets.statusCheckSecret;
    app.post("/status-checks/gitlab", tooLarge, async (c) => {
      c.set("route", "/status-checks/gitlab");
      const raw = Buffer.from(await c.req.arrayBuffer());
      if (!verifyStatusCheckSignature(c.req.header("x-gitlab-signature") ?? null, raw, secret)) {
        metrics.deliveries.inc({ source: "status-check", outcome: "rejected" });
        return fail(c, 401, "bad-signature", "X-GitLab-Signature is missing or not the HMAC of the body");
      }
      const payload = parseJson(raw);
      if (payload === undefined) return malformed(c, "status-check");
      const mapped = mapStatusCheckRequest(payload, c.req.header("x-gitlab-event-uuid") ?? null, {
        projects: settings.config.projects,
      });
      if ("statusCheck" in mapped && mapped.statusCheck !== undefined)
        await deps.state.rememberStatusCheck(mapped.statusCheck.project, mapped.statusCheck.checkId);
      return accept(c, "status-check", mapped);
    });
  }

  app.get("/healthz", (c) => {
    c.set("route", "/healthz");
    return c.json({ status: "ok" });
  });

  app.get("/readyz", async (c) => {
    c.set("route", "/readyz");
    const checks = await deps.readiness();
    const ok = checks.every((check) => check.ok);
    return c.json({ status: ok ? "ready" : "not ready", checks }, ok ? 200 : 503);
  });

  const board = deps.board;
  if (board !== undefined) {
    app.get("/board", (c) => {
      c.set("route", "/board");
      return c.body(board(), 200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
      });
    });
  }

  app.get("/metrics", async (c) => {
    c.set("route", "/metrics");
    return c.body(await metrics.registry.metrics(), 200, { "content-type": metrics.registry.contentType });
  });

  app.notFound((c) => fail(c, 404, "not-found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.onError((error, c) => {
    log.error({ "error.type": error.name, "error.message": error.message }, "request failed");
    return fail(c, 500, "internal", "the service could not take this request; it is logged");
  });

  async function accept(c: Ctx, source: Source, mapped: Mapped): Promise<Response> {
    if ("invalid" in mapped) {
      metrics.deliveries.inc({ source, outcome: "rejected" });
      return fail(c, 400, "malformed-body", mapped.invalid);
    }
    if ("ignored" in mapped) {
      metrics.deliveries.inc({ source, outcome: "ignored" });
      c.set("outcome", "ignored");
      return c.json({ status: "ignored", reason: mapped.ignored }, 202);
    }
    let outcome: "queued" | "duplicate" = "queued";
    for (const job of mapped.jobs) if ((await queue.enqueue(job)) === "duplicate") outcome = "duplicate";
    metrics.deliveries.inc({ source, outcome });
    c.set("outcome", outcome);
    return c.json({ status: outcome, jobs: mapped.jobs.map((job) => job.key) }, 202);
  }

  function malformed(c: Ctx, source: Source): Response {
    metrics.deliveries.inc({ source, outcome: "rejected" });
    return fail(c, 400, "malformed-body", "the body is not JSON");
  }

  return app;
}

function fail(c: Ctx, status: 400 | 401 | 404 | 413 | 500, code: string, detail: string): Response {
  return c.body(JSON.stringify(problem(status, code, detail)), status, { "content-type": PROBLEM_CONTENT_TYPE });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
