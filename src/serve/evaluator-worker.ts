/**
 * The evaluation worker (src/serve/evaluator.ts): takes one EvaluationRequest at a time, runs the pure engine over
 * it and answers with the Report. It says `ready` once the engine and every check kind are loaded, so the pool
 * counts no module loading against an evaluation's deadline.
 */
import { parentPort } from "node:worker_threads";
import { findCheckKind } from "../checks/index.js";
import { evaluate } from "../engine/evaluate.js";
import type { LoadedRule } from "../rules/schema.js";
import type { EvaluationReply, EvaluationRequest, WireRule } from "./evaluator.js";

const port = parentPort;
if (port === null) throw new Error("src/serve/evaluator-worker.ts runs as a worker thread of bfd serve");

function rulesFromWire(rules: readonly WireRule[]): LoadedRule[] {
  return rules.map((rule) => {
    const kind = findCheckKind(rule.kind);
    // Both threads run the same build, so every kind the main thread loaded is here too.
    if (kind === undefined) throw new Error(`check kind "${rule.kind}" is not in this build`);
    return { ...rule, kind };
  });
}

port.on("message", (request: EvaluationRequest) => {
  let reply: EvaluationReply;
  try {
    reply = { report: evaluate(rulesFromWire(request.rules), request.item, request.options) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true } satisfies EvaluationReply);
