import { z } from "zod";
import { defineCheck, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    on: z.enum(["issue", "mergeRequest"]).default("mergeRequest").describe("Whose labels to read."),
    any: z.array(z.string().min(1)).optional().describe("At least one of these labels must be present."),
    all: z.array(z.string().min(1)).optional().describe("Every one of these labels must be present."),
    none: z.array(z.string().min(1)).optional().describe("None of these labels may be present."),
  })
  .strict()
  .refine((o) => o.any !== undefined || o.all !== undefined || o.none !== undefined, {
    message: "give at least one of any, all or none",
  });

/** Labels on the issue or the merge request: any / all / none of a set (case-insensitive). */
export const labels = defineCheck({
  id: "labels",
  description: "The issue's or merge request's labels include any / all / none of the given labels (case-insensitive).",
  options: Options,
  hint: "Add or remove the labels on {{mergeRequest.url|the merge request}}.",
  hintData: ["missing", "unwanted"],
  // Labels it forbids (`none`) need not exist; those it asks for do, on the side it reads.
  workspaceNames: (o) =>
    (["any", "all"] as const).flatMap((option) =>
      (o[option] ?? []).map((name) => ({
        where: o.on === "issue" ? ("linear-label" as const) : ("gitlab-label" as const),
        name,
        option,
      })),
    ),
  needs: (o) => (o.on === "issue" ? ["issue"] : ["mergeRequest"]),
  run: (item, o) => {
    const present = (o.on === "issue" ? item.issue?.labels : item.mergeRequest?.labels) ?? [];
    const has = new Set(present.map((l) => l.toLowerCase()));
    const whose = o.on === "issue" ? "issue" : "merge request";
    const evidence = present.map((l) => `label: ${l}`);
    const missingAll = (o.all ?? []).filter((l) => !has.has(l.toLowerCase()));
    const unwanted = (o.none ?? []).filter((l) => has.has(l.toLowerCase()));
    const anyOk = o.any === undefined || o.any.some((l) => has.has(l.toLowerCase()));
    const problems: string[] = [];
    if (missingAll.length > 0) problems.push(`is missing label ${listForMessage(missingAll.map((l) => `"${l}"`))}`);
    if (!anyOk) problems.push(`needs one of ${listForMessage((o.any ?? []).map((l) => `"${l}"`))}`);
    if (unwanted.length > 0) problems.push(`must not have ${listForMessage(unwanted.map((l) => `"${l}"`))}`);
    const data = {
      missing: [...missingAll, ...(anyOk ? [] : (o.any ?? []))].join(", "),
      unwanted: unwanted.join(", "),
    };
    if (problems.length > 0) return fail(`The ${whose} ${problems.join("; ")}`, evidence, data);
    return pass(`The ${whose} has the required labels`, evidence, data);
  },
});
