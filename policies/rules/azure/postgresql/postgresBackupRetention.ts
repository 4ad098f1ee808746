import { AZURE } from "../../../lib/azure";
import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const postgresBackupRetention = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.postgresFlexible],
    summary: "A PostgreSQL flexible server keeps backups for fewer days than required.",
    description:
      "The PostgreSQL flexible server's backup.backupRetentionDays (default 7) is below the configured minimum. " +
      "Corruption or a bad migration noticed after that window cannot be restored.",
    remediation: "Set backup.backupRetentionDays to at least the configured minimum (up to 35).",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: minimumDaysSetting("Fewest days of backups to keep.", { minimum: 7, maximum: 35, default: 7 }),
    check: (props, { config }) => {
      const days = props.backup?.backupRetentionDays ?? 7;
      return typeof days === "number" && days >= config.minimumRetentionDays
        ? undefined
        : `backup.backupRetentionDays is ${days}; at least ${config.minimumRetentionDays} required`;
    },
  });
