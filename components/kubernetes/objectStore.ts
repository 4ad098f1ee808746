/**
 * `seawall:kubernetes:ObjectStore`: the lake's S3-compatible store on a plain cluster — SeaweedFS
 * from its official chart (why SeaweedFS, and what it supports: `objectStoreValues.ts`), or a store
 * you bring (`existing`).
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ObjectStoreLocation } from "../contracts";
import { type EnvironmentName, PROFILES } from "../profiles";
import { isKnown, Problems } from "../validation";
import { CERT_MANAGER_GROUP, type IssuerRef } from "./certManagerValues";
import { DEFAULT_WORKLOAD_NAMESPACE } from "./clusterContract";
import { checkKubernetesName } from "./clusterProvider";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import {
  type BucketSpec,
  DEFAULT_REGION,
  gatewayConfig,
  gatewayEndpoint,
  objectStoreNames,
  renderBucketJob,
  renderGatewayCertificate,
  renderPodDisruptionBudgets,
  renderReplicaConfig,
  renderReplicaSync,
  renderTrustCertificate,
  S3_CONFIG_KEY,
  SEAWEEDFS_CHART_REPO,
  SEAWEEDFS_CHART_VERSION,
  SEAWEEDFS_RELEASE,
  seaweedfsValues,
} from "./objectStoreValues";
import { type KubeObject, renderNamespace } from "./stageWorkersRender";

/** An {@link ObjectStoreLocation} of an S3-compatible store: with its endpoint. */
export type S3CompatibleLocation = ObjectStoreLocation & { scheme: "s3"; endpoint: string };

/** A Secret by name in a namespace (and the key, for a single value). */
export interface SecretRef {
  name: string;
  namespace: string;
}

/**
 * A bucket on the store for the platform's backups (Velero, the Airflow database's base backups and
 * WAL), with an identity that may touch that bucket only: the consumer puts the keys in a Secret
 * of its own namespace and trusts the gateway through a certificate from {@link issuerRef}.
 */
export interface BackupStore {
  endpoint: string;
  bucket: string;
  region: string;
  /** Pulumi secrets. */
  accessKeyId: pulumi.Output<string>;
  secretAccessKey: pulumi.Output<string>;
  /** The issuer of the gateway's certificate (a `ClusterIssuer`); unset for a store with a public CA. */
  issuerRef?: Required<IssuerRef>;
}

/**
 * A client's access to the store in its own namespace: a Secret `<name>-s3-credentials` with
 * `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (Pulumi secrets), and, when the store's
 * certificate comes from an issuer, a certificate of that issuer whose Secret `<name>-s3-ca` holds
 * the CA (`ca.crt`). Returns the names and the resources to depend on.
 */
export function storeClientSecrets(
  name: string,
  namespace: string,
  keys: { accessKeyId: pulumi.Output<string>; secretAccessKey: pulumi.Output<string> },
  issuerRef: Required<IssuerRef> | undefined,
  opts: pulumi.CustomResourceOptions,
): { credentialsSecret: string; caSecret?: string; resources: pulumi.Resource[] } {
  const credentialsSecret = `${name}-s3-credentials`;
  const resources: pulumi.Resource[] = [
    new kubernetes.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: { name: credentialsSecret, namespace },
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi.all([keys.accessKeyId, keys.secretAccessKey]).apply(([a, s]) => ({
            AWS_ACCESS_KEY_ID: a,
            AWS_SECRET_ACCESS_KEY: s,
          })),
        ),
      },
      opts,
    ),
  ];
  if (!issuerRef) return { credentialsSecret, resources };
  const caSecret = `${name}-s3-ca`;
  const cert = renderTrustCertificate(namespace, caSecret, issuerRef);
  resources.push(
    customResource(
      `${name}-ca`,
      { apiVersion: cert.apiVersion, kind: cert.kind },
      pulumi.output(undefined).apply((): KubeObject => cert),
      opts,
    ),
  );
  return { credentialsSecret, caSecret, resources };
}

/** Where the lake replicates to: another cluster's S3-compatible store. */
export interface ObjectStoreReplicaArgs {
  /** The replica store's S3 endpoint, `https://...`. */
  endpoint: string;
  /** The replica bucket (it must exist; versioning on it is recommended). */
  bucket: string;
  /** @defaultValue "us-east-1" */
  region?: string;
  /**
   * A Secret in the store's namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` of an
   * identity that may write the replica bucket.
   */
  credentialsSecret: string;
}

/** A store you run elsewhere (another cluster, an appliance, a cloud). */
export interface ExistingObjectStore {
  /** Its S3 endpoint, `https://...`. */
  endpoint: string;
  bucket: string;
  /** @defaultValue "" */
  prefix?: string;
  /** @defaultValue "us-east-1" */
  region?: string;
  /**
   * A Secret in the workers' namespace with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
   * @defaultValue none: the workers use their cloud identity
   */
  credentialsSecret?: string;
}

