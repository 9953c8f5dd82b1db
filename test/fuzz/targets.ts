/**
 * Fuzz targets: each is `(fc) => property` over one piece of bfd that takes text from outside — rule files,
 * bfd.config.yaml, snapshots, CLI arguments and environment values. The property every target shares: the code
 * either returns or throws a BfdError whose message is one line; never another exception, never a hang (inputs are
 * bounded, and a case slower than SLOW_CASE_MS fails). `test/fuzz/fuzz.test.ts` runs them briefly inside
 * `npm test`; `npm run fuzz` (scripts/fuzz.ts) runs them long.
 */
import { readFileSync } from "node:fs";
import type * as FastCheck from "fast-check";
import { stringify as yamlStringify, parse as yamlParse } from "yaml";
import { checkKindIds } from "../../src/checks/index.js";
import { markdownLimitProblem } from "../../src/markdown/limits.js";
import { parseTree, parsedCharacters, parserSteps } from "../../src/markdown/parse.js";
import {
  filledText,
  findSections,
  markdownLinks,
  mentionTextOf,
  sectionCriteria,
  visibleLines,
} from "../../src/markdown/sections.js";
import { findWaiverLines } from "../../src/engine/waivers.js";
import { globMatcher, globProblem } from "../../src/work-item/globs.js";
import { parseReportSpecs } from "../../src/commands/ci.js";
import { evaluate } from "../../src/engine/evaluate.js";
import { BfdError } from "../../src/errors.js";
import { networkPolicy } from "../../src/network-options.js";
import { loadRuleSet, type RuleSet, type SourceText } from "../../src/rules/load.js";
import { projectFromRemoteUrl, parseMergeRequestUrl } from "../../src/sources/gitlab/project.js";
import { parseIssueReference } from "../../src/sources/linear/client.js";
import { flagRecords } from "../../src/checks/flag-records.js";
import {
  addedLinesOfDiff,
  introducedNames,
  MAX_ADDED_LINE_CHARS,
  MAX_ADDED_LINES_PER_FILE,
} from "../../src/work-item/introduced-names.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { explicitWindow } from "../../src/staging/window.js";
import {
  findIssueKeys,
  findKeysInBranch,
  issueKeysFromMergeRequest,
  magicReferences,
  scannedCharacters,
} from "../../src/work-item/issue-keys.js";
import { workItemPaths } from "../../src/work-item/paths.js";
import type { WorkItem } from "../../src/work-item/schema.js";

type FC = typeof FastCheck;
type Arbitrary<T> = FastCheck.Arbitrary<T>;
export type FuzzTarget = (fc: FC) => FastCheck.IProperty<[unknown]>;

/** A single case slower than this is a failure: bfd must stay linear-ish on inputs this small. */
export const SLOW_CASE_MS = 2_000;

const ROOT = new URL("../../", import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), "utf8");

const BUILTIN_FILES: SourceText[] = ["rules/ready.yaml", "rules/done.yaml"].map((path) => ({ path, text: read(path) }));
const EXAMPLES = ["ready-pass", "ready-fail", "done-pass", "done-fail"].map((name) => read(`examples/${name}.json`));
const EXAMPLE_ITEMS: WorkItem[] = EXAMPLES.map((text, i) => parseSnapshot(text, `example-${i}.json`));
const BUILTIN_RULE_DEFINITIONS = BUILTIN_FILES.flatMap(
  (file) => (yamlParse(file.text) as { rules: Record<string, unknown>[] }).rules,
);
const SAMPLE_CONFIG = `extends: builtin
override:
  open-questions:
    severity: error
  user-docs-updated:
    with:
      ifChanged: ["web/src/**", "**/*.vue"]
  unit-of-work:
    with: { maxEstimate: 8 }
  handoff-state-explicit:
    with: { names: [In Review, Blocked, Ready for Staging Validation, Needs Decision, Done] }
disable: [traceable-to-challenge]
gitlab: { project: acme/web }
linear: { team: ENG }
staging: { timeZone: Europe/Berlin, cutoff: { weekday: thursday, time: "12:00" }, release: { weekday: tuesday, time: "10:00" } }
rules:
  - gate: done
    id: mr-not-draft
    title: The merge request is not a draft
    check: field
    with: { field: mergeRequest.draft, equals: false }
    when: { all: [{ field: mergeRequest.state, equals: opened }, { not: { changed: ["docs/**"] } }] }
    hint: "Mark {{mergeRequest.url|the MR}} as ready."
`;

let builtinRules: RuleSet | undefined;
/** The built-in rules, loaded once: snapshots are evaluated against what bfd ships. */
function builtinRuleSet(): RuleSet {
  builtinRules ??= loadRuleSet({ builtinFiles: BUILTIN_FILES, configFile: null, readRuleFile: () => null });
  return builtinRules;
}

/**
 * The shared property: returns, or throws a BfdError with a one-line message; anything else is a bug. Nor may it
 * print a Node warning (libraries do, through process.emitWarning): stderr belongs to bfd's own message.
 */
export function returnsOrThrowsBfdError(run: () => unknown): void {
  const started = performance.now();
  const warnings: string[] = [];
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(warning instanceof Error ? warning.message : warning);
  }) as typeof process.emitWarning;
  try {
    run();
  } catch (error) {
    if (!(error instanceof BfdError)) {
      const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new Error(`threw something other than a BfdError: ${shown}`, { cause: error });
    }
    if (error.message.trim() === "" || /[\r\n\u2028\u2029]/.test(error.message)) {
      throw new Error(`BfdError ${error.code} has a message that is not one line: ${JSON.stringify(error.message)}`, {
        cause: error,
      });
    }
  } finally {
    process.emitWarning = emitWarning;
  }
  if (warnings.length > 0) throw new Error(`printed a Node warning: ${warnings[0]}`);
  const ms = performance.now() - started;
  if (ms > SLOW_CASE_MS) throw new Error(`took ${Math.round(ms)} ms`);
}

/** Pieces YAML gives meaning to, so random text reaches past the first syntax error often enough. */
const YAML_TOKENS = [
  "gate: ready\n",
  "gate: done\n",
  "rules:\n",
  "  - ",
  "- ",
  "    ",
  "\n",
  ": ",
  ":",
  "id: ",
  "title: ",
  "check: ",
  "with: ",
  "when: ",
  "hint: ",
  "severity: ",
  "waivable: ",
  "waiverLabels: ",
  "field: ",
  "equals: ",
  "matches: ",
  "in: ",
  "all: ",
  "any: ",
  "not: ",
  "changed: ",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&a ",
  "*a",
  "<<: *a",
  "!!str ",
  "!!binary ",
  "!!map ",
  "!custom ",
  "|\n",
  ">-\n",
  "# c\n",
  "---\n",
  "...\n",
  '"',
  "'",
  "? ",
  "~",
  "null",
  "true",
  "no",
  "0x1F",
  "1e309",
  ".nan",
  "-.inf",
  "2026-01-01",
  "{{issue.url}}",
  "{{nope}}",
  "{{issue.url|x}}",
  "(a+)+$",
  "[",
  "\\",
  "\t",
  "\u0000",
  "\ufeff",
  "é",
  "𝒳",
  "ENG-123",
  "glpat-",
  "token: ",
];

