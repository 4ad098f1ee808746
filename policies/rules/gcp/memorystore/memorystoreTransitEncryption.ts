import { MEMORYSTORE } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const memorystoreTransitEncryption = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [MEMORYSTORE.redis, MEMORYSTORE.valkey],
    summary:
      "A Memorystore instance accepts plaintext connections, exposing features and AUTH strings on the network.",
    description:
      'The Memorystore instance\'s transitEncryptionMode is not "SERVER_AUTHENTICATION" (the default is disabled). ' +
      "Feature values and the AUTH string then travel in clear inside the VPC and across peering.",
    remediation:
      'Set transitEncryptionMode: "SERVER_AUTHENTICATION" and give clients the instance\'s CA certificate.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const observed: unknown = props.transitEncryptionMode;
      const mode = String(observed ?? "DISABLED");
      return mode === "SERVER_AUTHENTICATION"
        ? undefined
        : { message: `transitEncryptionMode is "${mode}"`, path: "transitEncryptionMode", value: observed };
    },
  });
