import { apiVersionOf, tlsVersion } from "../../../policies/lib/azure";
import { eventHubsKafkaTier } from "../../../policies/rules/azure/eventhub/eventHubsKafkaTier";
import { eventHubsLocalAuthDisabled } from "../../../policies/rules/azure/eventhub/eventHubsLocalAuthDisabled";
import { eventHubsMinimumTls12 } from "../../../policies/rules/azure/eventhub/eventHubsMinimumTls12";
import { postgresBackupRetention } from "../../../policies/rules/azure/postgresql/postgresBackupRetention";
import { postgresGeoRedundantBackup } from "../../../policies/rules/azure/postgresql/postgresGeoRedundantBackup";
import { azureRedisMinimumTls12 } from "../../../policies/rules/azure/redis/azureRedisMinimumTls12";
import { azureRedisNoPublicNetwork } from "../../../policies/rules/azure/redis/azureRedisNoPublicNetwork";
import { azureRedisTlsOnly } from "../../../policies/rules/azure/redis/azureRedisTlsOnly";
import { blobPointInTimeRestore } from "../../../policies/rules/azure/storage/blobPointInTimeRestore";
import { blobSoftDeleteEnabled } from "../../../policies/rules/azure/storage/blobSoftDeleteEnabled";
import { blobVersioningEnabled } from "../../../policies/rules/azure/storage/blobVersioningEnabled";
import { storageGeoRedundant } from "../../../policies/rules/azure/storage/storageGeoRedundant";
import { storageHttpsOnly } from "../../../policies/rules/azure/storage/storageHttpsOnly";
import { storageInfrastructureEncryption } from "../../../policies/rules/azure/storage/storageInfrastructureEncryption";
import { storageMinimumTls12 } from "../../../policies/rules/azure/storage/storageMinimumTls12";
import { storageNetworkRestricted } from "../../../policies/rules/azure/storage/storageNetworkRestricted";
import { storageNoPublicBlobAccess } from "../../../policies/rules/azure/storage/storageNoPublicBlobAccess";
import { storageSharedKeyDisabled } from "../../../policies/rules/azure/storage/storageSharedKeyDisabled";
import { describeRule, unknown } from "../helpers";

const SA = "azure-native:storage:StorageAccount";
const SA_2022 = "azure-native:storage/v20220901:StorageAccount";
const SA_2024 = "azure-native:storage/v20240101:StorageAccount";
const BLOB = "azure-native:storage:BlobServiceProperties";
const REDIS = "azure-native:redis:Redis";
const AMR = "azure-native:redisenterprise:RedisEnterprise";
const AMR_DB = "azure-native:redisenterprise:Database";
const EH = "azure-native:eventhub:Namespace";
const PG = "azure-native:dbforpostgresql:Server";
const notAzure = [{ name: "does not judge a GCS bucket", type: "gcp:storage/bucket:Bucket", props: {} }];

describeRule(storageHttpsOnly, {
  type: SA,
  compliant: [
    { name: "passes with the default (HTTPS only)", props: {} },
    {
      name: "passes explicit true on a versioned token",
      type: SA_2022,
      props: { enableHttpsTrafficOnly: true },
    },
  ],
  violating: [
    { name: "fails when HTTP is allowed", props: { enableHttpsTrafficOnly: false } },
    { name: "fails HTTP on an API-versioned alias", type: SA_2024, props: { enableHttpsTrafficOnly: false } },
    {
      name: "fails unset on an API before 2019-04-01, whose default is HTTP allowed",
      type: "azure-native:storage/v20180701:StorageAccount",
      props: {},
      message: "enableHttpsTrafficOnly is unset and this API version defaults it to false",
    },
  ],
  notApplicable: notAzure,
  unknown: [{ name: "skips when unknown", props: { enableHttpsTrafficOnly: unknown.boolean } }],
});

