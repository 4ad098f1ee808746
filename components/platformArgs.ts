import { LifecycleArgs, ObjectLockArgs } from "./contracts";
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
  /** Extra tags for every resource. */
  tags?: Record<string, string>;
}
