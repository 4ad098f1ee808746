/**
 * Pure definitions for AWS monitoring: which CloudWatch alarms watch which metric, with what
 * threshold, and how missing data counts; the alert topic's and key's policies; the backup-failure
 * event pattern. The value type `S` of the watched identifiers is a string in tests and the
 * dashboard, and a `pulumi.Input<string>` in the component, so all three share one definition.
 */
import type { Profile } from "../profiles";
import type { PolicyDocument } from "./iamDocuments";

/** Alarm thresholds; the environment profile sets them. */
export interface MonitoringThresholds {
  /** Highest share of a broker's data volume in use, percent (1 to 100). */
  kafkaDiskUsedPercent: number;
  /** Highest broker CPU (user + system), percent (1 to 100). */
  kafkaCpuPercent: number;
  /** Highest offset lag of a watched consumer group on a topic, messages (1 or more). */
  consumerLagMessages: number;
  /** Highest engine CPU of a cache node, percent (1 to 100). */
  cacheCpuPercent: number;
  /** Highest share of a cache node's memory the data set uses, percent (1 to 100). */
  cacheMemoryPercent: number;
  /** Most keys a cache node may evict in 5 minutes (0 alarms on any eviction). */
  cacheEvictions: number;
  /** Highest replication lag of a cache replica, seconds (1 or more). */
  cacheReplicationLagSeconds: number;
  /** Highest S3 cross-region replication latency, seconds (1 or more). */
  replicationLatencySeconds: number;
}

/** Defaults: the `prod` profile's values. */
export const DEFAULT_THRESHOLDS: MonitoringThresholds = {
  kafkaDiskUsedPercent: 75,
  kafkaCpuPercent: 75,
  consumerLagMessages: 100_000,
  cacheCpuPercent: 75,
  cacheMemoryPercent: 80,
  cacheEvictions: 0,
  cacheReplicationLagSeconds: 10,
  replicationLatencySeconds: 900,
};

/** The thresholds an environment profile sets: its CPU limit applies to brokers and cache nodes alike. */
export function profileThresholds(m: Profile["monitoring"]): MonitoringThresholds {
  return {
    kafkaDiskUsedPercent: m.kafkaDiskUsedPercent,
    kafkaCpuPercent: m.cpuPercent,
    consumerLagMessages: m.consumerLagMessages,
    cacheCpuPercent: m.cpuPercent,
    cacheMemoryPercent: m.redisMemoryPercent,
    cacheEvictions: m.redisEvictions,
    cacheReplicationLagSeconds: m.redisReplicationLagSeconds,
    replicationLatencySeconds: m.replicationLatencySeconds,
  };
}

/** A consumer group whose lag on one topic is watched. */
export interface WatchedConsumer<S> {
  group: S;
  topic: S;
  /**
   * Suffix of the alarm's name.
   * @default - `<group>-<topic>` when both are plain strings, else the position in the list
   */
  key?: string;
}

/** What the monitoring watches; each part is optional and absent services get no alarms. */
export interface MonitoredServices<S> {
  eventStream?: {
    /** The MSK cluster's name (the `Cluster Name` dimension). */
    clusterName: S;
    /** Number of brokers; MSK numbers them 1 to N (the `Broker ID` dimension). */
    brokerCount: number;
    consumers?: WatchedConsumer<S>[];
  };
  featureStore?: {
    replicationGroupId: S;
    /** The member cache clusters (nodes), primaries and replicas (the `CacheClusterId` dimension). */
    memberClusterIds: S[];
  };
  objectStore?: {
    /** Replication metrics are published only when the rule has metrics (or RTC) enabled. */
    sourceBucket: S;
    destinationBucket: S;
    ruleId: S;
  };
  backups?: { vaultName: S };
}

export interface MetricRef<S> {
  namespace: string;
  metricName: string;
  dimensions: Record<string, S | string>;
  stat: "Average" | "Maximum" | "Minimum" | "Sum";
}

