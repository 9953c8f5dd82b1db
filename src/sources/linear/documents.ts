/**
 * Every GraphQL document bfd sends to Linear, hand-written so that one gate check costs one request.
 *
 * `test/unit/linear-documents.test.ts` validates each exported document against the vendored schema
 * (`test/fixtures/linear/schema.graphql`), scores it by Linear's complexity rule with the variables bfd sends, and
 * checks that every list asks for its cursor — so a field Linear does not have (`Issue.blockedBy`, `Project.spec`, …),
 * a query Linear would refuse as too complex, or a list that could be cut silently fails the build, not a gate.
 *
 * Complexity (Linear's published rule, linear.app/developers/rate-limiting): 0.1 point per scalar, 1 per object, a
 * connection multiplies everything inside it — nodes and pageInfo — by its `first`; one query may cost at most
 * 10,000 points, and bfd keeps each under COMPLEXITY_CEILING. Per item of a list, with its cursor:
 * labels 2.3, documents 2.5, external links 2.4, children 3.7, relations and inverse relations 4.8 each,
 * attachments 2.7, comments 3.8; an issue's own fields about 15.
 *
 * - BfdIssueByKey / BfdIssueByBranch (ready, done): every list 50 deep (documents and links 20) ≈ 1,030 points.
 *   With the first page of team keys (…WithTeams, when a rule needs them: `bfd ready`) ≈ 1,610 points.
 * - BfdIssuesPage (audit): lists AUDIT_LIST_SIZES deep ≈ 145 points an issue: 55 issues score 7,978, 56 would
 *   score 8,123, so AUDIT_PAGE_SIZE is 55 and 250 issues take 5 pages.
 * - A list longer than its first page is read on with one follow-up document per list kind (BfdIssueRelationsPage,
 *   …), FOLLOW_UP_PAGE_SIZE items a page: 482 points for relations, less for the others.
 */

/** bfd's own ceiling per query, a fifth under Linear's 10,000, so a drift in Linear's scoring does not refuse bfd. */
export const COMPLEXITY_CEILING = 8_000;

/** How deep a single-issue read (ready, done, ci, handoff) reads each list; longer lists are read on. */
const ISSUE_LIST_SIZES: ListSizes = {
  labels: 50,
  documents: 20,
  externalLinks: 20,
  children: 50,
  relations: 50,
  inverseRelations: 50,
  attachments: 50,
};

/**
 * How deep an audit page reads each issue's lists. Small, because a page multiplies them by its size: at these depths
 * a page of AUDIT_PAGE_SIZE issues fits COMPLEXITY_CEILING, so 250 issues take 5 pages. Labels are cheap and an issue
 * often has several; the rest rarely exceed 5, and when one does it is read on, never cut.
 */
const AUDIT_LIST_SIZES: ListSizes = {
  labels: 10,
  documents: 5,
  externalLinks: 5,
  children: 5,
  relations: 5,
  inverseRelations: 5,
  attachments: 5,
};

/**
 * Issues per audit page: the largest page whose score stays within COMPLEXITY_CEILING at AUDIT_LIST_SIZES (the
 * documents test proves it fits and that one more would not).
 */
export const AUDIT_PAGE_SIZE = 55;

/** Items per follow-up page of one list (and per page of comments); Linear allows up to 250. */
export const FOLLOW_UP_PAGE_SIZE = 100;

/** A team's states and labels per page: a team has a dozen states; labels can be many. */
export const TEAM_LIST_PAGE_SIZE = 100;

interface ListSizes {
  labels: number;
  documents: number;
  externalLinks: number;
  children: number;
  relations: number;
  inverseRelations: number;
  attachments: number;
}

const PAGE_INFO = "pageInfo { hasNextPage endCursor }";

/** What bfd reads of a related issue (parent, child, either side of a relation). */
const ISSUE_REF_FRAGMENT = /* GraphQL */ `
  fragment BfdIssueRef on Issue {
    identifier
    title
    url
    state {
      name
      type
    }
  }
`;

