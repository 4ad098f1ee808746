import * as pulumi from "@pulumi/pulumi";
import { parseCidr, subnetCidrs } from "../cidr";
import { DataPlatformArgs, EvictionPolicy as PlatformEvictionPolicy } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { EventStreamArgs, validateEventStreamArgs } from "./eventStream";
import { FeatureStoreArgs, validateFeatureStoreArgs } from "./featureStore";
import { EvictionPolicy } from "./featureStoreConfig";
import { AzureNetworkArgs, validateAzureNetworkArgs } from "./network";
import { AzureObjectStoreArgs, validateAzureObjectStoreArgs } from "./objectStore";

/**
 * How the Azure platform derives the arguments of its Network, ObjectStore, EventStream and
 * FeatureStore from the
 * profile and the platform team's settings. Pure: the resource group, the network's ids and the
 * workloads' identity are passed in, so the same functions serve validation (with placeholders)
 * and the build.
 */

/** Where the services are placed and who may use them. */
export interface AzurePlacement {
  /** The resource group of every resource of the platform. */
  resourceGroupName: pulumi.Input<string>;
  /** The subnet the services' private endpoints take their addresses from. */
  privateEndpointSubnetId: pulumi.Input<string>;
  /** The private DNS zones (linked to the virtual network) the endpoints register in. */
  privateDnsZoneIds: {
    blob?: pulumi.Input<string>;
    dfs?: pulumi.Input<string>;
    eventHubs?: pulumi.Input<string>;
    redis?: pulumi.Input<string>;
  };
  /** The principal (object) id of the workloads' user-assigned identity: granted the services. */
  workloadPrincipalId: pulumi.Input<string>;
}

/** The platform's eviction policies (Redis's `maxmemory-policy` names) as Azure Managed Redis names them. */
export const AZURE_EVICTION_POLICY: Record<PlatformEvictionPolicy, EvictionPolicy> = {
  "volatile-lru": "VolatileLRU",
  "allkeys-lru": "AllKeysLRU",
  "volatile-lfu": "VolatileLFU",
  "allkeys-lfu": "AllKeysLFU",
  "volatile-random": "VolatileRandom",
  "allkeys-random": "AllKeysRandom",
  "volatile-ttl": "VolatileTTL",
  noeviction: "NoEviction",
};

/** Whether the platform keeps a copy in the replica region (the profile's replication, with a replica region). */
export function replicates(args: DataPlatformArgs, profile: Profile): boolean {
  return (
    (args.objectStore?.replication ?? profile.objectStore.replication) && args.replicaRegion !== undefined
  );
}

/**
 * Days the lake's account can be restored to any point in time: the backups' operational
 * retention (the profile's daily retention, at most 360), which takes over the account's
 * point-in-time restore, so both say the same.
 */
export function pointInTimeRestoreDays(profile: Profile): number {
  return Math.min(profile.backup.dailyRetentionDays, 360);
}

/**
 * The created virtual network's ranges from the team's `network.cidrBlock`: the address space, a
 * /20 for workloads at its start and the /24 after it for private endpoints (as the Network's own
 * 10.20.0.0/16 defaults); a block smaller than /20 is halved between them. A block that is not a
 * network, or too small to halve (/28 or smaller), is passed on alone for the Network to report.
 */
export function vnetRanges(block: string): {
  addressSpace: string;
  workloadsCidr?: string;
  privateEndpointsCidr?: string;
} {
  const cidr = parseCidr(block);
  if (!cidr || cidr.prefixLength > 27) return { addressSpace: block };
  if (cidr.prefixLength <= 20)
    return {
      addressSpace: block,
      workloadsCidr: subnetCidrs(block, 1, 20)[0],
      privateEndpointsCidr: subnetCidrs(block, 17, 24)[16],
    };
  const [workloadsCidr, privateEndpointsCidr] = subnetCidrs(block, 2, cidr.prefixLength + 1);
  return { addressSpace: block, workloadsCidr, privateEndpointsCidr };
}

/**
 * The network's arguments: a resource group, a virtual network with a workloads and a private
 * endpoints subnet (or the team's own: its first subnet for workloads, its second for private
 * endpoints), the private DNS zones linked to it. VNet flow logs stay off: Azure writes them only
 * to a storage account, and the platform's one account is the lake.
 */
export function networkArgs(args: DataPlatformArgs, tags: Record<string, string>): AzureNetworkArgs {
  const s = args.network ?? {};
  return {
    location: args.region,
    resourceGroup: { args: {} },
    network: s.existing
      ? {
          existing: {
            virtualNetworkId: s.existing.vpcId,
            workloadsSubnetId: s.existing.subnetIds[0],
            privateEndpointsSubnetId: s.existing.subnetIds[1],
          },
        }
      : { args: s.cidrBlock ? vnetRanges(s.cidrBlock) : {} },
    privateDnsZones: { args: {} },
    flowLogs: { skip: true },
    tags,
  };
}

/**
 * The lake's arguments: read-access geo-zone-redundant with object replication to the replica
 * region where the platform replicates (zone-redundant otherwise), the profile's tiering (its
 * archive step is Azure's Cold tier, as zone-redundant accounts have no Archive tier), point-in-time
 * restore as long as the backups' operational retention, WORM for the team's object lock.
 */
