import { jsonText } from "../json.js";
import type { Reporter, ReporterRegistry } from "../types.js";
import type { RuleDocs } from "./types.js";

export const RULE_DOC_FORMATS = ["table", "markdown", "json"] as const;
export type RuleDocFormat = (typeof RULE_DOC_FORMATS)[number];

const LOADERS: ReporterRegistry<RuleDocFormat, RuleDocs> = {
  table: async () => (await import("./table.js")).renderRuleTable,
  markdown: async () => (await import("./markdown.js")).renderRuleReference,
  json: async () => (docs) =>
    jsonText(
      docs.rules.map((r) => ({
        id: r.id,
        gate: r.gate,
        severity: r.severity,
        title: r.title,
        check: r.kind.id,
        waivable: r.waivable,
        location: r.location,
      })),
    ),
};

export function loadRuleDocReporter(format: RuleDocFormat): Promise<Reporter<RuleDocs>> {
  return LOADERS[format]();
}