/** The fields of one item of each list, the same on the first page and on every follow-up page. */
const LABEL_NODE = "name";
const DOCUMENT_NODE = "title url content";
const EXTERNAL_LINK_NODE = "label url";
const CHILD_NODE = "...BfdIssueRef";
const RELATION_NODE = "type relatedIssue { ...BfdIssueRef }";
const INVERSE_RELATION_NODE = "type issue { ...BfdIssueRef }";
const ATTACHMENT_NODE = "url title subtitle sourceType createdAt";
const COMMENT_NODE = "id body createdAt updatedAt url user { id }";

function list(field: string, first: number, node: string): string {
  return `${field}(first: ${first}) { nodes { ${node} } ${PAGE_INFO} }`;
}

/** The fields every gate reads, for one issue, with each list `sizes` deep. */
function issueFieldsFragment(name: string, sizes: ListSizes): string {
  return /* GraphQL */ `
  fragment ${name} on Issue {
    id
    identifier
    previousIdentifiers
    title
    description
    url
    branchName
    estimate
    state {
      name
      type
    }
    assignee {
      id
      name
      email
    }
    team {
      key
    }
    ${list("labels", sizes.labels, LABEL_NODE)}
    project {
      id
      name
      url
      description
      content
      ${list("documents", sizes.documents, DOCUMENT_NODE)}
      ${list("externalLinks", sizes.externalLinks, EXTERNAL_LINK_NODE)}
    }
    parent {
      ...BfdIssueRef
    }
    ${list("children", sizes.children, CHILD_NODE)}
    ${list("relations", sizes.relations, RELATION_NODE)}
    ${list("inverseRelations", sizes.inverseRelations, INVERSE_RELATION_NODE)}
    ${list("attachments", sizes.attachments, ATTACHMENT_NODE)}
  }
`;
}

const ISSUE_FIELDS_FRAGMENT = issueFieldsFragment("BfdIssueFields", ISSUE_LIST_SIZES);
const AUDIT_ISSUE_FIELDS_FRAGMENT = issueFieldsFragment("BfdAuditIssueFields", AUDIT_LIST_SIZES);

const VIEWER_FIELDS = "viewer { id name email }";

/** Who the API key belongs to, and nothing else: `bfd doctor`'s cheapest question. */
export const VIEWER = /* GraphQL */ `
query BfdViewer {
  ${VIEWER_FIELDS}
}`;

/**
 * A team's workflow states and labels, by key (ENG) or UUID: what `bfd doctor` and `bfd init --from-linear` compare
 * with the names the rules expect (NOTES.md "Workflow states"). Each list goes on from its own cursor; while one
 * list is still being read on, the other (already whole) is read again and ignored.
 */
export const TEAM_WORKFLOW = /* GraphQL */ `
query BfdTeamWorkflow($id: String!, $statesAfter: String, $labelsAfter: String) {
  team(id: $id) {
    id
    key
    name
    states(first: ${TEAM_LIST_PAGE_SIZE}, after: $statesAfter) { nodes { id name type position } ${PAGE_INFO} }
    labels(first: ${TEAM_LIST_PAGE_SIZE}, after: $labelsAfter) { nodes { id name } ${PAGE_INFO} }
  }
}`;

/** A single-issue read: `lookup` selects the issue, with every gate's fields, the viewer and any `extra` root field. */
function singleIssueQuery(operation: string, variables: string, lookup: string, extra = ""): string {
  return /* GraphQL */ `
query ${operation}(${variables}) {
  ${lookup} { ...BfdIssueFields }
  ${VIEWER_FIELDS}
  ${extra}
}
${ISSUE_FIELDS_FRAGMENT}
${ISSUE_REF_FRAGMENT}`;
}

const BY_KEY = ["$id: String!", "issue(id: $id)"] as const;
const BY_BRANCH = ["$branch: String!", "issueVcsBranchSearch(branchName: $branch)"] as const;

/** One issue by key (`ENG-123`) or UUID, and who the API key belongs to. */
export const ISSUE_BY_KEY = singleIssueQuery("BfdIssueByKey", ...BY_KEY);

/** The issue Linear links to a git branch (null when none), and the viewer. */
export const ISSUE_BY_BRANCH = singleIssueQuery("BfdIssueByBranch", ...BY_BRANCH);

