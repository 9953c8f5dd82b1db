import { afterEach, expect, it, vi } from "vitest";
import { flagRecords } from "../../../src/checks/flag-records.js";
import { checkCases } from "../../helpers/check-cases.js";
import { DEFAULT_CHECK_CONTEXT } from "../../../src/checks/types.js";
import { changed, md, withMr } from "../../helpers/work-item.js";
import { addedLinesOfDiff } from "../../../src/work-item/introduced-names.js";

const FLAG = "config/feature_flags/development/login_audit.yml";
const OTHER = "feature-flags/search_v2.yaml";
const COMPLETE = md(
  "name: login_audit",
  "rollout_state: 10% of EU",
  "communication: changelog and in-app banner",
  "help_docs: with GA",
  "retirement: 2025-Q3",
);

/** An MR that changes `FLAG` (and `OTHER` when given), with their content at head. */
function recording(content: string, other?: string) {
  return withMr({
    changes: [
      changed(FLAG, { added: true }),
      changed("app/models/login.rb"),
      ...(other === undefined ? [] : [changed(OTHER)]),
    ],
    files: [{ path: FLAG, content }, ...(other === undefined ? [] : [{ path: OTHER, content: other }])],
  });
}

const CONTROLLER = "app/controllers/sessions_controller.rb";

/** A changed file whose diff (GitLab's `diff`: hunks only) is `diff`. */
function diffed(path: string, ...lines: string[]) {
  return { ...changed(path), addedLines: addedLinesOfDiff(lines.join("\n")) };
}

/** An MR whose controller adds `Feature.enabled?(:login_audit)` at line 11. */
const INTRODUCES_LOGIN_AUDIT = diffed(
  CONTROLLER,
  "@@ -10,3 +10,4 @@ class SessionsController",
  "   def create",
  "-    audit = false",
  "+    audit = Feature.enabled?(:login_audit, current_user)",
  "+    log(audit)",
);

/** An MR introducing login_audit, with the records it adds and those at its head outside the MR. */
function introducing(records: { path: string; content: string }[], existingFiles: string[] | null) {
  return withMr({
    changes: [INTRODUCES_LOGIN_AUDIT, ...records.map((r) => changed(r.path, { added: true }))],
    files: records,
    existingFiles,
  });
}

