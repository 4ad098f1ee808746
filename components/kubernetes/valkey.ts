/**
 * `seawall:kubernetes:FeatureStore`: the feature store on any cluster — Valkey with Sentinel
 * failover (see valkeyValues.ts for the chart and why), TLS from cert-manager, a generated password,
 * AOF and RDB on PVCs, alerts, and scheduled backups into the object store.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RedisConnection } from "../contracts";
import type { EnvironmentName } from "../profiles";
import { isKnown, Problems } from "../validation";
import type { IssuerRef } from "./certManagerValues";
import { checkKubernetesName } from "./clusterProvider";
import { renderFeatureBackupCronJob, renderFeatureBackupNetworkPolicy } from "./featureBackups";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import type { SecretKeyRef } from "./stageWorkersConfig";
import { type KubeObject, renderSecret } from "./stageWorkersRender";
import {
  renderValkeyCertificate,
  renderValkeyNetworkPolicy,
  renderValkeyPrometheusRule,
} from "./valkeyRender";
import {
  VALKEY_CHART,
  VALKEY_CHART_REPO,
  VALKEY_CHART_VERSION,
  VALKEY_PORTS,
  VALKEY_RELEASE,
  VALKEY_SELECTOR,
  VALKEY_SERVICES,
  valkeyValues,
} from "./valkeyValues";

/** The scheduled copy of the feature store into the object store. */
export interface FeatureBackupArgs {
  /** The runtime image, pinned (the workers'). */
  image: pulumi.Input<string>;
  /** The ConfigMap with the workers' plain variables (the stage workers' maintenance env). */
  envConfigMap: pulumi.Input<string>;
  /** More variables from Secrets (the object store's credentials). @defaultValue none */
  secretEnv?: Record<string, SecretKeyRef>;
  /** Cron schedule, UTC. @defaultValue "17 *\/6 * * *" (every 6 hours) */
  schedule?: string;
  /** Where the backups go. @defaultValue "backups/features/" */
  prefix?: string;
  /** The object store's ports, for the job's egress. @defaultValue [443] */
  objectStorePorts?: number[];
}

export interface FeatureStoreArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** `dev`: one Valkey, no Sentinel; otherwise three with Sentinels (quorum 2). */
  environment: EnvironmentName;
  /** The issuer of Valkey's certificate: `CertManager.issuerRef`. */
  issuerRef: pulumi.Input<IssuerRef>;
  /**
   * The namespace Valkey runs in: the workers' (which must exist), so they read its password and CA
   * Secrets by reference, as they do Strimzi's. @defaultValue "seawall"
   */
  namespace?: string;
  /** The namespace Prometheus scrapes from. @defaultValue "monitoring" */
  monitoringNamespace?: string;
  /** Valkey pods: 1, or 3 or more for Sentinel failover. @defaultValue 1 in dev, 3 otherwise */
  replicas?: number;
  /** Each pod's memory (limit = request), MiB; `maxmemory` is 80 % of it. @defaultValue 1024 in dev, 4096 otherwise */
  memoryMiB?: number;
  /** Each PVC's size, GiB. @defaultValue 8 in dev, 32 otherwise */
  storageSizeGiB?: number;
  /** The PVCs' StorageClass. @defaultValue the cluster's default */
  storageClassName?: string;
  /** Sentinel's master name. @defaultValue "seawall" */
  masterName?: string;
  /** Scheduled backups; unset: none here (Airflow's feature-backup DAG may take them instead). */
  backup?: FeatureBackupArgs;
  /** The cluster's DNS domain. @defaultValue "cluster.local" */
  clusterDomain?: string;
}

/** Where the workers read the feature store's secrets: Secrets in their own namespace. */
export interface RedisSecretRefs {
  /** The password (`REDIS_AUTH`). */
  auth: SecretKeyRef;
  /** The CA that signs Valkey's certificate (`REDIS_CA_CERT`). */
  ca: SecretKeyRef;
}

