/**
 * What `bfd serve` publishes is as safe as what the CLI prints (#14, #11 "never a leaked token"): a secret pasted into
 * an issue title, an MR description or an upstream error message never reaches the MR note, the Linear comment, the
 * commit status, the status-check answer, /board or a log line; and a body over its service's limit is published cut,
 * with the CLI's notice — escaped, then redacted, then cut, so no cut splits a token the redactor must see whole.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { STICKY_MARKER } from "../../src/ci/sticky-note.js";
import { createRedactor } from "../../src/redact.js";
import { GITLAB_NOTE_MAX_CHARS, LINEAR_COMMENT_MAX_CHARS } from "../../src/reporters/bodies.js";
import { LINEAR_MARKER } from "../../src/serve/publish-linear-comment.js";
import { mergeRequestNoteText, readyCommentText, type Verdict } from "../../src/serve/verdict.js";
import { FAKE_TOKEN } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY } from "../fakes/linear.js";
import { HOW_TESTED, PROJECT_PATH, shaOf, type DeliveryCase } from "../helpers/delivery-world.js";
import {
  GITLAB_TOKEN_SECRET,
  LINEAR_SECRET,
  STATUS_CHECK_SECRET,
  linearIssueEvent,
  mergeRequestEvent,
  postGitLab,
  postLinear,
  settled,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

/** Token-shaped, and configured nowhere: only the redactor's patterns can catch them. */
const STRAY_GITLAB_TOKEN = "glpat-PlantedInTitle0042xyz";
const STRAY_LINEAR_KEY = "lin_api_PlantedInTitle0042xyz";
/** Every secret the test service holds (the API keys its sources use, its webhook secrets), and the stray tokens. */
const SECRETS = [
  FAKE_TOKEN,
  FAKE_LINEAR_API_KEY,
  LINEAR_SECRET,
  GITLAB_TOKEN_SECRET,
  STATUS_CHECK_SECRET,
  STRAY_GITLAB_TOKEN,
  STRAY_LINEAR_KEY,
];
const PLANTED = SECRETS.join(" ");
/** Leading words keep the secrets out of the first 40 characters Linear's fake turns into the issue URL's slug. */
const TITLE = `Rotate the credentials someone pasted here ${PLANTED}`;

/**
 * The secrets found in `text` in any form an escaper may have written (Markdown backslashes, JSON escapes, HTML
 * entities, a neutralised mention), whole or by their last twelve characters (what a cut secret would leave).
 */
