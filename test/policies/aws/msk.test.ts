import { mskBrokerLogsEnabled } from "../../../policies/rules/aws/msk/mskBrokerLogsEnabled";
import { mskClientAuthentication } from "../../../policies/rules/aws/msk/mskClientAuthentication";
import { mskEncryptionAtRestCmk } from "../../../policies/rules/aws/msk/mskEncryptionAtRestCmk";
import { mskNoPublicAccess } from "../../../policies/rules/aws/msk/mskNoPublicAccess";
import { mskTlsInTransit } from "../../../policies/rules/aws/msk/mskTlsInTransit";
import { describeRule, unknown } from "../helpers";

const type = "aws:msk/cluster:Cluster";
const KEY = "arn:aws:kms:us-east-1:1:key/k";

describeRule(mskEncryptionAtRestCmk, {
  type,
  compliant: [
    {
      name: "passes with a customer-managed key",
      props: { encryptionInfo: { encryptionAtRestKmsKeyArn: KEY } },
    },
  ],
  violating: [
    { name: "fails with the provider default (AWS-managed aws/kafka key)", props: {}, message: "aws/kafka" },
    {
      name: "fails when encryptionInfo sets only transit",
      props: { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS" } } },
    },
    { name: "fails with an empty key ARN", props: { encryptionInfo: { encryptionAtRestKmsKeyArn: "" } } },
  ],
  notApplicable: [
    {
      name: "does not judge serverless clusters",
      type: "aws:msk/serverlessCluster:ServerlessCluster",
      props: {},
    },
  ],
  unknown: [
    {
      name: "skips when the key ARN is unknown",
      props: { encryptionInfo: { encryptionAtRestKmsKeyArn: unknown.string } },
    },
  ],
});

describeRule(mskTlsInTransit, {
  type,
  compliant: [
    { name: "passes with the provider defaults (TLS, in-cluster on)", props: {} },
    {
      name: "passes with explicit TLS",
      props: { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS", inCluster: true } } },
    },
  ],
  violating: [
    {
      name: "fails on TLS_PLAINTEXT",
      props: { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT" } } },
      message: "TLS_PLAINTEXT",
    },
    {
      name: "fails on PLAINTEXT",
      props: { encryptionInfo: { encryptionInTransit: { clientBroker: "PLAINTEXT" } } },
    },
    {
      name: "fails if in-cluster encryption is off",
      props: { encryptionInfo: { encryptionInTransit: { inCluster: false } } },
      message: "inCluster is false",
    },
  ],
  unknown: [
    {
      name: "skips when clientBroker is unknown",
      props: { encryptionInfo: { encryptionInTransit: { clientBroker: unknown.string } } },
    },
  ],
});

describeRule(mskClientAuthentication, {
  type,
  compliant: [
    { name: "passes with SASL/IAM", props: { clientAuthentication: { sasl: { iam: true } } } },
    {
      name: "passes with SASL/SCRAM",
      props: { clientAuthentication: { sasl: { scram: true }, unauthenticated: false } },
    },
    {
      name: "passes with mutual TLS",
      props: { clientAuthentication: { tls: { certificateAuthorityArns: ["arn:aws:acm-pca:ca"] } } },
    },
  ],
  violating: [
    {
      name: "fails with the default (no authentication: MSK allows unauthenticated access)",
      props: {},
      message: "no SASL/IAM",
    },
    {
      name: "fails if unauthenticated access is on",
      props: { clientAuthentication: { sasl: { iam: true }, unauthenticated: true } },
      message: "unauthenticated is true",
    },
    {
      name: "fails with SASL mechanisms all off",
      props: { clientAuthentication: { sasl: { iam: false, scram: false } } },
    },
    {
      name: "fails with an empty CA list",
      props: { clientAuthentication: { tls: { certificateAuthorityArns: [] } } },
    },
  ],
  unknown: [
    { name: "skips when the auth block is unknown", props: { clientAuthentication: unknown.object } },
  ],
});

describeRule(mskNoPublicAccess, {
  type,
  compliant: [
    {
      name: "passes with the default (DISABLED)",
      props: { brokerNodeGroupInfo: { instanceType: "kafka.m5.large" } },
    },
    {
      name: "passes with explicit DISABLED",
      props: { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "DISABLED" } } } },
    },
  ],
  violating: [
    {
      name: "fails with SERVICE_PROVIDED_EIPS",
      props: {
        brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "SERVICE_PROVIDED_EIPS" } } },
      },
      message: "SERVICE_PROVIDED_EIPS",
    },
    {
      name: "fails with any other non-disabled value",
      props: { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: "ENABLED" } } } },
    },
  ],
  unknown: [
    {
      name: "skips when the type is unknown",
      props: { brokerNodeGroupInfo: { connectivityInfo: { publicAccess: { type: unknown.string } } } },
    },
  ],
});

describeRule(mskBrokerLogsEnabled, {
  type,
  compliant: [
    {
      name: "passes with CloudWatch Logs",
      props: { loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: "g" } } } },
    },
    {
      name: "passes with S3",
      props: { loggingInfo: { brokerLogs: { s3: { enabled: true, bucket: "b" } } } },
    },
  ],
  violating: [
    { name: "fails with the default (no broker logs)", props: {}, message: "no enabled destination" },
    {
      name: "fails when every destination is disabled",
      props: {
        loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: false }, firehose: { enabled: false } } },
      },
    },
  ],
  unknown: [{ name: "skips when logging is unknown", props: { loggingInfo: unknown.object } }],
});
