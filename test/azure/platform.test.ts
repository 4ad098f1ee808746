import { STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE } from "../../components/azure/platform";
import { backupsArgs, monitoringArgs } from "../../components/azure/platformOperations";
import {
  AzurePlacement,
  eventStreamArgs,
  featureStoreArgs,
  networkArgs,
  objectStoreArgs,
  vnetRanges,
} from "../../components/azure/platformServices";
import { platformTags } from "../../components/azure/platformSettings";
import { DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { resolveProfile } from "../../components/profiles";
import { synthesizeStack } from "../../scripts/synth/stacks";
import { parseStackConfig, StackConfigError } from "../../stacks/config";
import { Plan } from "../helpers";

const prodArgs: DataPlatformArgs = {
  cloud: "azure",
  environment: "prod",
  owner: "data-platform",
  dataClassification: "confidential",
  region: "westeurope",
  replicaRegion: "northeurope",
  eventStream: { topics: [{ name: "events.raw", partitions: 12 }] },
};
const devArgs: DataPlatformArgs = { ...prodArgs, environment: "dev", replicaRegion: undefined };
const prod = resolveProfile("prod");
const dev = resolveProfile("dev");
const SUBNET =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/private-endpoints";
const placement: AzurePlacement = {
  resourceGroupName: "rg",
  privateEndpointSubnetId: SUBNET,
  privateDnsZoneIds: { blob: "zone-blob", dfs: "zone-dfs", eventHubs: "zone-eh", redis: "zone-redis" },
  workloadPrincipalId: "99999999-2222-4333-8444-555555555555",
};
const tags = { "seawall:environment": "prod" };
const codes = (args: DataPlatformArgs) =>
  validateDataPlatformArgs(args).map(({ code, field, value }) => ({ code, field, value }));

describe("the Azure platform's tags", () => {
  it("carry the environment, owner and classification after the team's tags, and no backup marker", () => {
    expect(platformTags({ ...prodArgs, tags: { team: "lake", "seawall:owner": "x" } }, prod)).toEqual({
      team: "lake",
      "seawall:environment": "prod",
      "seawall:owner": "data-platform",
      "seawall:data-classification": "confidential",
    });
  });

  it("reports a tag Azure would reject, with its field", () => {
    expect(
      codes({ ...devArgs, owner: "o".repeat(257), tags: { "cost/center": "42", team: "v".repeat(257) } }),
    ).toEqual([
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags.cost/center", value: "cost/center" },
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags.team", value: "v".repeat(257) },
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "owner", value: "o".repeat(257) },
    ]);
    const many = Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, "x"]));
    expect(codes({ ...devArgs, tags: many })).toEqual([
      { code: "SEAWALL_PLATFORM_AZURE_TAG", field: "tags", value: 48 },
    ]);
  });
});

describe("validation of an Azure platform", () => {
  it("accepts every environment's profile as it is", () => {
    expect(codes(prodArgs)).toEqual([]);
    expect(codes(devArgs)).toEqual([]);
    expect(codes({ ...prodArgs, environment: "staging" })).toEqual([]);
  });

  it("lists every setting Azure has no counterpart for at once, each with a fix", () => {
    const problems = validateDataPlatformArgs({
      ...devArgs,
      network: { interfaceEndpoints: ["sts"] },
      eventStream: { clientAuthentication: "scram", kafkaVersion: "3.7.x" },
    }).filter((p) => p.code === "SEAWALL_PLATFORM_AZURE_UNSUPPORTED");
    expect(problems.map(({ field, value }) => ({ field, value }))).toEqual([
      { field: "network.interfaceEndpoints", value: ["sts"] },
      { field: "eventStream.clientAuthentication", value: "scram" },
      { field: "eventStream.kafkaVersion", value: "3.7.x" },
    ]);
    expect(
      codes({
        ...devArgs,
        objectStore: {
          intelligentTiering: true,
          replicationTimeControl: true,
          lifecycle: { archiveStorageClass: "GLACIER" },
        },
      }).map((p) => p.field),
    ).toEqual([
      "objectStore.intelligentTiering",
      "objectStore.lifecycle.archiveStorageClass",
      "objectStore.replicationTimeControl",
    ]);
    expect(problems[1].fix).toBe(
      'Event Hubs has no SCRAM, and its SAS keys are turned off; clients authenticate with Microsoft Entra ID (SASL OAUTHBEARER): use "iam"',
    );
  });
});

