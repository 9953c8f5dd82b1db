import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import { BfdError, printable } from "../errors.js";
import { didYouMean } from "../text/closest.js";

/**
 * A YAML rule or config file as bfd reads it: syntax, then plain data, then zod shape — each problem with the
 * `file:line:col` of the node it is about, so every problem of every file can be reported at once.
 */

/** A file's text and the name to show for it in messages (relative to the working directory). */
export interface SourceText {
  path: string;
  text: string;
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

export type PathKey = string | number;

export class ParsedYaml {
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
export function parseYaml(source: SourceText, problems: Problem[]): ParsedYaml | null {
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
export function toPlainData(parsed: ParsedYaml, problems: Problem[]): { value: unknown } | null {
  try {
    return { value: parsed.doc.toJS({ maxAliasCount: 100 }) ?? {} };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push(parsed.problem([], `YAML: ${printable(message.split("\n")[0] ?? message)}`));
    return null;
  }
}

/**
 * Every way `error` says the data misses its schema, as problems in people's words, each at its node. With `schema`
 * (the schema the data under `prefix` was checked against), an unknown key gets the closest valid one.
 */
export function zodProblems(
  parsed: ParsedYaml,
  error: z.ZodError,
  prefix: readonly PathKey[] = [],
  schema?: z.ZodType,
): Problem[] {
  const problems: Problem[] = [];
  const unknownKey = (path: readonly PathKey[], key: string): string => {
    const valid = schema === undefined ? [] : keysAt(schema, path.slice(prefix.length));
    return `unknown key "${key}" in ${describePath(path)}.${didYouMean(key, valid)}${valid.length === 0 ? "" : ` Valid keys: ${valid.join(", ")}.`}`;
  };
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PathKey[])];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) problems.push(parsed.problem(path, unknownKey(path, key), key));
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
            for (const key of inner.keys) problems.push(parsed.problem(innerPath, unknownKey(innerPath, key), key));
          } else {
            problems.push(
              parsed.problem(innerPath, `${describePath(innerPath)}: ${inTheirWords(inner, parsed, innerPath)}`),
            );
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
    problems.push(parsed.problem(path, `${describePath(path)}: ${inTheirWords(issue, parsed, path)}`));
  }
  return problems;
}

const KINDS: Record<string, string> = {
  array: "a list",
  object: "a mapping (key: value lines)",
  string: "text",
  number: "a number",
  boolean: "true or false",
  null: "nothing",
  undefined: "nothing",
};

/**
 * Zod's message in the words of someone editing the file: "must be one of "error" or "warning", not "wrning". Did you
 * mean "warning"?" instead of "Invalid option: expected one of "error"|"warning"".
 */
function inTheirWords(issue: z.core.$ZodIssue, parsed: ParsedYaml, path: readonly PathKey[]): string {
  const given = parsed.doc.getIn(path as PathKey[]);
  if (issue.code === "invalid_value" && "values" in issue && Array.isArray(issue.values)) {
    const choices = issue.values.map((v) => JSON.stringify(v));
    const choiceText =
      choices.length === 1 ? choices[0]! : `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]!}`;
    const typed = typeof given === "string" ? given : undefined;
    return `must be ${choices.length === 1 ? "" : "one of "}${choiceText}${given === undefined ? "" : `, not ${JSON.stringify(given)}`}.${typed === undefined ? "" : didYouMean(typed, issue.values.map(String))}`;
  }
  if (issue.code === "invalid_type") {
    const received = /received (\w+)/.exec(issue.message)?.[1];
    const expected = KINDS[issue.expected] ?? issue.expected;
    return `must be ${expected}${received === undefined ? "" : `, not ${KINDS[received] ?? received}`}`;
  }
  return issue.message.replace(/^Invalid input: /, "");
}

/** The keys the object schema at `path` inside `schema` allows (through optional, default, nullable, records, lists). */
export function keysAt(schema: z.ZodType, path: readonly PathKey[]): string[] {
  let node: unknown = schema;
  const unwrap = (n: unknown): unknown => {
    for (let i = 0; i < 10; i += 1) {
      const def = (n as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
      const inner = def?.["innerType"] ?? (def?.["type"] === "pipe" ? def["in"] : undefined);
      if (inner === undefined) return n;
      n = inner;
    }
    return n;
  };
  for (const step of path) {
    node = unwrap(node);
    const def = (node as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (def === undefined) return [];
    if (def["type"] === "object") node = (def["shape"] as Record<string, unknown>)[String(step)];
    else if (def["type"] === "record") node = def["valueType"];
    else if (def["type"] === "array") node = def["element"];
    else return [];
    if (node === undefined) return [];
  }
  const def = (unwrap(node) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  return def?.["type"] === "object" ? Object.keys(def["shape"] as Record<string, unknown>) : [];
}

export function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return "the file";
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

const SECRET_KEY =
  /^(token|.*[_-]token|api[_-]?key|.*[_-]api[_-]?key|password|secret|private[_-]?token|access[_-]?token)$/i;
const SECRET_VALUE = /(glpat-[A-Za-z0-9_-]{10,}|lin_api_[A-Za-z0-9]{10,}|lin_oauth_[A-Za-z0-9]{10,})/;

/** Secrets belong in the environment: a token-like key or value in a rule or config file is refused. */
export function secretProblems(parsed: ParsedYaml): Problem[] {
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
