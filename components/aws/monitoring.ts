import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems } from "../validation";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import {
  alarmSpecs,
  AlarmSpec,
  alertKeyPolicy,
  alertTopicPolicy,
  backupFailureEventPattern,
  DEFAULT_THRESHOLDS,
  MetricRef,
  MonitoredServices,
  MonitoringThresholds,
} from "./monitoringAlarms";
import { renderDashboard } from "./monitoringDashboard";

export interface MonitoringArgs extends MonitoredServices<pulumi.Input<string>> {
  /**
   * The alert topic's customer-managed KMS key. A key you bring must let `cloudwatch.amazonaws.com`
   * and `events.amazonaws.com` use `kms:Decrypt` and `kms:GenerateDataKey*`, or alarms and
   * events cannot publish to the encrypted topic.
   * @default - a key is created, rotation on, with a policy that lets CloudWatch and EventBridge use it
   */
  kmsKey?: KmsKeyOption;
  /**
   * Days a scheduled deletion of a key this component creates waits (7 to 30).
   * @default 30
   */
  keyDeletionWindowInDays?: number;
  /**
   * Alarm thresholds, field by field.
   * @default - {@link DEFAULT_THRESHOLDS} (the `prod` profile's values)
   */
  thresholds?: Partial<MonitoringThresholds>;
  /**
   * Email addresses subscribed to the alert topic (each must confirm the subscription).
   * @default [] (subscribe your pager or chat integration to the `alertTopicArn` output)
   */
  alertEmails?: string[];
  /**
   * The dashboard's name: letters, digits, hyphens and underscores, at most 255.
   * @default - the component's name
   */
  dashboardName?: string;
  /** Tags for every resource that takes them. @default {} */
  tags?: Record<string, string>;
}

const THRESHOLD_RANGES: Record<keyof MonitoringThresholds, [number, number]> = {
  kafkaDiskUsedPercent: [1, 100],
  kafkaCpuPercent: [1, 100],
  consumerLagMessages: [1, 1_000_000_000],
  cacheCpuPercent: [1, 100],
  cacheMemoryPercent: [1, 100],
  cacheEvictions: [0, 1_000_000_000],
  cacheReplicationLagSeconds: [1, 86_400],
  replicationLatencySeconds: [1, 86_400],
};

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function checkIdentifier(p: Problems, field: string, value: unknown): void {
  if (isKnown(value) && (typeof value !== "string" || value.trim() === "")) {
    p.add(
      "SEAWALL_MONITORING_IDENTIFIER",
      field,
      value,
      "must be a non-empty name; leave the service out to get no alarms for it",
    );
  }
}

/**
 * Checks a {@link MonitoringArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider.
 */
