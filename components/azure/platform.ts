import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";
import { AzureBackups } from "./backups";
import { EventStream } from "./eventStream";
import { roleDefinitionId } from "./eventStreamConfig";
import { FeatureStore } from "./featureStore";
import { AzureMonitoring } from "./monitoring";
import { Network } from "./network";
import { ObjectStore } from "./objectStore";
import { backupsArgs, monitoringArgs, validateOperationsArgs } from "./platformOperations";
import {
  AzurePlacement,
  eventStreamArgs,
  featureStoreArgs,
  networkArgs,
  objectStoreArgs,
  validateServiceArgs,
} from "./platformServices";
import { azureSettingProblems, platformTags } from "./platformSettings";

/**
 * The Kubernetes layer, loaded only when the platform runs one: `@pulumi/kubernetes` is an optional
 * peer dependency, and a program without the \`kubernetes\` setting must load this module without it.
 */
function kubernetesLayer(): typeof import("./platformKubernetes") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./platformKubernetes") as typeof import("./platformKubernetes");
}

export { platformTags } from "./platformSettings";

/**
 * The built-in role "Storage Blob Data Contributor": read, write and delete blobs, what the
 * workers need of the lake's container (shared keys are off on the account, so Entra ID roles are
 * the only way in).
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/storage#storage-blob-data-contributor
 */
export const STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/**
 * Every problem with the platform's arguments on Azure, before anything is registered: settings
 * Azure has no equivalent for, tags Azure would reject, and each component's own validation,
 * named as the platform's fields.
 */
export function validateAzurePlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return [
    ...azureSettingProblems(args),
    ...validateServiceArgs(args, profile),
    ...validateOperationsArgs(args, profile),
    ...(args.kubernetes ? kubernetesLayer().validateAzureKubernetesArgs(args, profile) : []),
  ];
}

/**
 * Builds the Azure platform's components as children of `parent`: the network (a resource group,
 * a virtual network, private DNS zones), the workloads' user-assigned identity (the one identity
 * Entra ID grants the lake's container, the event hubs and the Redis database), the lake, the
 * event stream, the feature store, the backups of the lake and monitoring of them all.
 */
export function buildAzurePlatform(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
): PlatformOutputs {
  const tags = platformTags(args, profile);
  const network = new Network(`${name}-network`, networkArgs(args, tags), { parent });
  const resourceGroupName = network.resourceGroupName;
  const workers = new azure.managedidentity.UserAssignedIdentity(
    `${name}-workers`,
    { resourceGroupName, location: args.region, tags },
    { parent },
  );
  const placement: AzurePlacement = {
    resourceGroupName,
    privateEndpointSubnetId: network.privateEndpointsSubnetId,
    privateDnsZoneIds: network.privateDnsZoneIds,
    workloadPrincipalId: workers.principalId,
  };
  const store = new ObjectStore(`${name}-lake`, objectStoreArgs(args, profile, placement, tags), { parent });
  // The workers read and write the lake's container; nothing else of the account.
  const container = pulumi.interpolate`${store.accountId}/blobServices/default/containers/${store.containerName}`;
  new azure.authorization.RoleAssignment(
    `${name}-lake-workers`,
    {
      scope: container,
      roleDefinitionId: store.accountId.apply((id) =>
        roleDefinitionId(id, STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE),
      ),
      principalId: workers.principalId,
      principalType: "ServicePrincipal",
    },
    { parent },
  );
  const events = new EventStream(`${name}-events`, eventStreamArgs(args, profile, placement, tags), {
    parent,
  });
  const features = new FeatureStore(`${name}-features`, featureStoreArgs(args, profile, placement, tags), {
    parent,
  });
  const backups = new AzureBackups(
    `${name}-backups`,
    backupsArgs(
      profile,
      resourceGroupName,
      args.region,
      { storageAccountId: store.accountId, container: args.objectStore?.bucketName ?? "lake" },
      tags,
    ),
    { parent },
  );
  const monitoring = new AzureMonitoring(
    `${name}-monitoring`,
    monitoringArgs(
      args,
      profile,
      resourceGroupName,
      {
        objectStore: { storageAccountId: store.accountId },
        eventStream: { namespaceId: events.namespaceId },
        featureStore: { clusterId: features.clusterId, databaseId: features.database.id },
        backups: { vaultId: backups.vaultId },
      },
      tags,
    ),
    { parent },
  );
  const azureNetwork = pulumi
    .all([network.virtualNetworkId, network.workloadsSubnetId, network.privateEndpointsSubnetId])
    .apply(([vnetId, workloads, endpoints]) => ({ vnetId, subnetIds: [workloads, endpoints] }));
  const workloadIdentity = pulumi
    .all([workers.id, workers.clientId, workers.principalId])
    .apply(([id, clientId, principalId]) => ({ id, clientId, principalId }));
  const kubernetes = !args.kubernetes
    ? undefined
    : kubernetesLayer().buildAzureKubernetes(
        parent,
        name,
        args,
        profile,
        tags,
        {
          resourceGroupName,
          network: azureNetwork,
          workloadIdentity,
          lake: {
            accountId: store.accountId,
            accountName: store.accountName,
            containerName: store.containerName,
          },
        },
        {
          kafka: events.connection,
          redis: features.connection,
          lake: store.location,
          topics: args.eventStream?.topics ?? [],
        },
      );
  const prefix = args.objectStore?.prefix ?? "";
  return {
    objectStore: store.location,
    bucketUri: store.location.apply((l) => `abfss://${l.bucket}/${prefix}`),
    ...(store.replicaAccountId
      ? { replicaBucketUri: store.location.apply((l) => `abfss://${l.replica?.bucket}/${prefix}`) }
      : {}),
    kafka: events.connection,
    redis: features.connection,
    resourceGroupName,
    azureNetwork,
    workloadIdentity,
    ...(kubernetes ? { kubernetes } : {}),
    actionGroupId: monitoring.actionGroup.id,
    dashboardUrl: monitoring.dashboardUrl,
    // The components keep their Key Vault keys to themselves (each in its own vault).
    kmsKeys: {},
  };
}
