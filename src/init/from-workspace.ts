/**
 * `bfd init --from-linear`, pure: the names the rules expect (Linear workflow states and labels, GitLab labels)
 * mapped to what the team's workspace has, and the `override:` entries that point the rules at the team's names.
 * A name is found as written (case and spacing aside), else as the closest spelling, else by its words ("Code
 * Review" for In Review), else by the state's type (the first completed state for Done, the unstarted states for
 * the ready states); what is still missing is listed with the step that creates it.
 */
import { closestChoices } from "../text/closest.js";
import { foldText } from "../text/normalize.js";

/** What the rules expect, as src/doctor/prerequisites.ts computes it (structural: src/init imports no other area). */
export interface ExpectedNameInput {
  where: "linear-state" | "linear-label" | "gitlab-label" | "any-label";
  name: string;
  /** `index`: where the name stands among every name the rules give, so each option keeps its order. */
  uses: { rule: string | null; option: string; list: boolean; index: number }[];
}

export interface WorkspaceInput {
  team: { key: string; name: string; states: { name: string; type: string; position: number }[]; labels: string[] };
  /** The GitLab project's labels; null when GitLab was not read (`--from-linear` without a project). */
  gitlabLabels: string[] | null;
  project: string | null;
}

export interface NameMapping {
  expected: ExpectedNameInput;
  /** The workspace's name for it; null when it has none. */
  found: string | null;
  /** How it was found, for the config's comments. */
  how: "as written" | "closest spelling" | "same words" | "state type" | null;
  /** Where it lives (or should be created), for comments and the missing list. */
  place: string;
}

/** Words that say nothing of a state's meaning. */
const FILLER = new Set(["for", "the", "a", "an", "in", "to", "of", "needs", "ready", "is"]);

const wordsOf = (text: string): string[] =>
  foldText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 2 && !FILLER.has(w));

function byWords(name: string, choices: readonly string[]): string | null {
  const wanted = wordsOf(name);
  if (wanted.length === 0) return null;
  // A word of the expected name starting a word of the choice: "Review" in "Code Review", "Block" in "Blocked".
  return (
    choices.find((choice) =>
      wordsOf(choice).some((word) => wanted.some((w) => word.startsWith(w.slice(0, 5)) || w.startsWith(word))),
    ) ?? null
  );
}

/**
 * Labels are matched by spelling only: they are short codes, and a label matched by a shared word ("no-docs" for
 * no-ops-docs) would waive the wrong rule. States may match by their words: a state says what it means.
 */
function findIn(name: string, choices: readonly string[], words: boolean): Pick<NameMapping, "found" | "how"> {
  const exact = choices.find((c) => foldText(c) === foldText(name));
  if (exact !== undefined) return { found: exact, how: "as written" };
  const close = closestChoices(name, choices, 1)[0];
  if (close !== undefined) return { found: close, how: "closest spelling" };
  if (!words) return { found: null, how: null };
  const worded = byWords(name, choices);
  if (worded !== null) return { found: worded, how: "same words" };
  return { found: null, how: null };
}

/** Maps every expected name to the team's (or project's) own. */
export function mapWorkspace(expected: readonly ExpectedNameInput[], workspace: WorkspaceInput): NameMapping[] {
  const { team } = workspace;
  const states = [...team.states].sort((a, b) => a.position - b.position);
  const stateNames = states.map((s) => s.name);
  const project = workspace.project ?? "the GitLab project";
  return expected.map((e) => {
    if (e.where === "linear-state") {
      const place = `Linear: Settings → Teams → ${team.name} → Workflow`;
      // A ready state is one nobody has started: the unstarted states, in the team's order.
      const ready = e.uses.every((u) => u.rule === null);
      const candidates = ready ? states.filter((s) => s.type === "unstarted").map((s) => s.name) : stateNames;
      const hit = findIn(e.name, candidates, true);
      if (hit.found !== null) return { expected: e, ...hit, place };
      const completed = states.find((s) => s.type === "completed");
      if (foldText(e.name) === "done" && completed !== undefined)
        return { expected: e, found: completed.name, how: "state type", place };
      if (ready && candidates[0] !== undefined) return { expected: e, found: candidates[0], how: "state type", place };
      return { expected: e, found: null, how: null, place };
    }
    if (e.where === "linear-label")
      return {
        expected: e,
        ...findIn(e.name, team.labels, false),
        place: `Linear: Settings → Teams → ${team.name} → Labels`,
      };
    const gitlab = workspace.gitlabLabels ?? [];
    const place = `GitLab: ${project} → Manage → Labels`;
    const inGitlab = findIn(e.name, gitlab, false);
    if (inGitlab.found !== null || e.where === "gitlab-label") return { expected: e, ...inGitlab, place };
    // A waiver label may be on the issue instead: the Linear team's label will do.
    const inLinear = findIn(e.name, team.labels, false);
    return { expected: e, ...inLinear, place };
  });
}

