import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { isPlaceholderText, type Placeholders } from "../markdown/placeholder.js";
import { markdownLinks } from "../markdown/sections.js";
import { compilePattern, mustCompilePattern, type Pattern } from "../work-item/pattern.js";
import type { WorkItem } from "../work-item/schema.js";
import { defineCheck, error, fail, pass } from "./types.js";
import { plural } from "../text/plural.js";

const Where = z.enum([
  "issue.description",
  "project.description",
  "project.content",
  "project.documents",
  "project.links",
]);
type Where = z.infer<typeof Where>;

const Options = z
  .object({
    in: z
      .array(Where)
      .min(1)
      .default(["project.content", "project.documents", "project.links"])
      .describe("Where to look for links."),
    pattern: z
      .string()
      .min(1)
      .describe(
        "RE2 pattern matched against each link's URL (never its text, which anyone can word as they like), e.g. ^https://index\\.example\\.com/challenges/.",
      ),
    caseInsensitive: z.boolean().default(true),
    slug: z
      .boolean()
      .default(true)
      .describe(
        "The link must name something: its URL's last path segment is no placeholder (TBD, TODO, <id>, …), and the URL goes on after a pattern that ends in '/' (…/challenges/ alone links no challenge).",
      ),
    what: z
      .string()
      .default("matching link")
      .describe("What the link is, for messages (e.g. 'link to the Index Challenge')."),
  })
  .strict();

interface Found {
  links: { url: string; text: string; from: string }[];
  /** Markdown that could not be read (past bfd's limits), with the reason. */
  unreadable: string[];
}

function linksIn(item: WorkItem, where: Where, found: Found): void {
  const issue = item.issue!;
  const project = issue.project;
  const read = (markdown: string, from: string): void => {
    const problem = markdownLimitProblem(markdown, `the ${from}`);
    if (problem !== null) found.unreadable.push(problem.message);
    else found.links.push(...markdownLinks(markdown).map((l) => ({ ...l, from })));
  };
  switch (where) {
    case "issue.description":
      read(issue.description, "issue description");
      return;
    case "project.description":
      if (project !== null) read(project.description, "project description");
      return;
    case "project.content":
      if (project !== null) read(project.content, "project content");
      return;
    case "project.documents":
      for (const d of project?.documents ?? []) read(d.content, `document "${d.title}"`);
      return;
    case "project.links":
      for (const l of project?.links ?? []) found.links.push({ url: l.url, text: l.label, from: "project links" });
  }
}

/** Why a matching URL names nothing (no slug after the pattern, or a placeholder slug); null when it names something. */
function slugProblem(url: string, pattern: Pattern, placeholders: Placeholders): string | null {
  const match = pattern.find(url);
  if (match === null) return null;
  const path = url.split(/[?#]/)[0]!;
  const rest = path.slice(Math.min(match.end, path.length));
  if (url.slice(match.start, match.end).endsWith("/") && rest.replace(/\//g, "") === "")
    return "nothing after the pattern";
  const slug =
    path
      .split("/")
      .filter((segment) => segment !== "")
      .at(-1) ?? "";
  let decoded = slug;
  try {
    decoded = decodeURIComponent(slug);
  } catch {
    // A malformed escape is read as written.
  }
  if (isPlaceholderText(decoded, placeholders) || isPlaceholderText(decoded.replace(/[-_+.]+/g, " "), placeholders))
    return `its slug "${decoded}" is a placeholder`;
  return null;
}

/**
 * A link whose URL matches a pattern appears in the project specification (e.g. the Index Challenge). The text of
 * a link never counts: "[Index Challenge](https://example.com)" links no challenge.
 */
export const linkPattern = defineCheck({
  id: "link-pattern",
  description:
    "A link whose URL matches a pattern (its text never counts) appears in the issue, its project's content, documents or links.",
  options: Options,
  hint: "Link the upstream challenge from the project specification of {{issue.url|the issue}}.",
  needs: () => ["issue"],
  validate: (o) => {
    const compiled = compilePattern(o.pattern, { caseInsensitive: o.caseInsensitive });
    return "error" in compiled ? [`pattern: ${compiled.error}`] : [];
  },
  run: (item, o, context) => {
    const re = mustCompilePattern(o.pattern, { caseInsensitive: o.caseInsensitive });
    const found: Found = { links: [], unreadable: [] };
    for (const where of o.in) linksIn(item, where, found);
    const matching = found.links.filter((l) => re.test(l.url));
    const named = matching.map((l) => ({
      ...l,
      problem: o.slug ? slugProblem(l.url, re, context.placeholders) : null,
    }));
    const match = named.find((l) => l.problem === null);
    if (match !== undefined)
      return pass(`Found the ${o.what}: ${match.url} (in ${match.from})`, [`link: ${match.url}`]);
    const evidence = [
      ...named.slice(0, 10).map((l) => `link: ${l.url} (${l.problem})`),
      ...found.links
        .filter((l) => !re.test(l.url))
        .slice(0, 10)
        .map((l) => `link: ${l.url}`),
    ];
    if (found.unreadable.length > 0) return error(found.unreadable[0]!, evidence);
    if (named.length > 0)
      return fail(
        `No ${o.what} that names one in ${o.in.join(", ")}: ${named[0]!.url} matches ${o.pattern}, but ${named[0]!.problem}`,
        evidence,
      );
    return fail(
      `No ${o.what} in ${o.in.join(", ")} (${plural(found.links.length, "link")} looked at; a link counts by its URL, matching ${o.pattern})`,
      evidence,
    );
  },
});
