/**
 * What `bfd init` writes, as pure functions of the loaded rules and bfd's version: the team config, the MR
 * description template, the Linear issue template text, and the component include added to `.gitlab-ci.yml`.
 * The sections come from the rules themselves (any rule whose options name a Markdown `source` and its `headings`),
 * so a team's own rules shape the templates and no check kind is named here.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, YAMLMap, YAMLSeq, type Document } from "yaml";

/** What init needs of a loaded rule; structural, so src/init depends on no other area of src/. */
export interface RuleForTemplates {
  id: string;
  title: string;
  severity: string;
  /** The rule's parsed `with:` options; a Markdown `source` and `headings` here mark a section it reads. */
  options: unknown;
}

export const CONFIG_FILE = "bfd.config.yaml";
export const GITLAB_CI_FILE = ".gitlab-ci.yml";
export const MR_TEMPLATE_FILE = ".gitlab/merge_request_templates/Default.md";

/** The editor schema as a project that installed bfd has it (`npm i -D @bfd-tools/bfd`). */
export const CONFIG_SCHEMA_PATH = "./node_modules/@bfd-tools/bfd/schemas/config.schema.json";

export const componentReference = (version: string): string => `$CI_SERVER_FQDN/bfd-tools/bfd/bfd@${version}`;

/** Any version of bfd's component, on any instance or mirror path ending in bfd/bfd. */
const BFD_COMPONENT = /\/bfd\/bfd@([^\s]+)$/;

export function configTemplate(): string {
  return `# yaml-language-server: $schema=${CONFIG_SCHEMA_PATH}
# bfd's team configuration: customise the built-in Ready and Done gates without editing them.
# \`bfd rules list\` shows every rule id, \`bfd rules explain ID\` what it checks; \`bfd rules check\` validates this file.
extends: builtin            # or "none" to start from nothing

# override:                 # change a rule by id
#   open-questions:
#     severity: error       # make a warning blocking
#   unit-of-work:
#     with: { maxEstimate: 8 }
# disable: [traceable-to-challenge]
# ruleFiles: [bfd/team-rules.yaml]   # more rule files, relative to this file

# gitlab:
#   project: group/app      # default: CI_PROJECT_ID, else the origin remote
# linear:
#   team: ENG               # default team for \`bfd audit\`
`;
}

interface Section {
  heading: string;
  aliases: string[];
  /** The rules that read this section, for the guidance comment. */
  rules: RuleForTemplates[];
  /** At least one rule wants list items, so the placeholder is a checklist. */
  listItems: boolean;
}

/** The Markdown sections the rules read from one source (`issue.description`, `mergeRequest.description`). */
export function sectionsRead(rules: readonly RuleForTemplates[], source: string): Section[] {
  const sections: Section[] = [];
  for (const rule of rules) {
    const options = rule.options as { source?: unknown; headings?: unknown; minItems?: unknown } | null;
    if (options === null || typeof options !== "object" || options.source !== source) continue;
    if (!Array.isArray(options.headings) || typeof options.headings[0] !== "string") continue;
    const aliases = options.headings.filter((h): h is string => typeof h === "string");
    const key = aliases[0]!.toLowerCase();
    let section = sections.find((s) => s.aliases.some((a) => a.toLowerCase() === key));
    if (section === undefined) {
      section = { heading: aliases[0]!, aliases, rules: [], listItems: false };
      sections.push(section);
    }
    if (!section.rules.includes(rule)) section.rules.push(rule);
    if (typeof options.minItems === "number" && options.minItems > 0) section.listItems = true;
  }
  return sections;
}

/**
 * A section with guidance in an HTML comment and nothing else: comments do not count as section text, so an unfilled
 * template fails the gate instead of passing it. (An empty `- [ ]` placeholder would be parsed as a list item "[ ]".)
 */
function sectionMarkdown(section: Section): string {
  const why = section.rules.map((r) => `${r.title} (${r.id}, ${r.severity})`).join("; ");
  const list = section.listItems ? " Write one `- [ ]` item per observable outcome." : "";
  const also = section.aliases.length > 1 ? ` Also accepted as: ${section.aliases.slice(1).join(", ")}.` : "";
  return `## ${section.heading}\n\n<!-- bfd: ${why}.${list}${also} -->\n`;
}

/**
 * The MR template's closing line as written: a template slot, not a key, so Linear links an unfilled template to no
 * issue (a literal ENG-123 would close the team's real ENG-123) and bfd reads it as not filled in
 * (src/markdown/placeholder.ts: `<…>` is a slot; src/work-item/issue-keys.ts: no digits, no key).
 */
export const ISSUE_KEY_PLACEHOLDER = "<ISSUE-KEY>";