export function validateMonitoringArgs(args: MonitoringArgs): void {
  const p = new Problems();
  for (const [field, [min, max]] of Object.entries(THRESHOLD_RANGES)) {
    const value = args.thresholds?.[field as keyof MonitoringThresholds];
    p.wholeNumber("SEAWALL_MONITORING_THRESHOLD_RANGE", `thresholds.${field}`, value, min, max);
  }
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  checkKmsKeyOption(p, "kmsKey", args.kmsKey);
  if (args.dashboardName !== undefined && !DASHBOARD_NAME.test(args.dashboardName)) {
    p.add(
      "SEAWALL_MONITORING_DASHBOARD_NAME",
      "dashboardName",
      args.dashboardName,
      "must be 1-255 letters, digits, hyphens and underscores",
    );
  }
  (args.alertEmails ?? []).forEach((email, i) => {
    if (typeof email !== "string" || !EMAIL.test(email)) {
      p.add(
        "SEAWALL_MONITORING_ALERT_EMAIL",
        `alertEmails[${i}]`,
        email,
        "must be an email address such as oncall@example.com",
      );
    }
  });

  const msk = args.eventStream;
  if (msk) {
    checkIdentifier(p, "eventStream.clusterName", msk.clusterName);
    p.wholeNumber(
      "SEAWALL_MONITORING_BROKER_COUNT",
      "eventStream.brokerCount",
      msk.brokerCount,
      1,
      30,
      "MSK numbers brokers 1 to N",
    );
    if (msk.brokerCount === undefined) {
      p.add(
        "SEAWALL_MONITORING_BROKER_COUNT",
        "eventStream.brokerCount",
        undefined,
        "set the number of brokers (1 to 30)",
      );
    }
    (msk.consumers ?? []).forEach((c, i) => {
      checkIdentifier(p, `eventStream.consumers[${i}].group`, c.group);
      checkIdentifier(p, `eventStream.consumers[${i}].topic`, c.topic);
    });
  }
  const cache = args.featureStore;
  if (cache) {
    checkIdentifier(p, "featureStore.replicationGroupId", cache.replicationGroupId);
    if (!Array.isArray(cache.memberClusterIds) || cache.memberClusterIds.length === 0) {
      p.add(
        "SEAWALL_MONITORING_MEMBER_CLUSTERS",
        "featureStore.memberClusterIds",
        cache.memberClusterIds,
        "list the replication group's member clusters (nodes), primaries and replicas",
      );
    } else {
      cache.memberClusterIds.forEach((id, i) =>
        checkIdentifier(p, `featureStore.memberClusterIds[${i}]`, id),
      );
    }
  }
  const s3 = args.objectStore;
  if (s3) {
    checkIdentifier(p, "objectStore.sourceBucket", s3.sourceBucket);
    checkIdentifier(p, "objectStore.destinationBucket", s3.destinationBucket);
    checkIdentifier(p, "objectStore.ruleId", s3.ruleId);
  }
  if (args.backups) checkIdentifier(p, "backups.vaultName", args.backups.vaultName);
  p.throwIfAny("seawall:aws:Monitoring: invalid arguments");
}

function metricQuery(
  id: string,
  m: MetricRef<pulumi.Input<string>>,
  periodSeconds: number,
  returnData: boolean,
) {
  return {
    id,
    returnData,
    metric: {
      namespace: m.namespace,
      metricName: m.metricName,
      dimensions: m.dimensions,
      stat: m.stat,
      period: periodSeconds,
    },
  };
}

/** The alarm's metric inputs: a single metric, or metric queries for an expression. */
function alarmMetricInputs(spec: AlarmSpec<pulumi.Input<string>>): Partial<aws.cloudwatch.MetricAlarmArgs> {
  const source = spec.source;
  if ("metric" in source) {
    return {
      namespace: source.metric.namespace,
      metricName: source.metric.metricName,
      dimensions: source.metric.dimensions,
      statistic: source.metric.stat,
      period: spec.periodSeconds,
    };
  }
  return {
    metricQueries: [
      ...Object.entries(source.metrics).map(([id, m]) => metricQuery(id, m, spec.periodSeconds, false)),
      { id: "alarm", expression: source.expression, label: source.label, returnData: true },
    ],
  };
}

