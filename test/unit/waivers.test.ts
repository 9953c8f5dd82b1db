import { describe, expect, it } from "vitest";
import { defineCheck, fail, type CheckKind } from "../../src/checks/types.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { findWaiverLines } from "../../src/engine/waivers.js";
import { waiverText } from "../../src/report/waiver-text.js";
import type { LoadedRule, WaiverPolicy } from "../../src/rules/schema.js";
import type { MergeRequestActivity } from "../../src/work-item/schema.js";
import { z } from "zod";
import { md, withMr, type MergeRequestPatch } from "../helpers/work-item.js";

const inMr = (...lines: string[]) =>
  findWaiverLines(withMr({ description: md(...lines) })).map(({ ruleId, reason, source }) => ({
    ruleId,
    reason,
    source,
  }));

describe("findWaiverLines", () => {
  it.each<[string, string[], { ruleId: string; reason: string }[]]>([
    [
      "a line of its own",
      ["bfd-waive: release-notes-updated ships dark"],
      [{ ruleId: "release-notes-updated", reason: "ships dark" }],
    ],
    [
      "a list item",
      ["- bfd-waive: user-docs-updated internal tool"],
      [{ ruleId: "user-docs-updated", reason: "internal tool" }],
    ],
    [
      "a ticked task item",
      ["- [x] bfd-waive: user-docs-updated internal tool"],
      [{ ruleId: "user-docs-updated", reason: "internal tool" }],
    ],
    [
      "bold and a link in it",
      ["**bfd-waive:** release-notes-updated see [ENG-9](https://x.example)"],
      [{ ruleId: "release-notes-updated", reason: "see ENG-9" }],
    ],
    [
      "a line inside a paragraph",
      ["Notes:", "bfd-waive: Release-Notes-Updated dark launch"],
      [{ ruleId: "release-notes-updated", reason: "dark launch" }],
    ],
    [
      "fullwidth letters and a non-breaking hyphen in the rule id",
      ["bfd-waive: ｒｅｌｅａｓｅ\u2011notes-updated dark launch"],
      [{ ruleId: "release-notes-updated", reason: "dark launch" }],
    ],
  ])("reads a waiver a reader sees: %s", (_name, lines, waivers) => {
    expect(inMr(...lines).map(({ ruleId, reason }) => ({ ruleId, reason }))).toEqual(waivers);
  });

  it.each<[string, string[]]>([
    ["an MR template's HTML comment", ["<!-- bfd-waive: release-notes-updated <why> -->"]],
    ["an HTML comment over several lines", ["<!--", "bfd-waive: release-notes-updated because", "-->"]],
    ["a code block", ["```", "bfd-waive: release-notes-updated because", "```"]],
    ["inline code", ["`bfd-waive: release-notes-updated because`"]],
    ["a block quote", ["> bfd-waive: release-notes-updated because"]],
    ["struck text", ["~~bfd-waive: release-notes-updated because~~"]],
    ["the middle of a sentence", ["Never write bfd-waive: release-notes-updated lightly"]],
    ["an MR template's unticked option", ["- [ ] bfd-waive: release-notes-updated ships dark, nothing to announce"]],
    ["an unticked option in a numbered list", ["1. [ ] bfd-waive: user-docs-updated internal tool only"]],
    ["an unticked raw-HTML checkbox", ['<input type="checkbox"> bfd-waive: release-notes-updated ships dark']],
  ])("reads no waiver from %s", (_name, lines) => {
    expect(inMr(...lines)).toEqual([]);
  });

  it.each<[string, string]>([
    ["no reason", "bfd-waive: release-notes-updated"],
    ["a template placeholder in angle brackets", "bfd-waive: release-notes-updated <why>"],
    ["an escaped placeholder", "bfd-waive: release-notes-updated \\<reason\\>"],
    ["TBD", "bfd-waive: release-notes-updated TBD"],
    ["TBA (fewer than four letters)", "bfd-waive: release-notes-updated TBA"],
    ["a single letter", "bfd-waive: release-notes-updated x"],
    ["only invisible characters", "bfd-waive: release-notes-updated \u200B\u2060\u00A0\u3164"],
    ["only punctuation", "bfd-waive: release-notes-updated ..."],
  ])("reads a waiver with %s as one without a reason (the engine ignores it, saying why)", (_name, line) => {
    expect(inMr(line)).toEqual([{ ruleId: "release-notes-updated", reason: "", source: "merge request description" }]);
  });

  it("reads the issue description too, naming the source", () => {
    const item = withMr({}, { issue: { description: "bfd-waive: user-docs-updated API only" } });
    expect(findWaiverLines(item)).toEqual([
      { ruleId: "user-docs-updated", reason: "API only", source: "issue description", by: null, at: null },
    ]);
  });

  it("reads people's comments, naming who wrote each and when", () => {
    const item = withMr({
      activity: {
        notes: [{ body: "LGTM.\n\nbfd-waive: user-docs-updated API only", at: NOV_22, by: REVIEWER }],
      },
    });
    expect(findWaiverLines(item)).toEqual([
      { ruleId: "user-docs-updated", reason: "API only", source: "merge request comment", by: REVIEWER, at: NOV_22 },
    ]);
  });
});

