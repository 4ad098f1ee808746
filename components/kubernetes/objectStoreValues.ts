/**
 * The S3-compatible object store of the `kubernetes` target as plain values (no Pulumi): the
 * SeaweedFS chart's values, the S3 gateway's certificate, the gateway's identities, the Job that
 * creates the buckets, the PodDisruptionBudgets, and the asynchronous replica sync. `objectStore.ts`
 * creates them; the tests check the values against the chart's values.yaml and the objects against
 * the Kubernetes and cert-manager schemas.
 *
 * Why SeaweedFS (chart 4.44.0, Apache-2.0), not MinIO or Rook-Ceph RGW: MinIO's community edition
 * is unmaintained since 2026 (and AGPL-3.0). Rook-Ceph RGW is maintained and complete, but it is a
 * whole Ceph cluster (monitors, managers, OSDs on raw block devices, an RGW): several GiB of memory
 * before the first object and raw disks that kind, k3s and many on-premises clusters do not have.
 * SeaweedFS is maintained (a release every few weeks; 4.44 is from 2026-08-22), runs on ordinary
 * PVCs with a few hundred MiB, and its S3 gateway does what the lake needs (checked in its source
 * at tag 4.44, `weed/s3api`, `weed/shell`):
 * - versioning: PutBucketVersioning / ListObjectVersions / GET ?versionId (`s3api_object_versioning.go`),
 *   and `s3.bucket.versioning -status Enabled` in `weed shell`;
 * - object lock: a bucket created with lock (`s3.bucket.create -withLock`, irreversible, turns
 *   versioning on), object retention in GOVERNANCE and COMPLIANCE mode, legal holds, and a
 *   bucket's default retention through PutObjectLockConfiguration (`s3api_object_retention.go`,
 *   `s3api_bucket_handlers_object_lock_config.go`). This component turns lock on and sets no
 *   default retention (`weed shell` has no command for it): with versioning, an overwrite or a
 *   delete keeps the old version, and the identities it makes hold no retention or
 *   BypassGovernanceRetention action, so a client can neither shorten a retention nor bypass one;
 * - server-side encryption: SSE-S3 (AES-256 data keys wrapped by a key-encryption key the filer
 *   keeps, `s3_sse_s3.go`), SSE-KMS through a configured provider (`weed/kms`: AWS KMS, Azure Key
 *   Vault, Google Cloud KMS, OpenBao/Vault, a local key; `s3_sse_kms.go`), SSE-C (`s3_sse_c.go`) and
 *   a bucket default encryption (PutBucketEncryption, AES256 or aws:kms); and
 *   independently the filer's `encryptVolumeData`, which encrypts every chunk on the volume
 *   servers with its own key kept in the filer's metadata: this component turns that on, so every
 *   object is encrypted at rest whatever the client asks.
 * - replication: inside the cluster, volume replication (`defaultReplication` XYZ, here `001`:
 *   a second copy on another volume server in prod); across clusters, `weed filer.backup`, an
 *   asynchronous, resumable copy of a filer path to an S3 sink (no time objective, no delete
 *   propagation unless asked), which {@link renderReplicaSync} runs. `weed filer.sync` needs the
 *   other cluster's filer (gRPC), not an S3 endpoint, so it does not fit `replica: { endpoint, bucket }`.
 */
import type { IssuerRef } from "./certManagerValues";
import type { KubeObject } from "./stageWorkersRender";

