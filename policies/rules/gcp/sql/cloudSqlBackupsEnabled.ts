import { CLOUD_SQL, isSqlReplica } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const cloudSqlBackupsEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [CLOUD_SQL],
    summary:
      "A Cloud SQL instance takes no automated backups, so a bad migration or deletion cannot be undone.",
    description:
      "The Cloud SQL instance does not enable settings.backupConfiguration.enabled (off unless set). Without " +
      "automated backups, data corrupted by a migration or deleted by mistake is gone.",
    remediation:
      "Set settings.backupConfiguration.enabled: true with a start time and backupRetentionSettings.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { args }) => {
      if (isSqlReplica(props)) args.notApplicable("a read replica; its primary is judged");
      const observed: unknown = props.settings?.backupConfiguration?.enabled;
      return observed === true
        ? undefined
        : {
            message: "settings.backupConfiguration.enabled is not true",
            path: "settings.backupConfiguration.enabled",
            value: observed,
          };
    },
  });
