/**
 * Pure definitions for GCP monitoring: the alert thresholds (from the cloud-neutral profile), which
 * Cloud Monitoring alert policy watches which metric or log with what condition, and the dashboard.
 * Every filter is built from the table in `monitoringMetrics.ts`. The value type `S` of the watched
 * identifiers is a string in tests and the dashboard, and a `pulumi.Input<string>` in the component.
 */
import type { Profile } from "../profiles";
import { LOGS, LogKey, METRICS, MetricKey } from "./monitoringMetrics";

/**
 * Alert thresholds; the environment profile sets them.
 *
 * Managed Service for Apache Kafka broker CPU and disk are not alerted on: the metric types of
 * broker CPU and broker disk use could not be confirmed against GCP's published metric list when
 * this was written, and an alert on a metric type Cloud Monitoring does not define never fires.
 * Consumer lag, the signal the stages scale on, is alerted on.
 */
export interface GcpMonitoringThresholds {
  /** Highest offset lag of a watched consumer group on a topic, messages (1 or more). */
  consumerLagMessages: number;
  /** Highest CPU of a feature-store node, percent (1 to 100). */
  cacheCpuPercent: number;
  /** Highest memory use of a feature-store node, percent of its memory (1 to 100). */
  cacheMemoryPercent: number;
  /** Most keys the feature store may evict in 5 minutes (0 alerts on any eviction). */
  cacheEvictions: number;
  /** Highest replication lag of a feature-store replica, seconds (1 or more). */
  cacheReplicationLagSeconds: number;
  /** Highest turbo-replication delay of a dual-region bucket, seconds (1 or more): the RPO. */
  replicationDelaySeconds: number;
}

/** Defaults: the `prod` profile's values. */
export const DEFAULT_GCP_THRESHOLDS: GcpMonitoringThresholds = {
  consumerLagMessages: 100_000,
  cacheCpuPercent: 75,
  cacheMemoryPercent: 80,
  cacheEvictions: 0,
  cacheReplicationLagSeconds: 10,
  replicationDelaySeconds: 900,
};

/** The thresholds an environment profile sets (its CPU limit applies to the feature store's nodes). */
export function gcpProfileThresholds(m: Profile["monitoring"]): GcpMonitoringThresholds {
  return {
    consumerLagMessages: m.consumerLagMessages,
    cacheCpuPercent: m.cpuPercent,
    cacheMemoryPercent: m.redisMemoryPercent,
    cacheEvictions: m.redisEvictions,
    cacheReplicationLagSeconds: m.redisReplicationLagSeconds,
    replicationDelaySeconds: m.replicationLatencySeconds,
  };
}

/** A consumer group whose lag on one topic is watched. */
export interface GcpWatchedConsumer<S> {
  group: S;
  topic: S;
  /** Suffix of the policy's name. @defaultValue `<group>-<topic>` when both are plain strings, else the index */
  key?: string;
}

/** The services to watch; each is optional. */
export interface GcpMonitoredServices<S> {
  /** A Managed Service for Apache Kafka cluster: its cluster id (the short id, not the full name). */
  eventStream?: { clusterId: S; consumers?: GcpWatchedConsumer<S>[] };
  /**
   * The feature store: a Memorystore for Valkey instance (`engine: "valkey"`) or a Memorystore for
   * Redis instance (`engine: "redis"`), by its short instance id.
   */
  featureStore?: { engine: "valkey" | "redis"; instanceId: S };
  /** A dual-region bucket with turbo replication: its name. */
  objectStore?: { bucket: S };
  /** Backup and DR jobs of the project (any vault): alert on each failed backup or restore job. */
  backups?: { enabled: true };
}

/** A threshold condition on one metric, as Cloud Monitoring's `conditionThreshold` takes it. */
export interface ThresholdSource<S> {
  metric: MetricKey;
  /** Filter clauses on resource labels beside the metric and resource type: `[label, value]`. */
  resourceLabels: [string, S][];
  aligner: "ALIGN_MAX" | "ALIGN_MEAN" | "ALIGN_RATE" | "ALIGN_DELTA";
  /** Cross-series reducer and the fields kept, when series are combined. */
  reducer?: { reducer: "REDUCE_SUM" | "REDUCE_MAX"; groupBy: string[] };
  comparison: "COMPARISON_GT";
  threshold: number;
  alignmentSeconds: number;
  /** How long the condition must hold, seconds (0: the first breaching point). */
  durationSeconds: number;
  /** What no data means for this metric. */
  missingData: "EVALUATION_MISSING_DATA_INACTIVE" | "EVALUATION_MISSING_DATA_ACTIVE";
}

/** A condition matching log entries. */
export interface LogSource {
  log: LogKey;
  /** Clauses on the entries beside the log name. */
  clauses: string[];
  /** Least time between two notifications, seconds (Cloud Monitoring requires a rate limit). */
  notifyEverySeconds: number;
}

