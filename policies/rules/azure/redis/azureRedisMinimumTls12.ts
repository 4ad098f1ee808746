import { AZURE, tlsVersion } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const azureRedisMinimumTls12 = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [...AZURE.redis, ...AZURE.managedRedis],
    summary: "An Azure Redis cache allows TLS below 1.2.",
    description:
      'The cache sets minimumTlsVersion below "1.2". TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to ' +
      "downgrade attacks. (New caches default to 1.2 and Azure Managed Redis supports only 1.2+, so only an " +
      "explicit older version is reported.)",
    remediation: 'Set minimumTlsVersion: "1.2" or remove the override.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const value: unknown = props.minimumTlsVersion;
      if (value === undefined) return undefined;
      const v = tlsVersion(value);
      return v !== undefined && v >= 1.2
        ? undefined
        : { message: `minimumTlsVersion is "${String(value)}"`, path: "minimumTlsVersion", value };
    },
  });
