import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { checkKindIds, findCheckKind } from "../checks/index.js";
import type { CheckKind } from "../checks/types.js";
import { BfdError, printable } from "../errors.js";
import { workItemPaths } from "../work-item/paths.js";
import { validateCondition, type Condition } from "./condition.js";
import {
  ConfigSchema,
  RuleFileSchema,
  RuleSchema,
  type Config,
  type Gate,
  type LoadedRule,
  type RuleDefinition,
  type SourceLocation,
} from "./schema.js";
import { templateVariables } from "./template.js";

/** A file's text and the name to show for it in messages (relative to the working directory). */
export interface SourceText {
  path: string;
  text: string;
}

export interface RuleSetInput {
  builtinFiles: SourceText[];
  configFile: SourceText | null;
  /** Reads a rule file named in the config (`ruleFiles:`), resolved relative to the config file; null when missing. */
  readRuleFile: (relativePath: string) => SourceText | null;
}

export interface RuleSet {
  rules: LoadedRule[];
  config: Config;
  configPath: string | null;
}

export interface Problem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.column}  ${p.message}`;
}

type PathKey = string | number;

class ParsedYaml {
  readonly doc: Document;
  readonly lines = new LineCounter();
  constructor(readonly source: SourceText) {
    // logLevel "error": yaml would otherwise print its warnings (e.g. a key that is a list) to stderr through
    // process.emitWarning, above bfd's own message; what matters in them is reported as a problem anyway.
    this.doc = parseDocument(source.text, {
      lineCounter: this.lines,
      prettyErrors: false,
      uniqueKeys: true,
      logLevel: "error",
    });
  }

  /** Position of the node at `path`, or of its deepest existing ancestor. With `key`, the position of that key. */
  at(path: readonly PathKey[], key?: string): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    const steps = key === undefined ? path : [...path, key];
    for (let i = 0; i < steps.length; i += 1) {
      const step = steps[i]!;
      const isLast = i === steps.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
        if (pair === undefined) break;
        if (isLast && key !== undefined) {
          offset = rangeStart(pair.key) ?? offset;
          break;
        }
        node = pair.value;
        offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
      } else if (isSeq(node) && typeof step === "number") {
        node = node.items[step];
        if (node === undefined) break;
        offset = rangeStart(node) ?? offset;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }

  problem(path: readonly PathKey[], message: string, key?: string): Problem {
    return { file: this.source.path, ...this.at(path, key), message };
  }
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as Node).range;
    if (Array.isArray(range)) return range[0];
  }
  return undefined;
}

/** YAML syntax errors, each with its position. Returns the parsed document only when there are none. */
function parseYaml(source: SourceText, problems: Problem[]): ParsedYaml | null {
  const parsed = new ParsedYaml(source);
  if (parsed.doc.errors.length > 0) {
    for (const error of parsed.doc.errors) {
      const pos = parsed.lines.linePos(error.pos[0]);
      problems.push({
        file: source.path,
        line: pos.line,
        column: pos.col,
        message: `YAML syntax: ${error.message.split("\n")[0]}`,
      });
    }
    return null;
  }
  return parsed;
}

/**
 * The document as plain data. Resolving aliases happens only here, and yaml throws for an alias whose anchor is
 * missing (`<<: *a` with no `&a`) or that expands too often: that is a problem in the file, not a crash.
 */
function toPlainData(parsed: ParsedYaml, problems: Problem[]): { value: unknown } | null {
  try {
    return { value: parsed.doc.toJS({ maxAliasCount: 100 }) ?? {} };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(parsed.problem([], `YAML: ${printable(message.split("\n")[0] ?? message)}`));
    return null;
  }
}

function zodProblems(parsed: ParsedYaml, error: z.ZodError, prefix: readonly PathKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PathKey[])];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        problems.push(parsed.problem(path, `unknown key "${key}" in ${describePath(path)}`, key));
      continue;
    }
    if (issue.code === "invalid_union" && "errors" in issue) {
      // A `when:` that matches no variant: report the most specific branch (the one with the fewest problems).
      const branches = (issue.errors as z.core.$ZodIssue[][]).filter((b) => b.length > 0);
      const best = branches.sort((a, b) => a.length - b.length)[0];
      if (best !== undefined && best.every((i) => i.code !== "invalid_type" || i.path.length > 0)) {
        for (const inner of best) {
          const innerPath = [...path, ...(inner.path as PathKey[])];
          if (inner.code === "unrecognized_keys") {
            for (const key of inner.keys)
              problems.push(parsed.problem(innerPath, `unknown key "${key}" in ${describePath(innerPath)}`, key));
          } else {
            problems.push(parsed.problem(innerPath, `${describePath(innerPath)}: ${inner.message}`));
          }
        }
        continue;
      }
      problems.push(
        parsed.problem(
          path,
          `${describePath(path)}: not a valid condition (use field + one operator, changed, all, any or not)`,
        ),
      );
      continue;
    }
    if (issue.code === "invalid_type" && / received undefined$/.test(issue.message)) {
      problems.push(parsed.problem(path.slice(0, -1), `${describePath(path)} is required`));
      continue;
    }
    if (issue.code === "invalid_type" && path.length === 0) {
      problems.push(
        parsed.problem(
          path,
          `the file must be a mapping of keys to values (${issue.message.replace(/^Invalid input: /, "")})`,
        ),
      );
      continue;
    }
    problems.push(parsed.problem(path, `${describePath(path)}: ${issue.message}`));
  }
  return problems;
}

function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return "the file";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

const SECRET_KEY =
  /^(token|.*[_-]token|api[_-]?key|.*[_-]api[_-]?key|password|secret|private[_-]?token|access[_-]?token)$/i;
const SECRET_VALUE = /(glpat-[A-Za-z0-9_-]{10,}|lin_api_[A-Za-z0-9]{10,}|lin_oauth_[A-Za-z0-9]{10,})/;

/** Secrets belong in the environment: a token-like key or value in a rule or config file is refused. */
function secretProblems(parsed: ParsedYaml): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: unknown, path: PathKey[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (SECRET_KEY.test(key)) {
          problems.push(
            parsed.problem(
              path,
              `"${key}" looks like a secret: keep tokens in the environment (LINEAR_API_KEY, GITLAB_TOKEN), never in rule or config files`,
              key,
            ),
          );
        }
        visit(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isScalar(node) && typeof node.value === "string" && SECRET_VALUE.test(node.value)) {
      problems.push(
        parsed.problem(
          path,
          `${describePath(path)} holds what looks like an API token: keep tokens in the environment, never in rule or config files`,
        ),
      );
    }
  };
  visit(parsed.doc.contents, []);
  return problems;
}

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
      problems.push(
        parsed.problem([], `unknown key "${key}" in the file; valid keys: ${Object.keys(shape).join(", ")}`, key),
      );
      continue;
    }
    if (key === "override" && value !== null && typeof value === "object" && !Array.isArray(value)) {
      const overrides: Record<string, unknown> = {};
      for (const [id, entry] of Object.entries(value as Record<string, unknown>)) {
        const one = schema.safeParse({ [id]: entry });
        if (one.success) Object.assign(overrides, one.data as Record<string, unknown>);
        else problems.push(...zodProblems(parsed, one.error, ["override"]));
      }
      valid.override = overrides;
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) valid[key] = value;
    else problems.push(...zodProblems(parsed, result.error, [key]));
  }
  return ConfigSchema.parse(valid);
}

interface RuleOverride {
  title?: string | undefined;
  severity?: "error" | "warning" | undefined;
  with?: Record<string, unknown> | undefined;
  when?: Condition | undefined;
  hint?: string | undefined;
  waivable?: boolean | undefined;
  waiverLabels?: string[] | undefined;
  disabled?: boolean | undefined;
}

interface PendingRule {
  gate: Gate;
  definition: RuleDefinition;
  parsed: ParsedYaml;
  path: PathKey[];
}

/** Template names a rule's hint may use: WorkItem paths, the kind's own data, and the rule's id/title. */
function allowedHintNames(kind: CheckKind): Set<string> {
  return new Set([...workItemPaths(), ...(kind.hintData ?? []), "rule.id", "rule.title"]);
}

/**
 * Builds the rule set: built-in rule files, then the team's config (extra rule files, extra rules,
 * overrides, disables), validated in layers — YAML syntax, zod shape, then semantics (known check kind,
 * its options, `when:` fields and patterns, hint names, duplicate ids). Every problem in every file is
 * collected; if there is any, one ConfigError lists them all as `file:line:col  message`.
 */
export function loadRuleSet(input: RuleSetInput): RuleSet {
  const problems: Problem[] = [];
  let config: Config = ConfigSchema.parse({});
  let configParsed: ParsedYaml | null = null;

  if (input.configFile !== null) {
    configParsed = parseYaml(input.configFile, problems);
    if (configParsed !== null) {
      const secrets = secretProblems(configParsed);
      problems.push(...secrets);
      if (secrets.length === 0) config = parseConfigByParts(configParsed, problems);
    }
  }

  const pending: PendingRule[] = [];
  const ruleFiles: SourceText[] = [...(config.extends === "builtin" ? input.builtinFiles : [])];
  config.ruleFiles.forEach((relative, index) => {
    const file = input.readRuleFile(relative);
    if (file === null && configParsed !== null) {
      problems.push(
        configParsed.problem(
          ["ruleFiles", index],
          `rule file "${relative}" not found (paths are relative to the config file)`,
        ),
      );
    } else if (file !== null) {
      ruleFiles.push(file);
    }
  });

  for (const file of ruleFiles) {
    const parsed = parseYaml(file, problems);
    if (parsed === null) continue;
    problems.push(...secretProblems(parsed));
    const data = toPlainData(parsed, problems);
    if (data === null) continue;
    const shape = RuleFileSchema.safeParse(data.value);
    if (!shape.success) {
      problems.push(...zodProblems(parsed, shape.error));
      continue;
    }
    shape.data.rules.forEach((definition, index) =>
      pending.push({ gate: shape.data.gate, definition, parsed, path: ["rules", index] }),
    );
  }
  if (configParsed !== null) {
    config.rules.forEach(({ gate, ...definition }, index) => {
      const parsedDefinition = RuleSchema.parse(definition);
      pending.push({ gate, definition: parsedDefinition, parsed: configParsed, path: ["rules", index] });
    });
  }

  if (config.handoffStates !== undefined) {
    const current = config.override["handoff-state-explicit"] ?? {};
    config.override["handoff-state-explicit"] = {
      ...current,
      with: { ...(current.with ?? {}), names: config.handoffStates },
    };
  }

  const known = new Set(pending.map((p) => p.definition.id));
  if (configParsed !== null) {
    for (const id of Object.keys(config.override)) {
      if (!known.has(id))
        problems.push(
          configParsed.problem(
            ["override"],
            `override names unknown rule "${id}"; known rules: ${[...known].sort().join(", ")}`,
            id,
          ),
        );
    }
    config.disable.forEach((id, index) => {
      if (!known.has(id))
        problems.push(
          configParsed.problem(
            ["disable", index],
            `cannot disable unknown rule "${id}"; known rules: ${[...known].sort().join(", ")}`,
          ),
        );
    });
  }

  const rules: LoadedRule[] = [];
  const seen = new Map<string, Problem>();
  for (const item of pending) {
    const { definition: def, parsed, path, gate } = item;
    const key = `${gate}/${def.id}`;
    const here = parsed.problem(path, "");
    const previous = seen.get(key);
    if (previous !== undefined) {
      problems.push(
        parsed.problem(
          [...path, "id"],
          `duplicate rule id "${def.id}" in gate ${gate} (first defined at ${previous.file}:${previous.line}:${previous.column})`,
        ),
      );
      continue;
    }
    seen.set(key, here);

    const override: RuleOverride = config.override[def.id] ?? {};
    const overridePath = ["override", def.id];
    if (override.disabled === true || config.disable.includes(def.id)) continue;

    const kind = findCheckKind(def.check);
    if (kind === undefined) {
      problems.push(
        parsed.problem(
          [...path, "check"],
          `unknown check kind "${def.check}"; valid kinds: ${checkKindIds().join(", ")}`,
        ),
      );
      continue;
    }

    const merged = { ...(def.with ?? {}), ...(override.with ?? {}) };
    const options = (kind.options as z.ZodType).safeParse(merged);
    if (!options.success) {
      for (const issue of options.error.issues) {
        const inOverride =
          override.with !== undefined && issue.path.length > 0 && String(issue.path[0]) in override.with;
        const target = inOverride && configParsed !== null ? configParsed : parsed;
        const base: PathKey[] = inOverride ? [...overridePath, "with"] : [...path, "with"];
        if (issue.code === "unrecognized_keys") {
          for (const optionKey of issue.keys) {
            const valid = Object.keys(
              ((kind.options as z.ZodType).def as unknown as { shape?: Record<string, unknown> }).shape ?? {},
            );
            const src =
              override.with !== undefined && optionKey in override.with && configParsed !== null
                ? configParsed
                : parsed;
            const srcBase: PathKey[] = src === parsed ? [...path, "with"] : [...overridePath, "with"];
            problems.push(
              src.problem(
                srcBase,
                `unknown option "${optionKey}" for check kind ${kind.id}; valid options: ${innerShapeKeys(kind).join(", ") || valid.join(", ")}`,
                optionKey,
              ),
            );
          }
        } else {
          const issuePath = [...base, ...(issue.path as PathKey[])];
          problems.push(
            target.problem(
              issuePath,
              `${def.id}: option ${describePath(issue.path as PathKey[]) === "the file" ? "" : `"${describePath(issue.path as PathKey[])}" `}${issue.message}`,
            ),
          );
        }
      }
      continue;
    }
    for (const message of kind.validate?.(options.data) ?? []) {
      const option = message.split(":")[0]!.split(".")[0]!;
      const fromOverride = override.with !== undefined && option in override.with && configParsed !== null;
      const target = fromOverride ? configParsed! : parsed;
      problems.push(
        target.problem(
          fromOverride ? [...overridePath, "with", option] : [...path, "with", option],
          `${def.id}: ${message}`,
        ),
      );
    }

    const when = override.when ?? def.when;
    if (when !== undefined) {
      const whenSource = override.when !== undefined && configParsed !== null ? configParsed : parsed;
      const whenPath: PathKey[] = override.when !== undefined ? [...overridePath, "when"] : [...path, "when"];
      for (const p of validateCondition(when))
        problems.push(
          whenSource.problem([...whenPath, ...p.path], `${def.id}: when.${p.path.join(".")}: ${p.message}`),
        );
    }

    const hint = override.hint ?? def.hint ?? kind.hint;
    const allowed = allowedHintNames(kind);
    for (const name of templateVariables(hint)) {
      if (!allowed.has(name)) {
        const hintSource = override.hint !== undefined && configParsed !== null ? configParsed : parsed;
        const hintPath: PathKey[] = override.hint !== undefined ? [...overridePath, "hint"] : [...path, "hint"];
        problems.push(
          hintSource.problem(
            hintPath,
            `${def.id}: hint uses unknown name {{${name}}}; use a WorkItem path (e.g. issue.url) or one of: ${(kind.hintData ?? []).join(", ") || "(none for this kind)"}`,
          ),
        );
      }
    }

    const waivable = override.waivable ?? def.waivable;
    const waiverLabels = override.waiverLabels ?? def.waiverLabels;
    rules.push({
      gate,
      id: def.id,
      title: override.title ?? def.title,
      kind,
      options: options.data,
      severity: override.severity ?? def.severity,
      when,
      hint,
      waivable,
      waiverLabels,
      process: def.process,
      location: { file: parsed.source.path, ...parsed.at(path) },
    });
  }

  if (problems.length > 0) throw configError(problems);
  return { rules, config, configPath: input.configFile?.path ?? null };
}

function innerShapeKeys(kind: CheckKind): string[] {
  let def = (kind.options as z.ZodType).def as unknown as {
    type: string;
    shape?: Record<string, unknown>;
    in?: z.ZodType;
    schema?: z.ZodType;
  };
  // Refined objects wrap the object schema; look through one level of pipe/effects to list the options.
  for (let i = 0; i < 3 && def.shape === undefined; i += 1) {
    const inner = def.in ?? def.schema;
    if (inner === undefined) break;
    def = inner.def as unknown as typeof def;
  }
  return Object.keys(def.shape ?? {});
}

export function configError(problems: Problem[]): BfdError {
  const sorted = [...problems].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  const files = new Set(sorted.map((p) => p.file)).size;
  return new BfdError(
    "config",
    "invalid-rules",
    `${sorted.length} problem${sorted.length === 1 ? "" : "s"} in ${files === 1 ? sorted[0]!.file : `${files} rule/config files`}`,
    {
      details: sorted.map(formatProblem),
      hint: "Fix each line above; `bfd rules check` re-checks the files without contacting Linear or GitLab.",
    },
  );
}

export type { SourceLocation };
