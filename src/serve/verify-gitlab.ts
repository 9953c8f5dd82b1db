import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/**
 * Equal strings, compared in constant time. Both sides are hashed first so the comparison never leaks the length
 * of the secret (timingSafeEqual itself needs equal lengths).
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

/** `X-Gitlab-Token` echoes the webhook's secret token in plain text (doc/user/project/integrations/webhooks.md). */
export function verifyGitLabToken(header: string | null, token: string): boolean {
  return header !== null && sameSecret(header, token);
}

/** Standard Webhooks: how far `webhook-timestamp` may be from now (the spec's suggested tolerance is 5 minutes). */
const SIGNATURE_TOLERANCE_S = 5 * 60;

/**
 * GitLab's `webhook-signature` (gitlab-org/gitlab!230944, the Standard Webhooks format): one or more space-separated
 * `v1,<base64>` entries, each an HMAC-SHA256 with the signing key of `${webhook-id}.${webhook-timestamp}.${body}`;
 * `webhook-timestamp` is Unix seconds and must be recent, so a captured delivery cannot be replayed later.
 */
export function verifyStandardWebhookSignature(
  headers: { id: string | null; timestamp: string | null; signature: string | null },
  rawBody: Buffer,
  key: Buffer,
  nowMs: number,
): "ok" | "signature" | "timestamp" {
  const { id, timestamp, signature } = headers;
  if (id === null || timestamp === null || signature === null) return "signature";
  if (!/^\d{1,12}$/.test(timestamp)) return "timestamp";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_S) return "timestamp";
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(rawBody).digest();
  const matches = signature
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .some((entry) => {
      const given = Buffer.from(entry.slice(3), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? "ok" : "signature";
}

/**
 * An external status check request: GitLab signs the body with the check's HMAC shared secret and sends the hex
 * digest as `X-GitLab-Signature` (doc/user/project/merge_requests/status_checks.md "Use HMAC authentication").
 */
export function verifyStatusCheckSignature(header: string | null, rawBody: Buffer, secret: string): boolean {
  if (header === null || !/^[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(header.trim(), "hex"), expected);
}
