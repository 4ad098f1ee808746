import { Props } from "./rule";

export const MEMORYSTORE = {
  redis: "gcp:redis/instance:Instance",
  valkey: "gcp:memorystore/instance:Instance",
} as const;

export const CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance";

/** Cloud SQL instance types that replicate a primary (`SqlInstanceType`): read replicas and Enterprise Plus read pools. */
const SQL_REPLICA_TYPES = ["READ_REPLICA_INSTANCE", "READ_POOL_INSTANCE"];

/**
 * A read replica's backups and PITR are its primary's. Its `instanceType` is read first: the
 * primary's name is often an output of the same program, unknown during a preview.
 */
export function isSqlReplica(props: Props): boolean {
  if (SQL_REPLICA_TYPES.includes(String(props.instanceType ?? ""))) return true;
  return typeof props.masterInstanceName === "string" && props.masterInstanceName !== "";
}

/** Cloud Storage resources that grant access to a bucket, a managed folder or objects. */
export const GCS_GRANTS = {
  iamMember: [
    "gcp:storage/bucketIAMMember:BucketIAMMember",
    "gcp:storage/managedFolderIamMember:ManagedFolderIamMember",
  ],
  iamBinding: [
    "gcp:storage/bucketIAMBinding:BucketIAMBinding",
    "gcp:storage/managedFolderIamBinding:ManagedFolderIamBinding",
  ],
  iamPolicy: [
    "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
    "gcp:storage/managedFolderIamPolicy:ManagedFolderIamPolicy",
  ],
  /** One ACL entry: `entity` and `role`. */
  aclEntry: [
    "gcp:storage/bucketAccessControl:BucketAccessControl",
    "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
    "gcp:storage/objectAccessControl:ObjectAccessControl",
  ],
  /** A whole ACL: `roleEntities` ("ROLE:entity"), `predefinedAcl`, and for buckets `defaultAcl`. */
  acl: [
    "gcp:storage/bucketACL:BucketACL",
    "gcp:storage/defaultObjectACL:DefaultObjectACL",
    "gcp:storage/objectACL:ObjectACL",
  ],
} as const;

/** The IAM principals and ACL entities that mean everyone: anyone, or anyone with a Google account. */
export const PUBLIC_PRINCIPALS = ["allUsers", "allAuthenticatedUsers"];

/** Whether an IAM member or ACL entity is public (`allUsers`, `allAuthenticatedUsers`, any case). */
export function isPublicPrincipal(value: unknown): boolean {
  return (
    typeof value === "string" && PUBLIC_PRINCIPALS.some((p) => p.toLowerCase() === value.trim().toLowerCase())
  );
}

/** Predefined (canned) ACLs that grant everyone access: `publicRead`, `publicReadWrite`, `authenticatedRead` (also `public-read` spellings). */
export function isPublicPredefinedAcl(value: unknown): boolean {
  const v = String(value ?? "")
    .replace(/[-_]/g, "")
    .toLowerCase();
  return ["publicread", "publicreadwrite", "authenticatedread"].includes(v);
}