function yamlishText(fc: FC): Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...YAML_TOKENS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom(...checkKindIds()) },
    { weight: 1, arbitrary: fc.constantFrom(...workItemPaths()) },
  );
  return fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(""));
}

/** Small edits of a real text: a few characters cut and something YAML-ish or random put in their place. */
function mutatedText(fc: FC, bases: readonly string[]): Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 24 }),
    insert: fc.oneof(
      fc.constantFrom(...YAML_TOKENS, "", "{", "}", ",", '"', "0", "-1", "null"),
      fc.string({ maxLength: 8 }),
    ),
  });
  return fc.tuple(fc.constantFrom(...bases), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([base, edits]) => {
    let text = base;
    for (const { at, cut, insert } of edits) {
      const position = at % (text.length + 1);
      text = text.slice(0, position) + insert + text.slice(position + cut);
    }
    return text;
  });
}

/** Scalars that break assumptions: wrong types, empty, huge-ish, unicode, patterns, templates, dates. */
function oddScalar(fc: FC): Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e21,
      -0,
      "",
      " ",
      "null",
      "ENG-123",
      "(a+)+$",
      "[",
      "**",
      "/",
      "../..",
      "{{issue.url}}",
      "{{nope}}",
      "2026-02-30",
      "x".repeat(300),
    ),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
  );
}

function oddValue(fc: FC): Arbitrary<unknown> {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      oddScalar(fc),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(
        fc.oneof(
          fc.string({ maxLength: 8 }),
          fc.constantFrom("field", "equals", "matches", "in", "paths", "source", "headings"),
        ),
        tie("value"),
        { maxKeys: 4 },
      ),
    ),
  }));
  return value;
}

/** `when:` conditions, mostly well-formed so the semantic checks (fields, patterns, globs) get exercised. */
function condition(fc: FC): Arbitrary<unknown> {
  const field = fc.oneof(fc.constantFrom(...workItemPaths()), fc.string({ maxLength: 16 }));
  const { cond } = fc.letrec((tie) => ({
    cond: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.record(
        {
          field,
          equals: oddScalar(fc),
          in: fc.array(oddScalar(fc), { maxLength: 3 }),
          matches: fc.oneof(
            fc.constantFrom("^ENG-\\d+$", "(a+)+$", "[", "(?=x)", "\\p{L}", "a{1000}", ""),
            fc.string({ maxLength: 12 }),
          ),
          contains: fc.string({ maxLength: 8 }),
          exists: fc.boolean(),
          minLength: fc.oneof(fc.nat(20), fc.constantFrom(-1, 1.5)),
          caseInsensitive: fc.boolean(),
        },
        { requiredKeys: ["field"] },
      ),
      fc.record({
        changed: fc.array(
          fc.oneof(fc.constantFrom("src/**", "**", "", "[", "!x", "{a,b}/**"), fc.string({ maxLength: 8 })),
          { maxLength: 3 },
        ),
      }),
      fc.record({ all: fc.array(tie("cond"), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie("cond"), { maxLength: 3 }) }),
      fc.record({ not: tie("cond") }),
      oddValue(fc),
    ),
  }));
  return cond;
}

const REMOVE = Symbol("remove");
type Change = readonly [key: string, value: unknown];

