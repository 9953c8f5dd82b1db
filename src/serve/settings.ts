import { availableParallelism } from "node:os";
import { usageError } from "../errors.js";
import { ServeConfigSchema, type ServeConfig } from "../rules/schema.js";
import type { Env } from "../sources/env.js";

export interface ServeSecrets {
  /** BFD_LINEAR_WEBHOOK_SECRET: the Linear webhook's signing secret; null when serve.webhooks.linear is off. */
  linearWebhookSecret: string | null;
  /** BFD_GITLAB_WEBHOOK_TOKEN: the GitLab webhook's secret token (X-Gitlab-Token); null when serve.webhooks.gitlab is off. */
  gitlabWebhookToken: string | null;
  /** BFD_GITLAB_WEBHOOK_SIGNING_SECRET (whsec_…): also demand GitLab's `webhook-signature` when set. */
  gitlabSigningKey: Buffer | null;
  /** BFD_GITLAB_STATUS_CHECK_SECRET: the external status check's HMAC shared secret (X-GitLab-Signature). */
  statusCheckSecret: string | null;
  /**
   * BFD_LINEAR_AGENT_TOKEN: the OAuth access token of bfd's `actor=app` installation; with it, bfd answers Linear's
   * agent session events as the app user. Null: agent session events are acknowledged and ignored.
   */
  linearAgentToken: string | null;
}

export interface ServeSettings {
  host: string;
  port: number;
  config: ServeConfig;
  /** Worker threads for evaluations: serve.workers, else the cores available minus one (at least one). */
  workers: number;
  secrets: ServeSecrets;
  /** BFD_REDIS_URL: BullMQ on Redis instead of the in-process queue. */
  redisUrl: string | null;
  /** Every secret value, for redaction of logs and problems. */
  secretValues: string[];
}

const DEFAULT_PORT = 8080;

/**
 * Everything `bfd serve` takes from flags, the environment and bfd.config.yaml's `serve:`, checked before the port
 * opens: an enabled webhook without its secret stops the start (exit 2, naming the variable), so an unsigned
 * delivery is never accepted.
 */
export function serveSettings(
  env: Env,
  serveConfig: ServeConfig | undefined,
  flags: { host?: string | undefined; port?: string | undefined },
): ServeSettings {
  const config = serveConfig ?? ServeConfigSchema.parse({});
  const port = parsePort(flags.port ?? env.PORT);
  const linearWebhookSecret = config.webhooks.linear
    ? required(env, "BFD_LINEAR_WEBHOOK_SECRET", "the Linear webhook's signing secret")
    : null;
  const gitlabWebhookToken = config.webhooks.gitlab
    ? required(env, "BFD_GITLAB_WEBHOOK_TOKEN", "the GitLab webhook's secret token")
    : null;
  const signing = value(env, "BFD_GITLAB_WEBHOOK_SIGNING_SECRET");
  const statusCheckSecret = value(env, "BFD_GITLAB_STATUS_CHECK_SECRET");
  if (config.outputs.statusCheck && statusCheckSecret === null) {
    throw usageError(
      "serve-secret-missing",
      "BFD_GITLAB_STATUS_CHECK_SECRET is not set, and serve.outputs.statusCheck is on",
      "Set it to the status check's HMAC shared secret (Settings → Merge requests → Status checks), or turn statusCheck off.",
    );
  }
  const linearAgentToken = config.webhooks.linear ? value(env, "BFD_LINEAR_AGENT_TOKEN") : null;
  const redisUrl = value(env, "BFD_REDIS_URL");
  if (redisUrl !== null && !/^rediss?:\/\//.test(redisUrl)) {
    throw usageError(
      "bad-redis-url",
      "BFD_REDIS_URL must be a redis:// or rediss:// URL",
      "e.g. BFD_REDIS_URL=redis://redis.internal:6379/0",
    );
  }
  const gitlabSigningKey = signing === null ? null : signingKey(signing);
  return {
    host: flags.host ?? "0.0.0.0",
    port,
    config,
    // One core stays with the event loop that answers webhooks; more workers than jobs at once would never be used.
    workers: Math.min(config.workers ?? Math.max(1, availableParallelism() - 1), config.concurrency),
    secrets: { linearWebhookSecret, gitlabWebhookToken, gitlabSigningKey, statusCheckSecret, linearAgentToken },
    redisUrl,
    // Every secret the service holds, the API tokens included: whatever looks like none of the known token shapes
    // (a self-managed GitLab's token, say) is still never published, logged or shown on /board.
    secretValues: [
      linearWebhookSecret,
      gitlabWebhookToken,
      signing,
      statusCheckSecret,
      redisUrl,
      value(env, "LINEAR_API_KEY"),
      value(env, "BFD_LINEAR_AGENT_TOKEN"),
      value(env, "GITLAB_TOKEN"),
      value(env, "CI_JOB_TOKEN"),
    ].filter((s): s is string => s !== null),
  };
}

function value(env: Env, name: string): string | null {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? null : raw;
}

function required(env: Env, name: string, what: string): string {
  const found = value(env, name);
  if (found === null) {
    throw usageError(
      "serve-secret-missing",
      `${name} is not set: bfd serve never accepts unsigned webhook deliveries`,
      `Export ${name} with ${what} (docs/serve.md shows where to find it), or turn that webhook off in serve.webhooks.`,
    );
  }
  return found;
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === "") return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usageError(
      "bad-port",
      `port "${raw}" is not a TCP port`,
      "Use --port 8080 (or PORT=8080); 0 picks a free one.",
    );
  }
  return port;
}

/**
 * GitLab's signing token is a Standard Webhooks secret: `whsec_` and the base64 of a 32-byte key
 * (gitlab-org/gitlab!231325 "must be in whsec_<base64> format encoding a 32-byte key"); the key is the decoded bytes.
 */
function signingKey(secret: string): Buffer {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const key = match === null ? null : Buffer.from(match[1]!, "base64");
  if (key === null || key.length < 24) {
    throw usageError(
      "bad-signing-secret",
      "BFD_GITLAB_WEBHOOK_SIGNING_SECRET is not a GitLab signing token (whsec_ followed by base64)",
      "Copy the webhook's signing token from GitLab exactly as shown when it was created.",
    );
  }
  return key;
}
