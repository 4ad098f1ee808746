import * as azure from "@pulumi/azure-native";
import * as pulumi from "@pulumi/pulumi";
import { checkPrivateCidr, overlaps } from "../cidr";
import { helperChoice, isKnown, Problems } from "../validation";
import { PRIVATE_DNS_ZONES, PrivateDnsService, SUBNET_ID } from "./privateEndpoint";

export { privateEndpoint, PRIVATE_DNS_ZONES, PRIVATE_LINK_GROUP_IDS } from "./privateEndpoint";
export type { AzurePrivateEndpointArgs, PrivateDnsService } from "./privateEndpoint";

/** A virtual network and subnets the platform team already has. */
export interface AzureExistingNetwork {
  /** The virtual network's resource id (the private DNS zones are linked to it). */
  virtualNetworkId: pulumi.Input<string>;
  /** The subnet of the workloads (AKS nodes, the stage workers). */
  workloadsSubnetId: pulumi.Input<string>;
  /** The subnet the private endpoints take their addresses from. */
  privateEndpointsSubnetId: pulumi.Input<string>;
}

/** The virtual network the component creates. */
export interface AzureVnetArgs {
  /**
   * The virtual network's address space, an RFC 1918 network from /8 to /24.
   * @defaultValue "10.20.0.0/16"
   */
  addressSpace?: string;
  /**
   * The workloads subnet, inside the address space (AKS with Azure CNI overlay needs a /24 or more).
   * @defaultValue "10.20.0.0/20"
   */
  workloadsCidr?: string;
  /**
   * The private endpoints subnet, inside the address space.
   * @defaultValue "10.20.16.0/24"
   */
  privateEndpointsCidr?: string;
  /**
   * Ports of the services the workloads may reach on the private endpoints: Blob and Data Lake
   * (443), Event Hubs' Kafka endpoint (9093), Azure Managed Redis (10000, and 8500-8599 for its
   * OSS cluster policy). Everything else into the private endpoints subnet is denied.
   * @defaultValue ["443", "9093", "10000", "8500-8599"]
   */
  servicePorts?: string[];
}

/** Private DNS zones the platform team already has (e.g. in a hub subscription), by service. */
export type AzureExistingDnsZones = Partial<Record<PrivateDnsService, pulumi.Input<string>>>;

/**
 * VNet flow logs (Network Watcher), written to a storage account. NSG flow logs cannot be created
 * since 30 June 2025 and retire on 30 September 2027; VNet flow logs replace them.
 */
export interface AzureFlowLogsArgs {
  /**
   * The storage account the logs are written to, in the network's region. With shared key access
   * off on it, give `identityId` (an identity with "Storage Blob Data Contributor" on the account).
   */
  storageAccountId: pulumi.Input<string>;
  /**
   * A user-assigned identity Network Watcher writes the logs with.
   * @defaultValue - none: Network Watcher uses its own access to the account
   */
  identityId?: pulumi.Input<string>;
  /**
   * Days the logs are kept in the account, 1 to 365.
   * @defaultValue 90
   */
  retentionDays?: number;
  /**
   * The region's Network Watcher, which Azure creates as `NetworkWatcher_<region>` in
   * `NetworkWatcherRG` (there is one per region and subscription, so the component does not create one).
   * @defaultValue { name: "NetworkWatcher_<location>", resourceGroupName: "NetworkWatcherRG" }
   */
  networkWatcher?: { name: string; resourceGroupName: string };
  /**
   * Traffic analytics into a Log Analytics workspace.
   * @defaultValue - off
   */
  trafficAnalytics?: {
    /** The workspace's resource id. */
    workspaceResourceId: pulumi.Input<string>;
    /** The workspace's id (its GUID). */
    workspaceId: pulumi.Input<string>;
    /** The workspace's region. */
    workspaceRegion: pulumi.Input<string>;
    /**
     * Minutes between analyses: 10 or 60.
     * @defaultValue 10
     */
    intervalMinutes?: 10 | 60;
  };
}

