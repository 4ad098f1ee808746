/**
 * Pure definitions for Azure monitoring: the alert thresholds (from the cloud-neutral profile),
 * which metric alert watches which Azure Monitor metric on which resource with what condition, the
 * diagnostic settings per watched resource, and the portal dashboard's parts. Every metric comes
 * from the table in `monitoringMetrics.ts`. The value type `S` of the watched resource ids is a
 * string in tests and the dashboard, and a `pulumi.Input<string>` in the component.
 */
import type { Profile } from "../profiles";
import { AZURE_LOG_SOURCES, AZURE_METRICS, AzureLogSourceKey, AzureMetricKey } from "./monitoringMetrics";

/**
 * Alert thresholds; the environment profile sets those it has, the rest default.
 *
 * Event Hubs publishes no consumer-group lag metric to Azure Monitor (its Kafka endpoint's lag is
 * visible only to Kafka clients), so consumer lag is not alerted on here: the workers export it
 * on `/metrics` and scale on it (KEDA). A `consumerLagMessages` threshold is refused
 * (`SEAWALL_AZURE_MONITORING_UNSUPPORTED`).
 */
export interface AzureMonitoringThresholds {
  /** Lowest average availability of the storage account over 15 minutes, percent (1 to 100). */
  storageAvailabilityPercent: number;
  /** Highest average end-to-end latency of successful storage requests over 15 minutes, milliseconds. */
  storageLatencyMs: number;
  /** Most throttled Event Hubs requests in 5 minutes (0 alerts on any). */
  eventHubsThrottledRequests: number;
  /** Most Event Hubs server errors in 5 minutes (0 alerts on any). */
  eventHubsServerErrors: number;
  /** Highest CPU of a feature-store node, percent (1 to 100). */
  cacheCpuPercent: number;
  /** Highest memory use of the feature store, percent (1 to 100). */
  cacheMemoryPercent: number;
  /** Highest server load of the feature store, percent (1 to 100). */
  cacheServerLoadPercent: number;
}

/** Defaults: the `prod` profile's values, and Seawall's for what the profile has no field for. */
export const DEFAULT_AZURE_THRESHOLDS: AzureMonitoringThresholds = {
  storageAvailabilityPercent: 99.9,
  storageLatencyMs: 1000,
  eventHubsThrottledRequests: 100,
  eventHubsServerErrors: 10,
  cacheCpuPercent: 75,
  cacheMemoryPercent: 80,
  cacheServerLoadPercent: 75,
};

/** The thresholds an environment profile sets (its CPU limit applies to CPU and server load). */
export function azureProfileThresholds(m: Profile["monitoring"]): Partial<AzureMonitoringThresholds> {
  return {
    cacheCpuPercent: m.cpuPercent,
    cacheMemoryPercent: m.redisMemoryPercent,
    cacheServerLoadPercent: m.cpuPercent,
  };
}

/** The resources to watch, by ARM id; each is optional. */
export interface AzureMonitoredResources<S> {
  /** The lake's storage account: alerts on availability and latency; blob logs. */
  objectStore?: { storageAccountId: S };
  /** The Event Hubs namespace: alerts on throttling and server errors; its logs. */
  eventStream?: { namespaceId: S };
  /**
   * The Azure Managed Redis cluster: alerts on CPU, memory and server load. Its logs are the
   * database's (`<cluster>/databases/default` unless `databaseId` is given).
   */
  featureStore?: { clusterId: S; databaseId?: S };
  /** A Key Vault (the customer-managed keys): its audit logs. */
  keyVault?: { vaultId: S };
  /** The Data Protection backup vault: an alert on unhealthy backup jobs; its logs. */
  backups?: { vaultId: S };
}

export interface AzureMetricCriterion {
  metric: AzureMetricKey;
  operator: "GreaterThan" | "LessThan";
  threshold: number;
  timeAggregation: "Average" | "Minimum" | "Maximum" | "Total" | "Count";
  /** Dimension filters, as `MetricDimension` takes them. */
  dimensions?: { name: string; operator: "Include" | "Exclude"; values: string[] }[];
}

