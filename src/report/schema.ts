import { z } from "zod";

/**
 * The JSON report: a stable contract (`--format json`, the CI reports, the handoff note). Fields are only
 * ever added, never renamed; `schemaVersion` changes if that promise is ever broken.
 */
export const REPORT_SCHEMA_VERSION = 1 as const;

export const RuleStatusSchema = z.enum(["pass", "fail", "waived", "skipped", "error"]);
export type RuleStatus = z.infer<typeof RuleStatusSchema>;

export const WaiverSchema = z
  .object({
    reason: z.string(),
    source: z
      .string()
      .describe(
        "Where the waiver came from: 'label no-docs', 'issue label no-docs', 'issue description', 'merge request description', 'merge request comment'.",
      ),
    standing: z
      .enum(["accepted", "self-waived", "requested", "not-authorised"])
      .describe(
        "accepted or self-waived: the rule is waived. requested (no one but the author stands behind it) or not-authorised (waivers.by does not name who did): the rule fails as if unwaived.",
      ),
    by: z
      .object({ username: z.string(), name: z.string() })
      .strict()
      .nullable()
      .describe("Who stands behind it (accepted, self-waived), or who asked or tried; null when bfd cannot tell."),
    at: z.string().nullable().describe("When they did (ISO 8601), where GitLab says."),
    approval: z.boolean().describe("Accepted by approving the merge request (the request itself was the author's)."),
    accept: z.string().nullable().describe("For a waiver that does not count: how to get it accepted."),
  })
  .strict();
export type Waiver = z.infer<typeof WaiverSchema>;

const MergeRequestRefSchema = z.object({ iid: z.number().int(), project: z.string(), url: z.string() }).strict();

export const RuleResultSchema = z
  .object({
    rule: z.string(),
    title: z.string(),
    severity: z.enum(["error", "warning"]),
    status: RuleStatusSchema,
    message: z.string(),
    hint: z.string().nullable().describe("How to fix it; null when the rule passed or was skipped."),
    evidence: z.array(z.string()),
    waiver: WaiverSchema.nullable().describe(
      "The rule's waiver: one that counts (status waived), or one that was asked for and does not (status fail or error).",
    ),
    location: z.object({ path: z.string(), line: z.number().int() }).strict().describe("Where the rule is defined."),
    blockedBy: z
      .enum(["issue", "mergeRequest"])
      .optional()
      .describe(
        "Set when the rule could not be judged because there is no Linear issue or no merge request (yet): the fix is to name or open it, not to fix the rule.",
      ),
    mergeRequest: z
      .string()
      .optional()
      .describe(
        "Set when several merge requests were judged (`mergeRequests`) and this result is one of them's, e.g. `group/app!12`: each rule that reads a merge request appears once per merge request.",
      ),
  })
  .strict();
export type RuleResult = z.infer<typeof RuleResultSchema>;

export const ReportSchema = z
  .object({
    schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
    gate: z.enum(["ready", "done"]),
    verdict: z.enum(["pass", "fail"]),
    issue: z.object({ identifier: z.string(), title: z.string(), url: z.string() }).strict().nullable(),
    mergeRequest: MergeRequestRefSchema.nullable().describe(
      "The merge request judged; when several were, the first of `mergeRequests`.",
    ),
    mergeRequests: z
      .array(MergeRequestRefSchema)
      .optional()
      .describe(
        "Set when the issue has several open merge requests and none was named: every one judged. The verdict is the worst of theirs; each result of a rule that reads a merge request names its own (`results[].mergeRequest`).",
      ),
    summary: z
      .object({
        passed: z.number().int(),
        failed: z.number().int(),
        warnings: z.number().int(),
        waived: z.number().int(),
        skipped: z.number().int(),
        errored: z.number().int(),
      })
      .strict(),
    results: z.array(RuleResultSchema),
    notices: z
      .array(z.string())
      .describe(
        "Things the reader should know that are not rule results (ignored waivers, rule files changed by the MR).",
      ),
  })
  .strict();
export type Report = z.infer<typeof ReportSchema>;

export function reportJsonSchema(): unknown {
  return z.toJSONSchema(ReportSchema, { io: "output" });
}