/** `.gitlab/merge_request_templates/Default.md`: what the Done gate reads in an MR description. */
export function mergeRequestTemplate(rules: readonly RuleForTemplates[]): string {
  const sections = sectionsRead(rules, "mergeRequest.description");
  return [
    `Closes ${ISSUE_KEY_PLACEHOLDER}`,
    "",
    `<!-- bfd's Done gate (bfd done, bfd ci) reads this description. Replace ${ISSUE_KEY_PLACEHOLDER} with the Linear issue this`,
    "     merge request implements.",
    "     Ask for a waiver of a waivable rule with a line of its own: bfd-waive: <rule-id> <reason>",
    "     A reviewer accepts it by approving the merge request (or by adding the rule's waiver label, or writing the",
    "     bfd-waive line in a comment): your own line or label alone does not waive anything. -->",
    "",
    ...sections.map(sectionMarkdown),
  ]
    .join("\n")
    .replace(/\n+$/, "\n");
}

/** The Linear issue template text: what the Ready (and Done) gates read in an issue description. */
export function issueTemplate(rules: readonly RuleForTemplates[]): string {
  return sectionsRead(rules, "issue.description").map(sectionMarkdown).join("\n");
}

export type IncludeResult =
  | { status: "created" | "appended" | "updated"; text: string }
  | { status: "unchanged"; reason: string }
  | { status: "invalid"; reason: string };

export function gitlabCiTemplate(version: string): string {
  return `# bfd's Done gate on every merge request; inputs and token setup: https://gitlab.com/bfd-tools/bfd/-/blob/main/docs/gitlab-ci.md
include:
  - component: ${componentReference(version)}
`;
}

/**
 * Adds the component include to an existing `.gitlab-ci.yml`, keeping its comments and layout (yaml's Document
 * API). Never a second bfd include: one already there is left alone, or, with `force`, moved to this version.
 */
export function addComponentInclude(text: string, version: string, force: boolean): IncludeResult {
  if (text.trim() === "") return { status: "created", text: gitlabCiTemplate(version) };
  const docs = parseAllDocuments(text);
  // Only comments: they stay, the include follows them.
  if (!Array.isArray(docs) || docs.length === 0)
    return { status: "appended", text: `${text.trimEnd()}\n${gitlabCiTemplate(version)}` };
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken !== undefined) {
    const error = broken.errors[0]!;
    const at = error.linePos?.[0];
    const what = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return { status: "invalid", reason: `${at === undefined ? "" : `line ${at.line}: `}${what}` };
  }
  // A pipeline with `spec:` inputs has a header document, then `---`, then the jobs: the include goes in the jobs.
  const doc = docs.length === 2 && isMap(docs[0]!.contents) && docs[0]!.contents.has("spec") ? docs[1]! : docs[0]!;
  if (docs.length > 2 || (docs.length === 2 && doc === docs[0]))
    return { status: "invalid", reason: "more YAML documents than a spec: header and the configuration" };
  const reference = componentReference(version);
  const render = (): string => docs.map((d) => d.toString({ lineWidth: 0, flowCollectionPadding: false })).join("");
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    doc.contents = doc.createNode({ include: [{ component: reference }] }) as Document.Parsed["contents"];
    return { status: "appended", text: render() };
  }
  if (!isMap(doc.contents)) return { status: "invalid", reason: "the top level is not a map of keywords and jobs" };
  const existing = existingBfdInclude(doc);
  if (existing !== null) {
    if (existing.version === version || !force)
      return {
        status: "unchanged",
        reason: `already includes bfd's component${existing.version === version ? "" : ` @${existing.version}; --force moves it to @${version}`}`,
      };
    existing.node.set("component", existing.reference.replace(/@[^@]+$/, `@${version}`));
    return { status: "updated", text: render() };
  }
  const item = doc.createNode({ component: reference });
  const top = doc.contents as YAMLMap<unknown, unknown>;
  const include = top.get("include", true);
  if (include === undefined) {
    const seq = new YAMLSeq();
    seq.items.push(item);
    // First, where a reader of the file looks for what it pulls in.
    top.items.unshift(doc.createPair("include", seq));
  } else if (isSeq(include)) include.items.push(item);
  else if (isScalar(include) || isMap(include)) {
    const seq = new YAMLSeq();
    seq.items.push(include, item);
    top.set("include", seq);
  } else return { status: "invalid", reason: "include: is neither a list, a map nor a file name" };
  return { status: "appended", text: render() };
}

/**
 * Whether a `.gitlab-ci.yml` runs bfd's Done gate: bfd's component included (any version, instance or mirror), or
 * a job that runs `bfd ci` itself. Text that is not YAML runs nothing.
 */
