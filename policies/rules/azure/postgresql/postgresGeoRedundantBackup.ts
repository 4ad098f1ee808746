import { AZURE, postgresBackupNotApplicable, postgresBackupOf } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const postgresGeoRedundantBackup = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.postgresFlexible, AZURE.postgresSingle],
    summary:
      "A PostgreSQL flexible server keeps backups in one region, so a regional disaster loses them with the server.",
    description:
      'The PostgreSQL flexible server\'s backup.geoRedundantBackup is not "Enabled" (default "Disabled"). Backups ' +
      "then live in the server's region only, and a regional disaster takes the database and its backups " +
      "together. It can only be chosen at creation. Read replicas (createMode Replica) take no backups and are " +
      "not judged; point-in-time and geo-restores that leave it unset inherit their source server's setting. " +
      "Single Server (the 2017-12-01 API) is judged on properties.storageProfile.geoRedundantBackup. Advisory " +
      "by default; the prod config makes it mandatory.",
    remediation: 'Set backup.geoRedundantBackup: "Enabled" when creating the server.',
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props, { type, args }) => {
      const view = postgresBackupOf(type, props);
      const skip = postgresBackupNotApplicable(view, props, "geoRedundantBackup");
      if (skip) args.notApplicable(skip);
      const observed: unknown = view.settings?.geoRedundantBackup;
      const value = observed ?? "Disabled";
      if (String(value).toLowerCase() === "enabled") return undefined;
      const path = `${view.path}.geoRedundantBackup`;
      return { message: `${path} is "${String(value)}"`, path, value: observed };
    },
  });
