/**
 * The name of the commit status `bfd serve` publishes by default (`serve.statusName` changes it). Its own module, so
 * the config schema can name it without loading the WorkItem's schemas.
 */
export const DEFAULT_STATUS_NAME = "bfd/done";

/**
 * How every description `bfd serve` writes on its commit status begins. bfd knows its own status by what it wrote, never
 * by its name: any CI job may be named `bfd/done`, but a job's commit status carries no description, and only a token
 * allowed to set statuses can write one.
 */
export const OWN_STATUS_MARKER = "[bfd serve] ";

/** Whether a commit status (its description) is one `bfd serve` wrote. */
export function isOwnStatusDescription(description: string | null): boolean {
  return description !== null && description.startsWith(OWN_STATUS_MARKER);
}

/**
 * The hidden marker bfd's own MR note starts with. Defined beside bfd's status name because evidence must leave out
 * bfd's own outputs too: the note quotes waiver hints, which nobody wrote as a waiver.
 */
export const OWN_NOTE_MARKER = "<!-- bfd:sticky-note -->";
