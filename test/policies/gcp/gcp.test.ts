import { gcpKmsKeyRotation, durationSeconds } from "../../../policies/rules/gcp/kms/gcpKmsKeyRotation";
import { managedKafkaCmek } from "../../../policies/rules/gcp/managedkafka/managedKafkaCmek";
import { memorystoreAuthEnabled } from "../../../policies/rules/gcp/memorystore/memorystoreAuthEnabled";
import { memorystoreHighAvailability } from "../../../policies/rules/gcp/memorystore/memorystoreHighAvailability";
import { memorystorePersistence } from "../../../policies/rules/gcp/memorystore/memorystorePersistence";
import { memorystoreTransitEncryption } from "../../../policies/rules/gcp/memorystore/memorystoreTransitEncryption";
import { cloudSqlBackupsEnabled } from "../../../policies/rules/gcp/sql/cloudSqlBackupsEnabled";
import { cloudSqlCmek } from "../../../policies/rules/gcp/sql/cloudSqlCmek";
import { cloudSqlNoPublicIp } from "../../../policies/rules/gcp/sql/cloudSqlNoPublicIp";
import { cloudSqlPointInTimeRecovery } from "../../../policies/rules/gcp/sql/cloudSqlPointInTimeRecovery";
import { cloudSqlSslRequired } from "../../../policies/rules/gcp/sql/cloudSqlSslRequired";
import { gcsBucketCmek } from "../../../policies/rules/gcp/storage/gcsBucketCmek";
import { gcsBucketSoftDelete } from "../../../policies/rules/gcp/storage/gcsBucketSoftDelete";
import { gcsBucketVersioning } from "../../../policies/rules/gcp/storage/gcsBucketVersioning";
import { gcsPublicAccessPrevention } from "../../../policies/rules/gcp/storage/gcsPublicAccessPrevention";
import { gcsUniformBucketLevelAccess } from "../../../policies/rules/gcp/storage/gcsUniformBucketLevelAccess";
import { describeRule, unknown } from "../helpers";

const BUCKET = "gcp:storage/bucket:Bucket";
const REDIS = "gcp:redis/instance:Instance";
const VALKEY = "gcp:memorystore/instance:Instance";
const SQL = "gcp:sql/databaseInstance:DatabaseInstance";
const KEY = "projects/p/locations/us/keyRings/r/cryptoKeys/k";
const notBucket = [{ name: "does not judge an S3 bucket", type: "aws:s3/bucket:Bucket", props: {} }];

describeRule(gcsBucketVersioning, {
  type: BUCKET,
  compliant: [{ name: "passes with versioning on", props: { versioning: { enabled: true } } }],
  violating: [
    { name: "fails with the provider default (off)", props: { location: "US" } },
    { name: "fails when versioning is off", props: { versioning: { enabled: false } } },
  ],
  notApplicable: notBucket,
  unknown: [{ name: "skips when versioning is unknown", props: { versioning: unknown.object } }],
});

describeRule(gcsUniformBucketLevelAccess, {
  type: BUCKET,
  compliant: [{ name: "passes with uniform access", props: { uniformBucketLevelAccess: true } }],
  violating: [
    { name: "fails with the provider default (ACLs on)", props: {} },
    { name: "fails explicit false", props: { uniformBucketLevelAccess: false } },
  ],
  unknown: [{ name: "skips when unknown", props: { uniformBucketLevelAccess: unknown.boolean } }],
});

describeRule(gcsPublicAccessPrevention, {
  type: BUCKET,
  compliant: [{ name: "passes enforced", props: { publicAccessPrevention: "enforced" } }],
  violating: [
    { name: "fails with the default (inherited)", props: {}, message: '"inherited"' },
    { name: "fails explicit inherited", props: { publicAccessPrevention: "inherited" } },
  ],
  unknown: [{ name: "skips when unknown", props: { publicAccessPrevention: unknown.string } }],
});

