import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LifecycleArgs, ObjectLockArgs, ObjectStoreLocation } from "../contracts";
import { helperChoice, isKnown, Problems } from "../validation";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import {
  dataBucketPolicy,
  lifecycleRules,
  logBucketPolicy,
  replicationRolePolicy,
  replicationTrustPolicy,
} from "./objectStoreDocuments";
import type { PolicyDocument } from "./iamDocuments";

/** Object lifecycle on AWS: the cloud-neutral days plus the archive class. */
export interface AwsLifecycleArgs extends LifecycleArgs {
  /**
   * The archive class objects move to at `archiveAfterDays`.
   * @default "GLACIER" (S3 Glacier Flexible Retrieval)
   */
  archiveStorageClass?: "GLACIER_IR" | "GLACIER" | "DEEP_ARCHIVE";
}

/** Cross-region replication of every object, delete markers included. */
export interface ReplicationArgs {
  /** The replica's region; must differ from the primary bucket's region. */
  region: string;
  /**
   * The provider for the replica region.
   * @default - a provider for `region` is created as a child of the component
   */
  provider?: aws.Provider;
  /**
   * The replica's customer-managed key, in the replica region.
   * @default - a key is created in the replica region, rotation on
   */
  kmsKey?: KmsKeyOption;
  /** Name of the replica bucket. @default - auto-named from the component's name */
  bucketName?: pulumi.Input<string>;
  /**
   * S3 Replication Time Control: 99.99% of objects replicated within 15 minutes, with replication
   * metrics and events. Costs extra per GB.
   * @default false (the `prod` profile turns it on)
   */
  replicationTimeControl?: boolean;
  /**
   * Storage class of the replicas.
   * @default "STANDARD"
   */
  storageClass?: "STANDARD" | "STANDARD_IA" | "INTELLIGENT_TIERING" | "GLACIER_IR";
}

/** S3 server access logging. */
export type AccessLoggingOption =
  | { existing: { bucketName: pulumi.Input<string> }; prefix?: string }
  | { args: { expireAfterDays?: number }; prefix?: string }
  | { skip: true };

/** S3 Intelligent-Tiering with its optional archive tiers. */
export interface IntelligentTieringArgs {
  /** Days without access before objects move to the Archive Access tier (90 to 730). @default 90 */
  archiveAccessAfterDays?: number;
  /** Days without access before objects move to the Deep Archive Access tier (180 to 730). @default 180 */
  deepArchiveAccessAfterDays?: number;
}

export interface ObjectStoreArgs {
  /**
   * The bucket's name. See https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
   * @default - auto-named from the component's name
   */
  bucketName?: pulumi.Input<string>;
  /** Key prefix the pipeline writes under. @default "" (the whole bucket) */
  prefix?: string;
  /**
   * The customer-managed KMS key for SSE-KMS.
   * @default - a key is created, rotation on
   */
  kmsKey?: KmsKeyOption;
  /**
   * Days a scheduled deletion of a key this component creates waits (7 to 30).
   * @default 30
   */
  keyDeletionWindowInDays?: number;
  /** Tiering, noncurrent-version expiry and multipart clean-up. @default - see {@link AwsLifecycleArgs} */
  lifecycle?: AwsLifecycleArgs;
  /** Cross-region replication. @default - no replication (the `prod` profile turns it on) */
  replication?: ReplicationArgs;
  /** Object lock (WORM) with a default retention. @default - no object lock */
  objectLock?: ObjectLockArgs;
  /** Server access logging. @default { skip: true } */
  accessLogging?: AccessLoggingOption;
  /** Intelligent-Tiering instead of the fixed tiering transitions. @default - off */
  intelligentTiering?: IntelligentTieringArgs;
  /**
   * Protect the buckets and keys from deletion (`protect`); `pulumi destroy` refuses until it is off.
   * @default true
   */
  protect?: boolean;
  /**
   * Let `pulumi destroy` delete a bucket that still holds objects. For throwaway environments only.
   * @default false
   */
  forceDestroy?: boolean;
  /** Tags for every resource. @default {} */
  tags?: Record<string, string>;
}

/** The id of the replication rule; S3's replication metrics carry it as the `RuleId` dimension. */
export const REPLICATION_RULE_ID = "replicate-everything";

