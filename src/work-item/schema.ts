import { z } from "zod";
import { DEFAULT_STATUS_NAME } from "./own-status.js";

/**
 * The WorkItem is everything a rule may look at, as plain serialisable data.
 *
 * Sources (Linear, GitLab, a snapshot file) fill it; checks read only it. Because it also carries `now`
 * and the current git `branch`, a snapshot replays a run exactly: no check touches the clock, the
 * network or the environment.
 */
export const WORK_ITEM_SCHEMA_VERSION = 3 as const;

export { DEFAULT_STATUS_NAME };

const WorkflowStateSchema = z
  .object({
    name: z.string().describe("State name as shown in Linear, e.g. 'In Review'."),
    type: z
      .string()
      .describe("Linear state type: triage, backlog, unstarted, started, completed, canceled or duplicate."),
  })
  .strict();

const PersonSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable().default(null),
  })
  .strict();

const IssueRefSchema = z
  .object({
    identifier: z.string(),
    title: z.string().default(""),
    url: z.string().nullable().default(null),
    state: WorkflowStateSchema.nullable().default(null),
  })
  .strict();

const DocumentSchema = z
  .object({
    title: z.string(),
    url: z.string().nullable().default(null),
    content: z.string().default(""),
  })
  .strict();

const LinkSchema = z
  .object({
    label: z.string().default(""),
    url: z.string(),
  })
  .strict();

const ProjectSchema = z
  .object({
    id: z.string().default(""),
    name: z.string(),
    url: z.string().nullable().default(null),
    description: z.string().default("").describe("Linear's short project summary."),
    content: z.string().default("").describe("The project's long Markdown body: the specification text."),
    documents: z.array(DocumentSchema).default([]),
    links: z.array(LinkSchema).default([]).describe("The project's external links (resources)."),
  })
  .strict();

