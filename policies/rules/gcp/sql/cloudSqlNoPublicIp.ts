import { CLOUD_SQL } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const cloudSqlNoPublicIp = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [CLOUD_SQL],
    summary: "A Cloud SQL instance has a public IPv4 address, exposing the database to the internet.",
    description:
      "The Cloud SQL instance's settings.ipConfiguration.ipv4Enabled is true, which is the default. The database " +
      "gets a public address, and only authorized networks stand between it and internet-wide scanning.",
    remediation:
      "Set settings.ipConfiguration.ipv4Enabled: false and privateNetwork to your VPC (private services access or PSC).",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props) => {
      const observed: unknown = props.settings?.ipConfiguration?.ipv4Enabled;
      if (observed === false) return undefined;
      return {
        message: `settings.ipConfiguration.ipv4Enabled is ${observed === true ? "true" : "unset (default true)"}`,
        path: "settings.ipConfiguration.ipv4Enabled",
        value: observed,
      };
    },
  });
