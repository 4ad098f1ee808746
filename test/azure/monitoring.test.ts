import {
  AzureMonitoring,
  AzureMonitoringArgs,
  validateAzureMonitoringArgs,
} from "../../components/azure/monitoring";
import { azureProfileThresholds } from "../../components/azure/monitoringAlerts";
import { resolveProfile } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:azure:Monitoring",
  workspace: "azure-native:operationalinsights:Workspace",
  diagnostics: "azure-native:monitor:DiagnosticSetting",
  actionGroup: "azure-native:monitor:ActionGroup",
  alert: "azure-native:monitor:MetricAlert",
  dashboard: "azure-native:portal:Dashboard",
};

const RG = "/subscriptions/00000000-0000-4000-8000-5ea3a1100001/resourceGroups/data/providers";
const IDS = {
  account: `${RG}/Microsoft.Storage/storageAccounts/seawalllake`,
  namespace: `${RG}/Microsoft.EventHub/namespaces/seawall-events`,
  cluster: `${RG}/Microsoft.Cache/redisEnterprise/seawall-features`,
  keyVault: `${RG}/Microsoft.KeyVault/vaults/seawall-keys`,
  backupVault: `${RG}/Microsoft.DataProtection/backupVaults/seawall-backups`,
};

const everything: AzureMonitoringArgs = {
  resourceGroupName: "data",
  objectStore: { storageAccountId: IDS.account },
  eventStream: { namespaceId: IDS.namespace },
  featureStore: { clusterId: IDS.cluster },
  keyVault: { vaultId: IDS.keyVault },
  backups: { vaultId: IDS.backupVault },
  alertEmails: ["oncall@example.com", "data@example.com"],
};

async function monitoring(args: Partial<AzureMonitoringArgs>, name = "mon"): Promise<Plan> {
  return plan(
    () => {
      const m = new AzureMonitoring(name, { ...everything, ...args });
      return { workspaceId: m.workspaceId, dashboardUrl: m.dashboardUrl };
    },
    { "azure-native:location": "westeurope" },
  );
}

const tags = { "seawall-component": "monitoring" };