/** `changes` applied to a copy of `base`: a value per key, REMOVE deletes it, a `with.` key edits one option. */
function applyChanges(base: Record<string, unknown>, changes: readonly Change[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of changes) {
    if (key.startsWith("with.")) {
      const options =
        out["with"] !== null && typeof out["with"] === "object" && !Array.isArray(out["with"])
          ? (out["with"] as Record<string, unknown>)
          : {};
      out["with"] = { ...options, [key.slice(5)]: value === REMOVE ? undefined : value };
    } else if (value === REMOVE) {
      delete out[key];
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** One keyed change per entry of `fields`, or the removal of a key. */
function change(fc: FC, fields: Record<string, Arbitrary<unknown>>, removable: readonly string[]): Arbitrary<Change> {
  return fc.oneof(
    ...Object.entries(fields).map(([key, value]) => value.map((v): Change => [key, v])),
    fc.constantFrom(...removable).map((key): Change => [key, REMOVE]),
  );
}

const OPTION_NAMES = [
  "source",
  "headings",
  "paths",
  "ifChanged",
  "what",
  "allowed",
  "field",
  "equals",
  "maxEstimate",
  "minChars",
  "pattern",
  "names",
  "states",
  "labels",
  "flags",
  "requiredKeys",
  "caseInsensitive",
];

/** A built-in rule with one to three fields (or single options) changed to odd values, removed, or added. */
function mutatedRule(fc: FC): Arbitrary<Record<string, unknown>> {
  const fields: Record<string, Arbitrary<unknown>> = {
    id: fc.oneof(
      fc.constantFrom("scope-matches-issue", "mr-not-draft", "team-extra", "Bad_Id", "", "a--b"),
      fc.string({ maxLength: 12 }),
    ),
    title: oddScalar(fc),
    check: fc.oneof(fc.constantFrom(...checkKindIds()), fc.string({ maxLength: 12 })),
    with: oddValue(fc),
    severity: fc.oneof(fc.constantFrom("error", "warning", "fatal"), oddScalar(fc)),
    when: condition(fc),
    hint: fc.oneof(
      fc.constantFrom("{{issue.url}}", "{{nope}}", "{{unticked}}", "{{ issue.url | x }}", "{{", "}}", ""),
      fc.string({ maxLength: 20 }),
    ),
    waivable: fc.oneof(fc.boolean(), oddScalar(fc)),
    waiverLabels: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), oddScalar(fc)),
    process: oddScalar(fc),
    extra: oddValue(fc),
  };
  for (const name of OPTION_NAMES) fields[`with.${name}`] = oddValue(fc);
  return fc
    .tuple(
      fc.constantFrom(...BUILTIN_RULE_DEFINITIONS),
      fc.array(change(fc, fields, ["id", "title", "check", "with", "severity", "hint", "when"]), {
        minLength: 1,
        maxLength: 3,
      }),
    )
    .map(([base, changes]) => applyChanges(base, changes));
}

function ruleFileObject(fc: FC): Arbitrary<unknown> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        gate: fc.constantFrom("ready", "done"),
        rules: fc.array(mutatedRule(fc), { minLength: 1, maxLength: 4 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record(
        { gate: fc.oneof(fc.constantFrom("ready", "done"), oddScalar(fc)), rules: oddValue(fc), extra: oddValue(fc) },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: oddValue(fc) },
  );
}

/** Serialises with yaml.stringify; values yaml cannot represent fall back to their JSON (itself valid YAML). */
function toYaml(value: unknown): string {
  try {
    return yamlStringify(value);
  } catch {
    return JSON.stringify(value) ?? "";
  }
}

/**
 * Both gates over a WorkItem. A check that throws is caught by the engine and reported as `error` ("please report
 * this"): fail-closed for users, but a bug all the same, so the fuzzer treats it as one.
 */
function evaluateBothGates(rules: RuleSet["rules"], item: WorkItem): void {
  for (const gate of ["ready", "done"] as const) {
    const report = evaluate(rules, item, { gate });
    if (report.verdict !== "pass" && report.verdict !== "fail") throw new Error(`verdict ${String(report.verdict)}`);
    const crashed = report.results.find((result) => result.message.includes("could not evaluate this work item"));
    if (crashed !== undefined) throw new Error(`check crashed: ${crashed.rule}: ${crashed.message}`);
  }
}

/** The loader as `bfd rules check` runs it (built-ins or not, a config naming one extra rule file); rules that load are then run. */
function loadWithRuleFile(ruleFileText: string, extendsBuiltin: boolean, itemIndex: number): void {
  const set = loadRuleSet({
    builtinFiles: BUILTIN_FILES,
    configFile: {
      path: "bfd.config.yaml",
      text: `extends: ${extendsBuiltin ? "builtin" : "none"}\nruleFiles: [team-rules.yaml]\n`,
    },
    readRuleFile: (relative) =>
      relative === "team-rules.yaml" ? { path: "team-rules.yaml", text: ruleFileText } : null,
  });
  evaluateBothGates(set.rules, EXAMPLE_ITEMS[itemIndex % EXAMPLE_ITEMS.length]!);
}

/** The sample config with one to three top-level keys (or single overrides) changed to odd values, removed, or added. */
function configObject(fc: FC): Arbitrary<unknown> {
  const base = yamlParse(SAMPLE_CONFIG) as Record<string, unknown>;
  const ruleId = fc.oneof(
    fc.constantFrom(...BUILTIN_RULE_DEFINITIONS.map((r) => String(r["id"]))),
    fc.constantFrom("nope", "Bad_Id"),
    fc.string({ maxLength: 10 }),
  );
  const override = fc.record(
    {
      title: fc.oneof(fc.string({ maxLength: 12 }), oddScalar(fc)),
      severity: fc.oneof(fc.constantFrom("error", "warning"), oddScalar(fc)),
      with: fc.oneof(
        fc.dictionary(fc.oneof(fc.constantFrom(...OPTION_NAMES), fc.string({ maxLength: 10 })), oddValue(fc), {
          maxKeys: 3,
        }),
        oddValue(fc),
      ),
      when: condition(fc),
      hint: fc.oneof(fc.constantFrom("{{issue.url}}", "{{nope}}", "{{missing|none}}"), fc.string({ maxLength: 12 })),
      waivable: fc.oneof(fc.boolean(), oddScalar(fc)),
      waiverLabels: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }), oddScalar(fc)),
      disabled: fc.oneof(fc.boolean(), oddScalar(fc)),
    },
    { requiredKeys: [] },
  );
  const time = fc.oneof(fc.constantFrom("12:00", "24:00", "9:00", "23:59", ""), fc.string({ maxLength: 6 }));
  const weekday = fc.oneof(fc.constantFrom("monday", "thursday", "Tuesday", "someday"), oddScalar(fc));
  const fields: Record<string, Arbitrary<unknown>> = {
    extends: fc.oneof(fc.constantFrom("builtin", "none"), oddScalar(fc)),
    ruleFiles: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom("team.yaml", "../x.yaml", ""), fc.string({ maxLength: 8 })), { maxLength: 3 }),
      oddScalar(fc),
    ),
    rules: fc.oneof(
      fc.array(
        fc
          .tuple(fc.constantFrom("ready", "done", "nope"), mutatedRule(fc))
          .map(([gate, rule]) => ({ gate, ...rule, id: `team-${String(rule["id"])}` })),
        { maxLength: 3 },
      ),
      oddValue(fc),
    ),
    override: fc.oneof(fc.dictionary(ruleId, fc.oneof(override, oddValue(fc)), { maxKeys: 3 }), oddValue(fc)),
    disable: fc.oneof(fc.array(ruleId, { maxLength: 3 }), oddScalar(fc)),
    handoffStates: fc.oneof(fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), oddScalar(fc)),
    gitlab: fc.oneof(fc.record({ project: oddScalar(fc) }, { requiredKeys: [] }), oddValue(fc)),
    linear: fc.oneof(fc.record({ team: oddScalar(fc) }, { requiredKeys: [] }), oddValue(fc)),
    staging: fc.oneof(
      fc.record(
        {
          label: oddScalar(fc),
          deployBranch: oddScalar(fc),
          timeZone: fc.oneof(
            fc.constantFrom("UTC", "Europe/Berlin", "Mars/Olympus", "+02:00", ""),
            fc.string({ maxLength: 10 }),
          ),
          cutoff: fc.oneof(fc.record({ weekday, time }, { requiredKeys: [] }), oddValue(fc)),
          release: fc.oneof(fc.record({ weekday, time }, { requiredKeys: [] }), oddValue(fc)),
        },
        { requiredKeys: [] },
      ),
      oddValue(fc),
    ),
    token: fc.constantFrom("glpat-abcdefghijklmnop", "x"),
    unknownKey: oddValue(fc),
  };
  const overrideOne = fc
    .tuple(ruleId, override)
    .map(([id, entry]): Change => ["override", { ...(base["override"] as object), [id]: entry }]);
  return fc
    .array(fc.oneof(change(fc, fields, Object.keys(base)), overrideOne), { minLength: 1, maxLength: 3 })
    .map((changes) => applyChanges(base, changes));
}

/** Every path of a JSON value, for mutating snapshots at a random place. */
function jsonPaths(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => jsonPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object")
    for (const [k, v] of Object.entries(value)) jsonPaths(v, [...prefix, k], out);
  return out;
}

type JsonEdit = { at: number; action: "delete" | "replace" | "duplicate"; value: unknown };

