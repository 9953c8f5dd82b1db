/**
 * Every upstream fault, for each service, through the CLI (in-process, `main()` of src/cli.ts): `bfd ready` meets a
 * faulty Linear, `bfd done --mr` meets a faulty GitLab while Linear stays healthy. Each row starts its own fakes, so
 * the rows run concurrently. A run ends as the process would: once its last retry is over (test/helpers/quiescence.ts).
 * Faults are persistent (`times: Infinity`): what the fake counts is exactly what bfd's retry policy allows.
 */
import { describe, expect, it } from "vitest";
import {
  FAKE_TOKEN,
  startFakeGitLab,
  type FakeFault,
  type FakeGitLab,
  type FakeGitLabOptions,
} from "../fakes/gitlab.js";
import {
  addIssue,
  FAKE_LINEAR_API_KEY,
  relate,
  startFakeLinear,
  type FakeLinear,
  type LinearFault,
  type LinearWorld,
} from "../fakes/linear.js";
import { runCliInProcess, runCliProcess, tempDir, type CliResult } from "../helpers/cli.js";
import { deliveryWorlds, PROJECT_ID, PROJECT_PATH, shaOf } from "../helpers/delivery-world.js";
import { MINIMUM_GITLAB_VERSION } from "../../src/sources/gitlab/errors.js";

/** ENG-200 passes the Ready gate and ENG-400 (with acme/web!400) passes the Done gate when nothing goes wrong. */
const READY_KEY = "ENG-200";
const DONE_N = 400;
const WORLDS = deliveryWorlds([{ n: DONE_N }]);

function linearWorld(gitlabUrl: string): LinearWorld {
  const world = WORLDS.linear(gitlabUrl);
  world.projects.push({
    id: "prj-spec",
    name: "Audit export",
    url: "https://linear.app/acme/project/audit-export",
    description: "",
    content:
      "## Specification\n\nAnswers the [Index Challenge IC-9](https://wiki.acme.example/index/challenges/IC-9). Admins export the audit log as CSV.",
    documents: [],
    externalLinks: [],
  });
  addIssue(world, { identifier: "ENG-120", title: "Events table", stateName: "Done", stateType: "completed" });
  addIssue(world, {
    identifier: READY_KEY,
    title: "Export audit log as CSV",
    description:
      "As an admin I export the audit log.\n\n## Acceptance criteria\n- [ ] CSV has one row per event\n- [ ] Filters apply to the export\n\nBuilds on ENG-120.\n",
    projectId: "prj-spec",
    assigneeId: world.viewerId,
    estimate: 3,
    stateName: "Todo",
    stateType: "unstarted",
  });
  relate(world, "ENG-120", "blocks", READY_KEY);
  return world;
}

const json = (body: unknown): { contentType: string; body: string } => ({
  contentType: "application/json; charset=utf-8",
  body: JSON.stringify(body),
});
/** Linear's verbatim bodies (see test/fakes/linear.ts for where they were captured). */
const LINEAR_AUTH_BODY = json({
  errors: [
    {
      message: "Authentication required, not authenticated",
      extensions: {
        type: "authentication error",
        code: "AUTHENTICATION_ERROR",
        statusCode: 401,
        userError: true,
        userPresentableMessage: "You need to authenticate to access this operation.",
      },
    },
  ],
});
const LINEAR_FORBIDDEN_BODY = json({
  errors: [
    { message: "Forbidden", extensions: { type: "forbidden", code: "FORBIDDEN", statusCode: 403, userError: true } },
  ],
});
const LINEAR_NOT_FOUND_BODY = json({
  errors: [
    {
      message: "Entity not found: Issue",
      path: ["issue"],
      extensions: {
        type: "invalid input",
        code: "INPUT_ERROR",
        statusCode: 400,
        userError: true,
        userPresentableMessage: "Could not find referenced Issue.",
      },
    },
  ],
  data: null,
});

