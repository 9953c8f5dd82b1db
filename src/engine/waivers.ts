import type { WorkItem } from "../work-item/schema.js";

export interface WaiverLine {
  ruleId: string;
  reason: string;
  source: "issue description" | "merge request description";
}

const WAIVER_LINE = /^[\s>*-]*bfd-waive:\s*(\S+)\s*(.*)$/gim;

/** Every `bfd-waive: <rule-id> <reason>` line in the issue and MR descriptions (reason may be empty: reported later). */
export function findWaiverLines(item: WorkItem): WaiverLine[] {
  const lines: WaiverLine[] = [];
  const scan = (text: string, source: WaiverLine["source"]): void => {
    for (const m of text.matchAll(WAIVER_LINE)) {
      lines.push({ ruleId: m[1]!.toLowerCase(), reason: m[2]!.trim().replace(/\s*(-->|<!--)\s*$/, ""), source });
    }
  };
  scan(item.issue?.description ?? "", "issue description");
  scan(item.mergeRequest?.description ?? "", "merge request description");
  return lines;
}