describe("Azure Monitoring of every service", () => {
  let s: Plan;
  beforeAll(async () => {
    s = await monitoring({});
  });

  it("creates a workspace, five diagnostic settings, an action group, eight alerts and a dashboard", () => {
    expect(s.counts()).toEqual({
      [T.component]: 1,
      [T.workspace]: 1,
      [T.diagnostics]: 5,
      [T.actionGroup]: 1,
      [T.alert]: 8,
      [T.dashboard]: 1,
    });
  });

  it("keeps logs 90 days in a workspace without shared keys", () => {
    expect(s.one(T.workspace, "mon-logs").inputs).toEqual({
      resourceGroupName: "data",
      sku: { name: "PerGB2018" },
      retentionInDays: 90,
      features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
      tags,
    });
  });

  it("sends all logs of the blob service, Event Hubs, the Redis database, Key Vault and the backup vault to it", () => {
    const workspaceId = s.output("workspaceId");
    expect(workspaceId).toMatch(/\/providers\/Microsoft\.OperationalInsights\/workspaces\/mon-logs/);
    const on = (key: string) => s.one(T.diagnostics, `mon-${key}-diagnostics`).inputs;
    const expected = (resourceUri: string) => ({
      name: "seawall-mon",
      resourceUri,
      workspaceId,
      logs: [{ categoryGroup: "allLogs", enabled: true }],
    });
    expect(on("blob")).toEqual(expected(`${IDS.account}/blobServices/default`));
    expect(on("eventhubs")).toEqual(expected(IDS.namespace));
    expect(on("redis")).toEqual(expected(`${IDS.cluster}/databases/default`));
    expect(on("keyvault")).toEqual(expected(IDS.keyVault));
    expect(on("backup")).toEqual(expected(IDS.backupVault));
  });

  it("mails every address with the common alert schema", () => {
    expect(s.one(T.actionGroup, "mon-alerts").inputs).toEqual({
      resourceGroupName: "data",
      location: "global",
      groupShortName: "seawall",
      enabled: true,
      emailReceivers: [
        { name: "email-1", emailAddress: "oncall@example.com", useCommonAlertSchema: true },
        { name: "email-2", emailAddress: "data@example.com", useCommonAlertSchema: true },
      ],
      tags,
    });
  });

  it("alerts on storage availability below 99.9% and latency above 1000 ms", () => {
    const actionGroupId = expect.stringMatching(
      /\/Microsoft\.Insights\/actionGroups\/mon-alerts[0-9a-f]{8}$/,
    );
    const availability = s.one(T.alert, "mon-storage-availability").inputs;
    expect(availability).toEqual({
      resourceGroupName: "data",
      location: "global",
      description: expect.stringContaining("less than 99.9%"),
      severity: 1,
      enabled: true,
      scopes: [IDS.account],
      evaluationFrequency: "PT5M",
      windowSize: "PT15M",
      criteria: {
        odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
        allOf: [
          {
            criterionType: "StaticThresholdCriterion",
            name: "storage-availability",
            metricNamespace: "Microsoft.Storage/storageAccounts",
            metricName: "Availability",
            operator: "LessThan",
            threshold: 99.9,
            timeAggregation: "Average",
          },
        ],
      },
      autoMitigate: true,
      actions: [{ actionGroupId }],
      tags,
    });
    expect((s.one(T.alert, "mon-storage-latency").inputs.criteria as { allOf: unknown[] }).allOf).toEqual([
      {
        criterionType: "StaticThresholdCriterion",
        name: "storage-latency",
        metricNamespace: "Microsoft.Storage/storageAccounts",
        metricName: "SuccessE2ELatency",
        operator: "GreaterThan",
        threshold: 1000,
        timeAggregation: "Average",
      },
    ]);
  });

  it("alerts on Event Hubs throttling and server errors per 5 minutes", () => {
    for (const [key, metric, threshold] of [
      ["eventhubs-throttled", "ThrottledRequests", 100],
      ["eventhubs-server-errors", "ServerErrors", 10],
    ] as const) {
      const alert = s.one(T.alert, `mon-${key}`).inputs;
      expect(alert).toMatchObject({
        scopes: [IDS.namespace],
        evaluationFrequency: "PT1M",
        windowSize: "PT5M",
      });
      expect((alert.criteria as { allOf: unknown[] }).allOf).toEqual([
        {
          criterionType: "StaticThresholdCriterion",
          name: key,
          metricNamespace: "Microsoft.EventHub/namespaces",
          metricName: metric,
          operator: "GreaterThan",
          threshold,
          timeAggregation: "Total",
        },
      ]);
    }
  });

  it("alerts on Managed Redis CPU, memory and server load at their maximum", () => {
    for (const [key, metric, threshold] of [
      ["cache-cpu", "percentProcessorTime", 75],
      ["cache-memory", "usedmemorypercentage", 80],
      ["cache-server-load", "serverLoad", 75],
    ] as const) {
      const alert = s.one(T.alert, `mon-${key}`).inputs;
      expect(alert.scopes).toEqual([IDS.cluster]);
      expect((alert.criteria as { allOf: unknown[] }).allOf).toEqual([
        {
          criterionType: "StaticThresholdCriterion",
          name: key,
          metricNamespace: "Microsoft.Cache/redisEnterprise",
          metricName: metric,
          operator: "GreaterThan",
          threshold,
          timeAggregation: "Maximum",
        },
      ]);
    }
  });

  it("alerts, critical, on any backup health event that is not Healthy", () => {
    const alert = s.one(T.alert, "mon-backup-health").inputs;
    expect(alert).toMatchObject({
      scopes: [IDS.backupVault],
      severity: 0,
      evaluationFrequency: "PT15M",
      windowSize: "PT1H",
    });
    expect((alert.criteria as { allOf: unknown[] }).allOf).toEqual([
      {
        criterionType: "StaticThresholdCriterion",
        name: "backup-health",
        metricNamespace: "Microsoft.DataProtection/backupVaults",
        metricName: "BackupHealthEvent",
        operator: "GreaterThan",
        threshold: 0,
        timeAggregation: "Count",
        dimensions: [{ name: "healthStatus", operator: "Exclude", values: ["Healthy"] }],
      },
    ]);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(s.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("charts every alert's metric on a portal dashboard and links it", () => {
    const dashboard = s.one(T.dashboard, "mon-dashboard").inputs;
    expect(dashboard.tags).toEqual({ ...tags, "hidden-title": "Seawall: mon" });
    const parts = (dashboard.properties as { lenses: { order: number; parts: unknown[] }[] }).lenses[0].parts;
    expect(parts).toHaveLength(8);
    expect(parts[0]).toEqual({
      position: { x: 0, y: 0, colSpan: 6, rowSpan: 4 },
      metadata: {
        type: "Extension/HubsExtension/PartType/MonitorChartPart",
        inputs: [
          {
            name: "options",
            isOptional: true,
            value: {
              chart: {
                title: "storage-availability: Availability (< 99.9)",
                titleKind: 2,
                visualization: { chartType: 2 },
                metrics: [
                  {
                    resourceMetadata: { id: IDS.account },
                    name: "Availability",
                    namespace: "microsoft.storage/storageaccounts",
                    aggregationType: 4,
                    metricVisualization: { displayName: "Availability" },
                  },
                ],
              },
            },
          },
          { name: "sharedTimeRange", isOptional: true },
        ],
        settings: {},
      },
    });
    expect(s.output("dashboardUrl")).toMatch(
      /^https:\/\/portal\.azure\.com\/#@\/dashboard\/arm\/subscriptions\/.+\/providers\/Microsoft\.Portal\/dashboards\/mon-dashboard/,
    );
  });
});

describe("Azure Monitoring with fewer services and a brought workspace", () => {
  it("creates only what is watched, into the brought workspace, with the profile's thresholds", async () => {
    const workspaceId = `${RG}/Microsoft.OperationalInsights/workspaces/central`;
    const s = await monitoring({
      objectStore: undefined,
      eventStream: undefined,
      keyVault: undefined,
      backups: undefined,
      featureStore: { clusterId: IDS.cluster, databaseId: `${IDS.cluster}/databases/features` },
      workspace: { existing: { workspaceId } },
      thresholds: azureProfileThresholds(resolveProfile("dev").monitoring),
      alertEmails: [],
    });
    expect(s.ofType(T.workspace)).toEqual([]);
    expect(s.names(T.alert)).toEqual(["mon-cache-cpu", "mon-cache-memory", "mon-cache-server-load"]);
    expect(s.one(T.diagnostics, "mon-redis-diagnostics").inputs).toMatchObject({
      resourceUri: `${IDS.cluster}/databases/features`,
      workspaceId,
    });
    const threshold = (key: string) =>
      (s.one(T.alert, `mon-${key}`).inputs.criteria as { allOf: { threshold: number }[] }).allOf[0].threshold;
    expect([threshold("cache-cpu"), threshold("cache-memory"), threshold("cache-server-load")]).toEqual([
      90, 90, 90,
    ]);
    expect(s.one(T.actionGroup, "mon-alerts").inputs.emailReceivers).toEqual([]);
  });
});

describe("validateAzureMonitoringArgs", () => {
  it("passes every service watched", () => {
    expect(() => validateAzureMonitoringArgs(everything)).not.toThrow();
  });

  it("lists every problem with its field and code", () => {
    expect(
      problemsThrownBy(() =>
        validateAzureMonitoringArgs({
          ...everything,
          workspace: { args: { retentionDays: 14, workspaceName: "x" } },
          thresholds: { storageAvailabilityPercent: 0, consumerLagMessages: 5, cacheEvictions: 1 } as never,
          alertEmails: ["oncall"],
          actionGroupShortName: "seawall-alerts",
          eventStream: { namespaceId: IDS.account },
          featureStore: { clusterId: IDS.cluster, databaseId: IDS.cluster },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_MONITORING_RETENTION", field: "workspace.args.retentionDays", value: 14 },
      { code: "SEAWALL_AZURE_MONITORING_WORKSPACE_NAME", field: "workspace.args.workspaceName", value: "x" },
      {
        code: "SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE",
        field: "thresholds.storageAvailabilityPercent",
        value: 0,
      },
      { code: "SEAWALL_AZURE_MONITORING_UNSUPPORTED", field: "thresholds.consumerLagMessages", value: 5 },
      { code: "SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE", field: "thresholds.cacheEvictions", value: 1 },
      { code: "SEAWALL_AZURE_MONITORING_ALERT_EMAIL", field: "alertEmails[0]", value: "oncall" },
      { code: "SEAWALL_AZURE_MONITORING_SHORT_NAME", field: "actionGroupShortName", value: "seawall-alerts" },
      { code: "SEAWALL_AZURE_MONITORING_RESOURCE_ID", field: "eventStream.namespaceId", value: IDS.account },
      { code: "SEAWALL_AZURE_MONITORING_RESOURCE_ID", field: "featureStore.databaseId", value: IDS.cluster },
    ]);
  });

  it("refuses a workspace skipped", () => {
    expect(
      problemsThrownBy(() =>
        validateAzureMonitoringArgs({ ...everything, workspace: { skip: true } as never }),
      ),
    ).toEqual([{ code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "workspace", value: "{ skip: true }" }]);
  });
});