export interface AzureNetworkArgs {
  /**
   * The Azure region.
   * @defaultValue the provider's `azure-native:location`
   */
  location?: string;
  /**
   * The resource group of everything the component creates: created (`args`, with an optional
   * name) or brought (`existing`).
   * @defaultValue { args: {} }
   */
  resourceGroup?: { existing: { name: string } } | { args: { name?: string } };
  /**
   * The virtual network: created with a workloads and a private endpoints subnet, each behind a
   * network security group that denies inbound traffic by default (`args`), or brought (`existing`).
   * There is no `skip`: the stores are reached only through private endpoints.
   * @defaultValue { args: {} }
   */
  network?: { existing: AzureExistingNetwork } | { args: AzureVnetArgs };
  /**
   * The private DNS zones of Blob, Data Lake, Event Hubs and Azure Managed Redis, linked to the
   * virtual network: created (`args`) or brought by id (`existing`; a service not given gets no zone).
   * @defaultValue { args: {} }
   */
  privateDnsZones?: { existing: AzureExistingDnsZones } | { args: Record<string, never> };
  /**
   * VNet flow logs on the virtual network. Azure writes them only to a storage account, which the
   * network cannot make before the platform's stores exist, so they are off unless one is given.
   * @defaultValue { skip: true }
   */
  flowLogs?: { args: AzureFlowLogsArgs } | { skip: true };
  /** Tags on every resource. */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  addressSpace: "10.20.0.0/16",
  workloadsCidr: "10.20.0.0/20",
  privateEndpointsCidr: "10.20.16.0/24",
  servicePorts: ["443", "9093", "10000", "8500-8599"],
  flowLogRetentionDays: 90,
};

const LOCATION = /^[a-z]+[a-z0-9]*$/;
const RESOURCE_GROUP = /^[-\w._()]{0,89}[-\w_()]$/;
const ARM = (type: string) =>
  new RegExp(
    `^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${type.replace(/\./g, "\\.")}/[^/]+$`,
    "i",
  );
const VNET_ID = ARM("Microsoft.Network/virtualNetworks");
const DNS_ZONE_ID = ARM("Microsoft.Network/privateDnsZones");
const STORAGE_ID = ARM("Microsoft.Storage/storageAccounts");
const WORKSPACE_ID = ARM("Microsoft.OperationalInsights/workspaces");
const IDENTITY_ID = ARM("Microsoft.ManagedIdentity/userAssignedIdentities");

function isPortEntry(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(v);
  if (!m) return false;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo >= 1 && hi <= 65535 && lo <= hi;
}

function checkId(p: Problems, field: string, value: unknown, pattern: RegExp, shape: string): void {
  if (value === undefined || (isKnown(value) && (typeof value !== "string" || !pattern.test(value)))) {
    p.add("SEAWALL_AZURE_NETWORK_RESOURCE_ID", field, value, `must be a resource id, ${shape}`);
  }
}

/** Checks a CIDR: an RFC 1918 network with a prefix in [min, max]; returns it when good. */
const checkCidr = (p: Problems, field: string, value: unknown, min: number, max: number) =>
  checkPrivateCidr(p, "SEAWALL_AZURE_NETWORK_CIDR", field, value, min, max);

/**
 * Checks {@link AzureNetworkArgs} and throws one error listing every problem.
 * @param providerLocation the provider's `azure-native:location`, used when `args.location` is unset
 */
