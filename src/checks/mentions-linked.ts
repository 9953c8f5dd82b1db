import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { proseOf } from "../markdown/sections.js";
import { findIssueKeys, NOT_ISSUE_PREFIXES } from "../work-item/issue-keys.js";
import { MarkdownSourceSchema, markdownOf, sourceName, sourceNeeds } from "./markdown-source.js";
import { defineCheck, error, fail, listForMessage, pass } from "./types.js";

const Options = z
  .object({
    source: MarkdownSourceSchema.default("issue.description"),
    teams: z
      .array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,9}$/))
      .default([])
      .describe(
        "Only mentions with these team keys count (plus the issue's own team and its linked issues' teams); empty: every key except common non-issue names (UTF-8, SHA-256, ISO-8601, RFC-2119, …). Linear issue URLs always count.",
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
  needs: (o) => ["issue", ...sourceNeeds(o.source)],
  run: (item, o) => {
    const issue = item.issue!;
    const linked = new Set(
      [issue.parent, ...issue.children, ...issue.blockedBy, ...issue.blocking, ...issue.related]
        .filter((ref) => ref !== null)
        .map((ref) => ref.identifier.toUpperCase()),
    );
    // Never inside code, and not the usual names that look like keys: `UTF-8`, `SHA-256` or `ISO-8601` are not issues.
    const teams = new Set(
      [issue.teamKey, ...o.teams, ...[...linked].map((k) => k.split("-")[0]!)].map((t) => t.toUpperCase()),
    );
    const counts = (key: string): boolean => {
      const team = key.split("-")[0]!;
      return o.teams.length > 0 ? teams.has(team) : teams.has(team) || !NOT_ISSUE_PREFIXES.has(team);
    };
    const markdown = markdownOf(item, o.source);
    const problem = markdownLimitProblem(markdown, sourceName(o.source));
    if (problem !== null) return error(problem.message, [], { unlinked: "" });
    const prose = proseOf(markdown);
    const fromUrls = prose.urls
      .filter((url) => /^https?:\/\/linear\.app\//i.test(url))
      .flatMap((url) => findIssueKeys(url));
    const fromText = findIssueKeys(prose.text).filter(counts);
    const mentioned = [...new Set([...fromText, ...fromUrls])].filter((k) => k !== issue.identifier.toUpperCase());
    const unlinked = mentioned.filter((k) => !linked.has(k));
    const evidence = mentioned.map((k) => `${k}: ${linked.has(k) ? "linked" : "not linked"}`);
    const data = { unlinked: unlinked.join(", ") };
    if (unlinked.length > 0)
      return fail(`Mentioned but not linked in Linear: ${listForMessage(unlinked)}`, evidence, data);
    if (mentioned.length === 0)
      return pass(`No other issues mentioned; ${linked.size} linked issue(s)`, evidence, data);
    return pass(`All ${mentioned.length} mentioned issue(s) are linked`, evidence, data);
  },
});
