import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { builtinRuleFiles } from "../../src/rules/files.js";
import type { RuleFilePort, SourceText } from "../../src/rules/load.js";
import { cachingRuleLoader } from "../../src/serve/rule-cache.js";
import { ROOT } from "../helpers/cli.js";

const builtinFiles = builtinRuleFiles(ROOT, join(ROOT, "rules"));

/** The target branch's files, as GitLab would return them; counts the reads. */
function branch(files: Record<string, string>, ref = "main"): RuleFilePort & { reads: number } {
  const at = (path: string): SourceText | null =>
    files[path] === undefined ? null : { path: `${path} (at ${ref})`, text: files[path]! };
  const port = {
    reads: 0,
    builtinFiles,
    async readConfig() {
      port.reads += 1;
      return at("bfd.config.yaml");
    },
    async readRuleFile(path: string) {
      port.reads += 1;
      return at(path);
    },
  };
  return port;
}

const TEAM_RULE = (title: string): string =>
  `gate: done\nrules:\n  - id: team-title\n    title: ${title}\n    check: merge-request-state\n    hint: Mark it ready.\n`;
const CONFIG = "ruleFiles: [team.yaml]\n";

describe("bfd serve's rule cache", () => {
  it("assembles the rules once per set of texts read, and reads the branch every time", async () => {
    const load = cachingRuleLoader();
    const port = branch({ "bfd.config.yaml": CONFIG, "team.yaml": TEAM_RULE("Has a title") });
    const first = await load(port);
    expect(await load(port)).toBe(first);
    expect(port.reads).toBe(4);
    expect(first.rules.find((rule) => rule.id === "team-title")?.title).toBe("Has a title");
  });

  it.each([
    ["a rule file changes", branch({ "bfd.config.yaml": CONFIG, "team.yaml": TEAM_RULE("Titled") })],
    ["the branch differs", branch({ "bfd.config.yaml": CONFIG, "team.yaml": TEAM_RULE("Has a title") }, "release")],
    ["the config goes", branch({ "team.yaml": TEAM_RULE("Has a title") })],
  ])("assembles anew when %s", async (_, changed) => {
    const load = cachingRuleLoader();
    const before = await load(branch({ "bfd.config.yaml": CONFIG, "team.yaml": TEAM_RULE("Has a title") }));
    expect(await load(changed)).not.toBe(before);
  });

  it("reads the team's issue template files too, and assembles anew when one changes (#22)", async () => {
    const load = cachingRuleLoader();
    const config = "evidence:\n  issueTemplates:\n    - file: issue-template.md\n";
    const before = await load(
      branch({ "bfd.config.yaml": config, "issue-template.md": "## Acceptance criteria\n- [ ] …\n" }),
    );
    const same = await load(
      branch({ "bfd.config.yaml": config, "issue-template.md": "## Acceptance criteria\n- [ ] …\n" }),
    );
    expect(same).toBe(before);
    const changed = await load(
      branch({ "bfd.config.yaml": config, "issue-template.md": "## Acceptance criteria\n- [ ] Describe it\n" }),
    );
    expect(changed).not.toBe(before);
    expect(changed.evidence.issueTemplate?.words).toContain("describe it");
  });

  it("never keeps rules that fail to load: every job reports the problem", async () => {
    const load = cachingRuleLoader();
    const port = branch({ "bfd.config.yaml": "ruleFiles: [missing.yaml]\n" });
    await expect(load(port)).rejects.toThrow(/1 problem in bfd.config.yaml \(at main\)/);
    await expect(load(port)).rejects.toThrow(/1 problem in bfd.config.yaml \(at main\)/);
  });
});
