import { LifecycleArgs } from "./contracts";

/**
 * Environment profiles: availability, replication, backup retention, deletion protection, alarm
 * thresholds and sizes per environment. A user overrides any field. A profile never weakens
 * encryption: there is no encryption setting here to weaken.
 *
 * Everything whose meaning is the same on every cloud (zones, replication, retention, protection,
 * thresholds) is cloud-neutral; what only one cloud's services understand (instance and node types,
 * broker counts and volumes, a service's own metric levels) lives under `sizes.<cloud>`, so each
 * cloud adds its own section instead of a copy of the profile.
 */

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export interface Profile {
  environment: EnvironmentName;
  /** Availability zones the platform spans (MSK needs client subnets in at least two). */
  availabilityZones: number;
  /** Protect stateful resources against deletion (Pulumi `protect` and provider deletion protection). */
  deletionProtection: boolean;
  /** Let `pulumi destroy` empty and delete buckets. Only for throwaway environments. */
  forceDestroy: boolean;
  /** Days a scheduled deletion of a customer-managed key waits (7 to 30). */
  keyDeletionWindowDays: number;
  objectStore: {
    /** Replicate every object to the replica region. */
    replication: boolean;
    /**
     * Replication with a time objective and its metrics: S3 Replication Time Control (15-minute SLA)
     * on AWS; the neutral name keeps its AWS origin.
     */
    replicationTimeControl: boolean;
    lifecycle: Required<LifecycleArgs>;
  };
  eventStream: {
    defaultReplicationFactor: number;
    minInsyncReplicas: number;
    /** Days the services' own logs are kept. */
    logRetentionDays: number;
  };
  featureStore: {
    shards: number;
    replicasPerShard: number;
    multiAz: boolean;
    snapshotRetentionDays: number;
  };
  backup: {
    dailyRetentionDays: number;
    weeklyRetentionDays: number;
    /** Lock the backup vault against deletion of recovery points (AWS Backup Vault Lock, governance mode). */
    vaultLock: boolean;
    /** Copy recovery points to the replica region's vault. */
    crossRegionCopy: boolean;
    /** Periodically restore recovery points to prove they work. */
    restoreTesting: boolean;
  };
  monitoring: {
    kafkaDiskUsedPercent: number;
    cpuPercent: number;
    redisMemoryPercent: number;
    consumerLagMessages: number;
    replicationLatencySeconds: number;
    /** Keys a feature-store node may evict in 5 minutes before alerting (0: any eviction alerts). */
    redisEvictions: number;
    /** Highest replication lag of a feature-store replica, seconds. */
    redisReplicationLagSeconds: number;
  };
  /** Sizes and service levels only one cloud understands, per cloud. */
  sizes: ProfileSizes;
}

/**
 * A profile's per-cloud section. Each cloud's platform reads only its own key; GCP and Azure add
 * `gcp` and `azure` beside `aws` when they are built.
 */
export interface ProfileSizes {
  aws: AwsSizes;
  gcp: GcpSizes;
  azure: AzureSizes;
}

/** The AWS sizes of a profile: MSK brokers and ElastiCache nodes. */
export interface AwsSizes {
  eventStream: {
    brokersPerZone: number;
    instanceType: string;
    /** Initial broker volume size, GiB; storage autoscaling grows it. */
    volumeSizeGiB: number;
    /** Ceiling for storage autoscaling, GiB. */
    maxVolumeSizeGiB: number;
    /** MSK's enhanced monitoring level. */
    enhancedMonitoring: "DEFAULT" | "PER_BROKER" | "PER_TOPIC_PER_BROKER" | "PER_TOPIC_PER_PARTITION";
    /** MSK open monitoring: Prometheus JMX and node exporters on the brokers. */
    openMonitoring: boolean;
  };
  featureStore: {
    nodeType: string;
  };
}

/**
 * The GCP sizes of a profile: Managed Service for Apache Kafka capacity and Memorystore for Valkey
 * nodes. See https://cloud.google.com/managed-service-for-apache-kafka/docs/plan-cluster-size and
 * https://cloud.google.com/memorystore/docs/valkey/instance-node-specification
 */
export interface GcpSizes {
  eventStream: {
    /** vCPUs of the whole cluster (3 or more); Managed Kafka spreads them over its brokers. */
    vcpuCount: number;
    /** Memory of the whole cluster, GiB: 1 to 8 GiB per vCPU, 3 GiB or more. */
    memoryGiB: number;
  };
  featureStore: {
    /** Memorystore for Valkey node type, e.g. `HIGHMEM_MEDIUM`. */
    nodeType: string;
  };
}

/**
 * The Azure sizes of a profile: the Event Hubs namespace's tier and capacity, and the Azure Managed
 * Redis SKU. See https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas and
 * https://learn.microsoft.com/azure/redis/overview
 */
export interface AzureSizes {
  eventStream: {
    /**
     * Event Hubs tier: `Standard` (throughput units, no customer-managed key) or `Premium`
     * (processing units, customer-managed key, dedicated resources). Basic has no Kafka endpoint.
     */
    tier: "Standard" | "Premium";
    /** Throughput units (Standard, 1 to 40) or processing units (Premium: 1, 2, 4, 8 or 16). */
    capacity: number;
    /** Standard only: the auto-inflate ceiling of throughput units (capacity to 40); 0 turns auto-inflate off. */
    maxThroughputUnits: number;
  };
  featureStore: {
    /** Azure Managed Redis SKU, e.g. `Balanced_B5`. */
    sku: string;
  };
}

const lifecycle: Required<LifecycleArgs> = {
  infrequentAccessAfterDays: 30,
  archiveAfterDays: 90,
  expireNoncurrentAfterDays: 90,
  abortIncompleteMultipartAfterDays: 7,
};