/** One page of the audit listing. */
export const ISSUES_PAGE = /* GraphQL */ `
query BfdIssuesPage($filter: IssueFilter!, $first: Int!, $after: String) {
  issues(filter: $filter, first: $first, after: $after) {
    nodes { ...BfdAuditIssueFields }
    ${PAGE_INFO}
  }
  ${VIEWER_FIELDS}
}
${AUDIT_ISSUE_FIELDS_FRAGMENT}
${ISSUE_REF_FRAGMENT}`;

/** The next page of one list of one issue (or project), after the cursor the previous page ended at. */
function followUpPage(operation: string, owner: "issue" | "project", field: string, node: string): string {
  return /* GraphQL */ `
query ${operation}($id: String!, $after: String) {
  ${owner}(id: $id) {
    ${field}(first: ${FOLLOW_UP_PAGE_SIZE}, after: $after) { nodes { ${node} } ${PAGE_INFO} }
  }
}
${node.includes("...BfdIssueRef") ? ISSUE_REF_FRAGMENT : ""}`;
}

export const ISSUE_LABELS_PAGE = followUpPage("BfdIssueLabelsPage", "issue", "labels", LABEL_NODE);
export const ISSUE_CHILDREN_PAGE = followUpPage("BfdIssueChildrenPage", "issue", "children", CHILD_NODE);
export const ISSUE_RELATIONS_PAGE = followUpPage("BfdIssueRelationsPage", "issue", "relations", RELATION_NODE);
export const ISSUE_INVERSE_RELATIONS_PAGE = followUpPage(
  "BfdIssueInverseRelationsPage",
  "issue",
  "inverseRelations",
  INVERSE_RELATION_NODE,
);
export const ISSUE_ATTACHMENTS_PAGE = followUpPage("BfdIssueAttachmentsPage", "issue", "attachments", ATTACHMENT_NODE);
export const PROJECT_DOCUMENTS_PAGE = followUpPage("BfdProjectDocumentsPage", "project", "documents", DOCUMENT_NODE);
export const PROJECT_EXTERNAL_LINKS_PAGE = followUpPage(
  "BfdProjectExternalLinksPage",
  "project",
  "externalLinks",
  EXTERNAL_LINK_NODE,
);

/** One page of an issue's comments (`after` null for the first): each with its author's id, to find bfd's own. */
export const ISSUE_COMMENTS = followUpPage("BfdIssueComments", "issue", "comments", COMMENT_NODE);

/**
 * Teams per page of BfdTeamKeys, Linear's largest page: one page reads a workspace of up to 250 teams (≈ 280 points;
 * a larger one is read on).
 */
export const TEAM_KEYS_PAGE_SIZE = 250;

/**
 * The key of every team whose issues the API key's user can access (`Query.teams`: "public teams and private teams
 * the user is a member of"), to tell issue keys (ENG-12) from key-like words (UTF-8, ISO-8601).
 */
export const TEAM_KEYS = /* GraphQL */ `
query BfdTeamKeys($after: String) {
  teams(first: ${TEAM_KEYS_PAGE_SIZE}, after: $after) { nodes { key } ${PAGE_INFO} }
}`;

/**
 * The first page of the workspace's team keys, asked in the same request as the issue when a rule tells issue keys
 * from key-like words (`bfd ready`'s dependencies): one request instead of two in a row (≈ 280 points more).
 */
const TEAM_KEYS_FIRST_PAGE = `teams(first: ${TEAM_KEYS_PAGE_SIZE}) { nodes { key } ${PAGE_INFO} }`;

/** BfdIssueByKey with the first page of team keys. */
export const ISSUE_BY_KEY_WITH_TEAMS = singleIssueQuery("BfdIssueByKeyWithTeams", ...BY_KEY, TEAM_KEYS_FIRST_PAGE);

/** BfdIssueByBranch with the first page of team keys. */
export const ISSUE_BY_BRANCH_WITH_TEAMS = singleIssueQuery(
  "BfdIssueByBranchWithTeams",
  ...BY_BRANCH,
  TEAM_KEYS_FIRST_PAGE,
);

/**
 * Every issue label the API key's user can see, workspace-level and team-scoped alike (Query.issueLabels, schema:
 * "including both workspace-level and team-scoped labels"), by name: what an issues filter on `labels.some.name` can
 * match, read only to say which label a listing that came back empty named (`bfd audit --label`).
 */