describeRule(gcsBucketCmek, {
  type: BUCKET,
  compliant: [{ name: "passes with a default KMS key", props: { encryption: { defaultKmsKeyName: KEY } } }],
  violating: [
    { name: "fails with the default (Google-managed keys)", props: {} },
    { name: "fails with an empty key", props: { encryption: { defaultKmsKeyName: "" } } },
  ],
  unknown: [
    { name: "skips when the key is unknown", props: { encryption: { defaultKmsKeyName: unknown.string } } },
  ],
});

describeRule(gcsBucketSoftDelete, {
  type: BUCKET,
  compliant: [
    { name: "passes with the provider default (7 days)", props: {} },
    {
      name: "passes 30 days against a configured 30",
      props: { softDeletePolicy: { retentionDurationSeconds: 30 * 86400 } },
      config: { minimumRetentionDays: 30 },
    },
    {
      name: "passes soft delete off with a long retention policy",
      props: {
        softDeletePolicy: { retentionDurationSeconds: 0 },
        retentionPolicy: { retentionPeriod: "2592000" },
      },
    },
  ],
  violating: [
    {
      name: "fails soft delete turned off",
      props: { softDeletePolicy: { retentionDurationSeconds: 0 } },
      message: "soft delete is off",
    },
    {
      name: "fails the default against a configured 14 days",
      props: {},
      config: { minimumRetentionDays: 14 },
      message: "7 day(s); at least 14",
    },
  ],
  unknown: [
    {
      name: "skips when retention is unknown",
      props: { softDeletePolicy: { retentionDurationSeconds: unknown.number } },
    },
  ],
});

describeRule(memorystoreAuthEnabled, {
  type: REDIS,
  compliant: [
    { name: "passes Redis with AUTH", props: { authEnabled: true } },
    { name: "passes Valkey with IAM auth", type: VALKEY, props: { authorizationMode: "IAM_AUTH" } },
  ],
  violating: [
    { name: "fails Redis with the default (AUTH off)", props: {} },
    {
      name: "fails Valkey with the default (AUTH_DISABLED)",
      type: VALKEY,
      props: {},
      message: "AUTH_DISABLED",
    },
    { name: "fails Redis with AUTH off", props: { authEnabled: false } },
  ],
  notApplicable: notBucket,
  unknown: [{ name: "skips when AUTH is unknown", props: { authEnabled: unknown.boolean } }],
});

describeRule(memorystoreTransitEncryption, {
  type: REDIS,
  compliant: [
    { name: "passes server authentication", props: { transitEncryptionMode: "SERVER_AUTHENTICATION" } },
    {
      name: "passes Valkey with TLS",
      type: VALKEY,
      props: { transitEncryptionMode: "SERVER_AUTHENTICATION" },
    },
  ],
  violating: [
    { name: "fails with the default (DISABLED)", props: {}, message: '"DISABLED"' },
    {
      name: "fails Valkey with TLS disabled",
      type: VALKEY,
      props: { transitEncryptionMode: "TRANSIT_ENCRYPTION_DISABLED" },
    },
  ],
  unknown: [{ name: "skips when the mode is unknown", props: { transitEncryptionMode: unknown.string } }],
});

describeRule(memorystorePersistence, {
  type: REDIS,
  compliant: [
    {
      name: "passes RDB snapshots",
      props: { persistenceConfig: { persistenceMode: "RDB", rdbSnapshotPeriod: "ONE_HOUR" } },
    },
    { name: "passes Valkey AOF", type: VALKEY, props: { persistenceConfig: { mode: "AOF" } } },
  ],
  violating: [
    { name: "fails with the default (no persistence)", props: {}, message: '"DISABLED"' },
    { name: "fails explicit DISABLED", props: { persistenceConfig: { persistenceMode: "DISABLED" } } },
    { name: "fails Valkey without persistence", type: VALKEY, props: { persistenceConfig: {} } },
  ],
  unknown: [
    {
      name: "skips when the mode is unknown",
      props: { persistenceConfig: { persistenceMode: unknown.string } },
    },
  ],
});