export interface ObjectStoreArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Sizes (1 of each server in dev; 3 masters, 3 volume servers, 2 filers, 2 gateways otherwise) and `protect`. */
  environment: EnvironmentName;
  /** Bring a store instead of installing one; the other sizing arguments are then ignored. */
  existing?: ExistingObjectStore;
  /** SeaweedFS's namespace (`restricted` Pod Security Standard). @defaultValue "seaweedfs" */
  namespace?: string;
  /** The stage workers' namespace, which must exist: the lake's credentials and CA go there. @defaultValue "seawall" */
  workersNamespace?: string;
  /** The lake bucket: versioning on, object lock unless `objectLock: false`. @defaultValue "seawall-lake" */
  bucket?: string;
  /** The key prefix the pipeline writes under. @defaultValue "" */
  prefix?: string;
  /** The backups bucket (versioning on, no lock: Velero and barman delete what expires). @defaultValue "seawall-backups" */
  backupBucket?: string;
  /** The region clients sign requests for. @defaultValue "us-east-1" */
  region?: string;
  /**
   * The issuer of the gateway's TLS certificate (`CertManager.issuerRef`): a `ClusterIssuer`, since
   * the workers' namespace gets a certificate from it too, whose `ca.crt` they trust. Required
   * unless `existing`.
   */
  issuerRef?: IssuerRef;
  /** Object lock on the lake bucket (irreversible). @defaultValue true */
  objectLock?: boolean;
  /** Each volume server's PVC in GiB (1 to 65536). @defaultValue 100 (10 in dev) */
  volumeSizeGiB?: number;
  /** Each master's and filer's metadata PVC in GiB (1 to 1024). @defaultValue 10 */
  metadataSizeGiB?: number;
  /** The PVCs' storage class. @defaultValue the cluster's default */
  storageClass?: string;
  /**
   * The lake's asynchronous copy in another cluster (`weed filer.backup`), or `false` to do
   * without (a named opt-out). SeaweedFS has no synchronous or time-bound cross-cluster
   * replication: asking for it fails validation.
   * @defaultValue required in prod; none elsewhere
   */
  replica?: ObjectStoreReplicaArgs | false;
  /**
   * Replication with a time objective (the profile's `replicationTimeControl`). SeaweedFS's
   * replication is asynchronous and best-effort: `true` fails validation. @defaultValue false
   */
  replicationTimeControl?: boolean;
}

const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const httpsUrl = (v: unknown) => {
  if (typeof v !== "string") return false;
  try {
    const u = new URL(v);
    return u.protocol === "https:" && u.hostname !== "" && u.pathname.replace(/\/$/, "") === "";
  } catch {
    return false;
  }
};

/** Checks {@link ObjectStoreArgs} and throws one error listing every problem. */
export function validateObjectStoreArgs(args: Omit<ObjectStoreArgs, "provider">): void {
  const p = new Problems();
  const existing = args.existing;
  if (existing !== undefined && isKnown(existing)) {
    if (!httpsUrl(existing.endpoint)) {
      p.add(
        "SEAWALL_K8S_OBJECT_STORE_ENDPOINT",
        "existing.endpoint",
        existing.endpoint,
        "must be an https:// URL with no path, e.g. https://s3.storage.example:443",
      );
    }
    if (!BUCKET.test(String(existing.bucket))) {
      p.add("SEAWALL_K8S_OBJECT_STORE_BUCKET", "existing.bucket", existing.bucket, bucketFix);
    }
  } else {
    for (const field of ["bucket", "backupBucket"] as const) {
      const v = args[field];
      if (v !== undefined && !BUCKET.test(v)) p.add("SEAWALL_K8S_OBJECT_STORE_BUCKET", field, v, bucketFix);
    }
    if (args.bucket !== undefined && args.bucket === args.backupBucket) {
      p.add("SEAWALL_K8S_OBJECT_STORE_BUCKET", "backupBucket", args.backupBucket, "must differ from bucket");
    }
    const ref = args.issuerRef;
    if (ref === undefined) {
      p.add(
        "SEAWALL_K8S_OBJECT_STORE_ISSUER",
        "issuerRef",
        undefined,
        "the S3 gateway serves TLS only: pass the CertManager component's issuerRef (a ClusterIssuer), or bring a store with existing",
      );
    } else if (isKnown(ref) && ref.kind !== "ClusterIssuer") {
      p.add(
        "SEAWALL_K8S_OBJECT_STORE_ISSUER",
        "issuerRef.kind",
        ref.kind,
        "use a ClusterIssuer: the workers' namespace gets a certificate from it to learn the CA",
      );
    }
    p.wholeNumber("SEAWALL_K8S_OBJECT_STORE_SIZE", "volumeSizeGiB", args.volumeSizeGiB, 1, 65536);
    p.wholeNumber("SEAWALL_K8S_OBJECT_STORE_SIZE", "metadataSizeGiB", args.metadataSizeGiB, 1, 1024);
    if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  }
  if (args.workersNamespace !== undefined) checkKubernetesName(p, "workersNamespace", args.workersNamespace);
  checkReplication(p, args);
  p.throwIfAny("seawall:kubernetes:ObjectStore");
}

