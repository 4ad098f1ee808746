import { AZURE } from "../../../lib/azure";
import { matchesAny, resourceRule } from "../../../lib/rule";

export const azureRedisTlsOnly = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [...AZURE.redis, ...AZURE.managedRedisDatabase],
    summary:
      "An Azure Redis cache accepts plaintext connections, exposing features and access keys on the network.",
    description:
      "The cache accepts unencrypted clients: Azure Cache for Redis sets enableNonSslPort: true (default false), " +
      'or an Azure Managed Redis database sets clientProtocol "Plaintext" (default "Encrypted"). Keys and feature ' +
      "values then cross the network in clear.",
    remediation: 'Leave enableNonSslPort false and clientProtocol "Encrypted" (the defaults).',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      if (matchesAny(AZURE.redis, type)) {
        return props.enableNonSslPort === true
          ? { message: "enableNonSslPort is true", path: "enableNonSslPort", value: true }
          : undefined;
      }
      const observed: unknown = props.clientProtocol;
      const protocol = String(observed ?? "Encrypted");
      return protocol === "Encrypted"
        ? undefined
        : { message: `clientProtocol is "${protocol}"`, path: "clientProtocol", value: observed };
    },
  });