export const LABEL_NAMES = /* GraphQL */ `
query BfdLabelNames($after: String) {
  issueLabels(first: ${TEAM_KEYS_PAGE_SIZE}, after: $after) { nodes { name } ${PAGE_INFO} }
}`;

/** Every project in the workspace (Query.projects: "Returns all projects in the workspace"), by name, as LABEL_NAMES. */
export const PROJECT_NAMES = /* GraphQL */ `
query BfdProjectNames($after: String) {
  projects(first: ${TEAM_KEYS_PAGE_SIZE}, after: $after) { nodes { name } ${PAGE_INFO} }
}`;

/** Posts a Markdown comment on an issue. */
export const CREATE_COMMENT = /* GraphQL */ `
  mutation BfdCreateComment($issueId: String!, $body: String!) {
    commentCreate(input: { issueId: $issueId, body: $body }) {
      success
      comment {
        id
        url
      }
    }
  }
`;

/**
 * One activity in an agent session (linear.app/developers/agent-interaction): `content` is a JSONObject
 * `{ type: thought|action|elicitation|response|error, body }` (AgentActivityCreateInput in schema.graphql).
 */
export const CREATE_AGENT_ACTIVITY = /* GraphQL */ `
  mutation BfdCreateAgentActivity($input: AgentActivityCreateInput!) {
    agentActivityCreate(input: $input) {
      success
      agentActivity {
        id
      }
    }
  }
`;

/** Replaces a comment's body; Linear lets only the comment's author do it. */
export const UPDATE_COMMENT = /* GraphQL */ `
  mutation BfdUpdateComment($id: String!, $body: String!) {
    commentUpdate(id: $id, input: { body: $body }) {
      success
      comment {
        id
        url
      }
    }
  }
`;

/**
 * Assigns an issue and/or moves it to a workflow state (`bfd start`): `Mutation.issueUpdate(id: String!, input:
 * IssueUpdateInput!): IssuePayload!` in ../shared/linear/schema.graphql; NOTES.md "Workflow states". A field left
 * null is not sent, so Linear leaves it as it is.
 */
export const UPDATE_ISSUE = /* GraphQL */ `
  mutation BfdUpdateIssue($id: String!, $input: IssueUpdateInput!) {
    issueUpdate(id: $id, input: $input) {
      success
      issue {
        id
        identifier
        state {
          name
          type
        }
        assignee {
          id
          name
          email
        }
      }
    }
  }
`;

/** The documents bfd sends, by operation name; the documents test walks this list. */
export const LINEAR_DOCUMENTS = {
  BfdViewer: VIEWER,
  BfdTeamWorkflow: TEAM_WORKFLOW,
  BfdIssueByKey: ISSUE_BY_KEY,
  BfdIssueByBranch: ISSUE_BY_BRANCH,
  BfdIssueByKeyWithTeams: ISSUE_BY_KEY_WITH_TEAMS,
  BfdIssueByBranchWithTeams: ISSUE_BY_BRANCH_WITH_TEAMS,
  BfdIssuesPage: ISSUES_PAGE,
  BfdIssueLabelsPage: ISSUE_LABELS_PAGE,
  BfdIssueChildrenPage: ISSUE_CHILDREN_PAGE,
  BfdIssueRelationsPage: ISSUE_RELATIONS_PAGE,
  BfdIssueInverseRelationsPage: ISSUE_INVERSE_RELATIONS_PAGE,
  BfdIssueAttachmentsPage: ISSUE_ATTACHMENTS_PAGE,
  BfdProjectDocumentsPage: PROJECT_DOCUMENTS_PAGE,
  BfdProjectExternalLinksPage: PROJECT_EXTERNAL_LINKS_PAGE,
  BfdIssueComments: ISSUE_COMMENTS,
  BfdTeamKeys: TEAM_KEYS,
  BfdLabelNames: LABEL_NAMES,
  BfdProjectNames: PROJECT_NAMES,
  BfdCreateComment: CREATE_COMMENT,
  BfdUpdateComment: UPDATE_COMMENT,
  BfdCreateAgentActivity: CREATE_AGENT_ACTIVITY,
  BfdUpdateIssue: UPDATE_ISSUE,
} as const;

export type LinearOperationName = keyof typeof LINEAR_DOCUMENTS;
