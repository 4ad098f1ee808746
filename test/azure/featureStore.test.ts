import {
  FeatureStore,
  FeatureStoreArgs,
  validateFeatureStoreArgs,
} from "../../components/azure/featureStore";
import { persistenceArgs } from "../../components/azure/featureStoreConfig";
import { ENVIRONMENTS, PROFILES } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  cluster: "azure-native:redisenterprise:RedisEnterprise",
  database: "azure-native:redisenterprise:Database",
  assignment: "azure-native:redisenterprise:AccessPolicyAssignment",
  pe: "azure-native:network:PrivateEndpoint",
  role: "azure-native:authorization:RoleAssignment",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  key: "azure-native:keyvault:Key",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZ = { "azure-native:location": "westeurope", "azure-native:subscriptionId": SUB };
const SUBNET = `/subscriptions/${SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/endpoints`;
const PRINCIPAL = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const base: FeatureStoreArgs = { resourceGroupName: "data", privateEndpoint: { subnetId: SUBNET } };

async function store(args: Partial<FeatureStoreArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new FeatureStore("features", { ...base, ...args });
    return { connection: s.connection };
  }, AZ);
}

describe("Azure FeatureStore (prod)", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ sku: PROFILES.prod.sizes.azure.featureStore.sku, clientPrincipalIds: [PRINCIPAL] });
  });

  it("creates an Azure Managed Redis cluster: HA, TLS 1.2, no public access, a customer-managed key through its identity, granted first", () => {
    const cluster = p.one(T.cluster, "features");
    expect(cluster.inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      sku: { name: "Balanced_B10" },
      highAvailability: "Enabled",
      minimumTlsVersion: "1.2",
      publicNetworkAccess: "Disabled",
      identity: { type: "UserAssigned", userAssignedIdentities: [expect.any(String)] },
      encryption: {
        customerManagedKeyEncryption: {
          keyEncryptionKeyUrl: expect.stringMatching(/^https:\/\/.+\.vault\.azure\.net\/keys\//),
          keyEncryptionKeyIdentity: {
            identityType: "userAssignedIdentity",
            userAssignedIdentityResourceId: expect.any(String),
          },
        },
      },
      tags: { "seawall-component": "feature-store" },
    });
    expect(cluster.propertyDependencies.identity).toEqual([p.one(T.identity, "features-key-identity").urn]);
    expect(cluster.dependsOn).toContain(p.one(T.role, "features-key-grant").urn);
    expect(cluster.protect).toBe(true);
  });

  it("creates the default database: encrypted protocol, Enterprise clustering (one endpoint), access keys off, VolatileLRU, AOF every second", () => {
    const db = p.one(T.database, "features");
    expect(db.inputs).toEqual({
      resourceGroupName: "data",
      clusterName: expect.any(String),
      databaseName: "default",
      port: 10000,
      clientProtocol: "Encrypted",
      clusteringPolicy: "EnterpriseCluster",
      evictionPolicy: "VolatileLRU",
      persistence: { aofEnabled: true, rdbEnabled: false, aofFrequency: "1s" },
      accessKeysAuthentication: "Disabled",
    });
    expect(db.propertyDependencies.clusterName).toEqual([p.one(T.cluster, "features").urn]);
    expect(db.protect).toBe(true);
  });

  it("gives the workload identity the default access policy (Entra ID) and a private endpoint to the cluster", () => {
    expect(p.one(T.assignment, "features-client-0").inputs).toEqual({
      resourceGroupName: "data",
      clusterName: expect.any(String),
      databaseName: expect.any(String),
      accessPolicyAssignmentName: "client0",
      accessPolicyName: "default",
      user: { objectId: PRINCIPAL },
    });
    const pe = p.one(T.pe, "features-pe");
    expect(pe.inputs.privateLinkServiceConnections).toEqual([
      { name: "features-pe", privateLinkServiceId: expect.any(String), groupIds: ["redisEnterprise"] },
    ]);
    expect(pe.propertyDependencies.privateLinkServiceConnections).toEqual([p.one(T.cluster, "features").urn]);
  });

  it("connects with TLS on port 10000 with Entra ID auth", () => {
    expect(p.output("connection")).toEqual({
      host: expect.any(String),
      port: 10000,
      tls: true,
      authMode: "azure-entra",
    });
  });

  it("passes every mandatory rule of the prod policy config (the Redis rules judge the redisenterprise types)", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
    const opened = p.resources.map((r) =>
      r.type === T.cluster ? { ...r, inputs: { ...r.inputs, publicNetworkAccess: "Enabled" } } : r,
    );
    const failing = await evaluateResources(opened, { environment: "prod" });
    expect(failing.filter((v) => v.level === "mandatory").map((v) => v.rule)).toEqual([
      "azureRedisNoPublicNetwork",
    ]);
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("Azure FeatureStore options", () => {
  it("takes RDB persistence, another eviction policy, HA off as an opt-out and a Microsoft-managed key when skipped", async () => {
    const p = await store({
      persistence: { mode: "RDB", frequency: "6h" },
      evictionPolicy: "AllKeysLRU",
      highAvailability: false,
      customerManagedKey: { skip: true },
      protect: false,
    });
    const cluster = p.one(T.cluster, "features");
    expect(cluster.inputs.highAvailability).toBe("Disabled");
    expect(cluster.inputs).not.toHaveProperty("encryption");
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.database, "features").inputs).toMatchObject({
      evictionPolicy: "AllKeysLRU",
      persistence: { aofEnabled: false, rdbEnabled: true, rdbFrequency: "6h" },
    });
    expect(cluster.protect).toBe(false);
  });
});

