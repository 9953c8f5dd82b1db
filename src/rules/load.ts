import type { z } from "zod";
import { checkKindIds, findCheckKind } from "../checks/index.js";
import { checkContext, type CheckContext, type CheckKind } from "../checks/types.js";
import { validateCondition, type Condition } from "../work-item/condition.js";
import { workItemPaths } from "../work-item/paths.js";
import {
  ConfigSchema,
  RuleFileSchema,
  RuleSchema,
  type Config,
  type Gate,
  type HandoffRole,
  type LoadedRule,
  type RuleDefinition,
  type SourceLocation,
} from "./schema.js";
import { templateVariables } from "./template.js";
import { didYouMean } from "../text/closest.js";
import {
  configError,
  describePath,
  parseYaml,
  secretProblems,
  toPlainData,
  zodProblems,
  type ParsedYaml,
  type PathKey,
  type Problem,
  type SourceText,
} from "./yaml-source.js";

export { configError, formatProblem, type Problem, type SourceText } from "./yaml-source.js";

/**
 * The rule loader, in stages:
 *
 *   1 parse the team config (YAML → zod, key by key, so one mistake does not hide the rest)
 *   2 list the rule files: the built-in ones (unless `extends: none`) and those the config names
 *   3 read them through a port: local files (`loadRuleSet`), or the MR's target branch through GitLab
 *     (`loadRuleSetThrough`, for `bfd ci`)
 *   4 merge: each rule's definition with the config's override, every field remembering the file and node it
 *     came from
 *   5 validate: known check kind, its options, `when:`, hint names, duplicate ids
 *
 * Every problem of every file is collected; if there is any, one error lists them all as `file:line:col  message`.
 */
export interface RuleSet {
  rules: LoadedRule[];
  config: Config;
  /** The team config in force, as shown to people; null when only the built-in rules apply. */
  configPath: string | null;
  /** The team's own rule files (`ruleFiles:`), as named in the config. */
  ruleFiles: string[];
  /** The config's `evidence:` resolved (template files read): handed to every check as its context. */
  evidence: CheckContext;
}

/** Stage 1's result. */
export interface ConfigStage {
  file: SourceText | null;
  parsed: ParsedYaml | null;
  config: Config;
  problems: Problem[];
}

export function parseConfigStage(file: SourceText | null): ConfigStage {
  const problems: Problem[] = [];
  if (file === null) return { file, parsed: null, config: ConfigSchema.parse({}), problems };
  const parsed = parseYaml(file, problems);
  if (parsed === null) return { file, parsed, config: ConfigSchema.parse({}), problems };
  const secrets = secretProblems(parsed);
  problems.push(...secrets);
  const config = secrets.length === 0 ? parseConfigByParts(parsed, problems) : ConfigSchema.parse({});
  return { file, parsed, config, problems };
}

/** Stage 2: the team's rule files, relative to the config file. */
export function ruleFileNames(stage: ConfigStage): string[] {
  return stage.config.ruleFiles;
}

/** Stage 2: the team's Linear issue template files (`evidence.issueTemplates: [{ file }]`), relative to the config. */
export function templateFileNames(stage: ConfigStage): string[] {
  return (stage.config.evidence?.issueTemplates ?? []).flatMap((t) => (typeof t === "string" ? [] : [t.file]));
}

/** The config's `evidence:` as checks read it; a template file that could not be read is a problem at its entry. */
function evidenceContext(
  stage: ConfigStage,
  templateFiles: readonly (SourceText | null)[],
  problems: Problem[],
): CheckContext {
  const evidence = stage.config.evidence;
  const markdowns: string[] = [];
  let fileIndex = 0;
  (evidence?.issueTemplates ?? []).forEach((template, index) => {
    if (typeof template === "string") {
      markdowns.push(template);
      return;
    }
    const file = templateFiles[fileIndex++] ?? null;
    if (file !== null) markdowns.push(file.text);
    else if (stage.parsed !== null)
      problems.push(
        stage.parsed.problem(
          ["evidence", "issueTemplates", index, "file"],
          `issue template "${template.file}" not found (paths are relative to the config file)`,
        ),
      );
  });
  return checkContext({ placeholders: evidence?.placeholders ?? [], issueTemplates: markdowns });
}

/**
 * Stages 4 and 5, over what stage 3 read (`read[i]` is `ruleFileNames(stage)[i]`, `templates[i]` is
 * `templateFileNames(stage)[i]`, null when missing).
 */
