/**
 * The name of the commit status `bfd serve` publishes by default (`serve.statusName` changes it). Its own module, so
 * the config schema can name it without loading the WorkItem's schemas.
 */
export const DEFAULT_STATUS_NAME = "bfd/done";

/**
 * The hidden marker bfd's own MR note starts with. Defined beside bfd's status name because evidence must leave out
 * bfd's own outputs too: the note quotes waiver hints, which nobody wrote as a waiver.
 */
export const OWN_NOTE_MARKER = "<!-- bfd:sticky-note -->";