/** SeaweedFS's chart repository. */
export const SEAWEEDFS_CHART_REPO = "https://seaweedfs.github.io/seaweedfs/helm";
/** The pinned chart version (SeaweedFS 4.44). */
export const SEAWEEDFS_CHART_VERSION = "4.44.0";
/** The SeaweedFS image the chart runs, pinned to its appVersion; also the bucket Job's and the sync's. */
export const SEAWEEDFS_IMAGE = "chrislusf/seaweedfs:4.44";
/** The Helm release's name: the chart's full name, and so the prefix of every object it makes. */
export const SEAWEEDFS_RELEASE = "seaweedfs";
/** The S3 gateway's port (TLS only). */
export const S3_PORT = 8333;
/** The chart's filer port (HTTP, inside the namespace) and gRPC port (mutual TLS). */
export const FILER_PORT = 8888;
/** Where SeaweedFS's filer keeps the S3 buckets. */
export const BUCKETS_FOLDER = "/buckets";
/** The key of the gateway's identities in the config Secret, as the chart mounts it. */
export const S3_CONFIG_KEY = "seaweedfs_s3_config";
/** The region clients sign for; SeaweedFS accepts any. */
export const DEFAULT_REGION = "us-east-1";
/** The SeaweedFS user id (the image's `seaweed` user). */
const UID = 1000;

/** What the chart's values depend on. */
export interface SeaweedfsValuesInput {
  /** The store's namespace. */
  namespace: string;
  /** Three masters (Raft), three volume servers, two filers and two gateways in prod; one each in dev. */
  ha: boolean;
  /** Each volume server's PVC size, e.g. "100Gi". */
  volumeSize: string;
  /** The masters' and filers' metadata PVC size, e.g. "10Gi". */
  metadataSize: string;
  /** The PVCs' storage class; the cluster's default when unset. */
  storageClass?: string;
  /** The Secret with the gateway's identities ({@link S3_CONFIG_KEY}). */
  configSecret: string;
  /** The Secret cert-manager writes the gateway's certificate to (tls.crt, tls.key). */
  tlsSecret: string;
}

const selectorOf = (component: string) => ({
  "app.kubernetes.io/name": "seaweedfs",
  "app.kubernetes.io/instance": SEAWEEDFS_RELEASE,
  "app.kubernetes.io/component": component,
});

/** The chart takes pod specs as YAML strings: JSON is YAML. */
const yaml = (value: unknown) => JSON.stringify(value);

/** Non-root as the image's `seaweed` user, seccomp RuntimeDefault; PVCs writable through fsGroup. */
const podSecurity = {
  runAsNonRoot: true,
  runAsUser: UID,
  runAsGroup: UID,
  fsGroup: UID,
  seccompProfile: { type: "RuntimeDefault" },
};
const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
};
/** The chart applies a security context only when it has `enabled: true` (and drops that key). */
const POD_SECURITY = { enabled: true, ...podSecurity };
const CONTAINER_SECURITY = { enabled: true, ...containerSecurity };
const TMP_VOLUME = yaml([{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }]);
const TMP_MOUNT = yaml([{ name: "tmp", mountPath: "/tmp" }]);

const resources = (cpu: string, memory: string, cpuLimit: string, memoryLimit: string) => ({
  requests: { cpu, memory },
  limits: { cpu: cpuLimit, memory: memoryLimit },
});

/** Required: one per node; preferred: spread over zones (`ScheduleAnyway`, so one-zone clusters work). */
function placement(component: string) {
  return {
    affinity: yaml({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: selectorOf(component) }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    }),
    topologySpreadConstraints: yaml([
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: selectorOf(component) },
      },
    ]),
  };
}

/** What every SeaweedFS server pod shares: non-root, read-only root, a /tmp, no log files. */
const hardened = {
  podSecurityContext: POD_SECURITY,
  containerSecurityContext: CONTAINER_SECURITY,
  extraVolumes: TMP_VOLUME,
  extraVolumeMounts: TMP_MOUNT,
};

/**
 * The SeaweedFS chart's values: masters, volume servers, filers and the S3 gateway on PVCs, mutual
 * TLS between them (`enableSecurity`: the chart's own cert-manager CA for gRPC), the gateway serving
 * TLS only on {@link S3_PORT} with the certificate from {@link renderGatewayCertificate} (the chart
 * adds a second, plain-HTTP port when `httpsPort` is set, so the certificate is passed as `-cert.file`
 * and `-key.file` and `httpsPort` stays 0: SeaweedFS then serves HTTPS on `-port` alone), auth from
 * {@link SeaweedfsValuesInput.configSecret}, JWT-signed writes to volume servers and the filer,
 * chunks encrypted on the volume servers, volume replication `001` in prod, ServiceMonitors.
 * The chart renders no PodDisruptionBudgets: {@link renderPodDisruptionBudgets} does.
 * The chart's bucket hook is left off: it mounts security.toml but not the client certificate
 * its `weed shell` needs once gRPC is mutual TLS; {@link renderBucketJob} mounts both.
 */
