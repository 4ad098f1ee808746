import * as pulumi from "@pulumi/pulumi";
import { Monitoring, MonitoringArgs, validateMonitoringArgs } from "../../components/aws/monitoring";
import { SeawallValidationError } from "../../components/validation";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:aws:Monitoring",
  key: "aws:kms/key:Key",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  rule: "aws:cloudwatch/eventRule:EventRule",
  target: "aws:cloudwatch/eventTarget:EventTarget",
  dashboard: "aws:cloudwatch/dashboard:Dashboard",
};

async function monitoring(args: MonitoringArgs | (() => MonitoringArgs) = {}, name = "mon"): Promise<Plan> {
  return plan(() => {
    const m = new Monitoring(name, typeof args === "function" ? args() : args);
    return { topicArn: m.alertTopicArn, url: m.dashboardUrl, keyArn: m.kmsKeyArn };
  });
}

const everything: MonitoringArgs = {
  eventStream: { clusterName: "events", brokerCount: 3, consumers: [{ group: "ingest", topic: "raw" }] },
  featureStore: { replicationGroupId: "features", memberClusterIds: ["features-001", "features-002"] },
  objectStore: { sourceBucket: "lake", destinationBucket: "lake-replica", ruleId: "replicate-everything" },
  backups: { vaultName: "vault" },
  thresholds: { kafkaDiskUsedPercent: 80, cacheEvictions: 10 },
  alertEmails: ["oncall@example.com"],
  tags: { "seawall:environment": "prod" },
};

