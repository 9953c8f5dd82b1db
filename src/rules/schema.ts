import { z } from "zod";
import type { CheckKind } from "../checks/types.js";
import { ConditionSchema, type Condition } from "../work-item/condition.js";
import { DEFAULT_STATUS_NAME } from "../work-item/own-status.js";

export const GATES = ["ready", "done"] as const;
export type Gate = (typeof GATES)[number];

export const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const RuleIdSchema = z
  .string()
  .regex(RULE_ID, { message: "rule ids are lower-case words joined by hyphens, e.g. release-notes-updated" })
  .describe("Stable id; users waive and override rules by it.");

/** The parts of the handoff note a rule's section can fill (`handoff:` on a rule). */
export const HANDOFF_ROLES = ["criteria", "tested"] as const;
export type HandoffRole = (typeof HANDOFF_ROLES)[number];

/** The fields every rule has, whatever its check kind. */
export const RuleBaseShape = {
  id: RuleIdSchema,
  title: z.string().min(1).describe("What the rule asks for, as a checklist line."),
  check: z.string().min(1).describe("Check kind (see `bfd rules explain <kind>`)."),
  with: z.record(z.string(), z.unknown()).optional().describe("Options of the check kind."),
  severity: z.enum(["error", "warning"]).default("error").describe("error fails the gate; warning is reported only."),
  when: ConditionSchema.optional().describe(
    "The rule applies only when this condition holds; otherwise it is skipped with the reason.",
  ),
  hint: z
    .string()
    .min(1)
    .optional()
    .describe("How to fix a failure. {{path}} inserts a WorkItem value, {{path|fallback}} a fallback."),
  waivable: z.boolean().default(false).describe("May be waived by `bfd-waive: <id> <reason>` or a waiver label."),
  waiverLabels: z.array(z.string().min(1)).default([]).describe("Labels (on the MR or issue) that waive this rule."),
  process: z.string().optional().describe("The sentence of the delivery process this rule enforces."),
  handoff: z
    .enum(HANDOFF_ROLES)
    .optional()
    .describe(
      "The handoff note quotes the Markdown section this rule reads: `criteria` as the acceptance criteria covered, `tested` as what was tested.",
    ),
};

export const RuleSchema = z.object(RuleBaseShape).strict();
export type RuleDefinition = z.infer<typeof RuleSchema>;

export const RuleFileSchema = z
  .object({
    gate: z.enum(GATES).describe("Which gate these rules belong to."),
    rules: z.array(RuleSchema).describe("The gate's rules, in checklist order."),
  })
  .strict();

const OverrideSchema = z
  .object({
    title: z.string().min(1).optional(),
    severity: z.enum(["error", "warning"]).optional(),
    with: z.record(z.string(), z.unknown()).optional().describe("Merged over the rule's options, key by key."),
    when: ConditionSchema.optional(),
    hint: z.string().min(1).optional(),
    waivable: z.boolean().optional(),
    waiverLabels: z.array(z.string().min(1)).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

const WeekdaySchema = z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
const TimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "write times as HH:MM (24-hour)" });