describeRule(storageMinimumTls12, {
  type: SA,
  compliant: [
    { name: "passes TLS1_2", props: { minimumTlsVersion: "TLS1_2" } },
    { name: "passes TLS1_3", type: SA_2024, props: { minimumTlsVersion: "TLS1_3" } },
  ],
  violating: [
    { name: "fails with the API default (TLS1_0)", props: {}, message: "API default is TLS1_0" },
    { name: "fails TLS1_0", props: { minimumTlsVersion: "TLS1_0" } },
    { name: "fails TLS1_1 on a versioned alias", type: SA_2022, props: { minimumTlsVersion: "TLS1_1" } },
  ],
  notApplicable: notAzure,
  unknown: [{ name: "skips when unknown", props: { minimumTlsVersion: unknown.string } }],
});

describeRule(storageNoPublicBlobAccess, {
  type: SA,
  compliant: [
    { name: "passes with the current API default (false)", props: {} },
    { name: "passes explicit false on an old API", type: SA_2022, props: { allowBlobPublicAccess: false } },
  ],
  violating: [
    { name: "fails when public blob access is allowed", props: { allowBlobPublicAccess: true } },
    {
      name: "fails unset on an API older than 2023-01-01 (default true)",
      type: SA_2022,
      props: {},
      message: "defaults it to true",
    },
  ],
  unknown: [{ name: "skips when unknown", props: { allowBlobPublicAccess: unknown.boolean } }],
});

describeRule(storageNetworkRestricted, {
  type: SA,
  compliant: [
    { name: "passes public network access disabled", props: { publicNetworkAccess: "Disabled" } },
    {
      name: "passes default-deny network rules",
      props: { networkRuleSet: { defaultAction: "Deny", ipRules: [] } },
    },
  ],
  violating: [
    { name: "fails with the defaults (Enabled, Allow)", props: {}, message: '"Enabled"' },
    {
      name: "fails explicit Allow",
      props: { publicNetworkAccess: "Enabled", networkRuleSet: { defaultAction: "Allow" } },
    },
  ],
  unknown: [{ name: "skips when unknown", props: { publicNetworkAccess: unknown.string } }],
});

describeRule(storageGeoRedundant, {
  type: SA,
  compliant: [
    { name: "passes GZRS", props: { sku: { name: "Standard_GZRS" } } },
    { name: "passes RA-GRS", props: { sku: { name: "Standard_RAGRS" } } },
  ],
  violating: [
    { name: "fails LRS", props: { sku: { name: "Standard_LRS" } }, message: "Standard_LRS" },
    { name: "fails ZRS", props: { sku: { name: "Standard_ZRS" } } },
    { name: "fails Premium LRS", props: { sku: { name: "Premium_LRS" } } },
  ],
  unknown: [{ name: "skips when the SKU is unknown", props: { sku: unknown.object } }],
});

describeRule(storageSharedKeyDisabled, {
  type: SA,
  compliant: [{ name: "passes shared key off", props: { allowSharedKeyAccess: false } }],
  violating: [
    { name: "fails with the default (shared key allowed)", props: {} },
    { name: "fails explicit true", props: { allowSharedKeyAccess: true } },
  ],
  unknown: [{ name: "skips when unknown", props: { allowSharedKeyAccess: unknown.boolean } }],
});

describeRule(storageInfrastructureEncryption, {
  type: SA,
  compliant: [
    {
      name: "passes with infrastructure encryption",
      props: { encryption: { requireInfrastructureEncryption: true } },
    },
  ],
  violating: [
    { name: "fails with the default (off)", props: {} },
    {
      name: "fails with encryption set but infrastructure encryption off",
      props: { encryption: { keySource: "Microsoft.Keyvault" } },
    },
  ],
  unknown: [{ name: "skips when unknown", props: { encryption: unknown.object } }],
});