const NOV_22 = "2026-11-22T10:00:00.000Z";
const AUTHOR = { username: "jdoe", name: "Jane Doe" };
const REVIEWER = { username: "rita", name: "Rita Reviewer" };
const OUTSIDER = { username: "otto", name: "Otto Outsider" };

const alwaysFails = defineCheck({
  id: "always-fails",
  description: "Fails, so its waivers can be judged.",
  options: z.object({}).strict(),
  hint: "Write the docs.",
  needs: () => ["mergeRequest"],
  run: () => fail("No docs changed"),
}) as unknown as CheckKind;

const docsRule: LoadedRule = {
  gate: "done",
  id: "user-docs-updated",
  title: "User docs updated",
  kind: alwaysFails,
  options: {},
  severity: "error",
  when: undefined,
  hint: "Write the docs.",
  waivable: true,
  waiverLabels: ["no-docs"],
  process: undefined,
  handoff: undefined,
  location: { file: "fixture.yaml", line: 1, column: 1 },
};

const OWN_LINE = "bfd-waive: user-docs-updated internal tool, no user sees it";
const labelled = (by: typeof AUTHOR): Partial<MergeRequestActivity> => ({
  labelEvents: [{ label: "no-docs", action: "add", at: NOV_22, by }],
});

/** The Done-when table of #23: each request, judged; each accepted one names who stands behind it. */
const CASES: [string, MergeRequestPatch, WaiverPolicy | undefined, string, string][] = [
  [
    "the author's own line",
    { description: OWN_LINE, activity: {} },
    undefined,
    "fail",
    'requested by Jane Doe (merge request description: internal tool, no user sees it), not accepted: someone other than the author accepts it by approving the merge request, adding the label no-docs or commenting "bfd-waive: user-docs-updated <reason>"',
  ],
  [
    "the author's own label",
    { labels: ["no-docs"], activity: labelled(AUTHOR) },
    undefined,
    "fail",
    "requested by Jane Doe (label no-docs, 22 Nov 10:00 UTC), not accepted: someone other than the author accepts it",
  ],
  [
    "a reviewer's label",
    { labels: ["no-docs"], activity: labelled(REVIEWER) },
    undefined,
    "waived",
    "waived by Rita Reviewer (label no-docs, 22 Nov 10:00 UTC)",
  ],
  [
    "a reviewer's comment",
    { activity: { notes: [{ body: OWN_LINE, at: NOV_22, by: REVIEWER }] } },
    undefined,
    "waived",
    "waived by Rita Reviewer (merge request comment, 22 Nov 10:00 UTC): internal tool, no user sees it",
  ],
  [
    "the author's line with a reviewer's approval",
    { description: OWN_LINE, activity: { approvals: [{ by: REVIEWER, at: NOV_22 }] } },
    undefined,
    "waived",
    "waived by Rita Reviewer, who approved the merge request (asked in the merge request description, 22 Nov 10:00 UTC): internal tool, no user sees it",
  ],
  [
    "the author's line with only the author's own approval",
    { description: OWN_LINE, activity: { approvals: [{ by: AUTHOR, at: NOV_22 }] } },
    undefined,
    "fail",
    "requested by Jane Doe (merge request description: internal tool, no user sees it), not accepted",
  ],
  [
    "a team that allows self-waiving",
    { description: OWN_LINE, activity: {} },
    { allowAuthor: true },
    "waived",
    "self-waived by Jane Doe (merge request description): internal tool, no user sees it",
  ],
  [
    "a team that allows self-waiving, with the author's label",
    { labels: ["no-docs"], activity: labelled(AUTHOR) },
    { allowAuthor: true },
    "waived",
    "self-waived by Jane Doe (label no-docs, 22 Nov 10:00 UTC)",
  ],
  [
    "a label added by someone waivers.by does not name",
    { labels: ["no-docs"], activity: labelled(OUTSIDER) },
    { allowAuthor: false, by: ["rita"] },
    "fail",
    "waiver by Otto Outsider (label no-docs, 22 Nov 10:00 UTC) not authorised: waivers.by names only @rita; one of them accepts it",
  ],
  [
    "a label added by someone waivers.by names",
    { labels: ["no-docs"], activity: labelled(REVIEWER) },
    { allowAuthor: false, by: ["Rita"] },
    "waived",
    "waived by Rita Reviewer (label no-docs, 22 Nov 10:00 UTC)",
  ],
  [
    "an approval by someone waivers.by does not name",
    { description: OWN_LINE, activity: { approvals: [{ by: OUTSIDER, at: null }] } },
    { allowAuthor: false, by: ["rita"] },
    "fail",
    "not authorised: waivers.by names only @rita",
  ],
  [
    "a label whose history bfd could not read",
    { labels: ["no-docs"], activity: null },
    undefined,
    "fail",
    "requested (label no-docs), not accepted: bfd could not read who acted on the merge request",
  ],
];