/**
 * Alerts for an AWS data platform: an SNS topic encrypted with a customer-managed key and closed
 * to plain HTTP, CloudWatch alarms on the event stream (MSK), the feature store (ElastiCache), S3
 * replication and AWS Backup, an EventBridge rule that forwards failed backup, copy and restore
 * jobs, and a CloudWatch dashboard of what the alarms watch.
 *
 * Each watched service is optional: give the identifiers of those the platform has. Alarms notify
 * the topic when they fire and when they recover; how missing data counts is chosen per alarm
 * (see {@link alarmSpecs}).
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly alertTopic: aws.sns.Topic;
  readonly alertTopicArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly dashboardName: pulumi.Output<string>;
  /** The dashboard in the CloudWatch console. */
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:Monitoring", name, {}, opts);
    validateMonitoringArgs(args);

    const tags = { ...args.tags, "seawall:component": "Monitoring" };
    const thresholds = { ...DEFAULT_THRESHOLDS, ...args.thresholds };
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    // A created key gets a policy that lets the publishers use it; a brought key is the caller's.
    const keyOption: KmsKeyOption =
      args.kmsKey && "existing" in args.kmsKey
        ? args.kmsKey
        : {
            args: {
              ...(args.kmsKey && "args" in args.kmsKey ? args.kmsKey.args : {}),
              policy:
                (args.kmsKey && "args" in args.kmsKey ? args.kmsKey.args.policy : undefined) ??
                pulumi
                  .all([accountId, partition])
                  .apply(([account, part]) => JSON.stringify(alertKeyPolicy(account, part))),
            },
          };
    const key = resolveKmsKey(
      `${name}-key`,
      keyOption,
      {
        description: `Seawall monitoring ${name}: alert topic encryption`,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        tags,
      },
      { parent: this },
    );
    this.kmsKeyArn = key.arn;

    this.alertTopic = new aws.sns.Topic(
      `${name}-alerts`,
      { displayName: `Seawall alerts (${name})`, kmsMasterKeyId: key.arn, tags },
      { parent: this },
    );
    this.alertTopicArn = this.alertTopic.arn;
    new aws.sns.TopicPolicy(
      `${name}-alerts-policy`,
      {
        arn: this.alertTopic.arn,
        policy: pulumi
          .all([this.alertTopic.arn, accountId, partition])
          .apply(([arn, account, part]) => JSON.stringify(alertTopicPolicy(arn, account, part))),
      },
      { parent: this },
    );
    (args.alertEmails ?? []).forEach((email, i) => {
      new aws.sns.TopicSubscription(
        `${name}-alerts-email-${i + 1}`,
        { topic: this.alertTopic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    });

    const specs = alarmSpecs<pulumi.Input<string>>(args, thresholds);
    this.alarms = specs.map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.key}`,
          {
            alarmDescription: spec.description,
            comparisonOperator: spec.comparison,
            threshold: spec.threshold,
            evaluationPeriods: spec.evaluationPeriods,
            datapointsToAlarm: spec.datapointsToAlarm,
            treatMissingData: spec.treatMissingData,
            ...alarmMetricInputs(spec),
            actionsEnabled: true,
            alarmActions: [this.alertTopic.arn],
            okActions: [this.alertTopic.arn],
            tags,
          },
          { parent: this },
        ),
    );

    if (args.backups) {
      const rule = new aws.cloudwatch.EventRule(
        `${name}-backup-failures`,
        {
          description: "AWS Backup backup, copy and restore jobs that failed, were aborted or expired",
          eventPattern: JSON.stringify(backupFailureEventPattern()),
          state: "ENABLED",
          tags,
        },
        { parent: this },
      );
      new aws.cloudwatch.EventTarget(
        `${name}-backup-failures-to-alerts`,
        { rule: rule.name, arn: this.alertTopic.arn },
        { parent: this },
      );
    }

    const dashboardName = args.dashboardName ?? name;
    const watched = pulumi.output({
      eventStream: args.eventStream,
      featureStore: args.featureStore,
      objectStore: args.objectStore,
      backups: args.backups,
    }) as pulumi.Output<MonitoredServices<string>>;
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName,
        dashboardBody: pulumi
          .all([watched, region, pulumi.all(this.alarms.map((a) => a.arn))])
          .apply(([services, r, alarmArns]) =>
            JSON.stringify(
              renderDashboard({
                title: `Seawall: ${dashboardName}`,
                region: r,
                services,
                thresholds,
                alarmArns,
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.dashboardName = this.dashboard.dashboardName;
    this.dashboardUrl = pulumi
      .all([region, this.dashboard.dashboardName])
      .apply(
        ([r, dn]) =>
          `https://${r}.console.aws.amazon.com/cloudwatch/home?region=${r}#dashboards/dashboard/${dn}`,
      );

    this.registerOutputs({
      alertTopicArn: this.alertTopicArn,
      kmsKeyArn: this.kmsKeyArn,
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
    });
  }
}
