/**
 * bfd as a Linear agent (linear.app/developers/agent-interaction): someone mentions bfd or delegates an issue to it,
 * or writes to it again, and it answers in the session — a `thought` at once (Linear marks an agent unresponsive
 * when nothing arrives within 10 s of `created`, agent-best-practices), then a `response` with the gate's checklist,
 * or an `error` when it could not judge. It only reads and answers: it changes no issue, label or code.
 */
import { evidencePlan } from "../engine/plan.js";
import { BfdError, isBfdError, SetupError } from "../errors.js";
import { waiverPolicy } from "../rules/schema.js";
import { gatherWorkItem } from "../sources/gather.js";
import { parseMergeRequestUrl, type GitLabSource } from "../sources/gitlab/index.js";
import type { AgentActivityContent, LinearSource } from "../sources/linear/index.js";
import { escapeMarkdownInline } from "../reporters/markdown-escape.js";
import type { Issue } from "../work-item/schema.js";
import type { AgentAsk, Fence, Job } from "./job.js";
import { RetryLater } from "./job.js";
import { errorMessage } from "./log.js";
import { publishOnce, type PublishContext } from "./publish.js";
import { agentActivityText, verdictFromReport, type Verdict } from "./verdict.js";
import { projectAccepted } from "./events.js";
import { judgeMergeRequest, type EvaluationDeadline, type WorkDeps } from "./evaluate.js";

/** What bfd answers to anything it does not understand (and in a session that has no issue). */
export const AGENT_HELP = [
  "I am bfd, the team's delivery gate. In an issue's session, ask me:",
  "",
  "- **check again**: the Ready gate, and the Done gate of the issue's open merge request",
  "- **ready?**: the Ready gate: what is missing before the issue can be picked up",
  "- **done?**: the Done gate of the issue's open merge request",
  "",
  "I only read and answer: I never change the issue or the code.",
].join("\n");

export async function agentSessionWork(
  deps: WorkDeps,
  job: Job,
  target: { sessionId: string; issueId: string; ask: AgentAsk },
  fence: Fence,
  deadline: EvaluationDeadline,
): Promise<string> {
  const { linear, gitlab, agent } = await deps.sources();
  if (agent === undefined || agent === null)
    throw new BfdError("setup", "agent-token-missing", "bfd serve has no BFD_LINEAR_AGENT_TOKEN to answer with", {
      hint: "Set BFD_LINEAR_AGENT_TOKEN to the access token of bfd's actor=app installation (docs/serve.md).",
    });
  const ctx: PublishContext = { fence, state: deps.state, metrics: deps.metrics, redact: deps.redact };
  // Each step of the answer is published once per event: a delivery Linear sends again, or a job run again after
  // an outage, never repeats what the session already shows.
  const say = async (step: string, content: AgentActivityContent): Promise<void> => {
    const body = content.type === "thought" ? content.body : deps.redact(content.body);
    try {
      await publishOnce(ctx, { output: "agentActivity", key: `${job.key}:${step}`, content: body }, async () => {
        await agent.createAgentActivity(target.sessionId, { type: content.type, body });
      });
    } catch (error) {
      if (isBfdError(error) && error.kind === "upstream") throw new RetryLater(errorMessage(error), { cause: error });
      // The source names LINEAR_API_KEY; these writes carry the agent's token, and the operator must know which.
      if (isBfdError(error) && (error.code === "linear-auth" || error.code === "linear-forbidden"))
        throw new SetupError(
          "Linear",
          error.code,
          `Linear refused the agent token in BFD_LINEAR_AGENT_TOKEN${error instanceof SetupError && error.status !== undefined ? ` (HTTP ${error.status})` : ""}`,
          {
            hint: "Replace BFD_LINEAR_AGENT_TOKEN with a current access token of bfd's actor=app installation (docs/serve.md, bfd as a Linear agent).",
            cause: error,
          },
        );
      throw error;
    }
  };

  if (target.ask === "help") {
    await say("response", { type: "response", body: AGENT_HELP });
    return "answered";
  }
  // Before any read: the session shows bfd at work within Linear's 10 s.
  await say("thought", { type: "thought", body: thoughtFor(target.ask) });

  let verdicts: Verdict[];
  let headline: string;
  try {
    ({ verdicts, headline } = await judge(deps, linear, gitlab, target, deadline));
  } catch (error) {
    if (!isBfdError(error) && !(error instanceof RetryLater))
      deps.log.error({ "error.type": "internal", "error.message": errorMessage(error) }, "internal error");
    await say("error", { type: "error", body: notJudged(error) });
    return "error";
  }
  await say("response", { type: "response", body: agentActivityText(headline, verdicts, deps.redact) });
  return verdicts.every((verdict) => verdict.outcome === "pass") ? "pass" : "fail";
}

