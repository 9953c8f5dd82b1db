import type { LinearSource } from "../sources/linear/index.js";

export interface IssueComment {
  id: string;
  body: string;
  /** The Linear user who wrote it; null for integrations. */
  userId: string | null;
}

/** The comments of a Linear issue, as the Linear-comment publisher needs them. */
export interface IssueComments {
  list(issueId: string): Promise<IssueComment[]>;
  create(issueId: string, body: string): Promise<{ id: string }>;
  update(commentId: string, body: string): Promise<void>;
}

/** The port over the Linear adapter: every page of the issue's comments, and create or update one in place. */
export function linearIssueComments(linear: LinearSource): IssueComments {
  return {
    list: async (issueId) =>
      (await linear.listComments(issueId)).map((c) => ({ id: c.id, body: c.body, userId: c.userId })),
    create: async (issueId, body) => ({ id: (await linear.createComment(issueId, body)).id }),
    update: async (commentId, body) => {
      await linear.updateComment(commentId, body);
    },
  };
}