const bucketFix = "must be an S3 bucket name: 3 to 63 lower-case letters, digits and hyphens";

function checkReplication(p: Problems, args: Omit<ObjectStoreArgs, "provider">): void {
  const code = "SEAWALL_K8S_OBJECT_STORE_REPLICATION";
  if (args.replicationTimeControl === true) {
    p.add(
      code,
      "replicationTimeControl",
      true,
      "SeaweedFS replicates asynchronously (weed filer.backup) with no time objective; set false, or use a store that offers one through existing",
    );
  }
  const replica = args.replica;
  if (args.existing !== undefined) {
    if (replica) {
      p.add(
        code,
        "replica",
        replica.endpoint,
        "the component replicates only a store it runs; replicate the existing store with its own tools, or drop replica",
      );
    }
    return;
  }
  if (replica === undefined && args.environment === "prod") {
    p.add(
      code,
      "replica",
      undefined,
      "prod copies the lake to a second cluster: give replica: { endpoint, bucket, credentialsSecret } (another S3-compatible store), or replica: false to opt out",
    );
  }
  if (!replica || !isKnown(replica)) return;
  if (!httpsUrl(replica.endpoint)) {
    p.add(
      code,
      "replica.endpoint",
      replica.endpoint,
      "must be an https:// URL with no path (the replica store's S3 endpoint)",
    );
  }
  if (!BUCKET.test(String(replica.bucket)))
    p.add("SEAWALL_K8S_OBJECT_STORE_BUCKET", "replica.bucket", replica.bucket, bucketFix);
  if (typeof replica.credentialsSecret !== "string" || replica.credentialsSecret === "") {
    p.add(
      code,
      "replica.credentialsSecret",
      replica.credentialsSecret,
      "name a Secret with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the store's namespace",
    );
  }
}

/**
 * The lake's S3-compatible store: SeaweedFS from its official chart (pinned to
 * {@link SEAWEEDFS_CHART_VERSION}) in its own `restricted` namespace — TLS-only gateway with a
 * cert-manager certificate, generated keys per identity, the lake bucket with versioning and object
 * lock, a backups bucket, chunks encrypted at rest, PVCs, volume replication, PDBs and anti-affinity
 * in prod, and an asynchronous copy to another cluster's store — or a store you bring.
 *
 * Outputs: {@link location} (the `ObjectStoreLocation` with its endpoint), {@link credentialsSecret}
 * (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` in the workers' namespace), {@link caSecret}
 * (`ca.crt` there) and {@link backupStore}.
 *
 * Order: pass the `CertManager` component in `dependsOn` (the gateway's `Certificate`, and the
 * chart's own mutual-TLS CA, need cert-manager's CRDs), and create the workers' namespace first.
 */
export class ObjectStore extends pulumi.ComponentResource {
  readonly location: S3CompatibleLocation;
  /** The lake's keys for the workers (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`); unset for an existing store without one. */
  readonly credentialsSecret?: SecretRef;
  /** The gateway's CA for the workers (`key`: `ca.crt`); unset for an existing store. */
  readonly caSecret?: SecretRef & { key: string };
  /** The backups bucket and its identity; unset for an existing store. */
  readonly backupStore?: BackupStore;
  /** The Helm release; unset for an existing store. */
  readonly release?: kubernetes.helm.v3.Release;

