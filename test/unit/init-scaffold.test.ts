import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { findWaiverLines } from "../../src/engine/waivers.js";
import { mrLinksIssue } from "../../src/checks/mr-links-issue.js";
import { DEFAULT_CHECK_CONTEXT } from "../../src/checks/types.js";
import {
  addAgentsSection,
  addComponentInclude,
  addMcpServer,
  agentsSection,
  componentReference,
  mergeRequestTemplate,
} from "../../src/init/scaffold.js";
import { isPlaceholderText } from "../../src/markdown/placeholder.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { findIssueKeys, magicReferences } from "../../src/work-item/issue-keys.js";
import { ROOT } from "../helpers/cli.js";
import { withMr } from "../helpers/work-item.js";
import { gitlabCiSchemaErrors } from "../helpers/gitlab-ci.js";

const BFD = { component: componentReference("1.2.0") };
const JOB = "build:\n  script: [npm test]\n";

/** The configuration document (after a `spec:` header, if any) of a `.gitlab-ci.yml`. */
function configOf(text: string): { include?: unknown } {
  const docs = parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[];
  return docs[docs.length - 1]!.toJS() as { include?: unknown };
}

describe("adding bfd's component include to a .gitlab-ci.yml", () => {
  it.each([
    ["an empty file", "", [BFD], "created"],
    ["only comments", "# CI comes later\n", [BFD], "appended"],
    ["no include", JOB, [BFD], "appended"],
    ["a file-name include", `include: ci/a.yml\n${JOB}`, ["ci/a.yml", BFD], "appended"],
    ["a single include map", `include:\n  local: ci/a.yml\n${JOB}`, [{ local: "ci/a.yml" }, BFD], "appended"],
    ["an include list", `include:\n  - local: ci/a.yml\n${JOB}`, [{ local: "ci/a.yml" }, BFD], "appended"],
    [
      "a spec: header before the jobs",
      `spec:\n  inputs:\n    env:\n      default: dev\n---\n${JOB}`,
      [BFD],
      "appended",
    ],
  ])("%s: the include list ends with bfd's component, and the file stays valid", (_name, text, include, status) => {
    const result = addComponentInclude(text, "1.2.0", false);
    expect(result.status).toBe(status);
    if (!("text" in result)) throw new Error(result.reason);
    const config = configOf(result.text);
    expect(config.include).toEqual(include);
    expect(gitlabCiSchemaErrors(config)).toEqual([]);
    expect(addComponentInclude(result.text, "1.2.0", false).status).toBe("unchanged");
  });

  it.each([
    ["this version", `include:\n  - component: ${BFD.component}\n${JOB}`, false, "unchanged"],
    ["another version", `include:\n  - component: $CI_SERVER_FQDN/bfd-tools/bfd/bfd@1.0.0\n${JOB}`, false, "unchanged"],
    [
      "another version, --force",
      `include:\n  - component: gitlab.example.com/tools/bfd/bfd@1.0.0\n${JOB}`,
      true,
      "updated",
    ],
  ])("never adds a second bfd include: one at %s is %s", (_name, text, force, status) => {
    const result = addComponentInclude(text, "1.2.0", force);
    expect(result.status).toBe(status);
    const after = "text" in result ? result.text : text;
    const includes = configOf(after).include as { component: string }[];
    expect(includes).toHaveLength(1);
    if (status === "updated") expect(includes[0]!.component).toBe("gitlab.example.com/tools/bfd/bfd@1.2.0");
  });

  it.each([
    ["YAML that does not parse", "build:\n  script: [npm test\n", /^line \d+: /],
    ["a list at the top", "- npm test\n", /top level is not a map/],
    ["three documents", "a: 1\n---\nb: 2\n---\nc: 3\n", /more YAML documents/],
  ])("refuses %s, naming why", (_name, text, reason) => {
    const result = addComponentInclude(text, "1.2.0", false);
    expect(result.status).toBe("invalid");
    expect("reason" in result ? result.reason : "").toMatch(reason);
  });
});

