import { GcpMonitoring, GcpMonitoringArgs, validateGcpMonitoringArgs } from "../../components/gcp/monitoring";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:gcp:Monitoring",
  channel: "gcp:monitoring/notificationChannel:NotificationChannel",
  topicMember: "gcp:pubsub/topicIAMMember:TopicIAMMember",
  policy: "gcp:monitoring/alertPolicy:AlertPolicy",
  dashboard: "gcp:monitoring/dashboard:Dashboard",
};

async function monitoring(args: GcpMonitoringArgs, name = "mon"): Promise<Plan> {
  return plan(
    () => {
      const m = new GcpMonitoring(name, args);
      return { channels: m.channelNames, url: m.dashboardUrl };
    },
    { "gcp:project": "seawall-prod", "gcp:region": "europe-west1" },
  );
}

const everything: GcpMonitoringArgs = {
  eventStream: { clusterId: "events", consumers: [{ group: "ingest", topic: "raw" }] },
  featureStore: { engine: "valkey", instanceId: "features" },
  objectStore: { bucket: "lake" },
  backups: { enabled: true },
  thresholds: { consumerLagMessages: 5000, cacheEvictions: 10 },
  alertEmails: ["oncall@example.com"],
  pubsub: { topicId: "projects/seawall-prod/topics/alerts", projectNumber: "123456789012" },
  labels: { "seawall-environment": "prod" },
};

const labels = { "seawall-environment": "prod", "seawall-component": "monitoring" };

