import { findCheckKind } from "../checks/index.js";
import type { Condition } from "../work-item/condition.js";
import type { Gate, HandoffRole, LoadedRule } from "./schema.js";
import { hashText } from "../text/hash.js";

/**
 * The built-in rules, validated once at build time (`dist/builtin-rules.json`), so a run without a team config
 * skips parsing and validating rules/*.yaml — a good part of bfd's start-up. The cache is keyed by a hash of
 * each rule file's text: edit a built-in file and the cache is ignored until the next build.
 */
export const BUILTIN_RULE_FILES = ["ready.yaml", "done.yaml"] as const;

interface CachedRule {
  gate: Gate;
  id: string;
  title: string;
  check: string;
  options: unknown;
  severity: "error" | "warning";
  when: Condition | null;
  hint: string;
  waivable: boolean;
  waiverLabels: string[];
  process: string | null;
  handoff: HandoffRole | null;
  file: string;
  line: number;
  column: number;
}

export interface BuiltinRuleCache {
  version: 2;
  hashes: Record<string, string>;
  rules: CachedRule[];
}

/** `fileOf` maps a rule's location to the built-in file name it came from. */
export function toBuiltinCache(
  rules: readonly LoadedRule[],
  texts: Record<string, string>,
  fileOf: (rule: LoadedRule) => string,
): BuiltinRuleCache {
  return {
    version: 2,
    hashes: Object.fromEntries(Object.entries(texts).map(([name, text]) => [name, hashText(text)])),
    rules: rules.map((r) => ({
      gate: r.gate,
      id: r.id,
      title: r.title,
      check: r.kind.id,
      options: r.options,
      severity: r.severity,
      when: r.when ?? null,
      hint: r.hint,
      waivable: r.waivable,
      waiverLabels: r.waiverLabels,
      process: r.process ?? null,
      handoff: r.handoff ?? null,
      file: fileOf(r),
      line: r.location.line,
      column: r.location.column,
    })),
  };
}

/** The cached rules, or null when the cache does not match these texts (or names a kind this build lacks). */
export function fromBuiltinCache(
  cache: unknown,
  texts: Record<string, string>,
  displayPath: (file: string) => string,
): LoadedRule[] | null {
  if (cache === null || typeof cache !== "object") return null;
  const c = cache as Partial<BuiltinRuleCache>;
  if (c.version !== 2 || c.hashes === undefined || !Array.isArray(c.rules)) return null;
  for (const [name, text] of Object.entries(texts)) if (c.hashes[name] !== hashText(text)) return null;
  const rules: LoadedRule[] = [];
  for (const r of c.rules) {
    const kind = findCheckKind(r.check);
    if (kind === undefined) return null;
    rules.push({
      gate: r.gate,
      id: r.id,
      title: r.title,
      kind,
      options: r.options,
      severity: r.severity,
      when: r.when ?? undefined,
      hint: r.hint,
      waivable: r.waivable,
      waiverLabels: r.waiverLabels,
      process: r.process ?? undefined,
      handoff: r.handoff ?? undefined,
      location: { file: displayPath(r.file), line: r.line, column: r.column },
    });
  }
  return rules;
}
