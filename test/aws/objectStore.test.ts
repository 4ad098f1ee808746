import { ObjectStore, ObjectStoreArgs, validateObjectStoreArgs } from "../../components/aws/objectStore";
import { SeawallValidationError } from "../../components/validation";
import { synthesize } from "../../scripts/synth/harness";
import { acceptedForms, plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  key: "aws:kms/key:Key",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  provider: "pulumi:providers:aws",
  lock: "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
  logging: "aws:s3/bucketLogging:BucketLogging",
  tiering: "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
};

async function store(args: ObjectStoreArgs = {}): Promise<Plan> {
  return plan(() => {
    const s = new ObjectStore("lake", args);
    return {
      keyArn: s.kmsKeyArn,
      replicaKeyArn: s.replicaKmsKeyArn,
      location: s.location,
      bucketArn: s.bucketArn,
    };
  });
}

const replicated: ObjectStoreArgs = { replication: { region: "us-west-2", replicationTimeControl: true } };

describe("ObjectStore defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ tags: { team: "data" } });
  });

  it("creates exactly the secure bucket's resources and no replication", () => {
    expect(p.counts()).toEqual({
      "seawall:aws:ObjectStore": 1,
      [T.key]: 1,
      [T.bucket]: 1,
      [T.ownership]: 1,
      [T.pab]: 1,
      [T.versioning]: 1,
      [T.sse]: 1,
      [T.policy]: 1,
      [T.lifecycle]: 1,
    });
  });

  it("parents every child to the component, with names derived from its name", () => {
    const component = p.one("seawall:aws:ObjectStore", "lake");
    for (const r of p.resources.filter((x) => x !== component)) {
      expect(r.parent).toBe(component.urn);
      expect(r.name.startsWith("lake")).toBe(true);
    }
  });

  it("creates a customer-managed key with rotation on", () => {
    expect(p.one(T.key, "lake-key").inputs).toEqual({
      description: "Seawall object store lake: SSE-KMS",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      keyUsage: "ENCRYPT_DECRYPT",
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      tags: { team: "data", "seawall:component": "ObjectStore" },
    });
  });

  it("keeps the bucket and key on delete by default (protect, no forceDestroy)", () => {
    const bucket = p.one(T.bucket, "lake");
    expect(bucket.inputs).toEqual({
      forceDestroy: false,
      tags: { team: "data", "seawall:component": "ObjectStore" },
    });
    expect(bucket.protect).toBe(true);
    expect(p.one(T.key, "lake-key").protect).toBe(true);
  });

  it("enables versioning", () => {
    expect(p.one(T.versioning, "lake-versioning").inputs).toEqual({
      bucket: p.one(T.bucket, "lake").inputs.bucket ?? expect.stringMatching(/^lake-[0-9a-f]{7}$/),
      versioningConfiguration: { status: "Enabled" },
    });
  });

  it("encrypts with SSE-KMS under its own key, bucket key on", () => {
    const sse = p.one(T.sse, "lake-encryption");
    expect(sse.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: p.output("keyArn") },
        bucketKeyEnabled: true,
      },
    ]);
    expect(p.output("keyArn")).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(sse.propertyDependencies.rules).toEqual([p.one(T.key, "lake-key").urn]);
  });

  it("turns on all four public-access-block flags", () => {
    const { bucket: _bucket, ...flags } = p.one(T.pab, "lake-public-access").inputs;
    expect(flags).toEqual({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it("enforces bucket-owner object ownership (no ACLs)", () => {
    expect(p.one(T.ownership, "lake-ownership").inputs.rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  it("ties every split resource to its bucket through propertyDependencies", () => {
    const bucket = p.one(T.bucket, "lake");
    for (const type of [T.versioning, T.sse, T.pab, T.ownership, T.policy, T.lifecycle]) {
      expect(p.ofType(type)[0].propertyDependencies.bucket).toEqual([bucket.urn]);
    }
  });

  it("denies plain HTTP, old TLS and uploads under any other key, after the public-access block", () => {
    const policy = p.one(T.policy, "lake-policy");
    const arn = p.output("bucketArn") as string;
    expect(policyOf(policy).Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
      {
        Sid: "DenyOutdatedTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
      },
      {
        Sid: "DenyUploadsNotSseKms",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${arn}/*`,
        Condition: { StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      },
      {
        Sid: "DenyUploadsWithAnotherKey",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:PutObject",
        Resource: `${arn}/*`,
        Condition: {
          StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": p.output("keyArn") },
        },
      },
    ]);
    expect(policy.dependsOn).toContain(p.one(T.pab, "lake-public-access").urn);
  });

  it("tiers to infrequent access at 30 days and archive at 90, expires noncurrent versions, aborts uploads", () => {
    const lifecycle = p.one(T.lifecycle, "lake-lifecycle");
    expect(lifecycle.inputs.rules).toEqual([
      {
        id: "tiering",
        status: "Enabled",
        filter: {},
        transitions: [
          { days: 30, storageClass: "STANDARD_IA" },
          { days: 90, storageClass: "GLACIER" },
        ],
      },
      {
        id: "expire-noncurrent-versions",
        status: "Enabled",
        filter: {},
        noncurrentVersionExpiration: { noncurrentDays: 90 },
        expiration: { expiredObjectDeleteMarker: true },
      },
      {
        id: "abort-incomplete-multipart-uploads",
        status: "Enabled",
        filter: {},
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      },
    ]);
    expect(lifecycle.dependsOn).toContain(p.one(T.versioning, "lake-versioning").urn);
  });

  it("returns the ObjectStoreLocation contract without a replica", () => {
    expect(p.output("location")).toEqual({
      scheme: "s3",
      bucket: expect.stringMatching(/^lake-[0-9a-f]{7}$/),
      prefix: "",
      region: "us-east-1",
    });
    expect(p.output("replicaKeyArn")).toBeUndefined();
  });
});

describe("ObjectStore lifecycle settings", () => {
  it("uses the days and archive class given", async () => {
    const p = await store({
      lifecycle: {
        infrequentAccessAfterDays: 45,
        archiveAfterDays: 120,
        archiveStorageClass: "DEEP_ARCHIVE",
        expireNoncurrentAfterDays: 365,
        abortIncompleteMultipartAfterDays: 2,
      },
    });
    const rules = p.one(T.lifecycle, "lake-lifecycle").inputs.rules as Record<string, unknown>[];
    expect(rules[0].transitions).toEqual([
      { days: 45, storageClass: "STANDARD_IA" },
      { days: 120, storageClass: "DEEP_ARCHIVE" },
    ]);
    expect(rules[1].noncurrentVersionExpiration).toEqual({ noncurrentDays: 365 });
    expect(rules[2].abortIncompleteMultipartUpload).toEqual({ daysAfterInitiation: 2 });
  });

  it("moves objects to Intelligent-Tiering with archive tiers instead of fixed tiering", async () => {
    const p = await store({
      intelligentTiering: { archiveAccessAfterDays: 120, deepArchiveAccessAfterDays: 240 },
    });
    const rules = p.one(T.lifecycle, "lake-lifecycle").inputs.rules as Record<string, unknown>[];
    expect(rules[0].transitions).toEqual([{ days: 0, storageClass: "INTELLIGENT_TIERING" }]);
    const tiering = p.one(T.tiering, "lake-intelligent-tiering").inputs;
    expect(tiering).toEqual({
      bucket: expect.stringMatching(/^lake-/),
      name: "archive-tiers",
      status: "Enabled",
      tierings: [
        { accessTier: "ARCHIVE_ACCESS", days: 120 },
        { accessTier: "DEEP_ARCHIVE_ACCESS", days: 240 },
      ],
    });
  });
});

describe("ObjectStore cross-region replication", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store(replicated);
  });

  it("creates the replica bucket and key in the replica region, on a second provider", () => {
    const provider = p.one(T.provider, "lake-replica-provider");
    expect(provider.inputs.region).toBe("us-west-2");
    for (const [type, name] of [
      [T.bucket, "lake-replica"],
      [T.key, "lake-replica-key"],
      [T.versioning, "lake-replica-versioning"],
      [T.sse, "lake-replica-encryption"],
      [T.pab, "lake-replica-public-access"],
      [T.ownership, "lake-replica-ownership"],
      [T.policy, "lake-replica-policy"],
      [T.lifecycle, "lake-replica-lifecycle"],
    ]) {
      expect([name, p.one(type, name).provider]).toEqual([name, provider.urn]);
    }
    expect(p.output("replicaKeyArn")).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\//);
  });

  it("gives the replica the same protections under its own key", () => {
    expect(p.one(T.versioning, "lake-replica-versioning").inputs.versioningConfiguration).toEqual({
      status: "Enabled",
    });
    expect(p.one(T.sse, "lake-replica-encryption").inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: p.output("replicaKeyArn"),
        },
        bucketKeyEnabled: true,
      },
    ]);
    const { bucket: _b, ...flags } = p.one(T.pab, "lake-replica-public-access").inputs;
    expect(Object.values(flags)).toEqual([true, true, true, true]);
    expect(p.one(T.ownership, "lake-replica-ownership").inputs.rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
    const sids = policyOf(p.one(T.policy, "lake-replica-policy")).Statement.map((s) => s.Sid);
    expect(sids).toEqual([
      "DenyInsecureTransport",
      "DenyOutdatedTls",
      "DenyUploadsNotSseKms",
      "DenyUploadsWithAnotherKey",
    ]);
    expect(p.one(T.bucket, "lake-replica").protect).toBe(true);
    expect(p.one(T.key, "lake-replica-key").protect).toBe(true);
  });

  it("lets only S3 in this account assume the replication role", () => {
    expect(policyOf(p.one(T.role, "lake-replication-role"), "assumeRolePolicy")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "S3AssumesReplicationRole",
          Effect: "Allow",
          Principal: { Service: "s3.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
  });

  it("scopes the role's policy to exactly the two buckets and the two keys", () => {
    const doc = policyOf(p.one(T.rolePolicy, "lake-replication-policy"));
    const source = p.output("bucketArn") as string;
    const replicaArn = `arn:aws:s3:::${(p.output("location") as { replica: { bucket: string } }).replica.bucket}`;
    const resources = new Set(doc.Statement.flatMap((s) => [s.Resource].flat()));
    expect([...resources].sort()).toEqual(
      [source, `${source}/*`, `${replicaArn}/*`, p.output("keyArn"), p.output("replicaKeyArn")].sort(),
    );
    const kms = doc.Statement.filter((s) => String(s.Sid).includes("crypt"));
    expect(kms).toEqual([
      {
        Sid: "DecryptSourceObjects",
        Effect: "Allow",
        Action: "kms:Decrypt",
        Resource: p.output("keyArn"),
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [source, `${source}/*`] },
        },
      },
      {
        Sid: "EncryptReplicas",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: p.output("replicaKeyArn"),
        Condition: {
          StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" },
          StringLike: { "kms:EncryptionContext:aws:s3:arn": [replicaArn, `${replicaArn}/*`] },
        },
      },
    ]);
    expect(doc.Statement.find((s) => s.Sid === "WriteReplicas")?.Action).toEqual([
      "s3:ReplicateObject",
      "s3:ReplicateDelete",
      "s3:ReplicateTags",
      "s3:ObjectOwnerOverrideToBucketOwner",
    ]);
  });

  it("replicates SSE-KMS objects with the replica key and delete markers, with RTC and metrics", () => {
    const config = p.one(T.replication, "lake-replication");
    const replicaArn = `arn:aws:s3:::${(p.output("location") as { replica: { bucket: string } }).replica.bucket}`;
    expect(config.inputs.role).toMatch(/^arn:aws:iam::123456789012:role\/lake-replication-role-/);
    expect(config.inputs.rules).toEqual([
      {
        id: "replicate-everything",
        status: "Enabled",
        priority: 1,
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: {
          sseKmsEncryptedObjects: { status: "Enabled" },
          replicaModifications: { status: "Enabled" },
        },
        destination: {
          bucket: replicaArn,
          storageClass: "STANDARD",
          encryptionConfiguration: { replicaKmsKeyId: p.output("replicaKeyArn") },
          replicationTime: { status: "Enabled", time: { minutes: 15 } },
          metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
        },
      },
    ]);
  });

  it("waits for versioning on both sides and for the role's policy", () => {
    const deps = p.one(T.replication, "lake-replication").dependsOn;
    expect(deps).toEqual(
      expect.arrayContaining([
        p.one(T.versioning, "lake-versioning").urn,
        p.one(T.versioning, "lake-replica-versioning").urn,
        p.one(T.rolePolicy, "lake-replication-policy").urn,
      ]),
    );
  });

  it("reports the replica in the location contract", () => {
    expect(p.output("location")).toEqual({
      scheme: "s3",
      bucket: expect.stringMatching(/^lake-[0-9a-f]{7}$/),
      prefix: "",
      region: "us-east-1",
      replica: { bucket: expect.stringMatching(/^lake-replica-[0-9a-f]{7}$/), region: "us-west-2" },
    });
  });

  it("leaves out Replication Time Control and metrics unless asked", async () => {
    const q = await store({ replication: { region: "eu-west-1" } });
    const rule = (
      q.one(T.replication, "lake-replication").inputs.rules as Record<string, Record<string, unknown>>[]
    )[0];
    expect(rule.destination.replicationTime).toBeUndefined();
    expect(rule.destination.metrics).toBeUndefined();
    expect(q.one(T.provider, "lake-replica-provider").inputs.region).toBe("eu-west-1");
  });

  it("fails when the replica region is the primary region", async () => {
    await expect(store({ replication: { region: "us-east-1" } })).rejects.toThrow(
      'replication.region = "us-east-1": is the primary bucket\'s region; choose another region for the replica',
    );
    expect(() => validateObjectStoreArgs({ replication: { region: "us-east-1" } }, "us-east-1")).toThrow(
      /replication.region/,
    );
  });
});

describe("ObjectStore options", () => {
  it("uses a key brought by the user and creates none", async () => {
    const arn = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
    const p = await store({ kmsKey: { existing: { arn } } });
    expect(p.ofType(T.key)).toEqual([]);
    const rules = p.one(T.sse, "lake-encryption").inputs.rules as {
      applyServerSideEncryptionByDefault: object;
    }[];
    expect(rules[0].applyServerSideEncryptionByDefault).toEqual({
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: arn,
    });
  });

  it("locks objects with the mode and days given, also on the replica", async () => {
    const p = await store({ ...replicated, objectLock: { mode: "COMPLIANCE", days: 30 } });
    expect(p.one(T.bucket, "lake").inputs.objectLockEnabled).toBe(true);
    for (const name of ["lake-object-lock", "lake-replica-object-lock"]) {
      expect(p.one(T.lock, name).inputs).toEqual({
        bucket: expect.any(String),
        objectLockEnabled: "Enabled",
        rule: { defaultRetention: { mode: "COMPLIANCE", days: 30 } },
      });
    }
    const read = policyOf(p.one(T.rolePolicy, "lake-replication-policy")).Statement.find(
      (s) => s.Sid === "ReadSourceVersions",
    );
    expect(read?.Action).toEqual(expect.arrayContaining(["s3:GetObjectRetention", "s3:GetObjectLegalHold"]));
  });

  it("logs access to a log bucket it creates, SSE-S3 (the only encryption log delivery accepts)", async () => {
    const p = await store({ accessLogging: { args: { expireAfterDays: 30 } } });
    const logs = p.one(T.bucket, "lake-access-logs");
    expect(p.one(T.sse, "lake-access-logs-encryption").inputs.rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    expect(p.one(T.logging, "lake-access-logging").inputs).toEqual({
      bucket: expect.stringMatching(/^lake-[0-9a-f]{7}$/),
      targetBucket: expect.stringMatching(/^lake-access-logs-[0-9a-f]{7}$/),
      targetPrefix: "lake/",
      targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
    });
    expect(p.one(T.logging, "lake-access-logging").propertyDependencies.targetBucket).toEqual([logs.urn]);
    const delivery = policyOf(p.one(T.policy, "lake-access-logs-policy")).Statement.find(
      (s) => s.Sid === "AllowServerAccessLogDelivery",
    );
    expect(delivery?.Principal).toEqual({ Service: "logging.s3.amazonaws.com" });
    expect((p.one(T.lifecycle, "lake-access-logs-lifecycle").inputs.rules as object[])[0]).toEqual({
      id: "expire-access-logs",
      status: "Enabled",
      filter: {},
      expiration: { days: 30 },
    });
  });

  it("logs access to an existing bucket without creating one", async () => {
    const p = await store({
      accessLogging: { existing: { bucketName: "central-logs" }, prefix: "s3/lake/" },
    });
    expect(p.names(T.bucket)).toEqual(["lake"]);
    expect(p.one(T.logging, "lake-access-logging").inputs).toMatchObject({
      targetBucket: "central-logs",
      targetPrefix: "s3/lake/",
    });
  });

  it("allows teardown when protection is off (dev)", async () => {
    const p = await store({ protect: false, forceDestroy: true, keyDeletionWindowInDays: 7 });
    expect(p.one(T.bucket, "lake").protect).toBe(false);
    expect(p.one(T.bucket, "lake").inputs.forceDestroy).toBe(true);
    expect(p.one(T.key, "lake-key").protect).toBe(false);
    expect(p.one(T.key, "lake-key").inputs.deletionWindowInDays).toBe(7);
  });

  it("names the bucket and prefix as given", async () => {
    const p = await store({ bucketName: "acme-events", prefix: "raw/events" });
    expect(p.one(T.bucket, "lake").inputs.bucket).toBe("acme-events");
    expect(p.output("location")).toEqual({
      scheme: "s3",
      bucket: "acme-events",
      prefix: "raw/events",
      region: "us-east-1",
    });
  });
});

describe("validateObjectStoreArgs", () => {
  const problemsOf = (args: ObjectStoreArgs): string[] => {
    try {
      validateObjectStoreArgs(args);
    } catch (error) {
      expect(error).toBeInstanceOf(SeawallValidationError);
      return (error as SeawallValidationError).problems.map((p) => p.field);
    }
    return [];
  };

  it("accepts the defaults", () => {
    expect(problemsOf({})).toEqual([]);
  });

  it.each<[string, ObjectStoreArgs, string]>([
    [
      "infrequent access before S3's 30-day minimum",
      { lifecycle: { infrequentAccessAfterDays: 10 } },
      "lifecycle.infrequentAccessAfterDays",
    ],
    [
      "archive not 30 days after infrequent access",
      { lifecycle: { infrequentAccessAfterDays: 60, archiveAfterDays: 80 } },
      "lifecycle.archiveAfterDays",
    ],
    [
      "archive before infrequent access",
      { lifecycle: { infrequentAccessAfterDays: 90, archiveAfterDays: 30 } },
      "lifecycle.archiveAfterDays",
    ],
    [
      "fractional days",
      { lifecycle: { expireNoncurrentAfterDays: 1.5 } },
      "lifecycle.expireNoncurrentAfterDays",
    ],
    [
      "zero multipart days",
      { lifecycle: { abortIncompleteMultipartAfterDays: 0 } },
      "lifecycle.abortIncompleteMultipartAfterDays",
    ],
    ["a key window KMS refuses", { keyDeletionWindowInDays: 3 }, "keyDeletionWindowInDays"],
    [
      "both existing and args for the key",
      { kmsKey: { existing: { arn: "arn" }, args: {} } as never },
      "kmsKey",
    ],
    ["skipping the key", { kmsKey: { skip: true } as never }, "kmsKey"],
    ["an invalid bucket name", { bucketName: "Bad_Name" }, "bucketName"],
    ["a prefix with a leading slash", { prefix: "/raw" }, "prefix"],
    ["a replica region that is no region", { replication: { region: "mars" } }, "replication.region"],
    ["an unknown object lock mode", { objectLock: { mode: "STRICT" as never, days: 1 } }, "objectLock.mode"],
    ["object lock without days", { objectLock: { mode: "GOVERNANCE" } as never }, "objectLock.days"],
    [
      "deep archive before archive",
      { intelligentTiering: { archiveAccessAfterDays: 200, deepArchiveAccessAfterDays: 190 } },
      "intelligentTiering.deepArchiveAccessAfterDays",
    ],
    [
      "archive tier below 90 days",
      { intelligentTiering: { archiveAccessAfterDays: 30 } },
      "intelligentTiering.archiveAccessAfterDays",
    ],
    [
      "log expiry of 0 days",
      { accessLogging: { args: { expireAfterDays: 0 } } },
      "accessLogging.args.expireAfterDays",
    ],
  ])("rejects %s", (_what, args, field) => {
    expect(problemsOf(args)).toContain(field);
  });

  it("lists every problem at once, each with field, value and fix", () => {
    const args: ObjectStoreArgs = {
      lifecycle: { infrequentAccessAfterDays: 10, archiveAfterDays: 20 },
      keyDeletionWindowInDays: 90,
      replication: { region: "nowhere" },
    };
    expect(() => validateObjectStoreArgs(args)).toThrow(
      [
        "seawall:aws:ObjectStore: invalid arguments: 4 problems:",
        "  - lifecycle.infrequentAccessAfterDays = 10: must be a whole number from 30 to 3650; S3 moves objects to STANDARD_IA no sooner than 30 days after creation [SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE]",
        "  - lifecycle.archiveAfterDays = 20: must be at least 30 days after lifecycle.infrequentAccessAfterDays (10): S3 keeps objects in STANDARD_IA for 30 days before archiving; set it to 40 or more [SEAWALL_OBJECTSTORE_LIFECYCLE_ORDER]",
        "  - keyDeletionWindowInDays = 90: must be a whole number from 7 to 30; KMS accepts 7 to 30 days [SEAWALL_KMS_DELETION_WINDOW]",
        '  - replication.region = "nowhere": must be an AWS region code such as "us-west-2" [SEAWALL_OBJECTSTORE_REGION_INVALID]',
      ].join("\n"),
    );
  });

  it("throws from the constructor before creating any child", async () => {
    await expect(
      synthesize(() => new ObjectStore("bad", { lifecycle: { infrequentAccessAfterDays: 1 } }), {
        config: { "aws:region": "us-east-1" },
      }),
    ).rejects.toThrow(/lifecycle.infrequentAccessAfterDays = 1/);
  });
});

describe("ObjectStore option shapes", () => {
  it("lists an access-logging option with none of existing, args, skip as a problem, not a TypeError", async () => {
    const args = { accessLogging: { prefix: "logs/" } } as never;
    expect(problemsThrownBy(() => validateObjectStoreArgs(args))).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "accessLogging", value: "{ prefix }" },
    ]);
    expect(() => validateObjectStoreArgs(args)).toThrow(
      `accessLogging = "{ prefix }": has none of existing, args, skip; ${acceptedForms(["existing", "args", "skip"])} [SEAWALL_HELPER_SHAPE]`,
    );
    await expect(plan(() => new ObjectStore("store", args))).rejects.toBeInstanceOf(SeawallValidationError);
  });

  it("lists two forms at once, an unknown key, and a key option without its form", () => {
    expect(
      problemsThrownBy(() =>
        validateObjectStoreArgs({
          accessLogging: { skip: true, args: {} },
          kmsKey: { arn: "arn:aws:kms:us-east-1:111122223333:key/k" },
          replication: { region: "us-west-2", kmsKey: { existing: { arn: "a" }, extra: 1 } },
        } as never),
      ),
    ).toEqual([
      { code: "SEAWALL_HELPER_SHAPE", field: "kmsKey", value: "{ arn }" },
      { code: "SEAWALL_HELPER_SHAPE", field: "replication.kmsKey", value: "{ existing, extra }" },
      { code: "SEAWALL_HELPER_SHAPE", field: "accessLogging", value: "{ skip: true, args }" },
    ]);
  });
});