/** `serve:` in bfd.config.yaml. Secrets never live here: they come from the environment (docs/serve.md). */
export const ServeConfigSchema = z
  .object({
    readyStates: z
      .array(z.string().min(1))
      .min(1)
      .default(["Todo", "Ready"])
      .describe(
        "Linear workflow states that mean 'ready to pick up': an issue entering one is judged by the Ready gate.",
      ),
    projects: z
      .array(z.union([z.string().min(1), z.number().int().positive()]))
      .default([])
      .describe(
        "GitLab projects (group/app paths or numeric ids) whose webhooks are accepted and whose open MRs the sweep re-checks.",
      ),
    sweepMinutes: z
      .number()
      .min(0)
      .default(15)
      .describe(
        "Re-evaluate every open MR and ready-state issue this often, so a missed webhook never leaves a stale verdict; 0 turns the sweep off.",
      ),
    webhooks: z
      .object({
        linear: z.boolean().default(true).describe("Accept Linear deliveries (needs BFD_LINEAR_WEBHOOK_SECRET)."),
        gitlab: z.boolean().default(true).describe("Accept GitLab deliveries (needs BFD_GITLAB_WEBHOOK_TOKEN)."),
      })
      .strict()
      .default({ linear: true, gitlab: true }),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(4)
      .describe("Jobs run at once (per replica): reading Linear and GitLab, evaluating, publishing."),
    workers: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .describe(
        "Worker threads that run the gates' evaluations, off the thread that answers webhooks (per replica; at most concurrency). Default: the cores available minus one, at least one.",
      ),
    outputs: z
      .object({
        commitStatus: z.boolean().default(true).describe("A commit status on the MR's head commit."),
        mergeRequestNote: z.boolean().default(true).describe("One bfd note on the MR, updated in place."),
        statusCheck: z.boolean().default(false).describe("Answer GitLab external status checks (Ultimate)."),
        linearComment: z
          .boolean()
          .default(true)
          .describe("One bfd comment on the Linear issue (the Ready verdict), updated in place."),
      })
      .strict()
      .default({ commitStatus: true, mergeRequestNote: true, statusCheck: false, linearComment: true }),
    statusName: z
      .string()
      .min(1)
      .max(255)
      .default(DEFAULT_STATUS_NAME)
      .describe("Name of the commit status bfd publishes (the pipeline rule never judges it)."),
    board: z
      .boolean()
      .default(false)
      .describe(
        "Serve the delivery board at /board. It has no authentication of its own and shows issue titles, assignees and failing rules: turn it on only where the network or the ingress limits who can reach it.",
      ),
    lockSeconds: z
      .number()
      .int()
      .min(5)
      .max(600)
      .default(30)
      .describe(
        "Redis mode: how long a replica holds an MR or issue while it evaluates; a crashed replica's work is taken over after this.",
      ),
  })
  .strict();
export type ServeConfig = z.infer<typeof ServeConfigSchema>;

/** The release calendar and the staging label of `bfd staging`, `bfd board` and `bfd serve`'s board. */
const StagingConfigSchema = z
  .object({
    label: z
      .string()
      .min(1)
      .optional()
      .describe("The label that records a passed staging validation; default: the staging-validated rule's."),
    environment: z
      .string()
      .min(1)
      .optional()
      .describe(
        "The GitLab environment whose successful deployments put a merge request in staging; default: the staging-validated rule's.",
      ),
    deployBranch: z.string().min(1).optional().describe("Default: the project's default branch."),
    timeZone: z.string().min(1).default("UTC").describe("IANA time zone of the release calendar, e.g. Europe/Berlin."),
    cutoff: z
      .object({ weekday: WeekdaySchema, time: TimeSchema })
      .strict()
      .default({ weekday: "thursday", time: "12:00" }),
    release: z
      .object({ weekday: WeekdaySchema, time: TimeSchema })
      .strict()
      .default({ weekday: "tuesday", time: "10:00" }),
  })
  .strict();

/** GitLab usernames, with or without the leading "@" (users only: group membership is not resolved). */
const UsernameSchema = z
  .string()
  .regex(/^@?[A-Za-z0-9_.][A-Za-z0-9_.-]*$/, "a GitLab username, e.g. jane.reviewer or @jane.reviewer")
  .transform((name) => name.replace(/^@/, ""));

/** Who may waive a waivable rule (#23). Like every rule setting, in CI it is read from the MR's target branch. */
const WaiverPolicySchema = z
  .object({
    allowAuthor: z
      .boolean()
      .default(false)
      .describe(
        "Let the MR's author waive on their own (reported as self-waived). Default false: someone other than the author must stand behind a waiver — a waiver label they added, a bfd-waive comment they wrote, or their approval of the MR.",
      ),
    by: z
      .array(UsernameSchema)
      .optional()
      .describe(
        "GitLab usernames whose waivers count; anyone else's is reported as not authorised. Users only (groups are not resolved). Default: anyone but the author.",
      ),
  })
  .strict();
export type WaiverPolicy = z.infer<typeof WaiverPolicySchema>;

