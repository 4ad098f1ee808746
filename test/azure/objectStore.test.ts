import * as pulumi from "@pulumi/pulumi";
import {
  AzureObjectStoreArgs,
  ObjectStore,
  validateAzureObjectStoreArgs,
} from "../../components/azure/objectStore";
import { lifecycleRules } from "../../components/azure/objectStoreLifecycle";
import { Network } from "../../components/azure/network";
import { evaluateResources } from "../../policies/check";
import { acceptedForms, plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  account: "azure-native:storage:StorageAccount",
  blob: "azure-native:storage:BlobServiceProperties",
  policy: "azure-native:storage:ManagementPolicy",
  container: "azure-native:storage:BlobContainer",
  replication: "azure-native:storage:ObjectReplicationPolicy",
  endpoint: "azure-native:network:PrivateEndpoint",
  zoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  identity: "azure-native:managedidentity:UserAssignedIdentity",
  grant: "azure-native:authorization:RoleAssignment",
};

const SUB = "11111111-2222-4333-8444-555555555555";
const AZURE = { "azure-native:subscriptionId": SUB, "azure-native:location": "westeurope" };
const RG = `/subscriptions/${SUB}/resourceGroups/data`;
const SUBNET = `${RG}/providers/Microsoft.Network/virtualNetworks/core/subnets/endpoints`;
const ZONES = {
  blob: `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net`,
  dfs: `${RG}/providers/Microsoft.Network/privateDnsZones/privatelink.dfs.core.windows.net`,
};
const BASE: AzureObjectStoreArgs = {
  resourceGroupName: "data",
  privateEndpoints: { subnetId: SUBNET, privateDnsZoneIds: ZONES },
};
const PROD: AzureObjectStoreArgs = { ...BASE, replication: { args: { location: "northeurope" } } };

async function store(args: Partial<AzureObjectStoreArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new ObjectStore("lake", { ...BASE, ...args });
    return {
      accountId: s.accountId,
      accountName: s.accountName,
      replicaAccountId: s.replicaAccountId,
      identityId: s.identityId,
      location: s.location,
    };
  }, AZURE);
}

const nameOf = (id: unknown) => String(id).split("/").pop();

