import { GraphQLClientError, parseLinearError } from "@linear/sdk";
import { describe, expect, it } from "vitest";
import { renderError } from "../../src/render-error.js";
import {
  classifyGitLabFailure,
  isAccessRefusal,
  isMissingRecord,
  isRouteNotFound,
  MINIMUM_GITLAB_VERSION,
} from "../../src/sources/gitlab/errors.js";
import {
  fromLinearError,
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
    [
      graphql("auth"),
      "linear-auth",
      "Linear rejected the API key in LINEAR_API_KEY (HTTP 400): it is wrong, expired or revoked",
      "setup",
    ],
    [
      status(401),
      "linear-auth",
      "Linear rejected the API key in LINEAR_API_KEY (HTTP 401): it is wrong, expired or revoked",
      "setup",
    ],
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

/** Where a failed call lands: the exit code `src/cli.ts` gives it (renderError) says whose move it is. */
const exitOf = (error: Error): number => renderError(error, { debug: false, color: false, cwd: "/" }).code;
const gitlabAt = (path: string): AttemptInfo => ({
  service: "GitLab",
  method: "GET",
  url: `https://gitlab.example.com/api/v4/projects/acme%2Fweb${path}`,
  attempt: 1,
});
const gitlabReply = (code: number, body: unknown, path = "/merge_requests/4") =>
  new HttpFailure("status", gitlabAt(path), {
    status: code,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
/** GitLab's catch-all route (lib/api/api.rb) and `not_found!` (lib/api/helpers.rb), as test/fakes/gitlab.ts sends them. */
const CATCH_ALL = { error: "404 Not Found" };

describe("exit codes say whose move it is", () => {
  it.each([
    // A token the service refuses fails every run the same way until someone replaces it: setup, exit 2.
    [
      "GitLab 401",
      gitlabReply(401, { message: "401 Unauthorized" }),
      "setup",
      "gitlab-auth",
      "GitLab rejected the token in GITLAB_TOKEN (HTTP 401): it is wrong, expired or revoked",
      2,
    ],
    [
      "GitLab 403 insufficient_scope",
      gitlabReply(403, {
        error: "insufficient_scope",
        error_description: "The request requires higher privileges than provided by the access token.",
        scope: "api read_api",
      }),
      "setup",
      "gitlab-forbidden",
      "GitLab refused the token in GITLAB_TOKEN while reading merge request !4 in acme/web (HTTP 403): it lacks the read_api scope",
      2,
    ],
    [
      "GitLab 403 without a scope named",
      gitlabReply(403, { message: "403 Forbidden" }),
      "setup",
      "gitlab-forbidden",
      "it needs the read_api scope and at least the Reporter role in acme/web",
      2,
    ],
    [
      "GitLab's catch-all 404 on /diffs (an older GitLab)",
      gitlabReply(404, CATCH_ALL, "/merge_requests/4/diffs"),
      "setup",
      "gitlab-endpoint-missing",
      `This GitLab has no /diffs endpoint (added in 15.7): bfd needs GitLab ≥ ${MINIMUM_GITLAB_VERSION}`,
      2,
    ],
    [
      "GitLab's catch-all 404 on an endpoint without a known origin",
      gitlabReply(404, CATCH_ALL, "/pipelines/77/bridges"),
      "setup",
      "gitlab-endpoint-missing",
      `This GitLab has no /bridges endpoint: bfd needs GitLab ≥ ${MINIMUM_GITLAB_VERSION}`,
      2,
    ],
    [
      "GitLab 404 Project Not Found",
      gitlabReply(404, { message: "404 Project Not Found" }),
      "input",
      "project-not-found",
      "GitLab project acme/web was not found",
      2,
    ],
    [
      "GitLab 404 for the merge request",
      gitlabReply(404, { message: "404 Not found" }),
      "input",
      "mr-not-found",
      "GitLab merge request !4 was not found in acme/web",
      2,
    ],
    // Passing trouble: nobody has to change anything, so CI may fail open on it (allow_outage).
    ["GitLab 503", status(503, {}, "", "GitLab"), "upstream", "gitlab-unavailable", "GitLab answered HTTP 503", 3],
    ["GitLab 429", status(429, {}, "", "GitLab"), "upstream", "gitlab-rate-limited", "GitLab rate limit reached", 3],
    ["a GitLab timeout", network("timeout", undefined, "GitLab"), "upstream", "gitlab-timeout", "did not answer", 3],
  ])(
    "%s: the kind, code, message and exit code that say whose move it is",
    (_case, failure, kind, code, message, exit) => {
      const error = classifyGitLabFailure(failure, gitlabContext);
      expect(error).toMatchObject({ kind, code });
      expect(error.message).toContain(message);
      expect(exitOf(error)).toBe(exit);
    },
  );

  it.each([
    ["Linear's 401", status(401), "setup", "linear-auth", 2],
    ["Linear's authentication error", graphql("auth"), "setup", "linear-auth", 2],
    ["Linear's 403", status(403), "setup", "linear-forbidden", 2],
    ["Linear's forbidden error", graphql("forbidden", "Forbidden"), "setup", "linear-forbidden", 2],
    ["Linear's rate limit", graphql("ratelimited"), "upstream", "linear-rate-limited", 3],
    ["Linear's 503", status(503), "upstream", "linear-unavailable", 3],
    ["a Linear timeout", network("timeout"), "upstream", "linear-timeout", 3],
  ])("%s: the kind, code and exit code that say whose move it is", (_case, failure, kind, code, exit) => {
    const error = linearFailureToError(failure, linearContext);
    expect(error).toMatchObject({ kind, code });
    expect(exitOf(error)).toBe(exit);
  });

  it("tells GitLab's catch-all 404 from an endpoint's own 404, and keeps it out of the evidence-level refusals", () => {
    const catchAll = gitlabReply(404, CATCH_ALL, "/merge_requests/4/diffs");
    const missingFile = gitlabReply(404, { message: "404 File Not Found" }, "/repository/files/a.md/raw");
    const refused = gitlabReply(403, { message: "403 Forbidden" }, "/pipelines/77/jobs");
    const rejected = gitlabReply(401, { message: "401 Unauthorized" }, "/pipelines/77/jobs");
    expect([catchAll, missingFile, refused, rejected].map(isRouteNotFound)).toEqual([true, false, false, false]);
    // One piece of evidence the token may not read is that rule's error; a rejected token or a missing endpoint is
    // the whole run's setup error.
    expect([catchAll, missingFile, refused, rejected].map(isAccessRefusal)).toEqual([false, true, true, false]);
    expect([catchAll, missingFile].map(isMissingRecord)).toEqual([false, true]);
  });
});

describe("Linear's rate limit, however it is marked", () => {
  /** A reply through the SDK's own `parseLinearError`, exactly as src/sources/linear/client.ts builds it. */
  const sdkFailure = (httpStatus: number, extensions: Record<string, unknown>, message = "Rate limit exceeded") => {
    const headers = { "content-type": "application/json", "retry-after": "2", "x-ratelimit-requests-remaining": "0" };
    const error = parseLinearError(
      new GraphQLClientError(
        { errors: [{ message, extensions }] as never, status: httpStatus, headers: new Headers(headers) },
        { query: "query BfdIssueByKey { viewer { id } }", variables: {} },
      ),
    );
    return fromLinearError(error, at("Linear", 1), headers, false, [LINEAR_KEY]);
  };

  it.each([
    ["type and code, HTTP 400", 400, { type: "ratelimited", code: "RATELIMITED" }],
    ["the code alone, HTTP 400", 400, { code: "RATELIMITED" }],
    ["the code alone, HTTP 429", 429, { code: "RATELIMITED" }],
    ["the type alone, HTTP 400", 400, { type: "ratelimited" }],
  ])("is retried when marked by %s", (_case, httpStatus, extensions) => {
    const failure = sdkFailure(httpStatus, extensions);
    expect(failure.kind).toBe("ratelimited");
    expect(linearReadRetry(failure, Date.now())).toEqual({ retryable: true, retryAfterSeconds: 2 });
  });

  it("is a rate limit even when its message speaks of complexity, never a query too complex", () => {
    expect(sdkFailure(400, { code: "RATELIMITED" }, "Complexity budget exceeded").kind).toBe("ratelimited");
    expect(sdkFailure(400, { type: "invalid input", code: "INPUT_ERROR" }, "Query too complex").kind).toBe(
      "too-complex",
    );
  });

  it("leaves other errors alone", () => {
    expect(sdkFailure(401, { type: "authentication error", code: "AUTHENTICATION_ERROR" }).kind).toBe("auth");
    expect(sdkFailure(400, { code: "AUTHENTICATION_ERROR" }).kind).toBe("auth");
    expect(sdkFailure(400, { code: "SOMETHING_ELSE" }).kind).toBe("graphql-error");
  });
});