/** One `override:` entry's `with:` option (or `waiverLabels`) and its new value, with where each name came from. */
export interface OverrideChange {
  rule: string;
  option: string;
  value: string | string[];
  notes: string[];
}

/**
 * The overrides that point each rule at the team's names: one per rule and option where any name differs from the
 * rule's own. A missing name stays as the rule has it, so `bfd doctor` goes on naming it until it exists.
 */
export function overridesFor(mappings: readonly NameMapping[]): {
  overrides: OverrideChange[];
  readyStates: { value: string[]; notes: string[] } | null;
} {
  const slots = new Map<
    string,
    { rule: string | null; option: string; list: boolean; names: { mapping: NameMapping; index: number }[] }
  >();
  for (const mapping of mappings) {
    for (const use of mapping.expected.uses) {
      const key = `${use.rule ?? ""} ${use.option}`;
      const slot = slots.get(key) ?? { rule: use.rule, option: use.option, list: use.list, names: [] };
      slot.names.push({ mapping, index: use.index });
      slots.set(key, slot);
    }
  }
  const overrides: OverrideChange[] = [];
  let readyStates: { value: string[]; notes: string[] } | null = null;
  for (const slot of slots.values()) {
    const ordered = slot.names.sort((a, b) => a.index - b.index).map((n) => n.mapping);
    const changed = ordered.filter((m) => m.found !== null && m.found !== m.expected.name);
    if (changed.length === 0) continue;
    const names = [...new Set(ordered.map((m) => m.found ?? m.expected.name))];
    const notes = changed.map((m) => `${m.found} for ${m.expected.name} (${m.how})`);
    if (slot.rule === null) {
      readyStates = { value: names, notes };
      continue;
    }
    overrides.push({ rule: slot.rule, option: slot.option, value: slot.list ? names : names[0]!, notes });
  }
  return { overrides, readyStates };
}

const yamlString = (text: string): string =>
  /^[\w][\w .-]*$/.test(text) && !/^(true|false|null|yes|no)$/i.test(text) ? text : JSON.stringify(text);
const yamlValue = (value: string | string[]): string =>
  Array.isArray(value) ? `[${value.map(yamlString).join(", ")}]` : yamlString(value);

/** The lines that replace the config template's commented examples: linear, gitlab, override, serve. */
export function workspaceConfig(mappings: readonly NameMapping[], workspace: WorkspaceInput, source: string): string {
  const { overrides, readyStates } = overridesFor(mappings);
  const lines = [`# Mapped from ${source} by bfd init --from-linear; bfd doctor checks every name below exists.`];
  // --from-gitlab alone reads no team: the config names none rather than an empty one.
  if (workspace.team.key !== "")
    lines.push("linear:", `  team: ${yamlString(workspace.team.key)}            # ${workspace.team.name}`);
  if (workspace.project !== null) lines.push("gitlab:", `  project: ${yamlString(workspace.project)}`);
  if (overrides.length > 0) {
    lines.push("override:");
    const byRule = new Map<string, OverrideChange[]>();
    for (const o of overrides) byRule.set(o.rule, [...(byRule.get(o.rule) ?? []), o]);
    for (const [rule, changes] of byRule) {
      lines.push(`  ${rule}:`);
      const waivers = changes.filter((c) => c.option === "waiverLabels");
      const options = changes.filter((c) => c.option !== "waiverLabels");
      for (const c of waivers)
        lines.push(...c.notes.map((n) => `    # ${n}`), `    waiverLabels: ${yamlValue(c.value)}`);
      if (options.length > 0) {
        lines.push("    with:");
        for (const c of options)
          lines.push(...c.notes.map((n) => `      # ${n}`), `      ${c.option}: ${yamlValue(c.value)}`);
      }
    }
  }
  if (readyStates !== null)
    lines.push(
      "serve:",
      "  # The states an issue is ready to pick up in: bfd serve judges it with the Ready gate on entering one.",
      ...readyStates.notes.map((n) => `  # ${n}`),
      `  readyStates: ${yamlValue(readyStates.value)}`,
    );
  return `${lines.join("\n")}\n`;
}

/** What is still missing, one line each with the step that creates it. */
export function missingSteps(mappings: readonly NameMapping[]): string[] {
  return mappings
    .filter((m) => m.found === null)
    .map((m) => {
      const what = m.expected.where === "linear-state" ? "state" : "label";
      const who = [...new Set(m.expected.uses.map((u) => u.rule ?? `serve.${u.option}`))].join(", ");
      return `${what} "${m.expected.name}" (${who}): create it in ${m.place}`;
    });
}
