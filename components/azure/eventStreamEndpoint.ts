import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems } from "../validation";
import { SUBNET_ID } from "./eventStreamConfig";

/**
 * A private endpoint for a service whose public network access is disabled, shared by the Event
 * Hubs and Azure Managed Redis components (the Network component makes the subnets and the
 * private DNS zones; this takes their ids, so the stores do not depend on its code).
 */
export interface AzurePrivateEndpointArgs {
  /** The subnet the endpoint's private IP is taken from (the Network's private endpoint subnet id). */
  subnetId: pulumi.Input<string>;
  /**
   * The private DNS zone the endpoint registers its address in (`privatelink.servicebus.windows.net`
   * for Event Hubs, `privatelink.redis.azure.net` for Azure Managed Redis), linked to the clients'
   * virtual networks. Unset: no DNS zone group; clients then need another way to resolve the name.
   * @defaultValue - none
   */
  privateDnsZoneId?: pulumi.Input<string>;
}

/** Adds a problem when `value` is not a private endpoint's arguments with a subnet id. */
export function checkPrivateEndpoint(
  p: Problems,
  code: "SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT" | "SEAWALL_AZURE_FEATURESTORE_PRIVATE_ENDPOINT",
  field: string,
  value: AzurePrivateEndpointArgs | undefined,
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

/**
 * Creates `<name>-pe` (a private endpoint to `serviceId`'s `groupId` sub-resource) and, with a DNS
 * zone, `<name>-pe-dns` (its DNS zone group).
 */
export function privateEndpoint(
  parent: pulumi.Resource,
  name: string,
  args: AzurePrivateEndpointArgs,
  settings: {
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    serviceId: pulumi.Input<string>;
    groupId: string;
    tags?: Record<string, string>;
  },
): azure.network.PrivateEndpoint {
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
  if (args.privateDnsZoneId !== undefined) {
    new azure.network.PrivateDnsZoneGroup(
      `${name}-pe-dns`,
      {
        resourceGroupName: settings.resourceGroupName,
        privateEndpointName: endpoint.name,
        privateDnsZoneGroupName: "default",
        privateDnsZoneConfigs: [{ name: settings.groupId, privateDnsZoneId: args.privateDnsZoneId }],
      },
      { parent },
    );
  }
  return endpoint;
}
