import { inCluster, RDS } from "../../../lib/rds";
import { resourceRule } from "../../../lib/rule";

export const rdsDeletionProtection = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [RDS.instance, RDS.cluster],
    summary: "An RDS database can be deleted by one API call or a replacing update.",
    description:
      "RDS deletionProtection is not true (the provider default is false). A mistaken `pulumi destroy`, a " +
      "change that forces replacement, or a compromised credential can delete the database in one call.",
    remediation:
      "Set deletionProtection: true (and keep finalSnapshotIdentifier / skipFinalSnapshot: false).",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props, { type, args }) => {
      if (type === RDS.instance && inCluster(props))
        args.notApplicable("an instance of a DB cluster; the cluster is judged");
      return props.deletionProtection === true
        ? undefined
        : {
            message: "deletionProtection is not true",
            path: "deletionProtection",
            value: props.deletionProtection,
          };
    },
  });
