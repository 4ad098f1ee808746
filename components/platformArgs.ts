import { KafkaTopic, LifecycleArgs, ObjectLockArgs } from "./contracts";
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
  /** Extra tags for every resource. */
  tags?: Record<string, string>;
}
