/**
 * Pure rendering for the AWS object store: bucket policies, the replication role's policy and
 * lifecycle rules. Plain values in, plain objects out, so each is tested on its own.
 */

import { serviceTrustPolicy, type PolicyDocument, type PolicyStatement } from "./iamDocuments";

/** Statements every Seawall bucket carries: TLS only (1.2 or later). */
export function transportStatements(bucketArn: string): PolicyStatement[] {
  const resources = [bucketArn, `${bucketArn}/*`];
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: resources,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
}

/**
 * The data bucket's policy: TLS only, and no upload encrypted with anything but SSE-KMS under the
 * bucket's own key. Uploads that name no encryption get the bucket's default (that key), so the
 * conditions only bite when a request asks for something else.
 */
export function dataBucketPolicy(bucketArn: string, kmsKeyArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...transportStatements(bucketArn),
      {
        Sid: "DenyUploadsNotSseKms",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      },
      {
        Sid: "DenyUploadsWithAnotherKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${bucketArn}/*`,
        Condition: {
          StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": kmsKeyArn },
        },
      },
    ],
  };
}

/** The access-log bucket's policy: TLS only, and log delivery only from the source bucket. */
export function logBucketPolicy(
  logBucketArn: string,
  sourceBucketArn: string,
  accountId: string,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      ...transportStatements(logBucketArn),
      {
        Sid: "AllowServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${logBucketArn}/*`,
        Condition: {
          ArnLike: { "aws:SourceArn": sourceBucketArn },
          StringEquals: { "aws:SourceAccount": accountId },
        },
      },
    ],
  };
}

/** Trust policy that lets S3 assume the replication role. */
export function replicationTrustPolicy(accountId: string): PolicyDocument {
  return serviceTrustPolicy("S3AssumesReplicationRole", "s3.amazonaws.com", accountId);
}

export interface ReplicationPolicyInput {
  sourceBucketArn: string;
  sourceKeyArn: string;
  sourceRegion: string;
  replicaBucketArn: string;
  replicaKeyArn: string;
  replicaRegion: string;
  /** Object lock on the source: replication also needs to read retention and legal holds. */
  objectLock: boolean;
}

/**
 * The replication role's permissions, scoped to exactly the two buckets and the two keys: read the
 * source's versions, write replicas, decrypt with the source key and encrypt with the replica key,
 * each KMS call only through S3 in its region and only for objects of its bucket.
 */
export function replicationRolePolicy(i: ReplicationPolicyInput): PolicyDocument {
  const sourceRead = [
    "s3:GetObjectVersionForReplication",
    "s3:GetObjectVersionAcl",
    "s3:GetObjectVersionTagging",
    ...(i.objectLock ? ["s3:GetObjectRetention", "s3:GetObjectLegalHold"] : []),
  ];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ReadReplicationConfiguration",
        Effect: "Allow",
        Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
        Resource: i.sourceBucketArn,
      },
      {
        Sid: "ReadSourceVersions",
        Effect: "Allow",
        Action: sourceRead,
        Resource: `${i.sourceBucketArn}/*`,
      },
      {
        Sid: "WriteReplicas",
        Effect: "Allow",
        Action: [
          "s3:ReplicateObject",
          "s3:ReplicateDelete",
          "s3:ReplicateTags",
          "s3:ObjectOwnerOverrideToBucketOwner",
        ],
        Resource: `${i.replicaBucketArn}/*`,
      },
      {
        Sid: "DecryptSourceObjects",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: i.sourceKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": `s3.${i.sourceRegion}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [i.sourceBucketArn, `${i.sourceBucketArn}/*`] },
        },
      },
      {
        Sid: "EncryptReplicas",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: i.replicaKeyArn,
        Condition: {
          StringEquals: { "kms:ViaService": `s3.${i.replicaRegion}.amazonaws.com` },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [i.replicaBucketArn, `${i.replicaBucketArn}/*`] },
        },
      },
    ],
  };
}

export interface LifecycleInput {
  infrequentAccessAfterDays: number;
  archiveAfterDays: number;
  archiveStorageClass: "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
  expireNoncurrentAfterDays: number;
  abortIncompleteMultipartAfterDays: number;
  /** Intelligent-Tiering replaces the fixed tiering transitions. */
  intelligentTiering: boolean;
}

/** Lifecycle rules in the shape of `aws.s3.BucketLifecycleConfiguration`'s `rules`. */
export function lifecycleRules(l: LifecycleInput) {
  const transitions = l.intelligentTiering
    ? [{ days: 0, storageClass: "INTELLIGENT_TIERING" }]
    : [
        { days: l.infrequentAccessAfterDays, storageClass: "STANDARD_IA" },
        { days: l.archiveAfterDays, storageClass: l.archiveStorageClass },
      ];
  return [
    {
      id: "tiering",
      status: "Enabled",
      filter: {},
      transitions,
    },
    {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: l.expireNoncurrentAfterDays },
      expiration: { expiredObjectDeleteMarker: true },
    },
    {
      id: "abort-incomplete-multipart-uploads",
      status: "Enabled",
      filter: {},
      abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteMultipartAfterDays },
    },
  ];
}
