import type { HandoffResult } from "../handoff/compose.js";
import type { Report } from "../report/schema.js";
import { loadHandoffReporter } from "./handoff/index.js";
import { loadReporter } from "./index.js";
import { sliceWhole } from "../limits.js";
import { safeUrl } from "./markdown-escape.js";
import type { RenderOptions } from "./types.js";

/**
 * GitLab refuses a note longer than 1,000,000 characters: `validates :note, length: { maximum:
 * Gitlab::Database::MAX_TEXT_SIZE_LIMIT }` (gitlab-foss commit 5af535d9, "Limit the size of issuable description
 * and comments to 1_000_000"). Ruby counts code points; a JavaScript length counts UTF-16 units, never fewer,
 * so a body within this JavaScript length is within GitLab's limit.
 */
export const GITLAB_NOTE_MAX_CHARS = 1_000_000;

/**
 * Linear documents no limit for a comment body (its schema says only "The comment content in markdown
 * format"). bfd caps a handoff comment at 64 KiB, the limit GitHub applies to comments: far above any
 * real handoff note, and small enough that Linear's editor shows it whole.
 */
export const LINEAR_COMMENT_MAX_CHARS = 65_536;

/**
 * Markdown cut to `max` characters at a line boundary, ending with `notice`. A `<details>` block left open by
 * the cut is closed, so the notice is not folded away inside it. Text within the limit is returned unchanged.
 */
export function capMarkdown(text: string, max: number, notice: string): string {
  if (text.length <= max) return text;
  const closing = "\n</details>\n";
  const budget = Math.max(0, max - notice.length - closing.length - 3);
  const kept: string[] = [];
  let used = 0;
  let open = 0;
  for (const line of text.split("\n")) {
    if (used + line.length + 1 > budget) {
      if (kept.length === 0) kept.push(`${sliceWhole(line, Math.max(0, budget - 1))}…`);
      break;
    }
    kept.push(line);
    used += line.length + 1;
    if (line.startsWith("<details>")) open += 1;
    else if (line === "</details>") open -= 1;
  }
  return `${kept.join("\n")}${open > 0 ? closing : "\n"}\n${notice}\n`;
}

export interface NoteBodyOptions {
  /** The hidden marker bfd's own note starts with. */
  marker: string;
  /** The last line (who posted it, which pipeline). */
  footer: string;
  renderOptions: RenderOptions;
  /** The job's URL (CI_JOB_URL): its log holds the whole report. */
  jobUrl: string | undefined;
  redact: (text: string) => string;
}

/**
 * The body of bfd's merge-request note: marker, the Markdown report, footer — escaped by the reporter, then
 * redacted, then cut to GitLab's note limit (in that order, so neither escaping nor the cut can split a token
 * the redactor must see whole).
 */
export async function mergeRequestNoteBody(report: Report, options: NoteBodyOptions): Promise<string> {
  const job = options.jobUrl === undefined ? null : safeUrl(options.jobUrl);
  return markdownNoteBody((await loadReporter("markdown"))(report, options.renderOptions), {
    marker: options.marker,
    footer: options.footer,
    redact: options.redact,
    whole: `the whole report is in the log of ${job === null ? "the bfd ci job" : `[the bfd ci job](${job})`}`,
  });
}

export interface MarkdownNoteOptions {
  /** The hidden marker bfd's own note starts with. */
  marker: string;
  /** The last line (who posted it). */
  footer: string;
  redact: (text: string) => string;
  /** Where the whole report is, as Markdown: the end of the notice a cut note ends with. */
  whole: string;
}

/**
 * A merge-request note from Markdown a reporter has already rendered (escaped): marker, the Markdown redacted and
 * cut to GitLab's note limit, footer. `mergeRequestNoteBody` for the CLI; `bfd serve` for its verdicts (an
 * evaluation that could not be judged has Markdown but no report).
 */
export function markdownNoteBody(markdown: string, options: MarkdownNoteOptions): string {
  const head = `${options.marker}\n`;
  const tail = `\n${options.redact(options.footer)}\n`;
  const notice = `> **Note:** this report was cut to fit GitLab's limit for a note; ${options.whole}.`;
  return `${head}${capMarkdown(options.redact(markdown), GITLAB_NOTE_MAX_CHARS - head.length - tail.length, notice)}${tail}`;
}

/**
 * A Linear comment: `head` (bfd's own fixed text: its hidden marker and any line before the Markdown, never outside
 * text), then Markdown a reporter has already rendered (escaped), redacted, then cut so that the whole comment fits
 * LINEAR_COMMENT_MAX_CHARS, ending with `notice` when cut.
 */
export function markdownLinearComment(
  head: string,
  markdown: string,
  options: { redact: (text: string) => string; notice: string },
): string {
  return `${head}${capMarkdown(options.redact(markdown), LINEAR_COMMENT_MAX_CHARS - head.length, options.notice)}`;
}

/** Hidden marker that starts bfd's one handoff comment on a Linear issue (`bfd handoff --post` updates it). */
export const HANDOFF_MARKER = "<!-- bfd:handoff -->";

/**
 * The Linear comment `bfd handoff --post` keeps on the issue: the marker, then the handoff note, redacted, then cut
 * so that the whole comment fits LINEAR_COMMENT_MAX_CHARS.
 */
export async function linearCommentBody(result: HandoffResult, redact: (text: string) => string): Promise<string> {
  return markdownLinearComment(
    `${HANDOFF_MARKER}\n`,
    (await loadHandoffReporter("markdown"))(result, { colorLevel: 0 }),
    {
      redact,
      notice: `> **Note:** this note was cut to fit a comment; \`bfd handoff --state ${result.note.state} --format json\` prints it whole.`,
    },
  );
}
