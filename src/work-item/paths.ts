import type { z } from "zod";
import { WorkItemSchema, type EvidenceKey } from "./schema.js";

/**
 * Dotted paths into a WorkItem (`issue.state.name`, `mergeRequest.labels`, `mergeRequest.changes.newPath`),
 * used by `when:` conditions, the generic `field` check and hint templates. Through an array the path maps
 * over its elements, so `mergeRequest.changes.newPath` is the list of new paths.
 */
export function getPath(root: unknown, path: string): unknown {
  let values: unknown[] = [root];
  let throughArray = false;
  for (const segment of path.split(".")) {
    const next: unknown[] = [];
    for (const value of values) {
      if (Array.isArray(value)) {
        throughArray = true;
        for (const element of value) pushField(next, element, segment);
      } else {
        pushField(next, value, segment);
      }
    }
    values = next;
  }
  if (throughArray) return values.flatMap((value) => (Array.isArray(value) ? value : [value]));
  return values.length === 0 ? undefined : values[0];
}

function pushField(out: unknown[], value: unknown, segment: string): void {
  if (value !== null && typeof value === "object" && Object.prototype.hasOwnProperty.call(value, segment)) {
    out.push((value as Record<string, unknown>)[segment]);
  } else if (value === null) {
    out.push(null);
  }
}

let cachedPaths: string[] | null = null;

/**
 * WorkItem fields no rule names: each further merge request is judged as `mergeRequest` in a pass of its own
 * (src/engine/evaluate.ts), so a rule that read them would judge one MR by another.
 */
const NOT_NAMEABLE = new Set(["otherMergeRequests"]);

/** Every path a rule may name, derived from the WorkItem zod schema so the two can never disagree. */
export function workItemPaths(): string[] {
  if (cachedPaths === null) {
    cachedPaths = [];
    collectPaths(WorkItemSchema, "", cachedPaths);
    cachedPaths = cachedPaths.filter((path) => !NOT_NAMEABLE.has(path.split(".")[0]!));
  }
  return cachedPaths;
}

interface IntrospectableDef {
  type: string;
  innerType?: z.ZodType;
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
}

function collectPaths(schema: z.ZodType, prefix: string, out: string[]): void {
  const def = schema.def as unknown as IntrospectableDef;
  if ((def.type === "nullable" || def.type === "default" || def.type === "optional") && def.innerType) {
    collectPaths(def.innerType, prefix, out);
    return;
  }
  if (def.type === "array" && def.element) {
    collectPaths(def.element, prefix, out);
    return;
  }
  if (def.type === "object" && def.shape) {
    for (const [key, child] of Object.entries(def.shape)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      out.push(path);
      collectPaths(child, path, out);
    }
  }
}

/** Which evidence a path reads, so a rule or condition over unreadable evidence is `error`, never pass or skip. */
export function evidenceForPath(path: string): EvidenceKey[] {
  if (path === "issue" || path.startsWith("issue.")) return ["issue"];
  for (const part of ["changes", "headPipeline", "files"] as const) {
    if (path.startsWith(`mergeRequest.${part}`)) return ["mergeRequest", `mergeRequest.${part}`];
  }
  if (path === "mergeRequest" || path.startsWith("mergeRequest.")) return ["mergeRequest"];
  return [];
}
