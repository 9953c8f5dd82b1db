import type { AuditResult } from "../../audit/audit.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export const AUDIT_FORMATS = ["pretty", "json"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const LOADERS: ReporterRegistry<AuditFormat, AuditResult> = {
  pretty: async () => (await import("./pretty.js")).renderAuditPretty,
  json: async () => (await import("../json.js")).jsonText,
};

export function loadAuditReporter(format: AuditFormat): Promise<Reporter<AuditResult>> {
  return LOADERS[format]();
}
