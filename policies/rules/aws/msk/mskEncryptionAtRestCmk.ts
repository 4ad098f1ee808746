import { resourceRule } from "../../../lib/rule";

export const mskEncryptionAtRestCmk = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:msk/cluster:Cluster"],
    summary:
      "An MSK cluster encrypts at rest with the AWS-managed key, so you cannot control or audit access to the event data.",
    description:
      "The MSK cluster has no encryptionInfo.encryptionAtRestKmsKeyArn, so its broker storage is encrypted with " +
      "the AWS-managed aws/kafka key. You cannot limit who may decrypt the event log with a key policy, audit " +
      "its use per key, or revoke access by disabling the key.",
    remediation: "Set encryptionInfo.encryptionAtRestKmsKeyArn to the ARN of a customer-managed aws.kms.Key.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const key = props.encryptionInfo?.encryptionAtRestKmsKeyArn;
      return key
        ? undefined
        : {
            message:
              "encryptionInfo.encryptionAtRestKmsKeyArn is not set (the default is the AWS-managed aws/kafka key)",
            path: "encryptionInfo.encryptionAtRestKmsKeyArn",
            value: key,
          };
    },
  });
