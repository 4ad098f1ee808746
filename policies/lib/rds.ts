import { Props } from "./rule";

export const RDS = {
  instance: "aws:rds/instance:Instance",
  cluster: "aws:rds/cluster:Cluster",
  clusterInstance: "aws:rds/clusterInstance:ClusterInstance",
} as const;

/** An instance in an Aurora/Multi-AZ DB cluster: storage, backups and deletion protection are the cluster's. */
export function inCluster(props: Props): boolean {
  return typeof props.dbClusterIdentifier === "string" && props.dbClusterIdentifier !== "";
}

/** A read replica inherits encryption from its source and has no backups of its own by default. */
export function isReadReplica(props: Props): boolean {
  return typeof props.replicateSourceDb === "string" && props.replicateSourceDb !== "";
}
