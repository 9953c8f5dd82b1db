/**
 * A check kind that needs evidence beyond the base WorkItem declares it, and nothing else changes: this fixture kind
 * (not in the registry) reads the docs a merge request changes. Its rule's plan asks for those files, the one
 * gatherer fetches exactly them from GitLab, and the engine evaluates it — no command, no engine code names it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineCheck, fail, pass, type CheckKind } from "../../src/checks/types.js";
import { markdownSection } from "../../src/checks/markdown-section.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { evidencePlan } from "../../src/engine/plan.js";
import type { LoadedRule } from "../../src/rules/schema.js";
import { mergeRequestEvidence } from "../../src/sources/gather.js";
import { createGitLabSource } from "../../src/sources/gitlab/index.js";
import { makeWorkItem } from "../../src/work-item/schema.js";
import {
  FAKE_TOKEN,
  fakeApproval,
  fakeDiff,
  fakeLabelEvent,
  fakeMergeRequest,
  fakeProject,
  fakeUser,
  fakeWorld,
  startFakeGitLab,
  type FakeGitLab,
  type FakeRequest,
} from "../fakes/gitlab.js";

const SHA = "e".repeat(40);
const HOW_TESTED_TEMPLATE = "## How tested\n\nUnit tests: ran the suite on CI and saw it green\n";
const Options = z.object({ docs: z.array(z.string()).default(["docs/**/*.md"]), word: z.string() }).strict();

const docsMention = defineCheck({
  id: "docs-mention",
  description: "Every doc the MR changes mentions a word.",
  options: Options,
  hint: "Mention it.",
  needs: (o) => [{ files: o.docs }],
  run: (item, o) => {
    const docs = item.mergeRequest!.files;
    const silent = docs.filter((f) => !f.content.includes(o.word)).map((f) => f.path);
    return silent.length === 0
      ? pass(`${docs.length} doc(s) mention ${o.word}`)
      : fail(`${silent.join(", ")} never mention ${o.word}`);
  },
}) as unknown as CheckKind;

const rule: LoadedRule = {
  gate: "done",
  id: "docs-mention-audit",
  title: "Docs mention the audit log",
  kind: docsMention,
  options: Options.parse({ word: "audit log" }),
  severity: "error",
  when: undefined,
  hint: "Mention it.",
  waivable: false,
  waiverLabels: [],
  process: undefined,
  handoff: undefined,
  location: { file: "fixture.yaml", line: 1, column: 1 },
};

const inFlightTogether = (requests: FakeRequest[]): boolean =>
  requests.length > 1 &&
  requests.every((a) => requests.every((b) => a.startedAt < (b.finishedAt ?? Number.POSITIVE_INFINITY)));

let gitlab: FakeGitLab;
beforeAll(async () => {
  gitlab = await startFakeGitLab(
    fakeWorld({
      projects: [
        fakeProject("acme/web", {
          files: { [SHA]: { "docs/audit.md": "The audit log lists sign-ins.\n", "docs/other.md": "Unrelated.\n" } },
        }),
        fakeProject("acme/templated", {
          files: {
            main: {
              ".gitlab/merge_request_templates/Default.md": HOW_TESTED_TEMPLATE,
              ".gitlab/merge_request_templates/Bug.md": "## Root cause\n\n## How tested\n\n- [ ] Regression test\n",
              ".gitlab/merge_request_templates/notes.txt": "not a template",
            },
          },
        }),
      ],
      mergeRequests: [
        fakeMergeRequest("acme/templated", 8, { description: HOW_TESTED_TEMPLATE }),
        fakeMergeRequest("acme/web", 7, {
          sha: SHA,
          diffs: [fakeDiff("src/a.ts"), fakeDiff("docs/audit.md"), fakeDiff("docs/other.md"), fakeDiff("README.txt")],
        }),
      ],
      users: [
        fakeUser(1, "bfd-bot", "bfd bot"),
        fakeUser(2, "dev", "Dev Author"),
        fakeUser(3, "rita", "Rita Reviewer"),
      ],
      labelEvents: [fakeLabelEvent("acme/web", 7, { label: "no-docs", createdAt: "2026-11-22T10:00:00Z", userId: 3 })],
      approvals: [fakeApproval("acme/web", 7, 3, null)],
    }),
  );
});
afterAll(() => gitlab.close());

describe("a check kind that declares new evidence", () => {
  it("gets exactly the files it asked for, through the plan and the one gatherer", async () => {
    const plan = evidencePlan([rule], "done");
    expect(plan).toMatchObject({ mergeRequest: true, changes: true, fileGlobs: ["docs/**/*.md"] });
    const source = createGitLabSource({ host: gitlab.url, token: FAKE_TOKEN });
    const { mergeRequest } = await mergeRequestEvidence(source, { project: "acme/web", iid: 7 }, { plan });
    expect(mergeRequest.files.map((f) => f.path)).toEqual(["docs/audit.md", "docs/other.md"]);
    expect(gitlab.requests.filter((r) => r.path.includes("/repository/files/")).length).toBe(2);

    const report = evaluate([rule], makeWorkItem({ now: new Date(0).toISOString(), mergeRequest }), { gate: "done" });
    expect(report.results[0]).toMatchObject({ status: "fail", message: "docs/other.md never mention audit log" });
  });
});

