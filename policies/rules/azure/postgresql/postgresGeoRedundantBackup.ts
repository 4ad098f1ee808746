import { AZURE } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const postgresGeoRedundantBackup = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.postgresFlexible],
    summary:
      "A PostgreSQL flexible server keeps backups in one region, so a regional disaster loses them with the server.",
    description:
      'The PostgreSQL flexible server\'s backup.geoRedundantBackup is not "Enabled" (default "Disabled"). Backups ' +
      "then live in the server's region only, and a regional disaster takes the database and its backups " +
      "together. It can only be chosen at creation. Advisory by default; the prod config makes it mandatory.",
    remediation: 'Set backup.geoRedundantBackup: "Enabled" when creating the server.',
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) => {
      const value = props.backup?.geoRedundantBackup ?? "Disabled";
      return value === "Enabled" ? undefined : `backup.geoRedundantBackup is "${value}"`;
    },
  });
