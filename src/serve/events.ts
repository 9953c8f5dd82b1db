/**
 * Webhook payload → job, pure: which evaluation a verified delivery asks for, or why it asks for none. Payloads are
 * read with loose schemas (only the fields bfd uses; vendors add fields all the time).
 */
import { z } from "zod";
import { branchJob, issueJob, mergeRequestJob, type Job } from "./job.js";

export type Mapped =
  { jobs: Job[]; statusCheck?: { project: string; checkId: number } } | { ignored: string } | { invalid: string };

/**
 * Linear's webhook body (linear.app/developers/webhooks, "Data change events"): `action` create|update|remove,
 * `type` (Issue, Comment, IssueLabel, …), `data` the entity after the change, `updatedFrom` the previous values.
 */
const LinearPayload = z.looseObject({
  action: z.string(),
  type: z.string(),
  data: z.looseObject({ id: z.string().min(1) }),
});

export function mapLinearDelivery(payload: unknown, deliveryId: string | null): Mapped {
  const parsed = LinearPayload.safeParse(payload);
  if (!parsed.success) return { invalid: "not a Linear data change event (action, type and data.id are required)" };
  const { action, type, data } = parsed.data;
  if (type !== "Issue") return { ignored: `Linear ${type} events are not judged` };
  if (action !== "create" && action !== "update") return { ignored: `Linear Issue ${action} is not judged` };
  return { jobs: [issueJob(data.id, `Linear Issue ${action}`, deliveryId, true)] };
}

const Project = z.looseObject({ id: z.number().int(), path_with_namespace: z.string().min(1) });

/** doc/user/project/integrations/webhook_events.md "Merge request events" (label changes arrive as `update`). */
const MergeRequestEvent = z.looseObject({
  object_kind: z.literal("merge_request"),
  project: Project,
  object_attributes: z.looseObject({
    iid: z.number().int().positive(),
    state: z.string().optional(),
    action: z.string().optional(),
  }),
});

/** doc/user/project/integrations/webhook_events.md "Pipeline events": `merge_request` is null for branch pipelines. */
const PipelineEvent = z.looseObject({
  object_kind: z.literal("pipeline"),
  project: Project,
  object_attributes: z.looseObject({ id: z.number().int(), ref: z.string().nullable().optional() }),
  merge_request: z.looseObject({ iid: z.number().int().positive() }).nullable().optional(),
});

/** Projects the service accepts: paths (any case) or numeric ids from serve.projects; none listed accepts any. */
export function projectAccepted(accepted: readonly (string | number)[], id: number, path: string): boolean {
  if (accepted.length === 0) return true;
  return accepted.some((p) =>
    typeof p === "number" ? p === id : p === String(id) || p.toLowerCase() === path.toLowerCase(),
  );
}

export function mapGitLabDelivery(
  event: string | null,
  payload: unknown,
  deliveryId: string | null,
  options: { projects: readonly (string | number)[]; statusName: string },
): Mapped {
  if (event === "Merge Request Hook") {
    const parsed = MergeRequestEvent.safeParse(payload);
    if (!parsed.success)
      return { invalid: "not a GitLab merge request event (project and object_attributes.iid are required)" };
    const { project, object_attributes: mr } = parsed.data;
    if (!projectAccepted(options.projects, project.id, project.path_with_namespace))
      return { ignored: `project ${project.path_with_namespace} is not in serve.projects` };
    if (mr.state !== undefined && mr.state !== "opened") return { ignored: `!${mr.iid} is ${mr.state}` };
    const action = mr.action === undefined ? "" : ` (${mr.action})`;
    return {
      jobs: [mergeRequestJob(project.path_with_namespace, mr.iid, `GitLab Merge Request Hook${action}`, deliveryId)],
    };
  }
  if (event === "Pipeline Hook") {
    const parsed = PipelineEvent.safeParse(payload);
    if (!parsed.success) return { invalid: "not a GitLab pipeline event (project and object_attributes are required)" };
    const { project, object_attributes: pipeline, merge_request: mr } = parsed.data;
    if (!projectAccepted(options.projects, project.id, project.path_with_namespace))
      return { ignored: `project ${project.path_with_namespace} is not in serve.projects` };
    // No pipeline is ignored for the names of its jobs: GitLab lists only CI jobs in `builds` (`pipeline.builds`, in
    // lib/gitlab/data_builder/pipeline.rb), never commit statuses such as bfd's own, so a job named like bfd's status
    // is somebody's CI job. The event bfd's own status causes is judged again, harmlessly: an unchanged verdict
    // publishes nothing (publish.ts), so it causes no further event.
    const reason = `GitLab Pipeline Hook (#${pipeline.id})`;
    if (mr !== null && mr !== undefined)
      return { jobs: [mergeRequestJob(project.path_with_namespace, mr.iid, reason, deliveryId)] };
    if (pipeline.ref === null || pipeline.ref === undefined || pipeline.ref === "")
      return { ignored: `pipeline #${pipeline.id} names no merge request and no branch` };
    return { jobs: [branchJob(project.path_with_namespace, pipeline.ref, reason, deliveryId)] };
  }
  return { ignored: `GitLab ${event ?? "events without X-Gitlab-Event"} are not judged` };
}

/**
 * An external status check request (Ultimate): GitLab sends the merge request event's payload with
 * `external_approval_rule: { id, name, external_url }` (doc/user/project/merge_requests/status_checks.md).
 */
const StatusCheckRequest = MergeRequestEvent.extend({
  external_approval_rule: z.looseObject({ id: z.number().int().positive() }),
});

export function mapStatusCheckRequest(
  payload: unknown,
  deliveryId: string | null,
  options: { projects: readonly (string | number)[] },
): Mapped {
  const parsed = StatusCheckRequest.safeParse(payload);
  if (!parsed.success)
    return {
      invalid:
        "not a GitLab status check request (project, object_attributes.iid and external_approval_rule.id are required)",
    };
  const { project, object_attributes: mr, external_approval_rule: rule } = parsed.data;
  if (!projectAccepted(options.projects, project.id, project.path_with_namespace))
    return { ignored: `project ${project.path_with_namespace} is not in serve.projects` };
  return {
    jobs: [mergeRequestJob(project.path_with_namespace, mr.iid, `GitLab status check ${rule.id}`, deliveryId)],
    statusCheck: { project: project.path_with_namespace, checkId: rule.id },
  };
}
