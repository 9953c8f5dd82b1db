import { z } from "zod";
import { markdownLimitProblem } from "../markdown/limits.js";
import { markdownLinks } from "../markdown/sections.js";
import { compilePattern, mustCompilePattern } from "../work-item/pattern.js";
import type { WorkItem } from "../work-item/schema.js";
import { defineCheck, error, fail, pass } from "./types.js";

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
  run: (item, o) => {
    const re = mustCompilePattern(o.pattern, { caseInsensitive: o.caseInsensitive });
    const found: Found = { links: [], unreadable: [] };
    for (const where of o.in) linksIn(item, where, found);
    const match = found.links.find((l) => re.test(l.url));
    if (match !== undefined)
      return pass(`Found the ${o.what}: ${match.url} (in ${match.from})`, [`link: ${match.url}`]);
    const evidence = found.links.slice(0, 10).map((l) => `link: ${l.url}`);
    if (found.unreadable.length > 0) return error(found.unreadable[0]!, evidence);
    return fail(
      `No ${o.what} in ${o.in.join(", ")} (${found.links.length} link(s) looked at; a link counts by its URL, matching ${o.pattern})`,
      evidence,
    );
  },
});
