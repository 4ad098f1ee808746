import { Helper, KafkaTopic, LifecycleArgs, ObjectLockArgs } from "./contracts";
import { DeepPartial, EnvironmentName, Profile } from "./profiles";

export const CLOUDS = ["aws", "gcp", "azure", "kubernetes"] as const;
export type CloudName = (typeof CLOUDS)[number];

export const DATA_CLASSIFICATIONS = ["public", "internal", "confidential", "restricted"] as const;
export type DataClassification = (typeof DATA_CLASSIFICATIONS)[number];

/** Object-store settings a platform team sets; the profile fills in the rest. */
export interface ObjectStoreSettings {
  /** @default - auto-named */
  bucketName?: string;
  /** @default "" */
  prefix?: string;
  /** Replicate to `replicaRegion`. @default - the profile's (on in `staging` and `prod`) */
  replication?: boolean;
  /** Replication Time Control and metrics. @default - the profile's (on in `prod`) */
  replicationTimeControl?: boolean;
  /** @default - the profile's lifecycle */
  lifecycle?: LifecycleArgs & { archiveStorageClass?: "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE" };
  /** @default - no object lock */
  objectLock?: ObjectLockArgs;
  /** Server access logs to a log bucket the platform creates. @default false */
  accessLogging?: boolean;
  /** Intelligent-Tiering instead of fixed tiering. @default false */
  intelligentTiering?: boolean;
}

/** Network settings a platform team sets; the profile sets how many zones. */
export interface NetworkSettings {
  /** The created VPC's CIDR block. @default "10.0.0.0/16" */
  cidrBlock?: string;
  /** Bring your own VPC and private subnets (two or more, one per zone). @default - created */
  existing?: { vpcId: string; subnetIds: string[] };
  /**
   * AWS services the created VPC reaches through interface endpoints (e.g. `sts`, `secretsmanager`,
   * `kms`, `logs`), for workloads without a NAT gateway. @default []
   */
  interfaceEndpoints?: string[];
}

/** Event-stream settings a platform team sets; the profile sets sizes and replication. */
export interface EventStreamSettings {
  /** How clients authenticate. @default "iam" */
  clientAuthentication?: "iam" | "scram";
  /** The Kafka version. @default - the component's current default */
  kafkaVersion?: string;
  /** Topics to create. @default [] */
  topics?: KafkaTopic[];
}

