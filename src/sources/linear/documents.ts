/**
 * Every GraphQL document bfd sends to Linear, hand-written so that one gate check costs one request.
 *
 * `test/unit/linear-documents.test.ts` validates each exported document against the vendored schema
 * (`test/fixtures/linear/schema.graphql`) and estimates its complexity, so a field Linear does not have
 * (`Issue.blockedBy`, `Project.spec`, …) fails the build instead of a gate at run time.
 *
 * Complexity (Linear's published scoring, see NOTES.md §8: ~0.1 point per scalar, 1 per object, and a
 * connection multiplies its children by `first`; one query may cost at most 10,000 points):
 *
 * - ISSUE_FIELDS, for one issue: labels 50 × 1.1 = 55, project documents 20 × 1.3 = 26, external links
 *   20 × 1.2 = 24, children 50 × 2.5 = 125, relations 50 × 3.6 = 180, inverse relations 50 × 3.6 = 180,
 *   attachments 50 × 1.5 = 75, plus ~15 for the issue's own objects ≈ 680 points.
 * - AUDIT_ISSUE_FIELDS, per issue of a page: labels 10 × 1.1 = 11, documents 5 × 1.3 = 6.5, links
 *   5 × 1.2 = 6, children 10 × 2.5 = 25, relations 10 × 3.6 = 36, inverse relations 10 × 3.6 = 36,
 *   attachments 10 × 1.5 = 15, plus ~15 ≈ 150 points (pageInfo adds ~1 per connection), so a page of
 *   AUDIT_PAGE_SIZE = 50 issues costs ≈ 50 × 160 = 8,000 points: 250 issues take 5 requests.
 * - ISSUES_BY_ID refetches, with the full fields, the few audit issues whose nested lists did not fit:
 *   REFETCH_BATCH_SIZE = 10 issues × 680 ≈ 6,800 points.
 */

/** The fields every gate reads, for one issue at full depth. */
export const ISSUE_FIELDS_FRAGMENT = /* GraphQL */ `
  fragment BfdIssueFields on Issue {
    id
    identifier
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
    labels(first: 50) {
      nodes {
        name
      }
    }
    project {
      id
      name
      url
      description
      content
      documents(first: 20) {
        nodes {
          title
          url
          content
        }
      }
      externalLinks(first: 20) {
        nodes {
          label
          url
        }
      }
    }
    parent {
      identifier
      title
      url
      state {
        name
        type
      }
    }
    children(first: 50) {
      nodes {
        identifier
        title
        url
        state {
          name
          type
        }
      }
    }
    relations(first: 50) {
      nodes {
        type
        relatedIssue {
          identifier
          title
          url
          state {
            name
            type
          }
        }
      }
    }
    inverseRelations(first: 50) {
      nodes {
        type
        issue {
          identifier
          title
          url
          state {
            name
            type
          }
        }
      }
    }
    attachments(first: 50) {
      nodes {
        url
        title
        subtitle
        sourceType
        createdAt
      }
    }
  }
`;

/**
 * The same fields with smaller nested pages, for audit pages of many issues. Each nested list also asks
 * `pageInfo { hasNextPage }`: an issue whose list did not fit is refetched with ISSUES_BY_ID, so a
 * blocker beyond the 10th relation can never be silently missed.
 */
export const AUDIT_ISSUE_FIELDS_FRAGMENT = /* GraphQL */ `
  fragment BfdAuditIssueFields on Issue {
    id
    identifier
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
    labels(first: 10) {
      nodes {
        name
      }
      pageInfo {
        hasNextPage
      }
    }
    project {
      id
      name
      url
      description
      content
      documents(first: 5) {
        nodes {
          title
          url
          content
        }
        pageInfo {
          hasNextPage
        }
      }
      externalLinks(first: 5) {
        nodes {
          label
          url
        }
        pageInfo {
          hasNextPage
        }
      }
    }
    parent {
      identifier
      title
      url
      state {
        name
        type
      }
    }
    children(first: 10) {
      nodes {
        identifier
        title
        url
        state {
          name
          type
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    relations(first: 10) {
      nodes {
        type
        relatedIssue {
          identifier
          title
          url
          state {
            name
            type
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    inverseRelations(first: 10) {
      nodes {
        type
        issue {
          identifier
          title
          url
          state {
            name
            type
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    attachments(first: 10) {
      nodes {
        url
        title
        subtitle
        sourceType
        createdAt
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`;

const VIEWER_FIELDS = "viewer { id name email }";

/** Page size of the audit listing; see the complexity arithmetic above. */
export const AUDIT_PAGE_SIZE = 50;
/** How many truncated audit issues one ISSUES_BY_ID request refetches. */
export const REFETCH_BATCH_SIZE = 10;

/** One issue by key (`ENG-123`) or UUID, and who the API key belongs to. */
export const ISSUE_BY_KEY = /* GraphQL */ `
query BfdIssueByKey($id: String!) {
  issue(id: $id) { ...BfdIssueFields }
  ${VIEWER_FIELDS}
}
${ISSUE_FIELDS_FRAGMENT}`;

/** The issue Linear links to a git branch (null when none), and the viewer. */
export const ISSUE_BY_BRANCH = /* GraphQL */ `
query BfdIssueByBranch($branch: String!) {
  issueVcsBranchSearch(branchName: $branch) { ...BfdIssueFields }
  ${VIEWER_FIELDS}
}
${ISSUE_FIELDS_FRAGMENT}`;

/** One page of the audit listing. */
export const ISSUES_PAGE = /* GraphQL */ `
query BfdIssuesPage($filter: IssueFilter!, $first: Int!, $after: String) {
  issues(filter: $filter, first: $first, after: $after) {
    nodes { ...BfdAuditIssueFields }
    pageInfo { hasNextPage endCursor }
  }
  ${VIEWER_FIELDS}
}
${AUDIT_ISSUE_FIELDS_FRAGMENT}`;

/** Full fields for a handful of issues by UUID (audit issues whose nested lists were cut). */
export const ISSUES_BY_ID = /* GraphQL */ `
  query BfdIssuesById($ids: [ID!]!, $first: Int!) {
    issues(filter: { id: { in: $ids } }, first: $first) {
      nodes {
        ...BfdIssueFields
      }
    }
  }
  ${ISSUE_FIELDS_FRAGMENT}
`;

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

/** The documents bfd sends, by operation name; the documents test walks this list. */
export const LINEAR_DOCUMENTS = {
  BfdIssueByKey: ISSUE_BY_KEY,
  BfdIssueByBranch: ISSUE_BY_BRANCH,
  BfdIssuesPage: ISSUES_PAGE,
  BfdIssuesById: ISSUES_BY_ID,
  BfdCreateComment: CREATE_COMMENT,
} as const;

export type LinearOperationName = keyof typeof LINEAR_DOCUMENTS;