export function assembleRuleSet(
  builtinFiles: readonly SourceText[],
  stage: ConfigStage,
  read: readonly (SourceText | null)[],
  templates: readonly (SourceText | null)[] = [],
): RuleSet {
  const problems = [...stage.problems];
  const { config, parsed: configParsed } = stage;
  const files: SourceText[] = [...(config.extends === "builtin" ? builtinFiles : [])];
  ruleFileNames(stage).forEach((relative, index) => {
    const file = read[index] ?? null;
    if (file !== null) files.push(file);
    else if (configParsed !== null) {
      problems.push(
        configParsed.problem(
          ["ruleFiles", index],
          `rule file "${relative}" not found (paths are relative to the config file)`,
        ),
      );
    }
  });
  const definitions = collectDefinitions(files, configParsed, config, problems);
  const merged = mergeOverrides(definitions, configParsed, config, problems);
  const rules = merged.map((rule) => validateRule(rule, problems)).filter((r): r is LoadedRule => r !== null);
  const evidence = evidenceContext(stage, templates, problems);
  if (problems.length > 0) throw configError(problems);
  return { rules, config, configPath: stage.file?.path ?? null, ruleFiles: [...config.ruleFiles], evidence };
}

export interface RuleSetInput {
  builtinFiles: SourceText[];
  configFile: SourceText | null;
  /**
   * Reads a file named in the config (`ruleFiles:`, an issue template's `file:`), resolved relative to the config
   * file; null when missing.
   */
  readRuleFile: (relativePath: string) => SourceText | null;
}

/** The stages over files read synchronously (the working tree, tests). */
export function loadRuleSet(input: RuleSetInput): RuleSet {
  const stage = parseConfigStage(input.configFile);
  return assembleRuleSet(
    input.builtinFiles,
    stage,
    ruleFileNames(stage).map(input.readRuleFile),
    templateFileNames(stage).map(input.readRuleFile),
  );
}

/** Where stage 3 reads from: for `bfd ci`, the MR's target branch through GitLab. */
export interface RuleFilePort {
  builtinFiles: SourceText[];
  readConfig(): Promise<SourceText | null>;
  readRuleFile(relativePath: string): Promise<SourceText | null>;
}

/** The stages over a port: the config first, then every rule file it names at once. */
export async function loadRuleSetThrough(port: RuleFilePort): Promise<RuleSet> {
  const stage = parseConfigStage(await port.readConfig());
  const [read, templates] = await Promise.all([
    Promise.all(ruleFileNames(stage).map((name) => port.readRuleFile(name))),
    Promise.all(templateFileNames(stage).map((name) => port.readRuleFile(name))),
  ]);
  return assembleRuleSet(port.builtinFiles, stage, read, templates);
}

/** Keys bfd 0.1 read that are gone, with what to write instead. */
const REMOVED_KEYS: Record<string, string> = {
  handoffStates:
    "was removed in bfd 0.2: write override: { handoff-state-explicit: { with: { names: [In Review, Blocked, …] } } }",
};

/**
 * Validates the config key by key (and each override on its own), keeping the parts that are valid, so one
 * mistake does not hide the semantic problems in the rest of the file.
 */
function parseConfigByParts(parsed: ParsedYaml, problems: Problem[]): Config {
  const data = toPlainData(parsed, problems);
  if (data === null) return ConfigSchema.parse({});
  const raw = data.value;
  const whole = ConfigSchema.safeParse(raw);
  if (whole.success) return whole.data;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push(...zodProblems(parsed, whole.error));
    return ConfigSchema.parse({});
  }
  const shape = ConfigSchema.shape as Record<string, z.ZodType>;
  const valid: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const schema = shape[key];
    if (schema === undefined) {
      const removed = REMOVED_KEYS[key];
      problems.push(
        parsed.problem(
          [],
          removed === undefined
            ? `unknown key "${key}" in the file.${didYouMean(key, Object.keys(shape))} Valid keys: ${Object.keys(shape).join(", ")}.`
            : `"${key}" ${removed}`,
          key,
        ),
      );
      continue;
    }
    if (key === "override" && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const overrides: Record<string, unknown> = {};
      for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
        const one = schema.safeParse({ [id]: entry });
        if (one.success) Object.assign(overrides, one.data as Record<string, unknown>);
        else problems.push(...zodProblems(parsed, one.error, ["override"], schema));
      }
      valid.override = overrides;
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) valid[key] = value;
    else problems.push(...zodProblems(parsed, result.error, [key], schema));
  }
  return ConfigSchema.parse(valid);
}

/** Where a value was written: the file and the path of its node. */
interface Origin {
  parsed: ParsedYaml;
  path: PathKey[];
}

interface Located<T> {
  value: T;
  at: Origin;
}