export interface AzureAlertSpec<S> {
  /** Suffix of the alert's resource name, unique within the component. */
  key: string;
  /** The resource the alert is scoped to. */
  scope: S;
  description: string;
  /** Azure Monitor severity: 0 critical, 1 error, 2 warning, 3 informational. */
  severity: 0 | 1 | 2 | 3;
  /** ISO 8601: how often the rule is evaluated, and over what window. */
  evaluationFrequency: "PT1M" | "PT5M" | "PT15M";
  windowSize: "PT5M" | "PT15M" | "PT30M" | "PT1H";
  criterion: AzureMetricCriterion;
}

/** Every metric alert for the watched resources, in a stable order. */
export function azureAlertSpecs<S>(
  r: AzureMonitoredResources<S>,
  t: AzureMonitoringThresholds,
): AzureAlertSpec<S>[] {
  const specs: AzureAlertSpec<S>[] = [];
  if (r.objectStore) {
    const scope = r.objectStore.storageAccountId;
    specs.push(
      {
        key: "storage-availability",
        scope,
        description: `The lake's storage account served less than ${t.storageAvailabilityPercent}% of requests successfully over 15 minutes: writes of the lake sink and reads fail. Check Azure status and the account's logs.`,
        severity: 1,
        evaluationFrequency: "PT5M",
        windowSize: "PT15M",
        criterion: {
          metric: "storageAvailability",
          operator: "LessThan",
          threshold: t.storageAvailabilityPercent,
          timeAggregation: "Average",
        },
      },
      {
        key: "storage-latency",
        scope,
        description: `Successful requests to the lake's storage account took more than ${t.storageLatencyMs} ms end to end on average over 15 minutes: the lake sink falls behind.`,
        severity: 2,
        evaluationFrequency: "PT5M",
        windowSize: "PT15M",
        criterion: {
          metric: "storageSuccessE2ELatency",
          operator: "GreaterThan",
          threshold: t.storageLatencyMs,
          timeAggregation: "Average",
        },
      },
    );
  }
  if (r.eventStream) {
    const scope = r.eventStream.namespaceId;
    specs.push(
      {
        key: "eventhubs-throttled",
        scope,
        description: `Event Hubs throttled more than ${t.eventHubsThrottledRequests} requests in 5 minutes: the namespace is out of throughput (or processing) units. Raise its capacity or auto-inflate ceiling.`,
        severity: 2,
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        criterion: {
          metric: "eventHubsThrottledRequests",
          operator: "GreaterThan",
          threshold: t.eventHubsThrottledRequests,
          timeAggregation: "Total",
        },
      },
      {
        key: "eventhubs-server-errors",
        scope,
        description: `Event Hubs returned more than ${t.eventHubsServerErrors} server errors in 5 minutes: producers and consumers retry, and the pipeline slows. Check Azure status.`,
        severity: 1,
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
        criterion: {
          metric: "eventHubsServerErrors",
          operator: "GreaterThan",
          threshold: t.eventHubsServerErrors,
          timeAggregation: "Total",
        },
      },
    );
  }
  if (r.featureStore) {
    const scope = r.featureStore.clusterId;
    const cache = (
      key: string,
      metric: AzureMetricKey,
      threshold: number,
      what: string,
      severity: 1 | 2,
    ): AzureAlertSpec<S> => ({
      key,
      scope,
      description: `The feature store's ${what} stayed above ${threshold}% over 15 minutes; reads slow down${metric === "redisMemory" ? " and keys are evicted" : ""}. Scale up the SKU or shorten feature TTLs.`,
      severity,
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      criterion: { metric, operator: "GreaterThan", threshold, timeAggregation: "Maximum" },
    });
    specs.push(
      cache("cache-cpu", "redisCpu", t.cacheCpuPercent, "CPU", 2),
      cache("cache-memory", "redisMemory", t.cacheMemoryPercent, "memory use", 1),
      cache("cache-server-load", "redisServerLoad", t.cacheServerLoadPercent, "server load", 2),
    );
  }
  if (r.backups) {
    specs.push({
      key: "backup-health",
      scope: r.backups.vaultId,
      description:
        "A backup job of the vault reported an unhealthy or degraded state within the hour: a recovery point you count on may not exist. The vault's job logs name the instance and the reason.",
      severity: 0,
      evaluationFrequency: "PT15M",
      windowSize: "PT1H",
      criterion: {
        metric: "backupHealthEvents",
        operator: "GreaterThan",
        threshold: 0,
        timeAggregation: "Count",
        dimensions: [{ name: "healthStatus", operator: "Exclude", values: ["Healthy"] }],
      },
    });
  }
  return specs;
}

