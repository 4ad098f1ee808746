"""Airflow DAG seawall_restore_drill: restore yesterday's lake and the latest feature backup into scratch, and verify them.

The runtime's `restore-drill` command checks every restored object's SHA-256 and record count
against the source and the backup's manifest, and exits non-zero on any mismatch: the task fails
(no retry: a failed drill is a finding), and the `SeawallRestoreDrillFailed` alert fires.
"""

from seawall_dags.seawall_maintenance import maintenance_dag, runtime_task

with maintenance_dag(
    "seawall_restore_drill",
    "Restore and verify the lake and the feature store's backup (runtime: restore-drill)",
    "0 4 * * *",
    retries=0,
):
    runtime_task(
        "restore-drill",
        [
            "restore-drill",
            "--from-date",
            "{{ macros.ds_add(ds, -1) }}",
            "--to-date",
            "{{ macros.ds_add(ds, -1) }}",
        ],
    )
