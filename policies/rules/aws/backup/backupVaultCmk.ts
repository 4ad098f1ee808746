import { resourceRule } from "../../../lib/rule";

export const backupVaultCmk = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: ["aws:backup/vault:Vault"],
    summary:
      "An AWS Backup vault encrypts recovery points with the AWS-managed key, so you cannot control who restores them.",
    description:
      "The AWS Backup vault has no kmsKeyArn, so recovery points are encrypted with the AWS-managed " +
      "aws/backup key. A key policy of your own is what stops a compromised account from restoring or copying " +
      "the backups elsewhere.",
    remediation: "Set kmsKeyArn to a customer-managed aws.kms.Key (ideally in a dedicated backup account).",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.kmsKeyArn
        ? undefined
        : {
            message: "kmsKeyArn is not set (the default is the AWS-managed aws/backup key)",
            path: "kmsKeyArn",
            value: props.kmsKeyArn,
          },
  });