/** `evidence:` in bfd.config.yaml: what the team's own text holds that is no evidence, for every rule (#22). */
export const EvidenceConfigSchema = z
  .object({
    placeholders: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "More words that stand for 'nothing yet' in this team's language (e.g. 'à définir'), on top of bfd's own (TBD, TBA, WIP, TODO, N/A, 'to be defined', lorem ipsum, …). Compared as bfd compares the built-in ones: case, width, accents as written, invisible characters and dashes folded; a whole line, or the word followed by ':', '-' or '(' and what is to come.",
      ),
    issueTemplates: z
      .array(
        z.union([
          z.string().min(1).describe("The template's Markdown, inline."),
          z.object({ file: z.string().min(1).describe("A Markdown file, relative to this config file.") }).strict(),
        ]),
      )
      .default([])
      .describe(
        "The team's Linear issue templates, as Markdown inline or { file: path } relative to this config file: text any of them already holds (guidance, labels, example criteria, unticked options) is no evidence in every rule reading the issue description that sets no `template:` of its own.",
      ),
  })
  .strict();
export type EvidenceConfig = z.infer<typeof EvidenceConfigSchema>;

/** `bfd.config.yaml`: a team's customisation of the built-in rules, plus where its work lives. */
export const ConfigSchema = z
  .object({
    extends: z
      .enum(["builtin", "none"])
      .default("builtin")
      .describe("Start from bfd's built-in rules (default) or from nothing."),
    ruleFiles: z.array(z.string().min(1)).default([]).describe("More rule files, relative to this config file."),
    rules: z
      .array(RuleSchema.extend({ gate: z.enum(GATES) }))
      .default([])
      .describe("Extra rules; each names its gate."),
    override: z
      .record(RuleIdSchema, OverrideSchema)
      .default({})
      .describe("Change a rule by id: options, severity, hint, waivers, or disable it."),
    disable: z.array(RuleIdSchema).default([]).describe("Rule ids to turn off."),
    gitlab: z
      .object({
        project: z.string().min(1).optional().describe("Project path (group/app) or numeric id."),
      })
      .strict()
      .optional(),
    linear: z
      .object({
        team: z.string().min(1).optional().describe("Default team key for `bfd audit`."),
      })
      .strict()
      .optional(),
    staging: StagingConfigSchema.optional(),
    serve: ServeConfigSchema.optional(),
    waivers: WaiverPolicySchema.optional().describe(
      "Who may waive a waivable rule; default: anyone but the MR's author.",
    ),
    evidence: EvidenceConfigSchema.optional().describe(
      "What counts as no evidence beyond bfd's built-in placeholders: the team's own placeholder words and its Linear issue templates.",
    ),
  })
  .strict();
export type Config = z.infer<typeof ConfigSchema>;

/** The waiver policy as it applies: the team's, else the default (someone other than the author). */
export function waiverPolicy(config: Config): WaiverPolicy {
  return config.waivers ?? WaiverPolicySchema.parse({});
}

/** The staging section as it applies: the team's values over the defaults, which are written once, above. */
export function stagingConfig(config: Config): z.infer<typeof StagingConfigSchema> {
  return config.staging ?? StagingConfigSchema.parse({});
}

/** A rule ready to evaluate: options parsed by its kind, location known for reports. */
export interface LoadedRule {
  gate: Gate;
  id: string;
  title: string;
  kind: CheckKind;
  options: unknown;
  severity: "error" | "warning";
  when: Condition | undefined;
  hint: string;
  waivable: boolean;
  waiverLabels: string[];
  process: string | undefined;
  /** Which part of the handoff note quotes the section this rule reads, if any. */
  handoff: HandoffRole | undefined;
  /** Where the rule is defined (built-in file or the team's), for Code Quality locations and `rules list`. */
  location: SourceLocation;
}

export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** JSON Schema for editors: a rule's `with:` is typed by its `check:` kind. */
export function ruleFileJsonSchema(kinds: Record<string, CheckKind>): unknown {
  const ruleVariants = Object.values(kinds).map((kind) =>
    z
      .object({
        ...RuleBaseShape,
        check: z.literal(kind.id).describe(kind.description),
        with: (kind.options as z.ZodType).optional(),
      })
      .strict(),
  );
  const rule = z.union(ruleVariants as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const file = z.object({ gate: z.enum(GATES), rules: z.array(rule) }).strict();
  return z.toJSONSchema(file, { io: "input", unrepresentable: "any" });
}

export function configJsonSchema(): unknown {
  return z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" });
}
