/**
 * How the Azure platform maps a profile onto its operational components, Backups and Monitoring,
 * and what it tells Monitoring to watch. Pure, so each mapping is tested on its own and
 * `buildAzurePlatform` stays a list of components.
 */
import * as pulumi from "@pulumi/pulumi";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { azureBackupsProfileArgs, AzureBackupsArgs, validateAzureBackupsArgs } from "./backups";
import { AzureMonitoringArgs, validateAzureMonitoringArgs } from "./monitoring";
import { AzureMonitoredResources, azureProfileThresholds } from "./monitoringAlerts";

/**
 * The backups' arguments: a Data Protection vault as the profile sets it (geo-redundant with
 * cross-region restore and immutability where it copies and locks), operational backup of the
 * lake's storage account (restorable to any point within the profile's daily retention), and a
 * daily vaulted copy of the lake's container kept for the profile's weekly retention.
 */
export function backupsArgs(
  profile: Profile,
  resourceGroupName: pulumi.Input<string>,
  region: string,
  lake: { storageAccountId: pulumi.Input<string>; container: string } | undefined,
  tags: Record<string, string>,
): AzureBackupsArgs {
  const { vaultedRetentionDays, ...vault } = azureBackupsProfileArgs(profile);
  return {
    resourceGroupName,
    location: region,
    ...vault,
    ...(lake
      ? {
          storageAccount: { id: lake.storageAccountId, location: region },
          vaulted: { containers: [lake.container], retentionDays: vaultedRetentionDays },
        }
      : {}),
    tags,
  };
}

/** The monitoring's arguments: the profile's thresholds, the team's emails and the watched resources. */
export function monitoringArgs(
  args: DataPlatformArgs,
  profile: Profile,
  resourceGroupName: pulumi.Input<string>,
  watched: AzureMonitoredResources<pulumi.Input<string>>,
  tags: Record<string, string>,
): AzureMonitoringArgs {
  return {
    resourceGroupName,
    location: args.region,
    ...watched,
    // Log Analytics keeps logs 30 days at least.
    workspace: { args: { retentionDays: Math.max(30, profile.eventStream.logRetentionDays) } },
    thresholds: azureProfileThresholds(profile.monitoring),
    alertEmails: args.monitoring?.alertEmails,
    tags,
  };
}

/** A placeholder ARM id of `type`, for validation before deployment. */
const placeholderId = (type: string) =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/placeholder/providers/${type}/placeholder`;

/**
 * Every problem with the backups and monitoring the platform would build, named under `backups.`
 * and `monitoring.` (a profile threshold out of range appears as `monitoring.thresholds.*`).
 */
export function validateOperationsArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const lake = {
    storageAccountId: placeholderId("Microsoft.Storage/storageAccounts").replace(
      /placeholder$/,
      "placeholder0",
    ),
    container: "lake",
  };
  return [
    ...problemsUnder("backups", () =>
      validateAzureBackupsArgs(backupsArgs(profile, "placeholder", args.region, lake, {})),
    ),
    ...problemsUnder("monitoring", () =>
      validateAzureMonitoringArgs(monitoringArgs(args, profile, "placeholder", {}, {})),
    ),
  ];
}
