import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems } from "../validation";
import {
  DEFAULT_GCP_THRESHOLDS,
  gcpAlertSpecs,
  GcpAlertSpec,
  GcpMonitoredServices,
  GcpMonitoringThresholds,
  logFilter,
  renderGcpDashboard,
  thresholdAggregation,
  thresholdFilter,
} from "./monitoringPolicies";

/** A Pub/Sub topic that alerts are published to, for a pager or chat integration. */
export interface GcpPubsubAlertTarget {
  /** The topic's full id, `projects/<project>/topics/<topic>`. */
  topicId: pulumi.Input<string>;
  /**
   * The project number: when set, the Cloud Monitoring notification service agent
   * (`service-<number>@gcp-sa-monitoring-notification.iam.gserviceaccount.com`) is granted
   * `roles/pubsub.publisher` on the topic, without which Cloud Monitoring cannot publish.
   * @defaultValue - no grant (the topic's IAM policy is managed elsewhere)
   */
  projectNumber?: pulumi.Input<string>;
}

export interface GcpMonitoringArgs extends GcpMonitoredServices<pulumi.Input<string>> {
  /**
   * The project of the alert policies, channels and dashboard, and of the logs the backup alert
   * matches. Required when `backups` is watched (a log filter names its project).
   * @defaultValue - the `gcp:project` configuration (the provider's project)
   */
  project?: string;
  /**
   * Alert thresholds, field by field.
   * @defaultValue - {@link DEFAULT_GCP_THRESHOLDS} (the `prod` profile's values)
   */
  thresholds?: Partial<GcpMonitoringThresholds>;
  /**
   * Email addresses notified: one email notification channel each.
   * @defaultValue [] (add `pubsub`, or attach your own channels to the policies)
   */
  alertEmails?: string[];
  /** A Pub/Sub notification channel beside the emails. @defaultValue - none */
  pubsub?: GcpPubsubAlertTarget;
  /**
   * The dashboard's display name (1 to 255 characters).
   * @defaultValue - `Seawall: <name>`
   */
  dashboardName?: string;
  /** User labels on the policies and channels (GCP label rules). @defaultValue {} */
  labels?: Record<string, string>;
}

const THRESHOLD_RANGES: Record<keyof GcpMonitoringThresholds, [number, number]> = {
  consumerLagMessages: [1, 1_000_000_000],
  cacheCpuPercent: [1, 100],
  cacheMemoryPercent: [1, 100],
  cacheEvictions: [0, 1_000_000_000],
  cacheReplicationLagSeconds: [1, 86_400],
  replicationDelaySeconds: [1, 86_400],
};

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const TOPIC_ID = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/[A-Za-z][\w.~+%-]{2,254}$/;
const PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const ENGINES = ["valkey", "redis"];

function checkIdentifier(p: Problems, field: string, value: unknown): void {
  if (isKnown(value) && (typeof value !== "string" || value.trim() === "")) {
    p.add(
      "SEAWALL_GCP_MONITORING_IDENTIFIER",
      field,
      value,
      "must be a non-empty id; leave the service out to get no alerts for it",
    );
  }
}

/**
 * Checks a {@link GcpMonitoringArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider.
 *
 * @param configuredProject the `gcp:project` configuration, the default of `project`
 */