describeRule(blobVersioningEnabled, {
  type: BLOB,
  compliant: [
    { name: "passes versioning on", props: { isVersioningEnabled: true } },
    {
      name: "passes on a versioned alias",
      type: "azure-native:storage/v20230101:BlobServiceProperties",
      props: { isVersioningEnabled: true },
    },
  ],
  violating: [
    { name: "fails with the default (off)", props: {} },
    { name: "fails explicit false", props: { isVersioningEnabled: false } },
  ],
  notApplicable: [{ name: "does not judge the storage account", type: SA, props: {} }],
  unknown: [{ name: "skips when unknown", props: { isVersioningEnabled: unknown.boolean } }],
});

const softDelete = {
  deleteRetentionPolicy: { enabled: true, days: 14 },
  containerDeleteRetentionPolicy: { enabled: true, days: 14 },
};
describeRule(blobSoftDeleteEnabled, {
  type: BLOB,
  compliant: [
    { name: "passes 14 days for blobs and containers", props: softDelete },
    {
      name: "passes 14 days against a configured 14",
      props: softDelete,
      config: { minimumRetentionDays: 14 },
    },
  ],
  violating: [
    {
      name: "fails with the defaults (both off)",
      props: {},
      message: "deleteRetentionPolicy is not enabled",
    },
    {
      name: "fails container soft delete off",
      props: { ...softDelete, containerDeleteRetentionPolicy: { enabled: false } },
      message: "containerDeleteRetentionPolicy",
    },
    {
      name: "fails 3 days",
      props: { ...softDelete, deleteRetentionPolicy: { enabled: true, days: 3 } },
      message: "days is 3; at least 7",
    },
  ],
  unknown: [{ name: "skips when unknown", props: { deleteRetentionPolicy: unknown.object } }],
});

describeRule(blobPointInTimeRestore, {
  type: BLOB,
  compliant: [
    {
      name: "passes restore with change feed",
      props: { restorePolicy: { enabled: true, days: 7 }, changeFeed: { enabled: true } },
    },
  ],
  violating: [
    { name: "fails with the default (off)", props: {}, message: "restorePolicy is not enabled" },
    {
      name: "fails restore without change feed",
      props: { restorePolicy: { enabled: true, days: 7 } },
      message: "changeFeed",
    },
  ],
  unknown: [{ name: "skips when unknown", props: { restorePolicy: unknown.object } }],
});

describeRule(azureRedisTlsOnly, {
  type: REDIS,
  compliant: [
    { name: "passes Azure Cache for Redis with the default (no non-TLS port)", props: {} },
    { name: "passes an Azure Managed Redis database with the default (Encrypted)", type: AMR_DB, props: {} },
    {
      name: "passes the cache-module alias",
      type: "azure-native:cache:Redis",
      props: { enableNonSslPort: false },
    },
  ],
  violating: [
    { name: "fails the non-TLS port", props: { enableNonSslPort: true }, message: "enableNonSslPort" },
    {
      name: "fails a Plaintext managed database",
      type: AMR_DB,
      props: { clientProtocol: "Plaintext" },
      message: "Plaintext",
    },
    {
      name: "fails a Plaintext database on a versioned alias",
      type: "azure-native:redisenterprise/v20240901preview:Database",
      props: { clientProtocol: "Plaintext" },
    },
  ],
  notApplicable: [
    { name: "does not judge the managed cluster (its databases carry the protocol)", type: AMR, props: {} },
  ],
  unknown: [{ name: "skips when unknown", props: { enableNonSslPort: unknown.boolean } }],
});

describeRule(azureRedisMinimumTls12, {
  type: REDIS,
  compliant: [
    { name: "passes with the default (1.2 for new caches)", props: {} },
    { name: "passes explicit 1.2 on Azure Managed Redis", type: AMR, props: { minimumTlsVersion: "1.2" } },
  ],
  violating: [
    { name: "fails 1.0", props: { minimumTlsVersion: "1.0" }, message: '"1.0"' },
    { name: "fails 1.1", props: { minimumTlsVersion: "1.1" } },
  ],
  unknown: [{ name: "skips when unknown", props: { minimumTlsVersion: unknown.string } }],
});

