import type { DoctorResult } from "../../doctor/result.js";
import type { Reporter, ReporterRegistry } from "../types.js";

/** `bfd doctor`'s formats (src/program.ts lists the same two for `--format`). */
export const DOCTOR_FORMATS = ["pretty", "json"] as const;
export type DoctorFormat = (typeof DOCTOR_FORMATS)[number];

const LOADERS: ReporterRegistry<DoctorFormat, DoctorResult> = {
  pretty: async () => (await import("./pretty.js")).renderDoctorPretty,
  json: async () => (await import("./json.js")).renderDoctorJson,
};

export function loadDoctorReporter(format: DoctorFormat): Promise<Reporter<DoctorResult>> {
  return LOADERS[format]();
}
