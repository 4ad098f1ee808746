"""Airflow DAG seawall_backfill: replay a time range of the lake into the feature store, idempotently.

Triggered by hand with the range as parameters (`from` and `to`, ISO dates or times), e.g.
`airflow dags trigger seawall_backfill --conf '{"from": "2026-11-01", "to": "2026-11-02"}'`.
"""

from airflow.sdk import Param

from seawall_dags.seawall_maintenance import maintenance_dag, runtime_task

with maintenance_dag(
    "seawall_backfill",
    "Replay a range of the lake into the feature store (runtime: backfill)",
    None,
    params={
        "from": Param(type="string", description="The first event time or date to replay (ISO 8601)"),
        "to": Param(type="string", description="The end of the range, exclusive (ISO 8601)"),
    },
):
    runtime_task("backfill", ["backfill", "--from", "{{ params.from }}", "--to", "{{ params.to }}"])