export function validateAzureNetworkArgs(args: AzureNetworkArgs, providerLocation?: string): void {
  const p = new Problems();
  const location = args.location ?? providerLocation;
  if (location === undefined || !LOCATION.test(location)) {
    p.add(
      "SEAWALL_AZURE_NETWORK_LOCATION",
      "location",
      location,
      "must be an Azure region name such as westeurope; set location or azure-native:location",
    );
  }
  const rg = helperChoice(p, "resourceGroup", args.resourceGroup, ["existing", "args"], {
    why: "the network's resources need a resource group",
  });
  const rgName =
    rg === "existing"
      ? (args.resourceGroup as { existing: { name?: unknown } }).existing.name
      : rg === "args"
        ? (args.resourceGroup as { args: { name?: unknown } }).args.name
        : undefined;
  if (
    (rg === "existing" || rgName !== undefined) &&
    (typeof rgName !== "string" || !RESOURCE_GROUP.test(rgName))
  ) {
    p.add(
      "SEAWALL_AZURE_NETWORK_RESOURCE_GROUP",
      `resourceGroup.${rg}.name`,
      rgName,
      "must be 1-90 letters, digits, underscores, hyphens, periods and parentheses, not ending with a period",
    );
  }
  const net = helperChoice(p, "network", args.network, ["existing", "args"], {
    why: "the stores are reached only through private endpoints in a virtual network",
  });
  if (net === "existing") {
    const e = (args.network as { existing: AzureExistingNetwork }).existing;
    const subnetShape =
      "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>";
    checkId(
      p,
      "network.existing.virtualNetworkId",
      e.virtualNetworkId,
      VNET_ID,
      "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>",
    );
    checkId(p, "network.existing.workloadsSubnetId", e.workloadsSubnetId, SUBNET_ID, subnetShape);
    checkId(
      p,
      "network.existing.privateEndpointsSubnetId",
      e.privateEndpointsSubnetId,
      SUBNET_ID,
      subnetShape,
    );
  } else if (net === "args" || args.network === undefined) {
    const a = (args.network as { args?: AzureVnetArgs } | undefined)?.args ?? {};
    const space = checkCidr(p, "network.args.addressSpace", a.addressSpace ?? DEFAULTS.addressSpace, 8, 24);
    const work = checkCidr(p, "network.args.workloadsCidr", a.workloadsCidr ?? DEFAULTS.workloadsCidr, 8, 28);
    const pe = checkCidr(
      p,
      "network.args.privateEndpointsCidr",
      a.privateEndpointsCidr ?? DEFAULTS.privateEndpointsCidr,
      8,
      28,
    );
    for (const [field, c, text] of [
      ["workloadsCidr", work, a.workloadsCidr ?? DEFAULTS.workloadsCidr],
      ["privateEndpointsCidr", pe, a.privateEndpointsCidr ?? DEFAULTS.privateEndpointsCidr],
    ] as const) {
      if (space && c && (c.prefixLength < space.prefixLength || !overlaps(space, c))) {
        p.add(
          "SEAWALL_AZURE_NETWORK_CIDR",
          `network.args.${field}`,
          text,
          `must lie inside the address space ${a.addressSpace ?? DEFAULTS.addressSpace}`,
        );
      }
    }
    if (work && pe && overlaps(work, pe)) {
      p.add(
        "SEAWALL_AZURE_NETWORK_CIDR_OVERLAP",
        "network.args.privateEndpointsCidr",
        a.privateEndpointsCidr ?? DEFAULTS.privateEndpointsCidr,
        `overlaps the workloads subnet ${a.workloadsCidr ?? DEFAULTS.workloadsCidr}; give the subnets separate ranges`,
      );
    }
    if (
      a.servicePorts !== undefined &&
      (!Array.isArray(a.servicePorts) || a.servicePorts.length === 0 || !a.servicePorts.every(isPortEntry))
    ) {
      p.add(
        "SEAWALL_AZURE_NETWORK_PORTS",
        "network.args.servicePorts",
        a.servicePorts,
        'must be a non-empty list of ports ("443") or ranges ("8500-8599") from 1 to 65535',
      );
    }
  }
  const dns = helperChoice(p, "privateDnsZones", args.privateDnsZones, ["existing", "args"], {
    why: "private endpoints need private DNS zones so clients resolve the services' names to them",
  });
  if (dns === "existing") {
    const zones = (args.privateDnsZones as { existing: Record<string, unknown> }).existing;
    for (const [service, id] of Object.entries(zones)) {
      if (!(service in PRIVATE_DNS_ZONES)) {
        p.add(
          "SEAWALL_AZURE_NETWORK_RESOURCE_ID",
          `privateDnsZones.existing.${service}`,
          id,
          `is not a service with a private DNS zone here; give ${Object.keys(PRIVATE_DNS_ZONES).join(", ")}`,
        );
      } else {
        checkId(
          p,
          `privateDnsZones.existing.${service}`,
          id,
          DNS_ZONE_ID,
          "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>",
        );
      }
    }
  }
  const flow = helperChoice(p, "flowLogs", args.flowLogs, ["args", "skip"], {
    why: "a brought Network Watcher flow log is managed where it was made",
  });
  if (flow === "args") {
    const f = (args.flowLogs as { args: AzureFlowLogsArgs }).args;
    checkId(
      p,
      "flowLogs.args.storageAccountId",
      f.storageAccountId,
      STORAGE_ID,
      "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<account>",
    );
    if (f.identityId !== undefined) {
      checkId(
        p,
        "flowLogs.args.identityId",
        f.identityId,
        IDENTITY_ID,
        "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<identity>",
      );
    }
    p.wholeNumber(
      "SEAWALL_AZURE_NETWORK_FLOW_LOGS",
      "flowLogs.args.retentionDays",
      f.retentionDays,
      1,
      365,
      "Network Watcher keeps flow logs up to 365 days",
    );
    const ta = f.trafficAnalytics;
    if (ta !== undefined) {
      checkId(
        p,
        "flowLogs.args.trafficAnalytics.workspaceResourceId",
        ta.workspaceResourceId,
        WORKSPACE_ID,
        "/subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<workspace>",
      );
      if (ta.intervalMinutes !== undefined && ta.intervalMinutes !== 10 && ta.intervalMinutes !== 60) {
        p.add(
          "SEAWALL_AZURE_NETWORK_FLOW_LOGS",
          "flowLogs.args.trafficAnalytics.intervalMinutes",
          ta.intervalMinutes,
          "must be 10 or 60, the intervals traffic analytics offers",
        );
      }
    }
  }
  p.throwIfAny("Network");
}

