import { readFileSync } from "node:fs";
import { z } from "zod";
import { inputError, printable } from "../errors.js";
import { jsonPath, scanJson } from "./json-scan.js";
import { upgradeSnapshot, WORK_ITEM_SCHEMA_VERSION, WorkItemSchema, type WorkItem } from "../work-item/schema.js";

// A run parses one snapshot: zod's JIT (a `new Function` per object schema, built on the first parse) costs more
// than it saves then, and code built that way is never in V8's code cache. Without it zod gives the same results.
z.config({ jitless: true });

/** Largest snapshot bfd reads: a WorkItem is kilobytes; anything near this is not a snapshot. */
const MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024;

/**
 * Reads a WorkItem snapshot (`bfd snapshot -o FILE`, or hand-written examples) and validates it. Every
 * failure is an input error (exit 2) that names the file and says what to do.
 */
export async function readSnapshot(path: string): Promise<WorkItem> {
  let text: string;
  try {
    // Synchronous: one small file, and node:fs/promises would load readline and more at start-up.
    const buffer = readFileSync(path);
    if (buffer.byteLength > MAX_SNAPSHOT_BYTES)
      throw inputError(
        "snapshot-too-large",
        `${path}: snapshot is larger than 20 MiB`,
        "Pass a file written by `bfd snapshot`.",
      );
    text = buffer.toString("utf8");
  } catch (error) {
    if (
      error instanceof Error &&
      "code" in error &&
      (error.code === "ENOENT" || error.code === "EISDIR" || error.code === "EACCES")
    ) {
      const why =
        error.code === "ENOENT" ? "no such file" : error.code === "EISDIR" ? "is a directory" : "permission denied";
      throw inputError(
        "snapshot-unreadable",
        `${path}: cannot read snapshot (${why})`,
        "Pass the path of a JSON file written by `bfd snapshot -o FILE`.",
      );
    }
    throw error;
  }
  return parseSnapshot(text, path);
}

export function parseSnapshot(text: string, path: string): WorkItem {
  let raw: unknown;
  const json = text.replace(/^\uFEFF/, "");
  try {
    raw = JSON.parse(json);
  } catch (error) {
    // V8 quotes the text around the error, line breaks included.
    const detail = printable(error instanceof Error ? error.message : String(error), 200);
    throw inputError(
      "snapshot-not-json",
      `${path}: not valid JSON (${detail})`,
      "Snapshots are JSON files written by `bfd snapshot -o FILE`.",
    );
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw inputError(
      "snapshot-shape",
      `${path}: a snapshot is a JSON object with schemaVersion ${WORK_ITEM_SCHEMA_VERSION}`,
      "Write one with `bfd snapshot -o FILE`.",
    );
  }
  // JSON.parse keeps the last of two equal keys: which one the author meant is not bfd's to guess.
  const { duplicate } = scanJson(json);
  if (duplicate !== null) {
    throw inputError(
      "snapshot-duplicate-key",
      `${path}:${duplicate.line}: key ${printable(JSON.stringify(duplicate.key), 80)} appears twice in ${duplicate.path === "" ? "the snapshot" : printable(duplicate.path.slice(1).replaceAll("/", "."), 120)}`,
      "Keep one of them: a snapshot is the JSON `bfd snapshot -o FILE` writes, each key once.",
    );
  }
  const current = upgradeSnapshot(raw as Record<string, unknown>);
  const version = current["schemaVersion"];
  if (version !== WORK_ITEM_SCHEMA_VERSION) {
    throw inputError(
      "snapshot-version",
      `${path}: snapshot schemaVersion is ${printable(JSON.stringify(version) ?? "missing", 80)}, this bfd reads schemaVersion 1 to ${WORK_ITEM_SCHEMA_VERSION}`,
      "Re-create the snapshot with this version of bfd: bfd snapshot ISSUE -o FILE",
    );
  }
  const parsed = WorkItemSchema.safeParse(current);
  if (!parsed.success) {
    const shown = parsed.error.issues.slice(0, 5);
    const { lines } = scanJson(json, new Set(shown.map((issue) => jsonPath(issue.path))));
    const lineOf = (issue: (typeof shown)[number]): number | undefined => lines.get(jsonPath(issue.path));
    const problems = shown.map((issue) => {
      const at = lineOf(issue);
      return `${issue.path.join(".") || "(root)"}${at === undefined ? "" : ` (line ${at})`}: ${issue.message}`;
    });
    const first = shown.map(lineOf).find((at) => at !== undefined);
    const more = parsed.error.issues.length > 5 ? ` (and ${parsed.error.issues.length - 5} more)` : "";
    throw inputError(
      "snapshot-invalid",
      `${path}${first === undefined ? "" : `:${first}`}: not a valid snapshot: ${printable(problems.join("; "), 1_000)}${more}`,
      "Compare it with `bfd snapshot` output or examples/*.json.",
    );
  }
  return parsed.data;
}

export function snapshotJsonSchema(): unknown {
  return z.toJSONSchema(WorkItemSchema, { io: "input" });
}
