import { pipelineStatus } from "../../../src/checks/pipeline-status.js";
import { checkCases } from "../../helpers/check-cases.js";
import { withMr } from "../../helpers/work-item.js";

const pipeline = (status: string) => withMr({ headPipeline: { status } });

checkCases(pipelineStatus, {
  pass: [
    {
      name: "the head pipeline succeeded",
      item: pipeline("success"),
      message: /^Head pipeline success$/,
      evidence: ["pipeline #9001: success", "https://gitlab.example.com/acme/app/-/pipelines/9001"],
    },
    {
      name: "the status is in a custom allowed list",
      item: pipeline("manual"),
      options: { allowed: ["success", "manual"] },
    },
    {
      name: "the pipeline has no id or URL",
      item: withMr({ headPipeline: { status: "success", id: null, url: null } }),
      evidence: ["pipeline: success"],
    },
  ],
  fail: [
    {
      name: "no pipeline ran on the head commit",
      item: withMr({ headPipeline: null }),
      message: /^No pipeline has run on the merge request's head commit$/,
    },
    {
      name: "the pipeline failed",
      item: pipeline("failed"),
      message: /^Head pipeline is failed; needs success$/,
      evidence: ["pipeline #9001: failed"],
    },
    { name: "the pipeline is still running", item: pipeline("running") },
    { name: "the pipeline was skipped", item: pipeline("skipped") },
    { name: "the status differs only in case from an allowed one", item: pipeline("SUCCESS") },
    {
      name: "the status is not in a custom allowed list",
      item: pipeline("manual"),
      options: { allowed: ["success", "skipped"] },
      message: /needs success or skipped$/,
    },
  ],
});
