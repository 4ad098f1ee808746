import { MEMORYSTORE } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const memorystoreAuthEnabled = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [MEMORYSTORE.redis, MEMORYSTORE.valkey],
    summary:
      "A Memorystore instance needs no credentials, so anything in the VPC can read and overwrite features.",
    description:
      "The Memorystore instance does not require authentication: Redis authEnabled is false (the default), or " +
      'Valkey authorizationMode is "AUTH_DISABLED" (the default). Any workload that can reach the VPC address ' +
      "can read, overwrite or flush the feature store.",
    remediation: 'Set authEnabled: true (Redis) or authorizationMode: "IAM_AUTH" (Valkey).',
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props, { type }) => {
      if (type === MEMORYSTORE.redis) {
        return props.authEnabled === true
          ? undefined
          : { message: "authEnabled is not true", path: "authEnabled", value: props.authEnabled as unknown };
      }
      const observed: unknown = props.authorizationMode;
      const mode = String(observed ?? "AUTH_DISABLED");
      return mode === "AUTH_DISABLED"
        ? { message: `authorizationMode is "${mode}"`, path: "authorizationMode", value: observed }
        : undefined;
    },
  });