describe("GCP Monitoring of every service", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await monitoring(everything);
  });

  it("creates two channels, the Pub/Sub grant, seven alert policies and a dashboard", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.channel]: 2,
      [T.topicMember]: 1,
      // 1 consumer lag; 4 for the feature store; 1 bucket; 1 backup jobs
      [T.policy]: 7,
      [T.dashboard]: 1,
    });
    expect(s.names(T.policy)).toEqual([
      "mon-backup-jobs-failed",
      "mon-bucket-turbo-replication-delay",
      "mon-cache-cpu",
      "mon-cache-evictions",
      "mon-cache-memory",
      "mon-cache-replication-lag",
      "mon-kafka-consumer-lag-ingest-raw",
    ]);
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = s.one(T.component, "mon");
    for (const r of s.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("mon-")).toBe(true);
    }
  });

  it("notifies an email channel per address", () => {
    expect(s.one(T.channel, "mon-email-1").inputs).toEqual({
      type: "email",
      displayName: "Seawall alerts (mon): oncall@example.com",
      labels: { email_address: "oncall@example.com" },
      userLabels: labels,
      project: "seawall-prod",
    });
  });

  it("publishes to the Pub/Sub topic after granting Cloud Monitoring's notification agent the publisher role", () => {
    const grant = s.one(T.topicMember, "mon-pubsub-publisher");
    expect(grant.inputs).toEqual({
      topic: "projects/seawall-prod/topics/alerts",
      role: "roles/pubsub.publisher",
      member: "serviceAccount:service-123456789012@gcp-sa-monitoring-notification.iam.gserviceaccount.com",
    });
    const channel = s.one(T.channel, "mon-pubsub");
    expect(channel.inputs).toEqual({
      type: "pubsub",
      displayName: "Seawall alerts (mon): Pub/Sub",
      labels: { topic: "projects/seawall-prod/topics/alerts" },
      userLabels: labels,
      project: "seawall-prod",
    });
    expect(channel.dependsOn).toContain(grant.urn);
  });

  it("sends every alert to every channel", () => {
    const channels = s.output("channels") as string[];
    expect(channels).toHaveLength(2);
    const channelUrns = [s.one(T.channel, "mon-email-1").urn, s.one(T.channel, "mon-pubsub").urn];
    for (const p of s.ofType(T.policy)) {
      expect(p.inputs.notificationChannels).toEqual(channels);
      expect(p.propertyDependencies.notificationChannels?.sort()).toEqual([...channelUrns].sort());
    }
  });

  it("alerts when a consumer group lags more than the threshold for 15 minutes", () => {
    expect(s.one(T.policy, "mon-kafka-consumer-lag-ingest-raw").inputs).toEqual({
      displayName: "Seawall mon: Kafka consumer lag above 5000 messages",
      combiner: "OR",
      conditions: [
        {
          displayName: "Kafka consumer lag above 5000 messages",
          conditionThreshold: {
            filter:
              'metric.type = "managedkafka.googleapis.com/offset_lag" AND resource.type = "managedkafka.googleapis.com/TopicPartitionConsumerGroup" AND resource.label.cluster_id = "events" AND resource.label.consumer_group_id = "ingest" AND resource.label.topic_id = "raw"',
            aggregations: [
              {
                alignmentPeriod: "300s",
                perSeriesAligner: "ALIGN_MAX",
                crossSeriesReducer: "REDUCE_SUM",
                groupByFields: ["resource.label.consumer_group_id", "resource.label.topic_id"],
              },
            ],
            comparison: "COMPARISON_GT",
            thresholdValue: 5000,
            duration: "900s",
            trigger: { count: 1 },
            evaluationMissingData: "EVALUATION_MISSING_DATA_INACTIVE",
          },
        },
      ],
      documentation: {
        content:
          "A consumer group lags more than 5000 messages behind on a topic (summed over its partitions) for 15 minutes: the stage is too slow or stuck. Check its workers and autoscaling.",
        mimeType: "text/markdown",
      },
      severity: "WARNING",
      notificationChannels: s.output("channels"),
      alertStrategy: { autoClose: "604800s" },
      enabled: true,
      userLabels: labels,
      project: "seawall-prod",
    });
  });

  it("alerts on the Valkey instance's busiest node's CPU and memory, evictions and replica lag", () => {
    const threshold = (key: string) =>
      (
        s.one(T.policy, `mon-${key}`).inputs.conditions as { conditionThreshold: Record<string, unknown> }[]
      )[0].conditionThreshold;
    const valkey = (metric: string) =>
      `metric.type = "memorystore.googleapis.com/instance/${metric}" AND resource.type = "memorystore.googleapis.com/Instance" AND resource.label.instance_id = "features"`;
    expect(threshold("cache-cpu")).toMatchObject({
      filter: valkey("cpu/maximum_utilization"),
      aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MAX" }],
      thresholdValue: 0.75,
      duration: "900s",
    });
    expect(threshold("cache-memory")).toMatchObject({
      filter: valkey("memory/maximum_utilization"),
      thresholdValue: 0.8,
      duration: "600s",
    });
    expect(threshold("cache-evictions")).toEqual({
      filter: valkey("stats/total_evicted_keys_count"),
      aggregations: [
        {
          alignmentPeriod: "300s",
          perSeriesAligner: "ALIGN_DELTA",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["resource.label.instance_id"],
        },
      ],
      comparison: "COMPARISON_GT",
      thresholdValue: 10,
      duration: "0s",
      trigger: { count: 1 },
      evaluationMissingData: "EVALUATION_MISSING_DATA_INACTIVE",
    });
    expect(threshold("cache-replication-lag")).toMatchObject({
      filter: valkey("replication/average_ack_lag"),
      aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX" }],
      thresholdValue: 10,
      duration: "300s",
    });
  });

  it("alerts when the dual-region bucket's turbo replication misses its objective", () => {
    const p = s.one(T.policy, "mon-bucket-turbo-replication-delay").inputs;
    expect(p.severity).toBe("ERROR");
    expect(p.conditions).toEqual([
      {
        displayName: "Bucket turbo replication more than 900s behind",
        conditionThreshold: {
          filter:
            'metric.type = "storage.googleapis.com/replication/turbo_max_delay" AND resource.type = "gcs_bucket" AND resource.label.bucket_name = "lake"',
          aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MAX" }],
          comparison: "COMPARISON_GT",
          thresholdValue: 900,
          duration: "600s",
          trigger: { count: 1 },
          evaluationMissingData: "EVALUATION_MISSING_DATA_INACTIVE",
        },
      },
    ]);
  });

  it("alerts on each failed Backup and DR job from the project's job log, at most hourly", () => {
    const p = s.one(T.policy, "mon-backup-jobs-failed").inputs;
    expect(p.severity).toBe("CRITICAL");
    expect(p.conditions).toEqual([
      {
        displayName: "Backup and DR job failed",
        conditionMatchedLog: {
          filter:
            'logName = "projects/seawall-prod/logs/backupdr.googleapis.com%2Fbdr_backup_restore_jobs" AND jsonPayload.jobCategory=("SCHEDULED_BACKUP" OR "ON_DEMAND_BACKUP" OR "RESTORE") AND jsonPayload.jobStatus!="SUCCESSFUL" AND jsonPayload.jobStatus!="RUNNING"',
        },
      },
    ]);
    expect(p.alertStrategy).toEqual({ notificationRateLimit: { period: "3600s" }, autoClose: "604800s" });
  });

  it("charts each threshold alert's metric with its threshold on the dashboard", () => {
    const d = s.one(T.dashboard, "mon-dashboard");
    expect(d.inputs.project).toBe("seawall-prod");
    const body = JSON.parse(d.inputs.dashboardJson as string);
    expect(body.displayName).toBe("Seawall: mon");
    expect(body.mosaicLayout.columns).toBe(48);
    const tiles = body.mosaicLayout.tiles;
    expect(tiles.map((t: { widget: { title: string } }) => t.widget.title)).toEqual([
      "Kafka consumer lag above 5000 messages",
      "Feature store CPU above 75%",
      "Feature store memory above 80%",
      "Feature store evicted more than 10 keys in 5 minutes",
      "Feature store replica lag above 10s",
      "Bucket turbo replication more than 900s behind",
    ]);
    expect(tiles[5]).toEqual({
      xPos: 24,
      yPos: 32,
      width: 24,
      height: 16,
      widget: {
        title: "Bucket turbo replication more than 900s behind",
        xyChart: {
          dataSets: [
            {
              plotType: "LINE",
              targetAxis: "Y1",
              timeSeriesQuery: {
                timeSeriesFilter: {
                  filter:
                    'metric.type = "storage.googleapis.com/replication/turbo_max_delay" AND resource.type = "gcs_bucket" AND resource.label.bucket_name = "lake"',
                  aggregation: { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_MAX" },
                },
              },
            },
          ],
          thresholds: [{ value: 900, targetAxis: "Y1" }],
          yAxis: { scale: "LINEAR", label: "replication/turbo_max_delay" },
        },
      },
    });
    expect(s.output("url")).toMatch(
      /^https:\/\/console\.cloud\.google\.com\/monitoring\/dashboards\/custom\/[^/?]+\?project=seawall-prod$/,
    );
  });
});