/** The container and key at one of `paths` in `root` (as it is now), or null when an earlier edit removed it. */
function slotAt(
  root: unknown,
  paths: (string | number)[][],
  at: number,
): { container: Record<string | number, unknown>; key: string | number } | null {
  const path = paths[at % paths.length] ?? [];
  if (path.length === 0) return null;
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== "object") return null;
    parent = (parent as Record<string | number, unknown>)[key];
  }
  if (parent === null || typeof parent !== "object") return null;
  return { container: parent as Record<string | number, unknown>, key: path[path.length - 1]! };
}

/** Any change at any place: deletes, duplicates, values of any type. Mostly yields snapshots zod refuses. */
function applyJsonEdit(root: unknown, paths: (string | number)[][], edit: JsonEdit): unknown {
  // Values are copied in: constants are shared between cases, and a later edit may write into this one.
  if ((paths[edit.at % paths.length] ?? []).length === 0)
    return edit.action === "replace" ? structuredClone(edit.value) : root;
  const slot = slotAt(root, paths, edit.at);
  if (slot === null) return root;
  const { container, key } = slot;
  if (edit.action === "delete") {
    if (Array.isArray(container) && typeof key === "number") container.splice(key, 1);
    else delete container[key];
  } else if (edit.action === "duplicate" && Array.isArray(container) && typeof key === "number") {
    container.splice(key, 0, structuredClone(container[key]));
  } else {
    container[key] = structuredClone(edit.value);
  }
  return root;
}

type TypedEdit = { at: number; text: string; number: number; date: Date; list: "drop" | "duplicate" | "empty" };
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT/;

/** A change that keeps the value's type (text for text, a date for a date…), so most results still parse and reach the checks. */
function applyTypedEdit(root: unknown, paths: (string | number)[][], edit: TypedEdit): unknown {
  const slot = slotAt(root, paths, edit.at);
  if (slot === null) return root;
  const { container, key } = slot;
  const current = container[key];
  if (typeof current === "string") container[key] = ISO_INSTANT.test(current) ? edit.date.toISOString() : edit.text;
  else if (typeof current === "number") container[key] = edit.number;
  else if (typeof current === "boolean") container[key] = !current;
  else if (Array.isArray(current) && edit.list === "empty") current.length = 0;
  else if (Array.isArray(current) && edit.list === "drop") current.shift();
  else if (Array.isArray(current) && current.length > 0) current.push(structuredClone(current[0]));
  return root;
}

/** Text a check may parse: markdown with sections, task lists, waivers, keys and links. */
function oddText(fc: FC): Arbitrary<string> {
  const piece = fc.constantFrom(
    "## Acceptance criteria\n",
    "## How tested\n",
    "## Open questions\n",
    "# ",
    "- [ ] ",
    "- [x] ",
    "* [X] ",
    "1. ",
    "> ",
    "```\n",
    "|a|b|\n|-|-|\n",
    "bfd-waive: release-notes-updated shipped dark\n",
    "bfd-waive: nope\n",
    "Closes ENG-123\n",
    "ENG-9999999999 ",
    "https://linear.app/acme/issue/ENG-1/x ",
    "[link](https://gitlab.example.com/a/b/-/merge_requests/1) ",
    "<details>",
    "\n",
    "\r\n",
    "\u0000",
    "𝒳",
    "\\",
    "*",
    "_",
    "`",
  );
  return fc.array(fc.oneof(piece, fc.string({ maxLength: 10 })), { maxLength: 30 }).map((parts) => parts.join(""));
}

function snapshotText(fc: FC): Arbitrary<string> {
  const parsedExamples = EXAMPLES.map((text) => JSON.parse(text) as unknown);
  const edit: Arbitrary<JsonEdit> = fc.record({
    at: fc.nat(),
    action: fc.constantFrom("delete", "replace", "replace", "replace", "duplicate"),
    value: fc.oneof(
      oddScalar(fc),
      oddText(fc),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom([], {}, "2026-01-01T00:00:00.000Z", "not a date", -1, 1e308),
    ),
  });
  const typedEdit: Arbitrary<TypedEdit> = fc.record({
    at: fc.nat(),
    text: fc.oneof(
      oddText(fc),
      fc.string({ maxLength: 12 }),
      fc.constantFrom("", "ENG-142", "In Review", "merged", "success", "failed", "Validated in Staging"),
    ),
    number: fc.oneof(
      fc.integer({ min: -5, max: 1_000 }),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
    ),
    date: fc.date({
      noInvalidDate: true,
      min: new Date("1970-01-01T00:00:00Z"),
      max: new Date("2200-01-01T00:00:00Z"),
    }),
    list: fc.constantFrom("drop", "duplicate", "empty"),
  });
  const mutate = <E>(
    edits: Arbitrary<E>,
    apply: (root: unknown, paths: (string | number)[][], edit: E) => unknown,
  ): Arbitrary<string> =>
    fc
      .tuple(fc.nat({ max: parsedExamples.length - 1 }), fc.array(edits, { minLength: 1, maxLength: 8 }))
      .map(([index, list]) => {
        let value = structuredClone(parsedExamples[index]);
        const paths = jsonPaths(value);
        for (const e of list) value = apply(value, paths, e);
        return JSON.stringify(value) ?? "";
      });
  return fc.oneof(
    { weight: 6, arbitrary: mutate(typedEdit, applyTypedEdit) },
    { weight: 3, arbitrary: mutate(edit, applyJsonEdit) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? "") },
    {
      weight: 1,
      arbitrary: fc
        .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 })
        .map((v) => JSON.stringify({ ...v, schemaVersion: 1 })),
    },
    { weight: 1, arbitrary: mutatedText(fc, EXAMPLES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** Strings shaped like what users type or paste (keys, URLs, remotes, flags, numbers, dates), now and then with a control character pasted in. */
function argumentText(fc: FC): Arbitrary<string> {
  const typed = shapedArgument(fc);
  const pasted = fc
    .tuple(typed, fc.constantFrom("\n", "\r\n", "\r", "\t", "\u0000", "\u001b[31m", "\u2028", "\u0085"), fc.nat())
    .map(([text, control, at]) => text.slice(0, at % (text.length + 1)) + control + text.slice(at % (text.length + 1)));
  return fc.oneof({ weight: 4, arbitrary: typed }, { weight: 1, arbitrary: pasted });
}

function shapedArgument(fc: FC): Arbitrary<string> {
  return fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(
        fc.constantFrom("https://", "http://", "ssh://git@", "git@", "ftp://", "", "https://user:pw@"),
        fc.constantFrom(
          "linear.app",
          "gitlab.example.com",
          "gitlab.example.com:8443",
          "[::1]",
          "127.0.0.1",
          "",
          "%",
          "xn--",
        ),
        fc.constantFrom(":", "/", ":/", "//", ""),
        fc.array(
          fc.oneof(
            fc.constantFrom(
              "acme",
              "issue",
              "ENG-123",
              "-",
              "merge_requests",
              "42",
              "0",
              "9007199254740993",
              "..",
              ".",
              "%2F",
              "%E0%A4%A",
              "a.git",
              "~user",
              "",
            ),
            fc.string({ maxLength: 6 }),
          ),
          { maxLength: 7 },
        ),
      )
      .map(([scheme, host, sep, parts]) => `${scheme}${host}${sep}${parts.join("/")}`),
    fc
      .tuple(
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/),
        fc.constantFrom("-", "_", " ", ""),
        fc.oneof(fc.nat().map(String), fc.constantFrom("0", "00", "1e3", "-1", "9999999999", "")),
      )
      .map(([team, sep, n]) => `${team}${sep}${n}`),
    fc.constantFrom(
      "",
      " ",
      "0",
      "-0",
      "0.0001",
      "3600",
      "3600.0001",
      "1e3",
      "Infinity",
      "NaN",
      "0x10",
      "  15  ",
      "15s",
      "2026-11-19",
      "2026-11-19T12:00",
      "2026-11-19T12:00+01:00",
      "2026-W47",
      "2026-323",
      "+275760-09-13",
      "-271821-04-20",
      "junit=",
      "=x",
      "junit=a=b",
    ),
  );
}