describeRule(azureRedisNoPublicNetwork, {
  type: REDIS,
  compliant: [
    { name: "passes public access disabled", props: { publicNetworkAccess: "Disabled" } },
    {
      name: "passes a Premium cache injected into a virtual network (not publicly addressable)",
      props: {
        sku: { name: "Premium", family: "P", capacity: 1 },
        subnetId: "/subscriptions/s/vnets/v/subnets/cache",
      },
    },
    {
      name: "passes Azure Managed Redis without the switch (not settable in this API)",
      type: AMR,
      props: {},
    },
  ],
  violating: [
    { name: "fails with the default (Enabled)", props: {}, message: '"Enabled"' },
    {
      name: "fails Azure Managed Redis with public access enabled",
      type: AMR,
      props: { publicNetworkAccess: "Enabled" },
    },
  ],
  unknown: [
    { name: "skips when unknown", props: { publicNetworkAccess: unknown.string } },
    { name: "skips when the subnet is unknown until deploy", props: { subnetId: unknown.string } },
  ],
});

describeRule(eventHubsMinimumTls12, {
  type: EH,
  compliant: [
    { name: "passes with the current API default (1.2)", props: {} },
    {
      name: "passes explicit 1.2 on an old API",
      type: "azure-native:eventhub/v20211101:Namespace",
      props: { minimumTlsVersion: "1.2" },
    },
  ],
  violating: [
    { name: "fails 1.0", props: { minimumTlsVersion: "1.0" } },
    {
      name: "fails unset on an API before 2022 (default 1.0)",
      type: "azure-native:eventhub/v20211101:Namespace",
      props: {},
      message: "defaults to 1.0",
    },
  ],
  unknown: [{ name: "skips when unknown", props: { minimumTlsVersion: unknown.string } }],
});

describeRule(eventHubsLocalAuthDisabled, {
  type: EH,
  compliant: [{ name: "passes with local auth off", props: { disableLocalAuth: true } }],
  violating: [
    { name: "fails with the default (SAS allowed)", props: {} },
    { name: "fails explicit false", props: { disableLocalAuth: false } },
  ],
  unknown: [{ name: "skips when unknown", props: { disableLocalAuth: unknown.boolean } }],
});

describeRule(eventHubsKafkaTier, {
  type: EH,
  compliant: [
    { name: "passes Standard", props: { sku: { name: "Standard" } } },
    { name: "passes Premium", props: { sku: { name: "Premium" } } },
  ],
  violating: [
    { name: "fails Basic", props: { sku: { name: "Basic" } }, message: '"Basic"' },
    { name: "fails a missing SKU", props: {} },
  ],
  unknown: [{ name: "skips when unknown", props: { sku: { name: unknown.string } } }],
});

const PG_SINGLE_ALIAS = "azure-native:dbforpostgresql/v20171201:Server";
/** Servers that take no backups of their own or inherit their source's backup settings. */
const replicasAndRestores = [
  {
    name: "does not judge a read replica (Azure takes no backups of replicas)",
    props: { createMode: "Replica", sourceServerResourceId: "/subscriptions/s/primary" },
  },
  {
    name: "does not judge a replica by its replication role",
    props: { replicationRole: "GeoAsyncReplica", sourceServerResourceId: "/subscriptions/s/primary" },
  },
  {
    name: "does not judge a read replica on a versioned alias, in any case",
    type: "azure-native:dbforpostgresql/v20240801:Server",
    props: { createMode: "replica" },
  },
  {
    name: "does not judge a point-in-time restore that inherits its source's backup settings",
    props: { createMode: "PointInTimeRestore", pointInTimeUTC: "2026-01-01T00:00:00Z" },
  },
  {
    name: "does not judge a geo-restore that inherits its source's backup settings",
    props: { createMode: "GeoRestore" },
  },
  {
    name: "does not judge a Single Server read replica",
    type: PG_SINGLE_ALIAS,
    props: { properties: { createMode: "Replica", sourceServerId: "/subscriptions/s/primary" } },
  },
  {
    name: "does not judge a SingleServer read replica",
    type: "azure-native:dbforpostgresql:SingleServer",
    props: { properties: { createMode: "Replica", sourceServerId: "/subscriptions/s/primary" } },
  },
];

