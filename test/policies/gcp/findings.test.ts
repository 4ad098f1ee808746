import { gcpKmsKeyRotation } from "../../../policies/rules/gcp/kms/gcpKmsKeyRotation";
import { managedKafkaCmek } from "../../../policies/rules/gcp/managedkafka/managedKafkaCmek";
import { memorystoreAuthEnabled } from "../../../policies/rules/gcp/memorystore/memorystoreAuthEnabled";
import { memorystoreHighAvailability } from "../../../policies/rules/gcp/memorystore/memorystoreHighAvailability";
import { memorystorePersistence } from "../../../policies/rules/gcp/memorystore/memorystorePersistence";
import { memorystoreTransitEncryption } from "../../../policies/rules/gcp/memorystore/memorystoreTransitEncryption";
import { cloudSqlBackupsEnabled } from "../../../policies/rules/gcp/sql/cloudSqlBackupsEnabled";
import { cloudSqlNoPublicIp } from "../../../policies/rules/gcp/sql/cloudSqlNoPublicIp";
import { cloudSqlPointInTimeRecovery } from "../../../policies/rules/gcp/sql/cloudSqlPointInTimeRecovery";
import { cloudSqlSslRequired } from "../../../policies/rules/gcp/sql/cloudSqlSslRequired";
import { gcsBucketCmek } from "../../../policies/rules/gcp/storage/gcsBucketCmek";
import { gcsBucketSoftDelete } from "../../../policies/rules/gcp/storage/gcsBucketSoftDelete";
import { gcsBucketVersioning } from "../../../policies/rules/gcp/storage/gcsBucketVersioning";
import { gcsPublicAccessPrevention } from "../../../policies/rules/gcp/storage/gcsPublicAccessPrevention";
import { gcsUniformBucketLevelAccess } from "../../../policies/rules/gcp/storage/gcsUniformBucketLevelAccess";
import { SeawallPolicy } from "../../../policies/lib/rule";
import { resourceFindings } from "../findingHelpers";

const BUCKET = "gcp:storage/bucket:Bucket";
const REDIS = "gcp:redis/instance:Instance";
const VALKEY = "gcp:memorystore/instance:Instance";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";

/** [rule, type, props, config, expected finding] */
const cases: [() => SeawallPolicy, string, Record<string, unknown>, Record<string, unknown>, object][] = [
  [
    gcsBucketVersioning,
    BUCKET,
    { versioning: { enabled: false } },
    {},
    { message: "versioning.enabled is not true", path: "versioning.enabled", value: false },
  ],
  [
    gcsUniformBucketLevelAccess,
    BUCKET,
    {},
    {},
    { message: "uniformBucketLevelAccess is not true", path: "uniformBucketLevelAccess", value: undefined },
  ],
  [
    gcsPublicAccessPrevention,
    BUCKET,
    { publicAccessPrevention: "inherited" },
    {},
    {
      message: 'publicAccessPrevention is "inherited", not "enforced"',
      path: "publicAccessPrevention",
      value: "inherited",
    },
  ],
  [
    gcsBucketCmek,
    BUCKET,
    { encryption: { defaultKmsKeyName: "" } },
    {},
    { message: "encryption.defaultKmsKeyName is not set", path: "encryption.defaultKmsKeyName", value: "" },
  ],
  [
    gcsBucketSoftDelete,
    BUCKET,
    {},
    { minimumRetentionDays: 14 },
    {
      message: "soft delete keeps deleted objects 7 day(s); at least 14 required",
      path: "softDeletePolicy.retentionDurationSeconds",
      value: undefined,
    },
  ],
  [
    memorystoreAuthEnabled,
    REDIS,
    { authEnabled: false },
    {},
    { message: "authEnabled is not true", path: "authEnabled", value: false },
  ],
  [
    memorystoreAuthEnabled,
    VALKEY,
    {},
    {},
    { message: 'authorizationMode is "AUTH_DISABLED"', path: "authorizationMode", value: undefined },
  ],
  [
    memorystoreTransitEncryption,
    VALKEY,
    { transitEncryptionMode: "TRANSIT_ENCRYPTION_DISABLED" },
    {},
    {
      message: 'transitEncryptionMode is "TRANSIT_ENCRYPTION_DISABLED"',
      path: "transitEncryptionMode",
      value: "TRANSIT_ENCRYPTION_DISABLED",
    },
  ],
  [
    memorystorePersistence,
    REDIS,
    { persistenceConfig: { persistenceMode: "DISABLED" } },
    {},
    {
      message: 'persistence mode is "DISABLED"',
      path: "persistenceConfig.persistenceMode",
      value: "DISABLED",
    },
  ],
  [
    memorystorePersistence,
    VALKEY,
    {},
    {},
    { message: 'persistence mode is "DISABLED"', path: "persistenceConfig.mode", value: undefined },
  ],
  [
    memorystoreHighAvailability,
    REDIS,
    { tier: "BASIC" },
    {},
    { message: 'tier is "BASIC", not "STANDARD_HA"', path: "tier", value: "BASIC" },
  ],
  [
    memorystoreHighAvailability,
    VALKEY,
    {},
    {},
    { message: "replicaCount is 0", path: "replicaCount", value: undefined },
  ],
  [
    managedKafkaCmek,
    "gcp:managedkafka/cluster:Cluster",
    { gcpConfig: {} },
    {},
    { message: "gcpConfig.kmsKey is not set", path: "gcpConfig.kmsKey", value: undefined },
  ],
  [
    cloudSqlBackupsEnabled,
    SQL,
    { settings: { backupConfiguration: { enabled: false } } },
    {},
    {
      message: "settings.backupConfiguration.enabled is not true",
      path: "settings.backupConfiguration.enabled",
      value: false,
    },
  ],
  [
    cloudSqlPointInTimeRecovery,
    SQL,
    { databaseVersion: "MYSQL_8_0", settings: { backupConfiguration: { enabled: true } } },
    {},
    {
      message: "settings.backupConfiguration.binaryLogEnabled is not true",
      path: "settings.backupConfiguration.binaryLogEnabled",
      value: undefined,
    },
  ],
  [
    cloudSqlSslRequired,
    SQL,
    { settings: { ipConfiguration: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } } },
    {},
    {
      message: 'settings.ipConfiguration.sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED"',
      path: "settings.ipConfiguration.sslMode",
      value: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
    },
  ],
  [
    cloudSqlNoPublicIp,
    SQL,
    { settings: {} },
    {},
    {
      message: "settings.ipConfiguration.ipv4Enabled is unset (default true)",
      path: "settings.ipConfiguration.ipv4Enabled",
      value: undefined,
    },
  ],
  [
    gcpKmsKeyRotation,
    "gcp:kms/cryptoKey:CryptoKey",
    { rotationPeriod: "31536000s" },
    {},
    { message: "rotationPeriod is 365 days; at most 90 allowed", path: "rotationPeriod", value: "31536000s" },
  ],
];

describe("GCP findings name the property path and the observed value", () => {
  it.each(
    cases.map(
      ([make, type, props, config, expected]) => [make().name, type, props, config, expected, make] as const,
    ),
  )("%s on %s", (_name, type, props, config, expected, make) => {
    expect(resourceFindings(make(), type, props, config)).toEqual([expected]);
  });
});
