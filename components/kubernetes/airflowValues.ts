/**
 * The values of the official Apache Airflow Helm chart (apache/airflow `chart/`, 1.21.0, Airflow 3),
 * as a plain object the tests validate against the chart's own `values.schema.json`.
 *
 * What they set, and why:
 * - Airflow 3's `apiServer` (no Airflow 2 `webserver`), the executor per environment
 *   (KubernetesExecutor; CeleryExecutor with KEDA on the metadata database as an option).
 * - No default user (`createUserJob` off) and no chart-generated secret: the fernet key, the API
 *   secret key and the JWT secret come from Secrets the component makes from Pulumi secrets, so
 *   an upgrade never rotates them; the metadata connection, PgBouncer's configuration and the
 *   Celery broker likewise.
 * - The bundled PostgreSQL off: the cloud's database, reached through PgBouncer (TLS to the server).
 * - Remote task logs to the platform's object store through the pods' workload identity; no log
 *   volumes. The chart's NetworkPolicies stay off: 1.21.0's break task-log access on Airflow 3
 *   (fixed in 1.22.0); the component writes its own (`airflowRender.ts`).
 * - statsd metrics (the chart's exporter) for Prometheus; PDBs, requests and limits, non-root pods
 *   under the `restricted` Pod Security Standard, one service account bound to the cloud identity.
 * - Seawall's maintenance DAGs mounted from a ConfigMap, with what they need to start the runtime
 *   image as the stage workers' identity in the workers' namespace.
 */
import type { EnvironmentName } from "../profiles";
import { posix } from "node:path";
import { AIRFLOW_STORE_CA_FILE, type MaintenancePods } from "./airflowContract";

const { dirname } = posix;

/** The chart's repository. */
export const AIRFLOW_CHART_REPO = "https://airflow.apache.org";
/** The pinned chart version (its values schema is vendored in test/fixtures/deploy-schemas). */
export const AIRFLOW_CHART_VERSION = "1.21.0";
/** The Airflow version the chart runs (the chart's appVersion). */
export const AIRFLOW_VERSION = "3.2.0";
/** The official image. */
export const AIRFLOW_IMAGE_REPOSITORY = "apache/airflow";
/** The Helm release's name: the chart names its objects `<release>-<component>`. */
export const AIRFLOW_RELEASE = "airflow";

/** The executors the component offers. */
export const AIRFLOW_EXECUTORS = ["KubernetesExecutor", "CeleryExecutor"] as const;
export type AirflowExecutor = (typeof AIRFLOW_EXECUTORS)[number];

/** The chart's ports (its `ports` defaults). */
export const AIRFLOW_PORTS = {
  apiServer: 8080,
  pgbouncer: 6543,
  pgbouncerScrape: 9127,
  statsdIngest: 9125,
  statsdScrape: 9102,
  workerLogs: 8793,
  triggererLogs: 8794,
  redis: 6379,
} as const;

/** Where the DAG ConfigMap is mounted, inside the chart's dags folder. */
export const SEAWALL_DAGS_MOUNT = "/opt/airflow/dags/seawall_dags";

/** The Secrets the component makes and the chart references, by name, and the key each holds. */
export const AIRFLOW_SECRETS = {
  metadata: { name: "seawall-airflow-metadata", key: "connection" },
  resultBackend: { name: "seawall-airflow-result-backend", key: "connection" },
  pgbouncerConfig: { name: "seawall-airflow-pgbouncer-config", key: "pgbouncer.ini" },
  pgbouncerStats: { name: "seawall-airflow-pgbouncer-stats", key: "connection" },
  fernetKey: { name: "seawall-airflow-fernet-key", key: "fernet-key" },
  apiSecretKey: { name: "seawall-airflow-api-secret-key", key: "api-secret-key" },
  jwtSecret: { name: "seawall-airflow-jwt-secret", key: "jwt-secret" },
  redisPassword: { name: "seawall-airflow-redis-password", key: "password" },
  brokerUrl: { name: "seawall-airflow-broker-url", key: "connection" },
  admin: { name: "seawall-airflow-admin", key: "password" },
  logConnection: { name: "seawall-airflow-log-connection", key: "connection" },
} as const;

/** Replicas and resources of Airflow's components in one environment. */
export interface AirflowProfile {
  /** API servers, schedulers, DAG processors and triggerers, each. */
  replicas: number;
  /** Celery workers KEDA keeps at least (CeleryExecutor). */
  minCeleryWorkers: number;
  maxCeleryWorkers: number;
  /** PgBouncer replicas. */
  pgbouncerReplicas: number;
  /** Requests (= memory limit) of the scheduler, the API server and task pods. */
  memory: string;
  cpu: string;
}