describeRule(postgresGeoRedundantBackup, {
  type: PG,
  compliant: [
    { name: "passes geo-redundant backups", props: { backup: { geoRedundantBackup: "Enabled" } } },
    {
      name: "passes a Single Server (2017-12-01 API) with geo-redundant backups",
      type: PG_SINGLE_ALIAS,
      props: { properties: { createMode: "Default", storageProfile: { geoRedundantBackup: "Enabled" } } },
    },
    {
      name: "passes a point-in-time restore that keeps geo-redundancy",
      props: { createMode: "PointInTimeRestore", backup: { geoRedundantBackup: "Enabled" } },
    },
  ],
  violating: [
    { name: "fails with the default (Disabled)", props: {}, message: '"Disabled"' },
    {
      name: "fails explicit Disabled on a versioned alias",
      type: "azure-native:dbforpostgresql/v20240801:Server",
      props: { backup: { geoRedundantBackup: "Disabled" } },
    },
    {
      name: "fails a geo-restore that removes geo-redundancy",
      props: { createMode: "GeoRestore", backup: { geoRedundantBackup: "Disabled" } },
    },
    {
      name: "fails a Single Server (2017-12-01 API) without geo-redundant backups",
      type: PG_SINGLE_ALIAS,
      props: { properties: { createMode: "Default", storageProfile: { geoRedundantBackup: "Disabled" } } },
      message: 'properties.storageProfile.geoRedundantBackup is "Disabled"',
    },
  ],
  notApplicable: [...replicasAndRestores, ...notAzure],
  unknown: [
    { name: "skips when unknown", props: { backup: unknown.object } },
    { name: "skips when the create mode is unknown", props: { createMode: unknown.string } },
  ],
});

describeRule(postgresBackupRetention, {
  type: PG,
  compliant: [
    { name: "passes with the default (7 days) against the default minimum", props: {} },
    {
      name: "passes 35 days against a configured 14",
      props: { backup: { backupRetentionDays: 35 } },
      config: { minimumRetentionDays: 14 },
    },
  ],
  violating: [
    {
      name: "fails the default 7 days against a configured 14",
      props: {},
      config: { minimumRetentionDays: 14 },
      message: "7; at least 14",
    },
    {
      name: "fails 10 days against a configured 14",
      props: { backup: { backupRetentionDays: 10 } },
      config: { minimumRetentionDays: 14 },
    },
    {
      name: "fails a point-in-time restore that shortens retention",
      props: { createMode: "PointInTimeRestore", backup: { backupRetentionDays: 7 } },
      config: { minimumRetentionDays: 14 },
    },
    {
      name: "fails a Single Server (2017-12-01 API) keeping 7 days against a configured 14",
      type: PG_SINGLE_ALIAS,
      props: { properties: { createMode: "Default", storageProfile: { backupRetentionDays: 7 } } },
      config: { minimumRetentionDays: 14 },
      message: "properties.storageProfile.backupRetentionDays is 7; at least 14 required",
    },
  ],
  notApplicable: replicasAndRestores.map((c) => ({ ...c, config: { minimumRetentionDays: 14 } })),
  unknown: [{ name: "skips when unknown", props: { backup: { backupRetentionDays: unknown.number } } }],
});

describe("azure helpers", () => {
  it("reads API versions from aliased tokens", () => {
    expect([
      apiVersionOf(SA),
      apiVersionOf(SA_2022),
      apiVersionOf("azure-native:cache/v20240901preview:Database"),
    ]).toEqual([undefined, "20220901", "20240901"]);
  });
  it("reads TLS versions in every spelling", () => {
    expect(["TLS1_2", "1.2", "Tls12", "TLS1_0", "x"].map(tlsVersion)).toEqual([
      1.2,
      1.2,
      1.2,
      1.0,
      undefined,
    ]);
  });
});
