/**
 * `bfd doctor`'s verdicts, pure: facts (what the command read) → one check per line → the exit code. Each row changes
 * the all-good facts in one way and says which checks must come out how, and which exit code the lot gives.
 */
import { describe, expect, it } from "vitest";
import { assembleDoctor, configFactsOf, type DoctorFacts, type Failure } from "../../src/doctor/checks.js";
import { expectedNames } from "../../src/doctor/prerequisites.js";
import { doctorExitCode, doctorJson, type DoctorCheckId, type DoctorStatus } from "../../src/doctor/result.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadDoctorReporter } from "../../src/reporters/doctor/index.js";
import { JOB_TOKEN_LIMITS } from "../../src/sources/tokens.js";
import { ROOT } from "../helpers/cli.js";
import { join } from "node:path";

const NOW = Date.parse("2026-11-02T10:00:00Z");
const HOUR = 3_600_000;

const fail = (
  kind: Failure["kind"],
  code: string,
  message: string,
  hint?: string,
): { ok: false; failure: Failure } => ({
  ok: false,
  failure: { kind, code, message, ...(hint === undefined ? {} : { hint }) },
});

const UNREACHABLE = fail(
  "upstream",
  "gitlab-unreachable",
  "Could not reach GitLab at http://127.0.0.1:9 while reading the token's user (ECONNREFUSED)",
  "Check the GitLab host (GITLAB_URL or CI_SERVER_URL) and the network.",
);

/** What a small rule set names: two handoff states, the staging label, a waiver label. */
const EXPECTED = expectedNames([
  { where: "linear-state", name: "In Review", rule: "handoff-state-explicit", option: "names", list: true, index: 1 },
  { where: "linear-state", name: "Blocked", rule: "handoff-state-explicit", option: "names", list: true, index: 2 },
  {
    where: "linear-state",
    name: "Blocked",
    rule: "linear-state-current",
    option: "blockedStateNames",
    list: true,
    index: 3,
  },
  {
    where: "gitlab-label",
    name: "Validated in Staging",
    rule: "staging-validated",
    option: "label",
    list: false,
    index: 4,
  },
  { where: "any-label", name: "no-docs", rule: "user-docs-updated", option: "waiverLabels", list: true, index: 5 },
]);

function allGood(): DoctorFacts {
  return {
    now: NOW,
    config: {
      ok: true,
      value: {
        configPath: null,
        extendsBuiltin: true,
        ruleFiles: [],
        extraRules: 0,
        disabled: [],
        overridden: [],
        rulesInForce: { ready: 8, done: 9 },
        waivers: { allowAuthor: false, by: null },
      },
    },
    linear: {
      client: { ok: true, value: { apiUrl: null } },
      viewer: { ok: true, value: { name: "Ada Lovelace", email: "ada@acme.example" } },
      budget: {
        requests: { limit: 2500, remaining: 2499, resetsAt: NOW + HOUR },
        complexity: { limit: 3_000_000, remaining: 2_999_990, resetsAt: NOW + HOUR },
        lastQueryComplexity: 10,
      },
    },
    gitlab: {
      host: { ok: true, value: { url: "https://gitlab.example.com", from: "GITLAB_URL" } },
      jobTokenOnly: false,
      client: { ok: true, value: null },
      user: { ok: true, value: { username: "bfd-bot" } },
      token: { ok: true, value: { name: "bfd", scopes: ["read_api"], active: true, expiresAt: "2027-06-01" } },
      project: { ok: true, value: { project: "acme/web", from: "the origin remote" } },
      projectRead: {
        ok: true,
        value: { id: 4242, path: "acme/web", defaultBranch: "main", webUrl: "https://gitlab.example.com/acme/web" },
      },
    },
    workspace: {
      expected: EXPECTED,
      team: "ENG",
      linearTeam: {
        ok: true,
        value: {
          key: "ENG",
          name: "Engineering",
          states: ["Todo", "In Review", "Blocked", "Done"].map((name, position) => ({
            id: `state-${position}`,
            name,
            type: "started",
            position,
          })),
          labels: ["Bug"],
        },
      },
      gitlabLabels: { ok: true, value: ["Validated in Staging", "no-docs"] },
    },
    repository: {
      sections: [
        {
          id: "tested",
          title: "How it was tested is written down",
          severity: "error",
          options: { source: "mergeRequest.description", headings: ["How tested", "Testing"] },
        },
      ],
      template: { ok: true, value: "Closes <ISSUE-KEY>\n\n## Testing\n\n<!-- bfd -->\n" },
      pipeline: { ok: true, value: "include:\n  - component: $CI_SERVER_FQDN/bfd-tools/bfd/bfd@1.2.0\n" },
    },
  };
}

