import { MEMORYSTORE } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const memorystorePersistence = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [MEMORYSTORE.redis, MEMORYSTORE.valkey],
    summary:
      "A Memorystore instance does not persist data, so a restart or failover empties the feature store.",
    description:
      "The Memorystore instance has persistence off (persistenceConfig.persistenceMode / mode defaults to " +
      "DISABLED). A maintenance restart or a failure loses every key, and the feature server serves misses " +
      "until the features are rebuilt.",
    remediation:
      'Set persistenceConfig to RDB snapshots (persistenceMode "RDB" with a snapshot period) or AOF.',
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props, { type }) => {
      const field = type === MEMORYSTORE.redis ? "persistenceMode" : "mode";
      const observed: unknown = props.persistenceConfig?.[field];
      const mode = String(observed ?? "DISABLED");
      return mode === "RDB" || mode === "AOF"
        ? undefined
        : { message: `persistence mode is "${mode}"`, path: `persistenceConfig.${field}`, value: observed };
    },
  });
