/**
 * The one table of what Seawall's GCP alerts and dashboard read: every Cloud Monitoring metric
 * type with its monitored-resource type, and every log an alert matches, each with the page that
 * defines it. Filters are built only from this table (see `monitoringPolicies.ts`), and a test
 * checks that every filter names only the metric, resource and log types listed here.
 *
 * How each entry was checked: against the published list of Google Cloud metrics
 * (https://cloud.google.com/monitoring/api/metrics_gcp, one page per service family) and public
 * configurations that use the same type with the same resource type. What could not be confirmed
 * is not listed, and so is not alerted on (see `MonitoringThresholds` for the gaps).
 */

/** A Cloud Monitoring metric Seawall alerts on or charts. */
export interface MetricDefinition {
  /** The metric type, e.g. `redis.googleapis.com/stats/cpu_utilization`. */
  type: string;
  /** The monitored-resource type its time series are written against. */
  resourceType: string;
  kind: "GAUGE" | "DELTA" | "CUMULATIVE";
  /** What a point means, with its unit. */
  meaning: string;
  /** The page of GCP's metric list that defines it. */
  source: string;
}

/** A Cloud Logging log an alert matches. */
export interface LogDefinition {
  /** The log id (the part of `logName` after `/logs/`, URL-encoded as Cloud Logging writes it). */
  logId: string;
  meaning: string;
  source: string;
}

const LIST = "https://cloud.google.com/monitoring/api/metrics_gcp";
const KAFKA_SOURCE = `${LIST} (managedkafka); https://cloud.google.com/managed-service-for-apache-kafka/docs/monitor-clients`;
const VALKEY_SOURCE = `${LIST} (memorystore); https://cloud.google.com/memorystore/docs/valkey/supported-monitoring-metrics`;
const REDIS_SOURCE = `${LIST} (redis); https://cloud.google.com/memorystore/docs/redis/supported-monitoring-metrics`;
const STORAGE_SOURCE = `${LIST} (storage); https://cloud.google.com/storage/docs/availability-durability#turbo-replication`;

/** Every metric type Seawall's GCP monitoring uses, by a short key. */
export const METRICS = {
  kafkaOffsetLag: {
    type: "managedkafka.googleapis.com/offset_lag",
    resourceType: "managedkafka.googleapis.com/TopicPartitionConsumerGroup",
    kind: "GAUGE",
    meaning:
      "Messages of a topic partition a consumer group has not committed yet (not `consumer_lag`, which is follower-replica lag).",
    source: KAFKA_SOURCE,
  },
  valkeyCpuMax: {
    type: "memorystore.googleapis.com/instance/cpu/maximum_utilization",
    resourceType: "memorystore.googleapis.com/Instance",
    kind: "GAUGE",
    meaning: "Highest CPU utilization of the instance's nodes, a ratio from 0 to 1.",
    source: VALKEY_SOURCE,
  },
  valkeyMemoryMax: {
    type: "memorystore.googleapis.com/instance/memory/maximum_utilization",
    resourceType: "memorystore.googleapis.com/Instance",
    kind: "GAUGE",
    meaning: "Highest memory utilization of the instance's nodes, a ratio from 0 to 1.",
    source: VALKEY_SOURCE,
  },
  valkeyEvictions: {
    type: "memorystore.googleapis.com/instance/stats/total_evicted_keys_count",
    resourceType: "memorystore.googleapis.com/Instance",
    kind: "DELTA",
    meaning: "Keys the instance evicted because memory was full.",
    source: VALKEY_SOURCE,
  },
  valkeyReplicationAckLag: {
    type: "memorystore.googleapis.com/instance/replication/average_ack_lag",
    resourceType: "memorystore.googleapis.com/Instance",
    kind: "GAUGE",
    meaning: "Average acknowledgement lag of the replicas behind their primaries, seconds.",
    source: VALKEY_SOURCE,
  },
  redisCpu: {
    type: "redis.googleapis.com/stats/cpu_utilization",
    resourceType: "redis_instance",
    kind: "DELTA",
    meaning:
      "CPU-seconds the Redis server consumed, by space (user, system) and relationship (parent, child); its rate is the cores in use.",
    source: REDIS_SOURCE,
  },
  redisMemoryUsageRatio: {
    type: "redis.googleapis.com/stats/memory/usage_ratio",
    resourceType: "redis_instance",
    kind: "GAUGE",
    meaning: "Memory used as a ratio of the instance's maximum memory, 0 to 1.",
    source: REDIS_SOURCE,
  },
  redisEvictions: {
    type: "redis.googleapis.com/stats/evicted_keys",
    resourceType: "redis_instance",
    kind: "DELTA",
    meaning: "Keys evicted because memory was full.",
    source: REDIS_SOURCE,
  },
  redisReplicaLag: {
    type: "redis.googleapis.com/replication/master/slaves/lag",
    resourceType: "redis_instance",
    kind: "GAUGE",
    meaning: "How far the replica lags its primary, as the primary reports it per replica (label `slave`).",
    source: REDIS_SOURCE,
  },
  bucketTurboMaxDelay: {
    type: "storage.googleapis.com/replication/turbo_max_delay",
    resourceType: "gcs_bucket",
    kind: "GAUGE",
    meaning:
      "Age, seconds, of the oldest object not yet replicated to the second region of a dual-region bucket with turbo replication: the recovery point a regional outage would cost.",
    source: STORAGE_SOURCE,
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricKey = keyof typeof METRICS;

/** Every log an alert of Seawall's GCP monitoring matches, by a short key. */
export const LOGS = {
  backupJobs: {
    logId: "backupdr.googleapis.com%2Fbdr_backup_restore_jobs",
    meaning:
      "One entry per Backup and DR backup or restore job into a backup vault, with jsonPayload.jobCategory (SCHEDULED_BACKUP, ON_DEMAND_BACKUP, RESTORE, ...) and jsonPayload.jobStatus (RUNNING, SUCCESSFUL, FAILED, ...).",
    source:
      "https://cloud.google.com/backup-disaster-recovery/docs/monitor-reports/backupvault-backup-recovery-jobs",
  },
} as const satisfies Record<string, LogDefinition>;

export type LogKey = keyof typeof LOGS;