describeRule(memorystoreHighAvailability, {
  type: REDIS,
  compliant: [
    { name: "passes STANDARD_HA", props: { tier: "STANDARD_HA" } },
    { name: "passes Valkey with a replica", type: VALKEY, props: { replicaCount: 1 } },
  ],
  violating: [
    { name: "fails with the default (BASIC)", props: {}, message: '"BASIC"' },
    {
      name: "fails Valkey with the default (0 replicas)",
      type: VALKEY,
      props: {},
      message: "replicaCount is 0",
    },
  ],
  unknown: [{ name: "skips when the tier is unknown", props: { tier: unknown.string } }],
});

describeRule(managedKafkaCmek, {
  type: "gcp:managedkafka/cluster:Cluster",
  compliant: [{ name: "passes with a KMS key", props: { gcpConfig: { kmsKey: KEY, accessConfig: {} } } }],
  violating: [
    { name: "fails with the default (Google-managed key)", props: { gcpConfig: { accessConfig: {} } } },
    { name: "fails with an empty key", props: { gcpConfig: { kmsKey: "" } } },
  ],
  unknown: [{ name: "skips when the key is unknown", props: { gcpConfig: { kmsKey: unknown.string } } }],
});

const replica = { name: "defers a read replica to its primary", props: { masterInstanceName: "primary" } };
/** A replica of a primary created in the same program: its name is unknown during a preview, its type is not. */
const replicaOfNewPrimary = {
  name: "defers a read replica whose primary's name is unknown until deploy, by its instance type",
  props: { instanceType: "READ_REPLICA_INSTANCE", masterInstanceName: unknown.string },
};
const readPool = {
  name: "defers a read pool to its primary",
  props: { instanceType: "READ_POOL_INSTANCE", masterInstanceName: unknown.string },
};
describeRule(cloudSqlBackupsEnabled, {
  type: SQL,
  compliant: [
    { name: "passes with backups on", props: { settings: { backupConfiguration: { enabled: true } } } },
  ],
  violating: [
    { name: "fails with the default (no backups)", props: { settings: { tier: "db-custom-2-7680" } } },
    { name: "fails with backups off", props: { settings: { backupConfiguration: { enabled: false } } } },
  ],
  notApplicable: [replica, replicaOfNewPrimary, readPool],
  unknown: [
    {
      name: "skips when the flag is unknown",
      props: { settings: { backupConfiguration: { enabled: unknown.boolean } } },
    },
  ],
});

describeRule(cloudSqlPointInTimeRecovery, {
  type: SQL,
  compliant: [
    {
      name: "passes PostgreSQL with PITR",
      props: {
        databaseVersion: "POSTGRES_16",
        settings: { backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true } },
      },
    },
    {
      name: "passes MySQL with binary logs",
      props: {
        databaseVersion: "MYSQL_8_0",
        settings: { backupConfiguration: { enabled: true, binaryLogEnabled: true } },
      },
    },
  ],
  violating: [
    {
      name: "fails PostgreSQL with the default (no PITR)",
      props: { databaseVersion: "POSTGRES_16", settings: {} },
      message: "pointInTimeRecoveryEnabled",
    },
    {
      name: "fails MySQL with PITR set on the wrong field",
      props: {
        databaseVersion: "MYSQL_8_0",
        settings: { backupConfiguration: { pointInTimeRecoveryEnabled: true } },
      },
      message: "binaryLogEnabled",
    },
  ],
  notApplicable: [replica, replicaOfNewPrimary, readPool],
  unknown: [
    {
      name: "skips when the version is unknown",
      props: {
        databaseVersion: unknown.string,
        settings: { backupConfiguration: { binaryLogEnabled: true } },
      },
    },
  ],
});