const SECRET_NAMES = { auth: `${VALKEY_RELEASE}-auth`, tls: `${VALKEY_RELEASE}-tls` };

/** Checks {@link FeatureStoreArgs} and throws one error listing every problem. */
export function validateFeatureStoreArgs(
  args: Omit<FeatureStoreArgs, "provider" | "issuerRef" | "backup"> & { backup?: Partial<FeatureBackupArgs> },
): void {
  const p = new Problems();
  const r = args.replicas;
  p.wholeNumber("SEAWALL_K8S_VALKEY_REPLICAS", "replicas", r, 1, 9);
  if (r === 2) {
    p.add(
      "SEAWALL_K8S_VALKEY_REPLICAS",
      "replicas",
      r,
      "use 1 (no failover) or 3 or more: with 2, losing one pod leaves no Sentinel majority to fail over",
    );
  }
  p.wholeNumber("SEAWALL_K8S_VALKEY_MEMORY", "memoryMiB", args.memoryMiB, 256, 262144);
  p.wholeNumber("SEAWALL_K8S_VALKEY_STORAGE", "storageSizeGiB", args.storageSizeGiB, 1, 16384);
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  if (args.monitoringNamespace !== undefined)
    checkKubernetesName(p, "monitoringNamespace", args.monitoringNamespace);
  if (
    args.masterName !== undefined &&
    isKnown(args.masterName) &&
    !/^[A-Za-z0-9_.-]{1,64}$/.test(args.masterName)
  ) {
    p.add(
      "SEAWALL_K8S_VALKEY_MASTER_NAME",
      "masterName",
      args.masterName,
      "use 1 to 64 letters, digits, '_', '.' or '-' (it is written into Sentinel's configuration)",
    );
  }
  const schedule = args.backup?.schedule;
  if (schedule !== undefined && isKnown(schedule) && schedule.trim().split(/\s+/).length !== 5) {
    p.add(
      "SEAWALL_K8S_VALKEY_BACKUP_SCHEDULE",
      "backup.schedule",
      schedule,
      'use a five-field cron expression in UTC, e.g. "17 */6 * * *"',
    );
  }
  p.throwIfAny("seawall:kubernetes:FeatureStore");
}

/**
 * Valkey from a pinned chart (`kubernetes:helm.sh/v3:Release`, {@link VALKEY_CHART_VERSION}) in
 * the workers' namespace: a generated password in a Secret, a cert-manager certificate for every
 * Service and pod, a NetworkPolicy, alert rules and, given `backup`, a backup CronJob. Outputs the
 * {@link connection} (Sentinel discovery outside dev) and the {@link secretRefs} the workers read.
 */
