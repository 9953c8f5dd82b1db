import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { EvaluatorStats } from "./evaluator.js";
import type { QueueDepth } from "./job.js";

export type Metrics = ReturnType<typeof createMetrics>;

const NON_COUNTER_TOTALS = [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
];

/**
 * The Prometheus metrics `GET /metrics` serves, on a registry of the service's own (never the global one, so two
 * services in one test process never share counts). HTTP durations follow OpenTelemetry's
 * `http.server.request.duration` (seconds; labels from its attribute names, dots as underscores).
 */
export function createMetrics(
  depth: () => Promise<QueueDepth>,
  evaluator: () => EvaluatorStats = () => ({ size: 0, busy: 0, waiting: 0 }),
) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client exports these three as gauges with a counter's `_total` suffix, which `promtool check metrics`
  // rejects ("non-counter metrics should not have "_total" suffix"). Their labelled siblings (nodejs_active_handles
  // {type}, …) stay and sum to the same numbers.
  for (const name of NON_COUNTER_TOTALS) registry.removeSingleMetric(name);
  const requestDuration = new Histogram({
    name: "http_server_request_duration_seconds",
    help: "Time from request to response (for webhooks: the acknowledgement).",
    labelNames: ["http_request_method", "http_route", "http_response_status_code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  const deliveries = new Counter({
    name: "bfd_webhook_deliveries_total",
    help: "Webhook deliveries by source and outcome (queued, duplicate, ignored, rejected, unavailable).",
    labelNames: ["source", "outcome"] as const,
    registers: [registry],
  });
  const evaluations = new Counter({
    name: "bfd_evaluations_total",
    help: "Gate evaluations by gate and result (pass, fail, error, skipped, superseded).",
    labelNames: ["gate", "result"] as const,
    registers: [registry],
  });
  const evaluationDuration = new Histogram({
    name: "bfd_evaluation_duration_seconds",
    help: "Time to gather the evidence and evaluate one gate.",
    labelNames: ["gate"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const publishes = new Counter({
    name: "bfd_publish_total",
    help: "Writes of a verdict by output and outcome (written, unchanged, superseded, failed).",
    labelNames: ["output", "outcome"] as const,
    registers: [registry],
  });
  new Gauge({
    name: "bfd_queue_jobs",
    help: "Jobs waiting and running.",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      // While the queue's store is away the gauge keeps its last value rather than failing the whole scrape.
      const d = await depth().catch(() => null);
      if (d === null) return;
      this.set({ state: "waiting" }, d.waiting);
      this.set({ state: "active" }, d.active);
    },
  });
  new Gauge({
    name: "bfd_evaluation_workers",
    help: "Worker threads that run the gates' evaluations, busy (evaluating) or idle.",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      const stats = evaluator();
      this.set({ state: "busy" }, stats.busy);
      this.set({ state: "idle" }, stats.size - stats.busy);
    },
  });
  new Gauge({
    name: "bfd_evaluations_waiting_for_worker",
    help: "Evaluations whose evidence is read, waiting for a free worker thread.",
    registers: [registry],
    collect() {
      this.set(evaluator().waiting);
    },
  });
  const workersReplaced = new Counter({
    name: "bfd_evaluation_worker_replacements_total",
    help: "Worker threads stopped and replaced, by reason (crashed, deadline); their evaluations are retried.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  return { registry, requestDuration, deliveries, evaluations, evaluationDuration, publishes, workersReplaced };
}
