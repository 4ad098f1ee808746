/**
 * The feature store's Helm values, as a plain object: Valkey (the official `valkey/valkey` image)
 * with Sentinel from CloudPirates' `redis` chart.
 *
 * Why this chart: the Bitnami images are frozen since 2025, and CloudPirates' own `valkey` chart
 * (0.25.5, the newest) has Sentinel, TLS from an existing Secret, auth from an existing Secret and
 * persistence, but not together: with TLS on, its Sentinel gets no TLS settings and speaks plain
 * text to a TLS-only Valkey, so Sentinel cannot monitor it (said in its own PR #1565). The same
 * maintainer's `redis` chart (0.34.18, maintained: released 2026-08-21) configures Sentinel for TLS
 * (`tls-port`, `tls-replication`, PR #1038), verifies the exporter's TLS with the CA, takes the
 * password and the certificate from existing Secrets, and runs restricted-compliant containers
 * (non-root, seccomp RuntimeDefault, read-only root, no capabilities). Its scripts call
 * `redis-server`, `redis-cli` and `redis-sentinel`, which the Valkey image provides: Valkey's
 * `make install` creates those names as links (`USE_REDIS_SYMLINKS`, on by default).
 */

/** CloudPirates' chart repository (OCI). */
export const VALKEY_CHART_REPO = "oci://registry-1.docker.io/cloudpirates";
/** The chart (CloudPirates `redis`, see above) and its pinned version. */
export const VALKEY_CHART = "redis";
export const VALKEY_CHART_VERSION = "0.34.18";
/** Valkey 9.1.0 on Alpine, pinned by digest (the image CloudPirates' valkey chart 0.25.5 pins). */
export const VALKEY_IMAGE = {
  registry: "docker.io",
  repository: "valkey/valkey",
  tag: "9.1.0-alpine3.23@sha256:c9b77919daeba2c02ad954d0c844cc4e7142069d177b89c5fd771f405daf9e02",
  pullPolicy: "IfNotPresent",
};
/** The release name, which the chart's objects take as their name (`fullnameOverride`). */
export const VALKEY_RELEASE = "seawall-valkey";
/** The ports: Valkey over TLS (plain text is off), Sentinel over TLS, the exporter. */
export const VALKEY_PORTS = { valkey: 6380, sentinel: 26379, metrics: 9121 };
/** The labels that select the Valkey pods (the chart's selector labels). */
export const VALKEY_SELECTOR = {
  "app.kubernetes.io/name": "valkey",
  "app.kubernetes.io/instance": VALKEY_RELEASE,
};

/** The Services the chart makes, by role. */
export const VALKEY_SERVICES = {
  /** Every Valkey pod (writes fail on a replica: use Sentinel to find the primary). */
  valkey: VALKEY_RELEASE,
  sentinel: `${VALKEY_RELEASE}-sentinel`,
  headless: `${VALKEY_RELEASE}-headless`,
};

/** Resource requests and limits of a container. */
export interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { memory: string; cpu?: string };
}

/** What the values depend on. */
export interface ValkeyValuesInput {
  /** Valkey pods (each with a Sentinel beside it when more than one). */
  replicas: number;
  /** Sentinels that must agree the primary is down. */
  quorum: number;
  /** The Secret (and key) with the password. */
  authSecret: { name: string; key: string };
  /** The cert-manager Secret with `tls.crt`, `tls.key` and `ca.crt`. */
  tlsSecret: string;
  /** The Sentinel master name clients ask for. */
  masterName: string;
  /** Each PVC's size, e.g. `8Gi`. */
  storageSize: string;
  /** The PVCs' StorageClass; unset: the cluster's default. */
  storageClassName?: string;
  /** Valkey's memory limit in MiB; `maxmemory` is 80 % of it (the rest: copy-on-write for saves). */
  memoryMiB: number;
}

const mebibytes = (m: number) => `${m}Mi`;

/** Valkey's own configuration: TLS settings come from the chart; this adds persistence and memory. */
export function valkeyConfig(memoryMiB: number): string {
  return [
    "bind * -::*",
    // Every write in the append-only file (fsync each second) and RDB snapshots beside it.
    "appendonly yes",
    "appendfsync everysec",
    "save 900 1 300 10 60 10000",
    `maxmemory ${Math.floor(memoryMiB * 0.8)}mb`,
    // As on the clouds' stores: only keys with a TTL are evicted under memory pressure.
    "maxmemory-policy volatile-lru",
    "",
  ].join("\n");
}

/**
 * Replication with Sentinel when there is more than one pod (standalone otherwise), TLS on every
 * port (Valkey, replication, Sentinel; clients authenticate with the password, not certificates),
 * the password from an existing Secret (Sentinel asks for it too), AOF and RDB on PVCs, a PDB (one
 * pod down at a time), pods spread over zones and preferably nodes, resources on every container,
 * the exporter with a ServiceMonitor.
 */
export function valkeyValues(input: ValkeyValuesInput): Record<string, unknown> {
  const ha = input.replicas > 1;
  const small = (cpu: string, memory: string): ContainerResources => ({
    requests: { cpu, memory },
    limits: { memory },
  });
  return {
    fullnameOverride: VALKEY_RELEASE,
    nameOverride: "valkey",
    image: VALKEY_IMAGE,
    architecture: ha ? "replication" : "standalone",
    replicaCount: input.replicas,
    auth: {
      enabled: true,
      sentinel: true,
      existingSecret: input.authSecret.name,
      existingSecretPasswordKey: input.authSecret.key,
    },
    tls: {
      enabled: true,
      existingSecret: input.tlsSecret,
      certFilename: "tls.crt",
      certKeyFilename: "tls.key",
      certCAFilename: "ca.crt",
      port: VALKEY_PORTS.valkey,
      authClients: false,
    },
    config: { content: valkeyConfig(input.memoryMiB) },
    persistence: {
      enabled: true,
      size: input.storageSize,
      accessMode: "ReadWriteOnce",
      ...(input.storageClassName ? { storageClass: input.storageClassName } : {}),
    },
    pdb: { enabled: true, minAvailable: "", maxUnavailable: 1 },
    resources: {
      requests: { cpu: "250m", memory: mebibytes(input.memoryMiB) },
      limits: { memory: mebibytes(input.memoryMiB) },
    },
    initContainer: { resources: small("20m", "32Mi") },
    // Long enough for the chart's preStop hooks to hand the primary over to a replica.
    terminationGracePeriodSeconds: ha ? 60 : 30,
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: VALKEY_SELECTOR },
      },
    ],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          {
            weight: 100,
            podAffinityTerm: {
              topologyKey: "kubernetes.io/hostname",
              labelSelector: { matchLabels: VALKEY_SELECTOR },
            },
          },
        ],
      },
    },
    serviceAccount: { create: false, automountServiceAccountToken: false },
    sentinel: {
      enabled: ha,
      image: VALKEY_IMAGE,
      masterName: input.masterName,
      quorum: input.quorum,
      port: VALKEY_PORTS.sentinel,
      service: { type: "ClusterIP", port: VALKEY_PORTS.sentinel },
      resources: small("20m", "64Mi"),
    },
    metrics: {
      enabled: true,
      port: VALKEY_PORTS.metrics,
      resources: small("20m", "64Mi"),
      serviceMonitor: { enabled: true, interval: "30s", scrapeTimeout: "10s" },
    },
  };
}