describe("bfd's section in AGENTS.md (bfd init --agents)", () => {
  const section = agentsSection();

  it("is the section docs/agents.md shows", () => {
    const docs = readFileSync(join(ROOT, "docs/agents.md"), "utf8");
    const block = /```markdown\n([\s\S]*?)```/.exec(docs.slice(docs.indexOf("## Telling agents to use it")));
    expect(block?.[1]).toBe(section);
  });

  it.each<[string, string, boolean, string, string]>([
    ["an empty file", "", false, "appended", section],
    ["the team's notes", "# Agents\n\nUse pnpm.\n", false, "appended", `# Agents\n\nUse pnpm.\n\n${section}`],
    ["notes without a final newline", "# Agents", false, "appended", `# Agents\n\n${section}`],
    ["the section already", `# Agents\n\n${section}`, false, "unchanged", `# Agents\n\n${section}`],
    [
      "an edited section, without --force",
      "# Agents\n\n## Delivery gates (bfd)\n\nold words\n\n## Style\n\nTabs.\n",
      false,
      "unchanged",
      "# Agents\n\n## Delivery gates (bfd)\n\nold words\n\n## Style\n\nTabs.\n",
    ],
    [
      "an edited section, with --force (the next section is kept)",
      "# Agents\n\n## Delivery gates (bfd)\n\nold words\n\n## Style\n\nTabs.\n",
      true,
      "updated",
      `# Agents\n\n${section}\n## Style\n\nTabs.\n`,
    ],
  ])("given %s, it is %s once", (_what, current, force, status, text) => {
    const result = addAgentsSection(current, force);
    expect(result.status).toBe(status);
    expect(result.text).toBe(text);
    // Running it again changes nothing.
    expect(addAgentsSection(result.text, force).text).toBe(text);
  });
});

describe("the MR template bfd init writes (#23)", () => {
  const template = mergeRequestTemplate([]);

  it("explains how to ask for a waiver and how a reviewer accepts it", () => {
    expect(template).toContain(
      "Ask for a waiver of a waivable rule with a line of its own: bfd-waive: <rule-id> <reason>",
    );
    expect(template).toContain("A reviewer accepts it by approving the merge request");
    expect(template).toContain("your own line or label alone does not waive anything");
  });

  it("holds no waiver itself: its guidance is an HTML comment", () => {
    expect(findWaiverLines(withMr({ description: template }))).toEqual([]);
  });
});

const builtinRules = () =>
  loadRuleSet({ builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")), configFile: null, readRuleFile: () => null })
    .rules;

describe("the MR template's closing line", () => {
  const template = mergeRequestTemplate(builtinRules());

  it("is a slot Linear cannot link and bfd reads as not filled in", () => {
    expect(template.split("\n")[0]).toBe("Closes <ISSUE-KEY>");
    expect(isPlaceholderText("<ISSUE-KEY>")).toBe(true);
    expect(findIssueKeys(template)).toEqual([]);
    expect(magicReferences(template)).toEqual([]);
  });

  it.each([
    { branch: "eng-123-audit-log", status: "pass" },
    { branch: "feature/audit-log", status: "fail" },
  ])("an MR with the unfilled template on $branch: mr-links-issue says $status", ({ branch, status }) => {
    const item = withMr({ description: template, sourceBranch: branch, title: "Add login audit" });
    const outcome = mrLinksIssue.run(item, { forbidOtherClosing: true }, DEFAULT_CHECK_CONTEXT);
    expect(outcome.status).toBe(status);
    expect(outcome.evidence.join(" ")).not.toMatch(/ISSUE-KEY/);
  });
});

describe("bfd's server in .mcp.json (bfd init --agents)", () => {
  const bfd = { command: "npx", args: ["--no", "bfd", "mcp"] };
  it.each([
    ["no file yet", "", false, "appended", { mcpServers: { bfd } }],
    [
      "another server",
      '{"mcpServers":{"x":{"command":"x"}}}',
      false,
      "appended",
      { mcpServers: { x: { command: "x" }, bfd } },
    ],
    [
      "a bfd server of the team's own, --force",
      '{"mcpServers":{"bfd":{"command":"bfd"}}}',
      true,
      "updated",
      { mcpServers: { bfd } },
    ],
  ])("%s: %s", (_, current, force, status, json) => {
    const result = addMcpServer(current, force);
    expect(result.status).toBe(status);
    expect(JSON.parse((result as { text: string }).text)).toEqual(json);
  });

  it.each([
    ['{"mcpServers":{"bfd":{"command":"npx","args":["--no","bfd","mcp"]}}}', "unchanged"],
    ['{"mcpServers":{"bfd":{"command":"bfd"}}}', "unchanged"],
    ["[1]", "invalid"],
    ['{"mcpServers":[]}', "invalid"],
    ["{ nope", "invalid"],
  ])("leaves %s alone (%s)", (current, status) => {
    expect(addMcpServer(current, false).status).toBe(status);
  });
});
