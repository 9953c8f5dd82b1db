// The evaluation worker when bfd runs from its TypeScript sources (tests under vitest, `tsx src/bin.ts`): a worker
// thread does not inherit the parent's TypeScript loader, so this registers tsx and then loads the worker. The
// built CLI re-enters its own bundle instead (dist/bfd.cjs exports runEvaluatorWorker: scripts/build.mjs).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { runEvaluatorWorker } = await import(workerData.entry);
runEvaluatorWorker();
