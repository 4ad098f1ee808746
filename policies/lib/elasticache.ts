import { Props } from "./rule";

export const ELASTICACHE = {
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cluster: "aws:elasticache/cluster:Cluster",
} as const;

/** The provider defaults at-rest and in-transit encryption to true for valkey and false for redis. */
export function encryptionDefault(props: Props): boolean {
  return (props.engine ?? "redis") === "valkey";
}

/** A cache cluster that is a member of a replication group inherits the group's settings. */
export function isGroupMember(props: Props): boolean {
  return typeof props.replicationGroupId === "string" && props.replicationGroupId !== "";
}
