import { describe, expect, it } from "vitest";
import { classifyGitLabFailure } from "../../src/sources/gitlab/errors.js";
import {
  LinearGraphqlFailure,
  linearFailureToError,
  linearReadRetry,
  linearWriteRetry,
} from "../../src/sources/linear/errors.js";
import { HttpFailure, retryDecision, writeRetryDecision, type AttemptInfo } from "../../src/sources/upstream.js";

const LINEAR_KEY = "lin_api_SecretSecretSecret0123456789";
const at = (service: "Linear" | "GitLab", attempt = 3): AttemptInfo => ({
  service,
  method: service === "Linear" ? "POST" : "GET",
  url: service === "Linear" ? "https://api.linear.app/graphql" : "https://gitlab.example.com/api/v4/projects/1",
  attempt,
});
const status = (
  code: number,
  headers: Record<string, string> = {},
  body = "",
  service: "Linear" | "GitLab" = "Linear",
) =>
  new HttpFailure("status", at(service), { status: code, headers: { "content-type": "text/plain", ...headers }, body });
const network = (kind: "timeout" | "reset" | "unreachable", code?: string, service: "Linear" | "GitLab" = "Linear") =>
  new HttpFailure(kind, at(service), { code });
const graphql = (kind: LinearGraphqlFailure["kind"], message = "x", rateLimit = {}) =>
  new LinearGraphqlFailure(kind, message, at("Linear"), 400, rateLimit);

describe("one retry decision for both services' reads", () => {
  it.each([
    ["a 429 with Retry-After", status(429, { "retry-after": "4" }), { retryable: true, retryAfterSeconds: 4 }],
    ["a 502", status(502), { retryable: true }],
    ["a 503", status(503), { retryable: true }],
    ["a 504", status(504), { retryable: true }],
    ["an HTML 502 page", status(502, { "content-type": "text/html" }, "<html>"), { retryable: true }],
    ["a 500", status(500), { retryable: false }],
    ["a 401", status(401), { retryable: false }],
    ["a 404", status(404), { retryable: false }],
    ["a timeout", network("timeout"), { retryable: true }],
    ["a dropped connection", network("reset", "ECONNRESET"), { retryable: true }],
    ["a refused connection", network("unreachable", "ECONNREFUSED"), { retryable: false }],
    [
      "malformed JSON on a 200",
      new HttpFailure("bad-body", at("GitLab"), { status: 200, bodyProblem: "malformed-json" }),
      { retryable: false },
    ],
  ])("treats %s as %o", (_case, error, expected) => {
    expect(retryDecision(error, Date.now())).toEqual(expected);
    expect(linearReadRetry(error, Date.now())).toEqual(expected);
  });

  it.each([
    [
      "Linear's rate limit as a GraphQL error",
      graphql("ratelimited", "limited", { retryAfterSeconds: 2 }),
      { retryable: true, retryAfterSeconds: 2 },
    ],
    ["a query refused as too complex (it would be refused again)", graphql("too-complex"), { retryable: false }],
    ["a rejected key", graphql("auth"), { retryable: false }],
    ["an unknown issue", graphql("not-found"), { retryable: false }],
    ["partial data", graphql("partial-data"), { retryable: false }],
  ])("treats %s as %o", (_case, error, expected) => {
    expect(linearReadRetry(error, Date.now())).toEqual(expected);
  });

  it.each([
    ["a rate limit", status(429), true],
    ["Linear's rate limit as a GraphQL error", graphql("ratelimited"), true],
    ["a refused connection", network("unreachable", "ECONNREFUSED"), true],
    ["a reset connection", network("reset", "ECONNRESET"), false],
    ["a 502", status(502), false],
    ["a timeout", network("timeout"), false],
  ])("retries a write after %s only when the service cannot have applied it (%s)", (_case, error, retryable) => {
    expect(linearWriteRetry(error, Date.now()).retryable).toBe(retryable);
    if (!(error instanceof LinearGraphqlFailure))
      expect(writeRetryDecision(error, Date.now()).retryable).toBe(retryable);
  });
});

