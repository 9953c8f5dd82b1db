import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readJson, runCliInProcess, tempDir, writeJson } from "../helpers/cli.js";
import { gitCheckout } from "../helpers/git.js";
import { gitlabCiSchemaErrors } from "../helpers/gitlab-ci.js";
import type { Report } from "../../src/report/schema.js";
import { ROOT } from "../helpers/cli.js";

const VERSION = readJson<{ version: string }>(join(ROOT, "package.json")).version;
const COMPONENT = `$CI_SERVER_FQDN/bfd-tools/bfd/bfd@${VERSION}`;
const FILES = ["bfd.config.yaml", ".gitlab-ci.yml", ".gitlab/merge_request_templates/Default.md"];

const read = (dir: string, file: string): string => readFileSync(join(dir, file), "utf8");
const snapshotOf = (dir: string): Record<string, string | null> =>
  Object.fromEntries(FILES.map((f) => [f, existsSync(join(dir, f)) ? read(dir, f) : null]));

const TEAM_PIPELINE = `# The team's own pipeline.
include:
  - local: ci/lint.yml        # shared lint jobs
  - template: Jobs/SAST.gitlab-ci.yml

.node: &node
  image: node:24

stages: [build, test]

build:
  <<: *node
  stage: build
  script:
    - npm ci
    - npm run build
`;

