import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import * as documents from "../../src/sources/linear/documents.js";
import { AUDIT_PAGE_SIZE, LINEAR_DOCUMENTS, REFETCH_BATCH_SIZE } from "../../src/sources/linear/documents.js";

const schema: GraphQLSchema = buildSchema(
  readFileSync(new URL("../fixtures/linear/schema.graphql", import.meta.url), "utf8"),
);

/** Every exported string constant holding an operation, so a document added without registering it is still checked. */
const exportedOperations: [string, string][] = Object.entries(documents as Readonly<Record<string, unknown>>).flatMap(
  ([name, value]): [string, string][] =>
    typeof value === "string" && /^\s*(query|mutation)\s/m.test(value) ? [[name, value]] : [],
);

/**
 * Linear's published scoring (NOTES.md §8): 0.1 per scalar, 1 per object, and a connection multiplies its
 * children by `first` (50 when omitted). An estimate, not Linear's exact figure: the point is the order of
 * magnitude against the 10,000-point limit per query, and that it moves when someone raises a `first`.
 */
function estimateComplexity(document: DocumentNode, variables: Record<string, number>): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const firstOf = (value: ValueNode | undefined): number => {
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind === Kind.VARIABLE) return variables[value.name.value] ?? 50;
    return 50;
  };
  // `listSize` is the `first` of the connection whose selection set this is: it multiplies `nodes`/`edges`.
  const cost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, listSize = 1): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment !== undefined) total += cost(fragment.selectionSet, parent, listSize);
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, parent, listSize);
        continue;
      }
      if (selection.selectionSet === undefined) {
        total += 0.1;
        continue;
      }
      if (!isObjectType(parent) && !isInterfaceType(parent)) throw new Error(`${parent.name} has no fields`);
      const field = parent.getFields()[selection.name.value];
      if (field === undefined) throw new Error(`${parent.name}.${selection.name.value} does not exist`);
      const type = getNamedType(field.type);
      const first = selection.arguments?.find((argument) => argument.name.value === "first");
      const innerListSize = type.name.endsWith("Connection") ? firstOf(first?.value) : 1;
      const objects = selection.name.value === "nodes" || selection.name.value === "edges" ? listSize : 1;
      total += objects * (1 + cost(selection.selectionSet, type, innerListSize));
    }
    return total;
  };
  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
    if (root === null || root === undefined) throw new Error("schema has no root type");
    total += cost(definition.selectionSet, root);
  }
  return Math.ceil(total);
}

describe("Linear GraphQL documents", () => {
  it("registers every exported operation in LINEAR_DOCUMENTS under its own operation name", () => {
    expect(exportedOperations.length).toBeGreaterThanOrEqual(5);
    for (const [, text] of exportedOperations) {
      const name = /^\s*(?:query|mutation)\s+(\w+)/m.exec(text)?.[1];
      expect(name).toBeDefined();
      expect(LINEAR_DOCUMENTS[name as keyof typeof LINEAR_DOCUMENTS]).toBe(text);
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

  it.each([
    ["BfdIssueByKey", {}],
    ["BfdIssueByBranch", {}],
    ["BfdIssuesPage", { first: AUDIT_PAGE_SIZE }],
    ["BfdIssuesById", { first: REFETCH_BATCH_SIZE }],
    ["BfdCreateComment", {}],
  ] as const)("%s stays well inside Linear's 10,000-point complexity limit", (name, variables) => {
    const estimate = estimateComplexity(parse(LINEAR_DOCUMENTS[name]), variables);
    expect(estimate).toBeLessThanOrEqual(9_000);
  });
});
