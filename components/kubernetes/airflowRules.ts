/**
 * Airflow's alert rules, on the metrics the chart's statsd exporter makes of Airflow's statsd
 * stream (the chart's `files/statsd-mappings.yml`: `airflow_scheduler_heartbeat`, and per DAG the
 * run-duration timers `airflow_dagrun_duration` for successes and `airflow_dagrun_failed` for
 * failures, which the exporter exports as summaries with `_count`). Checked with promtool in the tests.
 */
import { alertRule, type AlertRule, renderPrometheusRule } from "./pipelineRules";
import type { KubeObject } from "./stageWorkersRender";

/** The restore drill's DAG id (airflowDags/seawall_restore_drill.py). */
export const RESTORE_DRILL_DAG = "seawall_restore_drill";

/** How long the restore drill may go without a successful run before it is overdue (it runs daily). */
export const RESTORE_DRILL_OVERDUE = "2d";

/** Airflow's alerts. */
export function airflowAlerts(): AlertRule[] {
  const drill = `dag_id="${RESTORE_DRILL_DAG}"`;
  return [
    alertRule(
      "AirflowSchedulerHeartbeatMissing",
      "sum(rate(airflow_scheduler_heartbeat[5m])) == 0 or absent(airflow_scheduler_heartbeat)",
      "5m",
      "critical",
      "no Airflow scheduler is heartbeating",
      "airflow_scheduler_heartbeat stopped growing (or was never reported): no scheduler runs, so no DAG (restore drill, compaction, backups) is scheduled. Check the scheduler pods and the metadata database.",
    ),
    alertRule(
      "AirflowDagRunFailed",
      "sum by (dag_id) (increase(airflow_dagrun_failed_count[1h])) > 0",
      "0m",
      "warning",
      "DAG {{ $labels.dag_id }} failed a run in the last hour",
      "airflow_dagrun_failed_count grew: a DAG run ended failed. Open the run in Airflow; its task logs are in the object store under logs/.",
    ),
    alertRule(
      "SeawallRestoreDrillFailed",
      `sum(increase(airflow_dagrun_failed_count{${drill}}[1d])) > 0`,
      "0m",
      "critical",
      "the restore drill failed",
      "A restore-drill run failed: the lake or the feature store's backup could not be restored and verified (a checksum, a count or a missing backup). A backup that cannot be restored is no backup: read the drill's report in its task log.",
    ),
    alertRule(
      "SeawallRestoreDrillOverdue",
      `sum(increase(airflow_dagrun_duration_count{${drill}}[${RESTORE_DRILL_OVERDUE}])) == 0 or absent(airflow_dagrun_duration_count{${drill}})`,
      "1h",
      "warning",
      `no restore drill succeeded in ${RESTORE_DRILL_OVERDUE}`,
      "The daily restore drill has not succeeded lately (it failed, is paused, or never ran): nobody knows whether the backups restore.",
    ),
  ];
}

/** The rule file: one group, evaluated every minute. */
export function airflowRuleGroups(): { groups: { name: string; interval: string; rules: AlertRule[] }[] } {
  return { groups: [{ name: "seawall-airflow", interval: "1m", rules: airflowAlerts() }] };
}

/** The PrometheusRule kube-prometheus-stack's Prometheus loads (it selects every namespace's rules). */
export function renderAirflowPrometheusRule(name: string, namespace: string): KubeObject {
  return renderPrometheusRule(name, namespace, airflowRuleGroups());
}
