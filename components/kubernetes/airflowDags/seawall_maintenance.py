"""Seawall's maintenance tasks: the runtime image's commands, run as Kubernetes pods.

Every DAG file names "Airflow" and "DAG" in its docstring: Airflow's safe mode parses only files
that contain both words.

Every task starts the stage workers' image in the workers' namespace, as the workers' service
account (their cloud identity: the lake and the feature store), with their environment, and runs
`node dist/main.js <command> <flags>`. The logic lives in the runtime (TypeScript, tested there);
these DAGs only schedule it. The Seawall Airflow component sets the SEAWALL_* variables below.
"""

import json
import os
from datetime import datetime, timedelta

from kubernetes.client import models as k8s

from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from airflow.sdk import DAG

NAMESPACE = os.environ.get("SEAWALL_MAINTENANCE_NAMESPACE", "seawall")
IMAGE = os.environ.get("SEAWALL_RUNTIME_IMAGE", "")
SERVICE_ACCOUNT = os.environ.get("SEAWALL_MAINTENANCE_SERVICE_ACCOUNT", "seawall-workers")
POD_LABELS = json.loads(os.environ.get("SEAWALL_MAINTENANCE_POD_LABELS", "{}"))
ENV_CONFIGMAP = os.environ.get("SEAWALL_MAINTENANCE_ENV_CONFIGMAP", "")
# {"REDIS_AUTH": {"name": "<Secret>", "key": "<key>"}, ...}: what the pods read from Secrets.
SECRET_ENV = json.loads(os.environ.get("SEAWALL_MAINTENANCE_SECRET_ENV", "{}"))

# The runtime image runs as `node` (uid 1000), read-only, like the stage workers: the workers'
# namespace enforces the `restricted` Pod Security Standard.
POD_SECURITY = k8s.V1PodSecurityContext(
    run_as_non_root=True,
    run_as_user=1000,
    run_as_group=1000,
    fs_group=1000,
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)
CONTAINER_SECURITY = k8s.V1SecurityContext(
    allow_privilege_escalation=False,
    privileged=False,
    read_only_root_filesystem=True,
    run_as_non_root=True,
    capabilities=k8s.V1Capabilities(drop=["ALL"]),
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)

DEFAULT_ARGS = {
    "owner": "seawall",
    "retries": 2,
    "retry_exponential_backoff": True,
}


def maintenance_dag(dag_id, description, schedule, retries=2, params=None):
    """A Seawall maintenance DAG: one run at a time, no catch-up, unpaused on creation."""
    return DAG(
        dag_id=dag_id,
        description=description,
        schedule=schedule,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        is_paused_upon_creation=False,
        default_args={**DEFAULT_ARGS, "retries": retries},
        params=params or {},
        tags=["seawall", "maintenance"],
    )


def runtime_task(task_id, arguments, memory="1Gi", cpu="500m", timeout_hours=6):
    """A KubernetesPodOperator running `node dist/main.js <arguments...>` from the runtime image.

    `arguments` is a literal list: the first item is the runtime command, the rest its flags
    (Jinja templates allowed in values). Seawall's tests read these lists from the DAG files and
    check each against the runtime's own argument parser.
    """
    env_from = [k8s.V1EnvFromSource(config_map_ref=k8s.V1ConfigMapEnvSource(name=ENV_CONFIGMAP))]
    env_vars = [
        k8s.V1EnvVar(
            name=env,
            value_from=k8s.V1EnvVarSource(
                secret_key_ref=k8s.V1SecretKeySelector(name=ref["name"], key=ref["key"])
            ),
        )
        for env, ref in sorted(SECRET_ENV.items())
    ]
    return KubernetesPodOperator(
        task_id=task_id,
        name=arguments[0],
        namespace=NAMESPACE,
        image=IMAGE,
        cmds=["node", "--enable-source-maps", "dist/main.js"],
        arguments=arguments,
        env_from=env_from,
        env_vars=env_vars,
        labels=POD_LABELS,
        service_account_name=SERVICE_ACCOUNT,
        security_context=POD_SECURITY,
        container_security_context=CONTAINER_SECURITY,
        container_resources=k8s.V1ResourceRequirements(
            requests={"cpu": cpu, "memory": memory},
            limits={"memory": memory},
        ),
        volumes=[k8s.V1Volume(name="tmp", empty_dir=k8s.V1EmptyDirVolumeSource(size_limit="1Gi"))],
        volume_mounts=[k8s.V1VolumeMount(name="tmp", mount_path="/tmp")],
        get_logs=True,
        on_finish_action="delete_succeeded_pod",
        execution_timeout=timedelta(hours=timeout_hours),
    )
