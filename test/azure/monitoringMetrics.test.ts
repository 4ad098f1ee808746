import {
  azureAlertSpecs,
  azureDiagnosticSpecs,
  DEFAULT_AZURE_THRESHOLDS,
  metricAlertCriteria,
  renderAzureDashboardParts,
} from "../../components/azure/monitoringAlerts";
import { AZURE_LOG_SOURCES, AZURE_METRICS } from "../../components/azure/monitoringMetrics";

const RG = "/subscriptions/s/resourceGroups/g/providers";
const all = {
  objectStore: { storageAccountId: `${RG}/Microsoft.Storage/storageAccounts/lake` },
  eventStream: { namespaceId: `${RG}/Microsoft.EventHub/namespaces/events` },
  featureStore: { clusterId: `${RG}/Microsoft.Cache/redisEnterprise/features` },
  keyVault: { vaultId: `${RG}/Microsoft.KeyVault/vaults/keys` },
  backups: { vaultId: `${RG}/Microsoft.DataProtection/backupVaults/backups` },
};
const specs = azureAlertSpecs(all, DEFAULT_AZURE_THRESHOLDS);
const table = Object.values(AZURE_METRICS);

describe("the Azure metric table", () => {
  it("names for every metric the Azure Monitor supported-metrics page of its namespace", () => {
    for (const m of table) {
      const page = m.namespace.toLowerCase().replace(/[./]/g, "-");
      expect(m.source).toBe(
        `https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/${page}-metrics`,
      );
    }
  });

  it("names for every log source the supported-logs page of its resource type", () => {
    for (const l of Object.values(AZURE_LOG_SOURCES)) {
      const page = l.resourceType.toLowerCase().replace(/[./]/g, "-");
      expect(l.source).toBe(
        `https://learn.microsoft.com/azure/azure-monitor/reference/supported-logs/${page}-logs`,
      );
      expect(l.categories.length).toBeGreaterThan(0);
    }
  });
});

describe("every Azure alert", () => {
  it("covers every metric of the table, and the table has no metric unused", () => {
    expect(new Set(specs.map((s) => s.criterion.metric))).toEqual(new Set(Object.keys(AZURE_METRICS)));
  });

  it.each(specs.map((s) => [s.key, s] as const))(
    "%s uses a namespace, metric, aggregation and dimensions of the table, on a resource of its namespace",
    (_key, spec) => {
      const [criterion] = metricAlertCriteria(spec).allOf;
      const entry = table.find(
        (m) => m.namespace === criterion.metricNamespace && m.name === criterion.metricName,
      );
      expect(entry).toBeDefined();
      expect(entry?.aggregations).toContain(criterion.timeAggregation);
      for (const d of (criterion as { dimensions?: { name: string }[] }).dimensions ?? []) {
        expect(entry?.dimensions).toContain(d.name);
      }
      expect(spec.scope.toLowerCase()).toMatch(
        new RegExp(`/providers/${entry?.namespace.toLowerCase()}/[^/]+$`),
      );
    },
  );

  it("is charted on the dashboard with its table metric", () => {
    const parts = renderAzureDashboardParts(specs);
    expect(
      parts.map(
        (p) =>
          (p.metadata.inputs[0].value as { chart: { metrics: { name: string }[] } }).chart.metrics[0].name,
      ),
    ).toEqual(specs.map((s) => AZURE_METRICS[s.criterion.metric].name));
  });
});

describe("every Azure diagnostic setting", () => {
  it("is set on a resource of its log source's type", () => {
    for (const spec of azureDiagnosticSpecs(all)) {
      const uri =
        typeof spec.resource === "string" ? spec.resource : `${spec.resource.under}${spec.resource.path}`;
      const type = AZURE_LOG_SOURCES[spec.source].resourceType.toLowerCase();
      const [provider, ...rest] = type.split("/");
      // A child type (blobServices, databases) sits under its parent's name.
      const path = rest.map((segment) => `${segment}/[^/]+`).join("/");
      expect(uri.toLowerCase()).toMatch(new RegExp(`/providers/${provider.replace(".", "\\.")}/${path}$`));
    }
  });
});