/** What a Redis-compatible store may evict when memory is full (`maxmemory-policy`). */
export const EVICTION_POLICIES = [
  "volatile-lru",
  "allkeys-lru",
  "volatile-lfu",
  "allkeys-lfu",
  "volatile-random",
  "allkeys-random",
  "volatile-ttl",
  "noeviction",
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

/** Feature-store settings a platform team sets; the profile sets sizes, replicas and snapshots. */
export interface FeatureStoreSettings {
  /** The engine version. @default - the component's current default */
  engineVersion?: string;
  /** What the store evicts when memory is full. @default "volatile-lru" */
  maxmemoryPolicy?: EvictionPolicy;
}

/** Monitoring settings a platform team sets; the profile sets the alarm thresholds. */
export interface MonitoringSettings {
  /** Email addresses subscribed to the alert topic (each confirms once). @default [] */
  alertEmails?: string[];
}

/** One Deployment of the pipeline on Kubernetes: a stage alone, or several chained in one process. */
export interface KubernetesWorkloadSettings {
  /** The stages (runtime/src/config.ts `stages`), in pipeline order when chained. */
  stages: string[];
  /** The Deployment's name. @default - the stages joined by "-" */
  name?: string;
  /** Fewest replicas (also the replicas when KEDA is skipped). @default 2 */
  minReplicas?: number;
  /** Most replicas; a consumer never gets more than its input topic's partitions. @default - the partitions (10 for the feature server) */
  maxReplicas?: number;
}

/** What runs on the cluster, whether the platform builds it or the team brings it. */
export interface KubernetesPipelineSettings {
  /**
   * The runtime image, pinned: `<registry>/seawall-runtime@sha256:<64 hex>` (best: immutable) or a
   * version tag such as `<registry>/seawall-runtime:1.4.0` (never `latest` nor no tag).
   */
  image: string;
  /**
   * Which stages run in which Deployment.
   * @default - the chained topology `ingest+dedup+lake-sink+feature-writer` (the runtime's fastest,
   * what `npm start` runs) and `feature-server` alone; list one workload per stage for the per-stage topology
   */
  workloads?: KubernetesWorkloadSettings[];
  /**
   * KEDA: installed from its official chart (`args`), yours (`existing`: its CRDs are installed),
   * or none (`skip`: fixed replicas).
   * @default { args: {} }
   */
  keda?: Helper<{ namespace: string }, { replicas?: number }>;
  /**
   * kube-prometheus-stack: installed (`args`) or yours (`existing`). Alerts go to the platform's
   * SNS topic on AWS; on GCP and Azure give `alertWebhookUrl` (a relay to the Pub/Sub topic, a
   * Logic App, an incident tool), which is required there.
   * @default { args: {} }
   */
  monitoring?:
    | { args: { alertWebhookUrl?: string } }
    | { existing: { namespace: string; prometheusUrl?: string } };
  /**
   * Airflow 3 running Seawall's maintenance DAGs (restore drill, compaction, feature backups,
   * backfills), its metadata database on the cloud's managed PostgreSQL (RDS, Cloud SQL, Azure
   * Database for PostgreSQL) sized by the profile: installed (`args`) or none (`skip`). Only on a
   * cluster the platform builds: the database and the log bucket's identity are bound to it.
   * @default { args: {} } on a cluster the platform builds, { skip: true } on yours
   */
  airflow?: { args: AirflowSettings } | { skip: true };
}

/** The platform's Airflow. */
export interface AirflowSettings {
  /**
   * `KubernetesExecutor` (a pod per task) or `CeleryExecutor` (standing workers KEDA scales).
   * @default "KubernetesExecutor"
   */
  executor?: "KubernetesExecutor" | "CeleryExecutor";
}

/** A managed cluster the platform builds (EKS, GKE, AKS) in its network, and the pipeline on it. */
export interface KubernetesClusterSettings extends KubernetesPipelineSettings {
  /**
   * Cluster administrators: IAM role or user ARNs on AWS (access entries; include the role that
   * runs `pulumi up`, the creator gets no access), Entra ID group object ids on Azure (local
   * accounts are off). GKE grants access through IAM: leave it unset there.
   * @default [] (required on AWS and Azure)
   */
  admins?: string[];
  /** The Kubernetes version (`1.NN`; the oldest one on GKE). @default "1.35" */
  kubernetesVersion?: string;
  /**
   * The worker nodes: the instance type (EC2), machine type (GCE) or VM size (Azure), and the
   * autoscaling bounds (per zone on GKE).
   * @default - each cluster's default pool
   */
  nodes?: { instanceType?: string; minCount?: number; maxCount?: number };
}

/** A cluster the team already runs, reached through its kubeconfig, and the pipeline on it. */
export interface ExistingKubernetesSettings extends KubernetesPipelineSettings {
  /** The cluster's kubeconfig (keep it a secret: `pulumi config set --secret`). */
  kubeconfig: string;
  /** @default - the kubeconfig's current context */
  context?: string;
}

/** The Kubernetes layer: build a cluster and run the pipeline on it, run it on yours, or neither. */
export type KubernetesSettings =
  | { args: KubernetesClusterSettings }
  | { existing: ExistingKubernetesSettings }
  | { skip: true };

/** Everything `DataPlatform` needs; the stack config maps onto it one to one. */
export interface DataPlatformArgs {
  cloud: CloudName;
  environment: EnvironmentName;
  /** The team that owns the platform; tagged on every resource. */
  owner: string;
  /** @default "internal" */
  dataClassification?: DataClassification;
  /** The primary region. */
  region: string;
  /** The region replicas and backup copies go to; required when replication is on. */
  replicaRegion?: string;
  /** Overrides of the environment's profile, field by field. */
  profile?: DeepPartial<Profile>;
  objectStore?: ObjectStoreSettings;
  network?: NetworkSettings;
  eventStream?: EventStreamSettings;
  featureStore?: FeatureStoreSettings;
  monitoring?: MonitoringSettings;
  /**
   * The Kubernetes layer: a managed cluster in the platform's network running the pipeline's stage
   * workers, scaled on lag by KEDA and watched by kube-prometheus-stack; or the same on your cluster.
   * @default { skip: true }
   */
  kubernetes?: KubernetesSettings;
  /**
   * The `kubernetes` target (`cloud: "kubernetes"`): what the platform installs on your cluster
   * (`kubernetes.existing`) in place of a cloud's services. Ignored on the clouds.
   * @default a self-signed CA from cert-manager, SeaweedFS for the lake, the cluster's default StorageClass
   */
  kubernetesTarget?: KubernetesTargetSettings;
  /** Extra tags for every resource. */
  tags?: Record<string, string>;
}

/** What the `kubernetes` target installs on the cluster, and what it takes of yours instead. */
export interface KubernetesTargetSettings {
  /** The StorageClass of every volume (Kafka, Valkey, SeaweedFS, PostgreSQL, Prometheus). @default the cluster's default */
  storageClassName?: string;
  /**
   * The issuer of every certificate (Kafka's are Strimzi's own): a `ClusterIssuer` of your PKI, or
   * an `Issuer` in the workers' namespace. @default a self-signed CA that cert-manager makes
   */
  issuerRef?: { name: string; kind: "Issuer" | "ClusterIssuer"; group?: string };
  /**
   * The lake on your S3-compatible endpoint instead of the SeaweedFS the platform installs; the
   * Secret (in the workers' namespace) holds `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
   * @default SeaweedFS, installed
   */
  objectStore?: {
    existing: { endpoint: string; bucket: string; region?: string; credentialsSecret?: string };
  };
  /**
   * Where the lake is replicated (required when replication is on, as in prod): a second cluster's
   * S3 endpoint, bucket and the Secret with its keys. SeaweedFS copies asynchronously.
   */
  replica?: { endpoint: string; bucket: string; region?: string; credentialsSecret: string };
  /** A CSI VolumeSnapshotClass: Velero snapshots the volumes with it. @default none: Velero backs up the objects only */
  csiSnapshotClass?: string;
}