export const PROFILES: Record<EnvironmentName, Profile> = {
  dev: {
    environment: "dev",
    availabilityZones: 2,
    deletionProtection: false,
    forceDestroy: true,
    keyDeletionWindowDays: 7,
    objectStore: {
      replication: false,
      replicationTimeControl: false,
      lifecycle: { ...lifecycle, expireNoncurrentAfterDays: 30 },
    },
    eventStream: {
      defaultReplicationFactor: 2,
      minInsyncReplicas: 1,
      logRetentionDays: 14,
    },
    featureStore: {
      shards: 1,
      replicasPerShard: 0,
      multiAz: false,
      snapshotRetentionDays: 1,
    },
    backup: {
      dailyRetentionDays: 7,
      weeklyRetentionDays: 35,
      vaultLock: false,
      crossRegionCopy: false,
      restoreTesting: false,
    },
    monitoring: {
      kafkaDiskUsedPercent: 85,
      cpuPercent: 90,
      redisMemoryPercent: 90,
      consumerLagMessages: 1_000_000,
      replicationLatencySeconds: 3600,
      redisEvictions: 10_000,
      redisReplicationLagSeconds: 60,
    },
    sizes: {
      aws: {
        eventStream: {
          brokersPerZone: 1,
          instanceType: "kafka.t3.small",
          volumeSizeGiB: 100,
          maxVolumeSizeGiB: 500,
          enhancedMonitoring: "DEFAULT",
          openMonitoring: false,
        },
        featureStore: { nodeType: "cache.t4g.small" },
      },
      gcp: {
        eventStream: { vcpuCount: 3, memoryGiB: 3 },
        featureStore: { nodeType: "SHARED_CORE_NANO" },
      },
      azure: {
        eventStream: { tier: "Standard", capacity: 1, maxThroughputUnits: 4 },
        featureStore: { sku: "Balanced_B1" },
      },
    },
  },
  staging: {
    environment: "staging",
    availabilityZones: 3,
    deletionProtection: true,
    forceDestroy: false,
    keyDeletionWindowDays: 30,
    objectStore: { replication: true, replicationTimeControl: false, lifecycle },
    eventStream: {
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      logRetentionDays: 30,
    },
    featureStore: {
      shards: 1,
      replicasPerShard: 1,
      multiAz: true,
      snapshotRetentionDays: 7,
    },
    backup: {
      dailyRetentionDays: 14,
      weeklyRetentionDays: 90,
      vaultLock: false,
      crossRegionCopy: false,
      restoreTesting: false,
    },
    monitoring: {
      kafkaDiskUsedPercent: 80,
      cpuPercent: 80,
      redisMemoryPercent: 85,
      consumerLagMessages: 500_000,
      replicationLatencySeconds: 1800,
      redisEvictions: 1000,
      redisReplicationLagSeconds: 30,
    },
    sizes: {
      aws: {
        eventStream: {
          brokersPerZone: 1,
          instanceType: "kafka.m7g.large",
          volumeSizeGiB: 500,
          maxVolumeSizeGiB: 2000,
          enhancedMonitoring: "PER_BROKER",
          openMonitoring: true,
        },
        featureStore: { nodeType: "cache.m7g.large" },
      },
      gcp: {
        eventStream: { vcpuCount: 3, memoryGiB: 12 },
        featureStore: { nodeType: "STANDARD_SMALL" },
      },
      azure: {
        eventStream: { tier: "Standard", capacity: 2, maxThroughputUnits: 10 },
        featureStore: { sku: "Balanced_B5" },
      },
    },
  },
  prod: {
    environment: "prod",
    availabilityZones: 3,
    deletionProtection: true,
    forceDestroy: false,
    keyDeletionWindowDays: 30,
    objectStore: { replication: true, replicationTimeControl: true, lifecycle },
    eventStream: {
      defaultReplicationFactor: 3,
      minInsyncReplicas: 2,
      logRetentionDays: 90,
    },
    featureStore: {
      shards: 1,
      replicasPerShard: 2,
      multiAz: true,
      snapshotRetentionDays: 14,
    },
    backup: {
      dailyRetentionDays: 35,
      weeklyRetentionDays: 365,
      vaultLock: true,
      crossRegionCopy: true,
      restoreTesting: true,
    },
    monitoring: {
      kafkaDiskUsedPercent: 75,
      cpuPercent: 75,
      redisMemoryPercent: 80,
      consumerLagMessages: 100_000,
      replicationLatencySeconds: 900,
      redisEvictions: 0,
      redisReplicationLagSeconds: 10,
    },
    sizes: {
      aws: {
        eventStream: {
          brokersPerZone: 1,
          instanceType: "kafka.m7g.xlarge",
          volumeSizeGiB: 1000,
          maxVolumeSizeGiB: 8000,
          enhancedMonitoring: "PER_TOPIC_PER_BROKER",
          openMonitoring: true,
        },
        featureStore: { nodeType: "cache.r7g.large" },
      },
      gcp: {
        eventStream: { vcpuCount: 6, memoryGiB: 24 },
        featureStore: { nodeType: "HIGHMEM_MEDIUM" },
      },
      azure: {
        eventStream: { tier: "Premium", capacity: 1, maxThroughputUnits: 0 },
        featureStore: { sku: "Balanced_B10" },
      },
    },
  },
};

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function merge<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (!override) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out as T;
}

/** The named environment's profile with the user's overrides applied field by field. */
export function resolveProfile(environment: EnvironmentName, overrides?: DeepPartial<Profile>): Profile {
  return merge(PROFILES[environment], { ...overrides, environment });
}
