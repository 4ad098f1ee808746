"""Airflow DAG seawall_backup_features: the feature keys, copied to the object store with checksums and a manifest."""

from seawall_dags.seawall_maintenance import maintenance_dag, runtime_task

with maintenance_dag(
    "seawall_backup_features",
    "Back the feature store up to the object store (runtime: backup-features)",
    "15 1 * * *",
):
    runtime_task("backup-features", ["backup-features"])