describe("Azure FeatureStore validation", () => {
  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(() =>
        validateFeatureStoreArgs({
          resourceGroupName: "data",
          location: "West Europe",
          clusterName: "-fs",
          sku: "Enterprise_E10",
          evictionPolicy: "volatile-lru" as never,
          persistence: { mode: "AOF", frequency: "6h" as never },
          clientPrincipalIds: ["workers"],
          privateEndpoint: { subnetId: "endpoints" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_FEATURESTORE_LOCATION", field: "location", value: "West Europe" },
      { code: "SEAWALL_AZURE_FEATURESTORE_CLUSTER_NAME", field: "clusterName", value: "-fs" },
      { code: "SEAWALL_AZURE_FEATURESTORE_SKU", field: "sku", value: "Enterprise_E10" },
      { code: "SEAWALL_AZURE_FEATURESTORE_EVICTION_POLICY", field: "evictionPolicy", value: "volatile-lru" },
      { code: "SEAWALL_AZURE_FEATURESTORE_PERSISTENCE", field: "persistence.frequency", value: "6h" },
      { code: "SEAWALL_AZURE_FEATURESTORE_PRINCIPAL_ID", field: "clientPrincipalIds[0]", value: "workers" },
      {
        code: "SEAWALL_AZURE_FEATURESTORE_PRIVATE_ENDPOINT",
        field: "privateEndpoint.subnetId",
        value: "endpoints",
      },
    ]);
  });

  it("says the Enterprise SKUs are retiring, and refuses running without persistence", () => {
    expect(() =>
      validateFeatureStoreArgs({ ...base, location: "westeurope", sku: "Enterprise_E10" }),
    ).toThrow(/Azure Cache for Redis Enterprise SKU, which is being retired/);
    expect(
      problemsThrownBy(() =>
        validateFeatureStoreArgs({ ...base, location: "westeurope", persistence: { mode: "OFF" } as never }),
      ),
    ).toEqual([{ code: "SEAWALL_AZURE_FEATURESTORE_PERSISTENCE", field: "persistence.mode", value: "OFF" }]);
  });

  it("accepts every profile's Azure Managed Redis SKU", () => {
    for (const env of ENVIRONMENTS) {
      const { sku } = PROFILES[env].sizes.azure.featureStore;
      expect(() => validateFeatureStoreArgs({ ...base, location: "westeurope", sku })).not.toThrow();
    }
    expect(persistenceArgs({ mode: "RDB" })).toEqual({
      aofEnabled: false,
      rdbEnabled: true,
      rdbFrequency: "1h",
    });
  });
});
