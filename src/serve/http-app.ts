/**
 * The HTTP surface: verify, map, enqueue, answer 202 — nothing slow on the request path. Raw bytes are read before
 * anything parses them (every signature is over the exact body); every error is an RFC 9457 problem; every request
 * is one log line with OpenTelemetry's HTTP attribute names.
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { verifyLinearWebhook } from "../sources/linear/webhook-signature.js";
import { mapGitLabDelivery, mapLinearDelivery, mapStatusCheckRequest, type Mapped } from "./events.js";
import { QueueUnavailable, type ServeState, type WorkQueue } from "./job.js";
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

/** RFC 9110 §11.3 challenges: auth-scheme, then auth-params (the realm names what is protected). */
export const LINEAR_CHALLENGE = 'Linear-Signature realm="bfd linear webhook", algorithm="hmac-sha256"';
export const GITLAB_TOKEN_CHALLENGE = 'X-Gitlab-Token realm="bfd gitlab webhook"';
export const STANDARD_WEBHOOK_CHALLENGE = 'Webhook-Signature realm="bfd gitlab webhook", algorithm="hmac-sha256"';
export const STATUS_CHECK_CHALLENGE = 'X-GitLab-Signature realm="bfd status check", algorithm="hmac-sha256"';

/** Seconds a refused delivery is asked to wait: an outage of the queue's store is usually a restart. */
const RETRY_AFTER_SECONDS = 5;

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
          ? unauthorized(
              c,
              LINEAR_CHALLENGE,
              "stale-timestamp",
              "webhookTimestamp is missing or more than 60 s from now",
            )
          : unauthorized(
              c,
              LINEAR_CHALLENGE,
              "bad-signature",
              "Linear-Signature is missing or does not match the body",
            );
      }
      return accept(
        c,
        "linear",
        mapLinearDelivery(check.payload, c.req.header("linear-delivery") ?? null, {
          agent: settings.secrets.linearAgentToken !== null,
        }),
      );
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
        return unauthorized(
          c,
          GITLAB_TOKEN_CHALLENGE,
          "bad-token",
          "X-Gitlab-Token is missing or not the webhook's secret token",
        );
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
            ? unauthorized(
                c,
                STANDARD_WEBHOOK_CHALLENGE,
                "stale-timestamp",
                "webhook-timestamp is missing or more than 5 minutes from now",
              )
            : unauthorized(
                c,
                STANDARD_WEBHOOK_CHALLENGE,
                "bad-signature",
                "webhook-signature is missing or does not match the body",
              );
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
        return unauthorized(
          c,
          STATUS_CHECK_CHALLENGE,
          "bad-signature",
          "X-GitLab-Signature is missing or not the HMAC of the body",
        );
      }
      const payload = parseJson(raw);
      if (payload === undefined) return malformed(c, "status-check");
      const mapped = mapStatusCheckRequest(payload, c.req.header("x-gitlab-event-uuid") ?? null, {
        projects: settings.config.projects,
      });
      if ("statusCheck" in mapped && mapped.statusCheck !== undefined) {
        try {
          await deps.state.rememberStatusCheck(mapped.statusCheck.project, mapped.statusCheck.checkId);
        } catch (error) {
          if (error instanceof QueueUnavailable) return unavailable(c, "status-check", error);
          throw error;
        }
      }
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
    try {
      for (const job of mapped.jobs) if ((await queue.enqueue(job)) === "duplicate") outcome = "duplicate";
    } catch (error) {
      if (error instanceof QueueUnavailable) return unavailable(c, source, error);
      throw error;
    }
    metrics.deliveries.inc({ source, outcome });
    c.set("outcome", outcome);
    return c.json({ status: outcome, jobs: mapped.jobs.map((job) => job.key) }, 202);
  }

  /** The queue could not take the delivery in time: refused, so the sender keeps it and sends it again. */
  function unavailable(c: Ctx, source: Source, error: QueueUnavailable): Response {
    metrics.deliveries.inc({ source, outcome: "unavailable" });
    c.set("outcome", "unavailable");
    log.warn({ "error.type": error.name, "error.message": error.message }, `delivery refused: ${error.message}`);
    return fail(c, 503, "queue-unavailable", `the queue cannot take this delivery now (${error.message})`, {
      "retry-after": String(RETRY_AFTER_SECONDS),
    });
  }

  function malformed(c: Ctx, source: Source): Response {
    metrics.deliveries.inc({ source, outcome: "rejected" });
    return fail(c, 400, "malformed-body", "the body is not JSON");
  }

  return app;
}

function fail(
  c: Ctx,
  status: 400 | 401 | 404 | 413 | 500 | 503,
  code: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return c.body(JSON.stringify(problem(status, code, detail)), status, {
    ...headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

/**
 * A 401 carries a challenge naming the credential it expects (RFC 9110 §11.6.1 and §15.5.2: "The server generating
 * a 401 response MUST send a WWW-Authenticate header field containing at least one challenge"). None of these is an
 * IANA-registered scheme: each names the header that carries the signature or token.
 */
function unauthorized(c: Ctx, challenge: string, code: string, detail: string): Response {
  return fail(c, 401, code, detail, { "www-authenticate": challenge });
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
