import { ELASTICACHE } from "../../../lib/elasticache";
import { resourceRule } from "../../../lib/rule";

export const elasticacheMultiAz = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [ELASTICACHE.replicationGroup],
    summary:
      "An ElastiCache replication group has no Multi-AZ automatic failover, so one zone outage takes the feature store down.",
    description:
      "The ElastiCache replication group does not enable Multi-AZ with automatic failover (multiAzEnabled and " +
      "automaticFailoverEnabled both default to false). Losing the primary's zone makes the feature store " +
      "unavailable until someone intervenes. Advisory by default; the prod config makes it mandatory.",
    remediation:
      "Set multiAzEnabled: true and automaticFailoverEnabled: true, with at least one replica in another zone.",
    enforcementLevel: "advisory",
    severity: "medium",
    check: (props) => {
      const problems: string[] = [];
      if (props.multiAzEnabled !== true) problems.push("multiAzEnabled is not true");
      if (props.automaticFailoverEnabled !== true) problems.push("automaticFailoverEnabled is not true");
      return problems;
    },
  });