export function seaweedfsValues(input: SeaweedfsValuesInput): Record<string, unknown> {
  const n = (prod: number) => (input.ha ? prod : 1);
  const pvc = (size: string) => ({
    type: "persistentVolumeClaim",
    size,
    ...(input.storageClass ? { storageClass: input.storageClass } : {}),
  });
  const replication = input.ha ? "001" : "000";
  const probe = (path: string) => ({ enabled: true, httpGet: { path, scheme: "HTTPS" } });
  return {
    global: {
      seaweedfs: {
        enableSecurity: true,
        securityConfig: {
          jwtSigning: { volumeWrite: true, volumeRead: false, filerWrite: true, filerRead: false },
        },
        monitoring: { enabled: true },
        enableReplication: true,
        replicationPlacement: replication,
      },
    },
    master: {
      replicas: n(3),
      defaultReplication: replication,
      data: pvc(input.metadataSize),
      logs: { type: "none" },
      resources: resources("100m", "256Mi", "1", "1Gi"),
      ...hardened,
      ...placement("master"),
    },
    volume: {
      replicas: n(3),
      dataDirs: [{ name: "data", ...pvc(input.volumeSize), maxVolumes: 0 }],
      resizeHook: { enabled: false },
      resources: resources("250m", "512Mi", "2", "4Gi"),
      ...hardened,
      ...placement("volume"),
    },
    filer: {
      replicas: n(2),
      defaultReplicaPlacement: replication,
      encryptVolumeData: true,
      data: pvc(input.metadataSize),
      logs: { type: "none" },
      resources: resources("250m", "512Mi", "2", "2Gi"),
      ...hardened,
      ...placement("filer"),
    },
    s3: {
      enabled: true,
      replicas: n(2),
      port: S3_PORT,
      httpsPort: 0,
      tlsSecret: input.tlsSecret,
      extraArgs: [
        "-cert.file=/usr/local/share/ca-certificates/s3/tls.crt",
        "-key.file=/usr/local/share/ca-certificates/s3/tls.key",
      ],
      enableAuth: true,
      existingConfigSecret: input.configSecret,
      logs: { type: "none" },
      livenessProbe: probe("/status"),
      readinessProbe: probe("/status"),
      resources: resources("250m", "256Mi", "2", "2Gi"),
      ...hardened,
      ...placement("s3"),
    },
  };
}

/** Names derived from the component's name. */
export function objectStoreNames(name: string) {
  return {
    configSecret: `${name}-s3-config`,
    tlsSecret: `${name}-s3-tls`,
    bucketJob: `${name}-buckets`,
    replicaSync: `${name}-replica-sync`,
  };
}

/** The gateway's in-cluster address. */
export const gatewayHost = (namespace: string) => `${SEAWEEDFS_RELEASE}-s3.${namespace}.svc`;

/** The gateway's endpoint URL, as clients use it. */
export const gatewayEndpoint = (namespace: string) => `https://${gatewayHost(namespace)}:${S3_PORT}`;

/** The gateway's serving certificate, from the given issuer, for the Service's in-cluster names. */
export function renderGatewayCertificate(
  namespace: string,
  secretName: string,
  issuerRef: Required<IssuerRef>,
): KubeObject {
  const service = `${SEAWEEDFS_RELEASE}-s3`;
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: { name: secretName, namespace },
    spec: {
      secretName,
      issuerRef,
      commonName: gatewayHost(namespace),
      dnsNames: [
        service,
        `${service}.${namespace}`,
        gatewayHost(namespace),
        `${gatewayHost(namespace)}.cluster.local`,
      ],
      usages: ["server auth", "digital signature", "key encipherment"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      duration: "2160h",
      renewBefore: "360h",
    },
  };
}