/**
 * An instant as ISO 8601 with a date, a time and an offset (`2026-12-07T16:46:00Z`, `…+02:00`), as Linear and GitLab
 * write them and bfd snapshot keeps them. Anything else (a date alone, "yesterday", a local time without an offset)
 * would be judged as some other moment, or not at all: a snapshot with one is an input error, not a run (#22).
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
function isIsoInstant(value: string): boolean {
  if (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) return false;
  // Date.parse rolls 2026-02-30 over to March: the day must exist in its month.
  const [year, month, day] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const IsoInstantSchema = z.string().refine(isIsoInstant, {
  message: "not an ISO 8601 time with an offset (write e.g. 2026-12-07T16:46:00Z)",
});

const AttachmentSchema = z
  .object({
    url: z.string(),
    title: z.string().default(""),
    subtitle: z.string().nullable().default(null),
    sourceType: z.string().nullable().default(null),
    createdAt: IsoInstantSchema.nullable().default(null),
  })
  .strict();

export const IssueSchema = z
  .object({
    id: z.string().default(""),
    identifier: z.string().describe("Issue key, e.g. ENG-123."),
    previousIdentifiers: z
      .array(z.string())
      .default([])
      .describe(
        "Keys the issue had before it moved to another team (Linear's previousIdentifiers): branches, titles and closing words that name one still name this issue.",
      ),
    title: z.string(),
    url: z.string(),
    description: z.string().default("").describe("Markdown description."),
    branchName: z.string().default("").describe("Linear's suggested git branch name."),
    state: WorkflowStateSchema,
    assignee: PersonSchema.nullable().default(null),
    labels: z.array(z.string()).default([]),
    teamKey: z.string(),
    workspaceTeamKeys: z
      .array(z.string())
      .nullable()
      .default(null)
      .describe(
        "The keys of every team in the issue's Linear workspace the API key can see, read when a rule needs to tell issue keys from key-like words (UTF-8, ISO-8601); null when not read.",
      ),
    estimate: z.number().nullable().default(null),
    project: ProjectSchema.nullable().default(null),
    parent: IssueRefSchema.nullable().default(null),
    children: z.array(IssueRefSchema).default([]),
    blockedBy: z.array(IssueRefSchema).default([]).describe("Issues that block this one (inverse 'blocks')."),
    blocking: z.array(IssueRefSchema).default([]).describe("Issues this one blocks."),
    related: z.array(IssueRefSchema).default([]).describe("Related, duplicate and similar issues."),
    attachments: z.array(AttachmentSchema).default([]),
  })
  .strict();

const AddedLineSchema = z
  .object({
    line: z.number().int().describe("Line number at the MR's head."),
    text: z.string().describe("The line as added, cut to its first 1,000 characters."),
  })
  .strict();

const ChangedFileSchema = z
  .object({
    oldPath: z.string(),
    newPath: z.string(),
    newFile: z.boolean().default(false),
    deletedFile: z.boolean().default(false),
    renamedFile: z.boolean().default(false),
    renamedOnly: z
      .boolean()
      .optional()
      .describe("Moved without a change to its content: a pure rename updates nothing (#22)."),
    addedLines: z
      .array(AddedLineSchema)
      .optional()
      .describe(
        "The lines the MR adds to this file (its diff's `+` lines, at most 5,000), read from the diffs bfd already lists when a rule reads added lines (a flag the MR introduces); absent when none did.",
      ),
  })
  .strict();

const FileContentSchema = z
  .object({
    path: z.string(),
    content: z.string(),
  })
  .strict();

const JobSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    stage: z.string().default(""),
    status: z
      .string()
      .describe("GitLab job status: success, failed, running, pending, created, manual, skipped, canceled, …"),
    allowFailure: z.boolean().default(false),
    url: z.string().nullable().default(null),
    trigger: z
      .boolean()
      .default(false)
      .describe(
        "A trigger job (GitLab's bridge, `trigger:`): it starts a child or multi-project pipeline and, with `strategy: depend`, takes on that pipeline's status.",
      ),
    downstreamPipeline: z
      .object({
        id: z.number(),
        status: z.string(),
        url: z.string().nullable().default(null),
      })
      .strict()
      .nullable()
      .default(null)
      .describe("For a trigger job, the pipeline it started; null before it starts one, and for other jobs."),
    description: z
      .string()
      .nullable()
      .default(null)
      .describe(
        "A commit status's description (statuses read from the commit only; CI jobs have none). bfd's own status is known by the marker `bfd serve` writes at its start.",
      ),
  })
  .strict();

const PipelineSchema = z
  .object({
    id: z.number().nullable().default(null),
    status: z
      .string()
      .describe("GitLab pipeline status: success, failed, running, pending, canceled, skipped, manual, …"),
    url: z.string().nullable().default(null),
    sha: z.string().nullable().default(null).describe("The commit the pipeline ran on."),
    kind: z
      .enum(["detached", "merged_result", "merge_train"])
      .nullable()
      .default(null)
      .describe(
        "What GitLab ran it on (CI_MERGE_REQUEST_EVENT_TYPE; outside CI its ref): the MR's own commits (detached), GitLab's merge of them into the target branch (merged_result: refs/merge-requests/:iid/merge) or a merge train's (merge_train: a ref ending in /train). Null: not said.",
      ),
    parents: z
      .array(z.string())
      .nullable()
      .default(null)
      .describe(
        "The parents of the commit it ran on, read only when that commit is a merge GitLab made (merged-results and merge-train pipelines): the MR's head is one of them when the pipeline tested it. Null: not read.",
      ),
    projectId: z
      .number()
      .nullable()
      .default(null)
      .describe("The project that ran it: a fork's, for a fork MR's pipeline run in the fork. Null: not said."),
    jobs: z
      .array(JobSchema)
      .nullable()
      .default(null)
      .describe(
        "What the pipeline is made of: in CI, the jobs of the pipeline bfd runs in (latest attempt of each), its trigger jobs and the external statuses set on it; outside CI, when its status is not green, the statuses on its commit (jobs and external statuses alike), and when it is green, its jobs and trigger jobs; null otherwise.",
      ),
    triggers: z
      .array(JobSchema)
      .nullable()
      .default(null)
      .describe(
        "Outside CI, for a green pipeline, in snapshots from bfd versions that read only its trigger jobs (whose downstream pipelines decide: a trigger job without `strategy: depend` is `success` once its child pipeline is created); bfd now reads all its jobs into `jobs`. Null when not read.",
      ),
  })
  .strict();

const StagingSchema = z
  .object({
    environment: z.string().describe("The GitLab environment read, e.g. staging."),
    label: z.string().describe("The label that records a passed staging validation."),
    deployedAt: IsoInstantSchema.nullable()
      .default(null)
      .describe("When the latest successful deployment that lists the MR finished; null: not deployed yet."),
    deploymentId: z.number().nullable().default(null),
    labelAddedAt: IsoInstantSchema.nullable()
      .default(null)
      .describe("When the label was last added (and not removed since); null: not labelled, or no record of when."),
  })
  .strict();

/** A GitLab user as the API names them: `username` (the @handle, stable) and the display `name`. */
const GitLabUserSchema = z
  .object({
    username: z.string(),
    name: z.string().default(""),
  })
  .strict();

/**
 * Who did what on the merge request, for judging who stands behind a waiver (#23): label events (who added a waiver
 * label, when), people's comments (system notes and bfd's own note left out) and who approved it.
 */