function thoughtFor(ask: AgentAsk): string {
  if (ask === "ready") return "Checking this issue against the Ready gate…";
  if (ask === "done") return "Checking this issue's merge request against the Done gate…";
  return "Checking this issue against the Ready gate (and the Done gate, if it has an open merge request)…";
}

/** Never a pass: what could not be read, and how to ask again. */
function notJudged(error: unknown): string {
  const message =
    isBfdError(error) || error instanceof RetryLater ? error.message : "an internal error (see bfd serve's log)";
  const hint = isBfdError(error) && error.hint !== undefined ? `\n\n${escapeMarkdownInline(error.hint)}` : "";
  return `**Not judged:** ${escapeMarkdownInline(message.replace(/\.$/, ""))}.${hint}\n\nAsk me to **check again** in a moment.`;
}

async function judge(
  deps: WorkDeps,
  linear: LinearSource,
  gitlab: GitLabSource,
  target: { issueId: string; ask: AgentAsk },
  deadline: EvaluationDeadline,
): Promise<{ verdicts: Verdict[]; headline: string }> {
  const item = await deadline.within(
    gatherWorkItem(
      { linear, gitlab: null },
      {
        plan: evidencePlan(deps.readyRules.rules, "ready"),
        now: deps.now().toISOString(),
        branch: null,
        issue: { by: "reference", reference: target.issueId },
        mergeRequest: { by: "none" },
      },
    ),
  );
  const issue = item.issue!;
  const verdicts: Verdict[] = [];
  const lines: string[] = [];
  if (target.ask !== "done") {
    const report = await deps.evaluator.evaluate(deps.readyRules.rules, item, {
      gate: "ready",
      waivers: waiverPolicy(deps.readyRules.config),
      evidence: deps.readyRules.evidence,
    });
    verdicts.push(verdictFromReport(report));
    lines.push(
      report.verdict === "pass"
        ? "**Ready to pick up.** Every Ready criterion is met."
        : "**Not ready to pick up yet.** What fails, and how to fix it, is below.",
    );
  }
  if (target.ask !== "ready") {
    const open = await openMergeRequest(deps, gitlab, issue, deadline);
    if (open === null) {
      if (target.ask === "done")
        lines.push("**No open merge request** is attached to this issue: nothing for the Done gate to judge yet.");
    } else {
      const report = await judgeMergeRequest(deps, { linear, gitlab }, open, [], deadline);
      verdicts.push(verdictFromReport(report));
      lines.push(
        report.verdict === "pass"
          ? `**Done gate passed** for ${escapeMarkdownInline(open.reference)}.`
          : `**Done gate failed** for ${escapeMarkdownInline(open.reference)}.`,
      );
    }
  }
  return { verdicts, headline: lines.join("\n") };
}

/** The first open merge request on this service's GitLab that the issue's attachments link, or null. */
async function openMergeRequest(
  deps: WorkDeps,
  gitlab: GitLabSource,
  issue: Issue,
  deadline: EvaluationDeadline,
): Promise<{
  project: string;
  iid: number;
  targetBranch: string;
  sourceBranch: string;
  title: string;
  reference: string;
} | null> {
  for (const attachment of issue.attachments) {
    const ref = parseMergeRequestUrl(attachment.url);
    if (ref === null || new URL(deps.gitlabHost).origin !== ref.host) continue;
    if (!projectAccepted(deps.config.projects, -1, ref.projectPath)) continue;
    const { mergeRequest: mr } = await deadline.within(gitlab.readMergeRequest(ref.projectPath, ref.iid));
    if (mr.state !== "opened") continue;
    return {
      project: ref.projectPath,
      iid: ref.iid,
      targetBranch: mr.targetBranch,
      sourceBranch: mr.sourceBranch,
      title: mr.title,
      reference: `${mr.projectPath || ref.projectPath}!${mr.iid}`,
    };
  }
  return null;
}