/** Attempts per request under the default policy: a retryable fault is tried 3 times, any other once. */
const RETRIED = 3;
const ONCE = 1;

interface Expectation {
  /** What goes wrong, for the test name. */
  fault: string;
  code: 2 | 3;
  /** A fragment of the first stderr line. */
  message: string;
  /** Attempts the fake must see for each request bfd makes. */
  attempts: number;
  /** Why this exit code (and attempt count) is the right answer. */
  why: string;
  /** Extra global flags (a short --timeout for hangs). */
  flags?: string[];
  /** Lower bound on the run's duration: proves Retry-After was waited for. */
  minMs?: number;
}

type FaultCase =
  (Expectation & { service: "Linear"; inject: LinearFault }) | (Expectation & { service: "GitLab"; inject: FakeFault });

const FOREVER = Number.POSITIVE_INFINITY;

const FAULTS: FaultCase[] = [
  {
    service: "Linear",
    fault: "401 with Linear's authentication error",
    inject: { kind: "http-status", status: 401, ...LINEAR_AUTH_BODY, times: FOREVER },
    code: 2,
    message: "Linear rejected the API key in LINEAR_API_KEY (HTTP 401): it is wrong, expired or revoked",
    attempts: ONCE,
    why: "a rejected key fails every run until someone replaces it: setup, so CI's allow_outage never hides it",
  },
  {
    service: "Linear",
    fault: "403 with Linear's forbidden error",
    inject: { kind: "http-status", status: 403, ...LINEAR_FORBIDDEN_BODY, times: FOREVER },
    code: 2,
    message: "Linear refused access: Forbidden",
    attempts: ONCE,
    why: "the key's user lacks access: setup, the user's to fix; never retried",
  },
  {
    service: "Linear",
    fault: "404 from the endpoint itself",
    inject: { kind: "http-status", status: 404, body: "Not Found", times: FOREVER },
    code: 3,
    message: "Linear sent a reply that is not JSON while reading ENG-200 (HTTP 404, text/plain)",
    attempts: ONCE,
    why: "no issue was looked up at all: the URL answers 404, which says nothing about the key the user typed",
  },
  {
    service: "Linear",
    fault: "GraphQL 'Entity not found' for the issue",
    inject: { kind: "http-status", status: 400, ...LINEAR_NOT_FOUND_BODY, times: FOREVER },
    code: 2,
    message: `${READY_KEY} was not found in Linear`,
    attempts: ONCE,
    why: "the user named an issue Linear does not have: an input error they fix by correcting the key",
  },
  {
    service: "Linear",
    fault: "429 with Retry-After: 1",
    inject: { kind: "http-429", retryAfterSeconds: 1, times: FOREVER },
    code: 3,
    message: "Linear rate limit reached",
    attempts: RETRIED,
    minMs: 2_000,
    why: "rate limited: retried after the server's Retry-After, then upstream",
  },
  {
    service: "Linear",
    fault: "429 without Retry-After",
    inject: { kind: "http-429", times: FOREVER },
    code: 3,
    message: "Linear rate limit reached",
    attempts: RETRIED,
    why: "rate limited: retried with backoff, then upstream",
  },
  {
    service: "Linear",
    fault: "RATELIMITED GraphQL error (HTTP 400)",
    inject: { kind: "ratelimited", retryAfterSeconds: 0, times: FOREVER },
    code: 3,
    message: "Linear rate limit reached while reading ENG-200 (0 requests remaining",
    attempts: RETRIED,
    why: "Linear's rate limit arrives as a GraphQL error, not a 429: retried all the same",
  },
  {
    service: "Linear",
    fault: "RATELIMITED by extensions.code alone (HTTP 400)",
    inject: { kind: "ratelimited", marker: "code", retryAfterSeconds: 0, times: FOREVER },
    code: 3,
    message: "Linear rate limit reached while reading ENG-200 (0 requests remaining",
    attempts: RETRIED,
    why: "the code alone marks a rate limit (NOTES.md 'Added turn 3'): retried within the deadline, then upstream",
  },
  {
    service: "Linear",
    fault: "RATELIMITED by extensions.code alone (HTTP 429)",
    inject: { kind: "ratelimited", marker: "code", status: 429, retryAfterSeconds: 0, times: FOREVER },
    code: 3,
    message: "Linear rate limit reached while reading ENG-200 (0 requests remaining",
    attempts: RETRIED,
    why: "a JSON 429 carrying the code is the same rate limit: retried, then upstream",
  },
  {
    service: "Linear",
    fault: "500",
    inject: { kind: "http-status", status: 500, times: FOREVER },
    code: 3,
    message: "Linear answered HTTP 500 while reading ENG-200",
    attempts: ONCE,
    why: "an internal error is not transient: only 502/503/504 are retried",
  },
  {
    service: "Linear",
    fault: "502",
    inject: { kind: "http-status", status: 502, times: FOREVER },
    code: 3,
    message: "Linear answered HTTP 502 while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "a gateway error is transient: retried",
  },
  {
    service: "Linear",
    fault: "503",
    inject: { kind: "http-status", status: 503, times: FOREVER },
    code: 3,
    message: "Linear answered HTTP 503 while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "unavailable is transient: retried",
  },
  {
    service: "Linear",
    fault: "504",
    inject: { kind: "http-status", status: 504, times: FOREVER },
    code: 3,
    message: "Linear answered HTTP 504 while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "a gateway timeout is transient: retried",
  },
  {
    service: "Linear",
    fault: "no answer (hang, --timeout 0.3)",
    inject: { kind: "hang", times: FOREVER },
    flags: ["--timeout", "0.3"],
    code: 3,
    message: "Linear did not answer within 0.3 s while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "each attempt times out; timeouts are retried",
  },
  {
    service: "Linear",
    fault: "connection reset",
    inject: { kind: "reset", times: FOREVER },
    code: 3,
    message: "Linear closed the connection before the reply was complete while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "a dropped connection is transient: retried",
  },
  {
    service: "Linear",
    fault: "body cut off mid-way",
    inject: { kind: "truncated", times: FOREVER },
    code: 3,
    message: "Linear closed the connection before the reply was complete while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "a cut-off answer is a dropped connection: retried",
  },
  {
    service: "Linear",
    fault: "malformed JSON (200)",
    inject: { kind: "malformed-json", times: FOREVER },
    code: 3,
    message: "Linear sent malformed JSON while reading ENG-200 (HTTP 200, application/json)",
    attempts: ONCE,
    why: "nonsense from the service: upstream; asking again gives the same nonsense",
  },
  {
    service: "Linear",
    fault: "HTML page (200, a proxy's page)",
    inject: { kind: "html", status: 200, times: FOREVER },
    code: 3,
    message: "Linear sent an HTML page instead of JSON while reading ENG-200 (HTTP 200, text/html)",
    attempts: ONCE,
    why: "a proxy or sign-in page: upstream, not retried",
  },
  {
    service: "Linear",
    fault: "HTML error page (502)",
    inject: { kind: "html", status: 502, times: FOREVER },
    code: 3,
    message: "Linear answered HTTP 502 (an HTML error page) while reading ENG-200 (3 attempts)",
    attempts: RETRIED,
    why: "a CDN's 502 page is still a 502: retried",
  },
  {
    service: "Linear",
    fault: "GraphQL error beside partial data",
    inject: { kind: "partial-data", times: FOREVER },
    code: 3,
    message: "Linear answered BfdIssueByKeyWithTeams with an error beside the data",
    attempts: ONCE,
    why: "bfd never judges on half the evidence: upstream, not retried",
  },

  {
    service: "GitLab",
    fault: "401",
    inject: { kind: "http-status", status: 401, times: FOREVER },
    code: 2,
    message: "GitLab rejected the token in GITLAB_TOKEN (HTTP 401): it is wrong, expired or revoked",
    attempts: ONCE,
    why: "an expired or revoked token fails every run until replaced: setup, never an outage; never retried",
  },
  {
    service: "GitLab",
    fault: "403",
    inject: { kind: "http-status", status: 403, times: FOREVER },
    code: 2,
    message: "GitLab refused the token in GITLAB_TOKEN while reading merge request !400",
    attempts: ONCE,
    why: "the token lacks the role: setup; never retried",
  },
  {
    service: "GitLab",
    fault: "403 insufficient_scope",
    inject: {
      kind: "http-status",
      status: 403,
      // lib/api/api_guard.rb InsufficientScopeError, as test/fakes/gitlab.ts `insufficientScope` sends it.
      body: {
        error: "insufficient_scope",
        error_description: "The request requires higher privileges than provided by the access token.",
        scope: "api read_api",
      },
      times: FOREVER,
    },
    code: 2,
    message: "it lacks the read_api scope",
    attempts: ONCE,
    why: "an under-scoped token: setup; never retried",
  },
  {
    service: "GitLab",
    fault: "404 on the merge request",
    inject: { kind: "http-status", status: 404, times: FOREVER },
    code: 2,
    message: "GitLab merge request !400 was not found in acme/web",
    attempts: ONCE,
    why: "--mr names a merge request GitLab does not have: an input error the user fixes",
  },
  {
    service: "GitLab",
    fault: "404 Project Not Found",
    inject: { kind: "http-status", status: 404, body: { message: "404 Project Not Found" }, times: FOREVER },
    code: 2,
    message: "GitLab project acme/web was not found",
    attempts: ONCE,
    why: "the --mr URL names a project GitLab does not have (or hides): input",
  },
  {
    service: "GitLab",
    fault: "429 with Retry-After: 1",
    inject: { kind: "http-429", retryAfter: 1, times: FOREVER },
    code: 3,
    message:
      "GitLab rate limit reached while reading merge request !400 in acme/web (0 requests remaining, retry after 1 s; 3 attempts)",
    attempts: RETRIED,
    minMs: 2_000,
    why: "rate limited: retried after Retry-After, then upstream",
  },
  {
    service: "GitLab",
    fault: "429 without Retry-After",
    inject: { kind: "http-429", times: FOREVER },
    code: 3,
    message:
      "GitLab rate limit reached while reading merge request !400 in acme/web (0 requests remaining, no reset time given; 3 attempts)",
    attempts: RETRIED,
    why: "rate limited: retried with backoff, then upstream",
  },
  {
    service: "GitLab",
    fault: "500",
    inject: { kind: "http-status", status: 500, times: FOREVER },
    code: 3,
    message: "GitLab answered HTTP 500 while reading merge request !400 in acme/web",
    attempts: ONCE,
    why: "an internal error is not transient: only 502/503/504 are retried",
  },
  {
    service: "GitLab",
    fault: "502",
    inject: { kind: "http-status", status: 502, times: FOREVER },
    code: 3,
    message: "GitLab answered HTTP 502 while reading merge request !400 in acme/web (3 attempts)",
    attempts: RETRIED,
    why: "transient: retried",
  },
  {
    service: "GitLab",
    fault: "503",
    inject: { kind: "http-status", status: 503, times: FOREVER },
    code: 3,
    message: "GitLab answered HTTP 503 while reading merge request !400 in acme/web (3 attempts)",
    attempts: RETRIED,
    why: "transient: retried",
  },
  {
    service: "GitLab",
    fault: "504",
    inject: { kind: "http-status", status: 504, times: FOREVER },
    code: 3,
    message: "GitLab answered HTTP 504 while reading merge request !400 in acme/web (3 attempts)",
    attempts: RETRIED,
    why: "transient: retried",
  },
  // --timeout applies to Linear too, and Linear must stay healthy here: 1 s leaves its one request room on a busy machine.
  {
    service: "GitLab",
    fault: "no answer (hang, --timeout 1)",
    inject: { kind: "hang", times: FOREVER },
    flags: ["--timeout", "1"],
    code: 3,
    message: "GitLab did not answer within 1 s while reading merge request !400 in acme/web (3 attempts)",
    attempts: RETRIED,
    why: "each attempt times out; timeouts are retried",
  },
  {
    service: "GitLab",
    fault: "connection reset",
    inject: { kind: "reset", times: FOREVER },
    code: 3,
    message: "GitLab closed the connection before the reply was complete",
    attempts: RETRIED,
    why: "a dropped connection is transient: retried",
  },
  {
    service: "GitLab",
    fault: "body cut off mid-way",
    inject: { kind: "truncated", times: FOREVER },
    code: 3,
    message: "GitLab closed the connection before the reply was complete",
    attempts: RETRIED,
    why: "a cut-off reply is a dropped connection: retried",
  },
  {
    service: "GitLab",
    fault: "malformed JSON (200)",
    inject: { kind: "malformed-json", times: FOREVER },
    code: 3,
    message: "GitLab sent malformed JSON while reading merge request !400 in acme/web (HTTP 200, application/json)",
    attempts: ONCE,
    why: "nonsense from the service: upstream, not retried",
  },
  {
    service: "GitLab",
    fault: "HTML page (200, a proxy's page)",
    inject: { kind: "html", status: 200, times: FOREVER },
    code: 3,
    message: "GitLab sent an HTML page instead of JSON while reading merge request !400",
    attempts: ONCE,
    why: "a sign-in or proxy page: upstream, not retried",
  },
  {
    service: "GitLab",
    fault: "HTML error page (502)",
    inject: { kind: "html", status: 502, times: FOREVER },
    code: 3,
    message: "GitLab answered HTTP 502 (an HTML error page) while reading merge request !400",
    attempts: RETRIED,
    why: "a 502 page is still a 502: retried",
  },
];