function leaked(text: string): string[] {
  const plain = text
    .replace(/\\/g, "")
    .replace(/\u200b/g, "")
    .replace(/&(?:amp|#38);/g, "&");
  return SECRETS.filter((secret) => plain.includes(secret) || plain.includes(secret.slice(-12)));
}

const CASES: DeliveryCase[] = [
  // A Done MR: the title (issue and MR) and the MR description carry every secret.
  { n: 610, title: TITLE, mr: { description: `Closes ENG-610\n\n${HOW_TESTED}\nDebug with ${PLANTED}\n` } },
  // A Ready issue with the secrets in its title.
  { n: 611, title: TITLE, issue: { stateName: "Todo", stateType: "unstarted" }, mr: null },
  // An MR whose evaluation fails upstream, GitLab's error quoting the secrets.
  { n: 612 },
  // A Ready issue whose report is longer than a Linear comment may be.
  { n: 613, issue: { stateName: "Todo", stateType: "unstarted", title: "t".repeat(LINEAR_COMMENT_MAX_CHARS + 100) } },
  // An MR whose issue title alone makes the report longer than a GitLab note may be.
  { n: 614, issue: { title: "n".repeat(GITLAB_NOTE_MAX_CHARS + 100) } },
];

let world: World;
let serve: TestService;

beforeAll(async () => {
  world = await startWorld(CASES);
});
afterAll(async () => {
  await world.close();
});
beforeEach(() => {
  world.gitlab.reset();
  world.linear.reset();
  world.linear.world.comments.splice(0);
});

const issueId = (key: string): string => world.linear.world.issues.find((i) => i.identifier === key)!.id;
const notesOf = (iid: number): string[] =>
  world.gitlab.world.notes.filter((n) => n.mergeRequestIid === iid).map((n) => n.body);
const commentsOf = (key: string): string[] =>
  world.linear.world.comments.filter((c) => c.issueId === issueId(key)).map((c) => c.body);
const descriptionsOf = (n: number): string[] =>
  world.gitlab.world.commitStatuses.filter((s) => s.sha === shaOf(n)).map((s) => s.description ?? "");

describe("bfd serve publishes no secret", () => {
  beforeEach(async () => {
    serve = await startTestService(world, { config: { board: true, outputs: { statusCheck: true } } });
    return () => serve.stop();
  });

  it("a token in an issue title or an MR description reaches no note, comment, status, status check, /board or log", async () => {
    world.gitlab.world.statusChecks.push({ id: 77, project: PROJECT_PATH, name: "bfd", responses: [] });
    // GitLab asks about its status check (signed), which also queues MR 610's Done gate.
    const ask = JSON.stringify({
      ...mergeRequestEvent(610),
      external_approval_rule: { id: 77, name: "bfd", external_url: "x" },
    });
    const asked = await postGitLab(serve.url, "Merge Request Hook", null, {
      body: ask,
      token: null,
      path: "/status-checks/gitlab",
      headers: { "x-gitlab-signature": createHmac("sha256", STATUS_CHECK_SECRET).update(ask).digest("hex") },
    });
    expect(asked.status).toBe(202);
    expect((await postLinear(serve.url, linearIssueEvent(issueId("ENG-611")))).status).toBe(202);
    // A caller sending the secrets in its user agent and its path: the request's log line must not repeat them.
    const probe = await fetch(`${serve.url}/webhooks/${LINEAR_SECRET}/${STRAY_GITLAB_TOKEN}`, {
      headers: { "user-agent": `probe ${GITLAB_TOKEN_SECRET} ${FAKE_LINEAR_API_KEY}` },
    });
    expect(probe.status).toBe(404);
    await settled(serve.service);

    const note = notesOf(610);
    const comment = commentsOf("ENG-611");
    const descriptions = descriptionsOf(610);
    const answers = world.gitlab.world.statusChecks[0]!.responses;
    const board = await (await fetch(`${serve.url}/board`)).text();
    const logs = serve.logs.join("");
    expect(note).toHaveLength(1);
    expect(comment).toHaveLength(1);
    expect(descriptions.length).toBeGreaterThan(0);
    // The planted title is in each text (so redaction, not absence, is what keeps the secrets out).
    expect(note[0]).toContain("REDACTED");
    expect(comment[0]).toContain("REDACTED");
    expect(board).toContain("REDACTED");
    expect(logs).toContain("REDACTED");
    expect(note[0]).toContain("Rotate the credentials someone pasted here");
    expect(board).toContain("Rotate the credentials someone pasted here");
    expect(leaked(note.join("\n"))).toEqual([]);
    expect(leaked(comment.join("\n"))).toEqual([]);
    expect(leaked(descriptions.join("\n"))).toEqual([]);
    expect(leaked(board)).toEqual([]);
    expect(leaked(logs)).toEqual([]);
    // The status-check answer carries no text at all: the MR, the head commit and passed/failed.
    expect(answers).toEqual([
      { mergeRequestIid: 610, sha: shaOf(610), status: expect.stringMatching(/^(passed|failed)$/) },
    ]);
  });

  it("an upstream error quoting secrets is published redacted: the status description, the note and the log", async () => {
    world.gitlab.injectFault({
      kind: "http-status",
      status: 422,
      body: { message: `${LINEAR_SECRET} ${STRAY_GITLAB_TOKEN} ${STRAY_LINEAR_KEY} ${GITLAB_TOKEN_SECRET}` },
      match: "/repository/files/",
      times: Infinity,
    });
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(612));
    await settled(serve.service);

    const descriptions = descriptionsOf(612);
    expect(descriptions.length).toBeGreaterThan(0);
    // GitLab's own message is in the description (within its 255 characters), with every secret in it redacted.
    expect(descriptions[0]).toMatch(/^\[bfd serve\] Done not judged: GitLab answered HTTP 422 .*\[REDACTED\]/);
    expect(descriptions[0]!.length).toBeLessThanOrEqual(255);
    expect(leaked(descriptions.join("\n"))).toEqual([]);
    expect(notesOf(612).join("\n")).toContain("not judged");
    expect(leaked(notesOf(612).join("\n"))).toEqual([]);
    expect(leaked(serve.logs.join(""))).toEqual([]);
  });
});

describe("bfd serve cuts a body to its service's limit, with the CLI's notice", () => {
  beforeEach(async () => {
    serve = await startTestService(world);
    return () => serve.stop();
  });

  it("a Ready comment longer than a Linear comment may be is cut at LINEAR_COMMENT_MAX_CHARS", async () => {
    await postLinear(serve.url, linearIssueEvent(issueId("ENG-613")));
    await settled(serve.service);
    const [comment] = commentsOf("ENG-613");
    expect(comment).toBeDefined();
    expect(comment!.length).toBeLessThanOrEqual(LINEAR_COMMENT_MAX_CHARS);
    expect(comment!.startsWith(`${LINEAR_MARKER}\n**Not ready to pick up yet.**`)).toBe(true);
    expect(
      comment!.endsWith("\n> **Note:** this report was cut to fit a comment; `bfd ready ENG-613` prints it whole.\n"),
    ).toBe(true);
  });

  it("an MR note longer than GitLab's 1,000,000 characters is cut, ending with the notice and the footer", async () => {
    await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(614));
    await settled(serve.service, 60_000);
    const [note] = notesOf(614);
    expect(note).toBeDefined();
    expect(note!.length).toBeLessThanOrEqual(GITLAB_NOTE_MAX_CHARS);
    expect(note!.length).toBeGreaterThan(GITLAB_NOTE_MAX_CHARS - 1000);
    expect(note!.startsWith(`${STICKY_MARKER}\n### bfd done`)).toBe(true);
    expect(note!).toContain(
      `> **Note:** this report was cut to fit GitLab's limit for a note; \`bfd done --mr 614\` in a checkout of ${PROJECT_PATH} prints it whole.`,
    );
    expect(note!.endsWith("\n<sub>Kept current by bfd serve: it re-checks on every change.</sub>\n")).toBe(true);
  }, 60_000);
});

