import { z } from "zod";
import type { Issue, IssueRef, Person, Project } from "../../work-item/schema.js";

/**
 * Pure mapping from the JSON Linear returns for bfd's documents (src/sources/linear/documents.ts) to the
 * WorkItem's `Issue` and `Person`. The raw shapes are checked with zod rather than cast, so an answer
 * that lacks what the documents asked for becomes a clear upstream error instead of `undefined` in a gate.
 */

const StateSchema = z.object({ name: z.string(), type: z.string() });

const PageInfoSchema = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

/** One page of a list: every list bfd reads asks for its cursor, so a longer list is read on, never cut. */
function connectionOf<T extends z.ZodType>(node: T) {
  return z.object({ nodes: z.array(node), pageInfo: PageInfoSchema });
}

/** One page of a list as bfd holds it while reading the rest. */
export interface RawConnection<T> {
  nodes: T[];
  pageInfo: z.infer<typeof PageInfoSchema>;
}

const IssueRefRawSchema = z.object({
  identifier: z.string(),
  title: z.string(),
  url: z.string().nullable(),
  state: StateSchema.nullable(),
});

const UserRawSchema = z.object({ id: z.string(), name: z.string(), email: z.string().nullable().optional() });

const LabelRawSchema = z.object({ name: z.string() });
const DocumentRawSchema = z.object({ title: z.string(), url: z.string().nullable(), content: z.string().nullable() });
const ExternalLinkRawSchema = z.object({ label: z.string(), url: z.string() });
const RelationRawSchema = z.object({ type: z.string(), relatedIssue: IssueRefRawSchema });
const InverseRelationRawSchema = z.object({ type: z.string(), issue: IssueRefRawSchema });
const AttachmentRawSchema = z.object({
  url: z.string(),
  title: z.string(),
  subtitle: z.string().nullable(),
  sourceType: z.string().nullable(),
  createdAt: z.string().nullable(),
});
const CommentRawSchema = z.object({
  id: z.string(),
  body: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  url: z.string(),
  user: z.object({ id: z.string() }).nullable(),
});
export type RawComment = z.infer<typeof CommentRawSchema>;

export const RawIssueSchema = z.object({
  id: z.string(),
  identifier: z.string(),
  previousIdentifiers: z.array(z.string()),
  title: z.string(),
  description: z.string().nullable(),
  url: z.string(),
  branchName: z.string(),
  estimate: z.number().nullable(),
  state: StateSchema,
  assignee: UserRawSchema.nullable(),
  team: z.object({ key: z.string() }),
  labels: connectionOf(LabelRawSchema),
  project: z
    .object({
      id: z.string(),
      name: z.string(),
      url: z.string().nullable(),
      description: z.string().nullable(),
      content: z.string().nullable(),
      documents: connectionOf(DocumentRawSchema),
      externalLinks: connectionOf(ExternalLinkRawSchema),
    })
    .nullable(),
  parent: IssueRefRawSchema.nullable(),
  children: connectionOf(IssueRefRawSchema),
  relations: connectionOf(RelationRawSchema),
  inverseRelations: connectionOf(InverseRelationRawSchema),
  attachments: connectionOf(AttachmentRawSchema),
});

export type RawIssue = z.infer<typeof RawIssueSchema>;

export const RawViewerSchema = UserRawSchema;

/** `data` of BfdIssueByKey. */
export const IssueByKeyDataSchema = z.object({ issue: RawIssueSchema, viewer: RawViewerSchema.nullable() });
const WorkflowStateRawSchema = z.object({ id: z.string(), name: z.string(), type: z.string(), position: z.number() });
/** `data` of BfdTeamWorkflow. */
export const TeamWorkflowDataSchema = z.object({
  team: z.object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    states: connectionOf(WorkflowStateRawSchema),
    labels: connectionOf(z.object({ id: z.string(), name: z.string() })),
  }),
});
/** `data` of BfdViewer. */
export const ViewerDataSchema = z.object({ viewer: RawViewerSchema });
/** `data` of BfdIssueByBranch. */
export const IssueByBranchDataSchema = z.object({
  issueVcsBranchSearch: RawIssueSchema.nullable(),
  viewer: RawViewerSchema.nullable(),
});
/** `data` of BfdIssuesPage. */
export const IssuesPageDataSchema = z.object({
  issues: z.object({
    nodes: z.array(RawIssueSchema),
    pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
  }),
  viewer: RawViewerSchema.nullable(),
});

/** `data` of each follow-up document (the issue or project with the one list it continues), by list. */
export const ListPageDataSchemas = {
  labels: z.object({ issue: z.object({ labels: connectionOf(LabelRawSchema) }) }),
  children: z.object({ issue: z.object({ children: connectionOf(IssueRefRawSchema) }) }),
  relations: z.object({ issue: z.object({ relations: connectionOf(RelationRawSchema) }) }),
  inverseRelations: z.object({ issue: z.object({ inverseRelations: connectionOf(InverseRelationRawSchema) }) }),
  attachments: z.object({ issue: z.object({ attachments: connectionOf(AttachmentRawSchema) }) }),
  documents: z.object({ project: z.object({ documents: connectionOf(DocumentRawSchema) }) }),
  externalLinks: z.object({ project: z.object({ externalLinks: connectionOf(ExternalLinkRawSchema) }) }),
};

