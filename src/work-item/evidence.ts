import type { NameIntroducer } from "./introduced-names.js";
import type { EvidenceKey } from "./schema.js";

/**
 * What a rule needs gathered, as data derived from its options: a part of the WorkItem (`mergeRequest.changes`),
 * or the content at the MR's head of the changed files matching some globs. Check kinds declare these
 * (`CheckKind.needs`), `when:` conditions imply them, the engine collects them for the rules in force
 * (src/engine/plan.ts), and the gatherer (src/sources/gather.ts) fetches exactly that — nothing in between names a
 * check kind.
 */
export type EvidenceNeed =
  | EvidenceKey
  | { readonly files: readonly string[] }
  | { readonly staging: { readonly environment: string; readonly label: string } }
  /**
   * Names the MR's added lines introduce, each needing a record among `records` (globs): the added lines of the files
   * the introducers read (from the diffs already listed), and — only for a name the MR does not record itself — the
   * records already at the MR's head.
   */
  | {
      readonly introducedNames: {
        readonly introducers: readonly NameIntroducer[];
        readonly records: readonly string[];
      };
    };

/** The union of the needs of the rules in force: what one gate run must gather. */
export interface EvidencePlan {
  issue: boolean;
  /** The keys of the workspace's teams (one Linear request, cached for the run). */
  teamKeys: boolean;
  mergeRequest: boolean;
  /** Every changed file of the MR. */
  changes: boolean;
  /** The MR's pipeline as more than GitLab's summary: in CI, the jobs of the pipeline bfd runs in. */
  pipeline: boolean;
  /** Globs of changed files whose content at the MR's head rules read (empty: none). */
  fileGlobs: string[];
  /** The environment whose deployments, and the label whose history, a staging rule reads (null: none). */
  staging: { environment: string; label: string } | null;
  /** Who did what on the MR (label events, notes, approvals): a rule in force may be waived, so who waived matters. */
  activity?: boolean;
  /** The project's MR description templates: a rule reads the MR description, where what they hold is no evidence. */
  templates?: boolean;
  /** Names the MR introduces and where their records live (see EvidenceNeed); empty: no rule reads them. */
  introducedNames?: { introducers: NameIntroducer[]; records: string[] }[];
}

export const EMPTY_PLAN: EvidencePlan = {
  issue: false,
  teamKeys: false,
  mergeRequest: false,
  changes: false,
  pipeline: false,
  fileGlobs: [],
  staging: null,
};

/** The WorkItem parts a need reads, for "could not read X" and "no merge request" outcomes. */
export function keysOf(need: EvidenceNeed): EvidenceKey[] {
  if (typeof need !== "string") {
    if ("introducedNames" in need) return ["mergeRequest", "mergeRequest.changes", "mergeRequest.existingFiles"];
    return "files" in need
      ? ["mergeRequest", "mergeRequest.changes", "mergeRequest.files"]
      : ["mergeRequest", "mergeRequest.staging"];
  }
  if (need.startsWith("mergeRequest.")) return ["mergeRequest", need];
  if (need.startsWith("issue.")) return ["issue", need];
  return [need];
}

export function planFrom(needs: Iterable<EvidenceNeed>): EvidencePlan {
  const plan: EvidencePlan = { ...EMPTY_PLAN, fileGlobs: [] };
  for (const need of needs) {
    for (const key of keysOf(need)) {
      if (key === "issue") plan.issue = true;
      if (key === "issue.workspaceTeamKeys") plan.teamKeys = true;
      if (key.startsWith("mergeRequest")) plan.mergeRequest = true;
      if (key === "mergeRequest.changes" || key === "mergeRequest.files" || key === "mergeRequest.existingFiles")
        plan.changes = true;
      if (key === "mergeRequest.headPipeline") plan.pipeline = true;
      if (key === "mergeRequest.templates") plan.templates = true;
    }
    if (typeof need === "string") continue;
    if ("introducedNames" in need) {
      plan.introducedNames = [
        ...(plan.introducedNames ?? []),
        {
          introducers: need.introducedNames.introducers.map((i) => ({ files: [...i.files], pattern: i.pattern })),
          records: [...need.introducedNames.records],
        },
      ];
    } else if ("files" in need) {
      for (const glob of need.files) if (!plan.fileGlobs.includes(glob)) plan.fileGlobs.push(glob);
    } else {
      // One staging environment per gate: the first rule that asks decides (two staging rules would disagree anyway).
      plan.staging ??= { environment: need.staging.environment, label: need.staging.label };
    }
  }
  return plan;
}