/** The last inbound rule of every security group Seawall makes: deny what no rule before admitted. */
export const DENY_ALL_INBOUND: azure.types.input.network.SecurityRuleArgs = {
  name: "deny-all-inbound",
  priority: 4096,
  direction: "Inbound",
  access: "Deny",
  protocol: "*",
  sourceAddressPrefix: "*",
  sourcePortRange: "*",
  destinationAddressPrefix: "*",
  destinationPortRange: "*",
};

/** Network security rules: allow the given traffic at priorities from 100, then deny all inbound. */
function rules(
  allows: { name: string; source: pulumi.Input<string>; ports: string[] }[],
  denyOutbound: boolean,
): azure.types.input.network.SecurityRuleArgs[] {
  const out: azure.types.input.network.SecurityRuleArgs[] = allows.map((a, i) => ({
    name: a.name,
    priority: 100 + i * 10,
    direction: "Inbound",
    access: "Allow",
    protocol: "Tcp",
    sourceAddressPrefix: a.source,
    sourcePortRange: "*",
    destinationAddressPrefix: "*",
    ...(a.ports.length === 1 ? { destinationPortRange: a.ports[0] } : { destinationPortRanges: a.ports }),
  }));
  out.push(DENY_ALL_INBOUND);
  if (denyOutbound) {
    out.push({
      name: "deny-all-outbound",
      priority: 4096,
      direction: "Outbound",
      access: "Deny",
      protocol: "*",
      sourceAddressPrefix: "*",
      sourcePortRange: "*",
      destinationAddressPrefix: "*",
      destinationPortRange: "*",
    });
  }
  return out;
}