/** `data` of BfdTeamKeys. */
export const TeamKeysDataSchema = z.object({ teams: connectionOf(z.object({ key: z.string() })) });
/** `data` of BfdIssueByKey, and of BfdIssueByKeyWithTeams (which adds the first page of team keys). */
export const IssueByKeyWithTeamsDataSchema = IssueByKeyDataSchema.extend({
  teams: TeamKeysDataSchema.shape.teams.optional(),
});
/** `data` of BfdIssueByBranch, and of BfdIssueByBranchWithTeams. */
export const IssueByBranchWithTeamsDataSchema = IssueByBranchDataSchema.extend({
  teams: TeamKeysDataSchema.shape.teams.optional(),
});
/** `data` of BfdLabelNames. */
export const LabelNamesDataSchema = z.object({ issueLabels: connectionOf(z.object({ name: z.string() })) });
/** `data` of BfdProjectNames. */
export const ProjectNamesDataSchema = z.object({ projects: connectionOf(z.object({ name: z.string() })) });

/** `data` of BfdIssueComments. */
export const IssueCommentsDataSchema = z.object({ issue: z.object({ comments: connectionOf(CommentRawSchema) }) });

const CommentPayloadSchema = z.object({
  success: z.boolean(),
  comment: z.object({ id: z.string(), url: z.string() }).nullable(),
});
/** `data` of BfdCreateComment. */
export const CreateCommentDataSchema = z.object({ commentCreate: CommentPayloadSchema });
/** `data` of BfdUpdateComment. */
export const UpdateCommentDataSchema = z.object({ commentUpdate: CommentPayloadSchema });

/** `data` of BfdCreateAgentActivity. */
export const CreateAgentActivityDataSchema = z.object({
  agentActivityCreate: z.object({ success: z.boolean(), agentActivity: z.object({ id: z.string() }).nullable() }),
});

/** `data` of BfdUpdateIssue. */
export const UpdateIssueDataSchema = z.object({
  issueUpdate: z.object({
    success: z.boolean(),
    issue: z
      .object({
        id: z.string(),
        identifier: z.string(),
        state: z.object({ name: z.string(), type: z.string() }),
        assignee: RawViewerSchema.nullable(),
      })
      .nullable(),
  }),
});

/** Thrown when Linear's `data` does not have the shape the document asked for. */
export class UnexpectedLinearShape extends Error {
  constructor(
    readonly operation: string,
    readonly problems: string,
  ) {
    super(`${operation}: ${problems}`);
    this.name = "UnexpectedLinearShape";
  }
}

/** Parses `data` with `schema`, naming the first few mismatching paths when it does not fit. */
export function parseLinearData<T extends z.ZodType>(operation: string, schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`)
    .join("; ");
  throw new UnexpectedLinearShape(operation, problems);
}

type RawIssueRef = z.infer<typeof IssueRefRawSchema>;

function mapRef(raw: RawIssueRef): IssueRef {
  return {
    identifier: raw.identifier,
    title: raw.title,
    url: raw.url,
    state: raw.state === null ? null : { ...raw.state },
  };
}

function uniqueByIdentifier(refs: readonly IssueRef[]): IssueRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    if (seen.has(ref.identifier)) return false;
    seen.add(ref.identifier);
    return true;
  });
}

export function mapPerson(raw: z.infer<typeof UserRawSchema> | null): Person | null {
  if (raw === null) return null;
  return { id: raw.id, name: raw.name, email: raw.email ?? null };
}

function mapProject(raw: RawIssue["project"]): Project | null {
  if (raw === null) return null;
  return {
    id: raw.id,
    name: raw.name,
    url: raw.url,
    description: raw.description ?? "",
    content: raw.content ?? "",
    documents: raw.documents.nodes.map((document) => ({
      title: document.title,
      url: document.url,
      content: document.content ?? "",
    })),
    links: raw.externalLinks.nodes.map((link) => ({ label: link.label, url: link.url })),
  };
}

/**
 * Linear has no "blocked by" field: "X is blocked by Y" is a `blocks` relation owned by Y, so it shows in
 * X's inverseRelations (the blocker is `issue`). X's own `blocks` relations are the issues X blocks.
 * Every other type (related, duplicate, similar) from either side is `related`, once per issue.
 */
export function mapIssue(raw: RawIssue): Issue {
  const blockedBy = raw.inverseRelations.nodes
    .filter((relation) => relation.type === "blocks")
    .map((relation) => mapRef(relation.issue));
  const blocking = raw.relations.nodes
    .filter((relation) => relation.type === "blocks")
    .map((relation) => mapRef(relation.relatedIssue));
  const related = uniqueByIdentifier([
    ...raw.relations.nodes
      .filter((relation) => relation.type !== "blocks")
      .map((relation) => mapRef(relation.relatedIssue)),
    ...raw.inverseRelations.nodes
      .filter((relation) => relation.type !== "blocks")
      .map((relation) => mapRef(relation.issue)),
  ]);
  return {
    id: raw.id,
    identifier: raw.identifier,
    previousIdentifiers: [...raw.previousIdentifiers],
    title: raw.title,
    url: raw.url,
    description: raw.description ?? "",
    branchName: raw.branchName,
    state: { ...raw.state },
    assignee: mapPerson(raw.assignee),
    labels: raw.labels.nodes.map((label) => label.name),
    teamKey: raw.team.key,
    workspaceTeamKeys: null,
    estimate: raw.estimate,
    project: mapProject(raw.project),
    parent: raw.parent === null ? null : mapRef(raw.parent),
    children: raw.children.nodes.map(mapRef),
    blockedBy: uniqueByIdentifier(blockedBy),
    blocking: uniqueByIdentifier(blocking),
    related,
    attachments: raw.attachments.nodes.map((attachment) => ({
      url: attachment.url,
      title: attachment.title,
      subtitle: attachment.subtitle,
      sourceType: attachment.sourceType,
      createdAt: attachment.createdAt,
    })),
  };
}
