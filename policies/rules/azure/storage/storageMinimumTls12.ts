import { AZURE, tlsVersion } from "../../../lib/azure";
import { resourceRule } from "../../../lib/rule";

export const storageMinimumTls12 = () =>
  resourceRule({
    file: __filename,
    clouds: ["azure"],
    resourceTypes: [AZURE.storageAccount],
    summary: "An Azure storage account accepts TLS 1.0/1.1 (the API default), which have known weaknesses.",
    description:
      'The storage account\'s minimumTlsVersion is below "TLS1_2" or unset, and the API then applies TLS 1.0. ' +
      "TLS 1.0 and 1.1 are deprecated (RFC 8996) and open to downgrade attacks, and fail PCI DSS.",
    remediation: 'Set minimumTlsVersion: "TLS1_2".',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const value: unknown = props.minimumTlsVersion;
      const at = (message: string) => ({ message, path: "minimumTlsVersion", value });
      if (value === undefined) return at("minimumTlsVersion is unset (the API default is TLS1_0)");
      const v = tlsVersion(value);
      return v !== undefined && v >= 1.2 ? undefined : at(`minimumTlsVersion is "${String(value)}"`);
    },
  });
