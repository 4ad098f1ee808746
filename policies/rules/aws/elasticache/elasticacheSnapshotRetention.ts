import { ELASTICACHE, isGroupMember } from "../../../lib/elasticache";
import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

export const elasticacheSnapshotRetention = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["aws"],
    resourceTypes: [ELASTICACHE.replicationGroup, ELASTICACHE.cluster],
    summary:
      "An ElastiCache store keeps fewer daily snapshots than required, so lost or corrupted features cannot be restored.",
    description:
      "ElastiCache snapshotRetentionLimit is below the required number of days (the provider default is 0: " +
      "no automatic snapshots). A node failure without a replica, a bad deploy or a FLUSHALL then loses the " +
      "feature store, and rebuilding it from the lake takes hours.",
    remediation: "Set snapshotRetentionLimit to at least the configured minimum (and a snapshotWindow).",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: minimumDaysSetting("Fewest days of automatic snapshots to keep (ElastiCache allows up to 35).", {
      minimum: 1,
      maximum: 35,
      default: 1,
    }),
    check: (props, { type, config, args }) => {
      if (isGroupMember(type, props)) {
        args.notApplicable("a member of a replication group; the group is judged");
      }
      if (props.engine === "memcached") args.notApplicable("memcached has no snapshots");
      const days = props.snapshotRetentionLimit ?? 0;
      if (typeof days !== "number" || days < config.minimumRetentionDays) {
        return {
          message: `snapshotRetentionLimit is ${days} day(s); at least ${config.minimumRetentionDays} required`,
          path: "snapshotRetentionLimit",
          value: props.snapshotRetentionLimit,
        };
      }
      return undefined;
    },
  });