describe("an Azure stack's config", () => {
  it("requires the subscription and the location, naming the provider's keys", () => {
    let problems: string[] = [];
    try {
      parseStackConfig("dev-azure", {
        "seawall:cloud": "azure",
        "seawall:environment": "dev",
        "seawall:owner": "data",
      });
    } catch (error) {
      expect(error).toBeInstanceOf(StackConfigError);
      problems = (error as StackConfigError).problems.map((p) => `${p.code} ${p.field}`);
    }
    expect(problems).toEqual([
      "SEAWALL_CONFIG_REGION_REQUIRED azure-native:location",
      "SEAWALL_CONFIG_SUBSCRIPTION_REQUIRED azure-native:subscriptionId",
    ]);
  });
});

describe("the Azure platform's service arguments", () => {
  it("makes prod's event stream Premium, geo-paired with the replica region, the workloads granted", () => {
    expect(eventStreamArgs(prodArgs, prod, placement, tags)).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      tier: "Premium",
      capacity: 1,
      maxThroughputUnits: 0,
      topics: [{ name: "events.raw", partitions: 12 }],
      clientPrincipalIds: ["99999999-2222-4333-8444-555555555555"],
      privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: "zone-eh" },
      geoDisasterRecovery: { location: "northeurope" },
      protect: true,
      tags,
    });
  });

  it("makes dev's event stream Standard with auto-inflate, no geo pairing, unprotected", () => {
    expect(eventStreamArgs(devArgs, dev, placement, tags)).toMatchObject({
      tier: "Standard",
      capacity: 1,
      maxThroughputUnits: 4,
      protect: false,
    });
    expect(eventStreamArgs(devArgs, dev, placement, tags)).not.toHaveProperty("geoDisasterRecovery");
  });

  it("sizes the feature store from the profile, AOF every second, the eviction policy in Azure's words", () => {
    expect(
      featureStoreArgs(
        { ...prodArgs, featureStore: { maxmemoryPolicy: "allkeys-lfu" } },
        prod,
        placement,
        tags,
      ),
    ).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      sku: "Balanced_B10",
      highAvailability: true,
      evictionPolicy: "AllKeysLFU",
      persistence: { mode: "AOF", frequency: "1s" },
      clientPrincipalIds: ["99999999-2222-4333-8444-555555555555"],
      privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: "zone-redis" },
      protect: true,
      tags,
    });
    expect(featureStoreArgs(devArgs, dev, placement, tags)).toMatchObject({
      sku: "Balanced_B1",
      highAvailability: false,
      protect: false,
    });
  });

  it("reports the components' problems and what Azure Managed Redis has no setting for, under the platform's fields", () => {
    expect(
      codes({
        ...devArgs,
        eventStream: { topics: [{ name: "a b", partitions: 1 }] },
        featureStore: { engineVersion: "7.2" },
        profile: { featureStore: { shards: 2 } },
      }),
    ).toEqual(
      expect.arrayContaining([
        { code: "SEAWALL_PLATFORM_AZURE_UNSUPPORTED", field: "profile.featureStore.shards", value: 2 },
        { code: "SEAWALL_PLATFORM_AZURE_UNSUPPORTED", field: "featureStore.engineVersion", value: "7.2" },
        expect.objectContaining({ field: "eventStream.topics[0].name" }),
      ]),
    );
  });
});

