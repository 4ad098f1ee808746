import { AZURE, postgresBackupNotApplicable, postgresBackupOf } from "../../../lib/azure";
import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const postgresBackupRetention = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.postgresFlexible, AZURE.postgresSingle],
    summary: "A PostgreSQL flexible server keeps backups for fewer days than required.",
    description:
      "The PostgreSQL flexible server's backup.backupRetentionDays (default 7) is below the configured minimum. " +
      "Corruption or a bad migration noticed after that window cannot be restored. Read replicas (createMode " +
      "Replica) take no backups and are not judged; point-in-time and geo-restores that leave it unset inherit " +
      "their source server's retention. Single Server (the 2017-12-01 API) is judged on " +
      "properties.storageProfile.backupRetentionDays.",
    remediation: "Set backup.backupRetentionDays to at least the configured minimum (up to 35).",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: minimumDaysSetting("Fewest days of backups to keep.", { minimum: 7, maximum: 35, default: 7 }),
    check: (props, { type, config, args }) => {
      const view = postgresBackupOf(type, props);
      const skip = postgresBackupNotApplicable(view, props, "backupRetentionDays");
      if (skip) args.notApplicable(skip);
      const observed: unknown = view.settings?.backupRetentionDays;
      const days = observed ?? 7;
      if (typeof days === "number" && days >= config.minimumRetentionDays) return undefined;
      const path = `${view.path}.backupRetentionDays`;
      return {
        message: `${path} is ${String(days)}; at least ${config.minimumRetentionDays} required`,
        path,
        value: observed,
      };
    },
  });