/** Every run is bounded: no retry may cross 10 s, whatever the row. Rows run concurrently, so a busy machine may stretch them; the test timeouts allow for that. */
const BASE_FLAGS = ["--deadline", "10"];

interface World {
  linear: FakeLinear;
  gitlab: FakeGitLab;
  cwd: string;
  /** Both services' addresses and the tokens they accept. */
  env: Record<string, string>;
  run(args: string[]): Promise<CliResult & { ms: number }>;
  close(): Promise<void>;
}

async function startWorld(gitlabOptions: FakeGitLabOptions = {}): Promise<World> {
  const gitlab = await startFakeGitLab(WORLDS.gitlab, gitlabOptions);
  const linear = await startFakeLinear(linearWorld(gitlab.url));
  // Not a git checkout: no branch to compare the issue with, no remote to find a project from.
  const cwd = tempDir("bfd-faults-");
  const env = {
    LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
    LINEAR_API_URL: linear.url,
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: FAKE_TOKEN,
  };
  return {
    linear,
    gitlab,
    cwd,
    env,
    async run(args) {
      const started = Date.now();
      const result = await runCliInProcess(args, { cwd, env, timeoutMs: 60_000 });
      return { ...result, ms: Date.now() - started };
    },
    close: async () => {
      await Promise.all([linear.close(), gitlab.close()]);
    },
  };
}

