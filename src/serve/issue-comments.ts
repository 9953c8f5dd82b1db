import { BfdError } from "../errors.js";
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

/**
 * The port over the Linear adapter. LinearSource can create a comment but not yet list or edit one (that work is
 * under way), so until it can, this answers with a clear error and `serve.outputs.linearComment` must stay off.
 */
export function linearIssueComments(linear: LinearSource): IssueComments {
  const notYet = (): never => {
    throw new BfdError(
      "config",
      "linear-comments-unavailable",
      "keeping one bfd comment on a Linear issue needs listing and editing comments, which this bfd cannot do yet",
      { hint: "Set serve.outputs.linearComment: false in bfd.config.yaml until a bfd release that can." },
    );
  };
  return {
    list: async () => notYet(),
    create: async (issueId, body) => ({ id: (await linear.createComment(issueId, body)).id }),
    update: async () => notYet(),
  };
}
