import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needTool } from "../helpers/system-tools.js";
import {
  mergeRequestEvent,
  postGitLab,
  settled,
  startTestService,
  startWorld,
  type TestService,
  type World,
} from "./harness.js";

let world: World;
let serve: TestService;
let exposition: string;

beforeAll(async () => {
  world = await startWorld([{ n: 800 }]);
  serve = await startTestService(world);
  // Traffic first, so every family has samples (a histogram with labels, a counter per outcome).
  await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(800), { uuid: "metrics-800" });
  await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(800), { uuid: "metrics-800" });
  await postGitLab(serve.url, "Merge Request Hook", mergeRequestEvent(800), { token: "wrong" });
  await settled(serve.service);
  exposition = await (await fetch(`${serve.url}/metrics`)).text();
});
afterAll(async () => {
  await serve.stop();
  await world.close();
});

interface Family {
  name: string;
  type: string;
  help: string;
  labels: Set<string>;
}

/** The text exposition format's `# HELP`, `# TYPE` and sample lines, grouped by family. */
function families(text: string): Map<string, Family> {
  const byName = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = byName.get(name);
    if (found === undefined) byName.set(name, (found = { name, type: "untyped", help: "", labels: new Set() }));
    return found;
  };
  for (const line of text.split("\n")) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      if (meta[1] === "HELP") family(meta[2]!).help = meta[3]!;
      else family(meta[2]!).type = meta[3]!;
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (sample === null) continue;
    const name = sample[1]!;
    const owner = [...byName.values()].find(
      (f) => f.name === name || (["histogram", "summary"].includes(f.type) && name.startsWith(`${f.name}_`)),
    );
    for (const [, label] of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      (owner ?? family(name)).labels.add(label!);
  }
  return byName;
}

/**
 * The checks `promtool check metrics` applies (prometheus/client_golang prometheus/testutil/promlint; the list of
 * lint functions is in yeya24/promlinter's README, vendored by kubernetes/kubernetes under hack/tools): each returns
 * the problem, or null.
 */
const RULES: [string, (f: Family) => string | null][] = [
  ["Help", (f) => (f.help.trim() === "" ? "no help text" : null)],
  [
    "Counter",
    (f) => (f.type === "counter" && !f.name.endsWith("_total") ? 'counter metrics should have "_total" suffix' : null),
  ],
  [
    "Counter",
    (f) =>
      f.type !== "counter" && f.name.endsWith("_total") ? 'non-counter metrics should not have "_total" suffix' : null,
  ],
  [
    "HistogramSummaryReserved",
    (f) =>
      f.type !== "histogram" && f.name.endsWith("_bucket")
        ? 'non-histogram metrics should not have "_bucket" suffix'
        : null,
  ],
  [
    "HistogramSummaryReserved",
    (f) =>
      !["histogram", "summary"].includes(f.type) && /_(count|sum)$/.test(f.name)
        ? 'non-histogram and non-summary metrics should not have "_count" or "_sum" suffix'
        : null,
  ],
  [
    "HistogramSummaryReserved",
    (f) => (f.type !== "histogram" && f.labels.has("le") ? 'non-histogram metrics should not have "le" label' : null),
  ],
  [
    "HistogramSummaryReserved",
    (f) =>
      f.type !== "summary" && f.labels.has("quantile") ? 'non-summary metrics should not have "quantile" label' : null,
  ],
  [
    "MetricTypeInName",
    (f) =>
      f.name.split("_").some((part) => ["counter", "gauge", "histogram", "summary", "untyped"].includes(part))
        ? "metric name should not include type"
        : null,
  ],
  ["ReservedChars", (f) => (f.name.includes(":") ? "metric names should not contain ':'" : null)],
  [
    "CamelCase",
    (f) => (/[a-z][A-Z]/.test(f.name) ? "metric names should be written in 'snake_case' not 'camelCase'" : null),
  ],
  [
    "CamelCase",
    (f) =>
      [...f.labels].some((label) => /[a-z][A-Z]/.test(label))
        ? "label names should be written in 'snake_case' not 'camelCase'"
        : null,
  ],
  [
    "UnitAbbreviations",
    (f) =>
      f.name
        .split("_")
        .some((part) => ["s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d"].includes(part))
        ? "metric names should not contain abbreviated units"
        : null,
  ],
  [
    "MetricUnits",
    (f) =>
      /_(milliseconds|microseconds|nanoseconds|minutes|hours|days|weeks|bits|kilobytes|megabytes|gigabytes|percent|fahrenheit|kelvin)(_|$)/.test(
        f.name,
      )
        ? "use base unit (seconds, bytes, celsius, ratio)"
        : null,
  ],
];

describe("GET /metrics follows Prometheus' naming rules", () => {
  it("serves the service's own families under their documented (OpenTelemetry-derived) names", () => {
    const names = [...families(exposition).keys()];
    expect(names).toEqual(
      expect.arrayContaining([
        "http_server_request_duration_seconds",
        "bfd_webhook_deliveries_total",
        "bfd_evaluations_total",
        "bfd_evaluation_duration_seconds",
        "bfd_publish_total",
        "bfd_queue_jobs",
        "nodejs_active_handles",
        "process_resident_memory_bytes",
      ]),
    );
    expect(names).not.toContain("nodejs_active_handles_total");
  });

  it("passes every lint rule promtool applies", () => {
    const problems = [...families(exposition).values()].flatMap((f) =>
      RULES.map(([, check]) => check(f)).flatMap((problem, i) =>
        problem === null ? [] : [`${f.name} (${RULES[i]![0]}): ${problem}`],
      ),
    );
    expect(problems).toEqual([]);
  });

  it("the linter above catches what promtool catches", () => {
    const bad = families(
      [
        "# HELP nodejs_active_handles_total Handles.",
        "# TYPE nodejs_active_handles_total gauge",
        "nodejs_active_handles_total 3",
        "# TYPE requests counter",
        "requests 1",
        "# HELP latency_ms Latency.",
        "# TYPE latency_ms gauge",
        'latency_ms{httpMethod="GET"} 2',
      ].join("\n"),
    );
    const found = [...bad.values()].flatMap((f) =>
      RULES.flatMap(([rule, check]) => (check(f) === null ? [] : [`${f.name} ${rule}`])),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        "nodejs_active_handles_total Counter",
        "requests Help",
        "requests Counter",
        "latency_ms UnitAbbreviations",
        "latency_ms CamelCase",
      ]),
    );
  });

  it("passes promtool check metrics itself", ({ skip }) => {
    needTool("promtool", ["--version"], skip);
    const lint = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe("");
    expect(lint.status).toBe(0);
  });
});
