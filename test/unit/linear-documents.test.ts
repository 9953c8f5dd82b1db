import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isObjectType,
  Kind,
  parse,
  validate,
  visit,
  type DocumentNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import * as documents from "../../src/sources/linear/documents.js";
import {
  AUDIT_PAGE_SIZE,
  COMPLEXITY_CEILING,
  LINEAR_DOCUMENTS,
  type LinearOperationName,
} from "../../src/sources/linear/documents.js";
import { LINEAR_MAX_COMPLEXITY, linearComplexity } from "../fakes/linear-complexity.js";

const schema: GraphQLSchema = buildSchema(
  readFileSync(new URL("../fixtures/linear/schema.graphql", import.meta.url), "utf8"),
);

/** Every exported string constant holding an operation, so a document added without registering it is still checked. */
const exportedOperations: [string, string][] = Object.entries(documents as Readonly<Record<string, unknown>>).flatMap(
  ([name, value]): [string, string][] =>
    typeof value === "string" && /^\s*(query|mutation)\s/m.test(value) ? [[name, value]] : [],
);

const score = (text: string, variables: Record<string, unknown> = {}): number =>
  linearComplexity(schema, parse(text), variables);

/**
 * The variables bfd really sends with each document (src/sources/linear/client.ts); a Record, so a document added
 * to LINEAR_DOCUMENTS without a row here does not compile. A cursor is any string: it does not change the score.
 */
const VARIABLES_BFD_SENDS: Record<LinearOperationName, Record<string, unknown>> = {
  BfdViewer: {},
  BfdTeamWorkflow: { id: "ENG", statesAfter: null, labelsAfter: "cursor" },
  BfdIssueByKey: { id: "ENG-123" },
  BfdIssueByBranch: { branch: "ada/eng-123-add-audit-log" },
  BfdIssueByKeyWithTeams: { id: "ENG-123" },
  BfdIssueByBranchWithTeams: { branch: "ada/eng-123-add-audit-log" },
  BfdIssuesPage: { filter: { team: { key: { eq: "ENG" } } }, first: AUDIT_PAGE_SIZE, after: "cursor" },
  BfdIssueLabelsPage: { id: "issue-id", after: "cursor" },
  BfdIssueChildrenPage: { id: "issue-id", after: "cursor" },
  BfdIssueRelationsPage: { id: "issue-id", after: "cursor" },
  BfdIssueInverseRelationsPage: { id: "issue-id", after: "cursor" },
  BfdIssueAttachmentsPage: { id: "issue-id", after: "cursor" },
  BfdProjectDocumentsPage: { id: "project-id", after: "cursor" },
  BfdProjectExternalLinksPage: { id: "project-id", after: "cursor" },
  BfdIssueComments: { id: "issue-id", after: null },
  BfdTeamKeys: { after: null },
  BfdLabelNames: { after: "cursor" },
  BfdProjectNames: { after: null },
  BfdCreateComment: { issueId: "issue-id", body: "text" },
  BfdUpdateComment: { id: "comment-id", body: "text" },
  BfdCreateAgentActivity: { input: { agentSessionId: "session-id", content: { type: "thought", body: "text" } } },
  BfdUpdateIssue: { id: "ENG-1", input: { stateId: "state-id", assigneeId: "user-id" } },
};

/** The connection fields a document selects that do not ask `pageInfo { hasNextPage endCursor }`, by path. */
function listsWithoutCursor(document: DocumentNode): string[] {
  const fragments = new Map(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [],
    ),
  );
  const missing: string[] = [];
  const walk = (selectionSet: SelectionSetNode, typeName: string, path: string): void => {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) walk(fragment.selectionSet, fragment.typeCondition.name.value, path);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT || selection.selectionSet === undefined) continue;
      const field = type.getFields()[selection.name.value];
      if (field === undefined) continue;
      const fieldType = getNamedType(field.type);
      const here = `${path}.${selection.name.value}`;
      if (isObjectType(fieldType) && "pageInfo" in fieldType.getFields()) {
        const pageInfo = selection.selectionSet.selections.find(
          (inner) => inner.kind === Kind.FIELD && inner.name.value === "pageInfo",
        );
        const asked = new Set<string>();
        if (pageInfo?.kind === Kind.FIELD && pageInfo.selectionSet !== undefined)
          visit(pageInfo.selectionSet, { Field: (node) => void asked.add(node.name.value) });
        if (!asked.has("hasNextPage") || !asked.has("endCursor")) missing.push(here);
      }
      walk(selection.selectionSet, fieldType.name, here);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    walk(definition.selectionSet, definition.operation === "mutation" ? "Mutation" : "Query", "");
  }
  return missing;
}

