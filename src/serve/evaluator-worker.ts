/**
 * The evaluation worker (src/serve/evaluator.ts): takes one EvaluationRequest at a time, runs the pure engine over
 * it and answers with the Report. It says `ready` once the engine and every check kind are loaded, so the pool
 * counts no module loading against an evaluation's deadline.
 */
import { parentPort } from "node:worker_threads";
import { evaluate } from "../engine/evaluate.js";
import { fromPortableRules } from "../rules/portable-rules.js";
import type { EvaluationReply, EvaluationRequest } from "./evaluator.js";

/** Serves evaluations on this worker thread's port until the pool ends the thread. */
export function runEvaluatorWorker(): void {
  const port = parentPort;
  if (port === null) throw new Error("bfd serve's evaluation worker runs in a worker thread");
  port.on("message", (request: EvaluationRequest) => {
    let reply: EvaluationReply;
    try {
      reply = { report: evaluate(fromPortableRules(request.rules), request.item, request.options) };
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies EvaluationReply);
}
