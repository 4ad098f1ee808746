/**
 * `seawall:kubernetes:Velero`: Velero from its official chart, backing the cluster's objects (and
 * its volumes, where the cluster has a CSI snapshot class) up to the platform's object store.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { type EnvironmentName, PROFILES } from "../profiles";
import { Problems } from "../validation";
import { checkKubernetesName } from "./clusterProvider";
import { childOptions, k8sArgs } from "./kubeResources";
import { type BackupStore, storeClientSecrets } from "./objectStore";
import { renderNamespace } from "./stageWorkersRender";
import { VELERO_CHART_REPO, VELERO_CHART_VERSION, veleroValues } from "./veleroValues";

/** The label Velero looks for on the VolumeSnapshotClass of a CSI driver. */
export const VELERO_SNAPSHOT_CLASS_LABEL = "velero.io/csi-volumesnapshot-class";

export interface VeleroArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Retention of the daily backups (the profile's `backup.dailyRetentionDays`). */
  environment: EnvironmentName;
  /** The bucket and identity for the backups (`ObjectStore.backupStore`). */
  store: BackupStore;
  /** Velero's namespace. @defaultValue "velero" */
  namespace?: string;
  /** Days a daily backup is kept (1 to 3650). @defaultValue the profile's `backup.dailyRetentionDays` */
  retentionDays?: number;
  /** Cron schedule of the daily backup, UTC. @defaultValue "0 3 * * *" */
  schedule?: string;
  /**
   * The cluster's CSI VolumeSnapshotClass: the component labels it for Velero and the daily backup
   * snapshots every CSI volume (the snapshots stay on the storage system; Velero keeps the objects
   * and the snapshot references in the bucket).
   * @defaultValue none: volumes are not backed up by Velero (no snapshots; file-system backup
   * stays off, since its node agent runs as root with the kubelet's host paths). The stores keep
   * their own copies: the lake's versions and replica, Kafka's replication and the lake, the
   * database's barman backups.
   */
  csiSnapshotClass?: string;
}

/** Checks {@link VeleroArgs} and throws one error listing every problem. */
export function validateVeleroArgs(args: Omit<VeleroArgs, "provider" | "store">): void {
  const p = new Problems();
  p.wholeNumber("SEAWALL_K8S_VELERO_RETENTION", "retentionDays", args.retentionDays, 1, 3650);
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  const cls = args.csiSnapshotClass;
  if (cls !== undefined && !/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(cls)) {
    p.add(
      "SEAWALL_K8S_VELERO_SNAPSHOT_CLASS",
      "csiSnapshotClass",
      cls,
      "name an existing VolumeSnapshotClass (lower-case letters, digits, '-' and '.'), or leave it unset when the cluster has none",
    );
  }
  p.throwIfAny("seawall:kubernetes:Velero");
}

/**
 * Velero (chart {@link VELERO_CHART_VERSION}) in its own `restricted` namespace: the store's
 * backups bucket as the default location over TLS, its keys in a Secret of this namespace, the
 * store's CA from a certificate of the store's issuer, a daily schedule kept per environment.
 * Pass the `ObjectStore` in `dependsOn`: the backups bucket must exist before Velero validates it.
 */
export class Velero extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;

  constructor(name: string, args: VeleroArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:Velero", name, {}, opts);
    validateVeleroArgs(args);
    const namespace = args.namespace ?? "velero";
    this.namespace = namespace;
    const child = childOptions(this, args.provider);
    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderNamespace(namespace), []),
      child(),
    );
    const client = storeClientSecrets(name, namespace, args.store, args.store.issuerRef, child([ns]));
    const deps: pulumi.Resource[] = [ns, ...client.resources];
    if (args.csiSnapshotClass) {
      deps.push(
        new kubernetes.apiextensions.CustomResourcePatch(
          `${name}-snapshot-class`,
          {
            apiVersion: "snapshot.storage.k8s.io/v1",
            kind: "VolumeSnapshotClass",
            metadata: { name: args.csiSnapshotClass, labels: { [VELERO_SNAPSHOT_CLASS_LABEL]: "true" } },
          },
          child(),
        ),
      );
    }
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: "velero",
        chart: "velero",
        version: VELERO_CHART_VERSION,
        repositoryOpts: { repo: VELERO_CHART_REPO },
        namespace,
        values: veleroValues({
          endpoint: args.store.endpoint,
          bucket: args.store.bucket,
          region: args.store.region,
          credentialsSecret: client.credentialsSecret,
          caSecret: client.caSecret,
          retentionDays: args.retentionDays ?? PROFILES[args.environment].backup.dailyRetentionDays,
          schedule: args.schedule ?? "0 3 * * *",
          csiSnapshots: args.csiSnapshotClass !== undefined,
        }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      child(deps),
    );
    this.registerOutputs({ namespace, release: this.release.status });
  }
}
