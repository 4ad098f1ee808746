import * as pulumi from "@pulumi/pulumi";
import {
  AzureNetworkArgs,
  Network,
  privateEndpoint,
  validateAzureNetworkArgs,
} from "../../components/azure/network";
import { evaluateResources } from "../../policies/check";
import { acceptedForms, plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  group: "azure-native:resources:ResourceGroup",
  vnet: "azure-native:network:VirtualNetwork",
  subnet: "azure-native:network:Subnet",
  nsg: "azure-native:network:NetworkSecurityGroup",
  zone: "azure-native:privatedns:PrivateZone",
  link: "azure-native:privatedns:VirtualNetworkLink",
  flowLog: "azure-native:network:FlowLog",
  endpoint: "azure-native:network:PrivateEndpoint",
  zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZURE = { "azure-native:subscriptionId": SUB, "azure-native:location": "westeurope" };
const RG = `/subscriptions/${SUB}/resourceGroups`;
const STORAGE = `${RG}/logs/providers/Microsoft.Storage/storageAccounts/flowlogs`;

async function network(args: AzureNetworkArgs = {}, extra?: (n: Network) => void): Promise<Plan> {
  return plan(() => {
    const n = new Network("core", args);
    extra?.(n);
    return {
      resourceGroupName: n.resourceGroupName,
      virtualNetworkId: n.virtualNetworkId,
      workloadsSubnetId: n.workloadsSubnetId,
      privateEndpointsSubnetId: n.privateEndpointsSubnetId,
      zones: n.privateDnsZoneIds,
      flowLogId: n.flowLogId,
    };
  }, AZURE);
}

const denyAllInbound = {
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

describe("Network: created", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await network({ tags: { team: "data" } });
  });

  it("creates a resource group in the provider's location and a virtual network in it", () => {
    expect(p.one(T.group, "core").inputs).toEqual({ location: "westeurope", tags: { team: "data" } });
    const group = p.output("resourceGroupName") as string;
    expect(p.one(T.vnet, "core").inputs).toEqual({
      resourceGroupName: group,
      location: "westeurope",
      addressSpace: { addressPrefixes: ["10.20.0.0/16"] },
      // The SDK's defaults (virtualNetworkArgsProvideDefaults).
      enableDdosProtection: false,
      enableVmProtection: false,
      tags: { team: "data" },
    });
  });

  it("makes a workloads and a private endpoints subnet, each behind its security group, with no default outbound access", () => {
    const group = p.output("resourceGroupName") as string;
    const vnetName = (p.output("virtualNetworkId") as string).split("/").pop();
    const nsgId = (n: string) => `${RG}/${group}/providers/Microsoft.Network/networkSecurityGroups/${n}`;
    const workloadsNsg = expect.stringMatching(new RegExp(`^${nsgId("core-workloads")}[0-9a-f]{8}$`));
    const endpointsNsg = expect.stringMatching(new RegExp(`^${nsgId("core-endpoints")}[0-9a-f]{8}$`));
    expect(p.one(T.subnet, "core-workloads").inputs).toEqual({
      resourceGroupName: group,
      virtualNetworkName: vnetName,
      addressPrefix: "10.20.0.0/20",
      networkSecurityGroup: { id: workloadsNsg },
      defaultOutboundAccess: false,
      privateEndpointNetworkPolicies: "Enabled",
      privateLinkServiceNetworkPolicies: "Enabled", // the SDK's default
    });
    expect(p.one(T.subnet, "core-endpoints").inputs).toEqual({
      resourceGroupName: group,
      virtualNetworkName: vnetName,
      addressPrefix: "10.20.16.0/24",
      networkSecurityGroup: { id: endpointsNsg },
      defaultOutboundAccess: false,
      privateEndpointNetworkPolicies: "Enabled",
      privateLinkServiceNetworkPolicies: "Enabled", // the SDK's default
    });
    // Azure updates one subnet of a network at a time.
    expect(p.one(T.subnet, "core-endpoints").dependsOn).toContain(p.one(T.subnet, "core-workloads").urn);
    expect(p.output("workloadsSubnetId")).toMatch(
      /\/virtualNetworks\/core[0-9a-f]{8}\/subnets\/core-workloads[0-9a-f]{8}$/,
    );
  });

  it("admits only the workloads, on the services' ports, to the private endpoints, and denies the rest both ways", () => {
    expect(p.one(T.nsg, "core-endpoints").inputs.securityRules).toEqual([
      {
        name: "allow-workloads-to-services",
        priority: 100,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: "10.20.0.0/20",
        sourcePortRange: "*",
        destinationAddressPrefix: "*",
        destinationPortRanges: ["443", "9093", "10000", "8500-8599"],
      },
      denyAllInbound,
      { ...denyAllInbound, name: "deny-all-outbound", direction: "Outbound" },
    ]);
  });

  it("denies inbound to the workloads except from themselves and Azure's load balancer", () => {
    expect(p.one(T.nsg, "core-workloads").inputs).toEqual({
      resourceGroupName: p.output("resourceGroupName"),
      location: "westeurope",
      tags: { team: "data" },
      securityRules: [
        {
          name: "allow-workloads-inbound",
          priority: 100,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "10.20.0.0/20",
          sourcePortRange: "*",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
        {
          name: "allow-azure-load-balancer-inbound",
          priority: 110,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "AzureLoadBalancer",
          sourcePortRange: "*",
          destinationAddressPrefix: "*",
          destinationPortRange: "*",
        },
        denyAllInbound,
      ],
    });
  });

  it("creates the private DNS zones of Blob, Data Lake, Event Hubs and Azure Managed Redis, linked to the network", () => {
    const group = p.output("resourceGroupName") as string;
    const zones = {
      blob: "privatelink.blob.core.windows.net",
      dfs: "privatelink.dfs.core.windows.net",
      eventHubs: "privatelink.servicebus.windows.net",
      redis: "privatelink.redis.azure.net",
    };
    expect(p.names(T.zone)).toEqual(["core-blob", "core-dfs", "core-eventHubs", "core-redis"]);
    for (const [service, zone] of Object.entries(zones)) {
      expect(p.one(T.zone, `core-${service}`).inputs).toEqual({
        resourceGroupName: group,
        privateZoneName: zone,
        location: "global",
        tags: { team: "data" },
      });
      expect(p.one(T.link, `core-${service}`).inputs).toEqual({
        resourceGroupName: group,
        privateZoneName: zone,
        location: "global",
        virtualNetwork: { id: p.output("virtualNetworkId") },
        registrationEnabled: false,
        tags: { team: "data" },
      });
    }
    expect(p.output("zones")).toEqual({
      blob: `${RG}/${group}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
      dfs: `${RG}/${group}/providers/Microsoft.Network/privateDnsZones/privatelink.dfs.core.windows.net`,
      eventHubs: `${RG}/${group}/providers/Microsoft.Network/privateDnsZones/privatelink.servicebus.windows.net`,
      redis: `${RG}/${group}/providers/Microsoft.Network/privateDnsZones/privatelink.redis.azure.net`,
    });
  });

  it("makes no flow log without a storage account to write to", () => {
    expect(p.ofType(T.flowLog)).toEqual([]);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory")).toEqual([]);
  });
});

describe("Network: settings and forms", () => {
  it("writes VNet flow logs of the virtual network to the given account, through the region's Network Watcher", async () => {
    const identityId = `${RG}/logs/providers/Microsoft.ManagedIdentity/userAssignedIdentities/flowlogs`;
    const workspace = `${RG}/logs/providers/Microsoft.OperationalInsights/workspaces/ops`;
    const p = await network({
      location: "northeurope",
      flowLogs: {
        args: {
          storageAccountId: STORAGE,
          identityId,
          retentionDays: 30,
          trafficAnalytics: {
            workspaceResourceId: workspace,
            workspaceId: "ws-guid",
            workspaceRegion: "northeurope",
          },
        },
      },
    });
    expect(p.one(T.flowLog, "core").inputs).toEqual({
      resourceGroupName: "NetworkWatcherRG",
      networkWatcherName: "NetworkWatcher_northeurope",
      location: "northeurope",
      targetResourceId: p.output("virtualNetworkId"),
      storageId: STORAGE,
      enabled: true,
      format: { type: "JSON", version: 2 },
      retentionPolicy: { enabled: true, days: 30 },
      identity: { type: "UserAssigned", userAssignedIdentities: [identityId] },
      flowAnalyticsConfiguration: {
        networkWatcherFlowAnalyticsConfiguration: {
          enabled: true,
          workspaceResourceId: workspace,
          workspaceId: "ws-guid",
          workspaceRegion: "northeurope",
          trafficAnalyticsInterval: 10,
        },
      },
    });
    expect(p.output("flowLogId")).toMatch(
      new RegExp(
        `^${RG}/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_northeurope/flowLogs/core[0-9a-f]{8}$`,
      ),
    );
    expect(p.one(T.vnet, "core").inputs.location).toBe("northeurope");
  });

  it("takes the address ranges, ports and resource group name from args", async () => {
    const p = await network({
      resourceGroup: { args: { name: "data-rg" } },
      network: {
        args: {
          addressSpace: "172.16.0.0/16",
          workloadsCidr: "172.16.0.0/18",
          privateEndpointsCidr: "172.16.64.0/26",
          servicePorts: ["443"],
        },
      },
    });
    expect(p.one(T.group, "core").inputs).toEqual({ location: "westeurope", resourceGroupName: "data-rg" });
    expect(p.one(T.vnet, "core").inputs.addressSpace).toEqual({ addressPrefixes: ["172.16.0.0/16"] });
    expect(p.one(T.subnet, "core-endpoints").inputs.addressPrefix).toBe("172.16.64.0/26");
    const allow = (p.one(T.nsg, "core-endpoints").inputs.securityRules as Record<string, unknown>[])[0];
    expect(allow).toMatchObject({ sourceAddressPrefix: "172.16.0.0/18", destinationPortRange: "443" });
  });

  it("adopts a brought resource group, network and DNS zones, and creates none of them", async () => {
    const vnet = `${RG}/hub/providers/Microsoft.Network/virtualNetworks/hub`;
    const zone = `${RG}/dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`;
    const p = await network({
      resourceGroup: { existing: { name: "hub" } },
      network: {
        existing: {
          virtualNetworkId: vnet,
          workloadsSubnetId: `${vnet}/subnets/aks`,
          privateEndpointsSubnetId: `${vnet}/subnets/pe`,
        },
      },
      privateDnsZones: { existing: { blob: zone } },
    });
    for (const t of [T.group, T.vnet, T.subnet, T.nsg, T.zone, T.link]) expect(p.ofType(t)).toEqual([]);
    expect(p.output("resourceGroupName")).toBe("hub");
    expect(p.output("privateEndpointsSubnetId")).toBe(`${vnet}/subnets/pe`);
    expect(p.output("zones")).toEqual({ blob: zone });
  });

  it("links created DNS zones to a brought network", async () => {
    const vnet = `${RG}/hub/providers/Microsoft.Network/virtualNetworks/hub`;
    const p = await network({
      network: {
        existing: {
          virtualNetworkId: vnet,
          workloadsSubnetId: `${vnet}/subnets/aks`,
          privateEndpointsSubnetId: `${vnet}/subnets/pe`,
        },
      },
    });
    expect(p.ofType(T.link)).toHaveLength(4);
    expect(p.one(T.link, "core-redis").inputs.virtualNetwork).toEqual({ id: vnet });
  });

  it("makes a private endpoint and its DNS zone group for a service", async () => {
    const account = `${RG}/data/providers/Microsoft.Storage/storageAccounts/lake`;
    const p = await network({}, (n) =>
      privateEndpoint(
        n,
        "lake-blob",
        { subnetId: n.privateEndpointsSubnetId, privateDnsZoneId: n.privateDnsZoneIds.blob },
        { resourceGroupName: n.resourceGroupName, location: n.location, serviceId: account, groupId: "blob" },
      ),
    );
    expect(p.one(T.endpoint, "lake-blob-pe").inputs).toEqual({
      resourceGroupName: p.output("resourceGroupName"),
      location: "westeurope",
      // A reference by id; the SDK fills its subnet defaults in, which the provider does not apply to the subnet.
      subnet: {
        id: p.output("privateEndpointsSubnetId"),
        privateEndpointNetworkPolicies: "Disabled",
        privateLinkServiceNetworkPolicies: "Enabled",
      },
      privateLinkServiceConnections: [
        { name: "lake-blob-pe", privateLinkServiceId: account, groupIds: ["blob"] },
      ],
    });
    expect(p.one(T.zoneGroup, "lake-blob-pe-dns").inputs).toEqual({
      resourceGroupName: p.output("resourceGroupName"),
      privateEndpointName: expect.stringMatching(/^lake-blob-pe[0-9a-f]{8}$/),
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [
        { name: "blob", privateDnsZoneId: (p.output("zones") as Record<string, string>).blob },
      ],
    });
  });
});

describe("validateAzureNetworkArgs", () => {
  const v =
    (args: object, location: string | undefined = "westeurope") =>
    () =>
      validateAzureNetworkArgs(args as AzureNetworkArgs, location);

  it("accepts the defaults", () => {
    expect(v({})).not.toThrow();
  });

  it("requires a location", () => {
    expect(problemsThrownBy(() => validateAzureNetworkArgs({}, undefined))).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_LOCATION", field: "location", value: undefined },
    ]);
    expect(problemsThrownBy(v({ location: "West Europe" }))).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_LOCATION", field: "location", value: "West Europe" },
    ]);
  });

  it("lists every bad range and port with its code", () => {
    expect(
      problemsThrownBy(
        v({
          network: {
            args: {
              addressSpace: "8.8.0.0/16",
              workloadsCidr: "10.1.0.0/20",
              privateEndpointsCidr: "10.1.0.0/24",
              servicePorts: ["99999"],
            },
          },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_CIDR", field: "network.args.addressSpace", value: "8.8.0.0/16" },
      {
        code: "SEAWALL_AZURE_NETWORK_CIDR_OVERLAP",
        field: "network.args.privateEndpointsCidr",
        value: "10.1.0.0/24",
      },
      { code: "SEAWALL_AZURE_NETWORK_PORTS", field: "network.args.servicePorts", value: ["99999"] },
    ]);
    expect(problemsThrownBy(v({ network: { args: { workloadsCidr: "10.30.0.0/20" } } }))).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_CIDR", field: "network.args.workloadsCidr", value: "10.30.0.0/20" },
    ]);
  });

  it("refuses malformed brought ids and a bad resource group name", () => {
    expect(
      problemsThrownBy(
        v({
          resourceGroup: { existing: { name: "bad." } },
          network: { existing: { virtualNetworkId: "hub", workloadsSubnetId: "aks" } },
          privateDnsZones: { existing: { blob: "zone", queue: "q" } },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_RESOURCE_GROUP", field: "resourceGroup.existing.name", value: "bad." },
      { code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID", field: "network.existing.virtualNetworkId", value: "hub" },
      {
        code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID",
        field: "network.existing.workloadsSubnetId",
        value: "aks",
      },
      {
        code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID",
        field: "network.existing.privateEndpointsSubnetId",
        value: undefined,
      },
      { code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID", field: "privateDnsZones.existing.blob", value: "zone" },
      { code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID", field: "privateDnsZones.existing.queue", value: "q" },
    ]);
  });

  it("checks the flow log settings, and passes ids unknown until deploy", () => {
    expect(
      problemsThrownBy(
        v({
          flowLogs: {
            args: {
              storageAccountId: "logs",
              retentionDays: 400,
              trafficAnalytics: {
                workspaceResourceId: "ws",
                workspaceId: "g",
                workspaceRegion: "x",
                intervalMinutes: 5,
              },
            },
          },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID", field: "flowLogs.args.storageAccountId", value: "logs" },
      { code: "SEAWALL_AZURE_NETWORK_FLOW_LOGS", field: "flowLogs.args.retentionDays", value: 400 },
      {
        code: "SEAWALL_AZURE_NETWORK_RESOURCE_ID",
        field: "flowLogs.args.trafficAnalytics.workspaceResourceId",
        value: "ws",
      },
      {
        code: "SEAWALL_AZURE_NETWORK_FLOW_LOGS",
        field: "flowLogs.args.trafficAnalytics.intervalMinutes",
        value: 5,
      },
    ]);
    expect(v({ flowLogs: { args: { storageAccountId: pulumi.output(STORAGE) } } })).not.toThrow();
  });

  it("refuses skip for the network and DNS zones, saying why", () => {
    expect(v({ network: { skip: true } })).toThrow(
      `network = "{ skip: true }": the stores are reached only through private endpoints in a virtual network; ${acceptedForms(["existing", "args"])} [SEAWALL_HELPER_FORM_UNSUPPORTED]`,
    );
    expect(problemsThrownBy(v({ privateDnsZones: { skip: true }, flowLogs: { existing: {} } }))).toEqual([
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "privateDnsZones", value: "{ skip: true }" },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "flowLogs", value: "{ existing }" },
    ]);
  });
});
