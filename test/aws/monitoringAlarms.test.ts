import * as fc from "fast-check";
import {
  alarmSpecs,
  alertKeyPolicy,
  alertTopicPolicy,
  backupFailureEventPattern,
  DEFAULT_THRESHOLDS,
  MonitoredServices,
  profileThresholds,
} from "../../components/aws/monitoringAlarms";
import { PROFILES } from "../../components/profiles";

const everything: MonitoredServices<string> = {
  eventStream: {
    clusterName: "events",
    brokerCount: 3,
    consumers: [{ group: "ingest", topic: "raw.events" }],
  },
  featureStore: { replicationGroupId: "features", memberClusterIds: ["features-001", "features-002"] },
  objectStore: { sourceBucket: "lake", destinationBucket: "lake-replica", ruleId: "replicate-everything" },
  backups: { vaultName: "vault" },
};

const byKey = (services: MonitoredServices<string>, t = DEFAULT_THRESHOLDS) =>
  Object.fromEntries(alarmSpecs(services, t).map((a) => [a.key, a]));

describe("alarmSpecs", () => {
  it("watches nothing when no service is given", () => {
    expect(alarmSpecs({}, DEFAULT_THRESHOLDS)).toEqual([]);
  });

  it("gives each broker disk, CPU and under-replication alarms, and the cluster one offline alarm", () => {
    const keys = alarmSpecs(
      { eventStream: { clusterName: "events", brokerCount: 2 } },
      DEFAULT_THRESHOLDS,
    ).map((a) => a.key);
    expect(keys).toEqual([
      "msk-disk-broker-1",
      "msk-cpu-broker-1",
      "msk-under-replicated-broker-1",
      "msk-disk-broker-2",
      "msk-cpu-broker-2",
      "msk-under-replicated-broker-2",
      "msk-offline-partitions",
    ]);
  });

  it("alarms on a broker's data volume above the profile's percentage", () => {
    const a = byKey(everything, { ...DEFAULT_THRESHOLDS, kafkaDiskUsedPercent: 85 })["msk-disk-broker-2"];
    expect(a).toMatchObject({
      source: {
        metric: {
          namespace: "AWS/Kafka",
          metricName: "KafkaDataLogsDiskUsed",
          dimensions: { "Cluster Name": "events", "Broker ID": "2" },
          stat: "Maximum",
        },
      },
      comparison: "GreaterThanThreshold",
      threshold: 85,
      periodSeconds: 300,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "missing",
    });
  });

  it("alarms on broker CPU as user + system through metric math", () => {
    const a = byKey(everything)["msk-cpu-broker-1"];
    const dims = { "Cluster Name": "events", "Broker ID": "1" };
    expect(a.source).toEqual({
      expression: "user + system",
      label: "Broker 1 CPU (user + system)",
      metrics: {
        user: { namespace: "AWS/Kafka", metricName: "CpuUser", dimensions: dims, stat: "Average" },
        system: { namespace: "AWS/Kafka", metricName: "CpuSystem", dimensions: dims, stat: "Average" },
      },
    });
    expect(a.threshold).toBe(75);
    expect(a.evaluationPeriods).toBe(3);
  });

  it("treats a silent broker as under-replicated and a silent cluster as having offline partitions", () => {
    const a = byKey(everything);
    expect(a["msk-under-replicated-broker-3"]).toMatchObject({
      source: { metric: { metricName: "UnderReplicatedPartitions", stat: "Minimum" } },
      threshold: 0,
      treatMissingData: "breaching",
    });
    expect(a["msk-offline-partitions"]).toMatchObject({
      source: {
        metric: {
          metricName: "OfflinePartitionsCount",
          dimensions: { "Cluster Name": "events" },
          stat: "Maximum",
        },
      },
      threshold: 0,
      periodSeconds: 60,
      evaluationPeriods: 1,
      treatMissingData: "breaching",
    });
  });

  it("alarms on each watched consumer group's max offset lag on its topic", () => {
    const a = byKey(everything, { ...DEFAULT_THRESHOLDS, consumerLagMessages: 5000 })[
      "msk-consumer-lag-ingest-raw-events"
    ];
    expect(a).toMatchObject({
      source: {
        metric: {
          namespace: "AWS/Kafka",
          metricName: "MaxOffsetLag",
          dimensions: { "Consumer Group": "ingest", "Cluster Name": "events", Topic: "raw.events" },
          stat: "Maximum",
        },
      },
      threshold: 5000,
      treatMissingData: "notBreaching",
    });
  });

  it("keys consumers by position when their names are not known yet, or by the key given", () => {
    const unknown = { then: () => undefined } as unknown as string;
    const keys = alarmSpecs(
      {
        eventStream: {
          clusterName: "events",
          brokerCount: 1,
          consumers: [
            { group: unknown, topic: "t" },
            { group: unknown, topic: "t", key: "Dedup Stage" },
          ],
        },
      },
      DEFAULT_THRESHOLDS,
    )
      .filter((s) => s.widget === "msk-consumer-lag")
      .map((s) => s.key);
    expect(keys).toEqual(["msk-consumer-lag-1", "msk-consumer-lag-dedup-stage"]);
  });

  it("gives each cache node CPU, memory, eviction and replication-lag alarms from the profile", () => {
    const t = {
      ...DEFAULT_THRESHOLDS,
      cacheCpuPercent: 70,
      cacheMemoryPercent: 85,
      cacheEvictions: 100,
      cacheReplicationLagSeconds: 30,
    };
    const a = byKey(everything, t);
    const metric = (metricName: string, stat: string) => ({
      metric: {
        namespace: "AWS/ElastiCache",
        metricName,
        dimensions: { CacheClusterId: "features-002" },
        stat,
      },
    });
    expect(a["cache-cpu-node-2"]).toMatchObject({
      source: metric("EngineCPUUtilization", "Average"),
      threshold: 70,
      treatMissingData: "missing",
    });
    expect(a["cache-memory-node-2"]).toMatchObject({
      source: metric("DatabaseMemoryUsagePercentage", "Average"),
      threshold: 85,
      treatMissingData: "missing",
    });
    expect(a["cache-evictions-node-2"]).toMatchObject({
      source: metric("Evictions", "Sum"),
      threshold: 100,
      periodSeconds: 300,
      treatMissingData: "notBreaching",
    });
    expect(a["cache-replication-lag-node-2"]).toMatchObject({
      source: metric("ReplicationLag", "Maximum"),
      threshold: 30,
      periodSeconds: 60,
      evaluationPeriods: 5,
      // The primary publishes no replication lag.
      treatMissingData: "notBreaching",
    });
  });

  it("alarms on S3 replication latency and failed operations of the replication rule", () => {
    const a = byKey(everything, { ...DEFAULT_THRESHOLDS, replicationLatencySeconds: 1800 });
    const dimensions = {
      SourceBucket: "lake",
      DestinationBucket: "lake-replica",
      RuleId: "replicate-everything",
    };
    expect(a["s3-replication-latency"]).toMatchObject({
      source: {
        metric: { namespace: "AWS/S3", metricName: "ReplicationLatency", dimensions, stat: "Maximum" },
      },
      threshold: 1800,
      treatMissingData: "notBreaching",
    });
    expect(a["s3-replication-failed"]).toMatchObject({
      source: {
        metric: { namespace: "AWS/S3", metricName: "OperationsFailedReplication", dimensions, stat: "Sum" },
      },
      threshold: 0,
      treatMissingData: "notBreaching",
    });
  });

  it("alarms on failed backup jobs of the vault", () => {
    expect(byKey({ backups: { vaultName: "vault" } })["backup-jobs-failed"]).toMatchObject({
      source: {
        metric: {
          namespace: "AWS/Backup",
          metricName: "NumberOfBackupJobsFailed",
          dimensions: { BackupVaultName: "vault" },
          stat: "Sum",
        },
      },
      threshold: 0,
      periodSeconds: 3600,
      treatMissingData: "notBreaching",
    });
  });

  it("yields unique alarm keys and whole evaluation settings for any fleet size", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 12 }), (brokers, nodes) => {
        const specs = alarmSpecs(
          {
            eventStream: { clusterName: "c", brokerCount: brokers },
            featureStore: {
              replicationGroupId: "g",
              memberClusterIds: Array.from({ length: nodes }, (_, i) => `g-${i}`),
            },
          },
          DEFAULT_THRESHOLDS,
        );
        expect(new Set(specs.map((s) => s.key)).size).toBe(specs.length);
        expect(specs.length).toBe(brokers * 3 + 1 + nodes * 4);
        for (const s of specs) expect(s.datapointsToAlarm).toBeLessThanOrEqual(s.evaluationPeriods);
      }),
    );
  });
});

