import { isPlaceholderText, visibleText } from "../markdown/placeholder.js";
import { visibleLines } from "../markdown/sections.js";
import type { WorkItem } from "../work-item/schema.js";

export interface WaiverLine {
  ruleId: string;
  /** Empty when the waiver gives no reason a reader can see (the engine then ignores it, saying why). */
  reason: string;
  source: "issue description" | "merge request description";
}

const WAIVER_LINE = /^bfd-waive:\s*(\S+)\s*(.*)$/i;

/**
 * Every `bfd-waive: <rule-id> <reason>` line a reader of the rendered issue and MR descriptions sees: never one in
 * an HTML comment (an MR template's help text), code, a block quote, struck text or image text. A reason of only
 * invisible characters or a template placeholder (`<why>`, TBD) is no reason: it comes back empty.
 */
export function findWaiverLines(item: WorkItem): WaiverLine[] {
  const lines: WaiverLine[] = [];
  const scan = (markdown: string, source: WaiverLine["source"]): void => {
    for (const line of visibleLines(markdown, "bfd-waive")) {
      const m = WAIVER_LINE.exec(visibleText(line));
      if (m === null) continue;
      const reason = visibleText(m[2]!);
      lines.push({ ruleId: m[1]!.toLowerCase(), reason: isPlaceholderText(reason) ? "" : reason, source });
    }
  };
  scan(item.issue?.description ?? "", "issue description");
  scan(item.mergeRequest?.description ?? "", "merge request description");
  return lines;
}