describe("ObjectStore: prod (replicated)", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ replication: { args: { location: "northeurope" } }, tags: { team: "data" } });
  });

  it("creates a StorageV2 RA-GZRS account: HTTPS only, TLS 1.2, no public blob access, no shared keys, no public network, infrastructure encryption with the customer-managed key", () => {
    const keyUri = p.one(T.key, "lake-key");
    expect(keyUri).toBeDefined();
    const identity = p.output("identityId") as string;
    expect(p.one(T.account, "lake").inputs).toEqual({
      resourceGroupName: "data",
      location: "westeurope",
      kind: "StorageV2",
      sku: { name: "Standard_RAGZRS" },
      accessTier: "Hot",
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      allowCrossTenantReplication: false,
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
      isHnsEnabled: false,
      isSftpEnabled: false,
      isLocalUserEnabled: false,
      identity: { type: "UserAssigned", userAssignedIdentities: [identity] },
      encryption: {
        keySource: "Microsoft.Keyvault",
        keyVaultProperties: {
          keyName: expect.stringMatching(/^lake-key[0-9a-f]{8}$/),
          keyVaultUri: expect.stringMatching(/^https:\/\/lake-key-vault[0-9a-f]{8}\.vault\.azure\.net\/$/),
        },
        encryptionIdentity: { encryptionUserAssignedIdentity: identity },
        requireInfrastructureEncryption: true,
        services: {
          blob: { enabled: true, keyType: "Account" },
          file: { enabled: true, keyType: "Account" },
        },
      },
      tags: { team: "data" },
    });
    expect(identity).toMatch(/\/userAssignedIdentities\/lake-key-identity[0-9a-f]{8}$/);
  });

  it("waits for the identity's grant on the key, and protects the account", () => {
    expect(p.one(T.account, "lake").dependsOn).toContain(p.one(T.grant, "lake-key-grant").urn);
    expect(p.one(T.account, "lake").protect).toBe(true);
    expect(p.one(T.container, "lake").protect).toBe(true);
  });

  it("keeps versions, a change feed, soft-deleted blobs and containers, and point-in-time restore shorter than soft delete", () => {
    expect(p.one(T.blob, "lake").inputs).toEqual({
      resourceGroupName: "data",
      accountName: nameOf(p.output("accountId")),
      blobServicesName: "default",
      isVersioningEnabled: true,
      changeFeed: { enabled: true, retentionInDays: 90 },
      deleteRetentionPolicy: { enabled: true, days: 30, allowPermanentDelete: false },
      containerDeleteRetentionPolicy: { enabled: true, days: 30 },
      restorePolicy: { enabled: true, days: 29 },
    });
  });

  it("tiers blobs to Cool and Cold (no Archive on zone-redundant accounts) and deletes old versions, under the container", () => {
    const filters = { blobTypes: ["blockBlob"], prefixMatch: ["lake/"] };
    expect(p.one(T.policy, "lake").inputs).toEqual({
      resourceGroupName: "data",
      accountName: nameOf(p.output("accountId")),
      managementPolicyName: "default",
      policy: {
        rules: [
          {
            name: "tiering",
            enabled: true,
            type: "Lifecycle",
            definition: {
              filters,
              actions: {
                baseBlob: {
                  tierToCool: { daysAfterModificationGreaterThan: 30 },
                  tierToCold: { daysAfterModificationGreaterThan: 90 },
                },
              },
            },
          },
          {
            name: "expire-old-versions",
            enabled: true,
            type: "Lifecycle",
            definition: { filters, actions: { version: { delete: { daysAfterCreationGreaterThan: 90 } } } },
          },
        ],
      },
    });
  });

  it("makes a private container", () => {
    expect(p.one(T.container, "lake").inputs).toEqual({
      resourceGroupName: "data",
      accountName: nameOf(p.output("accountId")),
      containerName: "lake",
      publicAccess: "None",
    });
  });

  it("reaches the account through Blob and Data Lake private endpoints registered in their DNS zones", () => {
    for (const group of ["blob", "dfs"] as const) {
      expect(p.one(T.endpoint, `lake-${group}-pe`).inputs).toMatchObject({
        resourceGroupName: "data",
        location: "westeurope",
        subnet: { id: SUBNET },
        privateLinkServiceConnections: [
          { name: `lake-${group}-pe`, privateLinkServiceId: p.output("accountId"), groupIds: [group] },
        ],
      });
      expect(p.one(T.zoneGroup, `lake-${group}-pe-dns`).inputs.privateDnsZoneConfigs).toEqual([
        { name: group, privateDnsZoneId: ZONES[group] },
      ]);
    }
  });

  it("replicates to an account of the same redundancy in the paired region, encrypted with its own key there, versioned and restorable", () => {
    const replica = p.one(T.account, "lake-replica").inputs;
    expect(replica).toMatchObject({
      location: "northeurope",
      sku: { name: "Standard_RAGZRS" },
      publicNetworkAccess: "Disabled",
      allowSharedKeyAccess: false,
      encryption: {
        keySource: "Microsoft.Keyvault",
        requireInfrastructureEncryption: true,
        keyVaultProperties: { keyVaultUri: expect.stringMatching(/^https:\/\/lake-replica-key-vault/) },
      },
    });
    expect(p.one(T.vault, "lake-replica-key-vault").inputs.location).toBe("northeurope");
    const blob = p.one(T.blob, "lake-replica").inputs;
    expect(blob.isVersioningEnabled).toBe(true);
    expect(blob.changeFeed).toEqual({ enabled: true, retentionInDays: 90 });
    expect(blob.restorePolicy).toEqual({ enabled: true, days: 29 });
  });

  it("creates the replication policy on the destination first, then on the source with the ids Azure assigned", () => {
    const source = p.output("accountId");
    const destination = p.output("replicaAccountId");
    const dst = p.one(T.replication, "lake-replica");
    expect(dst.inputs).toEqual({
      resourceGroupName: "data",
      accountName: nameOf(destination),
      objectReplicationPolicyId: "default",
      sourceAccount: source,
      destinationAccount: destination,
      rules: [{ sourceContainer: "lake", destinationContainer: "lake" }],
    });
    const src = p.one(T.replication, "lake");
    expect(src.inputs).toEqual({
      resourceGroupName: "data",
      accountName: nameOf(source),
      objectReplicationPolicyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sourceAccount: source,
      destinationAccount: destination,
      rules: [
        {
          ruleId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          sourceContainer: "lake",
          destinationContainer: "lake",
        },
      ],
    });
    expect(src.propertyDependencies.objectReplicationPolicyId).toEqual([dst.urn]);
    expect(src.dependsOn).toEqual(
      expect.arrayContaining([p.one(T.blob, "lake").urn, p.one(T.blob, "lake-replica").urn]),
    );
  });

  it("publishes an abfss location with the replica", () => {
    const account = nameOf(p.output("accountId"));
    const replica = nameOf(p.output("replicaAccountId"));
    expect(p.output("location")).toEqual({
      scheme: "abfss",
      bucket: `lake@${account}.dfs.core.windows.net`,
      prefix: "",
      region: "westeurope",
      replica: { bucket: `lake@${replica}.dfs.core.windows.net`, region: "northeurope" },
    });
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory")).toEqual([]);
  });
});

