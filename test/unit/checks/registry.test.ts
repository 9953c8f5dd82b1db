import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECK_KINDS, checkKindIds, findCheckKind, type CheckKindId } from "../../../src/checks/index.js";
import type { CheckKind } from "../../../src/checks/types.js";
import { templateVariables } from "../../../src/rules/template.js";
import { workItemPaths } from "../../../src/work-item/paths.js";

/** The least each kind accepts, so an unknown key is the only thing wrong when it is added. */
const MINIMAL_OPTIONS: Record<CheckKindId, Record<string, unknown>> = {
  assignee: {},
  "branch-names-issue": {},
  "changed-paths": { paths: ["CHANGELOG.md"] },
  "design-reference": { ifChanged: ["db/migrate/**"], designPattern: "/adr/", designPaths: ["docs/adr/**"] },
  field: { field: "issue.title", exists: true },
  "flag-records": {},
  "issue-current": {},
  "issue-state": { names: ["Done"] },
  labels: { any: ["bug"] },
  "link-pattern": { pattern: "challenge" },
  "markdown-section": { headings: ["Acceptance criteria"] },
  "mentions-linked": {},
  "merge-request-state": {},
  "mr-links-issue": {},
  "open-blockers": {},
  "open-questions": { headings: ["Open questions"] },
  "pipeline-status": {},
  "project-specification": {},
  "staging-validation": { label: "Validated in Staging", environment: "staging" },
  "task-list-complete": { headings: ["Acceptance criteria"] },
  "unit-of-work": {},
};

const kinds = Object.entries(CHECK_KINDS).map(([key, kind]) => [key, kind as unknown as CheckKind] as const);

describe("the check-kind registry", () => {
  it.each(kinds)("lists %s under its own id", (key, kind) => {
    expect(kind.id).toBe(key);
  });

  it.each(kinds)("gives %s a one-line description and a hint", (_key, kind) => {
    expect(kind.description.trim()).not.toBe("");
    expect(kind.description).not.toMatch(/\n/);
    expect(kind.hint.trim()).not.toBe("");
  });

  it.each(kinds)("lets the %s hint use only WorkItem paths and the kind's own hintData", (_key, kind) => {
    const allowed = new Set([...workItemPaths(), ...(kind.hintData ?? [])]);
    expect(templateVariables(kind.hint).filter((name) => !allowed.has(name))).toEqual([]);
  });

  it.each(kinds)("accepts minimal options for %s and rejects an unknown option key (strict)", (key, kind) => {
    const minimal = MINIMAL_OPTIONS[key as CheckKindId];
    expect(kind.options.safeParse(minimal).success).toBe(true);
    const withUnknown = kind.options.safeParse({ ...minimal, notAnOption: true });
    expect(withUnknown.success).toBe(false);
    expect(withUnknown.error?.issues).toContainEqual(
      expect.objectContaining({ code: "unrecognized_keys", keys: ["notAnOption"] }),
    );
  });

  it.each(kinds)("has a table test for %s in test/unit/checks/", (key) => {
    expect(existsSync(new URL(`./${key}.test.ts`, import.meta.url))).toBe(true);
  });

  it("finds kinds by id, and nothing for unknown names or Object.prototype keys", () => {
    expect(findCheckKind("labels")).toBe(CHECK_KINDS.labels);
    expect(findCheckKind("label")).toBeUndefined();
    expect(findCheckKind("toString")).toBeUndefined();
    expect(findCheckKind("__proto__")).toBeUndefined();
  });

  it("lists the ids sorted, for error messages", () => {
    expect(checkKindIds()).toEqual(Object.keys(CHECK_KINDS).sort());
  });
});
