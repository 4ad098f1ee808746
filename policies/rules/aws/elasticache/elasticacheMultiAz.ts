import { ELASTICACHE } from "../../../lib/elasticache";
import { Finding, resourceRule } from "../../../lib/rule";

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
      const problems: Finding[] = [];
      for (const path of ["multiAzEnabled", "automaticFailoverEnabled"]) {
        if (props[path] !== true) problems.push({ message: `${path} is not true`, path, value: props[path] });
      }
      return problems;
    },
  });
