import { DEFAULT_THRESHOLDS } from "../../components/aws/monitoringAlarms";
import { DashboardSpec, renderDashboard } from "../../components/aws/monitoringDashboard";

const spec: DashboardSpec = {
  title: "Seawall: prod",
  region: "us-east-1",
  thresholds: DEFAULT_THRESHOLDS,
  alarmArns: ["arn:aws:cloudwatch:us-east-1:1:alarm:a", "arn:aws:cloudwatch:us-east-1:1:alarm:b"],
  services: {
    eventStream: { clusterName: "events", brokerCount: 2, consumers: [{ group: "ingest", topic: "raw" }] },
    featureStore: { replicationGroupId: "features", memberClusterIds: ["features-001", "features-002"] },
    objectStore: { sourceBucket: "lake", destinationBucket: "lake-replica", ruleId: "replicate-everything" },
    backups: { vaultName: "vault" },
  },
};

type Props = Record<string, unknown> & { title?: string; metrics?: unknown[][] };
const widgetTitled = (title: string) =>
  renderDashboard(spec).widgets.find((w) => (w.properties as Props).title === title)?.properties as Props;

describe("renderDashboard", () => {
  it("opens with the title and an alarm-status strip of every alarm", () => {
    const [heading, alarms] = renderDashboard(spec).widgets;
    expect(heading).toEqual({
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 1,
      properties: { markdown: "# Seawall: prod" },
    });
    expect(alarms).toEqual({
      type: "alarm",
      x: 0,
      y: 1,
      width: 24,
      height: 3,
      properties: { title: "Alarms", alarms: spec.alarmArns, sortBy: "stateUpdatedTimestamp" },
    });
  });

  it("splits more than 100 alarms over several status strips, as CloudWatch allows 100 per widget", () => {
    const alarmArns = Array.from({ length: 230 }, (_, i) => `arn:aws:cloudwatch:us-east-1:1:alarm:a${i}`);
    const strips = renderDashboard({ ...spec, alarmArns }).widgets.filter((w) => w.type === "alarm");
    expect(
      strips.map((w) => [(w.properties as Props).title, (w.properties.alarms as string[]).length, w.y]),
    ).toEqual([
      ["Alarms (1)", 100, 1],
      ["Alarms (2)", 100, 4],
      ["Alarms (3)", 30, 7],
    ]);
    expect(strips.flatMap((w) => w.properties.alarms as string[])).toEqual(alarmArns);
  });

  it("draws one graph per kind of alarm, two to a row", () => {
    const graphs = renderDashboard(spec).widgets.filter((w) => w.type === "metric");
    expect(graphs.map((g) => (g.properties as Props).title)).toEqual([
      "MSK: data volume used (%)",
      "MSK: broker CPU, user + system (%)",
      "MSK: under-replicated partitions",
      "MSK: offline partitions",
      "MSK: consumer max offset lag (messages)",
      "ElastiCache: engine CPU (%)",
      "ElastiCache: memory used by data (%)",
      "ElastiCache: evictions (per 5 min)",
      "ElastiCache: replication lag (s)",
      "S3: replication latency (s)",
      "S3: operations failed replication",
      "AWS Backup: failed backup jobs",
    ]);
    expect(graphs.map((g) => [g.x, g.y])).toEqual([
      [0, 4],
      [12, 4],
      [0, 10],
      [12, 10],
      [0, 16],
      [12, 16],
      [0, 22],
      [12, 22],
      [0, 28],
      [12, 28],
      [0, 34],
      [12, 34],
    ]);
  });

  it("graphs every broker's disk use with the alarm threshold as a line", () => {
    expect(widgetTitled("MSK: data volume used (%)")).toEqual({
      title: "MSK: data volume used (%)",
      region: "us-east-1",
      view: "timeSeries",
      stacked: false,
      period: 300,
      metrics: [
        [
          "AWS/Kafka",
          "KafkaDataLogsDiskUsed",
          "Cluster Name",
          "events",
          "Broker ID",
          "1",
          { stat: "Maximum", label: "Cluster Name=events, Broker ID=1" },
        ],
        [
          "AWS/Kafka",
          "KafkaDataLogsDiskUsed",
          "Cluster Name",
          "events",
          "Broker ID",
          "2",
          { stat: "Maximum", label: "Cluster Name=events, Broker ID=2" },
        ],
      ],
      annotations: { horizontal: [{ label: "Alarm threshold", value: 75 }] },
      yAxis: { left: { min: 0 } },
    });
  });

  it("graphs broker CPU as metric math with ids unique within the graph", () => {
    const metrics = widgetTitled("MSK: broker CPU, user + system (%)").metrics;
    expect(metrics).toEqual([
      [
        "AWS/Kafka",
        "CpuUser",
        "Cluster Name",
        "events",
        "Broker ID",
        "1",
        { stat: "Average", id: "user1", visible: false },
      ],
      [
        "AWS/Kafka",
        "CpuSystem",
        "Cluster Name",
        "events",
        "Broker ID",
        "1",
        { stat: "Average", id: "system1", visible: false },
      ],
      [{ expression: "user1 + system1", label: "Broker 1 CPU (user + system)", id: "e1" }],
      [
        "AWS/Kafka",
        "CpuUser",
        "Cluster Name",
        "events",
        "Broker ID",
        "2",
        { stat: "Average", id: "user2", visible: false },
      ],
      [
        "AWS/Kafka",
        "CpuSystem",
        "Cluster Name",
        "events",
        "Broker ID",
        "2",
        { stat: "Average", id: "system2", visible: false },
      ],
      [{ expression: "user2 + system2", label: "Broker 2 CPU (user + system)", id: "e2" }],
    ]);
  });

  it("graphs S3 replication latency per rule and backup failures per vault", () => {
    expect(widgetTitled("S3: replication latency (s)").metrics).toEqual([
      [
        "AWS/S3",
        "ReplicationLatency",
        "SourceBucket",
        "lake",
        "DestinationBucket",
        "lake-replica",
        "RuleId",
        "replicate-everything",
        {
          stat: "Maximum",
          label: "SourceBucket=lake, DestinationBucket=lake-replica, RuleId=replicate-everything",
        },
      ],
    ]);
    expect(widgetTitled("AWS Backup: failed backup jobs")).toMatchObject({
      period: 3600,
      metrics: [
        [
          "AWS/Backup",
          "NumberOfBackupJobsFailed",
          "BackupVaultName",
          "vault",
          { stat: "Sum", label: "BackupVaultName=vault" },
        ],
      ],
    });
  });

  it("shows only the title when nothing is watched", () => {
    expect(renderDashboard({ ...spec, services: {}, alarmArns: [] }).widgets.map((w) => w.type)).toEqual([
      "text",
    ]);
  });

  it("lays every widget out on CloudWatch's 24-column grid without overlaps, the same on every render", () => {
    const body = renderDashboard(spec);
    const { widgets } = body;
    expect(JSON.stringify(renderDashboard(spec))).toBe(JSON.stringify(body));
    expect(body).toMatchObject({ start: "-PT12H", periodOverride: "inherit" });
    expect(widgets).toHaveLength(2 + 12); // title, alarm strip, 5 MSK + 4 ElastiCache + 2 S3 + 1 Backup graphs
    for (const w of widgets) {
      expect(w.x).toBeGreaterThanOrEqual(0);
      expect(w.x + w.width).toBeLessThanOrEqual(24);
    }
    const overlaps = (a: (typeof widgets)[number], b: (typeof widgets)[number]) =>
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    const clashes = widgets.flatMap((a, i) => widgets.slice(i + 1).filter((b) => overlaps(a, b)));
    expect(clashes).toEqual([]);
  });
});