const linearContext = {
  operation: "BfdIssueByKey",
  doing: "reading ENG-1",
  subject: "ENG-1",
  timeoutMs: 10_000,
  secrets: [LINEAR_KEY],
};
const gitlabContext = {
  doing: "reading merge request !4 in acme/web",
  access: "read" as const,
  project: "acme/web",
  mergeRequestIid: 4,
  timeoutMs: 10_000,
};

describe("the same failure reads the same way for Linear and GitLab", () => {
  it.each([
    [network("timeout"), "did not answer within 10 s while {doing} (3 attempts)", "timeout"],
    [
      network("reset", "ECONNRESET"),
      "closed the connection before the reply was complete while {doing} (3 attempts)",
      "connection-reset",
    ],
    [status(503), "answered HTTP 503 while {doing} (3 attempts)", "unavailable"],
    [
      status(502, { "content-type": "text/html" }, "<html></html>"),
      "answered HTTP 502 (an HTML error page) while {doing} (3 attempts)",
      "unavailable",
    ],
    [
      status(429, { "retry-after": "30" }),
      "rate limit reached while {doing} (retry after 30 s; 3 attempts)",
      "rate-limited",
    ],
  ])("%s", (failure, message, code) => {
    for (const service of ["Linear", "GitLab"] as const) {
      const copy = new HttpFailure(failure.kind, at(service), {
        status: failure.status,
        headers: { ...failure.headers },
        body: failure.body,
        code: failure.code,
      });
      const error =
        service === "Linear" ? linearFailureToError(copy, linearContext) : classifyGitLabFailure(copy, gitlabContext);
      const doing = service === "Linear" ? linearContext.doing : gitlabContext.doing;
      expect(error).toMatchObject({
        kind: "upstream",
        code: `${service.toLowerCase()}-${code}`,
        message: `${service} ${message.replace("{doing}", doing)}`,
      });
    }
  });
});

describe("what Linear's own errors say", () => {
  it.each([
    [graphql("not-found"), "issue-not-found", "ENG-1 was not found in Linear", "input"],
    [graphql("auth"), "linear-auth", "Linear rejected the API key in LINEAR_API_KEY", "upstream"],
    [status(401), "linear-auth", "Linear rejected the API key in LINEAR_API_KEY (HTTP 401)", "upstream"],
    [
      graphql("ratelimited", "x", { requestsRemaining: 0, resetsAt: Date.UTC(2026, 0, 2, 3, 4, 5) }),
      "linear-rate-limited",
      "Linear rate limit reached while reading ENG-1 (0 requests remaining, resets at 2026-01-02T03:04:05.000Z; 3 attempts)",
      "upstream",
    ],
    [
      graphql("ratelimited", "x", { complexityRemaining: 12, resetsAt: Date.UTC(2026, 0, 2, 3, 4, 5) }),
      "linear-rate-limited",
      "Linear rate limit reached while reading ENG-1 (12 complexity points remaining, resets at 2026-01-02T03:04:05.000Z; 3 attempts)",
      "upstream",
    ],
    [
      graphql("too-complex", "Query too complex: 10950 points, the limit is 10000"),
      "linear-too-complex",
      "Linear refused bfd's BfdIssueByKey query as too complex: Query too complex: 10950 points, the limit is 10000",
      "upstream",
    ],
    [
      new HttpFailure("bad-body", at("Linear", 1), {
        status: 404,
        headers: { "content-type": "text/plain" },
        bodyProblem: "not-json",
      }),
      "linear-bad-response",
      "Linear sent a reply that is not JSON while reading ENG-1 (HTTP 404, text/plain)",
      "upstream",
    ],
  ])("turns %o into %s", (failure, code, message, kind) => {
    expect(linearFailureToError(failure, linearContext)).toMatchObject({ code, message, kind });
  });

  it("keeps the message on one line and without the API key", () => {
    const failure = graphql("graphql-error", `Key ${LINEAR_KEY}\nis\tsuspended`);
    expect(linearFailureToError(failure, linearContext).message).toBe(
      "Linear answered BfdIssueByKey with an error: Key [REDACTED] is suspended",
    );
  });
});
