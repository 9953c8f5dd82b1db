import { z } from "zod";
import { GlobsSchema, changedInto, changedMatching, isNotTheProjectsOwn, touchedPaths } from "../work-item/globs.js";
import { defineCheck, fail, listForMessage, pass, skip } from "./types.js";

const Options = z
  .object({
    paths: GlobsSchema.describe(
      "The merge request must add or change a file matching these globs (`!glob` excludes); a file it deletes or renames away does not count.",
    ),
    ifChanged: GlobsSchema.optional().describe(
      "Only required when a file matching these globs changed (added, changed, deleted or renamed); skipped otherwise.",
    ),
    ignoreCase: z
      .boolean()
      .default(false)
      .describe("Match the globs case-insensitively, so CHANGELOG.md also matches changelog.md and Changelog.MD."),
    includeVendored: z
      .boolean()
      .default(false)
      .describe(
        "Count files in vendored or generated trees (vendor/, node_modules/, third_party/, …) and keep-files (.gitkeep). Off: they are never this project's notes, docs or UI.",
      ),
    what: z
      .string()
      .min(1)
      .default("a matching file")
      .describe("What the required change is, for messages (e.g. 'release notes')."),
  })
  .strict();

/**
 * The MR adds or changes a file matching `paths` (one that exists after the change) — optionally only required
 * when files matching `ifChanged` changed.
 */
export const changedPaths = defineCheck({
  id: "changed-paths",
  description:
    "The merge request adds or changes a file matching the given globs (not one it deletes), optionally only when files matching other globs changed.",
  options: Options,
  hint: "Update {{what}} in {{mergeRequest.url|the merge request}}.",
  hintData: ["what", "triggers"],
  needs: () => ["mergeRequest", "mergeRequest.changes"],
  run: (item, o) => {
    // Vendored trees and keep-files are not this project's UI, notes or docs, on either side of the rule (#22): a
    // change counts as a trigger when it touches one of the project's own paths, as an update when it ends in one.
    const all = item.mergeRequest!.changes;
    const changes = o.includeVendored ? all : all.filter((f) => !touchedPaths(f).every(isNotTheProjectsOwn));
    const updates = o.includeVendored ? all : all.filter((f) => !isNotTheProjectsOwn(f.newPath));
    let triggers: string[] = [];
    if (o.ifChanged !== undefined) {
      triggers = changedMatching(changes, o.ifChanged, { ignoreCase: o.ignoreCase }).map((f) => f.newPath);
      if (triggers.length === 0) return skip(`Not needed: no changed file matches ${listForMessage(o.ifChanged, 6)}`);
    }
    const data = { what: o.what, triggers: triggers.join(", ") };
    // The file must exist after the change: deleting CHANGELOG.md, or renaming it away, updates no release notes.
    const hits = changedInto(updates, o.paths, { ignoreCase: o.ignoreCase }).map((f) => f.newPath);
    const because = triggers.length > 0 ? ` although ${listForMessage(triggers, 3)} changed` : "";
    if (hits.length === 0) {
      return fail(
        // The globs that say where the files are; the exclusions (`!…`) would only bury them.
        `No change to ${o.what} (${listForMessage(
          o.paths.filter((glob) => !glob.startsWith("!")),
          6,
        )})${because}`,
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
