import { describe, expect, it } from "vitest";
import {
  classifyLinearFailure,
  classifyLinearMutationFailure,
  describeLinearFailure,
  LinearFailure,
  linearFailureToError,
  type FailureContext,
} from "../../src/sources/linear/errors.js";

const context: FailureContext = {
  operation: "BfdIssueByKey",
  subject: "ENG-1",
  attempts: 3,
  timeoutMs: 10_000,
  apiUrl: "https://api.linear.app/graphql",
  secrets: ["lin_api_SecretSecretSecret0123456789"],
};

function networkError(code: string): TypeError {
  return new TypeError("fetch failed", { cause: Object.assign(new Error("other side closed"), { code }) });
}

describe("classifying a failed Linear attempt for the retry policy", () => {
  it.each([
    [
      "a rate limit, with its Retry-After",
      new LinearFailure("ratelimited", "limited", { retryAfterSeconds: 4 }),
      { retryable: true, retryAfterSeconds: 4 },
    ],
    ["a 502", new LinearFailure("http-status", "bad gateway", { status: 502 }), { retryable: true }],
    ["a 503", new LinearFailure("http-status", "unavailable", { status: 503 }), { retryable: true }],
    ["a 504", new LinearFailure("http-status", "timeout", { status: 504 }), { retryable: true }],
    [
      "an HTML 502 page",
      new LinearFailure("not-graphql", "html", { status: 502, contentType: "text/html" }),
      { retryable: true },
    ],
    ["a 500", new LinearFailure("http-status", "boom", { status: 500 }), { retryable: false }],
    ["malformed JSON on a 200", new LinearFailure("not-graphql", "json", { status: 200 }), { retryable: false }],
    ["a timeout", new LinearFailure("timeout", "slow"), { retryable: true }],
    ["a connection reset", networkError("ECONNRESET"), { retryable: true }],
    ["a cut-off answer", new LinearFailure("cut-off", "terminated", { status: 200 }), { retryable: true }],
    ["a rejected key", new LinearFailure("auth", "no"), { retryable: false }],
    ["an unknown issue", new LinearFailure("not-found", "Entity not found"), { retryable: false }],
    ["a rejected query", new LinearFailure("query-rejected", "Cannot query field"), { retryable: false }],
    ["partial data", new LinearFailure("partial-data", "half"), { retryable: false }],
  ])("treats %s as %o", (_case, error, expected) => {
    expect(classifyLinearFailure(error)).toEqual(expected);
  });

  it.each([
    ["a rate limit", new LinearFailure("ratelimited", "limited", { retryAfterSeconds: 1 }), true],
    ["a refused connection", networkError("ECONNREFUSED"), true],
    ["a reset connection", networkError("ECONNRESET"), false],
    ["a 502", new LinearFailure("http-status", "bad gateway", { status: 502 }), false],
    ["a timeout", new LinearFailure("timeout", "slow"), false],
  ])("retries a comment after %s only when Linear cannot have applied it (%s)", (_case, error, retryable) => {
    expect(classifyLinearMutationFailure(error).retryable).toBe(retryable);
  });

  it.each([
    [
      "an abort",
      Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" }),
      "timeout",
    ],
    ["a JSON syntax error", new SyntaxError("Unexpected end of JSON input"), "not-graphql"],
    ["a reset before any answer", networkError("ECONNRESET"), "network"],
  ])("describes %s as %s", (_case, error, kind) => {
    expect(describeLinearFailure(error).kind).toBe(kind);
  });

  it("describes a body that broke off after the headers as cut off", () => {
    expect(
      describeLinearFailure(new TypeError("terminated"), { observed: { status: 200, contentType: "application/json" } })
        .details,
    ).toMatchObject({
      status: 200,
      contentType: "application/json",
    });
    expect(
      describeLinearFailure(new TypeError("terminated"), { observed: { status: 200, contentType: null } }).kind,
    ).toBe("cut-off");
  });
});

describe("the error the user sees", () => {
  it.each([
    [new LinearFailure("not-found", "x"), "issue-not-found", "ENG-1 was not found in Linear", "input"],
    [
      new LinearFailure("auth", "x", { status: 401 }),
      "linear-auth",
      "Linear rejected the API key in LINEAR_API_KEY",
      "upstream",
    ],
    [
      new LinearFailure("ratelimited", "x", { requestsRemaining: 0, resetsAt: Date.UTC(2026, 0, 2, 3, 4, 5) }),
      "linear-rate-limited",
      "Linear rate limit reached (0 requests remaining, resets at 2026-01-02T03:04:05.000Z)",
      "upstream",
    ],
    [
      new LinearFailure("ratelimited", "x", { retryAfterSeconds: 30 }),
      "linear-rate-limited",
      "Linear rate limit reached (retry after 30 s)",
      "upstream",
    ],
    [
      new LinearFailure("http-status", "x", { status: 503, contentType: "text/plain; charset=utf-8" }),
      "linear-unavailable",
      "Linear answered HTTP 503, text/plain (3 attempts)",
      "upstream",
    ],
    [
      new LinearFailure("not-graphql", "x", { status: 502, contentType: "text/html" }),
      "linear-bad-response",
      "Linear answered with something that is not GraphQL JSON (HTTP 502, text/html)",
      "upstream",
    ],
    [new LinearFailure("timeout", "x"), "linear-timeout", "Linear did not answer within 10 s (3 attempts)", "upstream"],
  ])("turns %o into %s", (failure, code, message, kind) => {
    const error = linearFailureToError(failure, context);
    expect(error).toMatchObject({ code, message, kind });
  });

  it("keeps the message on one line and without the API key", () => {
    const failure = new LinearFailure("graphql-error", "Key lin_api_SecretSecretSecret0123456789\nis\tsuspended");
    const error = linearFailureToError(failure, context);
    expect(error.message).toBe("Linear answered BfdIssueByKey with an error: Key [REDACTED] is suspended");
  });
});