describeRule(cloudSqlSslRequired, {
  type: SQL,
  compliant: [
    {
      name: "passes ENCRYPTED_ONLY",
      props: { settings: { ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } } },
    },
    {
      name: "passes client certificates required",
      props: { settings: { ipConfiguration: { sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" } } },
    },
    { name: "passes the legacy requireSsl", props: { settings: { ipConfiguration: { requireSsl: true } } } },
  ],
  violating: [
    {
      name: "fails with the default (unencrypted allowed)",
      props: { settings: {} },
      message: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
    },
    {
      name: "fails explicit ALLOW_UNENCRYPTED_AND_ENCRYPTED",
      props: { settings: { ipConfiguration: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } } },
    },
  ],
  unknown: [
    {
      name: "skips when the mode is unknown",
      props: { settings: { ipConfiguration: { sslMode: unknown.string } } },
    },
  ],
});

describeRule(cloudSqlNoPublicIp, {
  type: SQL,
  compliant: [
    {
      name: "passes private IP only",
      props: { settings: { ipConfiguration: { ipv4Enabled: false, privateNetwork: "vpc" } } },
    },
  ],
  violating: [
    {
      name: "fails with the default (public IPv4)",
      props: { settings: {} },
      message: "unset (default true)",
    },
    {
      name: "fails explicit public IPv4",
      props: { settings: { ipConfiguration: { ipv4Enabled: true } } },
      message: "ipv4Enabled is true",
    },
  ],
  unknown: [
    {
      name: "skips when the flag is unknown",
      props: { settings: { ipConfiguration: { ipv4Enabled: unknown.boolean } } },
    },
  ],
});

describeRule(cloudSqlCmek, {
  type: SQL,
  compliant: [
    {
      name: "passes with a customer-managed key",
      props: { databaseVersion: "POSTGRES_17", encryptionKeyName: KEY },
    },
  ],
  violating: [
    {
      name: "fails with the default (Google-managed keys)",
      props: { databaseVersion: "POSTGRES_17", settings: { tier: "db-custom-2-7680" } },
      message: "encryptionKeyName is not set",
    },
    { name: "fails with an empty key name", props: { encryptionKeyName: "" } },
  ],
  notApplicable: [
    { name: "defers a read replica without its own key to its primary", props: replica.props },
    readPool,
  ],
  unknown: [
    { name: "skips when the key is unknown until deploy", props: { encryptionKeyName: unknown.string } },
  ],
});

describeRule(gcpKmsKeyRotation, {
  type: "gcp:kms/cryptoKey:CryptoKey",
  compliant: [
    { name: "passes a 90-day rotation", props: { rotationPeriod: "7776000s" } },
    {
      name: "passes 365 days against a configured 365",
      props: { rotationPeriod: "31536000s" },
      config: { maximumRotationPeriodDays: 365 },
    },
  ],
  violating: [
    { name: "fails with the default (never rotated)", props: {}, message: "never rotated" },
    {
      name: "fails a year against the default 90 days",
      props: { rotationPeriod: "31536000s" },
      message: "at most 90",
    },
    { name: "fails a malformed period", props: { rotationPeriod: "90d" }, message: "not a duration" },
  ],
  notApplicable: [
    { name: "does not judge asymmetric signing keys", props: { purpose: "ASYMMETRIC_SIGN" } },
    {
      name: "does not judge an external (Cloud EKM over the internet) key, which Cloud KMS cannot rotate",
      props: { versionTemplate: { algorithm: "EXTERNAL_SYMMETRIC_ENCRYPTION", protectionLevel: "EXTERNAL" } },
    },
  ],
  unknown: [
    { name: "skips when the period is unknown", props: { rotationPeriod: unknown.string } },
    {
      name: "skips when the protection level is unknown",
      props: {
        versionTemplate: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protectionLevel: unknown.string },
      },
    },
  ],
});

describe("durationSeconds", () => {
  it("reads Cloud KMS durations", () => {
    expect([durationSeconds("7776000s"), durationSeconds("1.5s"), durationSeconds("90d")]).toEqual([
      7776000,
      1.5,
      undefined,
    ]);
  });
});
