import { EventStream, EventStreamArgs, validateEventStreamArgs } from "../../components/azure/eventStream";
import {
  bootstrapServer,
  EVENT_HUBS_DATA_RECEIVER_ROLE,
  EVENT_HUBS_DATA_SENDER_ROLE,
  PIPELINE_CONSUMER_GROUPS,
  retentionDescription,
  roleDefinitionId,
} from "../../components/azure/eventStreamConfig";
import { ENVIRONMENTS, PROFILES } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { consumerGroups, parseWorkerEnv } from "../../runtime/src/config";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:azure:EventStream",
  namespace: "azure-native:eventhub:Namespace",
  hub: "azure-native:eventhub:EventHub",
  group: "azure-native:eventhub:ConsumerGroup",
  dr: "azure-native:eventhub:DisasterRecoveryConfig",
  pe: "azure-native:network:PrivateEndpoint",
  dns: "azure-native:network:PrivateDnsZoneGroup",
  role: "azure-native:authorization:RoleAssignment",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZ = { "azure-native:location": "westeurope", "azure-native:subscriptionId": SUB };
const SUBNET = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints`;
const ZONE = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/privateDnsZones/privatelink.servicebus.windows.net`;
const PRINCIPAL = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

const base: EventStreamArgs = {
  resourceGroupName: "data",
  privateEndpoint: { subnetId: SUBNET, privateDnsZoneId: ZONE },
};

const TOPICS = [
  { name: "events.raw", partitions: 12, retentionHours: 168 },
  { name: "events.valid", partitions: 12 },
  { name: "events.unique", partitions: 12 },
  { name: "features", partitions: 6, compaction: true },
  { name: "events.dead-letter", partitions: 3, retentionHours: 168 },
];

async function stream(args: Partial<EventStreamArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new EventStream("events", { ...base, ...args });
    return { connection: s.connection, alias: s.disasterRecoveryAlias };
  }, AZ);
}

const secure = {
  kafkaEnabled: true,
  minimumTlsVersion: "1.2",
  disableLocalAuth: true,
  publicNetworkAccess: "Disabled",
  zoneRedundant: true,
};

