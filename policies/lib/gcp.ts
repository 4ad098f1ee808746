import { Props } from "./rule";

export const MEMORYSTORE = {
  redis: "gcp:redis/instance:Instance",
  valkey: "gcp:memorystore/instance:Instance",
} as const;

export const CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance";

/** A read replica's backups and PITR are its primary's. */
export function isSqlReplica(props: Props): boolean {
  return typeof props.masterInstanceName === "string" && props.masterInstanceName !== "";
}