/** One metric, or an expression over several (the ids are the expression's variables). */
export type AlarmMetric<S> =
  | { metric: MetricRef<S> }
  | { expression: string; label: string; metrics: Record<string, MetricRef<S>> };

export type TreatMissingData = "breaching" | "notBreaching" | "ignore" | "missing";

export interface AlarmSpec<S> {
  /** Suffix of the alarm's resource name, unique within the component. */
  key: string;
  /** The dashboard widget the alarm's metric is drawn in. */
  widget: WidgetKey;
  description: string;
  source: AlarmMetric<S>;
  comparison: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Chosen per alarm: what a gap in the metric means for that metric. */
  treatMissingData: TreatMissingData;
}

export const WIDGETS = {
  "msk-disk": "MSK: data volume used (%)",
  "msk-cpu": "MSK: broker CPU, user + system (%)",
  "msk-under-replicated": "MSK: under-replicated partitions",
  "msk-offline": "MSK: offline partitions",
  "msk-consumer-lag": "MSK: consumer max offset lag (messages)",
  "cache-cpu": "ElastiCache: engine CPU (%)",
  "cache-memory": "ElastiCache: memory used by data (%)",
  "cache-evictions": "ElastiCache: evictions (per 5 min)",
  "cache-replication-lag": "ElastiCache: replication lag (s)",
  "s3-replication-latency": "S3: replication latency (s)",
  "s3-replication-failed": "S3: operations failed replication",
  "backup-jobs": "AWS Backup: failed backup jobs",
} as const;
export type WidgetKey = keyof typeof WIDGETS;

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

function consumerKey<S>(c: WatchedConsumer<S>, index: number): string {
  if (c.key !== undefined) return slug(c.key);
  if (typeof c.group === "string" && typeof c.topic === "string") return slug(`${c.group}-${c.topic}`);
  return String(index + 1);
}

