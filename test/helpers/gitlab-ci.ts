/**
 * GitLab CI configuration as GitLab reads it, for tests: validation against GitLab's own CI JSON schema (vendored in
 * test/fixtures/gitlab-ci/, see SOURCE.md there), a CI/CD component split into its `spec:` header and its jobs,
 * and `$[[ inputs.x ]]` interpolation with GitLab's typing rules.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { parse, parseAllDocuments } from "yaml";
import { ROOT } from "./cli.js";

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (validator === undefined) {
    const schema = JSON.parse(readFileSync(join(ROOT, "test/fixtures/gitlab-ci/ci.schema.json"), "utf8")) as object;
    // The schema is draft-07 (Ajv's default). It carries GitLab's own annotation keywords (markdownDescription), so
    // strict mode is off; its one format ("uri", on a top-level `$schema` key) is not one CI files here use.
    validator = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false }).compile(schema);
  }
  return validator;
}

const describeError = (e: ErrorObject): string => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`;

/** Problems GitLab's CI schema finds in one parsed CI document; empty when it is valid. */
export function gitlabCiSchemaErrors(document: unknown): string[] {
  const validate = schemaValidator();
  return validate(document) ? [] : (validate.errors ?? []).map(describeError);
}

export function readYaml(path: string): unknown {
  return parse(readFileSync(join(ROOT, path), "utf8"), { merge: true });
}

export type InputType = "string" | "number" | "boolean" | "array";
export type InputValue = string | number | boolean | unknown[];

export interface InputSpec {
  type?: InputType;
  default?: unknown;
  description?: string;
  options?: unknown[];
  regex?: string;
}

export interface Component {
  /** The header document: `{ spec: { inputs } }`. */
  header: { spec?: { inputs?: Record<string, InputSpec> } };
  inputs: Record<string, InputSpec>;
  /** The configuration after the `---`, not yet interpolated. */
  body: unknown;
}

/** A component file: the `spec:` header, then `---`, then the jobs (doc/ci/components, "Create a component project"). */
export function readComponent(path: string): Component {
  const docs = parseAllDocuments(readFileSync(join(ROOT, path), "utf8"));
  if (!Array.isArray(docs) || docs.length !== 2)
    throw new Error(`${path}: a component is a spec: header, ---, then its jobs (found ${docs.length} documents)`);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
  const header = docs[0]!.toJS() as Component["header"];
  return { header, inputs: header.spec?.inputs ?? {}, body: docs[1]!.toJS({ maxAliasCount: 0 }) };
}

const typeOf = (value: unknown): InputType | "other" =>
  Array.isArray(value)
    ? "array"
    : typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? (typeof value as InputType)
      : "other";

/**
 * What GitLab checks in `spec:inputs` when a pipeline is created (doc/ci/inputs: "Input configuration", "Input
 * types"): known keys only; `type` one of four; a default of that type, among `options`, and matching `regex`.
 * `requireDefaults`: every input optional, so the one-line include works without any `inputs:`.
 */
export function inputSpecProblems(inputs: Record<string, InputSpec>, requireDefaults: boolean): string[] {
  const problems: string[] = [];
  const keys = new Set(["type", "default", "description", "options", "regex", "rules"]);
  for (const [name, spec] of Object.entries(inputs)) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) problems.push(`${name}: input names use letters, digits, - and _`);
    for (const key of Object.keys(spec ?? {})) if (!keys.has(key)) problems.push(`${name}: unknown key ${key}`);
    const type = spec?.type ?? "string";
    if (!["string", "number", "boolean", "array"].includes(type)) problems.push(`${name}: unknown type ${type}`);
    if (spec?.default === undefined) {
      if (requireDefaults) problems.push(`${name}: no default, so every include must set it`);
      continue;
    }
    if (typeOf(spec.default) !== type)
      problems.push(`${name}: default ${JSON.stringify(spec.default)} is not a ${type}`);
    if (spec.options !== undefined && !spec.options.includes(spec.default))
      problems.push(`${name}: default ${JSON.stringify(spec.default)} is not one of its options`);
    if (spec.regex !== undefined && !(typeof spec.default === "string" && new RegExp(spec.regex).test(spec.default)))
      problems.push(`${name}: default ${JSON.stringify(spec.default)} does not match ${spec.regex}`);
  }
  return problems;
}

export function defaultInputs(inputs: Record<string, InputSpec>): Record<string, InputValue> {
  return Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, spec.default as InputValue]));
}

const BLOCK = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;
const WHOLE_BLOCK = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]$/;

/**
 * `$[[ inputs.x ]]` replaced as GitLab does (doc/ci/inputs, "Input types"): a block that is a whole YAML value takes
 * the input's type; a block inside a longer string is spliced in as text. Keys are interpolated too. An input the
 * file does not declare is an error, as it is in GitLab.
 */
export function interpolate(value: unknown, inputs: Record<string, InputValue>): unknown {
  const lookup = (name: string): InputValue => {
    if (!(name in inputs)) throw new Error(`unknown interpolation key: inputs.${name}`);
    return inputs[name]!;
  };
  const text = (s: string): string => s.replace(BLOCK, (_m, name: string) => String(lookup(name)));
  if (typeof value === "string") {
    const whole = WHOLE_BLOCK.exec(value);
    return whole === null ? text(value) : lookup(whole[1]!);
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, inputs));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [text(k), interpolate(v, inputs)]));
  return value;
}

/** Every `$[[ inputs.x ]]` name used in a (not yet interpolated) document. */
export function usedInputs(value: unknown): Set<string> {
  const used = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === "string") for (const m of v.matchAll(BLOCK)) used.add(m[1]!);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v !== null && typeof v === "object")
      for (const [k, inner] of Object.entries(v)) {
        visit(k);
        visit(inner);
      }
  };
  visit(value);
  return used;
}

export type Job = Record<string, unknown> & { extends?: string | string[] };

/** A job with its `extends:` chain merged in (hash keys deep-merged, the job winning), as GitLab resolves it. */
export function resolveJob(config: Record<string, unknown>, name: string, depth = 0): Job {
  if (depth > 10) throw new Error(`extends nests deeper than GitLab allows at ${name}`);
  const job = config[name] as Job | undefined;
  if (job === undefined) throw new Error(`no job or template named ${name}`);
  const parents = job.extends === undefined ? [] : Array.isArray(job.extends) ? job.extends : [job.extends];
  const merged: Job = {};
  for (const parent of parents) deepMerge(merged, resolveJob(config, parent, depth + 1));
  deepMerge(merged, job);
  delete merged.extends;
  return merged;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (isMap(current) && isMap(value)) deepMerge(current, value);
    else into[key] = isMap(value) ? structuredClone(value) : value;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