export function validateGcpMonitoringArgs(args: GcpMonitoringArgs, configuredProject?: string): void {
  const p = new Problems();
  for (const [field, [min, max]] of Object.entries(THRESHOLD_RANGES)) {
    const value = args.thresholds?.[field as keyof GcpMonitoringThresholds];
    p.wholeNumber("SEAWALL_GCP_MONITORING_THRESHOLD_RANGE", `thresholds.${field}`, value, min, max);
  }
  (args.alertEmails ?? []).forEach((email, i) => {
    if (typeof email !== "string" || !EMAIL.test(email)) {
      p.add(
        "SEAWALL_GCP_MONITORING_ALERT_EMAIL",
        `alertEmails[${i}]`,
        email,
        "must be an email address such as oncall@example.com",
      );
    }
  });
  const topic = args.pubsub?.topicId;
  if (
    args.pubsub &&
    (topic === undefined || (isKnown(topic) && (typeof topic !== "string" || !TOPIC_ID.test(topic))))
  ) {
    p.add(
      "SEAWALL_GCP_MONITORING_PUBSUB_TOPIC",
      "pubsub.topicId",
      topic,
      "must be a full topic id, projects/<project>/topics/<topic>",
    );
  }
  const name = args.dashboardName;
  if (name !== undefined && (typeof name !== "string" || name.trim() === "" || name.length > 255)) {
    p.add("SEAWALL_GCP_MONITORING_DASHBOARD_NAME", "dashboardName", name, "must be 1 to 255 characters");
  }
  const project = args.project ?? configuredProject;
  if (args.project !== undefined && !PROJECT_ID.test(args.project)) {
    p.add(
      "SEAWALL_GCP_MONITORING_PROJECT",
      "project",
      args.project,
      "must be a project id: 6-30 lower-case letters, digits and hyphens, starting with a letter",
    );
  } else if (args.backups && project === undefined) {
    p.add(
      "SEAWALL_GCP_MONITORING_PROJECT",
      "project",
      undefined,
      "the backup-failure alert matches the project's Backup and DR job log, whose name holds the project id; set project or gcp:project",
    );
  }
  if (args.backups && (args.backups as { enabled?: unknown }).enabled !== true) {
    p.add(
      "SEAWALL_GCP_MONITORING_IDENTIFIER",
      "backups.enabled",
      (args.backups as { enabled?: unknown }).enabled,
      "must be true to alert on failed Backup and DR jobs; leave backups out for no alert",
    );
  }

  const kafka = args.eventStream;
  if (kafka) {
    checkIdentifier(p, "eventStream.clusterId", kafka.clusterId);
    (kafka.consumers ?? []).forEach((c, i) => {
      checkIdentifier(p, `eventStream.consumers[${i}].group`, c.group);
      checkIdentifier(p, `eventStream.consumers[${i}].topic`, c.topic);
    });
  }
  const cache = args.featureStore;
  if (cache) {
    if (!ENGINES.includes(cache.engine)) {
      p.add(
        "SEAWALL_GCP_MONITORING_ENGINE",
        "featureStore.engine",
        cache.engine,
        'must be "valkey" (Memorystore for Valkey) or "redis" (Memorystore for Redis): their metrics differ',
      );
    }
    checkIdentifier(p, "featureStore.instanceId", cache.instanceId);
  }
  if (args.objectStore) checkIdentifier(p, "objectStore.bucket", args.objectStore.bucket);
  p.throwIfAny("seawall:gcp:Monitoring: invalid arguments");
}

/** The alert policy's condition: a metric threshold or a log match, with its filter. */
function conditionInputs(
  spec: GcpAlertSpec<pulumi.Input<string>>,
  project: string | undefined,
): gcp.types.input.monitoring.AlertPolicyCondition {
  if ("log" in spec.source) {
    return {
      displayName: spec.displayName,
      conditionMatchedLog: { filter: logFilter(spec.source.log, project ?? "") },
    };
  }
  const source = spec.source.threshold;
  const labels = source.resourceLabels.map(([label, value]) => pulumi.output(value).apply((v) => [label, v]));
  return {
    displayName: spec.displayName,
    conditionThreshold: {
      filter: pulumi
        .all(labels)
        .apply((resolved) => thresholdFilter({ ...source, resourceLabels: resolved as [string, string][] })),
      aggregations: [thresholdAggregation(source)],
      comparison: source.comparison,
      thresholdValue: source.threshold,
      duration: `${source.durationSeconds}s`,
      trigger: { count: 1 },
      evaluationMissingData: source.missingData,
    },
  };
}

/**
 * Alerts for a GCP data platform: an email notification channel per address and an optional
 * Pub/Sub channel; Cloud Monitoring alert policies on Managed Kafka consumer lag, the feature
 * store's (Memorystore for Valkey or for Redis) CPU, memory, evictions and replica lag, the
 * turbo-replication delay of a dual-region bucket, and failed Backup and DR jobs; and a dashboard
 * charting every threshold alert's metric.
 *
 * Every metric type and resource type comes from the table in `monitoringMetrics.ts`, which names
 * the page of GCP's metric list that defines it. Managed Kafka broker CPU and disk are not alerted
 * on (see {@link GcpMonitoringThresholds}). Each watched service is optional.
 */
