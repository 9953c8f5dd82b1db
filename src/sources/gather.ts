import type { CommandContext } from "../commands/context.js";
import { usageError } from "../errors.js";
import type { Gate } from "../rules/schema.js";
import type { WorkItem } from "../work-item/schema.js";

export interface GatherRequest {
  gate: Gate;
  issue: string | undefined;
  mr: string | undefined;
  flagRecordGlobs: string[];
}

/** Builds the WorkItem from Linear (and GitLab for done). Placeholder until the live sources land. */
export async function gatherWorkItem(_ctx: CommandContext, _request: GatherRequest): Promise<WorkItem> {
  throw usageError("live-unavailable", "live evidence is not wired yet", "Use --snapshot FILE.");
}