describe("Monitoring of every service", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await monitoring(everything);
  });

  it("creates a key, a topic with its policy, the alarms, the backup-failure rule and a dashboard", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.key]: 1,
      [T.topic]: 1,
      [T.topicPolicy]: 1,
      [T.subscription]: 1,
      // 3 brokers x 3 + offline + 1 consumer; 2 nodes x 4; 2 for S3; 1 for backups
      [T.alarm]: 9 + 1 + 1 + 8 + 2 + 1,
      [T.rule]: 1,
      [T.target]: 1,
      [T.dashboard]: 1,
    });
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = s.one(T.component, "mon");
    for (const r of s.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("mon-")).toBe(true);
    }
  });

  it("encrypts the alert topic with a customer-managed key that CloudWatch and EventBridge may use", () => {
    const key = s.one(T.key, "mon-key");
    expect(key.inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: 30 });
    const statements = JSON.parse(key.inputs.policy as string).Statement;
    expect(statements.map((st: { Sid: string }) => st.Sid)).toEqual([
      "AccountAdministersKey",
      "AlarmAndEventPublishersUseKey",
    ]);
    const topic = s.one(T.topic, "mon-alerts");
    expect(topic.inputs.kmsMasterKeyId).toBe(s.output("keyArn"));
    expect(topic.propertyDependencies.kmsMasterKeyId).toEqual([key.urn]);
  });

  it("attaches a TLS-only topic policy that lets this account's alarms and rules publish", () => {
    const policy = s.one(T.topicPolicy, "mon-alerts-policy");
    const topicArn = s.output("topicArn") as string;
    expect(policy.inputs.arn).toBe(topicArn);
    const doc = JSON.parse(policy.inputs.policy as string);
    expect(doc.Statement.map((st: { Sid: string }) => st.Sid)).toEqual([
      "OwnerManagesTopic",
      "CloudWatchAlarmsPublish",
      "EventBridgeRulesPublish",
      "DenyInsecureTransport",
    ]);
    expect(doc.Statement[3]).toEqual({
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: ["sns:Publish", "sns:Subscribe"],
      Resource: topicArn,
      Condition: { Bool: { "aws:SecureTransport": false } },
    });
    expect(doc.Statement[1].Condition).toEqual({ StringEquals: { "aws:SourceAccount": "123456789012" } });
  });

  it("subscribes the alert emails", () => {
    expect(s.one(T.subscription, "mon-alerts-email-1").inputs).toEqual({
      topic: s.output("topicArn"),
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });

  it("notifies the topic when every alarm fires and when it recovers", () => {
    const topicArn = s.output("topicArn");
    for (const alarm of s.ofType(T.alarm)) {
      expect(alarm.inputs).toMatchObject({
        actionsEnabled: true,
        alarmActions: [topicArn],
        okActions: [topicArn],
      });
      expect(alarm.inputs.insufficientDataActions).toBeUndefined();
    }
  });

  it("alarms on a broker's disk above the given threshold, keeping state through gaps", () => {
    expect(s.one(T.alarm, "mon-msk-disk-broker-3").inputs).toEqual({
      alarmDescription: expect.stringContaining("more than 80% full"),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "missing",
      namespace: "AWS/Kafka",
      metricName: "KafkaDataLogsDiskUsed",
      dimensions: { "Cluster Name": "events", "Broker ID": "3" },
      statistic: "Maximum",
      period: 300,
      actionsEnabled: true,
      alarmActions: [s.output("topicArn")],
      okActions: [s.output("topicArn")],
      tags: { "seawall:environment": "prod", "seawall:component": "Monitoring" },
    });
  });

  it("alarms on broker CPU through metric queries summing user and system CPU", () => {
    const cpu = s.one(T.alarm, "mon-msk-cpu-broker-2").inputs;
    expect(cpu.metricName).toBeUndefined();
    expect(cpu.threshold).toBe(75);
    const dimensions = { "Cluster Name": "events", "Broker ID": "2" };
    expect(cpu.metricQueries).toEqual([
      {
        id: "user",
        returnData: false,
        metric: { namespace: "AWS/Kafka", metricName: "CpuUser", dimensions, stat: "Average", period: 300 },
      },
      {
        id: "system",
        returnData: false,
        metric: { namespace: "AWS/Kafka", metricName: "CpuSystem", dimensions, stat: "Average", period: 300 },
      },
      { id: "alarm", expression: "user + system", label: "Broker 2 CPU (user + system)", returnData: true },
    ]);
  });

  it("alarms on the consumer group's lag, ElastiCache evictions and S3 replication with their inputs", () => {
    expect(s.one(T.alarm, "mon-msk-consumer-lag-ingest-raw").inputs).toMatchObject({
      metricName: "MaxOffsetLag",
      dimensions: { "Consumer Group": "ingest", "Cluster Name": "events", Topic: "raw" },
      threshold: 100000,
      treatMissingData: "notBreaching",
    });
    expect(s.one(T.alarm, "mon-cache-evictions-node-1").inputs).toMatchObject({
      namespace: "AWS/ElastiCache",
      metricName: "Evictions",
      dimensions: { CacheClusterId: "features-001" },
      statistic: "Sum",
      threshold: 10,
    });
    expect(s.one(T.alarm, "mon-s3-replication-latency").inputs).toMatchObject({
      namespace: "AWS/S3",
      metricName: "ReplicationLatency",
      dimensions: { SourceBucket: "lake", DestinationBucket: "lake-replica", RuleId: "replicate-everything" },
      threshold: 900,
    });
  });

  it("forwards failed backup, copy and restore jobs to the topic", () => {
    const rule = s.one(T.rule, "mon-backup-failures");
    expect(rule.inputs).toMatchObject({ state: "ENABLED" });
    expect(rule.inputs.isEnabled).toBeUndefined();
    expect(JSON.parse(rule.inputs.eventPattern as string)).toEqual({
      source: ["aws.backup"],
      "detail-type": ["Backup Job State Change", "Copy Job State Change", "Restore Job State Change"],
      detail: { state: ["FAILED", "ABORTED", "EXPIRED"] },
    });
    const target = s.one(T.target, "mon-backup-failures-to-alerts");
    expect(target.inputs.arn).toBe(s.output("topicArn"));
    expect(target.propertyDependencies.rule).toEqual([rule.urn]);
  });

  it("renders a dashboard of the watched metrics with every alarm in its status strip", () => {
    const dashboard = s.one(T.dashboard, "mon-dashboard");
    expect(dashboard.inputs.dashboardName).toBe("mon");
    const body = JSON.parse(dashboard.inputs.dashboardBody as string);
    const strip = body.widgets.find((w: { type: string }) => w.type === "alarm");
    expect(strip.properties.alarms).toHaveLength(22);
    expect(strip.properties.alarms[0]).toMatch(
      /^arn:aws:cloudwatch:us-east-1:123456789012:alarm:mon-msk-disk-broker-1/,
    );
    const titles = body.widgets
      .filter((w: { type: string }) => w.type === "metric")
      .map((w: { properties: { title: string } }) => w.properties.title);
    expect(titles).toHaveLength(12);
    expect(s.output("url")).toBe(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/mon",
    );
  });

  it("logs no warnings (no deprecated resources or properties)", () => {
    expect(s.result.warnings).toEqual([]);
  });
});