describe("bfd serve's bodies redact before they cut", () => {
  const verdict = (markdown: string): Verdict => ({ outcome: "fail", summary: "", markdown, rerun: "bfd ready ENG-1" });

  /** Where the cut falls in a body's one over-long line (its "…"), counted from the line's start: found from filler. */
  function cutAt(build: (markdown: string) => string, size: number): number {
    const probe = build("x".repeat(size));
    return probe.indexOf("…") - probe.indexOf("x");
  }

  it.each([
    [
      "the MR note",
      (md: string) => mergeRequestNoteText(md, { project: PROJECT_PATH, iid: 1 }, createRedactor([])),
      GITLAB_NOTE_MAX_CHARS,
    ],
    ["the Ready comment", (md: string) => readyCommentText(verdict(md), createRedactor([])), LINEAR_COMMENT_MAX_CHARS],
  ])("%s: a token the cut falls inside is redacted whole, never left half", (_what, build, max) => {
    // The token starts nine characters before the cut: `glpat-` and three of its secret characters on this side.
    const start = cutAt(build, max + 100) - 9;
    const body = build(`${"x".repeat(start)}${STRAY_GITLAB_TOKEN} ${"x".repeat(max)}`);
    expect(body.length).toBeLessThanOrEqual(max);
    expect(body).toContain("glpat-[RE…");
    expect(body).not.toMatch(/glpat-(?!\[)/);
    expect(leaked(body)).toEqual([]);
  });
});