/** The metric alert's criteria, as `monitor.MetricAlert` takes them. */
export function metricAlertCriteria(spec: AzureAlertSpec<unknown>) {
  const c = spec.criterion;
  const m = AZURE_METRICS[c.metric];
  return {
    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria" as const,
    allOf: [
      {
        criterionType: "StaticThresholdCriterion" as const,
        name: spec.key,
        metricNamespace: m.namespace,
        metricName: m.name,
        operator: c.operator,
        threshold: c.threshold,
        timeAggregation: c.timeAggregation,
        ...(c.dimensions ? { dimensions: c.dimensions } : {}),
      },
    ],
  };
}

/** A diagnostic setting to create: the resource it is set on and its log source. */
export interface AzureDiagnosticSpec<S> {
  key: string;
  /** The resource the setting is on (for Managed Redis, its database). */
  resource: S | { under: S; path: string };
  source: AzureLogSourceKey;
}

/** Every diagnostic setting for the watched resources, in a stable order. */
export function azureDiagnosticSpecs<S>(r: AzureMonitoredResources<S>): AzureDiagnosticSpec<S>[] {
  const specs: AzureDiagnosticSpec<S>[] = [];
  if (r.objectStore) {
    specs.push({
      key: "blob",
      resource: { under: r.objectStore.storageAccountId, path: "/blobServices/default" },
      source: "blobService",
    });
  }
  if (r.eventStream)
    specs.push({ key: "eventhubs", resource: r.eventStream.namespaceId, source: "eventHubsNamespace" });
  if (r.featureStore) {
    specs.push({
      key: "redis",
      resource: r.featureStore.databaseId ?? { under: r.featureStore.clusterId, path: "/databases/default" },
      source: "redisDatabase",
    });
  }
  if (r.keyVault) specs.push({ key: "keyvault", resource: r.keyVault.vaultId, source: "keyVault" });
  if (r.backups) specs.push({ key: "backup", resource: r.backups.vaultId, source: "backupVault" });
  return specs;
}

/** The `logs` of a diagnostic setting for a log source. */
export function diagnosticLogs(source: AzureLogSourceKey) {
  return [{ categoryGroup: AZURE_LOG_SOURCES[source].categoryGroup, enabled: true }];
}

/** Azure portal's metric chart aggregation codes. */
const PORTAL_AGGREGATION: Record<AzureMetricCriterion["timeAggregation"], number> = {
  Total: 1,
  Minimum: 2,
  Maximum: 3,
  Average: 4,
  Count: 7,
};

/**
 * The portal dashboard's parts: one metric chart per alert, two per row, each charting the alert's
 * metric on its resource with the alert's aggregation.
 */
export function renderAzureDashboardParts(specs: AzureAlertSpec<string>[]) {
  return specs.map((spec, i) => {
    const m = AZURE_METRICS[spec.criterion.metric];
    return {
      position: { x: (i % 2) * 6, y: Math.floor(i / 2) * 4, colSpan: 6, rowSpan: 4 },
      metadata: {
        type: "Extension/HubsExtension/PartType/MonitorChartPart",
        inputs: [
          {
            name: "options",
            isOptional: true,
            value: {
              chart: {
                title: `${spec.key}: ${m.name} (${spec.criterion.operator === "LessThan" ? "<" : ">"} ${spec.criterion.threshold})`,
                titleKind: 2,
                visualization: { chartType: 2 },
                metrics: [
                  {
                    resourceMetadata: { id: spec.scope },
                    name: m.name,
                    namespace: m.namespace.toLowerCase(),
                    aggregationType: PORTAL_AGGREGATION[spec.criterion.timeAggregation],
                    metricVisualization: { displayName: m.name },
                  },
                ],
              },
            },
          },
          { name: "sharedTimeRange", isOptional: true },
        ],
        settings: {},
      },
    };
  });
}
