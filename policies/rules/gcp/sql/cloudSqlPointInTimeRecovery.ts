import { CLOUD_SQL, isSqlReplica } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const cloudSqlPointInTimeRecovery = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [CLOUD_SQL],
    summary: "A Cloud SQL instance cannot be restored to a point in time, only to its last daily backup.",
    description:
      "The Cloud SQL instance has no point-in-time recovery (PostgreSQL and SQL Server: " +
      "backupConfiguration.pointInTimeRecoveryEnabled; MySQL: binaryLogEnabled). A restore can then only go back " +
      "to the last backup, losing up to a day of writes.",
    remediation:
      "Set settings.backupConfiguration.pointInTimeRecoveryEnabled: true (PostgreSQL, SQL Server) or " +
      "binaryLogEnabled: true (MySQL), with backups enabled.",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props, { args }) => {
      if (isSqlReplica(props)) args.notApplicable("a read replica; its primary is judged");
      const backup = props.settings?.backupConfiguration;
      const mysql = String(props.databaseVersion ?? "").startsWith("MYSQL");
      const field = mysql ? "binaryLogEnabled" : "pointInTimeRecoveryEnabled";
      const path = `settings.backupConfiguration.${field}`;
      return backup?.[field] === true
        ? undefined
        : { message: `${path} is not true`, path, value: backup?.[field] as unknown };
    },
  });
