import { LOGS, METRICS } from "../../components/gcp/monitoringMetrics";
import {
  DEFAULT_GCP_THRESHOLDS,
  gcpAlertSpecs,
  GcpMonitoredServices,
  gcpProfileThresholds,
  logFilter,
  renderGcpDashboard,
  thresholdFilter,
} from "../../components/gcp/monitoringPolicies";
import { PROFILES } from "../../components/profiles";

const valkey: GcpMonitoredServices<string> = {
  eventStream: { clusterId: "events", consumers: [{ group: "ingest", topic: "raw" }] },
  featureStore: { engine: "valkey", instanceId: "features" },
  objectStore: { bucket: "lake" },
  backups: { enabled: true },
};
const redis: GcpMonitoredServices<string> = {
  ...valkey,
  featureStore: { engine: "redis", instanceId: "features" },
};

/** Every filter the alerts and the dashboard use, for both feature-store engines. */
function allFilters(): string[] {
  const filters: string[] = [];
  for (const services of [valkey, redis]) {
    const specs = gcpAlertSpecs(services, DEFAULT_GCP_THRESHOLDS);
    for (const spec of specs) {
      filters.push(
        "threshold" in spec.source
          ? thresholdFilter(spec.source.threshold)
          : logFilter(spec.source.log, "p-123456"),
      );
    }
    const dashboard = renderGcpDashboard("t", specs) as unknown as {
      mosaicLayout: {
        tiles: {
          widget: { xyChart: { dataSets: { timeSeriesQuery: { timeSeriesFilter: { filter: string } } }[] } };
        }[];
      };
    };
    for (const tile of dashboard.mosaicLayout.tiles) {
      filters.push(tile.widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.filter);
    }
  }
  return filters;
}

describe("the GCP metric table", () => {
  it("names for every metric type its resource type and the GCP metric list page that defines it", () => {
    for (const m of Object.values(METRICS)) {
      expect(m.type).toMatch(/^[a-z]+\.googleapis\.com\/[a-z_/]+$/);
      expect(m.resourceType).toMatch(/^([a-z_]+|[a-z]+\.googleapis\.com\/[A-Za-z]+)$/);
      expect(m.source.startsWith("https://cloud.google.com/monitoring/api/metrics_gcp (")).toBe(true);
    }
    for (const l of Object.values(LOGS)) expect(l.source).toMatch(/^https:\/\/cloud\.google\.com\//);
  });

  it("every filter of every alert and chart uses only metric types, resource types and logs from the table, paired as the table pairs them", () => {
    const filters = allFilters();
    expect(filters.length).toBe(2 * (7 + 6));
    const byType = new Map<string, string>(
      Object.values(METRICS).map((m) => [m.type, m.resourceType as string]),
    );
    const logIds = new Set(Object.values(LOGS).map((l) => l.logId as string));
    for (const filter of filters) {
      const metricTypes = [...filter.matchAll(/metric\.type = "([^"]+)"/g)].map((x) => x[1]);
      const resourceTypes = [...filter.matchAll(/resource\.type = "([^"]+)"/g)].map((x) => x[1]);
      const logs = [...filter.matchAll(/logName = "projects\/[^/]+\/logs\/([^"]+)"/g)].map((x) => x[1]);
      expect(metricTypes.length + logs.length).toBe(1);
      if (metricTypes.length === 1) {
        expect(byType.has(metricTypes[0])).toBe(true);
        expect(resourceTypes).toEqual([byType.get(metricTypes[0])]);
      } else {
        expect(logIds.has(logs[0])).toBe(true);
        expect(resourceTypes).toEqual([]);
      }
      // Nothing else names a type: no metric or resource type outside those clauses.
      expect(filter.match(/googleapis\.com(\/|%2F)/g)?.length ?? 0).toBe(
        metricTypes.length + resourceTypes.filter((r) => r.includes(".googleapis.com/")).length + logs.length,
      );
    }
  });

  it("uses each table entry in some alert, so the table lists nothing unused", () => {
    const used = allFilters().join("\n");
    for (const m of Object.values(METRICS)) expect(used).toContain(`"${m.type}"`);
    for (const l of Object.values(LOGS)) expect(used).toContain(l.logId);
  });
});

describe("GCP alert thresholds", () => {
  it("takes the profile's cloud-neutral thresholds, its CPU limit for the feature store", () => {
    expect(gcpProfileThresholds(PROFILES.dev.monitoring)).toEqual({
      consumerLagMessages: 1_000_000,
      cacheCpuPercent: 90,
      cacheMemoryPercent: 90,
      cacheEvictions: 10_000,
      cacheReplicationLagSeconds: 60,
      replicationDelaySeconds: 3600,
    });
    expect(gcpProfileThresholds(PROFILES.prod.monitoring)).toEqual(DEFAULT_GCP_THRESHOLDS);
  });

  it("builds the consumer-lag filter from the cluster, group and topic", () => {
    const [lag] = gcpAlertSpecs({ eventStream: valkey.eventStream }, DEFAULT_GCP_THRESHOLDS);
    expect(lag.key).toBe("kafka-consumer-lag-ingest-raw");
    expect("threshold" in lag.source && thresholdFilter(lag.source.threshold)).toBe(
      'metric.type = "managedkafka.googleapis.com/offset_lag" AND resource.type = "managedkafka.googleapis.com/TopicPartitionConsumerGroup" AND resource.label.cluster_id = "events" AND resource.label.consumer_group_id = "ingest" AND resource.label.topic_id = "raw"',
    );
  });

  it("alerts on no service when none is watched", () => {
    expect(gcpAlertSpecs({}, DEFAULT_GCP_THRESHOLDS)).toEqual([]);
  });
});