/**
 * The platform's Azure network: a resource group, a virtual network with a workloads subnet and a
 * private endpoints subnet (each behind a network security group that denies inbound traffic by
 * default; the private endpoints admit only the workloads, on the services' ports), the private
 * DNS zones of Blob, Data Lake, Event Hubs and Azure Managed Redis linked to the network, and VNet
 * flow logs when given a storage account. Or bring your own network and zones.
 *
 * The stores make their private endpoints with {@link privateEndpoint} from `privateEndpointsSubnetId`
 * and `privateDnsZoneIds`.
 */
export class Network extends pulumi.ComponentResource {
  /** The resource group's name. */
  readonly resourceGroupName: pulumi.Output<string>;
  /** The region. */
  readonly location: string;
  /** The virtual network's resource id. */
  readonly virtualNetworkId: pulumi.Output<string>;
  /** The workloads subnet's id. */
  readonly workloadsSubnetId: pulumi.Output<string>;
  /** The private endpoints subnet's id. */
  readonly privateEndpointsSubnetId: pulumi.Output<string>;
  /** The private DNS zones' ids, by service (a brought set may leave some out). */
  readonly privateDnsZoneIds: Partial<Record<PrivateDnsService, pulumi.Output<string>>>;
  /** The VNet flow log's id, when flow logs are on. */
  readonly flowLogId?: pulumi.Output<string>;

