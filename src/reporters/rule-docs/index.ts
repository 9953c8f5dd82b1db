import type { RuleDocFormat } from "../formats.js";
import type { Reporter, ReporterRegistry } from "../types.js";
import type { RuleDocs } from "./types.js";

export { RULE_DOC_FORMATS, type RuleDocFormat } from "../formats.js";

const LOADERS: ReporterRegistry<RuleDocFormat, RuleDocs> = {
  table: async () => (await import("./table.js")).renderRuleTable,
  markdown: async () => (await import("./markdown.js")).renderRuleReference,
  json: async () => (await import("./json.js")).renderRuleList,
};

export function loadRuleDocReporter(format: RuleDocFormat): Promise<Reporter<RuleDocs>> {
  return LOADERS[format]();
}
