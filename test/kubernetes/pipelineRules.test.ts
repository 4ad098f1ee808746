import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import {
  pipelineAlerts,
  pipelineRuleGroups,
  renderPipelinePrometheusRule,
} from "../../components/kubernetes/pipelineRules";
import { exportedMetricNames, metricNamesIn } from "./metricNames";
import { schemaErrors } from "./schemas";

/** Runs promtool; fails with the install hint when it is missing (never skips). */
function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) {
    throw new Error(
      `promtool is not installed (${r.error.message}): run bash scripts/bootstrap.sh, which installs Debian's prometheus package (apt-get install prometheus)`,
    );
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const dir = mkdtempSync(join(tmpdir(), "seawall-rules-"));
const rulesFile = join(dir, "rules.yaml");
writeFileSync(rulesFile, stringify(pipelineRuleGroups()));
// The unit tests check expressions, durations and labels; annotations are checked by `check rules`.
const bareFile = join(dir, "bare.yaml");
writeFileSync(
  bareFile,
  stringify({
    groups: pipelineRuleGroups().groups.map((g) => ({
      ...g,
      rules: g.rules.map(({ annotations: _a, ...r }) => r),
    })),
  }),
);

const w = (service: string, extra = "") =>
  `namespace="seawall",service="${service}",pod="${service}-0"${extra}`;

/** Per alert: the series that make it fire, the labels it fires with, and series that do not. */
const CASES: Record<
  string,
  { at: string; fires: Record<string, string>; labels: Record<string, string>; quiet: Record<string, string> }
> = {
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
  SeawallRestoreDrillFailed: {
    at: "5m",
    fires: { 'kube_pod_status_phase{namespace="airflow",pod="restore-drill-x1",phase="Failed"}': "1x10" },
    labels: { namespace: "airflow", pod: "restore-drill-x1", severity: "critical" },
    quiet: { 'kube_pod_status_phase{namespace="airflow",pod="restore-drill-x1",phase="Failed"}': "0x10" },
  },
};

const series = (s: Record<string, string>) =>
  Object.entries(s).map(([name, values]) => ({ series: name, values }));

describe("the pipeline's alert rules", () => {
  it("pass promtool check rules", () => {
    const r = promtool("check", "rules", rulesFile);
    expect(r.output).toContain(`SUCCESS: ${pipelineAlerts().length} rules found`);
    expect(r.status).toBe(0);
  });

  it("has a unit test for every alert", () => {
    expect(Object.keys(CASES).sort()).toEqual(
      pipelineAlerts()
        .map((a) => a.alert)
        .sort(),
    );
  });

  it.each(Object.keys(CASES))(
    "%s fires on its condition and stays quiet otherwise (promtool test rules)",
    (alert) => {
      const c = CASES[alert];
      const file = join(dir, `${alert}.test.yaml`);
      writeFileSync(
        file,
        stringify({
          rule_files: [bareFile],
          evaluation_interval: "1m",
          tests: [
            {
              interval: "1m",
              input_series: series(c.fires),
              alert_rule_test: [
                { eval_time: c.at, alertname: alert, exp_alerts: [{ exp_labels: c.labels }] },
              ],
            },
            {
              interval: "1m",
              input_series: series(c.quiet),
              alert_rule_test: [{ eval_time: c.at, alertname: alert, exp_alerts: [] }],
            },
          ],
        }),
      );
      const r = promtool("test", "rules", file);
      expect(r.output).toContain("SUCCESS");
      expect(r.status).toBe(0);
    },
  );

  it("fails promtool when an alert's expected labels are wrong (the unit tests can fail)", () => {
    const file = join(dir, "wrong.test.yaml");
    const c = CASES.SeawallCircuitBreakerOpen;
    writeFileSync(
      file,
      stringify({
        rule_files: [bareFile],
        tests: [
          {
            interval: "1m",
            input_series: series(c.quiet),
            alert_rule_test: [
              {
                eval_time: c.at,
                alertname: "SeawallCircuitBreakerOpen",
                exp_alerts: [{ exp_labels: c.labels }],
              },
            ],
          },
        ],
      }),
    );
    expect(promtool("test", "rules", file).status).not.toBe(0);
  });

  it("names only metrics the runtime and kube-state-metrics export", () => {
    const known = exportedMetricNames();
    const unknown = pipelineAlerts().flatMap((a) => metricNamesIn(a.expr).filter((m) => !known.has(m)));
    expect(unknown).toEqual([]);
    expect(metricNamesIn(pipelineAlerts()[0].expr)).toEqual(["seawall_consumer_lag"]);
  });

  it("renders a PrometheusRule valid against the prometheus-operator CRD", () => {
    const rule = renderPipelinePrometheusRule("seawall-pipeline", "monitoring");
    expect(schemaErrors(rule)).toEqual([]);
    expect((rule.spec as { groups: { rules: unknown[] }[] }).groups[0].rules).toHaveLength(9);
  });
});