/** Per environment: one of each in dev; two of each, spread over zones, in staging and prod. */
export const AIRFLOW_PROFILES: Record<EnvironmentName, AirflowProfile> = {
  dev: {
    replicas: 1,
    minCeleryWorkers: 0,
    maxCeleryWorkers: 2,
    pgbouncerReplicas: 1,
    memory: "1Gi",
    cpu: "250m",
  },
  staging: {
    replicas: 2,
    minCeleryWorkers: 1,
    maxCeleryWorkers: 4,
    pgbouncerReplicas: 2,
    memory: "2Gi",
    cpu: "500m",
  },
  prod: {
    replicas: 2,
    minCeleryWorkers: 1,
    maxCeleryWorkers: 8,
    pgbouncerReplicas: 2,
    memory: "2Gi",
    cpu: "500m",
  },
};

/** What the values depend on: all plain (the component resolves the Outputs first). */
export interface AirflowValuesInput {
  environment: EnvironmentName;
  executor: AirflowExecutor;
  /** The Airflow image's tag (the official image). @defaultValue {@link AIRFLOW_VERSION} */
  airflowTag: string;
  /** The service account every Airflow component runs as, and the pods' identity labels. */
  serviceAccountName: string;
  podLabels: Record<string, string>;
  /**
   * Remote logging: the folder, the connection id, and the connection as JSON when it holds no
   * credential (else undefined: it is read from {@link AIRFLOW_SECRETS}.logConnection).
   */
  logging: {
    baseLogFolder: string;
    connectionId: string;
    connection?: string;
    environment?: Record<string, string>;
  };
  /** The ConfigMap holding the DAG files. */
  dagsConfigMap: string;
  maintenance: MaintenancePods;
  /** The StorageClass for Celery's Redis volume. @defaultValue the cluster's default */
  storageClassName?: string;
  /** The database server's CA (PEM), which PgBouncer verifies it with (`verify-ca`/`verify-full`). */
  databaseCa?: string;
  /** A Secret holding the log store's CA (`ca.crt`), mounted at {@link AIRFLOW_STORE_CA_FILE}. */
  storeCaSecret?: string;
}

const NON_ROOT_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  seccompProfile: { type: "RuntimeDefault" },
};

/** A pod security context for `uid` that the `restricted` Pod Security Standard admits. */
function nonRootPod(uid: number, gid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

function resources(cpu: string, memory: string, cpuLimit?: string): Record<string, unknown> {
  return { requests: { cpu, memory }, limits: { memory, ...(cpuLimit ? { cpu: cpuLimit } : {}) } };
}

/** Spread a component's pods over zones (and nodes) when it has more than one. */
function spread(component: string, replicas: number): Record<string, unknown>[] {
  if (replicas < 2) return [];
  const labelSelector = { matchLabels: { tier: "airflow", component, release: AIRFLOW_RELEASE } };
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector,
    },
    { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector },
  ];
}

/** The variables the DAGs read to start the runtime image (see airflowDags/seawall_maintenance.py). */
export function maintenanceEnv(m: MaintenancePods): Record<string, string> {
  return {
    SEAWALL_RUNTIME_IMAGE: m.image,
    SEAWALL_MAINTENANCE_NAMESPACE: m.namespace,
    SEAWALL_MAINTENANCE_SERVICE_ACCOUNT: m.serviceAccountName,
    SEAWALL_MAINTENANCE_POD_LABELS: JSON.stringify(m.podLabels),
    SEAWALL_MAINTENANCE_ENV_CONFIGMAP: m.envConfigMap,
    SEAWALL_MAINTENANCE_SECRET_ENV: JSON.stringify(m.secretEnv),
  };
}