checkCases(flagRecords, {
  pass: [
    {
      name: "a new flag comes with its complete record",
      item: introducing([{ path: FLAG, content: COMPLETE }], null),
      message: /^1 feature-flag record complete$/,
    },
    {
      name: "a new flag's record is already in the repository at the MR's head",
      item: introducing([], ["config/feature_flags/ops/login_audit.yml"]),
      message: /login_audit: already recorded in the repository/,
      evidence: [`${CONTROLLER}:11: introduces login_audit; its record is already in the repository`],
    },
    {
      name: "a team's own pattern finds a flag whose record is in the MR",
      item: withMr({
        changes: [
          diffed("src/app.py", "@@ -1 +1,2 @@", " import flags", '+if flags.on("login_audit"):'),
          changed(FLAG),
        ],
        files: [{ path: FLAG, content: COMPLETE }],
      }),
      options: { introducedBy: [{ files: ["**/*.py"], pattern: 'flags\\.on\\("(?P<name>\\w+)"' }] },
    },
    {
      name: "a JavaScript useFlag call names a flag recorded in the repository",
      item: withMr({
        changes: [diffed("web/Login.tsx", "@@ -0,0 +1 @@", "+const audit = useFlag('login-audit');")],
        existingFiles: ["feature-flags/login-audit.yaml"],
      }),
    },
    {
      name: "a record is written with a merge key from shared defaults",
      item: recording(
        md(
          "defaults: &defaults",
          "  communication: changelog and in-app banner",
          "  help_docs: with GA",
          "  retirement: two releases after GA",
          "<<: *defaults",
          "rollout_state: 10% of EU",
        ),
      ),
    },
    {
      name: "the touched record fills in every required field",
      item: recording(COMPLETE),
      message: /^1 feature-flag record complete$/,
      evidence: [`${FLAG}: complete`],
    },
    {
      name: "fields are filled with lists and maps",
      item: recording(
        md(
          "rollout_state: [staging, 10%]",
          "communication: { channel: '#launches' }",
          "help_docs: { when: with GA, pages: [admin/audit] }",
          "retirement: 2025-09-30",
        ),
      ),
    },
    {
      name: "two records in both default folders are complete",
      item: recording(COMPLETE, COMPLETE),
      message: /^2 feature-flag record/,
    },
    {
      name: "custom required fields are filled",
      item: recording("owner: team-identity"),
      options: { requiredFields: ["owner"] },
    },
    {
      name: "a record in a custom folder is complete",
      item: withMr({ changes: [changed("flags/a.yml")], files: [{ path: "flags/a.yml", content: "owner: me" }] }),
      options: { paths: ["flags/*.yml"], requiredFields: ["owner"] },
    },
    {
      name: "a deleted record, which no longer needs to be filled in, sits beside a complete one",
      item: withMr({
        changes: [changed(FLAG, { deleted: true }), changed(OTHER)],
        files: [{ path: OTHER, content: COMPLETE }],
      }),
      message: /^1 feature-flag record/,
    },
  ],
  fail: [
    {
      name: "a field holds one of the team's placeholder words (config evidence.placeholders)",
      item: recording(
        md(
          "name: login_audit",
          "rollout_state: à définir",
          "communication: x1",
          "help_docs: with GA",
          "retirement: 2025-Q3",
        ),
      ),
      config: { placeholders: ["à définir"] },
      message: /lacks rollout_state/,
    },
    // #22: what a reviewer would not accept as a record.
    {
      name: "fields hold a boolean, a number, NaN and !!binary where text belongs",
      item: recording(
        md("rollout_state: true", "communication: 3", "help_docs: .nan", "retirement: !!binary aGVsbG8="),
      ),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "placeholders come in through aliases and a merge key",
      item: recording(
        md(
          "todo: &later to be decided with PM",
          "base: &base",
          "  help_docs: TBA",
          "<<: *base",
          "rollout_state: *later",
          "communication: *later",
          "retirement: WIP",
        ),
      ),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "a mapping has only one of its fields filled",
      item: recording(
        md(
          "rollout_state: { staging: 100%, production: TBD }",
          "communication: { channel: '#launches', date: ~ }",
          "help_docs: with GA",
          "retirement: two releases after GA",
        ),
      ),
      evidence: [`${FLAG}: missing rollout_state, communication`],
    },
    {
      name: "a required field is absent",
      item: recording(md("rollout_state: 10%", "communication: banner", "help_docs: with GA")),
      message: /lacks retirement/,
      evidence: [`${FLAG}: missing retirement`],
    },
    {
      // #22: a year where a sentence belongs is no retirement plan (before #22 a number passed).
      name: "a field says TBD, and one holds only a number",
      item: recording(md("rollout_state: TBD", "communication: todo", "help_docs: '???'", "retirement: 2025")),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "fields hold placeholders: TBD., a dash, TODO: decide, false",
      item: recording(
        md("rollout_state: TBD.", "communication: '-'", "help_docs: 'TODO: decide'", "retirement: false"),
      ),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "fields are ~, null, invisible characters or a list of placeholders",
      item: recording(md("rollout_state: ~", "communication: null", 'help_docs: "\\u200B"', "retirement: [TBD, '?']")),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "fields are empty, null, an empty list or an empty map",
      item: recording(md("rollout_state:", "communication: ''", "help_docs: []", "retirement: {}")),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    {
      name: "the record is empty",
      item: recording(""),
      evidence: [`${FLAG}: missing rollout_state, communication, help_docs, retirement`],
    },
    { name: "the record is a YAML list, not a map", item: recording("- rollout_state: 10%") },
    {
      name: "the record is not valid YAML",
      item: recording("rollout_state: [10%"),
      message: /login_audit.yml: not valid YAML/,
      evidence: [`${FLAG}: not valid YAML`],
    },
    { name: "the record repeats a key", item: recording(md(COMPLETE, "retirement: never")), message: /not valid YAML/ },
    {
      name: "the record's content was not read",
      item: withMr({ changes: [changed(FLAG)], files: [] }),
      message: /login_audit.yml: content was not read/,
      evidence: [`${FLAG}: content was not read`],
    },
    {
      name: "a new flag has no record in the MR and none in the repository",
      item: introducing([], []),
      message:
        /New feature flag without a record: login_audit \(app\/controllers\/sessions_controller.rb:11\) has no record/,
      evidence: [
        `${CONTROLLER}:11: introduces login_audit; add config/feature_flags/login_audit.yml with rollout_state, communication, help_docs, retirement`,
      ],
    },
    {
      name: "a new flag has no record and another record in the MR is incomplete: both are named",
      item: withMr({
        changes: [INTRODUCES_LOGIN_AUDIT, changed(OTHER)],
        files: [{ path: OTHER, content: "rollout_state: off" }],
        existingFiles: [],
      }),
      message:
        /^New feature flag without a record: login_audit .*; record incomplete: feature-flags\/search_v2.yaml lacks communication/,
      evidence: [`${OTHER}: missing communication, help_docs, retirement`],
    },
    {
      name: "a new flag's record in the MR says TBD",
      item: introducing(
        [{ path: FLAG, content: md("rollout_state: TBD", "communication: a", "help_docs: b", "retirement: c") }],
        null,
      ),
      evidence: [`${FLAG}: missing rollout_state`],
    },
    {
      name: "a team's own pattern finds a flag that has no record",
      item: withMr({
        changes: [diffed("src/app.py", "@@ -1 +1,2 @@", " import flags", '+if flags.on("beta_search"):')],
        existingFiles: [],
      }),
      options: { introducedBy: [{ files: ["**/*.py"], pattern: 'flags\\.on\\("(?P<name>\\w+)"' }] },
      message: /beta_search \(src\/app.py:2\) has no record/,
    },
    {
      name: "a flag's record is in the repository under another flag's name only",
      item: introducing([], ["config/feature_flags/ops/login_audit_v2.yml", "docs/login_audit.yml"]),
    },
    {
      name: "one of two records is incomplete",
      item: recording(COMPLETE, "rollout_state: 100%"),
      evidence: [`${FLAG}: complete`, `${OTHER}: missing communication, help_docs, retirement`],
    },
    {
      name: "a record was renamed within the flags folder and lost a field",
      item: withMr({
        changes: [changed(OTHER, { from: "feature-flags/search.yaml" })],
        files: [{ path: OTHER, content: "rollout_state: off" }],
      }),
    },
  ],
  error: [
    {
      name: "a new flag has no record in the MR and the repository's records were not read",
      item: introducing([], null),
      message: /^Could not tell whether login_audit already has a record/,
    },
  ],
  skipped: [
    {
      name: "a flag call is only in a removed line",
      item: withMr({
        changes: [
          diffed(CONTROLLER, "@@ -12,2 +12,1 @@", "-    audit = Feature.enabled?(:login_audit)", "     log(audit)"),
        ],
      }),
      message: /^No feature-flag record touched$/,
    },
    {
      name: "introducedBy is turned off and a flag call is added",
      item: introducing([], null),
      options: { introducedBy: [] },
    },
    {
      name: "a flag call is added to a file no introducer reads",
      item: withMr({ changes: [diffed("README.md", "@@ -0,0 +1 @@", "+Feature.enabled?(:login_audit)")] }),
    },
    {
      name: "the merge request touches no flag record",
      item: withMr({ changes: [changed("app/models/login.rb")] }),
      message: /^No feature-flag record touched$/,
    },
    { name: "the only touched record is deleted", item: withMr({ changes: [changed(FLAG, { deleted: true })] }) },
    {
      name: "the only touched record was moved out of the flags folder",
      item: withMr({ changes: [changed("docs/archive/login_audit.yml", { from: FLAG })] }),
    },
    {
      name: "a YAML file outside the flag folders changed",
      item: withMr({ changes: [changed("config/database.yml")] }),
    },
  ],
});

afterEach(() => vi.restoreAllMocks());

it("reads a record with an unknown %directive without printing a YAML warning to stderr (found by fuzzing)", () => {
  const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  flagRecords.run(recording(md("%", COMPLETE)), flagRecords.options.parse({}), DEFAULT_CHECK_CONTEXT);
  expect(warn).not.toHaveBeenCalled();
});

it.each([
  ["a pattern without a group named name", "Feature\\.enabled\\?\\(:(\\w+)", /has no group named "name"/],
  ["a pattern RE2 cannot compile", "(?<=x)(?P<name>\\w+)", /invalid pattern \(RE2 syntax/],
])("refuses %s when the rules load, naming the option", (_name, pattern, message) => {
  const options = flagRecords.options.parse({ introducedBy: [{ files: ["**/*.rb"], pattern }] });
  const problems = flagRecords.validate!(options);
  expect(problems).toHaveLength(1);
  expect(problems[0]).toMatch(/^introducedBy\[0\]\.pattern: /);
  expect(problems[0]).toMatch(message);
});

it("accepts the default patterns and the (?<name>…) spelling", () => {
  expect(flagRecords.validate!(flagRecords.options.parse({}))).toEqual([]);
  const options = flagRecords.options.parse({ introducedBy: [{ files: ["**/*.py"], pattern: "on\\((?<name>\\w+)" }] });
  expect(flagRecords.validate!(options)).toEqual([]);
});
