import type { AuditResult } from "../../audit/audit.js";
import type { AuditFormat } from "../formats.js";
import type { Reporter, ReporterRegistry } from "../types.js";

export { AUDIT_FORMATS, type AuditFormat } from "../formats.js";

const LOADERS: ReporterRegistry<AuditFormat, AuditResult> = {
  pretty: async () => (await import("./pretty.js")).renderAuditPretty,
  json: async () => (await import("../json.js")).jsonText,
};

export function loadAuditReporter(format: AuditFormat): Promise<Reporter<AuditResult>> {
  return LOADERS[format]();
}
