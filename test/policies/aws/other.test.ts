import { backupVaultCmk } from "../../../policies/rules/aws/backup/backupVaultCmk";
import { logGroupEncrypted } from "../../../policies/rules/aws/cloudwatch/logGroupEncrypted";
import { logGroupRetention } from "../../../policies/rules/aws/cloudwatch/logGroupRetention";
import { ebsVolumeEncrypted } from "../../../policies/rules/aws/ebs/ebsVolumeEncrypted";
import { kmsKeyRotationEnabled } from "../../../policies/rules/aws/kms/kmsKeyRotationEnabled";
import { snsTopicEncrypted } from "../../../policies/rules/aws/sns/snsTopicEncrypted";
import { sqsQueueEncrypted } from "../../../policies/rules/aws/sqs/sqsQueueEncrypted";
import { describeRule, unknown } from "../helpers";

const KEY = "arn:aws:kms:us-east-1:1:key/k";

describeRule(ebsVolumeEncrypted, {
  type: "aws:ebs/volume:Volume",
  compliant: [
    { name: "passes an encrypted volume", props: { encrypted: true, kmsKeyId: KEY } },
    {
      name: "passes account default encryption left at its default (enabled)",
      type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
      props: {},
    },
    {
      name: "passes account default encryption enabled",
      type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
      props: { enabled: true },
    },
  ],
  violating: [
    { name: "fails with the provider default (unencrypted)", props: { size: 10 } },
    { name: "fails when explicitly unencrypted", props: { encrypted: false } },
    {
      name: "fails an account default encryption turned off",
      type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
      props: { enabled: false },
      message: "enabled is false",
    },
  ],
  unknown: [
    { name: "skips when the flag is unknown", props: { encrypted: unknown.boolean } },
    {
      name: "skips when the account default is unknown",
      type: "aws:ebs/encryptionByDefault:EncryptionByDefault",
      props: { enabled: unknown.boolean },
    },
  ],
});

describeRule(kmsKeyRotationEnabled, {
  type: "aws:kms/key:Key",
  compliant: [
    { name: "passes with rotation on and the default period", props: { enableKeyRotation: true } },
    { name: "passes a 90-day period", props: { enableKeyRotation: true, rotationPeriodInDays: 90 } },
  ],
  violating: [
    {
      name: "fails with the provider default (rotation off)",
      props: {},
      message: "enableKeyRotation is not true",
    },
    { name: "fails when off", props: { enableKeyRotation: false } },
    {
      name: "fails a symmetric ENCRYPT_DECRYPT key without rotation",
      props: { keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" },
      message: "enableKeyRotation is not true",
    },
    {
      name: "fails a period above the maximum",
      props: { enableKeyRotation: true, rotationPeriodInDays: 730 },
      message: "at most 365",
    },
    {
      name: "fails a period above a configured 180",
      props: { enableKeyRotation: true, rotationPeriodInDays: 365 },
      config: { maximumRotationPeriodDays: 180 },
    },
  ],
  notApplicable: [
    { name: "does not judge asymmetric keys", props: { customerMasterKeySpec: "RSA_2048" } },
    { name: "does not judge HMAC keys (keySpec)", props: { keySpec: "HMAC_256" } },
    { name: "does not judge signing keys (keyUsage SIGN_VERIFY)", props: { keyUsage: "SIGN_VERIFY" } },
    {
      name: "does not judge MAC keys (keyUsage GENERATE_VERIFY_MAC)",
      props: { keyUsage: "GENERATE_VERIFY_MAC" },
    },
    {
      name: "does not judge asymmetric encryption keys",
      props: { keyUsage: "ENCRYPT_DECRYPT", keySpec: "RSA_4096" },
    },
  ],
  unknown: [
    { name: "skips when rotation is unknown", props: { enableKeyRotation: unknown.boolean } },
    { name: "skips when the key usage is unknown", props: { keyUsage: unknown.string } },
  ],
});

describeRule(backupVaultCmk, {
  type: "aws:backup/vault:Vault",
  compliant: [{ name: "passes with a customer-managed key", props: { kmsKeyArn: KEY } }],
  violating: [
    { name: "fails with the default (AWS-managed aws/backup key)", props: {}, message: "aws/backup" },
    { name: "fails with an empty key", props: { kmsKeyArn: "" } },
  ],
  unknown: [{ name: "skips when the key is unknown", props: { kmsKeyArn: unknown.string } }],
});

describeRule(snsTopicEncrypted, {
  type: "aws:sns/topic:Topic",
  compliant: [{ name: "passes with a key", props: { kmsMasterKeyId: KEY } }],
  violating: [
    { name: "fails with the default (unencrypted)", props: {} },
    { name: "fails with an empty key", props: { kmsMasterKeyId: "" } },
  ],
  unknown: [{ name: "skips when the key is unknown", props: { kmsMasterKeyId: unknown.string } }],
});

describeRule(sqsQueueEncrypted, {
  type: "aws:sqs/queue:Queue",
  compliant: [
    { name: "passes with the default (SSE-SQS on for new queues)", props: {} },
    {
      name: "passes with a customer-managed key",
      props: { kmsMasterKeyId: KEY, sqsManagedSseEnabled: false },
    },
  ],
  violating: [
    {
      name: "fails with SSE-SQS off and no key",
      props: { sqsManagedSseEnabled: false },
      message: "sqsManagedSseEnabled is false",
    },
    {
      name: "fails with SSE-SQS off and an empty key",
      props: { sqsManagedSseEnabled: false, kmsMasterKeyId: "" },
    },
  ],
  unknown: [{ name: "skips when the SSE flag is unknown", props: { sqsManagedSseEnabled: unknown.boolean } }],
});

describeRule(logGroupEncrypted, {
  type: "aws:cloudwatch/logGroup:LogGroup",
  compliant: [{ name: "passes with a key", props: { kmsKeyId: KEY } }],
  violating: [
    { name: "fails with the default (service-owned key)", props: { retentionInDays: 30 } },
    { name: "fails with an empty key", props: { kmsKeyId: "" } },
  ],
  unknown: [{ name: "skips when the key is unknown", props: { kmsKeyId: unknown.string } }],
});

describeRule(logGroupRetention, {
  type: "aws:cloudwatch/logGroup:LogGroup",
  compliant: [
    { name: "passes 30 days (the default minimum)", props: { retentionInDays: 30 } },
    {
      name: "passes 90 days against a configured 90",
      props: { retentionInDays: 90 },
      config: { minimumRetentionDays: 90 },
    },
  ],
  violating: [
    { name: "fails with the default (never expire)", props: {}, message: "never expire" },
    { name: "fails explicit 0", props: { retentionInDays: 0 } },
    { name: "fails 7 days", props: { retentionInDays: 7 }, message: "at least 30" },
    {
      name: "fails 30 days against a configured 90",
      props: { retentionInDays: 30 },
      config: { minimumRetentionDays: 90 },
    },
  ],
  unknown: [{ name: "skips when retention is unknown", props: { retentionInDays: unknown.number } }],
});
