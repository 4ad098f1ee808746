/**
 * The pipeline's Prometheus alert rules, from the metric names the runtime exports
 * (runtime/src/metrics.ts, runtime/src/http.ts) as Prometheus scrapes them through the workers'
 * ServiceMonitors (`namespace` and `service` labels from the target, `stage` from the worker).
 * Plain objects: the tests check them with `promtool check rules` and `promtool test rules`.
 */
import type { KubeObject } from "./stageWorkersRender";

/** Alert thresholds. */
export interface PipelineRuleThresholds {
  /** Messages behind, summed over a workload's pods, for 15 minutes. @defaultValue 100000 */
  consumerLagMessages: number;
  /** Dead-lettered records per record consumed, over 10 minutes. @defaultValue 0.01 */
  deadLetterRatio: number;
  /** Failed (replayed) batches per batch, over 10 minutes. @defaultValue 0.05 */
  batchFailureRatio: number;
  /** Minutes without a lake file (or a feature write) while records come in. @defaultValue 30 */
  freshnessMinutes: number;
}

/** The defaults of {@link PipelineRuleThresholds}. */
export const DEFAULT_RULE_THRESHOLDS: PipelineRuleThresholds = {
  consumerLagMessages: 100_000,
  deadLetterRatio: 0.01,
  batchFailureRatio: 0.05,
  freshnessMinutes: 30,
};

/** One alerting rule, as Prometheus and the PrometheusRule CRD take it. */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: "warning" | "critical" };
  annotations: { summary: string; description: string };
}

/** A `stage` label matcher that holds for the stage alone or in a chain (`ingest+dedup+...`). */
const stageIs = (stage: string) => `stage=~"(.+[+])?${stage}([+].+)?"`;
const by = "sum by (namespace, service)";

/** One alerting rule from its parts. */
export function alertRule(
  alert: string,
  expr: string,
  forDuration: string,
  severity: "warning" | "critical",
  summary: string,
  description: string,
): AlertRule {
  return { alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description } };
}

/** The pipeline's alerts. */
export function pipelineAlerts(t: PipelineRuleThresholds = DEFAULT_RULE_THRESHOLDS): AlertRule[] {
  const window = `${t.freshnessMinutes}m`;
  const rule = alertRule;
  return [
    rule(
      "SeawallConsumerLagHigh",
      `${by} (seawall_consumer_lag) > ${t.consumerLagMessages}`,
      "15m",
      "warning",
      "{{ $labels.service }} is {{ $value }} messages behind",
      "The workload's consumer lag (seawall_consumer_lag, summed over its pods) stayed above the threshold: it is not keeping up; check its replicas and partitions.",
    ),
    rule(
      "SeawallDeadLetterRateHigh",
      `${by} (rate(seawall_records_dead_lettered_total[10m])) / ${by} (rate(seawall_records_in_total[10m])) > ${t.deadLetterRatio}`,
      "10m",
      "warning",
      "{{ $labels.service }} dead-letters {{ $value | humanizePercentage }} of its records",
      "seawall_records_dead_lettered_total grows faster than the threshold share of seawall_records_in_total: producers send bad records, or a schema changed.",
    ),
    rule(
      "SeawallBatchErrorRateHigh",
      `${by} (rate(seawall_batch_failures_total[10m])) / ${by} (rate(seawall_batch_latency_seconds_count[10m])) > ${t.batchFailureRatio}`,
      "10m",
      "warning",
      "{{ $labels.service }} replays {{ $value | humanizePercentage }} of its batches",
      "seawall_batch_failures_total per batch (seawall_batch_latency_seconds_count) is above the threshold: a dependency fails or records fail alone.",
    ),
    rule(
      "SeawallRecordsDropped",
      `sum by (namespace, service, reason) (increase(seawall_records_dropped_total[10m])) > 0`,
      "0m",
      "critical",
      "{{ $labels.service }} dropped records ({{ $labels.reason }})",
      "seawall_records_dropped_total grew: records were neither processed nor dead-lettered (the dead-letter topic refused them). They are lost unless replayed.",
    ),
    rule(
      "SeawallCircuitBreakerOpen",
      `max by (namespace, service, dependency) (seawall_breaker_state) == 2`,
      "5m",
      "critical",
      "{{ $labels.service }}'s breaker to {{ $labels.dependency }} is open",
      "seawall_breaker_state is 2 (open): calls to the dependency fail fast and the workload makes no progress on it.",
    ),
    rule(
      "SeawallBatchLoopStopped",
      `min by (namespace, service, pod) (seawall_loop_up) == 0`,
      "2m",
      "critical",
      "{{ $labels.pod }}'s batch loop stopped",
      "seawall_loop_up is 0: the worker's loop stopped on an error and the process should exit and restart; check its logs.",
    ),
    rule(
      "SeawallLakeStale",
      `${by} (increase(seawall_lake_files_total{${stageIs("lake-sink")}}[${window}])) == 0 and on (namespace, service) ${by} (rate(seawall_records_in_total{${stageIs("lake-sink")}}[${window}])) > 0`,
      "5m",
      "warning",
      "{{ $labels.service }} wrote no lake file in ${window} while consuming",
      "The runtime exports no lake-freshness gauge: this alert uses seawall_lake_files_total not growing while seawall_records_in_total does, which means the lake falls behind.",
    ),
    rule(
      "SeawallFeaturesStale",
      `${by} (increase(seawall_records_out_total{${stageIs("feature-writer")}}[${window}])) == 0 and on (namespace, service) ${by} (rate(seawall_records_in_total{${stageIs("feature-writer")}}[${window}])) > 0`,
      "5m",
      "warning",
      "{{ $labels.service }} wrote no features in ${window} while consuming",
      "The runtime exports no feature-freshness gauge: this alert uses the feature writer's seawall_records_out_total not growing while its seawall_records_in_total does, so served features age.",
    ),
  ];
}

/** The rule file: one group, evaluated every 30 seconds. */
export function pipelineRuleGroups(t: PipelineRuleThresholds = DEFAULT_RULE_THRESHOLDS): {
  groups: { name: string; interval: string; rules: AlertRule[] }[];
} {
  return { groups: [{ name: "seawall-pipeline", interval: "30s", rules: pipelineAlerts(t) }] };
}

/** The PrometheusRule custom resource kube-prometheus-stack's Prometheus loads. */
export function renderPipelinePrometheusRule(
  name: string,
  namespace: string,
  t: PipelineRuleThresholds = DEFAULT_RULE_THRESHOLDS,
): KubeObject {
  return renderPrometheusRule(name, namespace, pipelineRuleGroups(t));
}

/** A PrometheusRule of rule groups, labelled as Seawall's. */
export function renderPrometheusRule(
  name: string,
  namespace: string,
  spec: { groups: { name: string; interval: string; rules: AlertRule[] }[] },
): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name,
      namespace,
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    },
    spec,
  };
}
