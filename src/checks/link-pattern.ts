import { z } from "zod";
import { markdownLinks } from "../markdown/sections.js";
import { compilePattern, mustCompilePattern } from "../work-item/pattern.js";
import type { WorkItem } from "../work-item/schema.js";
import { defineCheck, fail, pass } from "./types.js";

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
    pattern: z.string().min(1).describe("RE2 pattern matched against each link's URL and text."),
    caseInsensitive: z.boolean().default(true),
    what: z
      .string()
      .default("matching link")
      .describe("What the link is, for messages (e.g. 'link to the Index Challenge')."),
  })
  .strict();

function linksIn(item: WorkItem, where: Where): { url: string; text: string; from: string }[] {
  const issue = item.issue!;
  const project = issue.project;
  switch (where) {
    case "issue.description":
      return markdownLinks(issue.description).map((l) => ({ ...l, from: "issue description" }));
    case "project.description":
      return project === null
        ? []
        : markdownLinks(project.description).map((l) => ({ ...l, from: "project description" }));
    case "project.content":
      return project === null ? [] : markdownLinks(project.content).map((l) => ({ ...l, from: "project content" }));
    case "project.documents":
      return project === null
        ? []
        : project.documents.flatMap((d) =>
            markdownLinks(d.content).map((l) => ({ ...l, from: `document "${d.title}"` })),
          );
    case "project.links":
      return project === null ? [] : project.links.map((l) => ({ url: l.url, text: l.label, from: "project links" }));
  }
}

/** A link whose URL or text matches a pattern appears in the project specification (e.g. the Index Challenge). */
export const linkPattern = defineCheck({
  id: "link-pattern",
  description:
    "A link whose URL or text matches a pattern appears in the issue, its project's content, documents or links.",
  options: Options,
  hint: "Link the upstream challenge from the project specification of {{issue.url|the issue}}.",
  needs: () => ["issue"],
  validate: (o) => {
    const compiled = compilePattern(o.pattern, { caseInsensitive: o.caseInsensitive });
    return "error" in compiled ? [`pattern: ${compiled.error}`] : [];
  },
  run: (item, o) => {
    const re = mustCompilePattern(o.pattern, { caseInsensitive: o.caseInsensitive });
    const links = o.in.flatMap((w) => linksIn(item, w));
    const match = links.find((l) => re.test(l.url) || re.test(l.text));
    if (match !== undefined)
      return pass(`Found the ${o.what}: ${match.url} (in ${match.from})`, [`link: ${match.url}`]);
    return fail(
      `No ${o.what} in ${o.in.join(", ")} (${links.length} link(s) looked at)`,
      links.slice(0, 10).map((l) => `link: ${l.url}`),
    );
  },
});
