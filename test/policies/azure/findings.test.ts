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
import { storageAccountBlobServiceAttached } from "../../../policies/rules/azure/storage/storageAccountBlobServiceAttached";
import { storageGeoRedundant } from "../../../policies/rules/azure/storage/storageGeoRedundant";
import { storageHttpsOnly } from "../../../policies/rules/azure/storage/storageHttpsOnly";
import { storageInfrastructureEncryption } from "../../../policies/rules/azure/storage/storageInfrastructureEncryption";
import { storageMinimumTls12 } from "../../../policies/rules/azure/storage/storageMinimumTls12";
import { storageNetworkRestricted } from "../../../policies/rules/azure/storage/storageNetworkRestricted";
import { storageNoPublicBlobAccess } from "../../../policies/rules/azure/storage/storageNoPublicBlobAccess";
import { storageSharedKeyDisabled } from "../../../policies/rules/azure/storage/storageSharedKeyDisabled";
import { SeawallPolicy } from "../../../policies/lib/rule";
import { resourceFindings, stackFindings } from "../findingHelpers";

const SA = "azure-native:storage:StorageAccount";
const BLOB = "azure-native:storage:BlobServiceProperties";
const REDIS = "azure-native:redis:Redis";
const AMR_DB = "azure-native:redisenterprise:Database";
const EH = "azure-native:eventhub:Namespace";
const PG = "azure-native:dbforpostgresql:Server";

