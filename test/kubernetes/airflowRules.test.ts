import {
  airflowAlerts,
  airflowRuleGroups,
  renderAirflowPrometheusRule,
  RESTORE_DRILL_DAG,
} from "../../components/kubernetes/airflowRules";
import { metricNamesIn } from "./metricNames";
import { type AlertCase, describeAlertRules } from "./promtool";
import { schemaErrors } from "./schemas";

const statsd = 'namespace="airflow",service="airflow-statsd"';
const dag = (id: string) => `${statsd},dag_id="${id}"`;

const CASES: Record<string, AlertCase> = {
  AirflowSchedulerHeartbeatMissing: {
    at: "20m",
    fires: { [`airflow_scheduler_heartbeat{${statsd},type="counter"}`]: "0+12x5 60x20" },
    labels: { severity: "critical" },
    quiet: { [`airflow_scheduler_heartbeat{${statsd},type="counter"}`]: "0+12x30" },
  },
  AirflowDagRunFailed: {
    at: "10m",
    fires: { [`airflow_dagrun_failed_count{${dag("seawall_compact")}}`]: "0x5 1x10" },
    labels: { dag_id: "seawall_compact", severity: "warning" },
    quiet: { [`airflow_dagrun_failed_count{${dag("seawall_compact")}}`]: "1x15" },
  },
  SeawallRestoreDrillFailed: {
    at: "10m",
    fires: { [`airflow_dagrun_failed_count{${dag(RESTORE_DRILL_DAG)}}`]: "0x5 1x10" },
    labels: { severity: "critical" },
    quiet: {
      [`airflow_dagrun_failed_count{${dag(RESTORE_DRILL_DAG)}}`]: "0x15",
      [`airflow_dagrun_failed_count{${dag("seawall_compact")}}`]: "0x5 1x10",
    },
  },
  SeawallRestoreDrillOverdue: {
    at: "3d",
    // One success at the start, then none for three days (samples every hour: 72 of them).
    fires: { [`airflow_dagrun_duration_count{${dag(RESTORE_DRILL_DAG)}}`]: "0 1x4400" },
    labels: { severity: "warning" },
    quiet: { [`airflow_dagrun_duration_count{${dag(RESTORE_DRILL_DAG)}}`]: "0+1x4400" },
  },
};

describeAlertRules("Airflow's alert rules", airflowRuleGroups(), CASES);

describe("Airflow's alert rules' metrics and resource", () => {
  it("names only the metrics the chart's statsd mappings export", () => {
    const mapped = new Set([
      "airflow_scheduler_heartbeat",
      "airflow_dagrun_failed_count",
      "airflow_dagrun_duration_count",
    ]);
    expect(airflowAlerts().flatMap((a) => metricNamesIn(a.expr).filter((m) => !mapped.has(m)))).toEqual([]);
  });

  it("renders a PrometheusRule valid against the prometheus-operator CRD", () => {
    const rule = renderAirflowPrometheusRule("airflow", "airflow");
    expect(schemaErrors(rule)).toEqual([]);
    expect(rule.metadata).toEqual({
      name: "airflow",
      namespace: "airflow",
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    });
  });
});
