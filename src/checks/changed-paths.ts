import { z } from "zod";
import { GlobsSchema, changedMatching } from "../work-item/globs.js";
import { defineCheck, fail, listForMessage, pass, skip } from "./types.js";

const Options = z
  .object({
    paths: GlobsSchema.describe(
      "The merge request must change at least one file matching these globs (`!glob` excludes).",
    ),
    ifChanged: GlobsSchema.optional().describe(
      "Only required when a file matching these globs changed; skipped otherwise.",
    ),
    what: z
      .string()
      .min(1)
      .default("a matching file")
      .describe("What the required change is, for messages (e.g. 'release notes')."),
  })
  .strict();

/** The MR changes files matching `paths` — optionally only required when files matching `ifChanged` changed. */
export const changedPaths = defineCheck({
  id: "changed-paths",
  description:
    "The merge request changes a file matching the given globs, optionally only when files matching other globs changed.",
  options: Options,
  hint: "Update {{what}} in {{mergeRequest.url|the merge request}}.",
  hintData: ["what", "triggers"],
  needs: () => ["mergeRequest", "mergeRequest.changes"],
  run: (item, o) => {
    const changes = item.mergeRequest!.changes;
    let triggers: string[] = [];
    if (o.ifChanged !== undefined) {
      triggers = changedMatching(changes, o.ifChanged).map((f) => f.newPath);
      if (triggers.length === 0) return skip(`Not needed: no changed file matches ${o.ifChanged.join(", ")}`);
    }
    const data = { what: o.what, triggers: triggers.join(", ") };
    const hits = changedMatching(changes, o.paths).map((f) => f.newPath);
    const because = triggers.length > 0 ? ` although ${listForMessage(triggers, 3)} changed` : "";
    if (hits.length === 0) {
      return fail(
        `No change to ${o.what} (${o.paths.join(", ")})${because}`,
        triggers.map((t) => `changed: ${t}`),
        data,
      );
    }
    return pass(
      `${o.what[0]!.toUpperCase()}${o.what.slice(1)} changed: ${listForMessage(hits, 3)}`,
      hits.map((h) => `changed: ${h}`),
      data,
    );
  },
});