/** [rule, type, props, config, expected findings] */
const cases: [() => SeawallPolicy, string, Record<string, unknown>, Record<string, unknown>, object[]][] = [
  [
    storageHttpsOnly,
    SA,
    { enableHttpsTrafficOnly: false },
    {},
    [{ message: "enableHttpsTrafficOnly is false", path: "enableHttpsTrafficOnly", value: false }],
  ],
  [
    storageMinimumTls12,
    SA,
    {},
    {},
    [
      {
        message: "minimumTlsVersion is unset (the API default is TLS1_0)",
        path: "minimumTlsVersion",
        value: undefined,
      },
    ],
  ],
  [
    storageMinimumTls12,
    SA,
    { minimumTlsVersion: "TLS1_1" },
    {},
    [{ message: 'minimumTlsVersion is "TLS1_1"', path: "minimumTlsVersion", value: "TLS1_1" }],
  ],
  [
    storageNoPublicBlobAccess,
    SA,
    { allowBlobPublicAccess: true },
    {},
    [{ message: "allowBlobPublicAccess is true", path: "allowBlobPublicAccess", value: true }],
  ],
  [
    storageNoPublicBlobAccess,
    "azure-native:storage/v20220901:StorageAccount",
    {},
    {},
    [
      {
        message: "allowBlobPublicAccess is unset and this API version defaults it to true",
        path: "allowBlobPublicAccess",
        value: undefined,
      },
    ],
  ],
  [
    storageNetworkRestricted,
    SA,
    { networkRuleSet: { defaultAction: "Allow" } },
    {},
    [
      {
        message: 'publicNetworkAccess is "Enabled" and networkRuleSet.defaultAction is "Allow"',
        path: "networkRuleSet.defaultAction",
        value: "Allow",
      },
    ],
  ],
  [
    storageGeoRedundant,
    SA,
    { sku: { name: "Standard_LRS" } },
    {},
    [{ message: 'sku.name is "Standard_LRS", not geo-redundant', path: "sku.name", value: "Standard_LRS" }],
  ],
  [
    storageSharedKeyDisabled,
    SA,
    {},
    {},
    [
      {
        message: "allowSharedKeyAccess is not false (shared keys are accepted)",
        path: "allowSharedKeyAccess",
        value: undefined,
      },
    ],
  ],
  [
    storageInfrastructureEncryption,
    SA,
    { encryption: { requireInfrastructureEncryption: false } },
    {},
    [
      {
        message: "encryption.requireInfrastructureEncryption is not true",
        path: "encryption.requireInfrastructureEncryption",
        value: false,
      },
    ],
  ],
  [
    blobVersioningEnabled,
    BLOB,
    {},
    {},
    [{ message: "isVersioningEnabled is not true", path: "isVersioningEnabled", value: undefined }],
  ],
  [
    blobSoftDeleteEnabled,
    BLOB,
    { deleteRetentionPolicy: { enabled: true, days: 3 } },
    {},
    [
      {
        message: "deleteRetentionPolicy.days is 3; at least 7 required",
        path: "deleteRetentionPolicy.days",
        value: 3,
      },
      {
        message: "containerDeleteRetentionPolicy is not enabled",
        path: "containerDeleteRetentionPolicy.enabled",
        value: undefined,
      },
    ],
  ],
  [
    blobPointInTimeRestore,
    BLOB,
    { restorePolicy: { enabled: true, days: 6 } },
    {},
    [{ message: "restorePolicy needs changeFeed.enabled", path: "changeFeed.enabled", value: undefined }],
  ],
  [
    azureRedisTlsOnly,
    REDIS,
    { enableNonSslPort: true },
    {},
    [{ message: "enableNonSslPort is true", path: "enableNonSslPort", value: true }],
  ],
  [
    azureRedisTlsOnly,
    AMR_DB,
    { clientProtocol: "Plaintext" },
    {},
    [{ message: 'clientProtocol is "Plaintext"', path: "clientProtocol", value: "Plaintext" }],
  ],
  [
    azureRedisMinimumTls12,
    REDIS,
    { minimumTlsVersion: "1.0" },
    {},
    [{ message: 'minimumTlsVersion is "1.0"', path: "minimumTlsVersion", value: "1.0" }],
  ],
  [
    azureRedisNoPublicNetwork,
    REDIS,
    {},
    {},
    [{ message: 'publicNetworkAccess is "Enabled"', path: "publicNetworkAccess", value: undefined }],
  ],
  [
    eventHubsMinimumTls12,
    "azure-native:eventhub/v20211101:Namespace",
    {},
    {},
    [
      {
        message: "minimumTlsVersion is unset and this API version defaults to 1.0",
        path: "minimumTlsVersion",
        value: undefined,
      },
    ],
  ],
  [
    eventHubsLocalAuthDisabled,
    EH,
    { disableLocalAuth: false },
    {},
    [{ message: "disableLocalAuth is not true", path: "disableLocalAuth", value: false }],
  ],
  [
    eventHubsKafkaTier,
    EH,
    { sku: { name: "Basic" } },
    {},
    [{ message: 'sku.name is "Basic"; Kafka needs Standard or Premium', path: "sku.name", value: "Basic" }],
  ],
  [
    postgresGeoRedundantBackup,
    PG,
    {},
    {},
    [
      {
        message: 'backup.geoRedundantBackup is "Disabled"',
        path: "backup.geoRedundantBackup",
        value: undefined,
      },
    ],
  ],
  [
    postgresGeoRedundantBackup,
    "azure-native:dbforpostgresql:SingleServer",
    { properties: { createMode: "Default", storageProfile: { geoRedundantBackup: "Disabled" } } },
    {},
    [
      {
        message: 'properties.storageProfile.geoRedundantBackup is "Disabled"',
        path: "properties.storageProfile.geoRedundantBackup",
        value: "Disabled",
      },
    ],
  ],
  [
    postgresBackupRetention,
    PG,
    { backup: { backupRetentionDays: 10 } },
    { minimumRetentionDays: 14 },
    [
      {
        message: "backup.backupRetentionDays is 10; at least 14 required",
        path: "backup.backupRetentionDays",
        value: 10,
      },
    ],
  ],
];

describe("Azure findings name the property path and the observed value", () => {
  it.each(
    cases.map(
      ([make, type, props, config, expected]) => [make().name, type, props, config, expected, make] as const,
    ),
  )("%s on %s", (_name, type, props, config, expected, make) => {
    expect(resourceFindings(make(), type, props, config)).toEqual(expected);
  });
  it("storageAccountBlobServiceAttached names the account (no property is wrong: a resource is missing)", () => {
    const urn = `urn:pulumi:s::p::${SA}::lake`;
    expect(
      stackFindings(storageAccountBlobServiceAttached(), [{ type: SA, name: "lake", urn, props: {} }]),
    ).toEqual([{ urn, message: "storage account lake has no BlobServiceProperties" }]);
  });
});