export class FeatureStore extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;
  /** How the workers reach the store; `authSecret` names the password's Secret. */
  readonly connection: RedisConnection;
  /** The password and CA Secrets, in {@link namespace}. */
  readonly secretRefs: RedisSecretRefs;
  /** The same as the workers' variables: `REDIS_AUTH` and `REDIS_CA_CERT` by reference. */
  readonly workerSecretEnv: Record<"REDIS_AUTH" | "REDIS_CA_CERT", SecretKeyRef>;

  constructor(name: string, args: FeatureStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:FeatureStore", name, {}, opts);
    validateFeatureStoreArgs(args);
    const dev = args.environment === "dev";
    const namespace = args.namespace ?? "seawall";
    const replicas = args.replicas ?? (dev ? 1 : 3);
    const masterName = args.masterName ?? "seawall";
    const monitoringNamespace = args.monitoringNamespace ?? "monitoring";
    this.namespace = namespace;
    const child = childOptions(this, args.provider);

    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 32, special: false },
      { parent: this },
    );
    const auth = new kubernetes.core.v1.Secret(
      `${name}-auth`,
      {
        ...k8sArgs(renderSecret(SECRET_NAMES.auth, namespace, {}), ["type"]),
        stringData: pulumi.secret(password.result.apply((pw) => ({ password: pw }))),
      },
      child(),
    );
    const certificate = customResource(
      `${name}-certificate`,
      { apiVersion: "cert-manager.io/v1", kind: "Certificate" },
      pulumi
        .output(args.issuerRef)
        .apply((ref) =>
          renderValkeyCertificate(namespace, SECRET_NAMES.tls, ref as IssuerRef, args.clusterDomain),
        ),
      child(),
    );
    const policy = new kubernetes.networking.v1.NetworkPolicy(
      `${name}-network-policy`,
      k8sArgs(renderValkeyNetworkPolicy(namespace, monitoringNamespace), ["spec"]),
      child(),
    );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: VALKEY_RELEASE,
        chart: VALKEY_CHART,
        version: VALKEY_CHART_VERSION,
        repositoryOpts: { repo: VALKEY_CHART_REPO },
        namespace,
        values: valkeyValues({
          replicas,
          quorum: replicas > 1 ? Math.floor(replicas / 2) + 1 : 1,
          authSecret: { name: SECRET_NAMES.auth, key: "password" },
          tlsSecret: SECRET_NAMES.tls,
          masterName,
          storageSize: `${args.storageSizeGiB ?? (dev ? 8 : 32)}Gi`,
          memoryMiB: args.memoryMiB ?? (dev ? 1024 : 4096),
          ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
        }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
        timeout: 900,
      },
      // The release's StatefulSet owns the data volumes: protected in prod like every stateful store.
      child([auth, certificate, policy], { protect: args.environment === "prod" }),
    );
    customResource(
      `${name}-rules`,
      { apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule" },
      pulumi.output(undefined).apply((): KubeObject => renderValkeyPrometheusRule(namespace, { replicas })),
      child([this.release]),
    );

    const svc = (s: string) => `${s}.${namespace}.svc`;
    this.secretRefs = {
      auth: { name: SECRET_NAMES.auth, key: "password" },
      ca: { name: SECRET_NAMES.tls, key: "ca.crt" },
    };
    this.workerSecretEnv = { REDIS_AUTH: this.secretRefs.auth, REDIS_CA_CERT: this.secretRefs.ca };
    this.connection = {
      host: svc(VALKEY_SERVICES.valkey),
      port: VALKEY_PORTS.valkey,
      tls: true,
      authSecret: SECRET_NAMES.auth,
      ...(replicas > 1
        ? { sentinel: { masterName, sentinels: `${svc(VALKEY_SERVICES.sentinel)}:${VALKEY_PORTS.sentinel}` } }
        : {}),
    };

    if (args.backup) {
      const b = args.backup;
      const input = pulumi.all([b.image, b.envConfigMap]).apply(([image, envConfigMap]) => ({
        namespace,
        name: `${VALKEY_RELEASE}-backup`,
        image,
        envConfigMap,
        secretEnv: { ...this.workerSecretEnv, ...b.secretEnv },
        schedule: b.schedule ?? "17 */6 * * *",
        prefix: b.prefix ?? "backups/features/",
        valkeySelector: VALKEY_SELECTOR,
        valkeyPorts: [VALKEY_PORTS.valkey, VALKEY_PORTS.sentinel],
        objectStorePorts: b.objectStorePorts ?? [443],
      }));
      new kubernetes.batch.v1.CronJob(
        `${name}-backup`,
        k8sArgs(input.apply(renderFeatureBackupCronJob), ["spec"]),
        child([this.release]),
      );
      new kubernetes.networking.v1.NetworkPolicy(
        `${name}-backup-network-policy`,
        k8sArgs(input.apply(renderFeatureBackupNetworkPolicy), ["spec"]),
        child(),
      );
    }
    this.registerOutputs({
      namespace,
      release: this.release.status,
      connection: this.connection,
      secretRefs: this.secretRefs,
    });
  }
}