describe("Linear's complexity rule, as the fake and these tests apply it", () => {
  it.each([
    ["a scalar on an object (1.1, rounded up)", "{ viewer { id } }", {}, 2],
    [
      "ten scalars without a rounding error",
      "{ viewer { id name email displayName url active admin guest app createdAt } }",
      {},
      2,
    ],
    ["a connection without first as 50 children", "{ issues { nodes { id } } }", {}, 56], // 1 + 50 × 1.1,
    [
      "pageInfo once per page, like nodes",
      "{ issues(first: 10) { nodes { id } pageInfo { hasNextPage } } }",
      {},
      23, // 1 + 10 × (1.1 + 1.1)
    ],
    ["first from a variable", "query($n: Int) { issues(first: $n) { nodes { id } } }", { n: 10 }, 12], // 1 + 10 × 1.1,
    ["first from a variable's declared default", "query($n: Int = 4) { issues(first: $n) { nodes { id } } }", {}, 6],
    [
      "nested connections as a product",
      "{ issues(first: 10) { nodes { labels(first: 5) { nodes { name } } } } }",
      {},
      76, // 1 + 10 × (1 + 1 + 5 × 1.1)
    ],
    [
      "a fragment where it is spread",
      'query { issue(id: "x") { ...F } } fragment F on Issue { identifier state { name } }',
      {},
      3,
    ],
    ["a mutation", 'mutation { commentCreate(input: { issueId: "x", body: "y" }) { success } }', {}, 2],
  ])("scores %s", (_case, text, variables, expected) => {
    expect(linearComplexity(schema, parse(text), variables)).toBe(expected);
  });
});

describe("Linear GraphQL documents", () => {
  it("registers every exported operation in LINEAR_DOCUMENTS under its own operation name", () => {
    expect(exportedOperations.length).toBe(Object.keys(LINEAR_DOCUMENTS).length);
    for (const [, text] of exportedOperations) {
      const name = /^\s*(?:query|mutation)\s+(\w+)/m.exec(text)?.[1];
      expect(name).toBeDefined();
      expect(LINEAR_DOCUMENTS[name as LinearOperationName]).toBe(text);
    }
  });

  it.each(exportedOperations)("%s validates against Linear's schema with no errors", (_name, text) => {
    const errors = validate(schema, parse(text));
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it("rejects a document that asks for a field Linear does not have, so the check above can fail", () => {
    const wrong = parse(
      "query Wrong($id: String!) { issue(id: $id) { identifier blockedBy { nodes { identifier } } } }",
    );
    const errors = validate(schema, wrong);
    expect(errors.map((error) => error.message)).toEqual([
      'Cannot query field "blockedBy" on type "Issue". Did you mean "snoozedBy"?',
    ]);
  });

  it.each(Object.entries(VARIABLES_BFD_SENDS))(
    "%s, with the variables bfd sends, scores at most 8,000 of Linear's 10,000 points",
    (name, variables) => {
      const text = LINEAR_DOCUMENTS[name as LinearOperationName];
      expect(score(text, variables)).toBeLessThanOrEqual(COMPLEXITY_CEILING);
    },
  );

  it("keeps bfd's ceiling a margin under Linear's limit", () => {
    expect(COMPLEXITY_CEILING).toBeLessThanOrEqual(LINEAR_MAX_COMPLEXITY * 0.8);
  });

  it("pages the audit by the largest page that fits the ceiling, so the page size cannot drift", () => {
    const page = (first: number): number =>
      score(documents.ISSUES_PAGE, { ...VARIABLES_BFD_SENDS.BfdIssuesPage, first });
    expect(page(AUDIT_PAGE_SIZE)).toBeLessThanOrEqual(COMPLEXITY_CEILING);
    expect(page(AUDIT_PAGE_SIZE + 1)).toBeGreaterThan(COMPLEXITY_CEILING);
  });

  it("reads 250 issues in at most 5 audit pages", () => {
    expect(Math.ceil(250 / AUDIT_PAGE_SIZE)).toBeLessThanOrEqual(5);
  });

  it.each(exportedOperations)("%s asks every list it reads for its pageInfo cursor", (_name, text) => {
    expect(listsWithoutCursor(parse(text))).toEqual([]);
  });

  it("finds a list read without its cursor, so the check above can fail", () => {
    const cut = parse('query { issue(id: "x") { labels(first: 5) { nodes { name } pageInfo { hasNextPage } } } }');
    expect(listsWithoutCursor(cut)).toEqual([".issue.labels"]);
  });
});
