/**
 * The values of Velero's official Helm chart (vmware-tanzu/helm-charts `velero`) as a plain object:
 * backups of the cluster's objects (and, with a CSI snapshot class, of its volumes) to an
 * S3-compatible bucket through the AWS plugin. The tests validate them against the chart's
 * values.schema.json after Helm's merge with its defaults.
 */

/** Velero's chart repository. */
export const VELERO_CHART_REPO = "https://vmware-tanzu.github.io/helm-charts";
/** The pinned chart version (Velero 1.18.1). */
export const VELERO_CHART_VERSION = "12.1.0";
/** The AWS object-store plugin paired with Velero 1.18 (S3 and S3-compatible stores). */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.2";
/** Where the store's CA is mounted in Velero's pod. */
export const VELERO_CA_PATH = "/etc/seawall/s3-ca";
/** The schedule's backup prefix in the bucket. */
export const VELERO_PREFIX = "velero";

/** What the values depend on. */
export interface VeleroValuesInput {
  /** The store's S3 endpoint (https). */
  endpoint: string;
  bucket: string;
  region: string;
  /** A Secret in Velero's namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, loaded as environment. */
  credentialsSecret: string;
  /** A Secret in Velero's namespace whose `ca.crt` signs the store's certificate; none for a public CA. */
  caSecret?: string;
  /** Days a daily backup is kept. */
  retentionDays: number;
  /** Cron schedule of the daily backup (UTC). */
  schedule: string;
  /** The cluster has a CSI VolumeSnapshotClass labelled for Velero: volumes are snapshotted. */
  csiSnapshots: boolean;
}

const UID = 65532;

/**
 * One Velero server (it is a single controller: two replicas would race, and a
 * PodDisruptionBudget over one replica would block every node drain, so the chart's PDB stays off;
 * an evicted backup is marked failed and the next run starts afresh), non-root with a read-only
 * root filesystem, requests and limits; the AWS plugin as an init container; the store as the
 * default BackupStorageLocation (path-style, `s3Url` the endpoint), its keys from
 * `credentialsSecret` as environment (`credentials.useSecret: false`, the plugin's AWS SDK reads
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and its CA through `AWS_CA_BUNDLE` (the CA is made
 * at deploy time, so it cannot be the location's inline `caCert`); a daily schedule of the whole
 * cluster kept `retentionDays`; no node agent and no file-system backup (they need root and host
 * paths); CSI snapshots only when the cluster has a snapshot class; metrics with a ServiceMonitor.
 */
export function veleroValues(input: VeleroValuesInput): Record<string, unknown> {
  const security = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ["ALL"] },
  };
  const ca = input.caSecret
    ? {
        extraVolumes: [{ name: "s3-ca", secret: { secretName: input.caSecret } }],
        extraVolumeMounts: [{ name: "s3-ca", mountPath: VELERO_CA_PATH, readOnly: true }],
      }
    : {};
  return {
    initContainers: [
      {
        name: "velero-plugin-for-aws",
        image: VELERO_AWS_PLUGIN_IMAGE,
        imagePullPolicy: "IfNotPresent",
        securityContext: security,
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        volumeMounts: [{ mountPath: "/target", name: "plugins" }],
      },
    ],
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: UID,
      runAsGroup: UID,
      fsGroup: UID,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containerSecurityContext: security,
    resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    // The pre-install hook that applies Velero's CRDs: the velero image renders them, kubectl applies them.
    upgradeJobResources: {
      requests: { cpu: "50m", memory: "64Mi" },
      limits: { cpu: "500m", memory: "256Mi" },
    },
    kubectl: {
      containerSecurityContext: { ...security, runAsNonRoot: true, runAsUser: UID },
      resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
    },
    ...ca,
    podDisruptionBudget: { enabled: false },
    credentials: { useSecret: false, extraSecretRef: input.credentialsSecret },
    backupsEnabled: true,
    snapshotsEnabled: false,
    deployNodeAgent: false,
    configuration: {
      backupStorageLocation: [
        {
          name: "default",
          provider: "aws",
          bucket: input.bucket,
          prefix: VELERO_PREFIX,
          default: true,
          config: { region: input.region, s3ForcePathStyle: "true", s3Url: input.endpoint },
        },
      ],
      volumeSnapshotLocation: [],
      defaultVolumesToFsBackup: false,
      ...(input.caSecret
        ? { extraEnvVars: [{ name: "AWS_CA_BUNDLE", value: `${VELERO_CA_PATH}/ca.crt` }] }
        : {}),
    },
    metrics: {
      enabled: true,
      serviceMonitor: { enabled: true, autodetect: false },
    },
    schedules: {
      daily: {
        disabled: false,
        schedule: input.schedule,
        useOwnerReferencesInBackup: false,
        template: {
          ttl: `${input.retentionDays * 24}h0m0s`,
          storageLocation: "default",
          includedNamespaces: ["*"],
          snapshotVolumes: input.csiSnapshots,
          defaultVolumesToFsBackup: false,
        },
      },
    },
  };
}
