import { upsertStickyNote } from "../ci/sticky-note.js";
import type { GitLabSource } from "../sources/gitlab/index.js";
import { publishOnce, type PublishContext, type PublishOutcome } from "./publish.js";
import { mergeRequestNoteText } from "./verdict.js";

/**
 * The Done report as bfd's one note on the MR, through the same upsert `bfd ci --comment` uses (marker + the
 * token's own user; duplicates removed). The body (verdict.ts) is redacted and cut to GitLab's note limit, and
 * carries no time or trigger, so an unchanged verdict is not written again.
 */
export async function publishMergeRequestNote(
  ctx: PublishContext,
  gitlab: GitLabSource,
  target: { key: string; project: string; iid: number; selfId: number },
  markdown: string,
): Promise<{ outcome: PublishOutcome; noteId: number | null }> {
  const body = mergeRequestNoteText(markdown, target, ctx.redact);
  let noteId: number | null = null;
  const outcome = await publishOnce(ctx, { output: "mergeRequestNote", key: target.key, content: body }, async () => {
    const note = await upsertStickyNote(
      {
        listNotes: () => gitlab.listNotes(target.project, target.iid),
        createNote: (text) => gitlab.createNote(target.project, target.iid, text),
        updateNote: (id, text) => gitlab.updateNote(target.project, target.iid, id, text),
        deleteNote: (id) => gitlab.deleteNote(target.project, target.iid, id),
      },
      target.selfId,
      body,
    );
    noteId = note.id;
  });
  return { outcome, noteId };
}