describe("who stands behind a waiver", () => {
  it.each(CASES)("%s", (_name, mr, policy, status, text) => {
    const report = evaluate([docsRule], withMr({ authorName: AUTHOR.name, ...mr }), { gate: "done", waivers: policy });
    const result = report.results[0]!;
    expect(result.status).toBe(status);
    expect(result.waiver).not.toBeNull();
    expect(waiverText(result.waiver!)).toContain(text);
    expect(report.verdict).toBe(status === "waived" ? "pass" : "fail");
  });

  it("takes a waiver in the issue description as the author's own: a reviewer's approval accepts it", () => {
    const issue = { description: "bfd-waive: user-docs-updated API only, nothing users see" };
    const unapproved = evaluate([docsRule], withMr({ activity: {} }, { issue }), { gate: "done" });
    expect(unapproved.results[0]).toMatchObject({ status: "fail", waiver: { standing: "requested" } });
    const approved = withMr({ activity: { approvals: [{ by: REVIEWER, at: null }] } }, { issue });
    expect(evaluate([docsRule], approved, { gate: "done" }).results[0]).toMatchObject({
      status: "waived",
      waiver: { standing: "accepted", approval: true, by: REVIEWER, source: "issue description" },
    });
  });

  it("prefers a waiver someone else stands behind over the author's own request", () => {
    const mr: MergeRequestPatch = {
      description: OWN_LINE,
      activity: { notes: [{ body: "bfd-waive: user-docs-updated agreed: internal only", at: NOV_22, by: REVIEWER }] },
    };
    expect(evaluate([docsRule], withMr(mr), { gate: "done" }).results[0]).toMatchObject({
      status: "waived",
      waiver: { standing: "accepted", by: REVIEWER, source: "merge request comment" },
    });
  });

  it("folds many ignored lines into one notice per mistake, in time linear in their number", () => {
    const lines = Array.from({ length: 500 }, (_, i) => `bfd-waive: unknown-rule-${i} because of reasons`);
    const report = evaluate([docsRule], withMr({ description: lines.join("\n"), activity: {} }), { gate: "done" });
    expect(report.notices).toEqual([
      'Ignored "bfd-waive: unknown-rule-0", "bfd-waive: unknown-rule-1", "bfd-waive: unknown-rule-2", "bfd-waive: unknown-rule-3", "bfd-waive: unknown-rule-4" and 495 more lines in the merge request description: there is no rule with that id.',
    ]);
  });
});
