/**
 * Secrets never reach the terminal: tokens planted in GITLAB_URL, LINEAR_API_URL, the API key and the token
 * themselves, and in error bodies that echo them back, are absent from stdout and stderr — with and without
 * `--debug`, whose request trail prints every URL. The planted values are not token-shaped (no glpat-/lin_api_
 * prefix) unless a row says so, so only bfd's knowledge of the actual secret can hide them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { startFakeGitLab, type FakeFault, type FakeGitLab } from "../fakes/gitlab.js";
import { startFakeLinear, type FakeLinear, type LinearFault } from "../fakes/linear.js";
import { runCliInProcess, tempDir, type CliResult } from "../helpers/cli.js";
import { deliveryWorlds, PROJECT_ID, PROJECT_PATH } from "../helpers/delivery-world.js";

const GITLAB_TOKEN = "gl-Secret-Token-7f3a9c";
const LINEAR_KEY = "lin-Secret-Key-2b8c4d";
const URL_PASSWORD = "Url-Password-91ce0b";
const URL_QUERY_TOKEN = "Url-Query-Token-5e7a1f";
const GLPAT_IN_URL = "glpat-Planted0123456789abcd";
const SECRETS = [GITLAB_TOKEN, LINEAR_KEY, URL_PASSWORD, URL_QUERY_TOKEN, GLPAT_IN_URL];

const N = 400;
const WORLDS = deliveryWorlds([{ n: N }]);
const FOREVER = Number.POSITIVE_INFINITY;

interface Fakes {
  gitlab: FakeGitLab;
  linear: FakeLinear;
}

interface Planting {
  /** Where the secret is planted, for the test name. */
  where: string;
  env?: (fakes: Fakes) => Record<string, string>;
  args?: (fakes: Fakes) => string[];
  gitlabFault?: FakeFault;
  linearFault?: LinearFault;
  code: number;
  /** The run's own words must show that something was hidden (with "debug": only the request trail shows it). */
  expectRedactedMarker: boolean | "debug";
}

const withUserInfo = (url: string, userInfo: string): string => url.replace("http://", `http://${userInfo}@`);

const PLANTINGS: Planting[] = [
  {
    where: "GITLAB_URL user-info (user:password)",
    env: ({ gitlab }) => ({ GITLAB_URL: withUserInfo(gitlab.url, `bfd:${URL_PASSWORD}`) }),
    code: 0,
    expectRedactedMarker: false,
  },
  {
    where: "GITLAB_URL user-info (a glpat token as user)",
    env: ({ gitlab }) => ({ GITLAB_URL: withUserInfo(gitlab.url, GLPAT_IN_URL) }),
    code: 0,
    expectRedactedMarker: false,
  },
  {
    where: "GITLAB_URL query (?private_token=)",
    env: ({ gitlab }) => ({ GITLAB_URL: `${gitlab.url}/?private_token=${URL_QUERY_TOKEN}` }),
    code: 0,
    expectRedactedMarker: false,
  },
  {
    where: "--mr URL user-info",
    args: ({ gitlab }) => [
      "--mr",
      withUserInfo(`${gitlab.url}/${PROJECT_PATH}/-/merge_requests/${N}`, `bfd:${URL_PASSWORD}`),
    ],
    code: 0,
    expectRedactedMarker: false,
  },
  {
    where: "a GitLab 400 whose JSON body echoes GITLAB_TOKEN",
    gitlabFault: {
      kind: "http-status",
      status: 400,
      body: { message: `PRIVATE-TOKEN ${GITLAB_TOKEN} is malformed` },
      times: FOREVER,
    },
    code: 3,
    expectRedactedMarker: true,
  },
  {
    where: "a GitLab 500 whose text body echoes GITLAB_TOKEN",
    gitlabFault: { kind: "http-status", status: 500, body: `upstream rejected token=${GITLAB_TOKEN}`, times: FOREVER },
    code: 3,
    expectRedactedMarker: false,
  },
  {
    where: "GITLAB_TOKEN with surrounding whitespace, echoed back",
    env: () => ({ GITLAB_TOKEN: `  ${GITLAB_TOKEN}\n` }),
    gitlabFault: { kind: "http-status", status: 422, body: { error: `token ${GITLAB_TOKEN} refused` }, times: FOREVER },
    code: 3,
    expectRedactedMarker: true,
  },
  {
    where: "LINEAR_API_KEY, echoed in a GraphQL error",
    linearFault: {
      kind: "http-status",
      status: 400,
      contentType: "application/json",
      body: JSON.stringify({
        errors: [
          {
            message: `Malformed API key ${LINEAR_KEY}`,
            extensions: { type: "invalid input", code: "INPUT_ERROR", userError: true },
          },
        ],
      }),
      times: FOREVER,
    },
    code: 3,
    expectRedactedMarker: true,
  },
  {
    where: "LINEAR_API_KEY, echoed in a 403 forbidden error",
    linearFault: {
      kind: "http-status",
      status: 403,
      contentType: "application/json",
      body: JSON.stringify({
        errors: [{ message: `Key ${LINEAR_KEY} may not read this team`, extensions: { type: "forbidden" } }],
      }),
      times: FOREVER,
    },
    code: 2,
    expectRedactedMarker: true,
  },
  {
    where: "LINEAR_API_KEY rejected by Linear (401)",
    linearFault: { kind: "http-status", status: 401, body: `Unknown key ${LINEAR_KEY}`, times: FOREVER },
    code: 2,
    expectRedactedMarker: false,
  },
  {
    where: "LINEAR_API_URL query (?api_key=)",
    env: ({ linear }) => ({ LINEAR_API_URL: `${linear.url}?api_key=${URL_QUERY_TOKEN}` }),
    code: 0,
    expectRedactedMarker: "debug",
  },
  {
    where: "LINEAR_API_URL user-info (user:password)",
    // Dropped before use (the key goes in a header), so the run works and only --debug shows where it was cut.
    env: ({ linear }) => ({ LINEAR_API_URL: withUserInfo(linear.url, `bfd:${URL_PASSWORD}`) }),
    code: 0,
    expectRedactedMarker: false,
  },
];

