import { ELASTICACHE, encryptionDefault, isGroupMember } from "../../../lib/elasticache";
import { resourceRule } from "../../../lib/rule";

export const elasticacheEncryptionAtRest = () =>
  resourceRule({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [ELASTICACHE.replicationGroup, ELASTICACHE.cluster],
    summary:
      "An ElastiCache store is not encrypted at rest, so its snapshots and swap hold features in clear.",
    description:
      "The ElastiCache replication group is not encrypted at rest (atRestEncryptionEnabled is false, or unset " +
      "with engine redis, whose default is false; valkey defaults to true), or it is a standalone cache " +
      "cluster, which cannot be encrypted at rest. Backups, snapshots and on-disk data are then readable by " +
      "anyone who obtains them.",
    remediation:
      "Use an aws.elasticache.ReplicationGroup with atRestEncryptionEnabled: true and kmsKeyId set to a " +
      "customer-managed key.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type, args }) => {
      if (type === ELASTICACHE.cluster) {
        if (isGroupMember(type, props))
          args.notApplicable("a member of a replication group; the group is judged");
        return {
          message: "a standalone cache cluster cannot encrypt at rest; use a replication group",
          path: "replicationGroupId",
          value: props.replicationGroupId,
        };
      }
      const enabled = props.atRestEncryptionEnabled ?? encryptionDefault(props);
      if (enabled !== true) {
        return {
          message:
            props.atRestEncryptionEnabled === undefined
              ? `atRestEncryptionEnabled is unset and engine "${props.engine ?? "redis"}" defaults to false`
              : "atRestEncryptionEnabled is false",
          path: "atRestEncryptionEnabled",
          value: props.atRestEncryptionEnabled,
        };
      }
      return undefined;
    },
  });
