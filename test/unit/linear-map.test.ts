import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  IssueByBranchDataSchema,
  IssueByKeyDataSchema,
  IssuesPageDataSchema,
  mapIssue,
  mapPerson,
  parseLinearData,
  UnexpectedLinearShape,
} from "../../src/sources/linear/map.js";
import { IssueSchema } from "../../src/work-item/schema.js";

function recorded(name: string): unknown {
  const body: unknown = JSON.parse(
    readFileSync(new URL(`../fixtures/linear/responses/${name}`, import.meta.url), "utf8"),
  );
  if (typeof body !== "object" || body === null || !("data" in body)) throw new Error(`${name} has no data`);
  return body.data;
}

const full = parseLinearData("BfdIssueByKey", IssueByKeyDataSchema, recorded("issue-ENG-123.json"));
const bare = parseLinearData("BfdIssueByKey", IssueByKeyDataSchema, recorded("issue-OPS-7-bare.json"));
const issue = mapIssue(full.issue);

describe("mapping Linear's issue JSON to the WorkItem issue", () => {
  it("produces an issue the WorkItem schema accepts unchanged", () => {
    expect(IssueSchema.parse(issue)).toEqual(issue);
    expect(IssueSchema.parse(mapIssue(bare.issue))).toEqual(mapIssue(bare.issue));
  });

  it("takes blockers from inverse 'blocks' relations, naming the blocking issue", () => {
    expect(issue.blockedBy).toEqual([
      {
        identifier: "ENG-120",
        title: "Payment state machine",
        url: "https://linear.app/acme/issue/ENG-120/payment-state-machine",
        state: { name: "In Progress", type: "started" },
      },
      {
        identifier: "ENG-118",
        title: "Payments API client",
        url: "https://linear.app/acme/issue/ENG-118/payments-api-client",
        state: { name: "Done", type: "completed" },
      },
    ]);
  });

  it("takes the issues it blocks from its own 'blocks' relations", () => {
    expect(issue.blocking.map((ref) => ref.identifier)).toEqual(["ENG-130"]);
  });

  it("lists related, duplicate and similar issues from both sides once each", () => {
    // ENG-131 is related from both sides in the recording; ENG-99 is a duplicate.
    expect(issue.related.map((ref) => ref.identifier)).toEqual(["ENG-131", "ENG-99"]);
  });

  it.each([
    ["identifier", "ENG-123"],
    ["teamKey", "ENG"],
    ["estimate", 3],
    ["branchName", "ada/eng-123-add-audit-log-to-checkout"],
    ["labels", ["Backend", "Validated in Staging"]],
    ["state", { name: "Ready", type: "unstarted" }],
    ["assignee", { id: full.viewer?.id, name: "Ada Lovelace", email: "ada@acme.example" }],
  ] as const)("copies %s", (field, expected) => {
    expect(issue[field]).toEqual(expected);
  });

  it("keeps the project's spec text, documents (missing content as empty) and external links", () => {
    expect(issue.project).toMatchObject({
      name: "Checkout v2",
      description: "Rebuild checkout on the new payments API.",
      content: expect.stringContaining("## Goals") as unknown,
      documents: [
        { title: "RFC: Checkout audit log", content: "# RFC\n\nEvery payment state change writes an audit record." },
        { title: "Rollout plan", content: "" },
      ],
      links: [
        { label: "Figma: checkout flow", url: "https://www.figma.com/file/AbC123/checkout-flow" },
        { label: "Runbook", url: "https://wiki.acme.example/runbooks/checkout" },
      ],
    });
  });

  it("maps the parent, the children and the merge request attachment", () => {
    expect(issue.parent?.identifier).toBe("ENG-100");
    expect(issue.children.map((child) => [child.identifier, child.state?.type])).toEqual([
      ["ENG-124", "completed"],
      ["ENG-125", "unstarted"],
    ]);
    expect(issue.attachments).toEqual([
      {
        url: "https://gitlab.acme.example/shop/checkout/-/merge_requests/42",
        title: "Add checkout audit log",
        subtitle: "Open",
        sourceType: "gitlab",
        createdAt: "2025-03-04T10:15:00.000Z",
      },
    ]);
  });

  it("turns a null description into an empty string and an issue without project, assignee or relations into empties", () => {
    expect(mapIssue(bare.issue)).toMatchObject({
      identifier: "OPS-7",
      description: "",
      estimate: null,
      assignee: null,
      project: null,
      parent: null,
      labels: [],
      children: [],
      blockedBy: [],
      blocking: [],
      related: [],
      attachments: [],
    });
  });

  it("maps the viewer to a person", () => {
    expect(mapPerson(full.viewer)).toEqual({ id: full.viewer?.id, name: "Ada Lovelace", email: "ada@acme.example" });
    expect(mapPerson(null)).toBeNull();
  });

  it("reads a branch search without a match as no issue", () => {
    const data = parseLinearData(
      "BfdIssueByBranch",
      IssueByBranchDataSchema,
      recorded("issue-by-branch-no-match.json"),
    );
    expect(data.issueVcsBranchSearch).toBeNull();
  });

  it("reads an audit page with the cursor of every list, so a longer list can be read on", () => {
    const page = parseLinearData("BfdIssuesPage", IssuesPageDataSchema, recorded("issues-page-ENG.json"));
    expect(page.issues.nodes.map((node) => node.identifier)).toEqual(["ENG-99", "ENG-100", "ENG-118"]);
    expect(page.issues.pageInfo.hasNextPage).toBe(true);
    expect(page.issues.nodes.map((node) => node.inverseRelations.pageInfo)).toEqual([
      { hasNextPage: false, endCursor: "cursor-8" },
      { hasNextPage: false, endCursor: null },
      { hasNextPage: false, endCursor: null },
    ]);
  });

  it("refuses a list without its pageInfo rather than take it as whole", () => {
    const cut = structuredClone(recorded("issue-ENG-123.json")) as { issue: { relations: Record<string, unknown> } };
    delete cut.issue.relations["pageInfo"];
    expect(() => parseLinearData("BfdIssueByKey", IssueByKeyDataSchema, cut)).toThrow(/issue\.relations\.pageInfo/);
  });

  it("names the path when Linear's answer lacks a field the document asked for", () => {
    const broken = structuredClone(recorded("issue-ENG-123.json")) as { issue: Record<string, unknown> };
    delete broken.issue["state"];
    expect(() => parseLinearData("BfdIssueByKey", IssueByKeyDataSchema, broken)).toThrow(UnexpectedLinearShape);
    expect(() => parseLinearData("BfdIssueByKey", IssueByKeyDataSchema, broken)).toThrow(/issue\.state/);
  });
});
