import { AzurePlacement, eventStreamArgs, featureStoreArgs } from "../../components/azure/platformServices";
import { platformTags } from "../../components/azure/platformSettings";
import { DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { resolveProfile } from "../../components/profiles";
import { parseStackConfig, StackConfigError } from "../../stacks/config";

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
  privateDnsZoneIds: { eventHubs: "zone-eh", redis: "zone-redis" },
  workloadPrincipalId: "99999999-2222-4333-8444-555555555555",
};
const tags = { "seawall:environment": "prod" };
const codes = (args: DataPlatformArgs) =>
  validateDataPlatformArgs(args)
    .filter((p) => p.code !== "SEAWALL_PLATFORM_AZURE_NOT_BUILT")
    .map(({ code, field, value }) => ({ code, field, value }));

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