  constructor(name: string, args: AzureNetworkArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("seawall:azure:Network", name, {}, opts);
    const providerLocation = new pulumi.Config("azure-native").get("location");
    validateAzureNetworkArgs(args, providerLocation);
    const location = (args.location ?? providerLocation) as string;
    this.location = location;
    const tags = args.tags;
    const parent = { parent: this };

    if (args.resourceGroup && "existing" in args.resourceGroup) {
      this.resourceGroupName = pulumi.output(args.resourceGroup.existing.name);
    } else {
      const groupName = args.resourceGroup?.args.name;
      const group = new azure.resources.ResourceGroup(
        name,
        { location, ...(groupName ? { resourceGroupName: groupName } : {}), tags },
        parent,
      );
      this.resourceGroupName = group.name;
    }
    const resourceGroupName = this.resourceGroupName;

    if (args.network && "existing" in args.network) {
      const e = args.network.existing;
      this.virtualNetworkId = pulumi.output(e.virtualNetworkId);
      this.workloadsSubnetId = pulumi.output(e.workloadsSubnetId);
      this.privateEndpointsSubnetId = pulumi.output(e.privateEndpointsSubnetId);
    } else {
      const a = args.network?.args ?? {};
      const workloadsCidr = a.workloadsCidr ?? DEFAULTS.workloadsCidr;
      const workloadsNsg = new azure.network.NetworkSecurityGroup(
        `${name}-workloads`,
        {
          resourceGroupName,
          location,
          securityRules: rules(
            [
              { name: "allow-workloads-inbound", source: workloadsCidr, ports: ["*"] },
              { name: "allow-azure-load-balancer-inbound", source: "AzureLoadBalancer", ports: ["*"] },
            ],
            false,
          ),
          tags,
        },
        parent,
      );
      const endpointsNsg = new azure.network.NetworkSecurityGroup(
        `${name}-endpoints`,
        {
          resourceGroupName,
          location,
          securityRules: rules(
            [
              {
                name: "allow-workloads-to-services",
                source: workloadsCidr,
                ports: a.servicePorts ?? DEFAULTS.servicePorts,
              },
            ],
            true,
          ),
          tags,
        },
        parent,
      );
      const vnet = new azure.network.VirtualNetwork(
        name,
        {
          resourceGroupName,
          location,
          addressSpace: { addressPrefixes: [a.addressSpace ?? DEFAULTS.addressSpace] },
          tags,
        },
        parent,
      );
      const workloads = new azure.network.Subnet(
        `${name}-workloads`,
        {
          resourceGroupName,
          virtualNetworkName: vnet.name,
          addressPrefix: workloadsCidr,
          networkSecurityGroup: { id: workloadsNsg.id },
          defaultOutboundAccess: false,
          privateEndpointNetworkPolicies: "Enabled",
        },
        parent,
      );
      const endpoints = new azure.network.Subnet(
        `${name}-endpoints`,
        {
          resourceGroupName,
          virtualNetworkName: vnet.name,
          addressPrefix: a.privateEndpointsCidr ?? DEFAULTS.privateEndpointsCidr,
          networkSecurityGroup: { id: endpointsNsg.id },
          defaultOutboundAccess: false,
          // Network security groups apply to private endpoints only with these policies on.
          privateEndpointNetworkPolicies: "Enabled",
        },
        { parent: this, dependsOn: [workloads] },
      );
      this.virtualNetworkId = vnet.id;
      this.workloadsSubnetId = workloads.id;
      this.privateEndpointsSubnetId = endpoints.id;
    }

    this.privateDnsZoneIds = {};
    if (args.privateDnsZones && "existing" in args.privateDnsZones) {
      for (const [service, id] of Object.entries(args.privateDnsZones.existing)) {
        if (id !== undefined) this.privateDnsZoneIds[service as PrivateDnsService] = pulumi.output(id);
      }
    } else {
      for (const [service, zoneName] of Object.entries(PRIVATE_DNS_ZONES) as [PrivateDnsService, string][]) {
        const zone = new azure.privatedns.PrivateZone(
          `${name}-${service}`,
          { resourceGroupName, privateZoneName: zoneName, location: "global", tags },
          parent,
        );
        new azure.privatedns.VirtualNetworkLink(
          `${name}-${service}`,
          {
            resourceGroupName,
            privateZoneName: zone.name,
            location: "global",
            virtualNetwork: { id: this.virtualNetworkId },
            registrationEnabled: false,
            tags,
          },
          parent,
        );
        this.privateDnsZoneIds[service] = zone.id;
      }
    }

    if (args.flowLogs && "args" in args.flowLogs) {
      const f = args.flowLogs.args;
      const watcher = f.networkWatcher ?? {
        name: `NetworkWatcher_${location}`,
        resourceGroupName: "NetworkWatcherRG",
      };
      const ta = f.trafficAnalytics;
      const flowLog = new azure.network.FlowLog(
        name,
        {
          resourceGroupName: watcher.resourceGroupName,
          networkWatcherName: watcher.name,
          location,
          targetResourceId: this.virtualNetworkId,
          storageId: f.storageAccountId,
          enabled: true,
          format: { type: "JSON", version: 2 },
          retentionPolicy: { enabled: true, days: f.retentionDays ?? DEFAULTS.flowLogRetentionDays },
          ...(f.identityId
            ? { identity: { type: "UserAssigned", userAssignedIdentities: [f.identityId] } }
            : {}),
          ...(ta
            ? {
                flowAnalyticsConfiguration: {
                  networkWatcherFlowAnalyticsConfiguration: {
                    enabled: true,
                    workspaceResourceId: ta.workspaceResourceId,
                    workspaceId: ta.workspaceId,
                    workspaceRegion: ta.workspaceRegion,
                    trafficAnalyticsInterval: ta.intervalMinutes ?? 10,
                  },
                },
              }
            : {}),
          tags,
        },
        parent,
      );
      this.flowLogId = flowLog.id;
    }

    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      virtualNetworkId: this.virtualNetworkId,
      workloadsSubnetId: this.workloadsSubnetId,
      privateEndpointsSubnetId: this.privateEndpointsSubnetId,
      privateDnsZoneIds: this.privateDnsZoneIds,
      flowLogId: this.flowLogId,
    });
  }
}