describe("ObjectStore: settings", () => {
  it("is ZRS without replication (dev), with no replica", async () => {
    const p = await store();
    expect(p.one(T.account, "lake").inputs.sku).toEqual({ name: "Standard_ZRS" });
    expect(p.ofType(T.replication)).toEqual([]);
    expect(p.ofType(T.account)).toHaveLength(1);
    expect((p.output("location") as Record<string, unknown>).replica).toBeUndefined();
  });

  it("adds Archive on a GRS account, and takes the lifecycle days, soft delete and restore window from args", async () => {
    const p = await store({
      sku: "Standard_GRS",
      prefix: "events/",
      lifecycle: {
        infrequentAccessAfterDays: 10,
        coldAfterDays: 20,
        archiveAfterDays: 40,
        expireNoncurrentAfterDays: 5,
      },
      softDeleteDays: 14,
      containerSoftDeleteDays: 7,
      pointInTimeRestoreDays: 7,
      changeFeedRetentionDays: 30,
      protect: false,
    });
    expect(p.one(T.policy, "lake").inputs.policy).toEqual({
      rules: lifecycleRules(
        {
          infrequentAccessAfterDays: 10,
          coldAfterDays: 20,
          archiveAfterDays: 40,
          expireNoncurrentAfterDays: 5,
        },
        "Standard_GRS",
        "lake/events/",
      ),
    });
    expect(
      (p.one(T.policy, "lake").inputs.policy as { rules: { definition: { actions: unknown } }[] }).rules[0]
        .definition.actions,
    ).toEqual({
      baseBlob: {
        tierToCool: { daysAfterModificationGreaterThan: 10 },
        tierToCold: { daysAfterModificationGreaterThan: 20 },
        tierToArchive: { daysAfterModificationGreaterThan: 40 },
      },
    });
    expect(p.one(T.blob, "lake").inputs).toMatchObject({
      changeFeed: { enabled: true, retentionInDays: 30 },
      deleteRetentionPolicy: { enabled: true, days: 14, allowPermanentDelete: false },
      containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      restorePolicy: { enabled: true, days: 7 },
    });
    expect(p.one(T.account, "lake").protect).toBe(false);
    expect((p.output("location") as Record<string, unknown>).prefix).toBe("events/");
  });

  it("turns on version-level immutability (WORM), unlocked unless asked", async () => {
    const p = await store({ immutability: { days: 365 } });
    expect(p.one(T.account, "lake").inputs.immutableStorageWithVersioning).toEqual({
      enabled: true,
      immutabilityPolicy: {
        immutabilityPeriodSinceCreationInDays: 365,
        state: "Unlocked",
        allowProtectedAppendWrites: false,
      },
    });
    const locked = await store({ immutability: { days: 30, locked: true } });
    expect(locked.one(T.account, "lake").inputs.immutableStorageWithVersioning).toMatchObject({
      immutabilityPolicy: { state: "Locked" },
    });
  });

  it("uses a brought key and names the account", async () => {
    const vaultId = `${RG}/providers/Microsoft.KeyVault/vaults/lake-keys`;
    const p = await store({
      accountName: "seawalllake",
      key: { existing: { keyId: "https://lake-keys.vault.azure.net/keys/lake", vaultId } },
    });
    expect(p.ofType(T.vault)).toEqual([]);
    expect(p.one(T.account, "lake").inputs).toMatchObject({
      accountName: "seawalllake",
      encryption: {
        keyVaultProperties: { keyName: "lake", keyVaultUri: "https://lake-keys.vault.azure.net/" },
      },
    });
    expect(p.one(T.grant, "lake-key-grant").inputs.scope).toBe(`${vaultId}/keys/lake`);
  });
});