const ROWS = PLANTINGS.flatMap((planting) => [false, true].map((debug) => ({ ...planting, debug })));

async function runPlanted(row: Planting & { debug: boolean }): Promise<CliResult> {
  const gitlab = await startFakeGitLab(WORLDS.gitlab, { tokens: { [GITLAB_TOKEN]: { userId: 1, kind: "personal" } } });
  const linear = await startFakeLinear(WORLDS.linear(gitlab.url), { apiKey: LINEAR_KEY });
  try {
    if (row.gitlabFault !== undefined) gitlab.injectFault(row.gitlabFault);
    if (row.linearFault !== undefined) linear.injectFault(row.linearFault);
    const fakes = { gitlab, linear };
    const args = row.args?.(fakes) ?? ["--mr", `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/${N}`];
    const env = {
      LINEAR_API_KEY: LINEAR_KEY,
      LINEAR_API_URL: linear.url,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN,
      ...row.env?.(fakes),
    };
    return await runCliInProcess([...(row.debug ? ["--debug"] : []), "--deadline", "10", "done", `ENG-${N}`, ...args], {
      cwd: tempDir("bfd-redaction-"),
      env,
      timeoutMs: 60_000,
    });
  } finally {
    await Promise.all([gitlab.close(), linear.close()]);
  }
}

describe.concurrent(
  "secrets never reach stdout or stderr (the CLI in-process, loopback fakes)",
  { timeout: 90_000 },
  () => {
    it.for(ROWS)("hides a secret planted in $where (debug: $debug)", async (row, { expect }) => {
      const { code, stdout, stderr } = await runPlanted(row);
      for (const secret of SECRETS) {
        expect(stdout, `stdout shows ${secret}`).not.toContain(secret);
        expect(stderr, `stderr shows ${secret}`).not.toContain(secret);
      }
      // Nothing half-hidden either: no user-info left in any URL bfd prints.
      expect(`${stdout}\n${stderr}`).not.toMatch(/:\/\/(?!\[REDACTED\]@)[^\s/@]+@/);
      if (row.expectRedactedMarker === true || (row.expectRedactedMarker === "debug" && row.debug))
        expect(stderr).toContain("[REDACTED]");
      if (row.debug) expect(stderr).toMatch(/^debug: (Linear|GitLab) /m);
      expect(code, stderr).toBe(row.code);
    });
  },
);

/**
 * The same secrets, now inside the evidence itself (an MR and issue title that quote them, with and without a
 * token's shape), must not reach anything bfd writes beyond the terminal either: `--output` and `--report` files,
 * the MR note and the Linear comment. Markdown escaping turns `lin_api_` into `lin\_api\_` before redaction
 * sees it; the redactor must still find it.
 */