describe("alert topic and key policies", () => {
  const topic = "arn:aws:sns:us-east-1:123456789012:alerts";

  it("denies publishing and subscribing over plain HTTP", () => {
    const deny = alertTopicPolicy(topic, "123456789012", "aws").Statement.find((s) => s.Effect === "Deny");
    expect(deny).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["sns:Publish", "sns:Subscribe"],
      Resource: topic,
      Condition: { Bool: { "aws:SecureTransport": false } },
    });
  });

  it("lets only this account's CloudWatch alarms and EventBridge rules publish", () => {
    const services = alertTopicPolicy(topic, "123456789012", "aws").Statement.filter(
      (s) => s.Principal && typeof s.Principal === "object" && "Service" in s.Principal,
    );
    expect(services).toEqual([
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
      {
        Sid: "EventBridgeRulesPublish",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topic,
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
  });

  it("keeps the topic manageable by its account", () => {
    const owner = alertTopicPolicy(topic, "123456789012", "aws-cn").Statement[0];
    expect(owner.Principal).toEqual({ AWS: "arn:aws-cn:iam::123456789012:root" });
    expect(owner.Action).toContain("sns:Subscribe");
  });

  it("lets CloudWatch and EventBridge encrypt with the alert key, and the account administer it", () => {
    expect(alertKeyPolicy("123456789012", "aws").Statement).toEqual([
      {
        Sid: "AccountAdministersKey",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::123456789012:root" },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "AlarmAndEventPublishersUseKey",
        Effect: "Allow",
        Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
      },
    ]);
  });
});

describe("backupFailureEventPattern", () => {
  it("matches failed, aborted and expired backup, copy and restore jobs", () => {
    expect(backupFailureEventPattern()).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
    });
  });
});

describe("profileThresholds", () => {
  it("defaults to the prod profile's thresholds", () => {
    expect(profileThresholds(PROFILES.prod.monitoring)).toEqual(DEFAULT_THRESHOLDS);
  });

  it("applies the profile's CPU limit to brokers and cache nodes, and its Redis limits to the cache", () => {
    expect(profileThresholds(PROFILES.dev.monitoring)).toEqual({
      kafkaDiskUsedPercent: 85,
      kafkaCpuPercent: 90,
      consumerLagMessages: 1_000_000,
      cacheCpuPercent: 90,
      cacheMemoryPercent: 90,
      cacheEvictions: 10_000,
      cacheReplicationLagSeconds: 60,
      replicationLatencySeconds: 3600,
    });
  });
});
