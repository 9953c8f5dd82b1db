import { OWN_NOTE_MARKER } from "../work-item/own-status.js";

/** Hidden marker that identifies bfd's own note on a merge request. */
export const STICKY_MARKER = OWN_NOTE_MARKER;

export interface NoteLike {
  id: number;
  body: string;
  authorId: number;
  system: boolean;
}

export interface NotePort {
  listNotes(): Promise<NoteLike[]>;
  createNote(body: string): Promise<{ id: number }>;
  updateNote(id: number, body: string): Promise<void>;
  deleteNote(id: number): Promise<void>;
}

/**
 * bfd's note starts with the marker. The token is often a person's own, so a note that merely quotes the marker
 * (an explanation, a copy of the report) may share bfd's author: only the leading marker makes it bfd's.
 */
export function isOwnStickyNote(note: NoteLike, selfId: number): boolean {
  return !note.system && note.authorId === selfId && note.body.trimStart().startsWith(STICKY_MARKER);
}

/**
 * One bfd note per MR, updated in place: found by the leading hidden marker AND authored by the token's own user
 * (other people's notes are never touched, even if they quote the marker). Duplicates left by older or
 * concurrent runs are deleted, keeping the oldest; after creating a note the list is read again, so two
 * runs racing each other still converge on exactly one note.
 */
export async function upsertStickyNote(
  port: NotePort,
  selfId: number,
  body: string,
): Promise<{ id: number; action: "created" | "updated" }> {
  const text = body.trimStart().startsWith(STICKY_MARKER) ? body : `${STICKY_MARKER}\n${body}`;
  const own = (await port.listNotes()).filter((n) => isOwnStickyNote(n, selfId)).sort((a, b) => a.id - b.id);
  if (own.length > 0) {
    const [keep, ...duplicates] = own;
    await port.updateNote(keep!.id, text);
    await Promise.all(duplicates.map((n) => port.deleteNote(n.id).catch(() => undefined)));
    return { id: keep!.id, action: "updated" };
  }
  const created = await port.createNote(text);
  const after = (await port.listNotes()).filter((n) => isOwnStickyNote(n, selfId)).sort((a, b) => a.id - b.id);
  const keep = after[0];
  if (keep === undefined) return { id: created.id, action: "created" };
  await Promise.all(after.filter((n) => n.id !== keep.id).map((n) => port.deleteNote(n.id).catch(() => undefined)));
  if (keep.id === created.id) return { id: created.id, action: "created" };
  // Another run created one first: keep the oldest and make sure it carries this run's body.
  await port.updateNote(keep.id, text);
  return { id: keep.id, action: "updated" };
}
