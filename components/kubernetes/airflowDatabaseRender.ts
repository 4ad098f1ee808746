/**
 * Airflow's metadata database on a plain cluster as plain values (no Pulumi): the CloudNativePG
 * operator chart's values, the `postgresql.cnpg.io/v1` Cluster, its ScheduledBackup and PodMonitor.
 * `airflowDatabase.ts` creates them; the tests validate them against the chart's schema and the
 * CRDs' strict schemas (CloudNativePG 1.30.0).
 *
 * Backups: the Cluster CRD of 1.30 has both the in-tree `spec.backup.barmanObjectStore` (deprecated
 * since 1.26, still functional) and `spec.plugins` for the Barman Cloud Plugin (a separate
 * operator with its own `barmancloud.cnpg.io/v1` ObjectStore CRD). This renders the in-tree
 * method: it needs nothing beyond the operator and an image with barman-cloud (the `system`
 * images); moving to the plugin is a later step (see CloudNativePG's migration guide).
 */
import { AIRFLOW_DATABASE_NAME, AIRFLOW_DATABASE_USER } from "./airflowContract";
import type { KubeObject } from "./stageWorkersRender";

/** CloudNativePG's chart repository. */
export const CNPG_CHART_REPO = "https://cloudnative-pg.github.io/charts";
/** The pinned operator chart (CloudNativePG 1.30.0). */
export const CNPG_CHART_VERSION = "0.29.0";
/**
 * PostgreSQL 17 (the major the other clouds' Airflow databases run), a `system` image: it carries
 * barman-cloud, which the in-tree backups run.
 */
export const CNPG_POSTGRES_IMAGE = "ghcr.io/cloudnative-pg/postgresql:17.6-system-trixie";
/** The API group and version of CloudNativePG's resources. */
export const CNPG_API_VERSION = "postgresql.cnpg.io/v1";
/** The key CloudNativePG writes its CA under in `<cluster>-ca`. */
export const CNPG_CA_KEY = "ca.crt";

/** The operator chart's values: HA in prod, requests and limits, a PodMonitor. Its pods already run non-root, read-only, seccomp RuntimeDefault. */
export function cnpgOperatorValues(input: { replicas: number }): Record<string, unknown> {
  const selector = { "app.kubernetes.io/name": "cloudnative-pg" };
  return {
    replicaCount: input.replicas,
    crds: { create: true },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    monitoring: { podMonitorEnabled: true },
    ...(input.replicas > 1
      ? {
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: selector },
                    topologyKey: "kubernetes.io/hostname",
                  },
                },
              ],
            },
          },
        }
      : {}),
  };
}

/** What the Cluster depends on. */
export interface CnpgClusterInput {
  name: string;
  namespace: string;
  instances: number;
  storageGiB: number;
  storageClass?: string;
  /** The `kubernetes.io/basic-auth` Secret with the owner's username and password. */
  appSecret: string;
  /** Days barman keeps base backups and WAL. */
  retentionDays: number;
  backup: {
    /** `s3://<bucket>/<prefix>` */
    destinationPath: string;
    endpointURL: string;
    /** The Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. */
    credentialsSecret: string;
    /** The Secret whose `ca.crt` signs the store's certificate; none for a public CA. */
    caSecret?: string;
  };
}

/** The pods' labels CloudNativePG sets, by cluster. */
const clusterSelector = (name: string) => ({ "cnpg.io/cluster": name });

/**
 * The PostgreSQL cluster: `instances` (a primary and streaming standbys; CloudNativePG fails over
 * and makes the PodDisruptionBudgets itself, `enablePDB`), required anti-affinity over nodes and a
 * spread over zones, the data on PVCs, TLS from CloudNativePG's own CA with every non-TLS
 * connection refused (`hostnossl ... reject`), no superuser access, a bootstrap `airflow` database
 * owned by `airflow` with the password from `appSecret`, data checksums, and continuous backup
 * (base backups and WAL) to the object store over TLS.
 */
export function renderCnpgCluster(input: CnpgClusterInput): KubeObject {
  const selector = clusterSelector(input.name);
  const credential = (key: string) => ({ name: input.backup.credentialsSecret, key });
  return {
    apiVersion: CNPG_API_VERSION,
    kind: "Cluster",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { "app.kubernetes.io/part-of": "seawall" },
    },
    spec: {
      instances: input.instances,
      imageName: CNPG_POSTGRES_IMAGE,
      primaryUpdateStrategy: "unsupervised",
      enableSuperuserAccess: false,
      enablePDB: true,
      postgresql: {
        parameters: { password_encryption: "scram-sha-256", log_connections: "on", log_disconnections: "on" },
        pg_hba: ["hostnossl all all 0.0.0.0/0 reject", "hostnossl all all ::/0 reject"],
      },
      bootstrap: {
        initdb: {
          database: AIRFLOW_DATABASE_NAME,
          owner: AIRFLOW_DATABASE_USER,
          secret: { name: input.appSecret },
          dataChecksums: true,
          encoding: "UTF8",
        },
      },
      storage: {
        size: `${input.storageGiB}Gi`,
        ...(input.storageClass ? { storageClass: input.storageClass } : {}),
      },
      resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
      affinity: {
        enablePodAntiAffinity: true,
        topologyKey: "kubernetes.io/hostname",
        podAntiAffinityType: input.instances > 1 ? "required" : "preferred",
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: selector },
        },
      ],
      backup: {
        retentionPolicy: `${input.retentionDays}d`,
        barmanObjectStore: {
          destinationPath: input.backup.destinationPath,
          endpointURL: input.backup.endpointURL,
          ...(input.backup.caSecret ? { endpointCA: { name: input.backup.caSecret, key: "ca.crt" } } : {}),
          s3Credentials: {
            accessKeyId: credential("AWS_ACCESS_KEY_ID"),
            secretAccessKey: credential("AWS_SECRET_ACCESS_KEY"),
          },
          wal: { compression: "gzip", maxParallel: 2 },
          data: { compression: "gzip", jobs: 2 },
        },
      },
    },
  };
}

/** A daily base backup at 02:00 UTC (CloudNativePG's six-field cron, seconds first), and one at creation. */
export function renderScheduledBackup(name: string, namespace: string): KubeObject {
  return {
    apiVersion: CNPG_API_VERSION,
    kind: "ScheduledBackup",
    metadata: { name: `${name}-daily`, namespace },
    spec: {
      schedule: "0 0 2 * * *",
      immediate: true,
      backupOwnerReference: "self",
      method: "barmanObjectStore",
      cluster: { name },
    },
  };
}

/** A PodMonitor for the instances' exporter (`metrics`, 9187): the Cluster's own `enablePodMonitor` is deprecated in 1.30. */
export function renderPodMonitor(name: string, namespace: string): KubeObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: clusterSelector(name) },
      podMetricsEndpoints: [{ port: "metrics" }],
    },
  };
}

/** The read-write Service CloudNativePG makes for the primary. */
export const cnpgPrimaryHost = (name: string, namespace: string) => `${name}-rw.${namespace}.svc`;
