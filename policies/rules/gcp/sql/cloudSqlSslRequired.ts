import { CLOUD_SQL } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

const ENFORCED = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const cloudSqlSslRequired = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [CLOUD_SQL],
    summary:
      "A Cloud SQL instance accepts unencrypted connections, exposing queries and credentials on the network.",
    description:
      'The Cloud SQL instance\'s settings.ipConfiguration.sslMode is not "ENCRYPTED_ONLY" or ' +
      '"TRUSTED_CLIENT_CERTIFICATE_REQUIRED" (the default allows unencrypted connections). Passwords and query ' +
      "results can then cross the network in clear.",
    remediation: 'Set settings.ipConfiguration.sslMode: "ENCRYPTED_ONLY" (or require client certificates).',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const ip = props.settings?.ipConfiguration;
      if (ip?.requireSsl === true && ip?.sslMode === undefined) return undefined;
      const observed: unknown = ip?.sslMode;
      const mode = String(observed ?? "ALLOW_UNENCRYPTED_AND_ENCRYPTED");
      return ENFORCED.includes(mode)
        ? undefined
        : {
            message: `settings.ipConfiguration.sslMode is "${mode}"`,
            path: "settings.ipConfiguration.sslMode",
            value: observed,
          };
    },
  });
