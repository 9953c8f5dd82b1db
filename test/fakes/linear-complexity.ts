/**
 * Linear's query complexity, by the rule Linear publishes (linear.app/developers/rate-limiting and the summaries of
 * it that quote the numbers, e.g. the jeremylongshore "linear-rate-limits" skill): each property (scalar field) scores
 * 0.1 point, each object 1 point, a connection multiplies its children by its `first` argument (50 when omitted,
 * Linear's default page size), and the total is rounded up. A single query above 10,000 points is refused.
 *
 * "A connection multiplies its children" is read literally: everything selected inside the connection — `nodes`
 * and `pageInfo` alike — counts `first` times, and the connection itself counts as one object. That reading gives
 * the figure quoted for bfd's old audit page (≈ 10,950), so the fake and the documents test agree with it. Linear's
 * own implementation is not published; this is our reading of its rule, shared by the fake (which refuses what
 * scores above its limit) and `test/unit/linear-documents.test.ts` (which keeps every bfd document under 8,000).
 *
 * Points are counted in tenths (integers) so that 0.1 + 0.2 never rounds up to an extra point.
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/** Linear refuses a single query that scores more than this (same sources as above). */
export const LINEAR_MAX_COMPLEXITY = 10_000;
/** Linear's page size when `first` is omitted (linear.app/developers/pagination: "returns up to 50 records"). */
export const LINEAR_DEFAULT_PAGE_SIZE = 50;

const SCALAR = 1;
const OBJECT = 10;

/**
 * The complexity of the operation `operationName` (or the document's only operation) with `variables`, rounded up.
 * Throws on a document that names fields the schema does not have: validate first.
 */
export function linearComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>> = {},
  operationName?: string | null,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation =
    operationName === undefined || operationName === null
      ? operations[0]
      : operations.find((candidate) => candidate.name?.value === operationName);
  if (operation === undefined) throw new Error(`no operation ${operationName ?? ""} in the document`);
  const root =
    operation.operation === "mutation"
      ? schema.getMutationType()
      : operation.operation === "subscription"
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (root === null || root === undefined) throw new Error(`the schema has no ${operation.operation} type`);

  // A variable the request leaves out takes its declared default, as in execution.
  const effective: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    effective[definition.variable.name.value] = valueOf(definition.defaultValue, {});
  }
  for (const [name, value] of Object.entries(variables)) if (value !== undefined) effective[name] = value;

  const pageSize = (field: FieldNode): number => {
    const argument = field.arguments?.find((candidate) => candidate.name.value === "first");
    const value = valueOf(argument?.value, effective);
    return typeof value === "number" && Number.isFinite(value) ? value : LINEAR_DEFAULT_PAGE_SIZE;
  };

  const cost = (selectionSet: SelectionSetNode, parent: GraphQLNamedType, seen: ReadonlySet<string>): number => {
    let tenths = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment === undefined) throw new Error(`unknown fragment ${name}`);
        if (seen.has(name)) throw new Error(`fragment ${name} spreads itself`);
        const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
        tenths += cost(fragment.selectionSet, type, new Set([...seen, name]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type =
          selection.typeCondition === undefined
            ? parent
            : (schema.getType(selection.typeCondition.name.value) ?? parent);
        tenths += cost(selection.selectionSet, type, seen);
        continue;
      }
      if (selection.selectionSet === undefined) {
        tenths += SCALAR;
        continue;
      }
      const field = fieldOf(parent, selection.name.value);
      const type = getNamedType(field.type);
      const children = cost(selection.selectionSet, type, seen);
      tenths += OBJECT + (isConnection(type) ? pageSize(selection) * children : children);
    }
    return tenths;
  };

  return Math.ceil(cost(operation.selectionSet, root, new Set()) / 10);
}

/** Linear's connections are the types with `nodes` and `pageInfo` (IssueConnection, IssueSearchPayload, …). */
function isConnection(type: GraphQLNamedType): boolean {
  if (!isObjectType(type)) return false;
  const fields = type.getFields();
  return "nodes" in fields && "pageInfo" in fields;
}

function fieldOf(parent: GraphQLNamedType, name: string): GraphQLField<unknown, unknown> {
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  if (name === TypeNameMetaFieldDef.name) return TypeNameMetaFieldDef;
  if (!isObjectType(parent) && !isInterfaceType(parent)) throw new Error(`${parent.name} has no fields`);
  const field = parent.getFields()[name];
  if (field === undefined) throw new Error(`${parent.name}.${name} does not exist`);
  return field;
}

function valueOf(node: ValueNode | undefined, variables: Readonly<Record<string, unknown>>): unknown {
  if (node === undefined) return undefined;
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.VARIABLE:
      return variables[node.name.value];
    default:
      return undefined;
  }
}