interface Definition {
  gate: Gate;
  definition: RuleDefinition;
  at: Origin;
}

/** Stage 4, first half: every rule definition of every file, in checklist order (rule files first, then the config's). */
function collectDefinitions(
  files: readonly SourceText[],
  configParsed: ParsedYaml | null,
  config: Config,
  problems: Problem[],
): Definition[] {
  const definitions: Definition[] = [];
  for (const file of files) {
    const parsed = parseYaml(file, problems);
    if (parsed === null) continue;
    problems.push(...secretProblems(parsed));
    const data = toPlainData(parsed, problems);
    if (data === null) continue;
    const shape = RuleFileSchema.safeParse(data.value);
    if (!shape.success) {
      problems.push(...zodProblems(parsed, shape.error, [], RuleFileSchema));
      continue;
    }
    shape.data.rules.forEach((definition, index) =>
      definitions.push({ gate: shape.data.gate, definition, at: { parsed, path: ["rules", index] } }),
    );
  }
  if (configParsed !== null) {
    config.rules.forEach(({ gate, ...definition }, index) =>
      definitions.push({
        gate,
        definition: RuleSchema.parse(definition),
        at: { parsed: configParsed, path: ["rules", index] },
      }),
    );
  }
  return definitions;
}

/** A rule with the config's override laid over its definition; each field knows where it was written. */
interface MergedRule {
  gate: Gate;
  id: string;
  at: Origin;
  check: Located<string>;
  title: string;
  severity: "error" | "warning";
  /** Each option, from the rule's `with:` or the override's, where it was written. */
  options: Map<string, Located<unknown>>;
  /** The `with:` that problems about the options as a whole point at. */
  optionsAt: Origin;
  when: Located<Condition> | undefined;
  hint: Located<string> | undefined;
  waivable: boolean;
  waiverLabels: string[];
  process: string | undefined;
  handoff: HandoffRole | undefined;
}

/** Stage 4, second half: overrides and disables applied, duplicates and unknown ids reported. */
function mergeOverrides(
  definitions: readonly Definition[],
  configParsed: ParsedYaml | null,
  config: Config,
  problems: Problem[],
): MergedRule[] {
  const known = new Set(definitions.map((d) => d.definition.id));
  const knownList = (): string => [...known].sort().join(", ");
  // The closest ids when there are some ("did you mean"), else every id, so a typo does not dump all of them.
  const unknownRule = (id: string): string => {
    const close = didYouMean(id, [...known]);
    return close === "" ? `; known rules: ${knownList()}` : `.${close}`;
  };
  if (configParsed !== null) {
    for (const id of Object.keys(config.override)) {
      if (!known.has(id)) {
        problems.push(configParsed.problem(["override"], `override names unknown rule "${id}"${unknownRule(id)}`, id));
      }
    }
    config.disable.forEach((id, index) => {
      if (!known.has(id)) {
        problems.push(
          configParsed.problem(["disable", index], `cannot disable unknown rule "${id}"${unknownRule(id)}`),
        );
      }
    });
  }

  const merged: MergedRule[] = [];
  const seen = new Map<string, Problem>();
  for (const { gate, definition: def, at } of definitions) {
    const key = `${gate}/${def.id}`;
    const previous = seen.get(key);
    if (previous !== undefined) {
      problems.push(
        at.parsed.problem(
          [...at.path, "id"],
          `duplicate rule id "${def.id}" in gate ${gate} (first defined at ${previous.file}:${previous.line}:${previous.column})`,
        ),
      );
      continue;
    }
    seen.set(key, at.parsed.problem(at.path, ""));
    const override = config.override[def.id] ?? {};
    if (override.disabled === true || config.disable.includes(def.id)) continue;
    const overrideAt = (field: string): Origin => ({ parsed: configParsed!, path: ["override", def.id, field] });
    const fieldAt = (field: string): Origin => ({ parsed: at.parsed, path: [...at.path, field] });
    const options = new Map<string, Located<unknown>>();
    for (const [name, value] of Object.entries(def.with ?? {})) {
      options.set(name, { value, at: { parsed: at.parsed, path: [...at.path, "with", name] } });
    }
    for (const [name, value] of Object.entries(override.with ?? {})) {
      options.set(name, { value, at: { parsed: configParsed!, path: ["override", def.id, "with", name] } });
    }
    const when = override.when ?? def.when;
    const hint = override.hint ?? def.hint;
    merged.push({
      gate,
      id: def.id,
      at,
      check: { value: def.check, at: fieldAt("check") },
      title: override.title ?? def.title,
      severity: override.severity ?? def.severity,
      options,
      optionsAt: override.with !== undefined && def.with === undefined ? overrideAt("with") : fieldAt("with"),
      when:
        when === undefined
          ? undefined
          : { value: when, at: override.when !== undefined ? overrideAt("when") : fieldAt("when") },
      hint:
        hint === undefined
          ? undefined
          : { value: hint, at: override.hint !== undefined ? overrideAt("hint") : fieldAt("hint") },
      waivable: override.waivable ?? def.waivable,
      waiverLabels: override.waiverLabels ?? def.waiverLabels,
      process: def.process,
      handoff: def.handoff,
    });
  }
  return merged;
}