const gateArgs = (service: "Linear" | "GitLab", gitlabUrl: string): string[] =>
  service === "Linear"
    ? ["ready", READY_KEY, "--format", "json"]
    : ["done", `ENG-${DONE_N}`, "--mr", `${gitlabUrl}/${PROJECT_PATH}/-/merge_requests/${DONE_N}`, "--format", "json"];

describe.concurrent("bfd under upstream faults (the CLI in-process, loopback fakes)", { timeout: 90_000 }, () => {
  it.for(["Linear", "GitLab"] as const)(
    "passes when %s is healthy, so a fault that slipped through would show as a pass",
    async (service, { expect }) => {
      const world = await startWorld();
      try {
        const result = await world.run([...BASE_FLAGS, ...gateArgs(service, world.gitlab.url)]);
        expect(result.stderr).toBe("");
        expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "pass" });
        expect(result.code).toBe(0);
      } finally {
        await world.close();
      }
    },
  );

  it.for(FAULTS)("$service $fault → exit $code, $attempts attempt(s) per request", async (row, { expect }) => {
    const world = await startWorld();
    try {
      if (row.service === "Linear") world.linear.injectFault(row.inject);
      else world.gitlab.injectFault(row.inject);

      const result = await world.run([...BASE_FLAGS, ...(row.flags ?? []), ...gateArgs(row.service, world.gitlab.url)]);

      const [first = "", ...rest] = result.stderr.trimEnd().split("\n");
      expect(first, row.why).toMatch(/^bfd: /);
      expect(first).toContain(row.service);
      expect(first).toContain(row.message);
      // Under the one message line only indented hint/detail lines: no stack trace, no second error.
      for (const line of rest) expect(line).toMatch(/^ {2}\S/);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(result.stderr).not.toContain("internal error");
      // No report at all, so certainly no passing one.
      expect(result.stdout).not.toMatch(/"verdict":\s*"pass"/);
      expect(result.stdout).toBe("");
      expect(result.code, row.why).toBe(row.code);

      if (row.service === "Linear") {
        expect(world.linear.requestCount(), row.why).toBe(row.attempts);
      } else {
        // Linear answered its one request; GitLab saw the MR, its first diffs page, who acted on it (label events,
        // notes, approvals) and the project's MR templates (#22: "How tested" is judged against them), all read
        // together in the MR's wave, each tried exactly as often as the policy allows, and nothing else.
        expect(world.linear.requestCount()).toBe(1);
        const mrPath = `/api/v4/projects/${encodeURIComponent(PROJECT_PATH)}/merge_requests/${DONE_N}`;
        expect(Object.fromEntries(world.gitlab.countsByUrl()), row.why).toEqual({
          [`GET ${mrPath}?`]: row.attempts,
          [`GET ${mrPath}/diffs?page=1&per_page=100`]: row.attempts,
          [`GET ${mrPath}/resource_label_events?per_page=100`]: row.attempts,
          [`GET ${mrPath}/notes?per_page=100&sort=asc&order_by=created_at`]: row.attempts,
          [`GET ${mrPath}/approvals?`]: row.attempts,
          [`GET /api/v4/projects/${encodeURIComponent(PROJECT_PATH)}/templates/merge_requests?per_page=100`]:
            row.attempts,
        });
      }
      if (row.minMs !== undefined) expect(result.ms).toBeGreaterThanOrEqual(row.minMs);
    } finally {
      await world.close();
    }
  });
});

