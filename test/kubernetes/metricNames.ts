/**
 * The metric names a PromQL expression may use: what the runtime exports (read from its sources,
 * so a renamed metric fails the tests), prom-client's default metrics and the kube-state-metrics
 * series the rules and dashboards use, each listed explicitly.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const RUNTIME_SRC = join(__dirname, "../../runtime/src");

/** prom-client's default metrics that the dashboards use (`collectDefaultMetrics`). */
export const PROM_CLIENT_DEFAULTS = [
  "process_cpu_seconds_total",
  "process_resident_memory_bytes",
  "nodejs_heap_size_used_bytes",
  "nodejs_eventloop_lag_p99_seconds",
] as const;

/** kube-state-metrics series the rules and dashboards use. */
export const KUBE_STATE_METRICS = [
  "kube_pod_status_phase",
  "kube_deployment_status_replicas_available",
  "kube_pod_container_status_restarts_total",
] as const;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The `seawall_*` names the runtime registers (string literals in runtime/src), with histogram suffixes. */
export function runtimeMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const file of sources(RUNTIME_SRC)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(
      /name:\s*"(seawall_[a-z0-9_]+)"|counter\(\s*"(seawall_[a-z0-9_]+)"|gauge\(\s*"(seawall_[a-z0-9_]+)"|_METRIC\s*=\s*"(seawall_[a-z0-9_]+)"/g,
    )) {
      names.add(m[1] ?? m[2] ?? m[3] ?? m[4]);
    }
    for (const m of text.matchAll(/Histogram\(\{\s*name:\s*"(seawall_[a-z0-9_]+)"/g)) {
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(`${m[1]}${suffix}`);
    }
  }
  return names;
}

/** Every name an expression may use. */
export function exportedMetricNames(): Set<string> {
  return new Set([...runtimeMetricNames(), ...PROM_CLIENT_DEFAULTS, ...KUBE_STATE_METRICS]);
}

const PROMQL_WORDS = new Set([
  "sum",
  "absent",
  "min",
  "max",
  "avg",
  "count",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "rate",
  "irate",
  "increase",
  "histogram_quantile",
  "topk",
  "bottomk",
  "offset",
  "clamp_min",
  "clamp_max",
  "abs",
  "time",
  "vector",
  "scalar",
  "bool",
  "delta",
  "deriv",
  "avg_over_time",
  "max_over_time",
  "min_over_time",
  "label_replace",
  "humanizePercentage",
]);

/** The metric names in a PromQL expression: identifiers outside label matchers, strings and grouping lists. */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "$1")
    .replace(/\[[^\]]*\]/g, "");
  const names = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((w) => !PROMQL_WORDS.has(w) && !/^(e|Inf|NaN)$/.test(w));
  return [...new Set(names)];
}