/** Template names a rule's hint may use: WorkItem paths, the kind's own data, and the rule's id/title. */
function allowedHintNames(kind: CheckKind): Set<string> {
  return new Set([...workItemPaths(), ...(kind.hintData ?? []), "rule.id", "rule.title"]);
}

/** Stage 5: one merged rule checked against its kind; null (with problems) when it cannot run. */
function validateRule(rule: MergedRule, problems: Problem[]): LoadedRule | null {
  const problem = (origin: Origin, message: string, extra: readonly PathKey[] = [], key?: string): void => {
    problems.push(origin.parsed.problem([...origin.path, ...extra], message, key));
  };
  const kind = findCheckKind(rule.check.value);
  if (kind === undefined) {
    problem(rule.check.at, `unknown check kind "${rule.check.value}"; valid kinds: ${checkKindIds().join(", ")}`);
    return null;
  }

  const values = Object.fromEntries([...rule.options].map(([name, option]) => [name, option.value]));
  const options = (kind.options as z.ZodType).safeParse(values);
  if (!options.success) {
    for (const issue of options.error.issues) {
      const [first, ...rest] = issue.path as PathKey[];
      const option = first === undefined ? undefined : rule.options.get(String(first));
      if (issue.code === "unrecognized_keys") {
        for (const name of issue.keys) {
          const where = rule.options.get(name)?.at ?? rule.optionsAt;
          const origin: Origin = { parsed: where.parsed, path: where.path.slice(0, -1) };
          problem(
            origin,
            `unknown option "${name}" for check kind ${kind.id}; valid options: ${optionNames(kind).join(", ")}`,
            [],
            name,
          );
        }
        continue;
      }
      const label = issue.path.length === 0 ? "" : `"${describePath(issue.path as PathKey[])}" `;
      problem(
        option?.at ?? rule.optionsAt,
        `${rule.id}: option ${label}${issue.message}`,
        option === undefined ? [] : rest,
      );
    }
    return null;
  }
  for (const message of kind.validate?.(options.data) ?? []) {
    const name = message.split(":")[0]!.split(".")[0]!;
    problem(rule.options.get(name)?.at ?? rule.optionsAt, `${rule.id}: ${message}`);
  }

  if (rule.when !== undefined) {
    for (const p of validateCondition(rule.when.value))
      problem(rule.when.at, `${rule.id}: when.${p.path.join(".")}: ${p.message}`, p.path);
  }

  const hint = rule.hint?.value ?? kind.hint;
  const allowed = allowedHintNames(kind);
  for (const name of templateVariables(hint)) {
    if (!allowed.has(name)) {
      problem(
        rule.hint?.at ?? rule.at,
        `${rule.id}: hint uses unknown name {{${name}}}; use a WorkItem path (e.g. issue.url) or one of: ${(kind.hintData ?? []).join(", ") || "(none for this kind)"}`,
      );
    }
  }

  const location: SourceLocation = { file: rule.at.parsed.source.path, ...rule.at.parsed.at(rule.at.path) };
  return {
    gate: rule.gate,
    id: rule.id,
    title: rule.title,
    kind,
    options: options.data,
    severity: rule.severity,
    when: rule.when?.value,
    hint,
    waivable: rule.waivable,
    waiverLabels: rule.waiverLabels,
    process: rule.process,
    handoff: rule.handoff,
    location,
  };
}

/** The names a kind's `with:` takes, looking through the refinements that wrap its object schema. */
function optionNames(kind: CheckKind): string[] {
  let def = (kind.options as z.ZodType).def as unknown as {
    shape?: Record<string, unknown>;
    in?: z.ZodType;
    schema?: z.ZodType;
  };
  for (let i = 0; i < 3 && def.shape === undefined; i += 1) {
    const inner = def.in ?? def.schema;
    if (inner === undefined) break;
    def = inner.def as unknown as typeof def;
  }
  return Object.keys(def.shape ?? {});
}

export type { SourceLocation };