/**
 * A client certificate from the same issuer in a client's namespace: the client never uses its
 * key, but cert-manager writes the issuer's CA beside it (`ca.crt`), so the client trusts the
 * gateway without the CA being copied by hand. Needs a `ClusterIssuer` (or an `Issuer` in that
 * namespace) whose Secrets carry `ca.crt` (cert-manager's CA and Vault issuers do; ACME does not).
 */
export function renderTrustCertificate(
  namespace: string,
  secretName: string,
  issuerRef: Required<IssuerRef>,
): KubeObject {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "Certificate",
    metadata: { name: secretName, namespace },
    spec: {
      secretName,
      issuerRef,
      commonName: `${secretName}.${namespace}`,
      usages: ["client auth", "digital signature"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      duration: "2160h",
      renewBefore: "360h",
    },
  };
}

/** One S3 identity of the gateway and the buckets it may touch. */
export interface GatewayIdentity {
  name: string;
  accessKey: string;
  secretKey: string;
  buckets: string[];
}

/**
 * The gateway's identity file (`-config`, the `seaweedfs_s3_config` JSON): each identity may read,
 * write, list and tag objects of its own buckets only (`Action:bucket`), nothing else; no admin.
 */
export function gatewayConfig(identities: GatewayIdentity[]): string {
  return JSON.stringify({
    identities: identities.map((i) => ({
      name: i.name,
      credentials: [{ accessKey: i.accessKey, secretKey: i.secretKey }],
      actions: i.buckets.flatMap((b) => ["Read", "Write", "List", "Tagging"].map((a) => `${a}:${b}`)),
    })),
  });
}

/** A bucket the Job creates. */
export interface BucketSpec {
  name: string;
  /** Object lock (irreversible; turns versioning on). */
  objectLock: boolean;
}

/** The `weed shell` script that creates each bucket once (with lock when asked) and turns versioning on. */
export function bucketScript(buckets: BucketSpec[]): string {
  const lines = ["set -eu"];
  for (const b of buckets) {
    lines.push(
      `if ! echo 's3.bucket.list' | weed shell | awk '{print $1}' | grep -Fxq '${b.name}'; then`,
      `  echo 's3.bucket.create -name ${b.name}${b.objectLock ? " -withLock" : ""}' | weed shell`,
      "fi",
      `echo 's3.bucket.versioning -name ${b.name} -status Enabled' | weed shell`,
    );
  }
  return lines.join("\n");
}

