import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, ProblemCode, Problems } from "../validation";

/**
 * Private endpoints and the private DNS zones they register in: what every Azure data service
 * with public network access disabled (Storage, Event Hubs, Azure Managed Redis) needs so clients
 * in the virtual network reach it by its usual name. The Network component makes the subnet and
 * the zones; {@link privateEndpoint} takes their ids, so the stores do not depend on its code.
 */

/**
 * The private DNS zone of each private link sub-resource Seawall uses (Azure public cloud):
 * https://learn.microsoft.com/azure/private-link/private-endpoint-dns
 */
export const PRIVATE_DNS_ZONES = {
  /** Blob storage, group id `blob`. */
  blob: "privatelink.blob.core.windows.net",
  /** Data Lake Storage (the `abfss` endpoint, `<account>.dfs.core.windows.net`), group id `dfs`. */
  dfs: "privatelink.dfs.core.windows.net",
  /** Event Hubs (and Service Bus) namespaces, group id `namespace`. */
  eventHubs: "privatelink.servicebus.windows.net",
  /** Azure Managed Redis, group id `redisEnterprise`. */
  redis: "privatelink.redis.azure.net",
} as const;

/** The services whose private DNS zones the Network component makes. */
export type PrivateDnsService = keyof typeof PRIVATE_DNS_ZONES;

/** The private link sub-resource (group id) of each service. */
export const PRIVATE_LINK_GROUP_IDS: Record<PrivateDnsService, string> = {
  blob: "blob",
  dfs: "dfs",
  eventHubs: "namespace",
  redis: "redisEnterprise",
};

/** A subnet's ARM id. */
export const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/**
 * Adds a problem (with the component's `code`) when `value` is not a private endpoint's arguments
 * with a subnet id: a store with public network access disabled is reachable only through one.
 */
export function checkPrivateEndpoint(
  p: Problems,
  code: ProblemCode,
  field: string,
  value: { subnetId?: pulumi.Input<string> } | undefined,
): void {
  const subnet = value?.subnetId;
  if (subnet === undefined || (isKnown(subnet) && (typeof subnet !== "string" || !SUBNET_ID.test(subnet)))) {
    p.add(
      code,
      `${field}.subnetId`,
      subnet,
      "public network access is disabled, so clients connect through a private endpoint: give its subnet as /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>",
    );
  }
}

/** Where a private endpoint goes. */
export interface AzurePrivateEndpointArgs {
  /** The subnet the endpoint's private IP is taken from (the Network's `privateEndpointsSubnetId`). */
  subnetId: pulumi.Input<string>;
  /**
   * The private DNS zone the endpoint registers its address in (the Network's
   * `privateDnsZoneIds[service]`), linked to the clients' virtual networks.
   * @defaultValue - none: no DNS zone group; clients then need another way to resolve the name
   */
  privateDnsZoneId?: pulumi.Input<string>;
}

/**
 * Creates `<name>-pe` (a private endpoint to `serviceId`'s `groupId` sub-resource, in
 * `args.subnetId`) and, with a DNS zone, `<name>-pe-dns` (its DNS zone group, which writes the
 * endpoint's A record into the zone). Children of `parent`.
 */
export function privateEndpoint(
  parent: pulumi.Resource,
  name: string,
  args: AzurePrivateEndpointArgs,
  settings: {
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    /** The resource id of the service (a storage account, a namespace, a Redis cluster). */
    serviceId: pulumi.Input<string>;
    /** Its private link sub-resource: `blob`, `dfs`, `namespace`, `redisEnterprise`. */
    groupId: string;
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  },
): { endpoint: azure.network.PrivateEndpoint; dnsZoneGroup?: azure.network.PrivateDnsZoneGroup } {
  const endpoint = new azure.network.PrivateEndpoint(
    `${name}-pe`,
    {
      resourceGroupName: settings.resourceGroupName,
      location: settings.location,
      subnet: { id: args.subnetId },
      privateLinkServiceConnections: [
        { name: `${name}-pe`, privateLinkServiceId: settings.serviceId, groupIds: [settings.groupId] },
      ],
      tags: settings.tags,
    },
    { parent },
  );
  if (args.privateDnsZoneId === undefined) return { endpoint };
  const dnsZoneGroup = new azure.network.PrivateDnsZoneGroup(
    `${name}-pe-dns`,
    {
      resourceGroupName: settings.resourceGroupName,
      privateEndpointName: endpoint.name,
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: settings.groupId, privateDnsZoneId: args.privateDnsZoneId }],
    },
    { parent },
  );
  return { endpoint, dnsZoneGroup };
}
