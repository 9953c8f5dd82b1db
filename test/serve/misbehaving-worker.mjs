// A stand-in for bfd serve's evaluation worker that misbehaves on request, for the pool's tests: the issue's title
// says what to do — "crash" (the thread dies), "hang" (it never answers, as a pathological parse would), "throw" (the
// engine fails) — and anything else is answered with a report naming the title.
import { parentPort } from "node:worker_threads";

parentPort.on("message", (request) => {
  const title = request.item.issue?.title ?? "";
  if (title === "crash") process.exit(7);
  if (title === "hang") for (;;);
  if (title === "throw") parentPort.postMessage({ error: "the engine failed" });
  else parentPort.postMessage({ report: { verdict: "pass", title } });
});
parentPort.postMessage({ ready: true });