describe("secrets never reach files, reports, the MR note or the Linear comment", { timeout: 90_000 }, () => {
  const SHAPED_LINEAR = "lin_api_Planted0123456789Key";
  const SHAPED_GITLAB = "glpat-Planted_0123_456789";
  const TITLE = `Rotate ${GITLAB_TOKEN}, ${LINEAR_KEY}, ${SHAPED_LINEAR} and ${SHAPED_GITLAB}`;
  const M = 450;
  const FORBIDDEN = [GITLAB_TOKEN, LINEAR_KEY, "Planted0123456789Key", "Planted_0123", "Planted\\_0123"];

  async function withFakes<T>(run: (fakes: Fakes) => Promise<T>): Promise<T> {
    // In the title (headings, JSON) and as an unticked criterion (messages and hints of every format).
    const description = `Admins see every sign-in.\n\n## Acceptance criteria\n\n- [x] Each sign-in writes a row\n- [ ] ${TITLE}\n`;
    const worlds = deliveryWorlds([{ n: M, title: TITLE, issue: { description } }]);
    const gitlab = await startFakeGitLab(worlds.gitlab, {
      tokens: { [GITLAB_TOKEN]: { userId: 1, kind: "personal" } },
    });
    const linear = await startFakeLinear(worlds.linear(gitlab.url), { apiKey: LINEAR_KEY });
    try {
      return await run({ gitlab, linear });
    } finally {
      await Promise.all([gitlab.close(), linear.close()]);
    }
  }

  it("in bfd ci: every --report file, the -o file and the MR note", async ({ expect }) => {
    await withFakes(async ({ gitlab, linear }) => {
      const dir = tempDir("bfd-redaction-ci-");
      const files = ["junit.xml", "cq.json", "report.md", "report.json", "out.txt"].map((f) => join(dir, f));
      const mr = gitlab.world.mergeRequests.find((m) => m.iid === M)!;
      const run = await runCliInProcess(
        [
          "ci",
          "--comment",
          ...["junit", "codequality", "markdown", "json"].map((format, i) => `--report=${format}=${files[i]!}`),
          "-o",
          files[4]!,
        ],
        {
          cwd: dir,
          timeoutMs: 60_000,
          env: {
            GITLAB_CI: "true",
            CI_SERVER_URL: gitlab.url,
            CI_PROJECT_ID: String(PROJECT_ID),
            CI_PROJECT_PATH: PROJECT_PATH,
            CI_MERGE_REQUEST_IID: String(M),
            CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: mr.sourceBranch,
            CI_MERGE_REQUEST_TARGET_BRANCH_NAME: mr.targetBranch,
            CI_MERGE_REQUEST_TITLE: mr.title,
            CI_PIPELINE_SOURCE: "merge_request_event",
            GITLAB_TOKEN,
            LINEAR_API_KEY: LINEAR_KEY,
            LINEAR_API_URL: linear.url,
          },
        },
      );
      expect(run.stderr).toContain("the bfd note");
      const written = [
        ...files.map((f) => readFileSync(f, "utf8")),
        gitlab.world.notes.at(-1)!.body,
        run.stdout,
        run.stderr,
      ];
      // The planted text reached every file and the note, redacted.
      for (const text of written.slice(0, 6)) expect(text).toContain("Rotate");
      for (const text of written) for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
    });
  });

  it("in bfd handoff --post: the Linear comment and the -o file", async ({ expect }) => {
    await withFakes(async ({ gitlab, linear }) => {
      const dir = tempDir("bfd-redaction-handoff-");
      const out = join(dir, "handoff.json");
      const run = await runCliInProcess(
        [
          "handoff",
          `ENG-${M}`,
          "--mr",
          `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/${M}`,
          "--state",
          "in-review",
          "--post",
          "--format",
          "json",
          "-o",
          out,
        ],
        {
          cwd: dir,
          timeoutMs: 60_000,
          env: { GITLAB_URL: gitlab.url, GITLAB_TOKEN, LINEAR_API_KEY: LINEAR_KEY, LINEAR_API_URL: linear.url },
        },
      );
      expect(run.code, run.stderr).toBe(0);
      const comment = linear.world.comments.at(-1)!.body;
      for (const text of [comment, readFileSync(out, "utf8")]) {
        expect(text).toContain("Rotate");
        for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
      }
    });
  });
});
