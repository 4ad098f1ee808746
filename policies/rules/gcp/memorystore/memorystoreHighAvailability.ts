import { MEMORYSTORE } from "../../../lib/gcp";
import { resourceRule } from "../../../lib/rule";

export const memorystoreHighAvailability = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: [MEMORYSTORE.redis, MEMORYSTORE.valkey],
    summary:
      "A Memorystore instance has no replica, so one zone or node failure takes the feature store down.",
    description:
      'The Memorystore instance is not highly available: Redis tier is "BASIC" (the default) rather than ' +
      '"STANDARD_HA", or Valkey replicaCount is 0 (the default). A node or zone failure makes it unavailable and, ' +
      "without persistence, empty. Advisory by default; the prod config makes it mandatory.",
    remediation: 'Use tier "STANDARD_HA" (Redis) or replicaCount >= 1 across zones (Valkey).',
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props, { type }) => {
      if (type === MEMORYSTORE.redis) {
        const observed: unknown = props.tier;
        const tier = String(observed ?? "BASIC");
        return tier === "STANDARD_HA"
          ? undefined
          : { message: `tier is "${tier}", not "STANDARD_HA"`, path: "tier", value: observed };
      }
      const observed: unknown = props.replicaCount;
      const replicas = Number(observed ?? 0);
      return replicas >= 1
        ? undefined
        : { message: `replicaCount is ${String(observed ?? 0)}`, path: "replicaCount", value: observed };
    },
  });