/** What GitLab puts in the environment of a merge-request pipeline job for !400 (predefined CI/CD variables). */
function ciEnv(world: World): Record<string, string> {
  const mr = world.gitlab.world.mergeRequests.find((m) => m.iid === DONE_N)!;
  return {
    CI: "true",
    GITLAB_CI: "true",
    CI_SERVER_URL: world.gitlab.url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_PROJECT_PATH: PROJECT_PATH,
    CI_MERGE_REQUEST_IID: String(DONE_N),
    CI_MERGE_REQUEST_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: mr.sourceBranch,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
    CI_MERGE_REQUEST_TITLE: mr.title,
    CI_PIPELINE_SOURCE: "merge_request_event",
    CI_COMMIT_SHA: shaOf(DONE_N),
    GITLAB_TOKEN: FAKE_TOKEN,
    LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
    LINEAR_API_URL: world.linear.url,
  };
}

type Command = "ready" | "done" | "ci";

/**
 * One command as a user or a CI job runs it: `main()` in-process by default (the same exit code and output as the
 * built CLI, which test/e2e/built-cli.test.ts proves per command), or the built CLI in a process of its own.
 */
function runCommand(
  world: World,
  command: Command,
  env: Record<string, string> = {},
  flags: string[] = [],
  run: typeof runCliInProcess = runCliInProcess,
): Promise<CliResult> {
  const args =
    command === "ci"
      ? ["ci", "--format", "json"]
      : gateArgs(command === "ready" ? "Linear" : "GitLab", world.gitlab.url);
  const base = command === "ci" ? ciEnv(world) : world.env;
  return run([...BASE_FLAGS, ...flags, ...args], {
    cwd: world.cwd,
    env: { ...base, ...env },
    timeoutMs: 60_000,
  });
}

