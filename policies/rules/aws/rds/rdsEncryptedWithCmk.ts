import { inCluster, isReadReplica, RDS } from "../../../lib/rds";
import { resourceRule } from "../../../lib/rule";

export const rdsEncryptedWithCmk = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [RDS.instance, RDS.cluster],
    summary:
      "An encrypted RDS database uses the AWS-managed aws/rds key, so you cannot control or audit access to its data, and the key cannot be changed in place.",
    description:
      "RDS storageEncrypted is true but kmsKeyId is not set, so the database, its snapshots, automated backups " +
      "and replicas are encrypted with the AWS-managed aws/rds key. You cannot limit who may decrypt them with a " +
      "key policy, share the snapshots with another account, or revoke access by disabling the key, and the key " +
      "of an instance cannot be changed later: it takes a snapshot copy under the new key and a restore.",
    remediation:
      "Set kmsKeyId to the ARN of a customer-managed aws.kms.Key (rotation on) when the database is created.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type, args }) => {
      if (type === RDS.instance && inCluster(props))
        args.notApplicable("an instance of a DB cluster; the cluster is judged");
      if (type === RDS.instance && isReadReplica(props))
        args.notApplicable("a read replica; its source's key, or the key a cross-region replica must name");
      if (props.storageEncrypted !== true)
        args.notApplicable("not encrypted at all; rdsStorageEncrypted reports it");
      const key = props.kmsKeyId;
      return typeof key === "string" && key !== ""
        ? undefined
        : {
            message: "kmsKeyId is not set (the default is the AWS-managed aws/rds key)",
            path: "kmsKeyId",
            value: key,
          };
    },
  });