describe("who acted on the merge request, for its waivers (#23)", () => {
  const waivable: LoadedRule = { ...rule, id: "docs-mention-waivable", waivable: true, waiverLabels: ["no-docs"] };

  it("is read only when a rule in force may be waived", () => {
    expect(evidencePlan([rule], "done").activity).toBe(false);
    expect(evidencePlan([waivable], "done").activity).toBe(true);
    expect(evidencePlan([{ ...waivable, gate: "ready" }, rule], "done").activity).toBe(false);
  });

  it("joins the MR's wave: label events, notes and approvals are in flight with the MR, each read once", async () => {
    gitlab.reset();
    gitlab.setLatency(100);
    try {
      const source = createGitLabSource({ host: gitlab.url, token: FAKE_TOKEN });
      const { mergeRequest } = await mergeRequestEvidence(
        source,
        { project: "acme/web", iid: 7 },
        { plan: evidencePlan([waivable], "done") },
      );
      const base = "/api/v4/projects/acme%2Fweb/merge_requests/7";
      const wave = ["", "/resource_label_events", "/notes", "/approvals"].map((tail) =>
        gitlab.requests.filter((r) => r.path === `${base}${tail}`),
      );
      expect(wave.map((requests) => requests.length)).toEqual([1, 1, 1, 1]);
      expect(inFlightTogether(wave.flat())).toBe(true);
      expect(mergeRequest.activity).toEqual({
        labelEvents: [
          {
            label: "no-docs",
            action: "add",
            at: "2026-11-22T10:00:00Z",
            by: { username: "rita", name: "Rita Reviewer" },
          },
        ],
        notes: [],
        approvals: [{ by: { username: "rita", name: "Rita Reviewer" }, at: null }],
      });
    } finally {
      gitlab.setLatency(0);
    }
  });
});

describe("the project's merge request templates, for rules reading the MR description (#22)", () => {
  const howTested: LoadedRule = {
    ...rule,
    id: "how-tested",
    kind: markdownSection as unknown as CheckKind,
    options: markdownSection.options.parse({
      source: "mergeRequest.description",
      headings: ["How tested"],
      minChars: 10,
    }),
  };
  const gather = (project: string, iid: number) =>
    mergeRequestEvidence(
      createGitLabSource({ host: gitlab.url, token: FAKE_TOKEN }),
      { project, iid },
      { plan: evidencePlan([howTested], "done") },
    );
  const judge = (evidence: Awaited<ReturnType<typeof gather>>) =>
    evaluate([howTested], makeWorkItem({ now: new Date(0).toISOString(), ...evidence }), { gate: "done" }).results[0];

  it("reads them beside the MR (one wave), and text a template holds is no evidence", async () => {
    gitlab.reset();
    gitlab.setLatency(100);
    try {
      const evidence = await gather("acme/templated", 8);
      expect(evidence.mergeRequest.templates.map((t) => t.name)).toEqual(["Bug", "Default"]);
      expect(evidence.mergeRequest.templates[1]!.content).toBe(HOW_TESTED_TEMPLATE);
      const mr = gitlab.requests.filter((r) => r.path === "/api/v4/projects/acme%2Ftemplated/merge_requests/8");
      const list = gitlab.requests.filter(
        (r) => r.path === "/api/v4/projects/acme%2Ftemplated/templates/merge_requests",
      );
      expect([mr.length, list.length]).toEqual([1, 1]);
      expect(inFlightTogether([...mr, ...list])).toBe(true);
      expect(judge(evidence)).toMatchObject({ status: "fail" });
    } finally {
      gitlab.setLatency(0);
    }
  });

  it("takes a project without a templates folder as having none: one request, no error", async () => {
    gitlab.reset();
    const evidence = await gather("acme/web", 7);
    expect(evidence.mergeRequest.templates).toEqual([]);
    expect(evidence.unavailable).toEqual([]);
    expect(gitlab.requests.map((r) => r.path).filter((path) => path.includes("/templates"))).toEqual([
      "/api/v4/projects/acme%2Fweb/templates/merge_requests",
    ]);
  });

  it("takes a 404 (an instance without the endpoint) as no templates, never an error", async () => {
    gitlab.reset();
    gitlab.injectFault({ kind: "http-status", status: 404, body: { error: "404 Not Found" }, match: "/templates" });
    const evidence = await gather("acme/templated", 8);
    expect(evidence.mergeRequest.templates).toEqual([]);
    expect(evidence.unavailable).toEqual([]);
  });

  it("reports a refused read (403) as evidence it could not read: the rule is an error, never a pass", async () => {
    gitlab.reset();
    gitlab.injectFault({ kind: "http-status", status: 403, match: "/templates" });
    const evidence = await gather("acme/templated", 8);
    expect(evidence.unavailable).toEqual([
      { evidence: "mergeRequest.templates", reason: expect.stringContaining("merge request templates") as string },
    ]);
    expect(judge(evidence)).toMatchObject({ status: "error" });
  });
});
