import { doctorJson, type DoctorResult } from "../../doctor/result.js";
import { jsonText } from "../json.js";
import type { Reporter } from "../types.js";

/** `{ schemaVersion: 1, ok, checks: [{ id, status, title, detail, fix? }] }`, for tools. */
export const renderDoctorJson: Reporter<DoctorResult> = (result) => jsonText(doctorJson(result));