/** The first stderr line is the one message; only indented hint lines follow, never a stack or a token. */
function expectOneError(result: CliResult, message: string, secret?: string): void {
  const [first = "", ...rest] = result.stderr.trimEnd().split("\n");
  expect(first).toMatch(/^bfd: /);
  expect(first).toContain(message);
  for (const line of rest) expect(line).toMatch(/^ {2}\S/);
  expect(result.stdout).not.toMatch(/"verdict":\s*"pass"/);
  if (secret !== undefined) expect(result.stderr + result.stdout).not.toContain(secret);
}

const WRONG_GITLAB_TOKEN = "glpat-expired-or-revoked-0009";
const WRONG_LINEAR_KEY = "lin_api_RevokedKey0123456789abcdefghijklmn";
/** A token GitLab knows but whose scopes do not include read_api (the fake then answers insufficient_scope). */
const READ_USER_TOKEN = "glpat-read-user-only-0007";

describe.concurrent("whose move it is: the exit code per command", { timeout: 90_000 }, () => {
  // The baseline: with both services healthy each command judges (a report, exit 0 or 1, no error line), so an
  // exit 2 or 3 below comes from the fault alone. (bfd ci's pipeline is still running in this world: exit 1.)
  // These three run the built CLI, so each command family's path through the bundle stays covered here.
  it.for(["ready", "done", "ci"] as const)(
    "bfd %s (built CLI) judges when both services are healthy",
    async (command) => {
      const world = await startWorld();
      try {
        const result = await runCommand(world, command, {}, [], runCliProcess);
        expect(result.stderr).not.toMatch(/^bfd: /m);
        expect(JSON.parse(result.stdout)).toHaveProperty("verdict");
        expect(result.code).toBe(command === "ci" ? 1 : 0);
      } finally {
        await world.close();
      }
    },
  );

  const rejected: { command: Command; service: "GitLab" | "Linear"; env: Record<string, string>; secret: string }[] = [
    { command: "done", service: "GitLab", env: { GITLAB_TOKEN: WRONG_GITLAB_TOKEN }, secret: WRONG_GITLAB_TOKEN },
    { command: "ci", service: "GitLab", env: { GITLAB_TOKEN: WRONG_GITLAB_TOKEN }, secret: WRONG_GITLAB_TOKEN },
    { command: "ready", service: "Linear", env: { LINEAR_API_KEY: WRONG_LINEAR_KEY }, secret: WRONG_LINEAR_KEY },
    { command: "done", service: "Linear", env: { LINEAR_API_KEY: WRONG_LINEAR_KEY }, secret: WRONG_LINEAR_KEY },
    { command: "ci", service: "Linear", env: { LINEAR_API_KEY: WRONG_LINEAR_KEY }, secret: WRONG_LINEAR_KEY },
  ];
  it.for(rejected)(
    "bfd $command exits 2 when $service rejects the token (expired or revoked): setup, never an outage",
    async ({ command, service, env, secret }) => {
      const world = await startWorld();
      try {
        const result = await runCommand(world, command, env);
        expectOneError(
          result,
          service === "GitLab"
            ? "GitLab rejected the token in GITLAB_TOKEN (HTTP 401): it is wrong, expired or revoked"
            : "Linear rejected the API key in LINEAR_API_KEY (HTTP 401): it is wrong, expired or revoked",
          secret,
        );
        expect(result.stderr).toContain("  hint: Create a");
        expect(result.code).toBe(2);
      } finally {
        await world.close();
      }
    },
  );

  it.for(["done", "ci"] as const)(
    "bfd %s exits 2 when the GitLab token lacks the read_api scope (403 insufficient_scope)",
    async (command) => {
      const world = await startWorld({
        enforceScopes: true,
        tokens: { [READ_USER_TOKEN]: { userId: 1, kind: "personal", scopes: ["read_user"] } },
      });
      try {
        const result = await runCommand(world, command, { GITLAB_TOKEN: READ_USER_TOKEN });
        expectOneError(result, "(HTTP 403): it lacks the read_api scope", READ_USER_TOKEN);
        expect(result.code).toBe(2);
      } finally {
        await world.close();
      }
    },
  );

  it("bfd ready exits 2 when Linear refuses the key's user access (403 forbidden)", async () => {
    const world = await startWorld();
    try {
      world.linear.injectFault({ kind: "http-status", status: 403, ...LINEAR_FORBIDDEN_BODY, times: FOREVER });
      const result = await runCommand(world, "ready");
      expectOneError(result, "Linear refused access: Forbidden");
      expect(result.code).toBe(2);
    } finally {
      await world.close();
    }
  });

  it.for([
    { command: "done", service: "GitLab", fault: "503" },
    { command: "ci", service: "GitLab", fault: "503" },
    { command: "ready", service: "Linear", fault: "503" },
    { command: "ready", service: "Linear", fault: "no answer" },
    { command: "done", service: "GitLab", fault: "no answer" },
  ] as const)("bfd $command exits 3 when $service answers $fault: an outage passes by itself", async (row) => {
    const world = await startWorld();
    try {
      const hang = row.fault === "no answer";
      if (row.service === "Linear")
        world.linear.injectFault(
          hang ? { kind: "hang", times: FOREVER } : { kind: "http-status", status: 503, times: FOREVER },
        );
      else
        world.gitlab.injectFault(
          hang ? { kind: "hang", times: FOREVER } : { kind: "http-status", status: 503, times: FOREVER },
        );
      const result = await runCommand(world, row.command, {}, hang ? ["--timeout", "1"] : []);
      expectOneError(result, hang ? `${row.service} did not answer` : `${row.service} answered HTTP 503`);
      expect(result.code).toBe(3);
    } finally {
      await world.close();
    }
  });

  it("bfd ready waits out Linear's RATELIMITED (by extensions.code alone) and then passes", async () => {
    const world = await startWorld();
    try {
      world.linear.injectFault({ kind: "ratelimited", marker: "code", retryAfterSeconds: 1, times: 1 });
      const result = await runCommand(world, "ready");
      expect(result.stderr).not.toMatch(/^bfd: /m);
      expect(JSON.parse(result.stdout)).toMatchObject({ verdict: "pass" });
      expect(result.code).toBe(0);
      // One refused request, then the one that was answered (the workspace's team keys come in the same request).
      expect(world.linear.requestCount()).toBe(2);
    } finally {
      await world.close();
    }
  });

  it.for(["done", "ci"] as const)(
    "bfd %s on a GitLab older than 15.7 says the /diffs endpoint is missing (exit 2), not that the token is wrong",
    async (command) => {
      const world = await startWorld({ version: "15.6" });
      try {
        const result = await runCommand(world, command);
        expectOneError(
          result,
          `This GitLab has no /diffs endpoint (added in 15.7): bfd needs GitLab ≥ ${MINIMUM_GITLAB_VERSION}`,
        );
        expect(result.stderr).not.toContain("GITLAB_TOKEN");
        expect(result.code).toBe(2);
      } finally {
        await world.close();
      }
    },
  );
});