describe("GCP Monitoring choices", () => {
  it("watches Memorystore for Redis with its own metrics: CPU as cores in use, usage ratio, evictions, replica lag", async () => {
    const s = await monitoring({ featureStore: { engine: "redis", instanceId: "features" } });
    expect(s.counts()[T.channel]).toBeUndefined();
    const filterOf = (key: string) =>
      (s.one(T.policy, `mon-${key}`).inputs.conditions as { conditionThreshold: { filter: string } }[])[0]
        .conditionThreshold;
    const redis = (metric: string) =>
      `metric.type = "redis.googleapis.com/${metric}" AND resource.type = "redis_instance" AND resource.label.instance_id = "features"`;
    expect(filterOf("cache-cpu")).toMatchObject({
      filter: redis("stats/cpu_utilization"),
      aggregations: [
        {
          alignmentPeriod: "300s",
          perSeriesAligner: "ALIGN_RATE",
          crossSeriesReducer: "REDUCE_SUM",
          groupByFields: ["resource.label.instance_id", "metric.label.role"],
        },
      ],
      thresholdValue: 0.75,
    });
    expect(filterOf("cache-memory").filter).toBe(redis("stats/memory/usage_ratio"));
    expect(filterOf("cache-evictions").filter).toBe(redis("stats/evicted_keys"));
    expect(filterOf("cache-replication-lag").filter).toBe(redis("replication/master/slaves/lag"));
    expect(s.one(T.policy, "mon-cache-cpu").inputs.notificationChannels).toEqual([]);
  });

  it("makes a Pub/Sub channel without a grant when no project number is given", async () => {
    const s = await monitoring({ pubsub: { topicId: "projects/seawall-prod/topics/alerts" } });
    expect(s.counts()[T.topicMember]).toBeUndefined();
    expect(s.one(T.channel, "mon-pubsub").dependsOn).toEqual([]);
  });

  it("makes only an empty dashboard when nothing is watched", async () => {
    const s = await monitoring({ dashboardName: "Data platform" });
    expect(s.counts()).toEqual({ [T.component]: 1, [T.dashboard]: 1 });
    expect(JSON.parse(s.one(T.dashboard, "mon-dashboard").inputs.dashboardJson as string)).toEqual({
      displayName: "Data platform",
      mosaicLayout: { columns: 48, tiles: [] },
    });
  });
});