describe("the Azure platform's network, lake and operations", () => {
  it("creates a resource group, a virtual network and the private DNS zones, flow logs off", () => {
    expect(networkArgs(prodArgs, tags)).toEqual({
      location: "westeurope",
      resourceGroup: { args: {} },
      network: { args: {} },
      privateDnsZones: { args: {} },
      flowLogs: { skip: true },
      tags,
    });
    expect(networkArgs({ ...prodArgs, network: { cidrBlock: "10.40.0.0/16" } }, tags).network).toEqual({
      args: {
        addressSpace: "10.40.0.0/16",
        workloadsCidr: "10.40.0.0/20",
        privateEndpointsCidr: "10.40.16.0/24",
      },
    });
    expect(codes({ ...prodArgs, network: { cidrBlock: "10.40.0.0/16" } })).toEqual([]);
  });

  it("halves a team's address block smaller than /20 between workloads and private endpoints", () => {
    expect(vnetRanges("192.168.4.0/22")).toEqual({
      addressSpace: "192.168.4.0/22",
      workloadsCidr: "192.168.4.0/23",
      privateEndpointsCidr: "192.168.6.0/23",
    });
    expect(vnetRanges("10.1.2.0/28")).toEqual({ addressSpace: "10.1.2.0/28" });
    expect(codes({ ...prodArgs, network: { cidrBlock: "10.1.2.3/16" } }).map((p) => p.code)).toContain(
      "SEAWALL_AZURE_NETWORK_CIDR",
    );
  });

  it("brings the team's network: its first subnet for workloads, its second for private endpoints", () => {
    const existing = { vpcId: "vnet-id", subnetIds: ["workloads-id", "endpoints-id"] };
    expect(networkArgs({ ...prodArgs, network: { existing } }, tags).network).toEqual({
      existing: {
        virtualNetworkId: "vnet-id",
        workloadsSubnetId: "workloads-id",
        privateEndpointsSubnetId: "endpoints-id",
      },
    });
  });

  it("makes prod's lake RA-GZRS, replicated to the replica region, restorable as long as the backups keep", () => {
    expect(
      objectStoreArgs(
        { ...prodArgs, objectStore: { prefix: "events", objectLock: { mode: "COMPLIANCE", days: 30 } } },
        prod,
        placement,
        tags,
      ),
    ).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      prefix: "events",
      sku: "Standard_RAGZRS",
      privateEndpoints: { subnetId: SUBNET, privateDnsZoneIds: { blob: "zone-blob", dfs: "zone-dfs" } },
      replication: { args: { location: "northeurope" } },
      lifecycle: { infrequentAccessAfterDays: 30, coldAfterDays: 90, expireNoncurrentAfterDays: 90 },
      pointInTimeRestoreDays: 35,
      softDeleteDays: 36,
      immutability: { days: 30, locked: true },
      protect: true,
      tags,
    });
  });

  it("makes dev's lake zone-redundant with no replica, unprotected", () => {
    expect(
      objectStoreArgs({ ...devArgs, objectStore: { bucketName: "raw" } }, dev, placement, tags),
    ).toMatchObject({
      containerName: "raw",
      sku: "Standard_ZRS",
      replication: { skip: true },
      pointInTimeRestoreDays: 7,
      softDeleteDays: 30,
      protect: false,
    });
  });

  it("backs the lake up operationally and vaulted, geo-redundant with cross-region restore in prod", () => {
    const lake = { storageAccountId: "account-id", container: "lake" };
    expect(backupsArgs(prod, "rg", "westeurope", lake, tags)).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      storageRedundancy: "GeoRedundant",
      crossRegionRestore: true,
      immutability: "Unlocked",
      operationalRetentionDays: 35,
      protect: true,
      storageAccount: { id: "account-id", location: "westeurope" },
      vaulted: { containers: ["lake"], retentionDays: 365 },
      tags,
    });
    expect(backupsArgs(dev, "rg", "westeurope", lake, tags)).toMatchObject({
      storageRedundancy: "ZoneRedundant",
      crossRegionRestore: false,
      immutability: "Disabled",
      protect: false,
    });
  });

  it("watches every store with the profile's thresholds and mails the team", () => {
    const watched = { objectStore: { storageAccountId: "account-id" }, backups: { vaultId: "vault-id" } };
    expect(
      monitoringArgs(
        { ...prodArgs, monitoring: { alertEmails: ["oncall@example.com"] } },
        prod,
        "rg",
        watched,
        tags,
      ),
    ).toEqual({
      resourceGroupName: "rg",
      location: "westeurope",
      ...watched,
      workspace: { args: { retentionDays: prod.eventStream.logRetentionDays } },
      thresholds: { cacheCpuPercent: 75, cacheMemoryPercent: 80, cacheServerLoadPercent: 75 },
      alertEmails: ["oncall@example.com"],
      tags,
    });
  });
});