/** The chart's values. */
export function airflowValues(input: AirflowValuesInput): Record<string, unknown> {
  const p = AIRFLOW_PROFILES[input.environment];
  const celery = input.executor === "CeleryExecutor";
  const sa = { create: false, name: input.serviceAccountName, automountServiceAccountToken: true };
  const pdb = { enabled: true, config: { maxUnavailable: 1 } };
  const main = resources(p.cpu, p.memory);
  const groomer = { enabled: true, resources: resources("50m", "128Mi") };
  const component = (name: string, extra: Record<string, unknown> = {}) => ({
    replicas: p.replicas,
    serviceAccount: sa,
    resources: main,
    podDisruptionBudget: pdb,
    topologySpreadConstraints: spread(name, p.replicas),
    ...extra,
  });
  const connectionEnv = `AIRFLOW_CONN_${input.logging.connectionId.toUpperCase()}`;
  const env = Object.entries({
    ...(input.logging.connection !== undefined ? { [connectionEnv]: input.logging.connection } : {}),
    ...input.logging.environment,
    ...maintenanceEnv(input.maintenance),
  }).map(([name, value]) => ({ name, value }));
  return {
    airflowVersion: AIRFLOW_VERSION,
    defaultAirflowRepository: AIRFLOW_IMAGE_REPOSITORY,
    defaultAirflowTag: input.airflowTag,
    executor: input.executor,
    labels: input.podLabels,
    securityContexts: { pod: nonRootPod(50000, 0), containers: NON_ROOT_CONTAINER },
    // The chart's default user is admin/admin: none is created; see the README for the way in.
    createUserJob: { enabled: false },
    migrateDatabaseJob: { serviceAccount: sa, resources: resources("250m", "512Mi") },
    postgresql: { enabled: false },
    data: {
      metadataSecretName: AIRFLOW_SECRETS.metadata.name,
      ...(celery
        ? {
            resultBackendSecretName: AIRFLOW_SECRETS.resultBackend.name,
            brokerUrlSecretName: AIRFLOW_SECRETS.brokerUrl.name,
          }
        : {}),
    },
    fernetKeySecretName: AIRFLOW_SECRETS.fernetKey.name,
    apiSecretKeySecretName: AIRFLOW_SECRETS.apiSecretKey.name,
    jwtSecretName: AIRFLOW_SECRETS.jwtSecret.name,
    // Airflow 3 has no webserver secret: do not reference the Airflow 2 Secret the chart no longer makes.
    enableBuiltInSecretEnvVars: { AIRFLOW__WEBSERVER__SECRET_KEY: false },
    networkPolicies: { enabled: false },
    rbac: { create: true },
    allowPodLaunching: true,
    apiServer: component("api-server"),
    scheduler: component("scheduler", { logGroomerSidecar: groomer }),
    dagProcessor: component("dag-processor", { enabled: true, logGroomerSidecar: groomer }),
    triggerer: component("triggerer", { persistence: { enabled: false }, logGroomerSidecar: groomer }),
    workers: {
      serviceAccount: sa,
      resources: main,
      ...(celery
        ? {
            celery: {
              persistence: { enabled: false },
              logGroomerSidecar: groomer,
              podDisruptionBudget: pdb,
              keda: {
                enabled: true,
                minReplicaCount: p.minCeleryWorkers,
                maxReplicaCount: p.maxCeleryWorkers,
              },
            },
          }
        : {}),
    },
    redis: celery
      ? {
          enabled: true,
          passwordSecretName: AIRFLOW_SECRETS.redisPassword.name,
          persistence: {
            enabled: true,
            size: "1Gi",
            ...(input.storageClassName ? { storageClassName: input.storageClassName } : {}),
          },
          securityContexts: { pod: nonRootPod(999, 999), container: NON_ROOT_CONTAINER },
          resources: resources("100m", "256Mi"),
        }
      : { enabled: false },
    pgbouncer: {
      enabled: true,
      replicas: p.pgbouncerReplicas,
      configSecretName: AIRFLOW_SECRETS.pgbouncerConfig.name,
      ...(input.databaseCa ? { ssl: { ca: input.databaseCa } } : {}),
      // TLS to the database is set in the configuration Secret (server_tls_sslmode).
      metricsExporterSidecar: {
        statsSecretName: AIRFLOW_SECRETS.pgbouncerStats.name,
        resources: resources("50m", "64Mi"),
        securityContexts: { container: { ...NON_ROOT_CONTAINER, readOnlyRootFilesystem: true } },
      },
      podDisruptionBudget: pdb,
      resources: resources("100m", "128Mi"),
      securityContexts: {
        pod: nonRootPod(65534, 65534),
        container: { ...NON_ROOT_CONTAINER, readOnlyRootFilesystem: true },
      },
    },
    statsd: {
      enabled: true,
      resources: resources("50m", "128Mi"),
      securityContexts: {
        pod: nonRootPod(65534, 65534),
        container: { ...NON_ROOT_CONTAINER, readOnlyRootFilesystem: true },
      },
    },
    logs: { persistence: { enabled: false } },
    config: {
      core: { load_examples: "False" },
      logging: {
        remote_logging: "True",
        remote_base_log_folder: input.logging.baseLogFolder,
        remote_log_conn_id: input.logging.connectionId,
        delete_local_logs: "True",
      },
      api: { expose_config: "False" },
      kubernetes_executor: { delete_worker_pods: "True", delete_worker_pods_on_failure: "False" },
    },
    env,
    // A connection with a credential is read from its Secret by every Airflow container.
    secret:
      input.logging.connection === undefined
        ? [
            {
              envName: connectionEnv,
              secretName: AIRFLOW_SECRETS.logConnection.name,
              secretKey: AIRFLOW_SECRETS.logConnection.key,
            },
          ]
        : [],
    volumes: [
      { name: "seawall-dags", configMap: { name: input.dagsConfigMap } },
      ...(input.storeCaSecret
        ? [
            {
              name: "seawall-store-ca",
              secret: { secretName: input.storeCaSecret, items: [{ key: "ca.crt", path: "ca.crt" }] },
            },
          ]
        : []),
    ],
    volumeMounts: [
      { name: "seawall-dags", mountPath: SEAWALL_DAGS_MOUNT, readOnly: true },
      ...(input.storeCaSecret
        ? [{ name: "seawall-store-ca", mountPath: dirname(AIRFLOW_STORE_CA_FILE), readOnly: true }]
        : []),
    ],
    cleanup: { enabled: false },
    databaseCleanup: {
      enabled: true,
      retentionDays: 90,
      serviceAccount: sa,
      resources: resources("100m", "512Mi"),
    },
  };
}