/**
 * Markdown as descriptions are written and as they are crafted: sections under the rules' headings, task items
 * nested by indentation, block quotes (sometimes past the nesting limit), tables, HTML comments and code fences
 * that open and close (or not), placeholders, waivers where they must not count, emphasis and brackets nested
 * deep, keys, links, CRLF and odd characters. Now and then one is long (hundreds of blocks).
 */
function markdownText(fc: FC): Arbitrary<string> {
  const line = fc.oneof(
    fc.constantFrom(
      "## Acceptance criteria",
      "**Definition of done**",
      "AC:",
      "## How tested",
      "### Open questions",
      "Acceptance",
      "===",
      "- [ ] logs each login",
      "- [x] shows the audit page",
      "  - [ ] nested criterion",
      "    - deeper plain item",
      "1. ordered",
      "- TBD",
      "- [ ] TODO",
      "- …",
      "- -",
      "-",
      "N/A",
      "_Describe how you tested this._",
      "Not tested yet.",
      "| Criterion | Met |",
      "|---|---|",
      "| logs | yes |",
      "<!-- bfd-waive: release-notes-updated <why> -->",
      "<!--",
      "-->",
      "<div>",
      "```",
      "~~~",
      "  ```",
      "> quoted",
      "> - [ ] quoted task",
      "bfd-waive: release-notes-updated ships dark",
      "bfd-waive: user-docs-updated \u200B",
      "Closes ENG-123, part of ENG-7",
      "See ENG&#45;12 and https://linear.app/acme/issue/ENG-9/x",
      "[Index Challenge](https://index.example.com/challenges/IC-1)",
      "&#65;cceptance criteria:",
      "\uFEFF# bom",
      "",
      "",
    ),
    fc.nat({ max: 40 }).map((depth) => `${"> ".repeat(depth)}deep`),
    fc.nat({ max: 40 }).map((depth) => `${"  ".repeat(depth)}- level`),
    fc.nat({ max: 40 }).map((depth) => `${"*a ".repeat(depth)}b${" c*".repeat(depth)}`),
    fc.nat({ max: 80 }).map((n) => `${"*".repeat(n)}x${"*".repeat(n)}`),
    fc.nat({ max: 40 }).map((n) => `${"[".repeat(n)}x${"]".repeat(n)}`),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: "grapheme", maxLength: 8 }),
  );
  const lines = fc
    .tuple(fc.array(line, { maxLength: 40 }), fc.constantFrom("\n", "\n", "\r\n"))
    .map(([parts, eol]) => parts.join(eol));
  const long = fc
    .tuple(lines, fc.integer({ min: 20, max: 400 }))
    .map(
      ([text, times]) =>
        `${text}\n\n${"Prose and `code` with [a link](https://x.example).\n\n```\nlog\n```\n\n".repeat(times)}${text}`,
    );
  return fc.oneof({ weight: 30, arbitrary: lines }, { weight: 1, arbitrary: long });
}

/** Many `bfd-waive:` lines: unknown rules, unticked options, HTML checkboxes, no reasons, look-alike characters. */
function waiverLinesText(fc: FC): Arbitrary<string> {
  const line = fc.constantFrom(
    "bfd-waive: release-notes-updated ships dark behind a flag",
    "bfd-waive: unknown-rule because of reasons",
    "- [ ] bfd-waive: user-docs-updated internal tool",
    "- [x] bfd-waive: user-docs-updated internal tool",
    '<input type="checkbox"> bfd-waive: ops-docs-updated nothing changes',
    "bfd-waive: release-notes-updated TBA",
    "bfd-waive: release-notes-updated x",
    "bfd-waive: validated-in-pipeline flaky runner",
    "ｂｆｄ-waive: ｒｅｌｅａｓｅ-notes-updated dark",
    "bfd\u2011waive: user-docs-updated \u200B",
    "> bfd-waive: user-docs-updated quoted",
    "",
  );
  return fc.array(line, { maxLength: 400 }).map((lines) => lines.join("\n"));
}

/** Every Markdown reader a rule uses, over one text; throws if parsing does more work than the bound allows. */
function readMarkdownEverywhere(text: string): void {
  const before = parsedCharacters();
  const steps = parserSteps();
  if (markdownLimitProblem(text, "the fuzz text") === null) {
    for (const section of findSections(text, ["Acceptance criteria", "AC", "Definition of done", "Open questions"])) {
      sectionCriteria(section);
      filledText(section, { templateChecklist: true });
    }
    visibleLines(text, "bfd-waive");
    mentionTextOf(text);
    markdownLinks(text);
  }
  // The document is parsed once, whole, for every reader (and the Markdown its HTML blocks show, once per reader):
  // a bounded multiple of the text, never a square of it; and so are the parser's steps.
  const parsed = parsedCharacters() - before;
  if (parsed > 6 * text.length + 4096) throw new Error(`parsed ${parsed} characters for a text of ${text.length}`);
  const taken = parserSteps() - steps;
  if (taken > 4 * parsed + 64) throw new Error(`${taken} parser steps for ${parsed} characters`);
}

/**
 * Markdown built to make a parser backtrack, one construct at a time, repeated up to a few thousand times: open
 * brackets and link openings (`[a](`), emphasis delimiters that never close, lazy reference definitions after a
 * list item, long and deeply nested lists, block quotes, wide and long tables, HTML block starts, code spans that
 * never close, autolink starts. Each is where some CommonMark parser once took quadratic time (docs/architecture.md).
 */