export interface GcpAlertSpec<S> {
  /** Suffix of the policy's resource name, unique within the component. */
  key: string;
  displayName: string;
  /** Markdown sent with the notification: what it means and what to do. */
  documentation: string;
  severity: "CRITICAL" | "ERROR" | "WARNING";
  source: { threshold: ThresholdSource<S> } | { log: LogSource };
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

function consumerKey<S>(c: GcpWatchedConsumer<S>, index: number): string {
  if (c.key !== undefined) return slug(c.key);
  if (typeof c.group === "string" && typeof c.topic === "string") return slug(`${c.group}-${c.topic}`);
  return String(index + 1);
}

/** Every alert for the watched services, in a stable order. */
export function gcpAlertSpecs<S>(
  services: GcpMonitoredServices<S>,
  t: GcpMonitoringThresholds,
): GcpAlertSpec<S>[] {
  const specs: GcpAlertSpec<S>[] = [];
  const kafka = services.eventStream;
  if (kafka) {
    (kafka.consumers ?? []).forEach((c, i) => {
      specs.push({
        key: `kafka-consumer-lag-${consumerKey(c, i)}`,
        displayName: `Kafka consumer lag above ${t.consumerLagMessages} messages`,
        documentation: `A consumer group lags more than ${t.consumerLagMessages} messages behind on a topic (summed over its partitions) for 15 minutes: the stage is too slow or stuck. Check its workers and autoscaling.`,
        severity: "WARNING",
        source: {
          threshold: {
            metric: "kafkaOffsetLag",
            resourceLabels: [
              ["cluster_id", kafka.clusterId],
              ["consumer_group_id", c.group],
              ["topic_id", c.topic],
            ],
            aligner: "ALIGN_MAX",
            reducer: {
              reducer: "REDUCE_SUM",
              groupBy: ["resource.label.consumer_group_id", "resource.label.topic_id"],
            },
            comparison: "COMPARISON_GT",
            threshold: t.consumerLagMessages,
            alignmentSeconds: 300,
            durationSeconds: 900,
            // No series until the group first commits: absence is not lag.
            missingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      });
    });
  }

  const cache = services.featureStore;
  if (cache) {
    const valkey = cache.engine === "valkey";
    const labels: [string, S][] = [["instance_id", cache.instanceId]];
    const base = { resourceLabels: labels, comparison: "COMPARISON_GT" as const };
    specs.push(
      {
        key: "cache-cpu",
        displayName: `Feature store CPU above ${t.cacheCpuPercent}%`,
        documentation: `The feature store's ${valkey ? "busiest node's CPU" : "Redis server's CPU (cores in use)"} has stayed above ${t.cacheCpuPercent}% for 15 minutes; reads slow down. Scale up the node type or add shards.`,
        severity: "WARNING",
        source: {
          threshold: valkey
            ? {
                ...base,
                metric: "valkeyCpuMax",
                aligner: "ALIGN_MAX",
                threshold: t.cacheCpuPercent / 100,
                alignmentSeconds: 300,
                durationSeconds: 900,
                missingData: "EVALUATION_MISSING_DATA_INACTIVE",
              }
            : {
                ...base,
                metric: "redisCpu",
                // CPU-seconds per second over user and system space: the share of a core in use.
                aligner: "ALIGN_RATE",
                reducer: {
                  reducer: "REDUCE_SUM",
                  groupBy: ["resource.label.instance_id", "metric.label.role"],
                },
                threshold: t.cacheCpuPercent / 100,
                alignmentSeconds: 300,
                durationSeconds: 900,
                missingData: "EVALUATION_MISSING_DATA_INACTIVE",
              },
        },
      },
      {
        key: "cache-memory",
        displayName: `Feature store memory above ${t.cacheMemoryPercent}%`,
        documentation: `The feature store uses more than ${t.cacheMemoryPercent}% of its memory for 10 minutes; evictions follow. Scale up, add shards or shorten feature TTLs.`,
        severity: "ERROR",
        source: {
          threshold: {
            ...base,
            metric: valkey ? "valkeyMemoryMax" : "redisMemoryUsageRatio",
            aligner: "ALIGN_MAX",
            threshold: t.cacheMemoryPercent / 100,
            alignmentSeconds: 300,
            durationSeconds: 600,
            missingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      },
      {
        key: "cache-evictions",
        displayName: `Feature store evicted more than ${t.cacheEvictions} keys in 5 minutes`,
        documentation: `The feature store evicted more than ${t.cacheEvictions} keys in 5 minutes: features are dropped before their TTL, and the feature server will miss them.`,
        severity: "ERROR",
        source: {
          threshold: {
            ...base,
            metric: valkey ? "valkeyEvictions" : "redisEvictions",
            aligner: "ALIGN_DELTA",
            reducer: { reducer: "REDUCE_SUM", groupBy: ["resource.label.instance_id"] },
            threshold: t.cacheEvictions,
            alignmentSeconds: 300,
            durationSeconds: 0,
            missingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      },
      {
        key: "cache-replication-lag",
        displayName: `Feature store replica lag above ${t.cacheReplicationLagSeconds}s`,
        documentation: `A feature-store replica has lagged its primary by more than ${t.cacheReplicationLagSeconds}s for 5 minutes; a failover now would lose recent writes.`,
        severity: "ERROR",
        source: {
          threshold: {
            ...base,
            metric: valkey ? "valkeyReplicationAckLag" : "redisReplicaLag",
            aligner: "ALIGN_MAX",
            threshold: t.cacheReplicationLagSeconds,
            alignmentSeconds: 60,
            durationSeconds: 300,
            // Only replicated instances publish lag; silence is normal without replicas.
            missingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      },
    );
  }

  const bucket = services.objectStore;
  if (bucket) {
    specs.push({
      key: "bucket-turbo-replication-delay",
      displayName: `Bucket turbo replication more than ${t.replicationDelaySeconds}s behind`,
      documentation: `The oldest object not yet copied to the bucket's second region is more than ${t.replicationDelaySeconds}s old for 10 minutes: turbo replication is missing its 15-minute objective, and a regional outage would lose the newest objects.`,
      severity: "ERROR",
      source: {
        threshold: {
          metric: "bucketTurboMaxDelay",
          resourceLabels: [["bucket_name", bucket.bucket]],
          aligner: "ALIGN_MAX",
          comparison: "COMPARISON_GT",
          threshold: t.replicationDelaySeconds,
          alignmentSeconds: 300,
          durationSeconds: 600,
          // Written only while objects replicate; no writes, nothing behind.
          missingData: "EVALUATION_MISSING_DATA_INACTIVE",
        },
      },
    });
  }

  if (services.backups) {
    specs.push({
      key: "backup-jobs-failed",
      displayName: "Backup and DR job failed",
      documentation:
        "A Backup and DR backup or restore job did not succeed: a recovery point you count on may not exist. The log entry names the job, the resource and the reason.",
      severity: "CRITICAL",
      source: {
        log: {
          log: "backupJobs",
          clauses: [
            'jsonPayload.jobCategory=("SCHEDULED_BACKUP" OR "ON_DEMAND_BACKUP" OR "RESTORE")',
            'jsonPayload.jobStatus!="SUCCESSFUL"',
            'jsonPayload.jobStatus!="RUNNING"',
          ],
          notifyEverySeconds: 3600,
        },
      },
    });
  }
  return specs;
}

const quote = (value: string) => JSON.stringify(value);

/**
 * The Cloud Monitoring filter of a threshold source: metric type, resource type (both from the
 * table), then the resource labels, with values already resolved.
 */
export function thresholdFilter(source: ThresholdSource<string>): string {
  const m = METRICS[source.metric];
  return [
    `metric.type = ${quote(m.type)}`,
    `resource.type = ${quote(m.resourceType)}`,
    ...source.resourceLabels.map(([label, value]) => `resource.label.${label} = ${quote(value)}`),
  ].join(" AND ");
}

/** The Cloud Logging filter of a log source, for the project `project`. */
export function logFilter(source: LogSource, project: string): string {
  const l = LOGS[source.log];
  return [`logName = ${quote(`projects/${project}/logs/${l.logId}`)}`, ...source.clauses].join(" AND ");
}

/** The aggregation of a threshold source, as `conditionThreshold.aggregations[0]`. */
export function thresholdAggregation(source: ThresholdSource<unknown>) {
  return {
    alignmentPeriod: `${source.alignmentSeconds}s`,
    perSeriesAligner: source.aligner,
    ...(source.reducer
      ? { crossSeriesReducer: source.reducer.reducer, groupByFields: source.reducer.groupBy }
      : {}),
  };
}

/** A Cloud Monitoring dashboard (`dashboardJson`): one chart per threshold alert, in a mosaic. */
export function renderGcpDashboard(
  title: string,
  specs: GcpAlertSpec<string>[],
): { displayName: string; mosaicLayout: { columns: number; tiles: object[] } } {
  const charts = specs.flatMap((spec) =>
    "threshold" in spec.source ? [{ spec, source: spec.source.threshold }] : [],
  );
  const tiles = charts.map(({ spec, source }, i) => ({
    xPos: (i % 2) * 24,
    yPos: Math.floor(i / 2) * 16,
    width: 24,
    height: 16,
    widget: {
      title: spec.displayName,
      xyChart: {
        dataSets: [
          {
            plotType: "LINE",
            targetAxis: "Y1",
            timeSeriesQuery: {
              timeSeriesFilter: {
                filter: thresholdFilter(source),
                aggregation: thresholdAggregation(source),
              },
            },
          },
        ],
        thresholds: [{ value: source.threshold, targetAxis: "Y1" }],
        yAxis: { scale: "LINEAR", label: METRICS[source.metric].type.split("/").slice(1).join("/") },
      },
    },
  }));
  return { displayName: title, mosaicLayout: { columns: 48, tiles } };
}
