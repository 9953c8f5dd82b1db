import { pino, type Logger } from "pino";
import { createRedactor } from "../redact.js";

export type { Logger } from "pino";

/** OpenTelemetry log data model severities (SeverityNumber: TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21). */
const SEVERITY: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

/**
 * JSON lines on stdout with OpenTelemetry semantic-convention keys (the team's ADR 0028): `severity_text` /
 * `severity_number` for the level, `service.name`, and attributes such as `http.request.method`, `url.path`,
 * `http.response.status_code`, `server.address` (semconv HTTP spans, v1.26+). Every line passes through
 * src/redact.ts with the service's secrets (and token-shaped strings) before it is written — the whole serialised
 * line, so no attribute, message or error text can carry a token or webhook secret into a log.
 */
export function createLogger(
  out: { write: (line: string) => void },
  options: { secrets: readonly string[]; version: string; level?: string },
): Logger {
  const redact = createRedactor(options.secrets);
  return pino(
    {
      level: options.level ?? "info",
      base: { "service.name": "bfd", "service.version": options.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ severity_text: label.toUpperCase(), severity_number: SEVERITY[label] ?? 9 }),
      },
      hooks: { streamWrite: redact },
    },
    { write: (line: string) => out.write(line) },
  );
}

/** A one-line reason from anything thrown, for `error.message` in a log line. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
