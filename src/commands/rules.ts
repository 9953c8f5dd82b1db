import { z } from "zod";
import { requireRules } from "../app/rules.js";
import { CHECK_KINDS, findCheckKind } from "../checks/index.js";
import type { CheckKind } from "../checks/types.js";
import { usageError } from "../errors.js";
import { didYouMean } from "../text/closest.js";
import { ExitCode } from "../exit-codes.js";
import { reportJsonSchema } from "../report/schema.js";
import { jsonText } from "../reporters/json.js";
import { renderRuleExplanation } from "../reporters/rule-docs/explain.js";
import { loadRuleDocReporter, type RuleDocFormat } from "../reporters/rule-docs/index.js";
import type { CheckKindDoc, OptionDoc, RuleDocs } from "../reporters/rule-docs/types.js";
import { readProcessCoverage } from "../rules/process-coverage.js";
import { configJsonSchema, ruleFileJsonSchema, type LoadedRule } from "../rules/schema.js";
import { snapshotJsonSchema } from "../sources/snapshot.js";
import { workItemPaths } from "../work-item/paths.js";
import type { CommandContext } from "./context.js";
import { loadBuiltinRules, loadLocalRules } from "./load-rules.js";
import { renderOptionsFor, writeOutput } from "./output.js";
import { plural } from "../text/plural.js";

export const SCHEMA_KINDS = ["rules", "config", "report", "snapshot"] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

export function schemaFor(kind: SchemaKind): unknown {
  switch (kind) {
    case "rules":
      return ruleFileJsonSchema(CHECK_KINDS as unknown as Record<string, CheckKind>);
    case "config":
      return configJsonSchema();
    case "report":
      return reportJsonSchema();
    case "snapshot":
      return snapshotJsonSchema();
  }
}

export function rulesSchema(ctx: CommandContext, kind: SchemaKind, output: string | undefined): ExitCode {
  writeOutput(ctx, jsonText(schemaFor(kind)), output);
  return ExitCode.ok;
}

export function rulesCheck(ctx: CommandContext): ExitCode {
  const set = loadLocalRules(ctx);
  const ready = set.rules.filter((r) => r.gate === "ready").length;
  const done = set.rules.filter((r) => r.gate === "done").length;
  const files = [...new Set(set.rules.map((r) => r.location.file))];
  const config = set.configPath === null ? "no bfd.config.yaml" : set.configPath;
  // A gate with no rules stops that gate with exit 2 (requireRules): the check says so now, not on the first run.
  for (const gate of ["ready", "done"] as const) requireRules(set, gate);
  ctx.stdout(
    `✔ ${plural(set.rules.length, "rule")} valid (ready: ${ready}, done: ${done}) from ${files.join(", ")}; config: ${config}\n`,
  );
  return ExitCode.ok;
}

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
}

/** A short type name for docs: `string`, `"issue" | "mergeRequest"`, `string[]`. */
function typeName(node: JsonSchemaNode): string {
  if (node.enum !== undefined) return node.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.anyOf !== undefined) return node.anyOf.map(typeName).join(" | ");
  if (node.type === "array")
    return node.items === undefined
      ? "array"
      : `${node.items.enum !== undefined ? `(${typeName(node.items)})` : typeName(node.items)}[]`;
  if (Array.isArray(node.type)) return node.type.join(" | ");
  return node.type ?? "any";
}

/** Options of a check kind, read from its zod schema (so docs never drift from validation). */
export function optionDocs(kind: CheckKind): OptionDoc[] {
  const schema = z.toJSONSchema(kind.options as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  return Object.entries(schema.properties ?? {}).map(([name, prop]) => ({
    name,
    type: typeName(prop),
    required: (schema.required ?? []).includes(name) && prop.default === undefined,
    default: prop.default,
    description: prop.description ?? "",
  }));
}

function kindDoc(kind: CheckKind): CheckKindDoc {
  return { id: kind.id, description: kind.description, options: optionDocs(kind), hintNames: kind.hintData ?? [] };
}

/** The rule reference's content: the rules in force, every check kind's options, the WorkItem paths. */
export function ruleDocs(rules: readonly LoadedRule[], builtinDir: string): RuleDocs {
  return {
    rules,
    kinds: () => (Object.values(CHECK_KINDS) as unknown as CheckKind[]).map(kindDoc),
    workItemPaths,
    processCoverage: () => readProcessCoverage(builtinDir),
  };
}

export async function rulesList(
  ctx: CommandContext,
  format: RuleDocFormat,
  output: string | undefined,
): Promise<ExitCode> {
  const set = loadLocalRules(ctx);
  const render = await loadRuleDocReporter(format);
  writeOutput(ctx, render(ruleDocs(set.rules, ctx.builtinDir), renderOptionsFor(ctx, output)), output);
  return ExitCode.ok;
}

/**
 * What `bfd rules explain <TAB>` offers: the ids of the rules in force here, then the check kinds. A config that does
 * not load must not stop the completion script from being written: then the built-in rules' ids.
 */
export function explainableIds(ctx: CommandContext): string[] {
  return [...new Set([...ruleIdsInForce(ctx), ...Object.keys(CHECK_KINDS)])];
}

/** The ids of the rules in force here, sorted; the built-in rules' when the config does not load. */
export function ruleIdsInForce(ctx: CommandContext): string[] {
  let rules: readonly LoadedRule[];
  try {
    rules = loadLocalRules(ctx).rules;
  } catch {
    rules = loadBuiltinRules(ctx).rules;
  }
  return [...new Set(rules.map((r) => r.id))].sort();
}

export function rulesExplain(ctx: CommandContext, id: string): ExitCode {
  const set = loadLocalRules(ctx);
  const rules = set.rules.filter((r) => r.id === id);
  const kind = findCheckKind(id);
  if (rules.length === 0 && kind === undefined) {
    const known = [...new Set(set.rules.map((r) => r.id))].sort();
    throw usageError(
      "unknown-rule",
      `no rule or check kind named "${id}".${didYouMean(id, [...known, ...Object.keys(CHECK_KINDS)])}`,
      `Rules: ${known.join(", ")}. Check kinds: ${Object.keys(CHECK_KINDS).join(", ")}.`,
    );
  }
  ctx.stdout(
    renderRuleExplanation({
      rules,
      kind: kind === undefined ? null : kindDoc(kind),
      workItemPaths: kind?.id === "field" ? workItemPaths() : null,
    }),
  );
  return ExitCode.ok;
}
