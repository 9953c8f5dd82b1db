import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../helpers/cli.js";

const dir = "test/fixtures/broken";

/** Each broken file, and the `file:line:col  message` bfd must report for it (all with exit 2). */
const corpus: { file: string; expected: string[] }[] = [
  { file: "yaml-syntax.config.yaml", expected: [`${dir}/yaml-syntax.config.yaml:4:1  YAML syntax`] },
  {
    file: "duplicate-yaml-key.config.yaml",
    expected: [`${dir}/duplicate-yaml-key.config.yaml:4:3  YAML syntax: Map keys must be unique`],
  },
  { file: "not-a-mapping.config.yaml", expected: [`${dir}/not-a-mapping.config.yaml:1:1  the file must be a mapping`] },
  { file: "unknown-top-key.config.yaml", expected: [`${dir}/unknown-top-key.config.yaml:2:1  unknown key "overides"`] },
  {
    file: "wrong-severity.config.yaml",
    expected: [`${dir}/wrong-severity.config.yaml:3:15  override.open-questions.severity`],
  },
  {
    file: "unknown-rule-override.config.yaml",
    expected: [
      `${dir}/unknown-rule-override.config.yaml:2:3  override names unknown rule "release-notes-update". Did you mean "release-notes-updated"?`,
    ],
  },
  {
    file: "typos.config.yaml",
    expected: [
      `${dir}/typos.config.yaml:3:5  unknown key "severty" in override.scope-matches-issue. Did you mean "severity"?`,
      `${dir}/typos.config.yaml:5:15  override.open-questions.severity: must be one of "error" or "warning", not "wrning". Did you mean "warning"?`,
      `${dir}/typos.config.yaml:7:3  unknown key "teem" in linear. Did you mean "team"?`,
      `${dir}/typos.config.yaml:9:22  staging.cutoff.weekday: must be one of "monday", "tuesday", "wednesday", "thursday", "friday", "saturday" or "sunday", not "thursdy". Did you mean "thursday"?`,
      `${dir}/typos.config.yaml:10:1  unknown key "overide" in the file. Did you mean "override"?`,
    ],
  },
  {
    file: "disable-unknown.config.yaml",
    expected: [`${dir}/disable-unknown.config.yaml:3:5  cannot disable unknown rule "no-such-rule"`],
  },
  {
    file: "unknown-option.config.yaml",
    expected: [
      `${dir}/unknown-option.config.yaml:4:7  unknown option "userFacing" for check kind changed-paths; valid options: paths, ifChanged, ignoreCase, includeVendored, what`,
    ],
  },
  {
    file: "bad-option-type.config.yaml",
    expected: [`${dir}/bad-option-type.config.yaml:4:20  unit-of-work: option "maxEstimate"`],
  },
  {
    file: "unknown-kind.config.yaml",
    expected: [
      `${dir}/unknown-kind.config.yaml:5:12  unknown check kind "mr-owner"; valid kinds: assignee, branch-names-issue,`,
    ],
  },
  {
    file: "duplicate-id.config.yaml",
    expected: [
      `${dir}/duplicate-id.config.yaml:3:9  duplicate rule id "unit-of-work" in gate ready (first defined at rules/ready.yaml:`,
    ],
  },
  {
    file: "bad-when-field.config.yaml",
    expected: [
      `${dir}/bad-when-field.config.yaml:8:14  big-mr-has-label: when.field: unknown field "mergeRequest.changedFiles"`,
    ],
  },
  {
    file: "bad-when-operator.config.yaml",
    expected: [
      `${dir}/bad-when-operator.config.yaml:8:7  rules[0].when: give exactly one of`,
      `${dir}/bad-when-operator.config.yaml:9:7  unknown key "is" in rules[0].when`,
    ],
  },
  {
    file: "bad-pattern.config.yaml",
    expected: [`${dir}/bad-pattern.config.yaml:4:16  traceable-to-challenge: pattern: invalid pattern (RE2 syntax`],
  },
  {
    file: "bad-hint-name.config.yaml",
    expected: [`${dir}/bad-hint-name.config.yaml:3:11  release-notes-updated: hint uses unknown name {{mr.url}}`],
  },
  {
    file: "bad-rule-id.config.yaml",
    expected: [`${dir}/bad-rule-id.config.yaml:3:9  rules[0].id: rule ids are lower-case words joined by hyphens`],
  },
  {
    file: "secret-in-config.config.yaml",
    expected: [
      `${dir}/secret-in-config.config.yaml:3:3  "token" looks like a secret`,
      `${dir}/secret-in-config.config.yaml:3:10  gitlab.token holds what looks like an API token`,
    ],
  },
  {
    file: "missing-rule-file.config.yaml",
    expected: [`${dir}/missing-rule-file.config.yaml:2:5  rule file "team-rules.yaml" not found`],
  },
  {
    file: "bad-rule-file.config.yaml",
    expected: [`${dir}/bad-rule-file.rules.yaml:1:7  gate: must be one of "ready" or "done", not "review".`],
  },
  {
    file: "rule-missing-title.config.yaml",
    expected: [`${dir}/rule-missing-title.rules.yaml:3:5  rules[0].title is required`],
  },
  {
    file: "bad-time.config.yaml",
    expected: [`${dir}/bad-time.config.yaml:3:38  staging.cutoff.time: write times as HH:MM (24-hour)`],
  },
  {
    file: "several-problems.config.yaml",
    expected: [
      `${dir}/several-problems.config.yaml:3:15  override.open-questions.severity`,
      `${dir}/several-problems.config.yaml:6:7  unknown option "maxEstimat" for check kind unit-of-work`,
      `${dir}/several-problems.config.yaml:7:11  cannot disable unknown rule "nope"`,
    ],
  },
];

describe("broken rule and config files", () => {
  it("the corpus has at least 15 broken files", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(15);
  });

  it.each(corpus)("$file is rejected with exit 2 and its file:line:col", async ({ file, expected }) => {
    const result = await runCliInProcess(["rules", "check", "--config", `${dir}/${file}`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    for (const line of expected) expect(result.stderr).toContain(line);
    expect(result.stderr).toMatch(/^bfd: \d+ problems? in /);
    expect(result.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  it("shows a stack trace only with --debug", async () => {
    const result = await runCliInProcess([
      "rules",
      "check",
      "--debug",
      "--config",
      `${dir}/wrong-severity.config.yaml`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/\n\s+at /);
  });

  it("reports a --config that does not exist as a usage error", async () => {
    const result = await runCliInProcess(["rules", "check", "--config", "nope.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bfd: --config nope.yaml: no such file");
  });
});