interface Row {
  name: string;
  change: (facts: DoctorFacts) => void;
  /** The checks this row is about; every other check must pass. */
  expect: Partial<Record<DoctorCheckId, DoctorStatus>>;
  /** Fragments of the named check's detail (and fix), in the pretty output. */
  says?: Partial<Record<DoctorCheckId, RegExp>>;
  exit: 0 | 2 | 3;
}

const ROWS: Row[] = [
  {
    name: "everything is set up",
    change: () => undefined,
    expect: {},
    says: { config: /waivers count only when someone other than the MR's author stands behind them/ },
    exit: 0,
  },
  {
    name: "a team config changes the rules",
    change: (f) => {
      f.config = {
        ok: true,
        value: {
          configPath: "bfd.config.yaml",
          extendsBuiltin: true,
          ruleFiles: ["rules/team.yaml"],
          extraRules: 1,
          disabled: ["handoff-state-explicit"],
          overridden: [{ id: "ready-estimate", fields: ["severity"] }],
          rulesInForce: { ready: 7, done: 10 },
          waivers: { allowAuthor: true, by: ["rita", "omar"] },
        },
      };
    },
    expect: { config: "pass" },
    says: {
      config:
        /bfd\.config\.yaml over the built-in rules · rule files: rules\/team\.yaml · adds 1 rule · disables handoff-state-explicit · overrides ready-estimate \(severity\) · 7 ready and 10 done rules in force · waivers count only from @rita, @omar \(on their own MRs too: allowAuthor\)/,
    },
    exit: 0,
  },
  {
    name: "the config has problems",
    change: (f) => {
      f.config = {
        ok: false,
        failure: {
          kind: "config",
          code: "config-invalid",
          message: "bfd.config.yaml has 1 problem",
          details: ['bfd.config.yaml:3:3  cannot disable unknown rule "nope"'],
        },
      };
      f.gitlab.project = null;
      f.gitlab.projectRead = null;
    },
    expect: { config: "fail", "gitlab-project": "warn" },
    says: { config: /bfd\.config\.yaml has 1 problem\n.*cannot disable unknown rule "nope"/ },
    exit: 2,
  },
  {
    name: "the config turns off every rule of a gate",
    change: (f) => {
      if (f.config.ok) f.config.value.rulesInForce.ready = 0;
    },
    expect: { config: "fail" },
    says: { config: /no rules in force for the ready gate/ },
    exit: 2,
  },
  {
    name: "LINEAR_API_KEY is missing",
    change: (f) => {
      f.linear = {
        client: fail("usage", "linear-key-missing", "LINEAR_API_KEY is not set", "export LINEAR_API_KEY=lin_api_…"),
        viewer: null,
        budget: null,
      };
    },
    expect: { "linear-key": "fail", "linear-budget": "warn" },
    says: { "linear-key": /LINEAR_API_KEY: not set.*\n.*export LINEAR_API_KEY=/ },
    exit: 2,
  },
  {
    name: "Linear rejects the key",
    change: (f) => {
      // Linear's 401 still carries budget headers: they are not the budget of a key bfd can use.
      f.linear.viewer = fail("setup", "linear-auth", "Linear rejected the API key in LINEAR_API_KEY (HTTP 401)");
    },
    expect: { "linear-key": "fail", "linear-budget": "warn" },
    says: {
      "linear-key": /LINEAR_API_KEY: Linear rejected the key/,
      "linear-budget": /not checked: needs a working LINEAR_API_KEY/,
    },
    exit: 2,
  },
  {
    name: "Linear does not answer",
    change: (f) => {
      f.linear.viewer = fail(
        "upstream",
        "linear-timeout",
        "Linear did not answer within 1 s while reading who owns the API key",
      );
      f.linear.budget = null;
    },
    expect: { "linear-key": "fail", "linear-budget": "warn" },
    says: { "linear-budget": /not checked: Linear could not be used/ },
    exit: 3,
  },
  {
    name: "Linear's complexity budget is nearly spent",
    change: (f) => {
      f.linear.budget!.complexity.remaining = 120_000;
    },
    expect: { "linear-budget": "warn" },
    says: { "linear-budget": /120,000 of 3,000,000 complexity points left · full again in 60 min — under 10 %/ },
    exit: 0,
  },
  {
    name: "Linear's reply says nothing of the budget",
    change: (f) => {
      f.linear.budget = null;
    },
    expect: { "linear-budget": "warn" },
    exit: 0,
  },
  {
    name: "GITLAB_URL is not a URL",
    change: (f) => {
      f.gitlab.host = fail("usage", "bad-url", 'GITLAB_URL is not a URL: "gitlab"', "Set GITLAB_URL to an http(s) URL");
      f.gitlab.client = null;
      f.gitlab.user = f.gitlab.token = f.gitlab.projectRead = null;
    },
    expect: { "gitlab-host": "fail", "gitlab-token": "warn", "gitlab-project": "warn" },
    exit: 2,
  },
  {
    name: "GITLAB_TOKEN is missing",
    change: (f) => {
      f.gitlab.client = fail("usage", "gitlab-token-missing", "GITLAB_TOKEN is not set", "export GITLAB_TOKEN=glpat-…");
      f.gitlab.user = f.gitlab.token = f.gitlab.projectRead = null;
    },
    expect: { "gitlab-token": "fail", "gitlab-project": "warn" },
    says: {
      "gitlab-host": /https:\/\/gitlab\.example\.com \(from GITLAB_URL\); not contacted/,
      "gitlab-token": /GITLAB_TOKEN: not set.*\n.*export GITLAB_TOKEN=/,
    },
    exit: 2,
  },
  {
    name: "only CI_JOB_TOKEN is set",
    change: (f) => {
      f.gitlab.jobTokenOnly = true;
      f.gitlab.client = fail(
        "usage",
        "gitlab-token-missing",
        `GITLAB_TOKEN is not set: ${JOB_TOKEN_LIMITS}`,
        "Add a masked CI/CD variable GITLAB_TOKEN",
      );
      f.gitlab.user = f.gitlab.token = f.gitlab.projectRead = null;
    },
    expect: { "gitlab-token": "fail", "gitlab-project": "warn" },
    says: { "gitlab-token": /CI_JOB_TOKEN alone is not enough: CI_JOB_TOKEN cannot read merge requests/ },
    exit: 2,
  },
  {
    name: "GitLab rejects the token",
    change: (f) => {
      const rejected = fail(
        "setup",
        "gitlab-auth",
        "GitLab rejected the token in GITLAB_TOKEN (HTTP 401)",
        "export GITLAB_TOKEN=…",
      );
      f.gitlab.user = rejected;
      f.gitlab.token = rejected;
      f.gitlab.projectRead = rejected;
    },
    expect: { "gitlab-token": "fail", "gitlab-project": "warn" },
    says: {
      "gitlab-token": /GITLAB_TOKEN: https:\/\/gitlab\.example\.com rejected the token \(HTTP 401\)/,
      "gitlab-project": /not read: GitLab rejected the token/,
    },
    exit: 2,
  },
  {
    name: "the token lacks read_api",
    change: (f) => {
      f.gitlab.token = { ok: true, value: { name: "bfd", scopes: ["read_user"], active: true, expiresAt: null } };
      f.gitlab.projectRead = fail(
        "setup",
        "gitlab-forbidden",
        "GitLab refused the token in GITLAB_TOKEN while reading project acme/web (HTTP 403): it lacks the read_api scope",
      );
    },
    expect: { "gitlab-token": "fail", "gitlab-project": "fail" },
    says: { "gitlab-token": /token "bfd" lacks the read_api scope \(it has read_user\)/ },
    exit: 2,
  },
  {
    name: "the token expires within 14 days",
    change: (f) => {
      f.gitlab.token = { ok: true, value: { name: "bfd", scopes: ["api"], active: true, expiresAt: "2026-11-10" } };
    },
    expect: { "gitlab-token": "warn" },
    says: { "gitlab-token": /expires 2026-11-10 \(in 7 days\)\n.*Rotate or replace the token before 2026-11-10/ },
    exit: 0,
  },
  {
    name: "the token has expired",
    change: (f) => {
      f.gitlab.token = { ok: true, value: { name: "bfd", scopes: ["api"], active: true, expiresAt: "2026-11-01" } };
    },
    expect: { "gitlab-token": "fail" },
    says: { "gitlab-token": /expired on 2026-11-01/ },
    exit: 2,
  },
  {
    name: "the token is not a personal, project or group access token",
    change: (f) => {
      f.gitlab.token = { ok: true, value: null };
    },
    expect: { "gitlab-token": "warn" },
    says: { "gitlab-token": /logged in to GitLab as bfd-bot; its scopes and expiry are unknown/ },
    exit: 0,
  },
  {
    name: "GitLab is unreachable",
    change: (f) => {
      f.gitlab.user = f.gitlab.token = f.gitlab.projectRead = UNREACHABLE;
    },
    expect: { "gitlab-host": "fail", "gitlab-token": "warn", "gitlab-project": "warn" },
    says: { "gitlab-host": /https:\/\/gitlab\.example\.com \(from GITLAB_URL\): Could not reach GitLab/ },
    exit: 3,
  },
  {
    name: "nothing names the project",
    change: (f) => {
      f.gitlab.project = { ok: true, value: null };
      f.gitlab.projectRead = null;
    },
    expect: { "gitlab-project": "fail" },
    says: { "gitlab-project": /none found.*\n.*gitlab: \{ project: group\/app \}/ },
    exit: 2,
  },
  {
    name: "the token cannot see the project",
    change: (f) => {
      f.gitlab.projectRead = fail(
        "input",
        "project-not-found",
        "GitLab project acme/web was not found, or the token in GITLAB_TOKEN cannot see it",
      );
    },
    expect: { "gitlab-project": "fail" },
    exit: 2,
  },
  {
    name: "a setup problem and an unreachable service together (2 beats 3)",
    change: (f) => {
      f.linear = {
        client: fail("usage", "linear-key-missing", "LINEAR_API_KEY is not set"),
        viewer: null,
        budget: null,
      };
      f.gitlab.user = f.gitlab.token = f.gitlab.projectRead = UNREACHABLE;
    },
    expect: {
      "linear-key": "fail",
      "linear-budget": "warn",
      "gitlab-host": "fail",
      "gitlab-token": "warn",
      "gitlab-project": "warn",
    },
    exit: 2,
  },
  {
    name: "a bug in one step",
    change: (f) => {
      f.gitlab.projectRead = fail("internal", "internal", "bfd failed unexpectedly: x is undefined");
    },
    expect: { "gitlab-project": "fail" },
    exit: 2,
  },
];

const IDS: DoctorCheckId[] = [
  "config",
  "linear-key",
  "linear-budget",
  "gitlab-host",
  "gitlab-token",
  "gitlab-project",
  "linear-workflow",
  "gitlab-labels",
  "mr-template",
  "ci-include",
];

describe("bfd doctor's verdicts", () => {
  it("has passing and failing rows", () => {
    expect(ROWS.some((r) => r.exit === 0)).toBe(true);
    expect(ROWS.some((r) => r.exit === 2)).toBe(true);
    expect(ROWS.some((r) => r.exit === 3)).toBe(true);
  });

  it.each(ROWS)("$name → exit $exit", async (row) => {
    const facts = allGood();
    row.change(facts);
    const result = assembleDoctor(facts);
    expect(result.checks.map((c) => c.id)).toEqual(IDS);
    for (const check of result.checks) {
      expect(check.status, `${check.id}: ${check.detail}`).toBe(row.expect[check.id] ?? "pass");
      expect(check.detail).not.toBe("");
      if (check.status === "fail") expect(check.problem).toBeDefined();
    }
    expect(doctorExitCode(result)).toBe(row.exit);
    const json = doctorJson(result);
    expect(json.ok).toBe(row.exit === 0);
    expect(JSON.stringify(json)).not.toContain('"problem"');
    const pretty = (await loadDoctorReporter("pretty"))(result, { colorLevel: 0 });
    for (const [id, pattern] of Object.entries(row.says ?? {})) {
      const check = result.checks.find((c) => c.id === id)!;
      const at = pretty.indexOf(`${check.title}: `);
      expect(at, id).toBeGreaterThanOrEqual(0);
      expect(pretty.slice(at), id).toMatch(pattern);
    }
  });

  it("shows a fix under failing lines only, and a summary", async () => {
    const facts = allGood();
    facts.gitlab.client = {
      ok: false,
      failure: { kind: "usage", code: "gitlab-token-missing", message: "x", hint: "export GITLAB_TOKEN=glpat-…" },
    };
    facts.gitlab.user = facts.gitlab.token = facts.gitlab.projectRead = null;
    const pretty = (await loadDoctorReporter("pretty"))(assembleDoctor(facts), { colorLevel: 0 });
    expect(pretty).toMatch(
      /^✖ GITLAB_TOKEN: not set: bfd reads merge requests from GitLab with it\n {4}export GITLAB_TOKEN=glpat-…$/m,
    );
    expect(pretty).toMatch(/^✔ LINEAR_API_KEY: logged in to Linear as Ada Lovelace \(ada@acme\.example\)$/m);
    expect(pretty).toMatch(
      /^! GitLab project: acme\/web \(from the origin remote\); not read: needs a usable GITLAB_TOKEN/m,
    );
    expect(pretty.trimEnd().split("\n").at(-1)).toBe("1 problem to fix before bfd's gates can run.");
  });

  it("strips control characters from what Linear and GitLab say", async () => {
    const facts = allGood();
    facts.linear.viewer = {
      ok: true,
      value: { name: "Ada\u001b]0;pwned\u0007 Lovelace\u001b[2J", email: "ada@acme.example\r\n" },
    };
    const pretty = (await loadDoctorReporter("pretty"))(assembleDoctor(facts), { colorLevel: 0 });
    // eslint-disable-next-line no-control-regex
    expect(pretty).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(pretty).toContain("Ada Lovelace");
  });
});

describe("the config line from a loaded rule set", () => {
  const builtin = builtinRuleFiles(ROOT, join(ROOT, "rules"));
  it("names no config when there is none", () => {
    const facts = configFactsOf(loadRuleSet({ builtinFiles: builtin, configFile: null, readRuleFile: () => null }));
    expect(facts).toMatchObject({ configPath: null, extendsBuiltin: true, disabled: [], overridden: [] });
    expect(facts.waivers).toEqual({ allowAuthor: false, by: null });
    expect(facts.rulesInForce.ready).toBeGreaterThan(0);
    expect(facts.rulesInForce.done).toBeGreaterThan(0);
  });

  it("lists what the config disables and overrides", () => {
    const ids = loadRuleSet({ builtinFiles: builtin, configFile: null, readRuleFile: () => null }).rules.map(
      (r) => r.id,
    );
    const [first, second, third] = ids;
    const text = `disable: [${first}]\noverride:\n  ${second}:\n    severity: warning\n  ${third}:\n    disabled: true\n`;
    const set = loadRuleSet({
      builtinFiles: builtin,
      configFile: { path: "bfd.config.yaml", text },
      readRuleFile: () => null,
    });
    const facts = configFactsOf(set);
    expect(facts.configPath).toBe("bfd.config.yaml");
    expect(facts.disabled).toEqual([first, third]);
    expect(facts.overridden).toEqual([{ id: second, fields: ["severity"] }]);
    expect(facts.rulesInForce.ready + facts.rulesInForce.done).toBe(ids.length - 2);
  });
});

describe("bfd doctor's process prerequisites", () => {
  const pretty = async (facts: DoctorFacts) =>
    (await loadDoctorReporter("pretty"))(assembleDoctor(facts), { colorLevel: 0 });

  it("passes with one line per side when every state and label the rules name exists", async () => {
    const out = await pretty(allGood());
    expect(out).toMatch(/^✔ Linear workflow: team ENG \(Engineering\) has the 2 workflow states the rules name$/m);
    expect(out).toMatch(/^✔ GitLab labels: acme\/web has the 2 labels the rules name$/m);
  });

  it.each([
    {
      name: "a handoff state the team lacks",
      change: (f: DoctorFacts) => {
        if (f.workspace?.linearTeam?.ok === true)
          f.workspace.linearTeam.value.states.splice(1, 1, {
            id: "state-code-review",
            name: "Code Review",
            type: "started",
            position: 1,
          });
      },
      line: /^✖ Linear state "In Review": not in team ENG's workflow; handoff-state-explicit names it\n {4}Create it in Linear: Settings → Teams → Engineering → Workflow, or name your own under override: handoff-state-explicit: with: \{ names: \.\.\. \} in bfd\.config\.yaml\./m,
    },
    {
      name: "a state two rules name, misspelt in the team",
      change: (f: DoctorFacts) => {
        if (f.workspace?.linearTeam?.ok === true) f.workspace.linearTeam.value.states[2]!.name = "Blockd";
      },
      line: /^✖ Linear state "Blocked": not in team ENG's workflow; handoff-state-explicit, linear-state-current name it · did you mean "Blockd"\?$/m,
    },
    {
      name: "the staging label the project lacks",
      change: (f: DoctorFacts) => {
        f.workspace!.gitlabLabels = { ok: true, value: ["no-docs"] };
      },
      line: /^✖ GitLab label "Validated in Staging": not in acme\/web or its groups; staging-validated names it\n {4}Create it in GitLab: acme\/web → Manage → Labels \(or a group's labels\), or run bfd init --from-linear --create-labels, or name your own under override: staging-validated: with: \{ label: \.\.\. \}/m,
    },
    {
      name: "a waiver label on neither side",
      change: (f: DoctorFacts) => {
        f.workspace!.gitlabLabels = { ok: true, value: ["Validated in Staging"] };
      },
      line: /^✖ Waiver label "no-docs": not in acme\/web or its groups; user-docs-updated names it\n.*override: user-docs-updated: waiverLabels: \[\.\.\.\]/m,
    },
  ])("$name: one failing line with its fix → exit 2", async ({ change, line }) => {
    const facts = allGood();
    change(facts);
    expect(await pretty(facts)).toMatch(line);
    expect(doctorExitCode(assembleDoctor(facts))).toBe(2);
  });

  it("counts a waiver label the Linear team has", () => {
    const facts = allGood();
    facts.workspace!.gitlabLabels = { ok: true, value: ["Validated in Staging"] };
    if (facts.workspace?.linearTeam?.ok === true) facts.workspace.linearTeam.value.labels.push("No-Docs");
    expect(doctorExitCode(assembleDoctor(facts))).toBe(0);
  });

  it.each([
    {
      name: "no linear.team",
      change: (f: DoctorFacts) => {
        f.workspace!.team = null;
        f.workspace!.linearTeam = null;
      },
      line: /^! Linear workflow: not checked: no linear\.team in bfd\.config\.yaml .*\n {4}Add `linear: \{ team: ENG \}`/m,
      exit: 0,
    },
    {
      name: "an unknown team",
      change: (f: DoctorFacts) => {
        f.workspace!.linearTeam = fail(
          "usage",
          "team-not-found",
          "No Linear team ENGG in this workspace",
          "Pass the team's key",
        );
      },
      line: /^✖ Linear workflow: No Linear team ENGG in this workspace\n {4}Pass the team's key/m,
      exit: 2,
    },
    {
      name: "GitLab's labels unreadable: the service is down",
      change: (f: DoctorFacts) => {
        f.workspace!.gitlabLabels = UNREACHABLE;
      },
      line: /^✖ GitLab labels: Could not reach GitLab/m,
      exit: 3,
    },
  ])("$name", async ({ change, line, exit }) => {
    const facts = allGood();
    change(facts);
    expect(await pretty(facts)).toMatch(line);
    expect(doctorExitCode(assembleDoctor(facts))).toBe(exit);
  });
});

describe("bfd doctor on the MR template and the pipeline of the default branch", () => {
  const pretty = async (facts: DoctorFacts) =>
    (await loadDoctorReporter("pretty"))(assembleDoctor(facts), { colorLevel: 0 });

  it("passes when the template has the sections (by any alias) and the pipeline includes bfd's component", async () => {
    const out = await pretty(allGood());
    expect(out).toMatch(
      /^✔ MR template: \.gitlab\/merge_request_templates\/Default\.md has the 1 section the Done gate reads$/m,
    );
    expect(out).toMatch(/^✔ CI\/CD component: \.gitlab-ci\.yml on the default branch runs bfd ci$/m);
  });

  it.each([
    {
      name: "a template without the section",
      change: (f: DoctorFacts) => (f.repository!.template = { ok: true, value: "Closes <ISSUE-KEY>\n" }),
      line: /^! MR template: \.gitlab\/merge_request_templates\/Default\.md lacks "## How tested": the Done gate reads it\n {4}Add the sections/m,
    },
    {
      name: "no template",
      change: (f: DoctorFacts) => (f.repository!.template = { ok: true, value: null }),
      line: /^! MR template: no \.gitlab\/merge_request_templates\/Default\.md on the default branch/m,
    },
    {
      name: "a pipeline without bfd",
      change: (f: DoctorFacts) => (f.repository!.pipeline = { ok: true, value: "test:\n  script: [npm test]\n" }),
      line: /^! CI\/CD component: \.gitlab-ci\.yml on the default branch neither includes bfd's component nor runs bfd ci\n {4}Run bfd init/m,
    },
    {
      name: "a job of the team's own that runs bfd ci",
      change: (f: DoctorFacts) =>
        (f.repository!.pipeline = { ok: true, value: "gate:\n  script:\n    - npx --no bfd ci\n" }),
      line: /^✔ CI\/CD component: /m,
    },
  ])("$name: a warning with its fix, never a failed setup", async ({ change, line }) => {
    const facts = allGood();
    change(facts);
    expect(await pretty(facts)).toMatch(line);
    expect(doctorExitCode(assembleDoctor(facts))).toBe(0);
  });
});

describe("the token's expiry against the release calendar", () => {
  it.each([
    { expiresAt: "2026-12-08", release: Date.parse("2026-12-08T09:00:00Z"), status: "warn", before: true },
    { expiresAt: "2026-12-09", release: Date.parse("2026-12-08T09:00:00Z"), status: "warn", before: false },
    { expiresAt: "2027-06-01", release: Date.parse("2026-12-08T09:00:00Z"), status: "pass", before: false },
  ])("expiring $expiresAt, release at $release: $status", async ({ expiresAt, release, status, before }) => {
    const facts = allGood();
    facts.now = Date.parse("2026-12-01T12:00:00Z");
    facts.nextRelease = { at: release, shown: "Tue 8 Dec 10:00 Europe/Berlin" };
    facts.gitlab.token = { ok: true, value: { name: "bfd", scopes: ["read_api"], active: true, expiresAt } };
    const check = assembleDoctor(facts).checks.find((c) => c.id === "gitlab-token")!;
    expect(check.status).toBe(status);
    expect(check.detail.includes("before the next release day, Tue 8 Dec 10:00 Europe/Berlin")).toBe(before);
    if (before) expect(check.fix).toContain("or the release's gates cannot read GitLab");
  });
});
