import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { mentionTextOf } from "../markdown/sections.js";
import { findIssueKeyMentions, findIssueKeys, keysOfIssue, NOT_ISSUE_PREFIXES } from "../work-item/issue-keys.js";
import { MarkdownSourceSchema, markdownOf, sourceName, sourceNeeds } from "./markdown-source.js";
import { defineCheck, error, fail, listForMessage, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    teams: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,9}$/))
      .default([])
      .describe(
        "Only mentions with these team keys count (plus the issue's own team and its linked issues' teams); empty: every key of a team in the workspace (read from Linear, so UTF-8, SHA-256 or ISO-8601 are no issues unless a team has that key). Linear issue URLs always count.",
      ),
  })
  .strict();

/** Issue keys mentioned in the description are linked in Linear (relation, parent or sub-issue), so dependencies are visible. */
export const mentionsLinked = defineCheck({
  id: "mentions-linked",
  description: "Every issue key mentioned in the description is linked in Linear as a relation, parent or sub-issue.",
  options: Options,
  hint: "Link {{unlinked}} to {{issue.url|the issue}} in Linear (blocked by / blocks / related), so the dependency is visible.",
  hintData: ["unlinked"],
  needs: (o) => ["issue", "issue.workspaceTeamKeys", ...sourceNeeds(o.source)],
  run: (item, o) => {
    const issue = item.issue!;
    const linked = new Set(
      [issue.parent, ...issue.children, ...issue.blockedBy, ...issue.blocking, ...issue.related]
        .filter((ref) => ref !== null)
        .map((ref) => ref.identifier.toUpperCase()),
    );
    // The issue may name itself, by its key or one it had before it moved.
    const own = new Set(keysOfIssue(issue));
    const teams = new Set(
      [issue.teamKey, ...o.teams, ...[...linked].map((k) => k.split("-")[0]!)].map((t) => t.toUpperCase()),
    );
    const workspace =
      issue.workspaceTeamKeys === null ? null : new Set(issue.workspaceTeamKeys.map((t) => t.toUpperCase()));
    // A key names an issue when its team is one of the workspace's (read from Linear). A snapshot from before bfd read
    // them has none: then every key counts but the usual names that look like keys (UTF-8, SHA-256, ISO-8601).
    const counts = (key: string): boolean => {
      const team = key.split("-")[0]!;
      if (teams.has(team)) return true;
      if (o.teams.length > 0) return false;
      return workspace === null ? !NOT_ISSUE_PREFIXES.has(team) : workspace.has(team);
    };
    const markdown = markdownOf(item, o.source);
    const problem = markdownLimitProblem(markdown, sourceName(o.source));
    if (problem !== null) return error(problem.message, [], { unlinked: "" });
    const written = mentionTextOf(markdown);
    const fromUrls = written.urls
      .filter((url) => /^https?:\/\/linear\.app\//i.test(url))
      .flatMap((url) => findIssueKeys(url));
    const fromText = findIssueKeyMentions(written.text).filter((m) => counts(m.key));
    const suspicious = fromText.flatMap((m) => (m.suspicious === undefined ? [] : [`suspicious: ${m.suspicious}`]));
    const mentioned = [...new Set([...fromText.map((m) => m.key), ...fromUrls])].filter((k) => !own.has(k));
    const unlinked = mentioned.filter((k) => !linked.has(k));
    const evidence = [...mentioned.map((k) => `${k}: ${linked.has(k) ? "linked" : "not linked"}`), ...suspicious];
    const data = { unlinked: unlinked.join(", ") };
    if (unlinked.length > 0)
      return fail(`Mentioned but not linked in Linear: ${listForMessage(unlinked)}`, evidence, data);
    if (mentioned.length === 0)
      return pass(`No other issues mentioned; ${plural(linked.size, "linked issue")}`, evidence, data);
    return pass(
      mentioned.length === 1
        ? "The one mentioned issue is linked"
        : `All ${plural(mentioned.length, "mentioned issue")} are linked`,
      evidence,
      data,
    );
  },
});