describe("Azure EventStream on Standard (dev)", () => {
  let p: Plan;
  beforeAll(async () => {
    const { tier, capacity, maxThroughputUnits } = PROFILES.dev.sizes.azure.eventStream;
    p = await stream({ tier, capacity, maxThroughputUnits, topics: TOPICS, tags: { team: "data" } });
  });
  const tags = { team: "data", "seawall-component": "event-stream" };

  it("creates a Standard namespace with TLS 1.2, SAS off, no public access, zone redundancy and auto-inflate, and no key", () => {
    expect(p.one(T.namespace, "events").inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      sku: { name: "Standard", tier: "Standard", capacity: 1 },
      isAutoInflateEnabled: true,
      maximumThroughputUnits: 4,
      ...secure,
      tags,
    });
    expect(p.one(T.namespace, "events").protect).toBe(true);
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.ofType(T.vault)).toEqual([]);
  });

  it("reaches the namespace only through a private endpoint registered in the private DNS zone", () => {
    const ns = p.one(T.namespace, "events");
    const pe = p.one(T.pe, "events-pe");
    expect(pe.inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      subnet: expect.objectContaining({ id: SUBNET }),
      privateLinkServiceConnections: [
        {
          name: "events-pe",
          privateLinkServiceId: expect.stringContaining(`/subscriptions/${SUB}/resourceGroups/data/`),
          groupIds: ["namespace"],
        },
      ],
      tags,
    });
    expect(pe.propertyDependencies.privateLinkServiceConnections).toEqual([ns.urn]);
    expect(p.one(T.dns, "events-pe-dns").inputs).toMatchObject({
      privateDnsZoneGroupName: "default",
      privateDnsZoneConfigs: [{ name: "namespace", privateDnsZoneId: ZONE }],
    });
  });

  it("creates an event hub per topic with its partitions and retention, compaction on the compacted topic", () => {
    const common = { resourceGroupName: "data", namespaceName: expect.any(String) };
    expect(p.one(T.hub, "events-topic-events.raw").inputs).toEqual({
      ...common,
      eventHubName: "events.raw",
      partitionCount: 12,
      retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: 168 },
    });
    expect(p.one(T.hub, "events-topic-features").inputs).toEqual({
      ...common,
      eventHubName: "features",
      partitionCount: 6,
      retentionDescription: { cleanupPolicy: "Compact", tombstoneRetentionTimeInHours: 24 },
    });
    expect(p.one(T.hub, "events-topic-features").protect).toBe(true);
    expect(p.names(T.hub)).toHaveLength(5);
  });

  it("creates the runtime's consumer group of each stage on its input topic", () => {
    const groups = p.ofType(T.group).map((g) => [g.inputs.consumerGroupName, g.inputs.eventHubName]);
    const raw = p.one(T.hub, "events-topic-events.raw");
    expect(
      p.one(T.group, "events-group-events.raw-seawall-ingest").propertyDependencies.eventHubName,
    ).toEqual([raw.urn]);
    expect(groups.sort()).toEqual([
      ["seawall-dedup", "events.valid"],
      ["seawall-feature-writer", "features"],
      ["seawall-ingest", "events.raw"],
      ["seawall-lake-sink", "events.unique"],
    ]);
  });

  it("connects with SASL_SSL and OAUTHBEARER Entra ID tokens on the namespace's Kafka endpoint", () => {
    expect(p.output("connection")).toEqual({
      bootstrapServers: expect.any(String),
      securityProtocol: "SASL_SSL",
      saslMechanism: "OAUTHBEARER",
      oauthProvider: "azure",
    });
    expect(String((p.output("connection") as { bootstrapServers: string }).bootstrapServers)).toMatch(
      /^events[0-9a-f]*\.servicebus\.windows\.net:9093$/,
    );
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("Azure EventStream on Premium (prod)", () => {
  let p: Plan;
  beforeAll(async () => {
    const { tier, capacity } = PROFILES.prod.sizes.azure.eventStream;
    p = await stream({
      tier,
      capacity,
      topics: TOPICS,
      clientPrincipalIds: [PRINCIPAL],
      geoDisasterRecovery: { location: "northeurope", privateEndpoint: { subnetId: SUBNET } },
    });
  });

  it("encrypts the Premium namespace with a customer-managed key through a user-assigned identity granted it first", () => {
    const ns = p.one(T.namespace, "events");
    const identity = p.one(T.identity, "events-key-identity");
    const grant = p.one(T.role, "events-key-grant");
    expect(ns.inputs).toMatchObject({
      sku: { name: "Premium", tier: "Premium", capacity: 1 },
      ...secure,
      identity: {
        type: "UserAssigned",
        userAssignedIdentities: [expect.stringContaining("userAssignedIdentities/")],
      },
      encryption: {
        keySource: "Microsoft.KeyVault",
        keyVaultProperties: [
          {
            keyName: expect.any(String),
            keyVaultUri: expect.stringMatching(/^https:\/\/.+\.vault\.azure\.net\/$/),
            identity: { userAssignedIdentity: expect.stringContaining("userAssignedIdentities/") },
          },
        ],
        requireInfrastructureEncryption: true,
      },
    });
    expect(ns.inputs).not.toHaveProperty("isAutoInflateEnabled");
    expect(ns.propertyDependencies.identity).toEqual([identity.urn]);
    expect(ns.dependsOn).toContain(grant.urn);
  });

  it("grants the workload identity Data Sender and Data Receiver on the namespace", () => {
    const ns = p.one(T.namespace, "events");
    for (const [role, guid] of [
      ["sender", EVENT_HUBS_DATA_SENDER_ROLE],
      ["receiver", EVENT_HUBS_DATA_RECEIVER_ROLE],
    ]) {
      const r = p.one(T.role, `events-client-0-${role}`);
      expect(r.inputs).toEqual({
        scope: expect.stringContaining(`/subscriptions/${SUB}/resourceGroups/data/providers/`),
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        principalId: PRINCIPAL,
        principalType: "ServicePrincipal",
      });
      expect(r.propertyDependencies.scope).toEqual([ns.urn]);
    }
  });

  it("pairs a secondary Premium namespace in the other region through a geo-DR alias, after the event hubs", () => {
    const secondary = p.one(T.namespace, "events-secondary");
    expect(secondary.inputs).toMatchObject({ location: "northeurope", sku: { name: "Premium" }, ...secure });
    expect(p.one(T.vault, "events-secondary-key-vault").inputs.location).toBe("northeurope");
    const dr = p.one(T.dr, "events-geo-dr");
    expect(dr.inputs).toEqual({
      resourceGroupName: "data",
      namespaceName: expect.any(String),
      alias: expect.stringMatching(/-alias$/),
      partnerNamespace: expect.stringContaining("/events-secondary"),
    });
    expect(dr.propertyDependencies.partnerNamespace).toEqual([secondary.urn]);
    expect(dr.dependsOn).toEqual(expect.arrayContaining(p.ofType(T.hub).map((h) => h.urn)));
    expect(p.one(T.pe, "events-secondary-pe").inputs.location).toBe("northeurope");
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("is reported by the policy pack once SAS is back on (the check can fail)", async () => {
    const stripped = p.resources.map((r) =>
      r.type === T.namespace && r.name === "events"
        ? { ...r, inputs: { ...r.inputs, disableLocalAuth: false } }
        : r,
    );
    const verdicts = await evaluateResources(stripped, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => v.rule)).toEqual([
      "eventHubsLocalAuthDisabled",
    ]);
  });
});

describe("Azure EventStream validation", () => {
  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({
          resourceGroupName: "data",
          location: "westeurope",
          namespaceName: "ev",
          tier: "Standard",
          capacity: 41,
          maxThroughputUnits: 50,
          topics: [
            { name: "-bad", partitions: 33 },
            { name: "t", partitions: 1, retentionHours: 169 },
            { name: "c", partitions: 1, compaction: true, retentionHours: 24 },
            { name: "t", partitions: 1 },
          ],
          consumerGroups: [{ group: "g", topic: "nope" }],
          clientPrincipalIds: ["workers"],
          privateEndpoint: { subnetId: "endpoints" },
          geoDisasterRecovery: { location: "westeurope" },
          customerManagedKey: { args: {} },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_EVENTSTREAM_NAMESPACE_NAME", field: "namespaceName", value: "ev" },
      { code: "SEAWALL_AZURE_EVENTSTREAM_CAPACITY", field: "capacity", value: 41 },
      { code: "SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE", field: "maxThroughputUnits", value: 50 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_NAME", field: "topics[0].name", value: "-bad" },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", field: "topics[0].partitions", value: 33 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_RETENTION", field: "topics[1].retentionHours", value: 169 },
      { code: "SEAWALL_AZURE_EVENTSTREAM_COMPACT_RETENTION", field: "topics[2].retentionHours", value: 24 },
      { code: "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE", field: "topics[3].name", value: "t" },
      { code: "SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP", field: "consumerGroups[0].topic", value: "nope" },
      { code: "SEAWALL_AZURE_EVENTSTREAM_PRINCIPAL_ID", field: "clientPrincipalIds[0]", value: "workers" },
      {
        code: "SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT",
        field: "privateEndpoint.subnetId",
        value: "endpoints",
      },
      {
        code: "SEAWALL_AZURE_EVENTSTREAM_GEO_LOCATION",
        field: "geoDisasterRecovery.location",
        value: "westeurope",
      },
      { code: "SEAWALL_AZURE_EVENTSTREAM_CMK_TIER", field: "customerManagedKey", value: "args" },
    ]);
  });

  it("says Standard has no customer-managed key, and refuses Basic and auto-inflate on Premium", () => {
    expect(() =>
      validateEventStreamArgs({
        ...base,
        location: "westeurope",
        tier: "Standard",
        customerManagedKey: { args: {} },
      }),
    ).toThrow(/Event Hubs Standard has no customer-managed key \(Premium and Dedicated do\)/);
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({ ...base, location: "westeurope", tier: "Basic" as never }),
      ),
    ).toEqual([{ code: "SEAWALL_AZURE_EVENTSTREAM_TIER", field: "tier", value: "Basic" }]);
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({ ...base, location: "westeurope", capacity: 3, maxThroughputUnits: 4 }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_EVENTSTREAM_CAPACITY", field: "capacity", value: 3 },
      { code: "SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE", field: "maxThroughputUnits", value: 4 },
    ]);
    expect(problemsThrownBy(() => validateEventStreamArgs({ ...base }, undefined))).toEqual([
      { code: "SEAWALL_AZURE_EVENTSTREAM_LOCATION", field: "location", value: undefined },
    ]);
  });

  it("refuses the AWS stacks' 336-hour dead-letter retention on Standard, which keeps 7 days", () => {
    expect(
      problemsThrownBy(() =>
        validateEventStreamArgs({
          ...base,
          location: "westeurope",
          tier: "Standard",
          topics: [{ name: "events.dead-letter", partitions: 1, retentionHours: 336 }],
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_EVENTSTREAM_TOPIC_RETENTION", field: "topics[0].retentionHours", value: 336 },
    ]);
    expect(() =>
      validateEventStreamArgs({
        ...base,
        location: "westeurope",
        tier: "Premium",
        topics: [{ name: "events.dead-letter", partitions: 1, retentionHours: 2160 }],
      }),
    ).not.toThrow();
  });

  it("accepts every profile's Azure sizes and the stacks' topics", () => {
    for (const env of ENVIRONMENTS) {
      const { tier, capacity, maxThroughputUnits } = PROFILES[env].sizes.azure.eventStream;
      expect(() =>
        validateEventStreamArgs({
          ...base,
          location: "westeurope",
          tier,
          capacity,
          maxThroughputUnits,
          topics: TOPICS,
        }),
      ).not.toThrow();
    }
  });
});

describe("Azure EventStream pure logic", () => {
  it("names the pipeline's consumer groups as the runtime does", () => {
    const cfg = parseWorkerEnv({
      KAFKA_BOOTSTRAP_SERVERS: "x:9093",
      REDIS_HOST: "r",
      LAKE_BUCKET: "b",
      KAFKA_SASL_MECHANISM: "PLAIN",
      KAFKA_CREDENTIALS: "u:p",
    });
    expect(PIPELINE_CONSUMER_GROUPS).toEqual(
      consumerGroups(cfg).map(({ group, topic }) => ({ group, topic })),
    );
  });

  it("builds the Kafka endpoint, retention, and role ids", () => {
    expect(bootstrapServer("ns1")).toBe("ns1.servicebus.windows.net:9093");
    expect(retentionDescription({ name: "t", partitions: 1 })).toEqual({
      cleanupPolicy: "Delete",
      retentionTimeInHours: 168,
    });
    expect(
      roleDefinitionId(
        `/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.EventHub/namespaces/n`,
        "r",
      ),
    ).toBe(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/r`);
  });
});
