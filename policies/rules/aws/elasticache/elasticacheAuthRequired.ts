import { asList } from "../../../lib/aws";
import { ELASTICACHE, isGroupMember } from "../../../lib/elasticache";
import { resourceRule } from "../../../lib/rule";

export const elasticacheAuthRequired = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [ELASTICACHE.replicationGroup, ELASTICACHE.cluster],
    summary:
      "An ElastiCache store needs no password or RBAC user, so any client in the network can read and overwrite it.",
    description:
      "The ElastiCache store has neither an AUTH token (authToken) nor RBAC user groups (userGroupIds). Any " +
      "client that reaches the endpoint can read every feature, overwrite them, or FLUSHALL. Standalone Redis " +
      "cache clusters cannot require auth at all.",
    remediation:
      "Set authToken from a secret (with transit encryption on) or userGroupIds to RBAC user groups; use a " +
      "replication group rather than a standalone cluster.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props, { type, args }) => {
      if (type === ELASTICACHE.cluster) {
        if (isGroupMember(type, props))
          args.notApplicable("a member of a replication group; the group is judged");
        if (props.engine === "memcached")
          args.notApplicable("memcached has no AUTH; it is judged by network rules");
        return {
          message: "a standalone cache cluster cannot require AUTH or RBAC; use a replication group",
          path: "replicationGroupId",
          value: props.replicationGroupId,
        };
      }
      const token = props.authToken;
      const groups = asList(props.userGroupIds as string[] | undefined);
      if ((typeof token !== "string" || token === "") && groups.length === 0) {
        // The value is never the token itself: only an unset or empty one is reported.
        return { message: "neither authToken nor userGroupIds is set", path: "authToken", value: token };
      }
      return undefined;
    },
  });