describe("bfd init", () => {
  it("with --agents adds bfd's section to AGENTS.md once, keeping the team's own text", async () => {
    const repo = gitCheckout("main");
    writeFileSync(join(repo, "AGENTS.md"), "# Agents\n\nRun npm test before pushing.\n");
    const first = await runCliInProcess(["init", "--agents"], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^appended +AGENTS\.md$/m);
    const agents = read(repo, "AGENTS.md");
    expect(agents.startsWith("# Agents\n\nRun npm test before pushing.\n\n## Delivery gates (bfd)\n")).toBe(true);
    expect(agents).toContain("call `bfd_done`");
    const second = await runCliInProcess(["init", "--agents"], { cwd: repo });
    expect(second.stdout).toMatch(/^unchanged +AGENTS\.md \(already there\)$/m);
    expect(read(repo, "AGENTS.md")).toBe(agents);
    // Without --agents, AGENTS.md is none of bfd's business.
    const plain = await runCliInProcess(["init"], { cwd: gitCheckout("main") });
    expect(plain.stdout).not.toContain("AGENTS.md");
  });

  it("with --agents registers bfd's MCP server in .mcp.json, keeping the team's other servers", async () => {
    const repo = gitCheckout("main");
    const theirs = { mcpServers: { docs: { command: "docs-mcp", args: [] } }, other: true };
    writeFileSync(join(repo, ".mcp.json"), JSON.stringify(theirs));
    const first = await runCliInProcess(["init", "--agents"], { cwd: repo });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^appended +\.mcp\.json$/m);
    expect(JSON.parse(read(repo, ".mcp.json"))).toEqual({
      mcpServers: { docs: { command: "docs-mcp", args: [] }, bfd: { command: "npx", args: ["--no", "bfd", "mcp"] } },
      other: true,
    });
    const second = await runCliInProcess(["init", "--agents"], { cwd: repo });
    expect(second.stdout).toMatch(/^unchanged +\.mcp\.json \(already there\)$/m);
    // None yet: created with bfd alone; a broken one is refused, naming the file, and nothing is written.
    const fresh = gitCheckout("main");
    await runCliInProcess(["init", "--agents"], { cwd: fresh });
    expect(JSON.parse(read(fresh, ".mcp.json"))).toEqual({
      mcpServers: { bfd: { command: "npx", args: ["--no", "bfd", "mcp"] } },
    });
    const broken = gitCheckout("main");
    writeFileSync(join(broken, ".mcp.json"), "{ nope");
    const refused = await runCliInProcess(["init", "--agents"], { cwd: broken });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(".mcp.json is not an MCP registration file bfd can add to");
    expect(existsSync(join(broken, "bfd.config.yaml"))).toBe(false);
  });

  it("run in a subfolder, writes at the repository's root and says so, never a nested .gitlab-ci.yml", async () => {
    const repo = gitCheckout("main");
    const sub = join(repo, "services", "api");
    mkdirSync(sub, { recursive: true });
    const init = await runCliInProcess(["init"], { cwd: sub });
    expect(init.code).toBe(0);
    expect(init.stdout.split("\n")[0]).toBe(`Writing at the repository's root, ${repo}:`);
    for (const file of FILES) {
      expect(existsSync(join(repo, file))).toBe(true);
      expect(existsSync(join(sub, file))).toBe(false);
    }
  });

  it("never takes a bfd.config.yaml above the repository's root for the repository's own", async () => {
    const outer = tempDir();
    writeFileSync(join(outer, "bfd.config.yaml"), "disable: [open-questions]\n");
    const repo = join(outer, "checkout");
    mkdirSync(repo);
    mkdirSync(join(repo, ".git"));
    const inside = await runCliInProcess(["rules", "list", "--format", "json"], { cwd: repo });
    expect(inside.code).toBe(0);
    expect(inside.stdout).toContain('"open-questions"');
    // Outside any repository the nearest config upward still applies.
    const above = await runCliInProcess(["rules", "list", "--format", "json"], { cwd: outer });
    expect(above.stdout).not.toContain('"open-questions"');
  });

  it("scaffolds an empty git repository so that bfd rules check passes", async () => {
    const repo = gitCheckout("main");
    const init = await runCliInProcess(["init"], { cwd: repo });
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    for (const file of FILES) expect(init.stdout).toMatch(new RegExp(`^created +${file.replace(/\./g, "\\.")}$`, "m"));

    const config = read(repo, "bfd.config.yaml");
    expect(config.split("\n")[0]).toBe(
      "# yaml-language-server: $schema=./node_modules/@bfd-tools/bfd/schemas/config.schema.json",
    );
    const ci = parse(read(repo, ".gitlab-ci.yml")) as unknown;
    expect(ci).toEqual({ include: [{ component: COMPONENT }] });
    expect(gitlabCiSchemaErrors(ci)).toEqual([]);
    const mr = read(repo, ".gitlab/merge_request_templates/Default.md");
    expect(mr).toMatch(/^Closes <ISSUE-KEY>$/m);
    expect(mr).toMatch(/^## How tested$/m);

    const check = await runCliInProcess(["rules", "check"], { cwd: repo });
    expect(check.code).toBe(0);
    expect(check.stdout).toContain("config: bfd.config.yaml");
  });

  it("prints the Linear issue template with the sections the Ready gate reads", async () => {
    const init = await runCliInProcess(["init", "--dry-run"], { cwd: gitCheckout("main") });
    expect(init.stdout).toContain("the sections bfd's Ready gate reads");
    expect(init.stdout).toMatch(/^ {4}## Acceptance criteria$/m);
    expect(init.stdout).toMatch(/^ {4}## Open questions$/m);
  });

  it("reads the sections from the rules in force, so a team's own rule adds its heading to the MR template", async () => {
    const repo = gitCheckout("main");
    writeFileSync(
      join(repo, "bfd.config.yaml"),
      [
        "rules:",
        "  - gate: done",
        "    id: rollback-plan",
        "    title: The merge request says how to roll back",
        "    check: markdown-section",
        "    with: { source: mergeRequest.description, headings: [Rollback plan], minChars: 10 }",
        '    hint: "Add a Rollback plan section."',
        "",
      ].join("\n"),
    );
    const init = await runCliInProcess(["init"], { cwd: repo });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^skipped +bfd\.config\.yaml \(exists; --force to replace\)$/m);
    const mr = read(repo, ".gitlab/merge_request_templates/Default.md");
    expect(mr).toMatch(/^## How tested$/m);
    expect(mr).toMatch(/^## Rollback plan$/m);
    expect(mr).toContain("rollback-plan");
  });

  it("changes nothing when run twice, and says so for each file", async () => {
    const repo = gitCheckout("main");
    await runCliInProcess(["init"], { cwd: repo });
    const before = snapshotOf(repo);
    const again = await runCliInProcess(["init"], { cwd: repo });
    expect(again.code).toBe(0);
    expect(snapshotOf(repo)).toEqual(before);
    expect(again.stdout).toMatch(/^unchanged bfd\.config\.yaml \(already there\)$/m);
    expect(again.stdout).toMatch(/^unchanged \.gitlab-ci\.yml \(already includes bfd's component\)$/m);
    expect(again.stdout).toMatch(/^unchanged \.gitlab\/merge_request_templates\/Default\.md \(already there\)$/m);
  });

  it("appends the include to a team's .gitlab-ci.yml, keeping its includes, anchors and comments, and it stays valid", async () => {
    const repo = gitCheckout("main");
    writeFileSync(join(repo, ".gitlab-ci.yml"), TEAM_PIPELINE);
    const init = await runCliInProcess(["init"], { cwd: repo });
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^appended +\.gitlab-ci\.yml$/m);

    const text = read(repo, ".gitlab-ci.yml");
    expect(text).toContain("# The team's own pipeline.");
    expect(text).toContain("# shared lint jobs");
    expect(text).toContain("<<: *node");
    const ci = parse(text, { merge: true }) as { include: unknown[]; build: { image: string } };
    expect(ci.include).toEqual([
      { local: "ci/lint.yml" },
      { template: "Jobs/SAST.gitlab-ci.yml" },
      { component: COMPONENT },
    ]);
    expect(ci.build.image).toBe("node:24");
    expect(gitlabCiSchemaErrors(ci)).toEqual([]);

    const again = await runCliInProcess(["init"], { cwd: repo });
    expect(read(repo, ".gitlab-ci.yml")).toBe(text);
    expect(again.stdout).toMatch(/^unchanged \.gitlab-ci\.yml/m);
  });

  it("--force replaces the files bfd owns and moves an older component include to this version, never replacing .gitlab-ci.yml", async () => {
    const repo = gitCheckout("main");
    writeFileSync(join(repo, "bfd.config.yaml"), "disable: [open-questions]\n");
    writeFileSync(
      join(repo, ".gitlab-ci.yml"),
      TEAM_PIPELINE.replace(
        "  - template: Jobs/SAST.gitlab-ci.yml",
        "  - template: Jobs/SAST.gitlab-ci.yml\n  - component: $CI_SERVER_FQDN/platform/bfd/bfd@0.0.9",
      ),
    );

    const plain = await runCliInProcess(["init"], { cwd: repo });
    expect(plain.stdout).toMatch(/^skipped +bfd\.config\.yaml \(exists; --force to replace\)$/m);
    expect(plain.stdout).toContain(`already includes bfd's component @0.0.9; --force moves it to @${VERSION}`);
    expect(read(repo, "bfd.config.yaml")).toBe("disable: [open-questions]\n");

    const forced = await runCliInProcess(["init", "--force"], { cwd: repo });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/^replaced +bfd\.config\.yaml$/m);
    expect(forced.stdout).toMatch(/^updated +\.gitlab-ci\.yml$/m);
    expect(read(repo, "bfd.config.yaml")).toContain("$schema=");
    const text = read(repo, ".gitlab-ci.yml");
    expect(text).toContain("- component: $CI_SERVER_FQDN/platform/bfd/bfd@" + VERSION);
    expect(text).toContain("npm run build");
    expect(text.match(/component:/g)).toHaveLength(1);
  });

  it("--dry-run prints what it would write and writes nothing", async () => {
    const repo = gitCheckout("main");
    const dry = await runCliInProcess(["init", "--dry-run"], { cwd: repo });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would be created bfd\.config\.yaml$/m);
    expect(dry.stdout).toContain(`    - component: ${COMPONENT}`);
    expect(snapshotOf(repo)).toEqual({ "bfd.config.yaml": null, ".gitlab-ci.yml": null, [FILES[2]!]: null });
  });

  it.each([
    [
      "a .gitlab-ci.yml that is not valid YAML",
      ".gitlab-ci.yml",
      "build:\n  script: [npm test\n",
      ".gitlab-ci.yml is not",
    ],
    ["a .gitlab-ci.yml that is a list", ".gitlab-ci.yml", "- npm test\n", "the top level is not a map"],
  ])("stops with exit 2 on %s, writing nothing", async (_name, file, text, message) => {
    const repo = gitCheckout("main");
    writeFileSync(join(repo, file), text);
    const init = await runCliInProcess(["init"], { cwd: repo });
    expect(init.code).toBe(2);
    expect(init.stdout).toBe("");
    expect(init.stderr.split("\n")[0]).toContain(message);
    expect(init.stderr).toContain("run bfd init again");
    expect(init.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(repo, "bfd.config.yaml"))).toBe(false);
  });

  it("stops with exit 2 and a one-line error when a file cannot be written", async () => {
    const repo = gitCheckout("main");
    mkdirSync(join(repo, ".gitlab"));
    writeFileSync(join(repo, ".gitlab", "merge_request_templates"), "a file where a folder belongs\n");
    const init = await runCliInProcess(["init"], { cwd: repo });
    expect(init.code).toBe(2);
    expect(init.stderr.split("\n")[0]).toMatch(
      /^bfd: cannot write \.gitlab\/merge_request_templates\/Default\.md \(\w+\)$/,
    );
    expect(init.stderr).not.toMatch(/\n\s+at /);
  });

  it("writes templates that fail the gates until someone fills them in: an unfilled template is never a pass", async () => {
    const repo = gitCheckout("main");
    const init = await runCliInProcess(["init"], { cwd: repo });
    const issueTemplate = init.stdout
      .slice(init.stdout.indexOf("    ## "), init.stdout.indexOf("Next:"))
      .replace(/^ {4}/gm, "");
    const done = readJson<{ issue: { description: string }; mergeRequest: { description: string } }>(
      join(ROOT, "examples/done-pass.json"),
    );
    done.mergeRequest.description = read(repo, ".gitlab/merge_request_templates/Default.md");
    done.issue.description = issueTemplate;
    const file = writeJson(join(tempDir(), "unfilled.json"), done);

    const doneRun = await runCliInProcess(["done", "--snapshot", file, "--format", "json"], { cwd: repo });
    const doneReport = JSON.parse(doneRun.stdout) as Report;
    const status = (report: Report, rule: string) => report.results.find((r) => r.rule === rule)?.status;
    expect(status(doneReport, "validation-explained")).toBe("fail");
    expect(status(doneReport, "acceptance-criteria-met")).toBe("fail");

    const readyRun = await runCliInProcess(["ready", "--snapshot", file, "--format", "json"], { cwd: repo });
    expect(status(JSON.parse(readyRun.stdout) as Report, "acceptance-criteria-present")).toBe("fail");
  });
});