function markdownWorstCase(fc: FC): Arbitrary<{ construct: string; text: string }> {
  const constructs: Record<string, (n: number) => string> = {
    "list items": (n) => "- [ ] criterion\n".repeat(n),
    "nested lists": (n) => Array.from({ length: n }, (_, i) => `${" ".repeat(2 * (i % 40))}- x`).join("\n"),
    "lazy reference definitions": (n) => `- [a]: b\n${"[c]: d\n".repeat(n)}`,
    "reference links": (n) => `${"[a] [b][a] ".repeat(n)}\n\n[a]: https://x.example`,
    "link brackets": (n) => "[a](".repeat(n),
    "open brackets": (n) => "[".repeat(n),
    "emphasis delimiters": (n) => "*a _b ~~c ".repeat(n),
    "block quotes": (n) => `${"> ".repeat(n % 40)}${"> a\n".repeat(n)}`,
    tables: (n) => `| a | b |\n|---|---|\n${"| 1 | 2 |\n".repeat(n)}${"|x".repeat(n)}`,
    "HTML blocks": (n) => "<div>\n<!--\n<pre>\n".repeat(n),
    "code spans": (n) => "`a ``b ".repeat(n),
    autolinks: (n) => "<http://a www.b ".repeat(n),
  };
  return fc
    .tuple(fc.constantFrom(...Object.keys(constructs)), fc.integer({ min: 1, max: 800 }), fc.constantFrom("\n", "\r\n"))
    .map(([construct, n, eol]) => ({ construct, text: constructs[construct]!(n).replace(/\n/g, eol) }));
}

/** The parser's work on a text: it parses it whole once, in a bounded number of steps per character. */
function parseWithinBound(text: string): void {
  const characters = parsedCharacters();
  const steps = parserSteps();
  parseTree(text);
  const parsed = parsedCharacters() - characters;
  const taken = parserSteps() - steps;
  if (parsed !== text.length) throw new Error(`parsed ${parsed} characters for a text of ${text.length}`);
  if (taken > 4 * text.length + 64) throw new Error(`${taken} parser steps for a text of ${text.length}`);
}

/** Repository paths: deep, long (a 250-character name), dotted, with spaces and characters outside ASCII. */
function pathText(fc: FC): Arbitrary<string> {
  const segment = fc.oneof(
    fc.constantFrom("src", "docs", "CHANGELOG.md", "changelog.md", ".env", "a_b_c_d_e.sql", "é", "𝒳.md", "a b", "x"),
    fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
    fc.nat({ max: 250 }).map((n) => `${"_".repeat(n)}.sql`),
  );
  return fc.array(segment, { minLength: 1, maxLength: 8 }).map((parts) => parts.join("/"));
}

/** Globs, from plain to pathological: many stars, globstars, classes, braces, escapes, refused extglobs. */
function globText(fc: FC): Arbitrary<string> {
  const token = fc.constantFrom(
    "*",
    "**",
    "?",
    "/",
    "_",
    ".",
    "a",
    "x",
    "sql",
    "md",
    "é",
    "[a-c]",
    "[!x]",
    "[_.]",
    "{a,x}",
    "{md,sql}",
    "\\*",
    "*_*_*_*_*",
    "?(a)",
    "[",
  );
  const many = fc.nat({ max: 30 }).map((n) => `**/${"*_".repeat(n)}*.sql`);
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(token, { minLength: 1, maxLength: 12 }).map((parts) => parts.join("")) },
    { weight: 1, arbitrary: many },
  );
}

/**
 * A reference matcher for the glob syntax, written independently of src/work-item/globs.ts: memoised matching
 * over (glob position, path position), so its own work is bounded by their product. Braces are the simple
 * `{a,b}` the generator writes.
 */
