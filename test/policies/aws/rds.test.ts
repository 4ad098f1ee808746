import { rdsBackupRetention } from "../../../policies/rules/aws/rds/rdsBackupRetention";
import { rdsDeletionProtection } from "../../../policies/rules/aws/rds/rdsDeletionProtection";
import { rdsEncryptedWithCmk } from "../../../policies/rules/aws/rds/rdsEncryptedWithCmk";
import { rdsNotPubliclyAccessible } from "../../../policies/rules/aws/rds/rdsNotPubliclyAccessible";
import { rdsStorageEncrypted } from "../../../policies/rules/aws/rds/rdsStorageEncrypted";
import { describeRule, unknown } from "../helpers";

const type = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const member = {
  name: "defers an Aurora cluster member to its cluster",
  props: { dbClusterIdentifier: "c" },
};

describeRule(rdsStorageEncrypted, {
  type,
  compliant: [
    { name: "passes an encrypted instance", props: { storageEncrypted: true } },
    { name: "passes an encrypted Aurora cluster", type: CLUSTER, props: { storageEncrypted: true } },
    {
      name: "passes Aurora Serverless v1 (always encrypted)",
      type: CLUSTER,
      props: { engineMode: "serverless" },
    },
  ],
  violating: [
    { name: "fails with the provider default (false)", props: {}, message: "storageEncrypted is not true" },
    { name: "fails when explicitly false", props: { storageEncrypted: false } },
    { name: "fails an unencrypted Aurora cluster", type: CLUSTER, props: { engine: "aurora-postgresql" } },
  ],
  notApplicable: [member],
  unknown: [{ name: "skips when the flag is unknown", props: { storageEncrypted: unknown.boolean } }],
});

describeRule(rdsEncryptedWithCmk, {
  type,
  compliant: [
    {
      name: "passes an instance encrypted with a customer-managed key",
      props: { storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/db" },
    },
    {
      name: "passes an Aurora cluster encrypted with a customer-managed key",
      type: CLUSTER,
      props: { storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/db" },
    },
  ],
  violating: [
    {
      name: "fails an encrypted instance on the AWS-managed aws/rds key",
      props: { storageEncrypted: true },
      message: "kmsKeyId is not set (the default is the AWS-managed aws/rds key)",
    },
    { name: "fails an empty key", props: { storageEncrypted: true, kmsKeyId: "" } },
    { name: "fails an encrypted cluster without a key", type: CLUSTER, props: { storageEncrypted: true } },
  ],
  notApplicable: [
    member,
    {
      name: "defers a read replica to its source",
      props: { replicateSourceDb: "src", storageEncrypted: true },
    },
    { name: "leaves an unencrypted instance to rdsStorageEncrypted", props: { storageEncrypted: false } },
  ],
  unknown: [
    { name: "skips when the key is unknown", props: { storageEncrypted: true, kmsKeyId: unknown.string } },
  ],
});

describeRule(rdsBackupRetention, {
  type,
  compliant: [
    { name: "passes with 7 days (the default minimum)", props: { backupRetentionPeriod: 7 } },
    { name: "passes a cluster with 35 days", type: CLUSTER, props: { backupRetentionPeriod: 35 } },
    {
      name: "passes 3 days against a configured minimum of 3",
      props: { backupRetentionPeriod: 3 },
      config: { minimumRetentionDays: 3 },
    },
  ],
  violating: [
    { name: "fails with the AWS default (1 day)", props: {}, message: "(the AWS default)" },
    { name: "fails with backups off (0)", props: { backupRetentionPeriod: 0 }, message: "0 day(s)" },
    {
      name: "fails below a configured 14 days",
      props: { backupRetentionPeriod: 7 },
      config: { minimumRetentionDays: 14 },
      message: "at least 14",
    },
  ],
  notApplicable: [
    member,
    { name: "defers a read replica to its source", props: { replicateSourceDb: "src" } },
  ],
  unknown: [{ name: "skips when the period is unknown", props: { backupRetentionPeriod: unknown.number } }],
});

describeRule(rdsDeletionProtection, {
  type,
  compliant: [
    { name: "passes with deletion protection", props: { deletionProtection: true } },
    { name: "passes a protected cluster", type: CLUSTER, props: { deletionProtection: true } },
  ],
  violating: [
    { name: "fails with the provider default (false)", props: {} },
    { name: "fails an unprotected cluster", type: CLUSTER, props: { deletionProtection: false } },
  ],
  notApplicable: [member],
  unknown: [{ name: "skips when the flag is unknown", props: { deletionProtection: unknown.boolean } }],
});

describeRule(rdsNotPubliclyAccessible, {
  type,
  compliant: [
    { name: "passes with the provider default (private)", props: {} },
    {
      name: "passes a private cluster instance",
      type: "aws:rds/clusterInstance:ClusterInstance",
      props: { publiclyAccessible: false },
    },
  ],
  violating: [
    {
      name: "fails a public instance",
      props: { publiclyAccessible: true },
      message: "publiclyAccessible is true",
    },
    {
      name: "fails a public cluster instance",
      type: "aws:rds/clusterInstance:ClusterInstance",
      props: { publiclyAccessible: true },
    },
  ],
  notApplicable: [{ name: "does not judge clusters (instances carry the flag)", type: CLUSTER, props: {} }],
  unknown: [{ name: "skips when the flag is unknown", props: { publiclyAccessible: unknown.boolean } }],
});
