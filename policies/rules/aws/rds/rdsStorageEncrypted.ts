import { inCluster, RDS } from "../../../lib/rds";
import { resourceRule } from "../../../lib/rule";

export const rdsStorageEncrypted = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [RDS.instance, RDS.cluster],
    summary:
      "An RDS instance or Aurora cluster stores data unencrypted, and encryption cannot be added later in place.",
    description:
      "RDS storageEncrypted is not true (the provider default is false; Aurora Serverless v1 is always " +
      "encrypted). The database, its snapshots, logs and replicas are then unencrypted, and encryption cannot " +
      "be turned on in place later: it takes a snapshot copy and a restore.",
    remediation: "Set storageEncrypted: true and kmsKeyId to a customer-managed key.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type, args }) => {
      if (type === RDS.instance && inCluster(props))
        args.notApplicable("an instance of a DB cluster; the cluster is judged");
      if (type === RDS.cluster && props.engineMode === "serverless") return undefined;
      return props.storageEncrypted === true
        ? undefined
        : {
            message: "storageEncrypted is not true",
            path: "storageEncrypted",
            value: props.storageEncrypted,
          };
    },
  });