describe("the prod-azure stack", () => {
  let p: Plan;
  let workers: { id: string; clientId: string; principalId: string };
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("prod-azure"));
    workers = p.output("workloadIdentity") as typeof workers;
  }, 120000);

  it("runs the workloads as one user-assigned identity, exported with its client id", () => {
    const identity = p.one("azure-native:managedidentity:UserAssignedIdentity", "seawall-prod-workers");
    expect(identity.inputs).toEqual({
      resourceGroupName: p.output("resourceGroupName"),
      location: "eastus2",
      tags: {
        "seawall:environment": "prod",
        "seawall:owner": "data-platform",
        "seawall:data-classification": "confidential",
      },
    });
    expect(workers).toEqual({
      id: expect.stringMatching(/\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/seawall-prod-workers/),
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      principalId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it("grants that identity the lake's container, the event hubs and the Redis database, nothing else", () => {
    const lake = p.one("azure-native:authorization:RoleAssignment", "seawall-prod-lake-workers");
    const { bucket } = p.output("objectStore") as { bucket: string };
    const account = /^lake@(\w+)\./.exec(bucket)![1];
    expect(lake.inputs).toEqual({
      scope: `/subscriptions/00000000-0000-4000-8000-000000000f01/resourceGroups/${String(p.output("resourceGroupName"))}/providers/Microsoft.Storage/storageAccounts/${account}/blobServices/default/containers/lake`,
      roleDefinitionId: `/subscriptions/00000000-0000-4000-8000-000000000f01/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_BLOB_DATA_CONTRIBUTOR_ROLE}`,
      principalId: workers.principalId,
      principalType: "ServicePrincipal",
    });
    const granted = p
      .ofType("azure-native:authorization:RoleAssignment")
      .filter((r) => r.inputs.principalId === workers.principalId)
      .map((r) => String(r.inputs.scope).split("/providers/")[1]);
    expect(granted.sort()).toEqual([
      expect.stringMatching(/^Microsoft\.EventHub\/namespaces\/seawall-prod-events\w+$/),
      expect.stringMatching(/^Microsoft\.EventHub\/namespaces\/seawall-prod-events\w+$/),
      expect.stringMatching(
        /^Microsoft\.Storage\/storageAccounts\/\w+\/blobServices\/default\/containers\/lake$/,
      ),
    ]);
    const access = p.ofType("azure-native:redisenterprise:AccessPolicyAssignment");
    expect(access.map((r) => r.inputs.user)).toEqual([{ objectId: workers.principalId }]);
  });

  it("protects every stateful store and its key in prod", () => {
    const stateful = [
      "azure-native:storage:StorageAccount",
      "azure-native:eventhub:Namespace",
      "azure-native:redisenterprise:RedisEnterprise",
      "azure-native:dataprotection:BackupVault",
      "azure-native:keyvault:Vault",
      "azure-native:keyvault:Key",
    ];
    const unprotected = p.resources.filter((r) => stateful.includes(r.type) && !r.protect).map((r) => r.name);
    expect(unprotected).toEqual([]);
    expect(
      p
        .ofType("azure-native:storage:StorageAccount")
        .map((r) => r.name)
        .sort(),
    ).toEqual(["seawall-prod-lake", "seawall-prod-lake-replica"]);
  });

  it("keeps a copy of the lake, the event hubs' metadata and the backups in the paired region", () => {
    const replica = p.one("azure-native:storage:StorageAccount", "seawall-prod-lake-replica");
    expect(replica.inputs).toMatchObject({ location: "centralus", sku: { name: "Standard_RAGZRS" } });
    const namespaces = p.ofType("azure-native:eventhub:Namespace").map((r) => r.inputs.location);
    expect(namespaces.sort()).toEqual(["centralus", "eastus2"]);
    expect(p.ofType("azure-native:eventhub:DisasterRecoveryConfig")).toHaveLength(1);
    const vault = p.ofType("azure-native:dataprotection:BackupVault")[0];
    expect(vault.inputs.properties).toMatchObject({
      storageSettings: [{ datastoreType: "VaultStore", type: "GeoRedundant" }],
      featureSettings: { crossRegionRestoreSettings: { state: "Enabled" } },
    });
  });

  it("exports the resource group, the network's subnets, the action group and the lake's abfss URIs", () => {
    expect(p.output("resourceGroupName")).toMatch(/^seawall-prod-network/);
    expect(p.output("azureNetwork")).toEqual({
      vnetId: expect.stringMatching(/\/virtualNetworks\/seawall-prod-network/),
      subnetIds: [
        expect.stringMatching(/\/subnets\/seawall-prod-network-workloads/),
        expect.stringMatching(/\/subnets\/seawall-prod-network-endpoints/),
      ],
    });
    expect(p.output("actionGroupId")).toMatch(/\/actionGroups\/seawall-prod-monitoring-alerts/);
    expect(p.output("bucketUri")).toMatch(
      /^abfss:\/\/lake@seawallprodlake[0-9a-f]{8}\.dfs\.core\.windows\.net\/events$/,
    );
    expect(p.output("replicaBucketUri")).toMatch(
      /^abfss:\/\/lake@seawallprodlaker[0-9a-f]{8}\.dfs\.core\.windows\.net\/events$/,
    );
  });
});
