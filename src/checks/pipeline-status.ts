import { z } from "zod";
import { defineCheck, fail, pass } from "./types.js";

const Options = z
  .object({
    allowed: z.array(z.string().min(1)).min(1).default(["success"]).describe("Pipeline statuses that count as green."),
  })
  .strict();

/** The merge request's head pipeline has one of the allowed statuses. */
export const pipelineStatus = defineCheck({
  id: "pipeline-status",
  description: "The merge request's head pipeline status is one of the allowed statuses (default: success).",
  options: Options,
  hint: "Make the pipeline pass: {{mergeRequest.headPipeline.url|run the pipeline on the merge request}}.",
  needs: () => ["mergeRequest", "mergeRequest.headPipeline"],
  run: (item, o) => {
    const pipeline = item.mergeRequest!.headPipeline;
    if (pipeline === null) return fail("No pipeline has run on the merge request's head commit");
    const evidence = [
      `pipeline${pipeline.id === null ? "" : ` #${pipeline.id}`}: ${pipeline.status}`,
      ...(pipeline.url === null ? [] : [pipeline.url]),
    ];
    if (o.allowed.includes(pipeline.status)) return pass(`Head pipeline ${pipeline.status}`, evidence);
    return fail(`Head pipeline is ${pipeline.status}; needs ${o.allowed.join(" or ")}`, evidence);
  },
});