describe("Monitoring options", () => {
  it("creates no alarms, rule or subscriptions when nothing is watched", async () => {
    const s = await monitoring({});
    expect(s.ofType(T.alarm)).toEqual([]);
    expect(s.ofType(T.rule)).toEqual([]);
    expect(s.ofType(T.subscription)).toEqual([]);
    expect(s.ofType(T.dashboard)).toHaveLength(1);
  });

  it("wires identifiers that are Outputs into the alarms' dimensions and the dashboard", async () => {
    const s = await monitoring(() => ({
      eventStream: {
        clusterName: pulumi.output("events-abc"),
        brokerCount: 1,
        consumers: [{ group: pulumi.output("ingest"), topic: pulumi.output("raw") }],
      },
      featureStore: { replicationGroupId: pulumi.output("rg"), memberClusterIds: [pulumi.output("rg-001")] },
    }));
    expect(s.one(T.alarm, "mon-msk-offline-partitions").inputs.dimensions).toEqual({
      "Cluster Name": "events-abc",
    });
    expect(s.one(T.alarm, "mon-msk-consumer-lag-1").inputs.dimensions).toEqual({
      "Consumer Group": "ingest",
      "Cluster Name": "events-abc",
      Topic: "raw",
    });
    expect(s.one(T.alarm, "mon-cache-memory-node-1").inputs.dimensions).toEqual({ CacheClusterId: "rg-001" });
    expect(s.one(T.dashboard, "mon-dashboard").inputs.dashboardBody).toContain('"CacheClusterId","rg-001"');
  });

  it("uses a brought key as it is", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const s = await monitoring({ kmsKey: { existing: { arn } } });
    expect(s.ofType(T.key)).toEqual([]);
    expect(s.one(T.topic, "mon-alerts").inputs.kmsMasterKeyId).toBe(arn);
  });

  it("keeps a key policy given with the key's args", async () => {
    const s = await monitoring({ kmsKey: { args: { policy: '{"Version":"2012-10-17","Statement":[]}' } } });
    expect(s.one(T.key, "mon-key").inputs.policy).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it("names the dashboard as asked", async () => {
    const s = await monitoring({ dashboardName: "seawall-prod" });
    expect(s.one(T.dashboard, "mon-dashboard").inputs.dashboardName).toBe("seawall-prod");
  });
});

describe("validateMonitoringArgs", () => {
  function problems(args: MonitoringArgs): { field: string; value: unknown }[] {
    try {
      validateMonitoringArgs(args);
    } catch (e) {
      if (!(e instanceof SeawallValidationError)) throw e;
      return e.problems.map(({ field, value }) => ({ field, value }));
    }
    return [];
  }

  it("accepts no services and every service", () => {
    expect(problems({})).toEqual([]);
    expect(problems(everything)).toEqual([]);
  });

  it.each([
    ["thresholds.kafkaDiskUsedPercent", { thresholds: { kafkaDiskUsedPercent: 101 } }, 101],
    ["thresholds.kafkaCpuPercent", { thresholds: { kafkaCpuPercent: 0 } }, 0],
    ["thresholds.cacheMemoryPercent", { thresholds: { cacheMemoryPercent: 150 } }, 150],
    ["thresholds.cacheCpuPercent", { thresholds: { cacheCpuPercent: 12.5 } }, 12.5],
    ["thresholds.consumerLagMessages", { thresholds: { consumerLagMessages: 0 } }, 0],
    ["thresholds.cacheEvictions", { thresholds: { cacheEvictions: -1 } }, -1],
    ["thresholds.cacheReplicationLagSeconds", { thresholds: { cacheReplicationLagSeconds: 0 } }, 0],
    ["thresholds.replicationLatencySeconds", { thresholds: { replicationLatencySeconds: 86401 } }, 86401],
    ["keyDeletionWindowInDays", { keyDeletionWindowInDays: 31 }, 31],
    ["dashboardName", { dashboardName: "has space" }, "has space"],
    ["alertEmails[1]", { alertEmails: ["a@example.com", "not-an-email"] }, "not-an-email"],
    ["eventStream.brokerCount", { eventStream: { clusterName: "c", brokerCount: 0 } }, 0],
    ["eventStream.clusterName", { eventStream: { clusterName: "", brokerCount: 3 } }, ""],
    [
      "eventStream.consumers[0].topic",
      { eventStream: { clusterName: "c", brokerCount: 3, consumers: [{ group: "g", topic: " " }] } },
      " ",
    ],
    [
      "featureStore.memberClusterIds",
      { featureStore: { replicationGroupId: "g", memberClusterIds: [] } },
      [],
    ],
    ["objectStore.ruleId", { objectStore: { sourceBucket: "a", destinationBucket: "b", ruleId: "" } }, ""],
    ["backups.vaultName", { backups: { vaultName: "" } }, ""],
  ] as [string, MonitoringArgs, unknown][])("rejects an invalid %s: %j", (field, args, value) => {
    expect(problems(args)).toContainEqual({ field, value });
  });

  it("requires the broker count of a watched cluster", () => {
    expect(problems({ eventStream: { clusterName: "c" } as never })).toEqual([
      { field: "eventStream.brokerCount", value: undefined },
    ]);
  });

  it("lists every problem in one error that names the field, the value and the fix", () => {
    expect(() =>
      validateMonitoringArgs({
        thresholds: { kafkaDiskUsedPercent: 0, cacheMemoryPercent: 101 },
        dashboardName: "a b",
      }),
    ).toThrow(
      new SeawallValidationError("seawall:aws:Monitoring: invalid arguments", [
        {
          code: "SEAWALL_MONITORING_THRESHOLD_RANGE",
          field: "thresholds.kafkaDiskUsedPercent",
          value: 0,
          fix: "must be a whole number from 1 to 100",
        },
        {
          code: "SEAWALL_MONITORING_THRESHOLD_RANGE",
          field: "thresholds.cacheMemoryPercent",
          value: 101,
          fix: "must be a whole number from 1 to 100",
        },
        {
          code: "SEAWALL_MONITORING_DASHBOARD_NAME",
          field: "dashboardName",
          value: "a b",
          fix: "must be 1-255 letters, digits, hyphens and underscores",
        },
      ]),
    );
  });

  it("leaves identifiers unknown until deploy to the provider", () => {
    expect(
      problems({
        backups: { vaultName: Promise.resolve("") },
        eventStream: { clusterName: Promise.resolve(""), brokerCount: 1 },
      }),
    ).toEqual([]);
  });
});

describe("Monitoring option shapes", () => {
  it("lists a key option without existing or args as a problem, not a silently created key", async () => {
    const args = { kmsKey: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" } } as never;
    expect(problemsThrownBy(() => validateMonitoringArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ arn }" },
    ]);
    await expect(plan(() => new Monitoring("c", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });
});
