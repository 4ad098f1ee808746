import { AZURE, olderApiThan, tlsVersion } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const eventHubsMinimumTls12 = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.eventHubNamespace],
    summary: "An Event Hubs namespace accepts TLS below 1.2.",
    description:
      'The Event Hubs namespace\'s minimumTlsVersion is below "1.2", or unset with an API version before ' +
      "2022-01-01-preview, whose default was 1.0. Producers and consumers could then negotiate deprecated, " +
      "attackable TLS versions.",
    remediation: 'Set minimumTlsVersion: "1.2".',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) => {
      const value: unknown = props.minimumTlsVersion;
      const at = (message: string) => ({ message, path: "minimumTlsVersion", value });
      if (value === undefined) {
        return olderApiThan(type, "20220101")
          ? at("minimumTlsVersion is unset and this API version defaults to 1.0")
          : undefined;
      }
      const v = tlsVersion(value);
      return v !== undefined && v >= 1.2 ? undefined : at(`minimumTlsVersion is "${String(value)}"`);
    },
  });
