import {
  pipelineAlerts,
  pipelineRuleGroups,
  renderPipelinePrometheusRule,
} from "../../components/kubernetes/pipelineRules";
import { exportedMetricNames, metricNamesIn } from "./metricNames";
import { type AlertCase, describeAlertRules } from "./promtool";
import { schemaErrors } from "./schemas";

const w = (service: string, extra = "") =>
  `namespace="seawall",service="${service}",pod="${service}-0"${extra}`;

/** Per alert: the series that make it fire, the labels it fires with, and series that do not. */
const CASES: Record<string, AlertCase> = {
  SeawallConsumerLagHigh: {
    at: "20m",
    fires: { [`seawall_consumer_lag{${w("ingest")}}`]: "200000x30" },
    labels: { namespace: "seawall", service: "ingest", severity: "warning" },
    quiet: { [`seawall_consumer_lag{${w("ingest")}}`]: "50000x30" },
  },
  SeawallDeadLetterRateHigh: {
    at: "25m",
    fires: {
      [`seawall_records_in_total{${w("ingest")}}`]: "0+100x30",
      [`seawall_records_dead_lettered_total{${w("ingest", ',reason="schema"')}}`]: "0+5x30",
    },
    labels: { namespace: "seawall", service: "ingest", severity: "warning" },
    quiet: {
      [`seawall_records_in_total{${w("ingest")}}`]: "0+100x30",
      [`seawall_records_dead_lettered_total{${w("ingest", ',reason="schema"')}}`]: "0+0x30",
    },
  },
  SeawallBatchErrorRateHigh: {
    at: "25m",
    fires: {
      [`seawall_batch_latency_seconds_count{${w("dedup")}}`]: "0+60x30",
      [`seawall_batch_failures_total{${w("dedup", ',kind="transient"')}}`]: "0+10x30",
    },
    labels: { namespace: "seawall", service: "dedup", severity: "warning" },
    quiet: {
      [`seawall_batch_latency_seconds_count{${w("dedup")}}`]: "0+60x30",
      [`seawall_batch_failures_total{${w("dedup", ',kind="transient"')}}`]: "0+1x30",
    },
  },
  SeawallRecordsDropped: {
    at: "6m",
    fires: {
      [`seawall_records_dropped_total{${w("ingest", ',reason="dead-letter-refused"')}}`]:
        "0 0 0 5 5 5 5 5 5 5",
    },
    labels: { namespace: "seawall", service: "ingest", reason: "dead-letter-refused", severity: "critical" },
    quiet: { [`seawall_records_dropped_total{${w("ingest", ',reason="dead-letter-refused"')}}`]: "0x10" },
  },
  SeawallCircuitBreakerOpen: {
    at: "10m",
    fires: { [`seawall_breaker_state{${w("dedup", ',dependency="redis"')}}`]: "2x15" },
    labels: { namespace: "seawall", service: "dedup", dependency: "redis", severity: "critical" },
    quiet: { [`seawall_breaker_state{${w("dedup", ',dependency="redis"')}}`]: "1x15" },
  },
  SeawallBatchLoopStopped: {
    at: "5m",
    fires: { [`seawall_loop_up{${w("lake-sink")}}`]: "0x10" },
    labels: { namespace: "seawall", service: "lake-sink", pod: "lake-sink-0", severity: "critical" },
    quiet: { [`seawall_loop_up{${w("lake-sink")}}`]: "1x10" },
  },
  SeawallLakeStale: {
    at: "50m",
    fires: {
      [`seawall_lake_files_total{${w("chain", ',stage="ingest+dedup+lake-sink+feature-writer"')}}`]: "3x60",
      [`seawall_records_in_total{${w("chain", ',stage="ingest+dedup+lake-sink+feature-writer"')}}`]:
        "0+10x60",
    },
    labels: { namespace: "seawall", service: "chain", severity: "warning" },
    quiet: {
      [`seawall_lake_files_total{${w("chain", ',stage="ingest+dedup+lake-sink+feature-writer"')}}`]: "0+1x60",
      [`seawall_records_in_total{${w("chain", ',stage="ingest+dedup+lake-sink+feature-writer"')}}`]:
        "0+10x60",
      // Ingest exports the counter at 0 too, but is not the lake sink.
      [`seawall_lake_files_total{${w("ingest", ',stage="ingest"')}}`]: "0x60",
      [`seawall_records_in_total{${w("ingest", ',stage="ingest"')}}`]: "0+10x60",
    },
  },
  SeawallFeaturesStale: {
    at: "50m",
    fires: {
      [`seawall_records_out_total{${w("feature-writer", ',stage="feature-writer"')}}`]: "7x60",
      [`seawall_records_in_total{${w("feature-writer", ',stage="feature-writer"')}}`]: "0+10x60",
    },
    labels: { namespace: "seawall", service: "feature-writer", severity: "warning" },
    quiet: {
      [`seawall_records_out_total{${w("feature-writer", ',stage="feature-writer"')}}`]: "7x60",
      [`seawall_records_in_total{${w("feature-writer", ',stage="feature-writer"')}}`]: "0x60",
    },
  },
};

describeAlertRules("the pipeline's alert rules", pipelineRuleGroups(), CASES);

describe("the pipeline's alert rules' metrics and resource", () => {
  it("names only metrics the runtime and kube-state-metrics export", () => {
    const known = exportedMetricNames();
    const unknown = pipelineAlerts().flatMap((a) => metricNamesIn(a.expr).filter((m) => !known.has(m)));
    expect(unknown).toEqual([]);
    expect(metricNamesIn(pipelineAlerts()[0].expr)).toEqual(["seawall_consumer_lag"]);
  });

  it("renders a PrometheusRule valid against the prometheus-operator CRD", () => {
    const rule = renderPipelinePrometheusRule("seawall-pipeline", "monitoring");
    expect(schemaErrors(rule)).toEqual([]);
    expect((rule.spec as { groups: { rules: unknown[] }[] }).groups[0].rules).toHaveLength(8);
  });
});
