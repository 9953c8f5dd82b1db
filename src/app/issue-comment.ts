/** A comment on a Linear issue, as bfd needs to recognise its own. */
export interface CommentSummary {
  id: string;
  body: string;
  /** The Linear user who wrote it; null for integrations. */
  userId: string | null;
}

/**
 * bfd's own comment of one kind on an issue: it starts with `marker` AND was written by the API key's own user, so
 * nobody else's comment is ever edited (a person quoting the marker included). The list comes oldest first; the
 * oldest of bfd's comments is the one kept. Shared by `bfd handoff --post` and `bfd serve`'s Ready comment.
 */
export function ownComment(
  comments: readonly CommentSummary[],
  marker: string,
  selfId: string | null,
): CommentSummary | null {
  if (selfId === null) return null;
  return comments.find((c) => c.userId === selfId && c.body.trimStart().startsWith(marker)) ?? null;
}