  constructor(name: string, args: ObjectStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:ObjectStore", name, {}, opts);
    validateObjectStoreArgs(args);
    const workers = args.workersNamespace ?? DEFAULT_WORKLOAD_NAMESPACE;
    const region = args.region ?? DEFAULT_REGION;
    const existing = args.existing;
    if (existing) {
      this.location = {
        scheme: "s3",
        bucket: existing.bucket,
        prefix: existing.prefix ?? args.prefix ?? "",
        region: existing.region ?? region,
        endpoint: existing.endpoint.replace(/\/$/, ""),
      };
      this.credentialsSecret = existing.credentialsSecret
        ? { name: existing.credentialsSecret, namespace: workers }
        : undefined;
      this.registerOutputs({ location: this.location });
      return;
    }
    const namespace = args.namespace ?? "seaweedfs";
    const ha = args.environment !== "dev";
    const names = objectStoreNames(name);
    const issuerRef = { group: CERT_MANAGER_GROUP, ...args.issuerRef! };
    const lakeBucket = args.bucket ?? "seawall-lake";
    const backupBucket = args.backupBucket ?? "seawall-backups";
    const child = childOptions(this, args.provider);
    const create = (id: string, obj: KubeObject, deps: pulumi.Input<pulumi.Resource>[] = []) =>
      customResource(
        `${name}-${id}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        pulumi.output(undefined).apply((): KubeObject => obj),
        child(deps),
      );

    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderNamespace(namespace), []),
      child(),
    );
    // Generated once: an update keeps the keys. The gateway accepts only these identities.
    const key = (id: string, length: number, upper: boolean) =>
      new random.RandomPassword(
        `${name}-${id}`,
        { length, special: false, lower: !upper, upper: true, numeric: true },
        { parent: this },
      ).result;
    const lake = {
      accessKeyId: key("lake-access-key", 20, true),
      secretAccessKey: key("lake-secret-key", 40, false),
    };
    const backups = {
      accessKeyId: key("backups-access-key", 20, true),
      secretAccessKey: key("backups-secret-key", 40, false),
    };
    const config = pulumi
      .all([lake.accessKeyId, lake.secretAccessKey, backups.accessKeyId, backups.secretAccessKey])
      .apply(([la, ls, ba, bs]) =>
        gatewayConfig([
          { name: "lake", accessKey: la, secretKey: ls, buckets: [lakeBucket] },
          { name: "backups", accessKey: ba, secretKey: bs, buckets: [backupBucket] },
        ]),
      );
    const configSecret = new kubernetes.core.v1.Secret(
      `${name}-s3-config`,
      {
        metadata: { name: names.configSecret, namespace },
        type: "Opaque",
        stringData: pulumi.secret(config.apply((c) => ({ [S3_CONFIG_KEY]: c }))),
      },
      child([ns]),
    );
    const certificate = create(
      "s3-certificate",
      renderGatewayCertificate(namespace, names.tlsSecret, issuerRef),
      [ns],
    );
    for (const pdb of renderPodDisruptionBudgets(namespace, ha)) {
      new kubernetes.policy.v1.PodDisruptionBudget(
        `${name}-${pdb.metadata.name.slice(SEAWEEDFS_RELEASE.length + 1)}-pdb`,
        k8sArgs(pdb, ["spec"]),
        child([ns]),
      );
    }
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: SEAWEEDFS_RELEASE,
        chart: "seaweedfs",
        version: SEAWEEDFS_CHART_VERSION,
        repositoryOpts: { repo: SEAWEEDFS_CHART_REPO },
        namespace,
        values: seaweedfsValues({
          namespace,
          ha,
          volumeSize: `${args.volumeSizeGiB ?? (ha ? 100 : 10)}Gi`,
          metadataSize: `${args.metadataSizeGiB ?? 10}Gi`,
          storageClass: args.storageClass,
          configSecret: names.configSecret,
          tlsSecret: names.tlsSecret,
        }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      { ...child([ns, configSecret, certificate]), protect: PROFILES[args.environment].deletionProtection },
    );
    const buckets: BucketSpec[] = [
      { name: lakeBucket, objectLock: args.objectLock ?? true },
      { name: backupBucket, objectLock: false },
    ];
    const job = renderBucketJob(namespace, names.bucketJob, buckets);
    new kubernetes.batch.v1.Job(`${name}-buckets`, k8sArgs(job, ["spec"]), child([this.release]));

    if (args.replica) {
      const cm = renderReplicaConfig(namespace, names.replicaSync, args.replica);
      const cmRes = new kubernetes.core.v1.ConfigMap(
        `${name}-replica-config`,
        k8sArgs(cm, ["data"]),
        child([ns]),
      );
      const sync = renderReplicaSync(
        namespace,
        names.replicaSync,
        lakeBucket,
        args.replica.credentialsSecret,
      );
      new kubernetes.apps.v1.Deployment(
        `${name}-replica-sync`,
        k8sArgs(sync, ["spec"]),
        child([this.release, cmRes]),
      );
    }

    // The workers' namespace: the lake identity's keys and the gateway's CA.
    const client = storeClientSecrets(name, workers, lake, issuerRef, child());

    const endpoint = gatewayEndpoint(namespace);
    this.location = { scheme: "s3", bucket: lakeBucket, prefix: args.prefix ?? "", region, endpoint };
    this.credentialsSecret = { name: client.credentialsSecret, namespace: workers };
    this.caSecret = { name: client.caSecret!, namespace: workers, key: "ca.crt" };
    this.backupStore = { endpoint, bucket: backupBucket, region, ...backups, issuerRef };
    this.registerOutputs({
      location: this.location,
      credentialsSecret: this.credentialsSecret,
      caSecret: this.caSecret,
      release: this.release.status,
    });
  }
}
