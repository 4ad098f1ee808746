import { inCluster, isReadReplica, RDS } from "../../../lib/rds";
import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const rdsBackupRetention = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [RDS.instance, RDS.cluster],
    summary:
      "An RDS database keeps automated backups for fewer days than required, limiting point-in-time recovery.",
    description:
      "RDS backupRetentionPeriod is below the required days (AWS applies 1 day when it is unset; 0 turns " +
      "automated backups and point-in-time recovery off). Corruption or a bad migration noticed later than " +
      "that cannot be undone.",
    remediation:
      "Set backupRetentionPeriod to at least the configured minimum (up to 35 days) and a backupWindow.",
    enforcementLevel: "mandatory",
    severity: "high",
    config: minimumDaysSetting("Fewest days of automated backups to keep.", {
      minimum: 1,
      maximum: 35,
      default: 7,
    }),
    check: (props, { type, config, args }) => {
      if (type === RDS.instance && inCluster(props))
        args.notApplicable("an instance of a DB cluster; the cluster is judged");
      if (type === RDS.instance && isReadReplica(props))
        args.notApplicable("a read replica; its source is judged");
      const days = props.backupRetentionPeriod ?? 1;
      if (typeof days !== "number" || days < config.minimumRetentionDays) {
        return {
          message: `backupRetentionPeriod is ${days} day(s)${props.backupRetentionPeriod === undefined ? " (the AWS default)" : ""}; at least ${config.minimumRetentionDays} required`,
          path: "backupRetentionPeriod",
          value: props.backupRetentionPeriod,
        };
      }
      return undefined;
    },
  });
