import { z } from "zod";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    types: z
      .array(z.string().min(1))
      .optional()
      .describe("Allowed Linear state types (triage, backlog, unstarted, started, completed, canceled)."),
    names: z.array(z.string().min(1)).optional().describe("Allowed state names, case-insensitive (e.g. In Review)."),
  })
  .strict()
  .refine((o) => (o.types?.length ?? 0) + (o.names?.length ?? 0) > 0, {
    message: "give at least one of types or names",
  });

/** The issue's workflow state (by type or by name) is one of a set. */
export const issueState = defineCheck({
  id: "issue-state",
  description: "The Linear issue's workflow state type or name is one of the given values.",
  options: Options,
  hint: "Move {{issue.url|the issue}} to one of: {{allowed}}.",
  hintData: ["allowed"],
  needs: () => ["issue"],
  workspaceNames: (o) => (o.names ?? []).map((name) => ({ where: "linear-state" as const, name, option: "names" })),
  run: (item, o) => {
    const state = item.issue!.state;
    const allowed = [...(o.names ?? []), ...(o.types ?? []).map((t) => `any ${t} state`)].join(", ");
    const data = { allowed };
    const evidence = [`state: ${state.name} (${state.type})`];
    const byName = (o.names ?? []).some((n) => n.toLowerCase() === state.name.toLowerCase());
    const byType = (o.types ?? []).includes(state.type);
    if (byName || byType) return pass(`Issue is in "${state.name}"`, evidence, data);
    return fail(`Issue is in "${state.name}" (${state.type}); expected ${allowed}`, evidence, data);
  },
});
