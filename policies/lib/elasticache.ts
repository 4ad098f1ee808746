import { Props } from "./rule";

export const ELASTICACHE = {
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cluster: "aws:elasticache/cluster:Cluster",
} as const;

/** The provider defaults at-rest and in-transit encryption to true for valkey and false for redis. */
export function encryptionDefault(props: Props): boolean {
  return (props.engine ?? "redis") === "valkey";
}

/**
 * An `aws:elasticache/cluster:Cluster` that is a member of a replication group (it sets
 * `replicationGroupId`) inherits the group's settings. A ReplicationGroup's own `replicationGroupId`
 * is its id, not membership: a group is never a member.
 */
export function isGroupMember(type: string, props: Props): boolean {
  if (type !== ELASTICACHE.cluster) return false;
  return typeof props.replicationGroupId === "string" && props.replicationGroupId !== "";
}