const DEFAULT_LIFECYCLE = {
  infrequentAccessAfterDays: 30,
  archiveAfterDays: 90,
  archiveStorageClass: "GLACIER" as const,
  expireNoncurrentAfterDays: 90,
  abortIncompleteMultipartAfterDays: 7,
};

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Checks an {@link ObjectStoreArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `primaryRegion` is the region of the
 * primary bucket when it is known before deployment (the default provider's `aws:region`).
 */
export function validateObjectStoreArgs(args: ObjectStoreArgs, primaryRegion?: string): void {
  const p = new Problems();
  const l = { ...DEFAULT_LIFECYCLE, ...args.lifecycle };
  p.wholeNumber(
    "SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE",
    "lifecycle.infrequentAccessAfterDays",
    args.lifecycle?.infrequentAccessAfterDays,
    30,
    3650,
    "S3 moves objects to STANDARD_IA no sooner than 30 days after creation",
  );
  p.wholeNumber(
    "SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE",
    "lifecycle.archiveAfterDays",
    args.lifecycle?.archiveAfterDays,
    1,
    36500,
  );
  p.wholeNumber(
    "SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE",
    "lifecycle.expireNoncurrentAfterDays",
    args.lifecycle?.expireNoncurrentAfterDays,
    1,
    36500,
  );
  p.wholeNumber(
    "SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE",
    "lifecycle.abortIncompleteMultipartAfterDays",
    args.lifecycle?.abortIncompleteMultipartAfterDays,
    1,
    365,
  );
  if (!args.intelligentTiering && l.archiveAfterDays < l.infrequentAccessAfterDays + 30) {
    p.add(
      "SEAWALL_OBJECTSTORE_LIFECYCLE_ORDER",
      "lifecycle.archiveAfterDays",
      l.archiveAfterDays,
      `must be at least 30 days after lifecycle.infrequentAccessAfterDays (${l.infrequentAccessAfterDays}): ` +
        `S3 keeps objects in STANDARD_IA for 30 days before archiving; set it to ${l.infrequentAccessAfterDays + 30} or more`,
    );
  }
  if (
    args.lifecycle?.archiveStorageClass !== undefined &&
    !["GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"].includes(args.lifecycle.archiveStorageClass)
  ) {
    p.add(
      "SEAWALL_OBJECTSTORE_ARCHIVE_CLASS",
      "lifecycle.archiveStorageClass",
      args.lifecycle.archiveStorageClass,
      'must be "GLACIER_IR", "GLACIER" or "DEEP_ARCHIVE"',
    );
  }
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  checkKmsKeyOption(p, "kmsKey", args.kmsKey);
  if (
    typeof args.bucketName === "string" &&
    (!BUCKET_NAME.test(args.bucketName) || args.bucketName.includes(".."))
  ) {
    p.add(
      "SEAWALL_OBJECTSTORE_BUCKET_NAME",
      "bucketName",
      args.bucketName,
      "must be 3-63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit",
    );
  }
  if (args.prefix !== undefined && (args.prefix.startsWith("/") || args.prefix.includes("//"))) {
    p.add(
      "SEAWALL_OBJECTSTORE_PREFIX",
      "prefix",
      args.prefix,
      'must not start with "/" or contain "//"; write it like "events/raw"',
    );
  }

  const r = args.replication;
  if (r) {
    if (typeof r.region !== "string" || !REGION.test(r.region)) {
      p.add(
        "SEAWALL_OBJECTSTORE_REGION_INVALID",
        "replication.region",
        r.region,
        'must be an AWS region code such as "us-west-2"',
      );
    }
    if (primaryRegion !== undefined && r.region === primaryRegion) {
      p.add(
        "SEAWALL_OBJECTSTORE_REPLICA_SAME_REGION",
        "replication.region",
        r.region,
        "is the primary bucket's region; choose another region for the replica, which must survive a regional outage",
      );
    }
    checkKmsKeyOption(p, "replication.kmsKey", r.kmsKey);
    if (typeof r.bucketName === "string" && !BUCKET_NAME.test(r.bucketName)) {
      p.add(
        "SEAWALL_OBJECTSTORE_BUCKET_NAME",
        "replication.bucketName",
        r.bucketName,
        "must be 3-63 characters of lowercase letters, digits, dots and hyphens",
      );
    }
  }

  const lock = args.objectLock;
  if (lock) {
    if (lock.mode !== "GOVERNANCE" && lock.mode !== "COMPLIANCE") {
      p.add(
        "SEAWALL_OBJECTSTORE_LOCK_MODE",
        "objectLock.mode",
        lock.mode,
        'must be "GOVERNANCE" or "COMPLIANCE"',
      );
    }
    p.wholeNumber("SEAWALL_OBJECTSTORE_LOCK_DAYS", "objectLock.days", lock.days, 1, 36500);
    if (lock.days === undefined)
      p.add(
        "SEAWALL_OBJECTSTORE_LOCK_DAYS",
        "objectLock.days",
        lock.days,
        "set the default retention in days (1 to 36500)",
      );
  }

  const logging = args.accessLogging;
  const loggingForm = helperChoice(p, "accessLogging", logging, ["existing", "args", "skip"], {
    extraKeys: ["prefix"],
  });
  if (logging && loggingForm === "args" && "args" in logging) {
    p.wholeNumber(
      "SEAWALL_OBJECTSTORE_ACCESS_LOG_EXPIRY",
      "accessLogging.args.expireAfterDays",
      logging.args.expireAfterDays,
      1,
      3650,
    );
  }

  const it = args.intelligentTiering;
  if (it) {
    p.wholeNumber(
      "SEAWALL_OBJECTSTORE_TIERING_DAYS_RANGE",
      "intelligentTiering.archiveAccessAfterDays",
      it.archiveAccessAfterDays,
      90,
      730,
    );
    p.wholeNumber(
      "SEAWALL_OBJECTSTORE_TIERING_DAYS_RANGE",
      "intelligentTiering.deepArchiveAccessAfterDays",
      it.deepArchiveAccessAfterDays,
      180,
      730,
    );
    const archive = it.archiveAccessAfterDays ?? 90;
    const deep = it.deepArchiveAccessAfterDays ?? 180;
    if (isKnown(archive) && isKnown(deep) && deep <= archive) {
      p.add(
        "SEAWALL_OBJECTSTORE_TIERING_ORDER",
        "intelligentTiering.deepArchiveAccessAfterDays",
        deep,
        `must be later than intelligentTiering.archiveAccessAfterDays (${archive})`,
      );
    }
  }
  p.throwIfAny("seawall:aws:ObjectStore: invalid arguments");
}

/** The protections every bucket of the store gets. */
interface SecureBucketSpec {
  name: string;
  bucketName?: pulumi.Input<string>;
  /** SSE-KMS with this key, or SSE-S3 where KMS is not supported (server access log targets). */
  encryption: { kmsKeyArn: pulumi.Input<string> } | "AES256";
  policy: (bucketArn: string) => pulumi.Input<PolicyDocument>;
  lifecycleRules:
    | ReturnType<typeof lifecycleRules>
    | { id: string; status: string; filter: object; expiration: { days: number } }[];
  objectLock?: ObjectLockArgs;
}

interface SecureBucket {
  bucket: aws.s3.Bucket;
  versioning: aws.s3.BucketVersioning;
}

/**
 * Versioned, encrypted, private object storage on S3, replicated to a second region when asked.
 *
 * Every bucket it makes has versioning, SSE-KMS with a customer-managed key and the bucket key,
 * all four public-access-block flags, `BucketOwnerEnforced` ownership, and a policy that denies
 * plain HTTP, TLS below 1.2, and uploads encrypted with anything but the bucket's key.
 */
export class ObjectStore extends pulumi.ComponentResource {
  /** Where the pipeline's data lives: the cloud-neutral contract. */
  readonly location: pulumi.Output<ObjectStoreLocation>;
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly replicaBucket?: aws.s3.Bucket;
  readonly replicaKmsKeyArn?: pulumi.Output<string>;
  readonly replicaLocation?: pulumi.Output<{ bucket: string; region: string }>;
  readonly replicationRole?: aws.iam.Role;

  private readonly tags: Record<string, string>;
  private readonly protectStateful: boolean;
  private readonly forceDestroy: boolean;

  constructor(name: string, args: ObjectStoreArgs = {}, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:ObjectStore", name, {}, opts);
    // With an explicit provider the primary region is unknown until deployment; S3 then accepts a
    // same-region "replica", so the check is only as strong as what is known here.
    validateObjectStoreArgs(args, opts.provider || opts.providers ? undefined : aws.config.region);

    this.tags = { ...args.tags, "seawall:component": "ObjectStore" };
    this.protectStateful = args.protect ?? true;
    this.forceDestroy = args.forceDestroy ?? false;
    const keyWindow = args.keyDeletionWindowInDays ?? 30;
    const lifecycle = { ...DEFAULT_LIFECYCLE, ...args.lifecycle };
    const rules = lifecycleRules({ ...lifecycle, intelligentTiering: args.intelligentTiering !== undefined });
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

    const key = resolveKmsKey(
      `${name}-key`,
      args.kmsKey,
      {
        description: `Seawall object store ${name}: SSE-KMS`,
        deletionWindowInDays: keyWindow,
        tags: this.tags,
      },
      { parent: this, protect: this.protectStateful },
    );
    this.kmsKeyArn = key.arn;

    const primary = this.secureBucket(
      {
        name,
        bucketName: args.bucketName,
        encryption: { kmsKeyArn: key.arn },
        policy: (arn) => key.arn.apply((keyArn) => dataBucketPolicy(arn, keyArn)),
        lifecycleRules: rules,
        objectLock: args.objectLock,
      },
      {},
    );
    this.bucket = primary.bucket;
    this.bucketName = primary.bucket.bucket;
    this.bucketArn = primary.bucket.arn;

    if (args.intelligentTiering) {
      new aws.s3.BucketIntelligentTieringConfiguration(
        `${name}-intelligent-tiering`,
        {
          bucket: primary.bucket.id,
          name: "archive-tiers",
          status: "Enabled",
          tierings: [
            { accessTier: "ARCHIVE_ACCESS", days: args.intelligentTiering.archiveAccessAfterDays ?? 90 },
            {
              accessTier: "DEEP_ARCHIVE_ACCESS",
              days: args.intelligentTiering.deepArchiveAccessAfterDays ?? 180,
            },
          ],
        },
        { parent: this },
      );
    }

    const logging = args.accessLogging ?? { skip: true };
    if (!("skip" in logging)) {
      const targetBucket =
        "existing" in logging
          ? pulumi.output(logging.existing.bucketName)
          : this.secureBucket(
              {
                name: `${name}-access-logs`,
                // S3 server access logging delivers only to SSE-S3 targets, not SSE-KMS.
                encryption: "AES256",
                policy: (arn) =>
                  pulumi
                    .all([primary.bucket.arn, accountId])
                    .apply(([src, acct]) => logBucketPolicy(arn, src, acct)),
                lifecycleRules: [
                  {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: {},
                    expiration: { days: logging.args.expireAfterDays ?? 365 },
                  },
                ],
              },
              {},
            ).bucket.bucket;
      new aws.s3.BucketLogging(
        `${name}-access-logging`,
        {
          bucket: primary.bucket.id,
          targetBucket,
          targetPrefix: logging.prefix ?? `${name}/`,
          targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
        },
        { parent: this },
      );
    }

    const r = args.replication;
    if (r) {
      const provider =
        r.provider ??
        new aws.Provider(`${name}-replica-provider`, { region: r.region as aws.Region }, { parent: this });
      const replicaKey = resolveKmsKey(
        `${name}-replica-key`,
        r.kmsKey,
        {
          description: `Seawall object store ${name}: SSE-KMS of the replica`,
          deletionWindowInDays: keyWindow,
          tags: this.tags,
        },
        { parent: this, provider, protect: this.protectStateful },
      );
      const replicaBucket = this.secureBucket(
        {
          name: `${name}-replica`,
          bucketName: r.bucketName,
          encryption: { kmsKeyArn: replicaKey.arn },
          policy: (arn) => replicaKey.arn.apply((keyArn) => dataBucketPolicy(arn, keyArn)),
          lifecycleRules: rules,
          objectLock: args.objectLock,
        },
        { provider },
      );
      this.replicaBucket = replicaBucket.bucket;
      this.replicaKmsKeyArn = replicaKey.arn;
      this.replicaLocation = replicaBucket.bucket.bucket.apply((bucket) => ({ bucket, region: r.region }));

      const role = new aws.iam.Role(
        `${name}-replication-role`,
        {
          description: `S3 replication of Seawall object store ${name} to ${r.region}`,
          assumeRolePolicy: accountId.apply((acct) => JSON.stringify(replicationTrustPolicy(acct))),
          maxSessionDuration: 3600,
          tags: this.tags,
        },
        { parent: this },
      );
      this.replicationRole = role;
      const rolePolicy = new aws.iam.RolePolicy(
        `${name}-replication-policy`,
        {
          role: role.id,
          policy: pulumi
            .all([primary.bucket.arn, key.arn, region, replicaBucket.bucket.arn, replicaKey.arn])
            .apply(([sourceBucketArn, sourceKeyArn, sourceRegion, replicaBucketArn, replicaKeyArn]) =>
              JSON.stringify(
                replicationRolePolicy({
                  sourceBucketArn,
                  sourceKeyArn,
                  sourceRegion,
                  replicaBucketArn,
                  replicaKeyArn,
                  replicaRegion: r.region,
                  objectLock: args.objectLock !== undefined,
                }),
              ),
            ),
        },
        { parent: this },
      );
      const rtc = r.replicationTimeControl ?? false;
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: primary.bucket.id,
          role: role.arn,
          rules: [
            {
              id: REPLICATION_RULE_ID,
              status: "Enabled",
              priority: 1,
              filter: {},
              deleteMarkerReplication: { status: "Enabled" },
              sourceSelectionCriteria: {
                sseKmsEncryptedObjects: { status: "Enabled" },
                replicaModifications: { status: "Enabled" },
              },
              destination: {
                bucket: replicaBucket.bucket.arn,
                storageClass: r.storageClass ?? "STANDARD",
                encryptionConfiguration: { replicaKmsKeyId: replicaKey.arn },
                ...(rtc
                  ? {
                      replicationTime: { status: "Enabled", time: { minutes: 15 } },
                      metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                    }
                  : {}),
              },
            },
          ],
        },
        // S3 rejects a replication configuration until versioning is on at both ends.
        { parent: this, dependsOn: [primary.versioning, replicaBucket.versioning, rolePolicy] },
      );
    }

    this.location = pulumi
      .all([primary.bucket.bucket, region, this.replicaLocation])
      .apply(([bucket, primaryRegion, replica]) => ({
        scheme: "s3" as const,
        bucket,
        prefix: args.prefix ?? "",
        region: primaryRegion,
        ...(replica ? { replica } : {}),
      }));

    this.registerOutputs({
      location: this.location,
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
      replicaLocation: this.replicaLocation,
      replicaKmsKeyArn: this.replicaKmsKeyArn,
    });
  }

  private secureBucket(spec: SecureBucketSpec, extra: pulumi.CustomResourceOptions): SecureBucket {
    const child = { parent: this, ...extra };
    const bucket = new aws.s3.Bucket(
      spec.name,
      {
        bucket: spec.bucketName,
        forceDestroy: this.forceDestroy,
        objectLockEnabled: spec.objectLock ? true : undefined,
        tags: this.tags,
      },
      { ...child, protect: this.protectStateful },
    );
    new aws.s3.BucketOwnershipControls(
      `${spec.name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${spec.name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    const versioning = new aws.s3.BucketVersioning(
      `${spec.name}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${spec.name}-encryption`,
      {
        bucket: bucket.id,
        rules: [
          spec.encryption === "AES256"
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: spec.encryption.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              },
        ],
      },
      child,
    );
    new aws.s3.BucketPolicy(
      `${spec.name}-policy`,
      {
        bucket: bucket.id,
        policy: bucket.arn.apply((arn) =>
          pulumi.output(spec.policy(arn)).apply((doc) => JSON.stringify(doc)),
        ),
      },
      // Attached after the public-access block, so the block is in force before any policy exists.
      { ...child, dependsOn: [publicAccess] },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${spec.name}-lifecycle`,
      { bucket: bucket.id, rules: spec.lifecycleRules },
      { ...child, dependsOn: [versioning] },
    );
    if (spec.objectLock) {
      new aws.s3.BucketObjectLockConfiguration(
        `${spec.name}-object-lock`,
        {
          bucket: bucket.id,
          objectLockEnabled: "Enabled",
          rule: { defaultRetention: { mode: spec.objectLock.mode, days: spec.objectLock.days } },
        },
        { ...child, dependsOn: [versioning] },
      );
    }
    return { bucket, versioning };
  }
}
