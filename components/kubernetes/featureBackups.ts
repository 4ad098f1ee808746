/**
 * Feature-store backups on plain Kubernetes: a CronJob that runs the runtime image's
 * `backup-features` command (runtime/src/commands/backupFeatures.ts: every feature key, DUMP and
 * TTL, into the object store under `backups/features/`, manifest last) with the workers' own
 * environment, and the NetworkPolicy that lets it reach only DNS, Valkey and the object store.
 * Plain objects; the component that owns the feature store creates them.
 */
import type { SecretKeyRef } from "./stageWorkersConfig";
import type { KubeObject } from "./stageWorkersRender";

/** What the backup job needs. */
export interface FeatureBackupInput {
  /** The workers' namespace: the job reads their ConfigMap and Secrets. */
  namespace: string;
  /** The CronJob's name. */
  name: string;
  /** The runtime image, pinned (the workers'). */
  image: string;
  /** The ConfigMap with the workers' plain variables (REDIS_*, LAKE_*: the maintenance env). */
  envConfigMap: string;
  /** Variables read from Secrets (REDIS_AUTH, REDIS_CA_CERT, the object store's keys). */
  secretEnv: Record<string, SecretKeyRef>;
  /** Cron schedule (UTC). */
  schedule: string;
  /** Where the backups go in the object store. */
  prefix: string;
  /** The labels that select Valkey's pods (the job's egress goes to them). */
  valkeySelector: Record<string, string>;
  /** Valkey's and Sentinel's ports. */
  valkeyPorts: number[];
  /** The object store's ports (443 for a cloud or an HTTPS endpoint, the server's own otherwise). */
  objectStorePorts: number[];
}

const labels = (name: string) => ({
  "app.kubernetes.io/name": "seawall-feature-backup",
  "app.kubernetes.io/instance": name,
  "app.kubernetes.io/part-of": "seawall",
  "app.kubernetes.io/managed-by": "pulumi",
});
const selector = (name: string) => ({
  "app.kubernetes.io/name": "seawall-feature-backup",
  "app.kubernetes.io/instance": name,
});

/**
 * The CronJob: one run at a time (`Forbid`), a missed run started within an hour, two retries, an
 * hour at most per run, the last three successful and failed jobs kept for their logs. The pod is
 * hardened as the workers' are: non-root uid 1000, read-only root, no capabilities, seccomp
 * RuntimeDefault, no service-account token, a small in-memory /tmp.
 */
export function renderFeatureBackupCronJob(input: FeatureBackupInput): KubeObject {
  const refs = Object.keys(input.secretEnv)
    .sort()
    .map((name) => ({ name, valueFrom: { secretKeyRef: { ...input.secretEnv[name] } } }));
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: input.name, namespace: input.namespace, labels: labels(input.name) },
    spec: {
      schedule: input.schedule,
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      jobTemplate: {
        metadata: { labels: labels(input.name) },
        spec: {
          backoffLimit: 2,
          activeDeadlineSeconds: 3600,
          ttlSecondsAfterFinished: 7 * 24 * 3600,
          template: {
            metadata: { labels: labels(input.name) },
            spec: {
              restartPolicy: "Never",
              automountServiceAccountToken: false,
              enableServiceLinks: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                fsGroup: 1000,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "backup-features",
                  image: input.image,
                  imagePullPolicy: "IfNotPresent",
                  args: ["backup-features", "--prefix", input.prefix],
                  envFrom: [{ configMapRef: { name: input.envConfigMap } }],
                  env: refs,
                  resources: {
                    requests: { cpu: "100m", memory: "256Mi" },
                    limits: { cpu: "1", memory: "512Mi" },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    readOnlyRootFilesystem: true,
                    runAsNonRoot: true,
                    capabilities: { drop: ["ALL"] },
                    seccompProfile: { type: "RuntimeDefault" },
                  },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
            },
          },
        },
      },
    },
  };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/** Nothing in; out, DNS, Valkey's pods on their ports, and the object store's ports. */
export function renderFeatureBackupNetworkPolicy(input: FeatureBackupInput): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: input.name, namespace: input.namespace, labels: labels(input.name) },
    spec: {
      podSelector: { matchLabels: selector(input.name) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        { ports: [{ protocol: "UDP", port: 53 }, tcp(53)] },
        { to: [{ podSelector: { matchLabels: input.valkeySelector } }], ports: input.valkeyPorts.map(tcp) },
        { ports: input.objectStorePorts.map(tcp) },
      ],
    },
  };
}
