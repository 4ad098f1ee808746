/**
 * The pipeline's Grafana dashboard as JSON, in a ConfigMap the kube-prometheus-stack Grafana
 * sidecar loads (label `grafana_dashboard: "1"`). Every query names metrics the runtime exports
 * (runtime/src/metrics.ts, runtime/src/http.ts), prom-client's defaults or kube-state-metrics'.
 */
import type { KubeObject } from "./stageWorkersRender";

/** One time-series panel: a title, a unit and its queries (legend, PromQL). */
interface PanelSpec {
  title: string;
  unit: string;
  targets: [legend: string, expr: string][];
}

const S = 'namespace=~"$namespace"';
const by = "sum by (service)";

/** The panels, top to bottom. */
export const PIPELINE_PANELS: readonly PanelSpec[] = [
  { title: "Consumer lag", unit: "short", targets: [["{{service}}", `${by} (seawall_consumer_lag{${S}})`]] },
  {
    title: "Records in and out",
    unit: "rps",
    targets: [
      ["in {{service}}", `${by} (rate(seawall_records_in_total{${S}}[5m]))`],
      ["out {{service}}", `${by} (rate(seawall_records_out_total{${S}}[5m]))`],
    ],
  },
  {
    title: "Dead-lettered, duplicate and dropped records",
    unit: "rps",
    targets: [
      ["dead-lettered {{service}}", `${by} (rate(seawall_records_dead_lettered_total{${S}}[5m]))`],
      ["duplicate {{service}}", `${by} (rate(seawall_records_duplicate_total{${S}}[5m]))`],
      ["dropped {{service}}", `${by} (rate(seawall_records_dropped_total{${S}}[5m]))`],
    ],
  },
  {
    title: "Batch latency p99",
    unit: "s",
    targets: [
      [
        "{{service}}",
        `histogram_quantile(0.99, sum by (service, le) (rate(seawall_batch_latency_seconds_bucket{${S}}[5m])))`,
      ],
    ],
  },
  {
    title: "Batch failures and retries",
    unit: "ops",
    targets: [
      ["{{service}} {{kind}}", `sum by (service, kind) (rate(seawall_batch_failures_total{${S}}[5m]))`],
      [
        "retries {{service}} {{dependency}}",
        `sum by (service, dependency) (rate(seawall_retries_total{${S}}[5m]))`,
      ],
      ["client errors {{client}}", `sum by (client) (rate(seawall_client_errors_total{${S}}[5m]))`],
    ],
  },
  {
    title: "Circuit breakers (0 closed, 1 half-open, 2 open)",
    unit: "short",
    targets: [["{{service}} {{dependency}}", `max by (service, dependency) (seawall_breaker_state{${S}})`]],
  },
  {
    title: "Adaptive batch size and concurrency",
    unit: "short",
    targets: [
      ["batch {{service}}", `avg by (service) (seawall_aimd_batch_size{${S}})`],
      ["concurrency {{service}}", `avg by (service) (seawall_aimd_concurrency{${S}})`],
    ],
  },
  {
    title: "Lake writes",
    unit: "Bps",
    targets: [["{{service}}", `${by} (rate(seawall_lake_bytes_total{${S}}[5m]))`]],
  },
  {
    title: "Feature server reads and HTTP errors",
    unit: "ops",
    targets: [
      ["entities read", `${by} (rate(seawall_feature_reads_total{${S}}[5m]))`],
      ["errors {{code}}", `sum by (code) (rate(seawall_http_errors_total{${S}}[5m]))`],
    ],
  },
  {
    title: "CPU and memory per pod",
    unit: "short",
    targets: [
      ["cpu {{pod}}", `sum by (pod) (rate(process_cpu_seconds_total{${S}, job=~"$workload"}[5m]))`],
      ["heap MiB {{pod}}", `sum by (pod) (nodejs_heap_size_used_bytes{${S}, job=~"$workload"}) / 1048576`],
    ],
  },
  {
    title: "Available replicas and restarts",
    unit: "short",
    targets: [
      ["available {{deployment}}", `sum by (deployment) (kube_deployment_status_replicas_available{${S}})`],
      ["restarts {{pod}}", `sum by (pod) (increase(kube_pod_container_status_restarts_total{${S}}[1h]))`],
    ],
  },
];

/** The dashboard's JSON model (Grafana schema 39), two panels a row. */
export function pipelineDashboard(): Record<string, unknown> {
  return {
    uid: "seawall-pipeline",
    title: "Seawall pipeline",
    tags: ["seawall"],
    timezone: "utc",
    schemaVersion: 39,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus", current: {} },
        {
          name: "namespace",
          type: "query",
          datasource: { type: "prometheus", uid: "${datasource}" },
          query: "label_values(seawall_records_in_total, namespace)",
          includeAll: true,
          multi: true,
        },
        {
          name: "workload",
          type: "query",
          datasource: { type: "prometheus", uid: "${datasource}" },
          query: 'label_values(seawall_records_in_total{namespace=~"$namespace"}, job)',
          includeAll: true,
          multi: true,
        },
      ],
    },
    panels: PIPELINE_PANELS.map((p, i) => ({
      id: i + 1,
      type: "timeseries",
      title: p.title,
      datasource: { type: "prometheus", uid: "${datasource}" },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets.map(([legendFormat, expr], j) => ({
        refId: String.fromCharCode(65 + j),
        expr,
        legendFormat,
      })),
    })),
  };
}

/** The ConfigMap the Grafana sidecar loads the dashboard from. */
export function renderDashboardConfigMap(name: string, namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name,
      namespace,
      labels: {
        grafana_dashboard: "1",
        "app.kubernetes.io/part-of": "seawall",
        "app.kubernetes.io/managed-by": "pulumi",
      },
    },
    data: { "seawall-pipeline.json": JSON.stringify(pipelineDashboard()) },
  };
}