function referenceGlobMatch(glob: string, path: string): boolean {
  const brace = /\{([^{}]*,[^{}]*)\}/.exec(glob);
  if (brace !== null) {
    return brace[1]!
      .split(",")
      .some((alternative) =>
        referenceGlobMatch(glob.slice(0, brace.index) + alternative + glob.slice(brace.index + brace[0].length), path),
      );
  }
  const g = glob.replace(/^(?:\.\/)+/, "");
  const memo = new Map<number, boolean>();
  const match = (gi: number, pi: number): boolean => {
    const key = gi * (path.length + 1) + pi;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    const atSegmentStart = gi === 0 || g[gi - 1] === "/";
    if (gi === g.length) result = pi === path.length;
    else if (atSegmentStart && g.startsWith("**", gi) && (gi + 2 === g.length || g[gi + 2] === "/")) {
      if (gi + 2 === g.length) result = true;
      else {
        const rest = gi + 3;
        // Zero or more whole segments, then the rest of the glob at a segment start.
        result = false;
        for (let p = pi; p <= path.length && !result; p += 1) {
          if ((p === pi || path[p - 1] === "/") && match(rest, p)) result = true;
        }
      }
    } else if (g[gi] === "*") {
      let next = gi;
      while (g[next] === "*") next += 1;
      result = false;
      for (let p = pi; p <= path.length && !result; p += 1) {
        if (match(next, p)) result = true;
        if (path[p] === "/") break;
      }
    } else if (g[gi] === "?") result = pi < path.length && path[pi] !== "/" && match(gi + 1, pi + 1);
    else if (g[gi] === "[" && g.indexOf("]", gi + 2) > 0 && !g.slice(gi, g.indexOf("]", gi + 2)).includes("/")) {
      const close = g.indexOf("]", gi + 2);
      const negated = g[gi + 1] === "!" || g[gi + 1] === "^";
      const body = g.slice(gi + (negated ? 2 : 1), close);
      const c = path[pi];
      let inClass = false;
      for (let k = 0; k < body.length; k += 1) {
        if (body[k + 1] === "-" && k + 2 < body.length) {
          if (c !== undefined && c >= body[k]! && c <= body[k + 2]!) inClass = true;
          k += 2;
        } else if (c === body[k]) inClass = true;
      }
      result = c !== undefined && c !== "/" && inClass !== negated && match(close + 1, pi + 1);
    } else if (g[gi] === "\\" && gi + 1 < g.length) result = path[pi] === g[gi + 1] && match(gi + 2, pi + 1);
    else result = path[pi] === g[gi] && match(gi + 1, pi + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}

/**
 * Failures found in code this suite may not change, with the input that shows them. `npm test` expects each to
 * fail (and fails itself once the fix lands, so the entry gets removed); `npm run fuzz` counts them as failures.
 */
/**
 * Pieces of the inputs key finders read (branch names, MR titles and descriptions, issue descriptions): keys and
 * key-like words, magic words and list glue, Markdown around keys, and the characters that only look like ASCII to a
 * machine (Cyrillic letters, fullwidth digits, U+2011, zero-width space). Now and then the pieces are repeated up
 * to 200 KB long (test/fuzz/fuzz.test.ts also runs the 600 KB branch name that took ten minutes, #22).
 */
function keyText(fc: FC): Arbitrary<string> {
  const piece = fc.oneof(
    fc.constantFrom(
      "eng-12",
      "ENG-1",
      "a1-",
      "-",
      "/",
      "_",
      "-1",
      "utf-8",
      "feature-41",
      "\u0435ng-4",
      "\u0415NG-",
      "\uFF11\uFF12",
      "\u2011",
      "\u200B",
      "Closes ",
      "closes:",
      "Fixes",
      " part of ",
      "Related\nto ",
      ", ",
      " and ",
      " & ",
      "&",
      "\n- ",
      "\n1. [ ] ",
      "\n\n",
      "`",
      "**",
      "[",
      "](",
      ")",
      "][1]",
      "<",
      ">",
      "https://linear.app/acme/issue/ENG-",
      "https://linear.app/",
      ' "t"',
      "  ",
    ),
    fc.nat({ max: 99_999 }).map((n) => `e${n % 997}-${n}`),
    fc.string({ maxLength: 6 }),
  );
  const short = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(""));
  const long = fc
    .tuple(short, fc.integer({ min: 1_000, max: 200_000 }))
    .map(([text, size]) =>
      (text === "" ? "e1-1/" : text).repeat(Math.ceil(size / Math.max(1, text.length || 5))).slice(0, size),
    );
  return fc.oneof({ weight: 20, arbitrary: short }, { weight: 1, arbitrary: long });
}

/**
 * Every key finder over one text; throws if they read more than a bounded multiple of it (a scanner that went back
 * over the text per key or per magic word would read a square of it).
 */
function findKeysEverywhere(text: string): void {
  const before = scannedCharacters();
  findKeysInBranch(text);
  findIssueKeys(text);
  magicReferences(text);
  // What the MR-linking code reads (branch, title, description) at once, on short texts: on long ones it is the
  // three finders above again.
  if (text.length <= 50_000) issueKeysFromMergeRequest({ sourceBranch: text, title: text, description: text });
  const scanned = scannedCharacters() - before;
  if (scanned > 12 * text.length + 4096) throw new Error(`scanned ${scanned} characters for a text of ${text.length}`);
}

/**
 * Both gates over an example item holding `text` where `place` puts it, for an issue moved from OLD-7. Texts past
 * 50,000 characters only go through the key finders: the gates would parse them as Markdown, which the Markdown
 * target bounds.
 */
function evaluateWithKeyText(text: string, place: (item: WorkItem) => WorkItem): void {
  if (text.length > 50_000) return;
  const base = EXAMPLE_ITEMS[text.length % EXAMPLE_ITEMS.length]!;
  const moved = base.issue === null ? base : { ...base, issue: { ...base.issue, previousIdentifiers: ["OLD-7"] } };
  evaluateBothGates(builtinRuleSet().rules, place(moved));
}

export const KNOWN_ISSUES: Partial<Record<string, { input: unknown; issue: string }>> = {};

export const FUZZ_TARGETS: Record<string, FuzzTarget> = {
  "rule file (YAML-ish text)": (fc) =>
    fc.property(
      fc.tuple(
        fc.oneof(
          yamlishText(fc),
          mutatedText(
            fc,
            BUILTIN_FILES.map((f) => f.text),
          ),
        ),
        fc.boolean(),
        fc.nat(),
      ),
      ([text, extendsBuiltin, item]) => returnsOrThrowsBfdError(() => loadWithRuleFile(text, extendsBuiltin, item)),
    ) as FastCheck.IProperty<[unknown]>,

  "rule file (structured, serialised with yaml.stringify)": (fc) =>
    fc.property(fc.tuple(ruleFileObject(fc), fc.boolean(), fc.nat()), ([value, extendsBuiltin, item]) =>
      returnsOrThrowsBfdError(() => loadWithRuleFile(toYaml(value), extendsBuiltin, item)),
    ) as FastCheck.IProperty<[unknown]>,

  "bfd.config.yaml": (fc) =>
    fc.property(fc.oneof(configObject(fc).map(toYaml), mutatedText(fc, [SAMPLE_CONFIG]), yamlishText(fc)), (text) =>
      returnsOrThrowsBfdError(() => {
        const set = loadRuleSet({
          builtinFiles: BUILTIN_FILES,
          configFile: { path: "bfd.config.yaml", text },
          readRuleFile: (relative) => (relative === "team.yaml" ? BUILTIN_FILES[0]! : null),
        });
        evaluateBothGates(set.rules, EXAMPLE_ITEMS[text.length % EXAMPLE_ITEMS.length]!);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "snapshot → parseSnapshot → evaluate (ready, done)": (fc) =>
    fc.property(snapshotText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        evaluateBothGates(builtinRuleSet().rules, parseSnapshot(text, "fuzz.json"));
      }),
    ) as FastCheck.IProperty<[unknown]>,

  parseIssueReference: (fc) =>
    fc.property(argumentText(fc), (text) =>
      returnsOrThrowsBfdError(() => parseIssueReference(text)),
    ) as FastCheck.IProperty<[unknown]>,

  parseMergeRequestUrl: (fc) =>
    fc.property(argumentText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        const parsed = parseMergeRequestUrl(text);
        if (parsed !== null && (!Number.isSafeInteger(parsed.iid) || parsed.iid <= 0 || parsed.projectPath === ""))
          throw new Error(`nonsense result ${JSON.stringify(parsed)}`);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  projectFromRemoteUrl: (fc) =>
    fc.property(argumentText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        const parsed = projectFromRemoteUrl(text);
        // Credentials in a remote never come back.
        if (parsed !== null && /@/.test(parsed.host)) throw new Error(`credentials in host ${parsed.host}`);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  parseReportSpecs: (fc) =>
    fc.property(fc.array(argumentText(fc), { maxLength: 4 }), (specs) =>
      returnsOrThrowsBfdError(() => parseReportSpecs(specs)),
    ) as FastCheck.IProperty<[unknown]>,

  "networkPolicy (--timeout, --deadline)": (fc) =>
    fc.property(
      fc.tuple(fc.option(argumentText(fc), { nil: undefined }), fc.option(argumentText(fc), { nil: undefined })),
      ([timeout, deadline]) =>
        returnsOrThrowsBfdError(() => {
          const policy = networkPolicy(timeout, deadline);
          const sane = (ms: number): boolean => Number.isFinite(ms) && ms > 0;
          if (!sane(policy.timeoutMs) || !sane(policy.deadlineMs) || policy.timeoutMs > policy.deadlineMs)
            throw new Error(`insane policy ${JSON.stringify(policy)}`);
        }),
    ) as FastCheck.IProperty<[unknown]>,

  "explicitWindow (--since, --until, staging.timeZone)": (fc) =>
    fc.property(
      fc.tuple(
        fc.option(argumentText(fc), { nil: undefined }),
        fc.option(argumentText(fc), { nil: undefined }),
        fc.oneof(
          fc.constantFrom(
            "UTC",
            "Europe/Berlin",
            "America/St_Johns",
            "Pacific/Kiritimati",
            "Etc/GMT+12",
            "utc",
            "Mars/Olympus",
            "",
          ),
          fc.string({ maxLength: 12 }),
        ),
        fc.date({ noInvalidDate: true, min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") }),
      ),
      ([since, until, timeZone, now]) =>
        returnsOrThrowsBfdError(() => {
          const window = explicitWindow(since, until, timeZone, now.toISOString());
          if (
            typeof window.start !== "string" ||
            typeof window.end !== "string" ||
            !(Date.parse(window.start) < Date.parse(window.end))
          ) {
            throw new Error(`nonsense window ${JSON.stringify(window)}`);
          }
        }),
    ) as FastCheck.IProperty<[unknown]>,

  "Markdown description → every reader, waivers and both gates": (fc) =>
    fc.property(markdownText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        readMarkdownEverywhere(text);
        const base = EXAMPLE_ITEMS[text.length % EXAMPLE_ITEMS.length]!;
        const item: WorkItem = {
          ...base,
          issue: base.issue === null ? null : { ...base.issue, description: text },
          mergeRequest: base.mergeRequest === null ? null : { ...base.mergeRequest, description: text },
        };
        findWaiverLines(item);
        evaluateBothGates(builtinRuleSet().rules, item);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "Markdown worst case per construct → one whole parse, parser steps per character bounded": (fc) =>
    fc.property(markdownWorstCase(fc), ({ text }) =>
      returnsOrThrowsBfdError(() => {
        parseWithinBound(text);
        if (markdownLimitProblem(text, "the fuzz text") === null) readMarkdownEverywhere(text);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "bfd-waive lines (descriptions and comments) → who stands behind each, work bounded": (fc) =>
    fc.property(waiverLinesText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        const base = EXAMPLE_ITEMS[2]!;
        const mr = base.mergeRequest!;
        const by = { username: "rita", name: "Rita Reviewer" };
        const item: WorkItem = {
          ...base,
          issue: base.issue === null ? null : { ...base.issue, description: text },
          mergeRequest: {
            ...mr,
            description: text,
            activity: { labelEvents: [], notes: [{ body: text, at: base.now, by }], approvals: [] },
          },
        };
        const before = parsedCharacters();
        const report = evaluate(builtinRuleSet().rules, item, { gate: "done" });
        // Each text is parsed once per reader (three of them here), never a square of its length.
        const parsed = parsedCharacters() - before;
        if (parsed > 3 * 6 * text.length + 4096) throw new Error(`parsed ${parsed} characters for 3 × ${text.length}`);
        // Ignored lines fold into one notice per source and kind of mistake, however many there are.
        if (report.notices.length > 9) throw new Error(`${report.notices.length} notices`);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "branch name → every key finder, the branch and scope rules": (fc) =>
    fc.property(keyText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        findKeysEverywhere(text);
        evaluateWithKeyText(text, (item) => ({
          ...item,
          branch: text,
          mergeRequest: item.mergeRequest === null ? null : { ...item.mergeRequest, sourceBranch: text },
        }));
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "MR title and description → every key finder and the gates": (fc) =>
    fc.property(keyText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        findKeysEverywhere(text);
        evaluateWithKeyText(text, (item) => ({
          ...item,
          mergeRequest: item.mergeRequest === null ? null : { ...item.mergeRequest, title: text, description: text },
        }));
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "issue description → every key finder and the gates (dependencies)": (fc) =>
    fc.property(keyText(fc), (text) =>
      returnsOrThrowsBfdError(() => {
        findKeysEverywhere(text);
        evaluateWithKeyText(text, (item) => ({
          ...item,
          issue: item.issue === null ? null : { ...item.issue, description: text, workspaceTeamKeys: ["ENG", "OPS"] },
        }));
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "glob × path (RE2, against a reference matcher)": (fc) =>
    fc.property(fc.tuple(globText(fc), pathText(fc)), ([glob, path]) =>
      returnsOrThrowsBfdError(() => {
        if (globProblem(glob) !== null) return;
        const matched = globMatcher([glob])(path);
        const expected = referenceGlobMatch(glob, path);
        if (matched !== expected) throw new Error(`${glob} on ${path}: ${matched}, the reference says ${expected}`);
      }),
    ) as FastCheck.IProperty<[unknown]>,

  "MR diff → added lines → introduced flags (flag-records' default patterns)": (fc) =>
    fc.property(fc.tuple(diffText(fc), fc.nat({ max: 20_000 })), ([diff, repeat]) =>
      returnsOrThrowsBfdError(() => {
        // One long line (a minified bundle) beside the generated hunks: the work stays bounded by the line cap.
        const text = `${diff}\n+${"Feature.enabled?(:x".repeat(repeat)}`;
        const addedLines = addedLinesOfDiff(text);
        if (addedLines.length > MAX_ADDED_LINES_PER_FILE) throw new Error(`${addedLines.length} lines kept`);
        if (addedLines.some((l) => l.text.length > MAX_ADDED_LINE_CHARS)) throw new Error("a line was not cut");
        const change = {
          oldPath: "app/a.rb",
          newPath: "app/a.rb",
          newFile: false,
          deletedFile: false,
          renamedFile: false,
        };
        introducedNames([{ ...change, addedLines }], flagRecords.options.parse({}).introducedBy);
      }),
    ) as FastCheck.IProperty<[unknown]>,
};

const DIFF_TOKENS = [
  "\n",
  "@@ -1,3 +1,4 @@",
  "@@ -0,0 +1 @@",
  "@@ -9 +",
  "@@",
  "+",
  "-",
  " ",
  "+++ b/x",
  "--- a/x",
  "diff --git a/x b/x",
  "\\ No newline at end of file",
  "Feature.enabled?(:",
  "push_frontend_feature_flag(:",
  "isEnabled('",
  'useFlag("',
  "variation(`",
  "flag_name",
  "')",
  ", user)",
];

/** Unified-diff-ish text: hunk headers, added, removed and context lines, flag calls, and random bits. */
function diffText(fc: FC): Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...DIFF_TOKENS) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  return fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(""));
}