/** Every alarm for the watched services, in a stable order. */
export function alarmSpecs<S>(services: MonitoredServices<S>, t: MonitoringThresholds): AlarmSpec<S>[] {
  const specs: AlarmSpec<S>[] = [];
  const msk = services.eventStream;
  if (msk) {
    const cluster = { "Cluster Name": msk.clusterName };
    for (let broker = 1; broker <= msk.brokerCount; broker++) {
      const dims = { ...cluster, "Broker ID": String(broker) };
      const kafka = (metricName: string, stat: MetricRef<S>["stat"]): MetricRef<S> => ({
        namespace: "AWS/Kafka",
        metricName,
        dimensions: dims,
        stat,
      });
      specs.push(
        {
          key: `msk-disk-broker-${broker}`,
          widget: "msk-disk",
          description: `Broker ${broker}'s data volume is more than ${t.kafkaDiskUsedPercent}% full; storage autoscaling may be at its ceiling. Raise the ceiling or shorten topic retention before the broker stops accepting writes.`,
          source: { metric: kafka("KafkaDataLogsDiskUsed", "Maximum") },
          comparison: "GreaterThanThreshold",
          threshold: t.kafkaDiskUsedPercent,
          periodSeconds: 300,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          // A gap is no evidence of a full disk; keep the last state.
          treatMissingData: "missing",
        },
        {
          key: `msk-cpu-broker-${broker}`,
          widget: "msk-cpu",
          description: `Broker ${broker}'s CPU (user + system) has stayed above ${t.kafkaCpuPercent}% for 15 minutes; MSK recommends headroom for broker failover. Scale the broker type or spread the load.`,
          source: {
            expression: "user + system",
            label: `Broker ${broker} CPU (user + system)`,
            metrics: { user: kafka("CpuUser", "Average"), system: kafka("CpuSystem", "Average") },
          },
          comparison: "GreaterThanThreshold",
          threshold: t.kafkaCpuPercent,
          periodSeconds: 300,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: "missing",
        },
        {
          key: `msk-under-replicated-broker-${broker}`,
          widget: "msk-under-replicated",
          description: `Broker ${broker} has had under-replicated partitions for 10 minutes: a replica is down or falling behind, and another failure could lose acknowledged writes.`,
          // Minimum over the period: under-replicated for the whole period, not during a restart.
          source: { metric: kafka("UnderReplicatedPartitions", "Minimum") },
          comparison: "GreaterThanThreshold",
          threshold: 0,
          periodSeconds: 300,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          // A broker that stops reporting is itself a replication problem.
          treatMissingData: "breaching",
        },
      );
    }
    specs.push({
      key: "msk-offline-partitions",
      widget: "msk-offline",
      description:
        "Partitions are offline: no leader, so producers and consumers of those partitions are failing now.",
      source: {
        metric: {
          namespace: "AWS/Kafka",
          metricName: "OfflinePartitionsCount",
          dimensions: cluster,
          stat: "Maximum",
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // The controller reports this every minute; silence means the cluster is unreachable.
      treatMissingData: "breaching",
    });
    (msk.consumers ?? []).forEach((c, i) => {
      specs.push({
        key: `msk-consumer-lag-${consumerKey(c, i)}`,
        widget: "msk-consumer-lag",
        description: `A consumer group lags more than ${t.consumerLagMessages} messages behind on a topic for 15 minutes: the stage is too slow or stuck. Check its workers and autoscaling.`,
        source: {
          metric: {
            namespace: "AWS/Kafka",
            metricName: "MaxOffsetLag",
            dimensions: { "Consumer Group": c.group, "Cluster Name": msk.clusterName, Topic: c.topic },
            stat: "Maximum",
          },
        },
        comparison: "GreaterThanThreshold",
        threshold: t.consumerLagMessages,
        periodSeconds: 300,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        // No data until the group first commits; absence is not lag.
        treatMissingData: "notBreaching",
      });
    });
  }

  const cache = services.featureStore;
  if (cache) {
    cache.memberClusterIds.forEach((id, i) => {
      const node = i + 1;
      const metric = (metricName: string, stat: MetricRef<S>["stat"]): AlarmMetric<S> => ({
        metric: { namespace: "AWS/ElastiCache", metricName, dimensions: { CacheClusterId: id }, stat },
      });
      specs.push(
        {
          key: `cache-cpu-node-${node}`,
          widget: "cache-cpu",
          description: `Cache node ${node}'s engine CPU has stayed above ${t.cacheCpuPercent}% for 15 minutes; the engine thread is saturated and reads slow down. Scale up or add shards.`,
          source: metric("EngineCPUUtilization", "Average"),
          comparison: "GreaterThanThreshold",
          threshold: t.cacheCpuPercent,
          periodSeconds: 300,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: "missing",
        },
        {
          key: `cache-memory-node-${node}`,
          widget: "cache-memory",
          description: `Cache node ${node}'s data uses more than ${t.cacheMemoryPercent}% of its memory; evictions follow. Scale up, add shards or shorten feature TTLs.`,
          source: metric("DatabaseMemoryUsagePercentage", "Average"),
          comparison: "GreaterThanThreshold",
          threshold: t.cacheMemoryPercent,
          periodSeconds: 300,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          treatMissingData: "missing",
        },
        {
          key: `cache-evictions-node-${node}`,
          widget: "cache-evictions",
          description: `Cache node ${node} evicted more than ${t.cacheEvictions} keys in 5 minutes: features are being dropped before their TTL, and the feature server will miss them.`,
          source: metric("Evictions", "Sum"),
          comparison: "GreaterThanThreshold",
          threshold: t.cacheEvictions,
          periodSeconds: 300,
          evaluationPeriods: 1,
          datapointsToAlarm: 1,
          treatMissingData: "notBreaching",
        },
        {
          key: `cache-replication-lag-node-${node}`,
          widget: "cache-replication-lag",
          description: `Cache node ${node} (a replica) has lagged its primary by more than ${t.cacheReplicationLagSeconds}s for 5 minutes; a failover now would lose recent writes.`,
          source: metric("ReplicationLag", "Maximum"),
          comparison: "GreaterThanThreshold",
          threshold: t.cacheReplicationLagSeconds,
          periodSeconds: 60,
          evaluationPeriods: 5,
          datapointsToAlarm: 5,
          // Only replicas publish replication lag; the primary's silence is normal.
          treatMissingData: "notBreaching",
        },
      );
    });
  }

  const s3 = services.objectStore;
  if (s3) {
    const dimensions = {
      SourceBucket: s3.sourceBucket,
      DestinationBucket: s3.destinationBucket,
      RuleId: s3.ruleId,
    };
    specs.push(
      {
        key: "s3-replication-latency",
        widget: "s3-replication-latency",
        description: `Cross-region replication is more than ${t.replicationLatencySeconds}s behind for 10 minutes: the replica is stale, so a regional failover would lose recent objects.`,
        source: {
          metric: { namespace: "AWS/S3", metricName: "ReplicationLatency", dimensions, stat: "Maximum" },
        },
        comparison: "GreaterThanThreshold",
        threshold: t.replicationLatencySeconds,
        periodSeconds: 300,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        // Published only while objects replicate; no writes, nothing behind.
        treatMissingData: "notBreaching",
      },
      {
        key: "s3-replication-failed",
        widget: "s3-replication-failed",
        description:
          "Objects failed to replicate to the replica region (usually a KMS or bucket-policy permission); they will not be retried until re-uploaded or batch-replicated.",
        source: {
          metric: { namespace: "AWS/S3", metricName: "OperationsFailedReplication", dimensions, stat: "Sum" },
        },
        comparison: "GreaterThanThreshold",
        threshold: 0,
        periodSeconds: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        treatMissingData: "notBreaching",
      },
    );
  }

  const backups = services.backups;
  if (backups) {
    specs.push({
      key: "backup-jobs-failed",
      widget: "backup-jobs",
      description:
        "An AWS Backup job into the vault failed: a recovery point you count on does not exist. The backup-failure notification names the job and resource.",
      source: {
        metric: {
          namespace: "AWS/Backup",
          metricName: "NumberOfBackupJobsFailed",
          dimensions: { BackupVaultName: backups.vaultName },
          stat: "Sum",
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: 0,
      periodSeconds: 3600,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // Published only when jobs run.
      treatMissingData: "notBreaching",
    });
  }
  return specs;
}

/**
 * EventBridge pattern for AWS Backup jobs that did not succeed: backups failed, aborted or
 * expired, copies failed, restores (restore tests among them) failed or aborted. It matches every
 * vault of the account in the region: a failed job anywhere there deserves the alert, and copy and
 * restore events do not name the vault the way backup events do.
 */
export function backupFailureEventPattern(): object {
  return {
    source: ["aws.backup"],
    "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
    detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
  };
}

/**
 * The alert topic's policy: its owner manages it, CloudWatch alarms and EventBridge rules of this
 * account publish to it, and nobody publishes or subscribes over plain HTTP.
 */
export function alertTopicPolicy(topicArn: string, accountId: string, partition: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "OwnerManagesTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        Resource: topicArn,
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "EventBridgeRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["sns:Publish", "sns:Subscribe"],
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
    ],
  };
}

/**
 * The alert key's policy: the account administers it through IAM, and CloudWatch and EventBridge
 * may use it to publish to the encrypted topic (they cannot with the AWS-managed SNS key).
 */
export function alertKeyPolicy(accountId: string, partition: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmAndEventPublishersUseKey",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        // No source condition: these services do not pass one to KMS. Who may publish at all is
        // decided by the topic policy, which does check the source account.
      },
    ],
  };
}
