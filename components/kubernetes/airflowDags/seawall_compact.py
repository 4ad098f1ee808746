"""Airflow DAG seawall_compact: merge yesterday's small lake files into larger ones, keeping one record per eventId.

The runtime's `compact` command writes each merged file create-only before it deletes the inputs,
so a crash mid-run loses and duplicates nothing, and the lake sink keeps writing meanwhile.
"""

from seawall_dags.seawall_maintenance import maintenance_dag, runtime_task

with maintenance_dag("seawall_compact", "Merge yesterday's small lake files (runtime: compact)", "0 2 * * *"):
    runtime_task("compact", ["compact", "--date", "{{ macros.ds_add(ds, -1) }}"])