describe("validateAzureObjectStoreArgs", () => {
  const v = (args: Partial<AzureObjectStoreArgs> | Record<string, unknown>) => () =>
    validateAzureObjectStoreArgs({ ...BASE, ...args } as AzureObjectStoreArgs, "westeurope");

  it("accepts the defaults and prod", () => {
    expect(v({})).not.toThrow();
    expect(v(PROD)).not.toThrow();
  });

  it("lists every bad name, location and sku with its code", () => {
    expect(
      problemsThrownBy(
        v({
          location: "West Europe",
          accountName: "Lake_Store",
          containerName: "a--b",
          prefix: "/events",
          sku: "Premium_LRS" as never,
          privateEndpoints: { subnetId: "endpoints" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_OBJECTSTORE_LOCATION", field: "location", value: "West Europe" },
      { code: "SEAWALL_AZURE_OBJECTSTORE_ACCOUNT_NAME", field: "accountName", value: "Lake_Store" },
      { code: "SEAWALL_AZURE_OBJECTSTORE_CONTAINER_NAME", field: "containerName", value: "a--b" },
      { code: "SEAWALL_AZURE_OBJECTSTORE_PREFIX", field: "prefix", value: "/events" },
      { code: "SEAWALL_AZURE_OBJECTSTORE_SKU", field: "sku", value: "Premium_LRS" },
      {
        code: "SEAWALL_AZURE_OBJECTSTORE_PRIVATE_ENDPOINT",
        field: "privateEndpoints.subnetId",
        value: "endpoints",
      },
    ]);
  });

  it("refuses a replica in the account's own region", () => {
    expect(problemsThrownBy(v({ replication: { args: { location: "westeurope" } } }))).toEqual([
      {
        code: "SEAWALL_AZURE_OBJECTSTORE_REPLICA_LOCATION",
        field: "replication.args.location",
        value: "westeurope",
      },
    ]);
  });

  it("refuses skipping the customer-managed key, saying why", () => {
    expect(v({ key: { skip: true } })).toThrow(
      `key = "{ skip: true }": a customer-managed key is required (the lake's objects); ${acceptedForms(["existing", "args"])} [SEAWALL_HELPER_FORM_UNSUPPORTED]`,
    );
  });

  it("checks the lifecycle's days and order, Archive on zone-redundant accounts, and multipart aborts Azure lacks", () => {
    expect(
      problemsThrownBy(
        v({
          lifecycle: {
            infrequentAccessAfterDays: 60,
            coldAfterDays: 30,
            archiveAfterDays: 200,
            abortIncompleteMultipartAfterDays: 7,
          },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER", field: "lifecycle.coldAfterDays", value: 30 },
      {
        code: "SEAWALL_AZURE_OBJECTSTORE_ARCHIVE_REDUNDANCY",
        field: "lifecycle.archiveAfterDays",
        value: 200,
      },
      {
        code: "SEAWALL_AZURE_OBJECTSTORE_UNSUPPORTED",
        field: "lifecycle.abortIncompleteMultipartAfterDays",
        value: 7,
      },
    ]);
    expect(
      problemsThrownBy(
        v({ sku: "Standard_LRS", lifecycle: { archiveAfterDays: 60, expireNoncurrentAfterDays: -1 } }),
      ),
    ).toEqual([
      {
        code: "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_DAYS",
        field: "lifecycle.expireNoncurrentAfterDays",
        value: -1,
      },
      { code: "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER", field: "lifecycle.archiveAfterDays", value: 60 },
    ]);
  });

  it("keeps point-in-time restore inside soft delete and the change feed", () => {
    expect(
      problemsThrownBy(
        v({
          softDeleteDays: 400,
          containerSoftDeleteDays: 0,
          pointInTimeRestoreDays: 30,
          changeFeedRetentionDays: 10,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE", field: "softDeleteDays", value: 400 },
      { code: "SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE", field: "containerSoftDeleteDays", value: 0 },
      { code: "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS", field: "changeFeedRetentionDays", value: 10 },
    ]);
    expect(problemsThrownBy(v({ pointInTimeRestoreDays: 30 }))).toEqual([
      { code: "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS", field: "pointInTimeRestoreDays", value: 30 },
    ]);
  });

  it("checks immutability's retention, and passes a subnet unknown until deploy", () => {
    expect(problemsThrownBy(v({ immutability: { days: 0 } }))).toEqual([
      { code: "SEAWALL_AZURE_OBJECTSTORE_IMMUTABILITY", field: "immutability.days", value: 0 },
    ]);
    expect(v({ privateEndpoints: { subnetId: pulumi.output(SUBNET) } })).not.toThrow();
  });
});

describe("ObjectStore with the Network", () => {
  it("takes its endpoints' subnet and DNS zones from the Network, and the whole passes the prod rules", async () => {
    const p = await plan(() => {
      const net = new Network("core");
      const s = new ObjectStore("lake", {
        resourceGroupName: net.resourceGroupName,
        privateEndpoints: {
          subnetId: net.privateEndpointsSubnetId,
          privateDnsZoneIds: { blob: net.privateDnsZoneIds.blob, dfs: net.privateDnsZoneIds.dfs },
        },
        replication: { args: { location: "northeurope" } },
      });
      return {
        subnet: net.privateEndpointsSubnetId,
        blobZone: net.privateDnsZoneIds.blob,
        account: s.accountId,
      };
    }, AZURE);
    expect(p.one(T.endpoint, "lake-blob-pe").inputs.subnet).toMatchObject({ id: p.output("subnet") });
    expect(p.one(T.zoneGroup, "lake-blob-pe-dns").inputs.privateDnsZoneConfigs).toEqual([
      { name: "blob", privateDnsZoneId: p.output("blobZone") },
    ]);
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((x) => x.level === "mandatory")).toEqual([]);
  });
});
