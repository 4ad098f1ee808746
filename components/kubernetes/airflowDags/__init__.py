"""Seawall's maintenance DAGs (mounted by the Seawall Airflow component as the `seawall_dags` package)."""
