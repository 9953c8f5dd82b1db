/**
 * Webhook payload → job, pure: which evaluation a verified delivery asks for, or why it asks for none. Payloads are
 * read with loose schemas (only the fields bfd uses; vendors add fields all the time).
 */
import { z } from "zod";
import { agentSessionJob, branchJob, issueJob, mergeRequestJob, type AgentAsk, type Job } from "./job.js";

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

export function mapLinearDelivery(
  payload: unknown,
  deliveryId: string | null,
  options: { agent: boolean } = { agent: false },
): Mapped {
  if (isRecordWithType(payload, "AgentSessionEvent")) {
    if (!options.agent)
      return { ignored: "Linear AgentSessionEvent: bfd serve answers as an agent only with BFD_LINEAR_AGENT_TOKEN" };
    return mapAgentSessionEvent(payload, deliveryId);
  }
  const parsed = LinearPayload.safeParse(payload);
  if (!parsed.success) return { invalid: "not a Linear data change event (action, type and data.id are required)" };
  const { action, type, data } = parsed.data;
  if (type !== "Issue") return { ignored: `Linear ${type} events are not judged` };
  if (action !== "create" && action !== "update") return { ignored: `Linear Issue ${action} is not judged` };
  return { jobs: [issueJob(data.id, `Linear Issue ${action}`, deliveryId, true)] };
}

function isRecordWithType(payload: unknown, type: string): boolean {
  return typeof payload === "object" && payload !== null && (payload as Record<string, unknown>)["type"] === type;
}

/**
 * An agent session event (schema.graphql `AgentSessionEventWebhookPayload`; `type: "AgentSessionEvent"` is how
 * `@linear/sdk/webhooks` routes it): `action` is `created` when bfd is mentioned or delegated an issue, `prompted`
 * when someone writes to it again, the words in `agentActivity.content.body` (linear.app/developers/agent-interaction).
 */
const AgentSessionEvent = z.looseObject({
  action: z.string(),
  agentSession: z.looseObject({
    id: z.string().min(1),
    issueId: z.string().nullish(),
    issue: z.looseObject({ id: z.string().min(1) }).nullish(),
  }),
  agentActivity: z
    .looseObject({
      id: z.string().min(1),
      signal: z.string().nullish(),
      content: z.looseObject({ body: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

function mapAgentSessionEvent(payload: unknown, deliveryId: string | null): Mapped {
  const parsed = AgentSessionEvent.safeParse(payload);
  if (!parsed.success) return { invalid: "not a Linear agent session event (action and agentSession.id are required)" };
  const { action, agentSession: session, agentActivity: activity } = parsed.data;
  // A session outside an issue (a project or document mention) has nothing to judge: bfd says what it can do.
  const issueId = session.issue?.id ?? session.issueId ?? "";
  if (action === "created")
    return { jobs: [agentSessionJob(session.id, "created", issueId, issueId === "" ? "help" : "check", deliveryId)] };
  if (action !== "prompted") return { ignored: `Linear AgentSessionEvent ${action} is not answered` };
  if (activity === null || activity === undefined)
    return { invalid: "a prompted agent session event without its agentActivity" };
  // `stop` asks the agent to halt its work (AgentActivitySignal); bfd's answers are already complete.
  if (activity.signal === "stop") return { ignored: "a stop signal: bfd has no work running in the session" };
  const ask = issueId === "" ? "help" : agentAsk(activity.content?.body ?? "");
  return { jobs: [agentSessionJob(session.id, activity.id, issueId, ask, deliveryId)] };
}

/**
 * What a prompt asks, by its words: "check again" (or "recheck") → both gates; "ready?" → the Ready gate; "done?" →
 * the Done gate; both words → both; anything else → what bfd can do. Mentions (`@bfd`) and punctuation are ignored.
 */
export function agentAsk(prompt: string): AgentAsk {
  const words = new Set(
    prompt
      .toLowerCase()
      .replace(/@\S+/g, " ")
      .split(/[^a-z-]+/)
      .filter((word) => word !== ""),
  );
  if (words.has("check") || words.has("recheck") || words.has("re-check")) return "check";
  const ready = words.has("ready");
  const done = words.has("done");
  if (ready && done) return "check";
  if (ready) return "ready";
  if (done) return "done";
  return "help";
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