export function objectStoreArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: AzurePlacement,
  tags: Record<string, string>,
): AzureObjectStoreArgs {
  const s = args.objectStore ?? {};
  const replica = replicates(args, profile);
  const lifecycle = { ...profile.objectStore.lifecycle, ...s.lifecycle };
  const restoreDays = pointInTimeRestoreDays(profile);
  return {
    resourceGroupName: placement.resourceGroupName,
    location: args.region,
    ...(s.bucketName ? { containerName: s.bucketName } : {}),
    prefix: s.prefix,
    sku: replica ? "Standard_RAGZRS" : "Standard_ZRS",
    privateEndpoints: {
      subnetId: placement.privateEndpointSubnetId,
      privateDnsZoneIds: { blob: placement.privateDnsZoneIds.blob, dfs: placement.privateDnsZoneIds.dfs },
    },
    replication: replica ? { args: { location: args.replicaRegion! } } : { skip: true },
    lifecycle: {
      infrequentAccessAfterDays: lifecycle.infrequentAccessAfterDays,
      coldAfterDays: lifecycle.archiveAfterDays,
      expireNoncurrentAfterDays: lifecycle.expireNoncurrentAfterDays,
      // Passed on only when the team sets it, for the object store to refuse.
      ...(s.lifecycle?.abortIncompleteMultipartAfterDays !== undefined
        ? { abortIncompleteMultipartAfterDays: s.lifecycle.abortIncompleteMultipartAfterDays }
        : {}),
    },
    pointInTimeRestoreDays: restoreDays,
    softDeleteDays: Math.max(30, restoreDays + 1),
    ...(s.objectLock
      ? { immutability: { days: s.objectLock.days, locked: s.objectLock.mode === "COMPLIANCE" } }
      : {}),
    protect: profile.deletionProtection,
    tags,
  };
}

/**
 * The event stream's arguments: the profile's tier and capacity, the team's topics, the pipeline's
 * consumer groups (the component's default), the workloads' identity granted send and receive, a
 * private endpoint, and geo-disaster recovery to the replica region where the platform replicates.
 */
export function eventStreamArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: AzurePlacement,
  tags: Record<string, string>,
): EventStreamArgs {
  const size = profile.sizes.azure.eventStream;
  return {
    resourceGroupName: placement.resourceGroupName,
    location: args.region,
    tier: size.tier,
    capacity: size.capacity,
    maxThroughputUnits: size.maxThroughputUnits,
    topics: args.eventStream?.topics,
    clientPrincipalIds: [placement.workloadPrincipalId],
    privateEndpoint: {
      subnetId: placement.privateEndpointSubnetId,
      privateDnsZoneId: placement.privateDnsZoneIds.eventHubs,
    },
    ...(replicates(args, profile) ? { geoDisasterRecovery: { location: args.replicaRegion! } } : {}),
    protect: profile.deletionProtection,
    tags,
  };
}

/**
 * The feature store's arguments: the profile's SKU, high availability where the profile keeps
 * replicas, AOF persistence, the team's eviction policy, the workloads' identity given access, a
 * private endpoint.
 */
export function featureStoreArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: AzurePlacement,
  tags: Record<string, string>,
): FeatureStoreArgs {
  const policy = args.featureStore?.maxmemoryPolicy;
  return {
    resourceGroupName: placement.resourceGroupName,
    location: args.region,
    sku: profile.sizes.azure.featureStore.sku,
    highAvailability: profile.featureStore.replicasPerShard > 0,
    ...(policy ? { evictionPolicy: AZURE_EVICTION_POLICY[policy] ?? (policy as never) } : {}),
    persistence: { mode: "AOF", frequency: "1s" },
    clientPrincipalIds: [placement.workloadPrincipalId],
    privateEndpoint: {
      subnetId: placement.privateEndpointSubnetId,
      privateDnsZoneId: placement.privateDnsZoneIds.redis,
    },
    protect: profile.deletionProtection,
    tags,
  };
}

/** The placeholders validation runs with: ids that exist only after deployment. */
export const PLACEHOLDER_PLACEMENT: AzurePlacement = {
  resourceGroupName: "placeholder",
  privateEndpointSubnetId:
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/placeholder/providers/Microsoft.Network/virtualNetworks/placeholder/subnets/placeholder",
  privateDnsZoneIds: {},
  workloadPrincipalId: "00000000-0000-0000-0000-000000000000",
};

/**
 * Every problem with the network, lake, event stream and feature store the platform would build, named as the
 * platform's fields (`eventStream.topics[0].name`). Ids unknown before deployment are placeholders.
 */
export function validateServiceArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const problems: Problem[] = [];
  if (profile.featureStore.shards !== 1)
    problems.push({
      code: "SEAWALL_PLATFORM_AZURE_UNSUPPORTED",
      field: "profile.featureStore.shards",
      value: profile.featureStore.shards,
      fix: "Azure Managed Redis shards by its SKU, not by a shard count: set it to 1 and scale with sizes.azure.featureStore.sku",
    });
  if (args.featureStore?.engineVersion !== undefined)
    problems.push({
      code: "SEAWALL_PLATFORM_AZURE_UNSUPPORTED",
      field: "featureStore.engineVersion",
      value: args.featureStore.engineVersion,
      fix: "Azure Managed Redis chooses and upgrades the Redis version itself: remove it",
    });
  return [
    ...problems,
    ...problemsUnder("network", () => validateAzureNetworkArgs(networkArgs(args, {}), args.region)),
    ...problemsUnder("objectStore", () =>
      validateAzureObjectStoreArgs(objectStoreArgs(args, profile, PLACEHOLDER_PLACEMENT, {}), args.region),
    ),
    ...problemsUnder("eventStream", () =>
      validateEventStreamArgs(eventStreamArgs(args, profile, PLACEHOLDER_PLACEMENT, {}), args.region),
    ),
    ...problemsUnder("featureStore", () =>
      validateFeatureStoreArgs(featureStoreArgs(args, profile, PLACEHOLDER_PLACEMENT, {}), args.region),
    ),
  ];
}