const ActivitySchema = z
  .object({
    labelEvents: z
      .array(
        z
          .object({
            label: z.string(),
            action: z.enum(["add", "remove"]),
            at: z.string(),
            by: GitLabUserSchema.nullable().default(null),
          })
          .strict(),
      )
      .default([])
      .describe("Every label added to or removed from the MR, oldest first (GitLab's resource label events)."),
    notes: z
      .array(z.object({ body: z.string(), at: z.string(), by: GitLabUserSchema }).strict())
      .default([])
      .describe("People's comments on the MR, oldest first: no system notes, no note of bfd's own."),
    approvals: z
      .array(
        z
          .object({
            by: GitLabUserSchema,
            at: z.string().nullable().default(null).describe("When; null where GitLab does not say (before 17.x)."),
          })
          .strict(),
      )
      .default([])
      .describe("Who approves the MR now (GitLab's approvals API, any tier)."),
  })
  .strict();

export const MergeRequestSchema = z
  .object({
    iid: z.number().int(),
    projectPath: z.string().describe("Full path of the project, e.g. group/app."),
    url: z.string(),
    title: z.string(),
    description: z.string().default(""),
    state: z.string().describe("opened, closed, merged or locked."),
    draft: z.boolean().default(false),
    labels: z.array(z.string()).default([]),
    author: z.string().nullable().default(null).describe("Author's username."),
    authorName: z.string().nullable().default(null).describe("Author's display name."),
    sourceBranch: z.string(),
    targetBranch: z.string(),
    mergedAt: IsoInstantSchema.nullable().default(null),
    headSha: z.string().nullable().default(null),
    headPipeline: PipelineSchema.nullable()
      .default(null)
      .describe("GitLab's head pipeline of the MR; in `bfd ci`, the pipeline bfd runs in, with its jobs."),
    changes: z.array(ChangedFileSchema).default([]).describe("Every file the MR changes."),
    files: z
      .array(FileContentSchema)
      .default([])
      .describe(
        "Content, at the MR's head, of the changed files that rules asked to read (e.g. feature-flag records).",
      ),
    existingFiles: z
      .array(z.string())
      .nullable()
      .default(null)
      .describe(
        "Records at the MR's head for names the MR introduces without recording them itself (a feature flag already in the repository): the paths found, when a rule had to look; null: not looked up.",
      ),
    staging: StagingSchema.nullable()
      .default(null)
      .describe("Where the merged MR stands in its staging environment; null when no rule asked."),
    activity: ActivitySchema.nullable()
      .default(null)
      .describe("Label events, comments and approvals, read when a rule in force may be waived; null: not read."),
    templates: z
      .array(z.object({ name: z.string(), content: z.string() }).strict())
      .default([])
      .describe(
        "The project's merge request description templates (`.gitlab/merge_request_templates/*.md`, and its groups'), read when a rule reads the MR description: what they hold is no evidence.",
      ),
  })
  .strict();

/** Evidence a source tried and failed to read: checks that need it report `error`, never `pass`. */
const UnavailableSchema = z
  .object({
    evidence: z
      .enum([
        "issue",
        "issue.workspaceTeamKeys",
        "mergeRequest",
        "mergeRequest.changes",
        "mergeRequest.headPipeline",
        "mergeRequest.files",
        "mergeRequest.existingFiles",
        "mergeRequest.staging",
        "mergeRequest.activity",
        "mergeRequest.templates",
      ])
      .describe("Which part of the WorkItem could not be read."),
    reason: z.string(),
  })
  .strict();