export function runsBfdGate(text: string): boolean {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return false;
  return docs.some(
    (doc) => existingBfdInclude(doc) !== null || /(^|[\s"'])(npx (--no )?)?bfd ci\b/m.test(doc.toString()),
  );
}

function existingBfdInclude(doc: Document): { node: YAMLMap; reference: string; version: string } | null {
  const include = isMap(doc.contents) ? doc.contents.get("include", true) : undefined;
  const items = isSeq(include) ? include.items : include === undefined ? [] : [include];
  for (const item of items) {
    if (!isMap(item)) continue;
    const component = item.get("component");
    if (typeof component !== "string") continue;
    const match = BFD_COMPONENT.exec(component);
    if (match !== null) return { node: item, reference: component, version: match[1]! };
  }
  return null;
}

export const AGENTS_FILE = "AGENTS.md";
const AGENTS_HEADING = "## Delivery gates (bfd)";

/** The section `bfd init --agents` puts in AGENTS.md: coding agents run the gates on their own work (docs/agents.md). */
export function agentsSection(): string {
  return `${AGENTS_HEADING}

This repository's delivery process is enforced by bfd; its MCP server is registered as \`bfd\`.

- Before you start on an issue, call \`bfd_ready\` with the issue key. If it fails, do not start: report what is
  missing (the report says how to fix each item) and ask for the issue to be shaped.
- Before you say the work is done, or hand it off, call \`bfd_done\`. If it fails, fix what it names and call it
  again; if you cannot fix something, hand off with \`bfd_handoff_preview\` in the true state (\`blocked\` or
  \`decision\`) instead of calling the work done.
- Use \`bfd_explain\` to learn what a rule asks for. Never edit bfd's rule files or config to make a gate pass.
`;
}

/**
 * AGENTS.md is the team's: bfd appends its section once (a file that has the heading is left alone), and with
 * `force` replaces its own section — from its heading to the next heading of the same level — and nothing else.
 */
export function addAgentsSection(
  current: string,
  force: boolean,
): { status: "appended" | "updated" | "unchanged"; text: string; reason?: string } {
  const section = agentsSection();
  const start = current.indexOf(`${AGENTS_HEADING}\n`);
  if (start === -1) {
    const separator = current === "" ? "" : current.endsWith("\n\n") ? "" : current.endsWith("\n") ? "\n" : "\n\n";
    return { status: "appended", text: `${current}${separator}${section}` };
  }
  const next = current.slice(start + AGENTS_HEADING.length).search(/\n## /);
  const end = next === -1 ? current.length : start + AGENTS_HEADING.length + next + 1;
  const existing = current.slice(start, end);
  if (existing.trimEnd() === section.trimEnd()) return { status: "unchanged", text: current, reason: "already there" };
  if (!force) return { status: "unchanged", text: current, reason: "has a bfd section; --force to replace it" };
  const rest = current.slice(end);
  return { status: "updated", text: `${current.slice(0, start)}${section}${rest === "" ? "" : `\n${rest}`}` };
}

export const MCP_FILE = ".mcp.json";

/** bfd's MCP server as docs/agents.md registers it: the project's own install, never a download (`--no`). */
export const MCP_SERVER = { command: "npx", args: ["--no", "bfd", "mcp"] } as const;

export type McpResult =
  | { status: "appended" | "updated"; text: string }
  | { status: "unchanged"; reason: string }
  | { status: "invalid"; reason: string };

/**
 * Registers bfd in `.mcp.json` (the project-scoped MCP file Claude Code and others read): the team's other servers
 * and keys stay as they were; a `bfd` entry of the team's own is replaced only with `force`.
 */
export function addMcpServer(current: string, force: boolean): McpResult {
  let parsed: unknown = {};
  if (current.trim() !== "") {
    try {
      parsed = JSON.parse(current);
    } catch (error) {
      return { status: "invalid", reason: error instanceof Error ? error.message : "not JSON" };
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    return { status: "invalid", reason: "the top level is not an object" };
  const file = parsed as Record<string, unknown>;
  const servers = file["mcpServers"] ?? {};
  if (servers === null || typeof servers !== "object" || Array.isArray(servers))
    return { status: "invalid", reason: "mcpServers is not an object" };
  const existing = (servers as Record<string, unknown>)["bfd"];
  if (existing !== undefined) {
    if (JSON.stringify(existing) === JSON.stringify(MCP_SERVER))
      return { status: "unchanged", reason: "already there" };
    if (!force) return { status: "unchanged", reason: "has a bfd server of its own; --force to replace it" };
  }
  const text = `${JSON.stringify({ ...file, mcpServers: { ...servers, bfd: MCP_SERVER } }, null, 2)}\n`;
  return { status: existing === undefined ? "appended" : "updated", text };
}