export class GcpMonitoring extends pulumi.ComponentResource {
  readonly channels: gcp.monitoring.NotificationChannel[];
  /** The notification channels' names (`projects/<project>/notificationChannels/<id>`). */
  readonly channelNames: pulumi.Output<string[]>;
  readonly alertPolicies: gcp.monitoring.AlertPolicy[];
  readonly dashboard: gcp.monitoring.Dashboard;
  /** The dashboard in the Cloud console. */
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: GcpMonitoringArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:Monitoring", name, {}, opts);
    const configuredProject = new pulumi.Config("gcp").get("project");
    validateGcpMonitoringArgs(args, configuredProject);

    const project = args.project ?? configuredProject;
    const labels = { ...args.labels, "seawall-component": "monitoring" };
    const thresholds = { ...DEFAULT_GCP_THRESHOLDS, ...args.thresholds };
    const child = { parent: this };

    this.channels = (args.alertEmails ?? []).map(
      (email, i) =>
        new gcp.monitoring.NotificationChannel(
          `${name}-email-${i + 1}`,
          {
            type: "email",
            displayName: `Seawall alerts (${name}): ${email}`,
            labels: { email_address: email },
            userLabels: labels,
            project,
          },
          child,
        ),
    );
    if (args.pubsub) {
      const topicId = args.pubsub.topicId;
      const grant =
        args.pubsub.projectNumber === undefined
          ? undefined
          : new gcp.pubsub.TopicIAMMember(
              `${name}-pubsub-publisher`,
              {
                topic: topicId,
                role: "roles/pubsub.publisher",
                member: pulumi.interpolate`serviceAccount:service-${args.pubsub.projectNumber}@gcp-sa-monitoring-notification.iam.gserviceaccount.com`,
              },
              child,
            );
      this.channels.push(
        new gcp.monitoring.NotificationChannel(
          `${name}-pubsub`,
          {
            type: "pubsub",
            displayName: `Seawall alerts (${name}): Pub/Sub`,
            labels: { topic: topicId },
            userLabels: labels,
            project,
          },
          { parent: this, dependsOn: grant ? [grant] : [] },
        ),
      );
    }
    const channelNames = this.channels.map((c) => c.name);
    this.channelNames = pulumi.all(channelNames);

    const specs = gcpAlertSpecs<pulumi.Input<string>>(args, thresholds);
    this.alertPolicies = specs.map(
      (spec) =>
        new gcp.monitoring.AlertPolicy(
          `${name}-${spec.key}`,
          {
            displayName: `Seawall ${name}: ${spec.displayName}`,
            combiner: "OR",
            conditions: [conditionInputs(spec, project)],
            documentation: { content: spec.documentation, mimeType: "text/markdown" },
            severity: spec.severity,
            notificationChannels: channelNames,
            alertStrategy:
              "log" in spec.source
                ? {
                    notificationRateLimit: { period: `${spec.source.log.notifyEverySeconds}s` },
                    autoClose: "604800s",
                  }
                : { autoClose: "604800s" },
            enabled: true,
            userLabels: labels,
            project,
          },
          child,
        ),
    );

    const title = args.dashboardName ?? `Seawall: ${name}`;
    const watched = pulumi.output({
      eventStream: args.eventStream,
      featureStore: args.featureStore,
      objectStore: args.objectStore,
      backups: args.backups,
    }) as pulumi.Output<GcpMonitoredServices<string>>;
    this.dashboard = new gcp.monitoring.Dashboard(
      `${name}-dashboard`,
      {
        dashboardJson: watched.apply((services) =>
          JSON.stringify(renderGcpDashboard(title, gcpAlertSpecs(services, thresholds))),
        ),
        project,
      },
      child,
    );
    this.dashboardUrl = this.dashboard.id.apply(
      (id) =>
        `https://console.cloud.google.com/monitoring/dashboards/custom/${id.split("/").pop()}` +
        (project ? `?project=${project}` : ""),
    );

    this.registerOutputs({ channelNames: this.channelNames, dashboardUrl: this.dashboardUrl });
  }
}