describe("validateGcpMonitoringArgs", () => {
  it("lists every problem with its code and field", () => {
    expect(
      problemsThrownBy(() =>
        validateGcpMonitoringArgs({
          thresholds: { cacheCpuPercent: 101, consumerLagMessages: 0, cacheEvictions: 1.5 },
          alertEmails: ["oncall"],
          pubsub: { topicId: "alerts" },
          dashboardName: "",
          eventStream: { clusterId: "", consumers: [{ group: "ingest", topic: " " }] },
          featureStore: { engine: "memcached" as never, instanceId: "" },
          objectStore: { bucket: "" },
          backups: { enabled: false as never },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_MONITORING_THRESHOLD_RANGE", field: "thresholds.consumerLagMessages", value: 0 },
      { code: "SEAWALL_GCP_MONITORING_THRESHOLD_RANGE", field: "thresholds.cacheCpuPercent", value: 101 },
      { code: "SEAWALL_GCP_MONITORING_THRESHOLD_RANGE", field: "thresholds.cacheEvictions", value: 1.5 },
      { code: "SEAWALL_GCP_MONITORING_ALERT_EMAIL", field: "alertEmails[0]", value: "oncall" },
      { code: "SEAWALL_GCP_MONITORING_PUBSUB_TOPIC", field: "pubsub.topicId", value: "alerts" },
      { code: "SEAWALL_GCP_MONITORING_DASHBOARD_NAME", field: "dashboardName", value: "" },
      { code: "SEAWALL_GCP_MONITORING_PROJECT", field: "project", value: undefined },
      { code: "SEAWALL_GCP_MONITORING_IDENTIFIER", field: "backups.enabled", value: false },
      { code: "SEAWALL_GCP_MONITORING_IDENTIFIER", field: "eventStream.clusterId", value: "" },
      { code: "SEAWALL_GCP_MONITORING_IDENTIFIER", field: "eventStream.consumers[0].topic", value: " " },
      { code: "SEAWALL_GCP_MONITORING_ENGINE", field: "featureStore.engine", value: "memcached" },
      { code: "SEAWALL_GCP_MONITORING_IDENTIFIER", field: "featureStore.instanceId", value: "" },
      { code: "SEAWALL_GCP_MONITORING_IDENTIFIER", field: "objectStore.bucket", value: "" },
    ]);
  });

  it("refuses a project that is not a project id, and takes gcp:project for the backup alert", () => {
    expect(problemsThrownBy(() => validateGcpMonitoringArgs({ project: "My Project" }))).toEqual([
      { code: "SEAWALL_GCP_MONITORING_PROJECT", field: "project", value: "My Project" },
    ]);
    expect(() => validateGcpMonitoringArgs({ backups: { enabled: true } }, "seawall-prod")).not.toThrow();
  });

  it("fails the component before it registers anything", async () => {
    await expect(monitoring({ alertEmails: ["nope"] })).rejects.toThrow(
      /alertEmails\[0\] = "nope": must be an email address .* \[SEAWALL_GCP_MONITORING_ALERT_EMAIL\]/,
    );
  });
});