export const WorkItemSchema = z
  .object({
    schemaVersion: z.literal(WORK_ITEM_SCHEMA_VERSION),
    now: IsoInstantSchema.describe("ISO 8601 instant the evidence was gathered."),
    branch: z.string().nullable().default(null).describe("Current git branch (or the MR source branch in CI)."),
    viewer: PersonSchema.nullable().default(null).describe("Who runs bfd (the Linear API key's user)."),
    issue: IssueSchema.nullable().default(null),
    mergeRequest: MergeRequestSchema.nullable().default(null),
    unavailable: z.array(UnavailableSchema).default([]),
    otherMergeRequests: z
      .array(
        z.object({ mergeRequest: MergeRequestSchema, unavailable: z.array(UnavailableSchema).default([]) }).strict(),
      )
      .default([])
      .describe(
        "When the issue has several open merge requests (attached in Linear, or from its branches) and none was named: the ones after `mergeRequest`, each judged as it is, with the evidence that could not be read of it (`unavailable` holds `mergeRequest`'s). Empty otherwise.",
      ),
    context: z
      .object({
        issueFrom: z
          .enum(["reference", "branch", "mergeRequest"])
          .nullable()
          .default(null)
          .describe(
            "How the issue was found: named by the person (a key or URL), from the current git branch, or from the merge request (CI). A rule may judge a named issue on its own, whatever branch is checked out. Null: not recorded (older snapshots), judged as found from the branch.",
          ),
        mergeRequestLookup: z
          .string()
          .nullable()
          .default(null)
          .describe("How the merge request was looked for, said when none was found."),
        mergeRequestsIgnored: z
          .array(z.string())
          .default([])
          .describe(
            "Merge requests attached to the issue in Linear that the lookup passed over, each with why (e.g. `acme/web!12 closed without merging`): Linear keeps closed ones attached.",
          ),
        ruleFilesChangedByMergeRequest: z.array(z.string()).default([]),
        ownStatuses: z
          .array(z.string())
          .default([DEFAULT_STATUS_NAME])
          .describe(
            "Names of the commit statuses bfd itself publishes: `bfd serve`'s `serve.statusName` when it gathers, else the built-in name. Informative only: bfd's own status is known by the marker in its description, never by a name anyone can give a job.",
          ),
        ci: z
          .object({
            jobId: z.number().nullable().default(null).describe("CI_JOB_ID: bfd's own job, never judged."),
            pipelineId: z.number().nullable().default(null).describe("CI_PIPELINE_ID: the pipeline bfd runs in."),
          })
          .strict()
          .nullable()
          .default(null)
          .describe("Set when the evidence was gathered by `bfd ci` inside a GitLab merge-request pipeline."),
      })
      .strict()
      .default({
        issueFrom: null,
        mergeRequestLookup: null,
        mergeRequestsIgnored: [],
        ruleFilesChangedByMergeRequest: [],
        ownStatuses: [DEFAULT_STATUS_NAME],
        ci: null,
      }),
  })
  .strict();

export type WorkItem = z.infer<typeof WorkItemSchema>;
export type WorkItemInput = z.input<typeof WorkItemSchema>;
export type Issue = z.infer<typeof IssueSchema>;
export type IssueRef = z.infer<typeof IssueRefSchema>;
export type MergeRequest = z.infer<typeof MergeRequestSchema>;
export type ChangedFile = z.infer<typeof ChangedFileSchema>;
export type Project = z.infer<typeof ProjectSchema>;
export type Person = z.infer<typeof PersonSchema>;
export type EvidenceKey = z.infer<typeof UnavailableSchema>["evidence"];
export type Pipeline = z.infer<typeof PipelineSchema>;
export type PipelineJob = z.infer<typeof JobSchema>;
export type FileContent = z.infer<typeof FileContentSchema>;
export type AddedLine = z.infer<typeof AddedLineSchema>;
export type Unavailable = z.infer<typeof UnavailableSchema>;
export type Staging = z.infer<typeof StagingSchema>;
export type GitLabUser = z.infer<typeof GitLabUserSchema>;
export type MergeRequestActivity = z.infer<typeof ActivitySchema>;

/** Fills defaults, so sources can build a WorkItem from partial data and get the same shape a snapshot has. */
export function makeWorkItem(input: Omit<WorkItemInput, "schemaVersion">): WorkItem {
  return WorkItemSchema.parse({ ...input, schemaVersion: WORK_ITEM_SCHEMA_VERSION });
}

/**
 * An older snapshot as the current version. Version 1 (bfd 0.1) named the feature-flag record contents
 * `mergeRequest.flagRecords`; they became the generic `mergeRequest.files` in version 2. Version 3 added who did what
 * on the MR (`mergeRequest.activity`, `mergeRequest.authorName`): an older snapshot never recorded it, so it comes
 * back as not read (null) and a waiver in it has no one known to stand behind it. Anything that is not a v1 or v2
 * object is returned as is.
 */
export function upgradeSnapshot(raw: Record<string, unknown>): Record<string, unknown> {
  const version = raw["schemaVersion"];
  if (version !== 1 && version !== 2) return raw;
  const upgraded: Record<string, unknown> = { ...raw, schemaVersion: WORK_ITEM_SCHEMA_VERSION };
  if (version === 2) return upgraded;
  const mr = raw["mergeRequest"];
  if (mr !== null && typeof mr === "object" && !Array.isArray(mr)) {
    const { flagRecords, ...rest } = mr as Record<string, unknown>;
    upgraded["mergeRequest"] = flagRecords === undefined ? rest : { ...rest, files: flagRecords };
  }
  if (Array.isArray(raw["unavailable"])) {
    upgraded["unavailable"] = raw["unavailable"].map((gap: unknown) =>
      gap !== null &&
      typeof gap === "object" &&
      (gap as Record<string, unknown>)["evidence"] === "mergeRequest.flagRecords"
        ? { ...gap, evidence: "mergeRequest.files" }
        : gap,
    );
  }
  return upgraded;
}
