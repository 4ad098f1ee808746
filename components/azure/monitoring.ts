import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { helperChoice, isKnown, Problems } from "../validation";
import {
  azureAlertSpecs,
  azureDiagnosticSpecs,
  AzureMonitoredResources,
  AzureMonitoringThresholds,
  DEFAULT_AZURE_THRESHOLDS,
  diagnosticLogs,
  metricAlertCriteria,
  renderAzureDashboardParts,
} from "./monitoringAlerts";

/** A Log Analytics workspace the component creates. */
export interface AzureWorkspaceArgs {
  /**
   * Days logs stay queryable (interactive retention): 30 to 730. The profile's
   * `eventStream.logRetentionDays`, raised to 30 where it is lower (Log Analytics keeps 30 at least).
   * @defaultValue 90
   */
  retentionDays?: number;
  /** The workspace's name (4-63 letters, digits and hyphens). @defaultValue - auto-named */
  workspaceName?: string;
}

export interface AzureMonitoringArgs extends AzureMonitoredResources<pulumi.Input<string>> {
  /** The resource group of the workspace, action group, alerts and dashboard. */
  resourceGroupName: pulumi.Input<string>;
  /** The location of the workspace and dashboard. @defaultValue - the resource group's location */
  location?: pulumi.Input<string>;
  /**
   * Where the diagnostic logs go: a Log Analytics workspace to create (`{ args }`, pay-as-you-go
   * `PerGB2018`, local authentication off, access by resource permissions), or one brought
   * (`{ existing: { workspaceId } }`, its ARM id).
   * @defaultValue `{ args: {} }`
   */
  workspace?: { args: AzureWorkspaceArgs } | { existing: { workspaceId: pulumi.Input<string> } };
  /**
   * Alert thresholds, field by field.
   * @defaultValue - {@link DEFAULT_AZURE_THRESHOLDS}
   */
  thresholds?: Partial<AzureMonitoringThresholds>;
  /** Email addresses the action group notifies (common alert schema). @defaultValue [] */
  alertEmails?: string[];
  /** The action group's short name, shown in emails and SMS (1 to 12 characters). @defaultValue "seawall" */
  actionGroupShortName?: string;
  /** The dashboard's title in the portal. @defaultValue - `Seawall: <name>` */
  dashboardTitle?: string;
  /** Tags on every resource. @defaultValue {} */
  tags?: Record<string, string>;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const WORKSPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/;
const ID_PATTERNS: [field: string, path: (a: AzureMonitoringArgs) => unknown, type: string][] = [
  [
    "objectStore.storageAccountId",
    (a) => a.objectStore?.storageAccountId,
    "Microsoft.Storage/storageAccounts",
  ],
  ["eventStream.namespaceId", (a) => a.eventStream?.namespaceId, "Microsoft.EventHub/namespaces"],
  ["featureStore.clusterId", (a) => a.featureStore?.clusterId, "Microsoft.Cache/redisEnterprise"],
  [
    "featureStore.databaseId",
    (a) => a.featureStore?.databaseId,
    "Microsoft.Cache/redisEnterprise/[^/]+/databases",
  ],
  ["keyVault.vaultId", (a) => a.keyVault?.vaultId, "Microsoft.KeyVault/vaults"],
  ["backups.vaultId", (a) => a.backups?.vaultId, "Microsoft.DataProtection/backupVaults"],
];
const THRESHOLD_RANGES: Record<keyof AzureMonitoringThresholds, [number, number]> = {
  storageAvailabilityPercent: [1, 100],
  storageLatencyMs: [1, 600_000],
  eventHubsThrottledRequests: [0, 1_000_000_000],
  eventHubsServerErrors: [0, 1_000_000_000],
  cacheCpuPercent: [1, 100],
  cacheMemoryPercent: [1, 100],
  cacheServerLoadPercent: [1, 100],
};

/** Checks an {@link AzureMonitoringArgs} and throws one error listing every problem. */
export function validateAzureMonitoringArgs(args: AzureMonitoringArgs): void {
  const p = new Problems();
  const form = helperChoice(p, "workspace", args.workspace, ["existing", "args"]);
  if (form === "args") {
    const w = (args.workspace as { args: AzureWorkspaceArgs }).args;
    p.wholeNumber(
      "SEAWALL_AZURE_MONITORING_RETENTION",
      "workspace.args.retentionDays",
      w.retentionDays,
      30,
      730,
      "Log Analytics keeps logs queryable 30 to 730 days",
    );
    if (w.workspaceName !== undefined && !WORKSPACE_NAME.test(w.workspaceName)) {
      p.add(
        "SEAWALL_AZURE_MONITORING_WORKSPACE_NAME",
        "workspace.args.workspaceName",
        w.workspaceName,
        "must be 4-63 letters, digits and hyphens, starting and ending with a letter or digit",
      );
    }
  }
  for (const [field, value] of Object.entries(args.thresholds ?? {})) {
    if (field === "consumerLagMessages") {
      p.add(
        "SEAWALL_AZURE_MONITORING_UNSUPPORTED",
        "thresholds.consumerLagMessages",
        value,
        "Event Hubs publishes no consumer-group lag metric to Azure Monitor: alert on the workers' own lag metric (/metrics), which KEDA scales on",
      );
      continue;
    }
    const range = THRESHOLD_RANGES[field as keyof AzureMonitoringThresholds];
    if (!range) {
      p.add(
        "SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE",
        `thresholds.${field}`,
        value,
        `is not a threshold; use one of ${Object.keys(THRESHOLD_RANGES).join(", ")}`,
      );
    } else if (typeof value !== "number" || !Number.isFinite(value) || value < range[0] || value > range[1]) {
      p.add(
        "SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE",
        `thresholds.${field}`,
        value,
        `must be a number from ${range[0]} to ${range[1]}`,
      );
    }
  }
  (args.alertEmails ?? []).forEach((email, i) => {
    if (typeof email !== "string" || !EMAIL.test(email)) {
      p.add(
        "SEAWALL_AZURE_MONITORING_ALERT_EMAIL",
        `alertEmails[${i}]`,
        email,
        "must be an email address such as oncall@example.com",
      );
    }
  });
  const short = args.actionGroupShortName;
  if (short !== undefined && (typeof short !== "string" || short.trim() === "" || short.length > 12)) {
    p.add(
      "SEAWALL_AZURE_MONITORING_SHORT_NAME",
      "actionGroupShortName",
      short,
      "must be 1 to 12 characters (Azure Monitor's limit for an action group's short name)",
    );
  }
  for (const [field, get, type] of ID_PATTERNS) {
    const value = get(args);
    if (value === undefined || !isKnown(value)) continue;
    const pattern = new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${type}/[^/]+$`, "i");
    if (typeof value !== "string" || !pattern.test(value)) {
      p.add(
        "SEAWALL_AZURE_MONITORING_RESOURCE_ID",
        field,
        value,
        `must be the ARM id of a ${type.replace("/[^/]+/", "/<cluster>/")} resource, /subscriptions/<s>/resourceGroups/<g>/providers/${type.replace("/[^/]+/", "/<cluster>/")}/<name>`,
      );
    }
  }
  p.throwIfAny("seawall:azure:Monitoring: invalid arguments");
}

/**
 * Monitoring for an Azure data platform: a Log Analytics workspace (or a brought one) that every
 * watched resource sends its diagnostic logs to (`categoryGroup: "allLogs"`: the lake's blob
 * service, the Event Hubs namespace, the Managed Redis database, the Key Vault, the backup vault);
 * an action group mailing the on-call addresses; metric alerts on storage availability and
 * latency, Event Hubs throttling and server errors, Managed Redis CPU, memory and server load, and
 * unhealthy backup jobs; and a portal dashboard charting every alert's metric.
 *
 * Every metric namespace and name comes from the table in `monitoringMetrics.ts`, which names the
 * Azure Monitor reference page that defines it. Event Hubs consumer lag is not an Azure Monitor
 * metric and is not alerted on here (see {@link AzureMonitoringThresholds}).
 */
export class AzureMonitoring extends pulumi.ComponentResource {
  readonly workspace?: azure.operationalinsights.Workspace;
  /** The Log Analytics workspace's ARM id. */
  readonly workspaceId: pulumi.Output<string>;
  readonly diagnosticSettings: azure.monitor.DiagnosticSetting[];
  readonly actionGroup: azure.monitor.ActionGroup;
  readonly alerts: azure.monitor.MetricAlert[];
  readonly dashboard: azure.portal.Dashboard;
  /** The dashboard in the Azure portal. */
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: AzureMonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:azure:Monitoring", name, {}, opts);
    validateAzureMonitoringArgs(args);
    const tags = { ...args.tags, "seawall-component": "monitoring" };
    const thresholds = { ...DEFAULT_AZURE_THRESHOLDS, ...args.thresholds };
    const location = args.location !== undefined ? { location: args.location } : {};
    const child = { parent: this };

    const workspace = args.workspace ?? { args: {} };
    if ("existing" in workspace) {
      this.workspaceId = pulumi.output(workspace.existing.workspaceId);
    } else {
      const w = workspace.args;
      this.workspace = new azure.operationalinsights.Workspace(
        `${name}-logs`,
        {
          resourceGroupName: args.resourceGroupName,
          ...location,
          ...(w.workspaceName !== undefined ? { workspaceName: w.workspaceName } : {}),
          sku: { name: "PerGB2018" },
          retentionInDays: w.retentionDays ?? 90,
          features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
          tags,
        },
        child,
      );
      this.workspaceId = this.workspace.id;
    }

    this.diagnosticSettings = azureDiagnosticSpecs<pulumi.Input<string>>(args).map(
      (spec) =>
        new azure.monitor.DiagnosticSetting(
          `${name}-${spec.key}-diagnostics`,
          {
            name: `seawall-${name}`,
            resourceUri:
              typeof spec.resource === "object" && "under" in spec.resource
                ? pulumi.interpolate`${spec.resource.under}${spec.resource.path}`
                : spec.resource,
            workspaceId: this.workspaceId,
            logs: diagnosticLogs(spec.source),
          },
          child,
        ),
    );

    this.actionGroup = new azure.monitor.ActionGroup(
      `${name}-alerts`,
      {
        resourceGroupName: args.resourceGroupName,
        location: "global",
        groupShortName: args.actionGroupShortName ?? "seawall",
        enabled: true,
        emailReceivers: (args.alertEmails ?? []).map((emailAddress, i) => ({
          name: `email-${i + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
        tags,
      },
      child,
    );

    this.alerts = azureAlertSpecs<pulumi.Input<string>>(args, thresholds).map(
      (spec) =>
        new azure.monitor.MetricAlert(
          `${name}-${spec.key}`,
          {
            resourceGroupName: args.resourceGroupName,
            location: "global",
            description: spec.description,
            severity: spec.severity,
            enabled: true,
            scopes: [spec.scope],
            evaluationFrequency: spec.evaluationFrequency,
            windowSize: spec.windowSize,
            criteria: metricAlertCriteria(spec),
            autoMitigate: true,
            actions: [{ actionGroupId: this.actionGroup.id }],
            tags,
          },
          child,
        ),
    );

    const watched = pulumi.output({
      objectStore: args.objectStore,
      eventStream: args.eventStream,
      featureStore: args.featureStore,
      keyVault: args.keyVault,
      backups: args.backups,
    }) as pulumi.Output<AzureMonitoredResources<string>>;
    this.dashboard = new azure.portal.Dashboard(
      `${name}-dashboard`,
      {
        resourceGroupName: args.resourceGroupName,
        ...location,
        properties: {
          lenses: [
            {
              order: 0,
              parts: watched.apply((r) => renderAzureDashboardParts(azureAlertSpecs(r, thresholds))),
            },
          ],
        },
        tags: { ...tags, "hidden-title": args.dashboardTitle ?? `Seawall: ${name}` },
      },
      child,
    );
    this.dashboardUrl = pulumi.interpolate`https://portal.azure.com/#@/dashboard/arm${this.dashboard.id}`;

    this.registerOutputs({ workspaceId: this.workspaceId, dashboardUrl: this.dashboardUrl });
  }
}
