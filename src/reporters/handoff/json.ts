import type { HandoffResult } from "../../handoff/compose.js";
import { cappedReport, jsonText } from "../json.js";
import type { Reporter } from "../types.js";
import { renderHandoffMarkdown } from "./markdown.js";

/** The note's parts, the note as Markdown, the Done report (evidence capped as in every JSON report), the comment. */
export const renderHandoffJson: Reporter<HandoffResult> = (result, options) =>
  jsonText({
    schemaVersion: 1,
    ...result.note,
    markdown: renderHandoffMarkdown(result, options),
    report: cappedReport(result.report),
    comment: result.comment,
  });
