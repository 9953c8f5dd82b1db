import { LinearWebhookClient } from "@linear/sdk/webhooks";

export type LinearWebhookCheck =
  | { ok: true; payload: unknown }
  /** `signature`: missing or wrong; `timestamp`: webhookTimestamp missing or more than 60 s away; `body`: not JSON. */
  | { ok: false; problem: "signature" | "timestamp" | "body" };

/**
 * Verifies a Linear webhook delivery on its raw bytes, exactly as `@linear/sdk/webhooks` does it
 * (`LinearWebhookClient.verify`, node_modules/@linear/sdk/dist/webhooks-*.mjs): the `Linear-Signature` header must be
 * the hex HMAC-SHA256 of the body with the webhook's secret (compared in constant time) BEFORE the body is parsed,
 * and the signed body's `webhookTimestamp` (ms) must be within 60 s of now. Only then is the body returned, parsed.
 */
export function verifyLinearWebhook(secret: string, rawBody: Buffer, signature: string | null): LinearWebhookCheck {
  if (signature === null || signature === "") return { ok: false, problem: "signature" };
  try {
    new LinearWebhookClient(secret).verify(rawBody, signature);
  } catch (error) {
    // The SDK signs off in this order: signature, then (the body parsed) the timestamp. A SyntaxError means the
    // signature was right but the body is not JSON.
    if (error instanceof SyntaxError) return { ok: false, problem: "body" };
    const message = error instanceof Error ? error.message : "";
    return { ok: false, problem: /timestamp/i.test(message) ? "timestamp" : "signature" };
  }
  return { ok: true, payload: JSON.parse(rawBody.toString("utf8")) as unknown };
}