/** What the Job and the sync Deployment mount to speak gRPC to the cluster: the chart's client certificate, its CA, security.toml. */
function clusterClientVolumes() {
  const secret = (volume: string) => ({
    name: volume,
    secret: { secretName: `${SEAWEEDFS_RELEASE}-${volume}` },
  });
  return {
    volumes: [
      secret("ca-cert"),
      secret("client-cert"),
      { name: "security-config", configMap: { name: `${SEAWEEDFS_RELEASE}-security-config` } },
      { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
    ],
    volumeMounts: [
      { name: "ca-cert", mountPath: "/usr/local/share/ca-certificates/ca/", readOnly: true },
      { name: "client-cert", mountPath: "/usr/local/share/ca-certificates/client/", readOnly: true },
      {
        name: "security-config",
        mountPath: "/etc/seaweedfs/security.toml",
        subPath: "security.toml",
        readOnly: true,
      },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
}

const clusterEnv = (namespace: string) => [
  { name: "WEED_CLUSTER_DEFAULT", value: "sw" },
  { name: "WEED_CLUSTER_SW_MASTER", value: `${SEAWEEDFS_RELEASE}-master.${namespace}:9333` },
  { name: "WEED_CLUSTER_SW_FILER", value: `${SEAWEEDFS_RELEASE}-filer-client.${namespace}:${FILER_PORT}` },
];

/** The Job that creates the buckets through `weed shell` (idempotent: a rerun changes nothing). */
export function renderBucketJob(namespace: string, name: string, buckets: BucketSpec[]): KubeObject {
  const { volumes, volumeMounts } = clusterClientVolumes();
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name,
      namespace,
      labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "seawall" },
    },
    spec: {
      backoffLimit: 10,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { "app.kubernetes.io/name": name } },
        spec: {
          restartPolicy: "OnFailure",
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          containers: [
            {
              name: "buckets",
              image: SEAWEEDFS_IMAGE,
              command: ["/bin/sh", "-c", bucketScript(buckets)],
              env: clusterEnv(namespace),
              workingDir: "/tmp",
              securityContext: containerSecurity,
              resources: resources("50m", "64Mi", "500m", "256Mi"),
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

/** Where the asynchronous replica goes. */
export interface ReplicaTarget {
  /** The other store's S3 endpoint (https). */
  endpoint: string;
  bucket: string;
  /** @defaultValue {@link DEFAULT_REGION} */
  region?: string;
}

/**
 * `replication.toml` for `weed filer.backup`: the S3 sink at the replica, credentials from the
 * environment (the AWS SDK's default chain reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).
 */
export function replicationToml(replica: ReplicaTarget): string {
  return [
    "[sink.s3]",
    "enabled = true",
    'aws_access_key_id = ""',
    'aws_secret_access_key = ""',
    `region = ${JSON.stringify(replica.region ?? DEFAULT_REGION)}`,
    `bucket = ${JSON.stringify(replica.bucket)}`,
    'directory = "/"',
    `endpoint = ${JSON.stringify(replica.endpoint)}`,
    "s3_force_path_style = true",
    "is_incremental = false",
    "",
  ].join("\n");
}

/**
 * The replica sync: `weed filer.backup` following the filer's metadata log for the lake bucket and
 * copying every new or changed object to the replica, resuming from its checkpoint after a restart;
 * deletes are not propagated (`-doDeleteFiles=false`), so the replica also keeps what a mistaken
 * delete removed here. One replica (the checkpoint is per process), a ConfigMap with
 * `replication.toml`, the replica's keys from `credentialsSecret`.
 */
export function renderReplicaSync(
  namespace: string,
  name: string,
  bucket: string,
  credentialsSecret: string,
): KubeObject {
  const { volumes, volumeMounts } = clusterClientVolumes();
  const labels = { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "seawall" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      strategy: { type: "Recreate" },
      selector: { matchLabels: { "app.kubernetes.io/name": name } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          containers: [
            {
              name: "filer-backup",
              image: SEAWEEDFS_IMAGE,
              command: [
                "weed",
                "filer.backup",
                `-filer=${SEAWEEDFS_RELEASE}-filer-client.${namespace}:${FILER_PORT}`,
                `-filerPath=${BUCKETS_FOLDER}/${bucket}`,
                "-doDeleteFiles=false",
              ],
              workingDir: "/tmp",
              env: [
                ...clusterEnv(namespace),
                ...["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"].map((key) => ({
                  name: key,
                  valueFrom: { secretKeyRef: { name: credentialsSecret, key } },
                })),
              ],
              securityContext: containerSecurity,
              resources: resources("100m", "128Mi", "1", "1Gi"),
              volumeMounts: [
                ...volumeMounts,
                {
                  name: "replication",
                  mountPath: "/etc/seaweedfs/replication.toml",
                  subPath: "replication.toml",
                  readOnly: true,
                },
              ],
            },
          ],
          volumes: [...volumes, { name: "replication", configMap: { name } }],
        },
      },
    },
  };
}

/** The ConfigMap with the sync's `replication.toml`. */
export function renderReplicaConfig(namespace: string, name: string, replica: ReplicaTarget): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace },
    data: { "replication.toml": replicationToml(replica) },
  };
}

/** One PodDisruptionBudget per replicated SeaweedFS component (one pod down at a time); none in dev. */
export function renderPodDisruptionBudgets(namespace: string, ha: boolean): KubeObject[] {
  if (!ha) return [];
  return ["master", "volume", "filer", "s3"].map((component) => ({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: `${SEAWEEDFS_RELEASE}-${component}`, namespace },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(component) } },
  }));
}
