import { ResourceDescriptor } from "../../../policies/lib/evaluate";
import { s3BucketEncryptedWithCmk } from "../../../policies/rules/aws/s3/s3BucketEncryptedWithCmk";
import { s3BucketEncryptionAttached } from "../../../policies/rules/aws/s3/s3BucketEncryptionAttached";
import { s3BucketPolicyAttached } from "../../../policies/rules/aws/s3/s3BucketPolicyAttached";
import { s3BucketPublicAccessBlockAttached } from "../../../policies/rules/aws/s3/s3BucketPublicAccessBlockAttached";
import { s3BucketVersioningAttached } from "../../../policies/rules/aws/s3/s3BucketVersioningAttached";
import { s3BucketReplicatesInProduction } from "../../../policies/rules/aws/s3/s3BucketReplicatesInProduction";
import { stackFindings } from "../awsFindings";
import { runPolicy, unknown } from "../helpers";

const urn = (type: string, name: string) => `urn:pulumi:test::p::${type}::${name}`;
const BUCKET = "aws:s3/bucket:Bucket";

function bucket(name: string, props: Record<string, unknown> = {}, type = BUCKET): ResourceDescriptor {
  return { type, name, urn: urn(type, name), props };
}

/** A split S3 resource tied to its bucket through propertyDependencies.bucket. */
function split(
  type: string,
  name: string,
  of: ResourceDescriptor,
  props: Record<string, unknown>,
  extra: Record<string, string[]> = {},
) {
  return {
    type,
    name,
    urn: urn(type, name),
    props: { bucket: `${of.name}-1234`, ...props },
    propertyDependencies: { bucket: [of.urn!], ...extra },
  };
}

const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/abc";
const sse = (
  of: ResourceDescriptor,
  byDefault: Record<string, unknown>,
  type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
) => split(type, `${of.name}-sse`, of, { rules: [{ applyServerSideEncryptionByDefault: byDefault }] });
const logging = (source: ResourceDescriptor, target: ResourceDescriptor) =>
  split(
    "aws:s3/bucketLogging:BucketLogging",
    `${source.name}-logging`,
    source,
    { targetBucket: target.name },
    { targetBucket: [target.urn!] },
  );

/** A BucketV2's deprecated inline encryption: lists at every level. */
const v2Encryption = (sseAlgorithm: string, kmsMasterKeyId?: string) => ({
  serverSideEncryptionConfigurations: [
    { rules: [{ applyServerSideEncryptionByDefaults: [{ sseAlgorithm, kmsMasterKeyId }] }] },
  ],
});

async function messages(
  make: () => ReturnType<typeof s3BucketEncryptedWithCmk>,
  resources: ResourceDescriptor[],
  config = {},
) {
  const result = await runPolicy(make(), resources, config);
  return result.violations.map((v) => `${v.resource}: ${v.message}`);
}

describe("s3BucketEncryptedWithCmk", () => {
  const data = bucket("data");
  it("passes a bucket with SSE-KMS and a customer-managed key", async () => {
    expect(
      await messages(s3BucketEncryptedWithCmk, [
        data,
        sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }),
      ]),
    ).toEqual([]);
  });
  it("passes DSSE-KMS on the aliased BucketV2 and encryption V2 tokens", async () => {
    const b = bucket("v2", {}, "aws:s3/bucketV2:BucketV2");
    const e = sse(
      b,
      { sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: KEY_ARN },
      "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    );
    expect(await messages(s3BucketEncryptedWithCmk, [b, e])).toEqual([]);
  });
  it("passes legacy inline SSE-KMS with a key", async () => {
    const b = bucket("inline", {
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
      },
    });
    expect(await messages(s3BucketEncryptedWithCmk, [b])).toEqual([]);
  });
  it("passes a BucketV2 encrypted through its serverSideEncryptionConfigurations list", async () => {
    const b = bucket("v2", v2Encryption("aws:kms", KEY_ARN), "aws:s3/bucketV2:BucketV2");
    expect(await messages(s3BucketEncryptedWithCmk, [b])).toEqual([]);
  });
  it("fails a BucketV2 whose serverSideEncryptionConfigurations list uses AES256", async () => {
    const b = bucket("v2", v2Encryption("AES256"), "aws:s3/bucketV2:BucketV2");
    expect(await messages(s3BucketEncryptedWithCmk, [b])).toEqual([
      'v2: bucket v2 is encrypted with sseAlgorithm "AES256", not a customer-managed KMS key',
    ]);
  });
  it("fails a bucket with no encryption resource (S3's default SSE-S3)", async () => {
    expect(await messages(s3BucketEncryptedWithCmk, [data])).toEqual([
      "data: bucket data has no default-encryption configuration, so S3 uses SSE-S3 with an AWS-owned key",
    ]);
  });
  it("fails SSE-S3 (AES256) on a data bucket, once, on the encryption resource that sets it", async () => {
    expect(await messages(s3BucketEncryptedWithCmk, [data, sse(data, { sseAlgorithm: "AES256" })])).toEqual([
      'data-sse: bucket data is encrypted with sseAlgorithm "AES256", not a customer-managed KMS key',
    ]);
  });
  const orphan = (bucketName: string, byDefault: Record<string, unknown>) => ({
    type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    name: "orphan-sse",
    urn: urn(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "orphan-sse",
    ),
    props: { bucket: bucketName, rules: [{ applyServerSideEncryptionByDefault: byDefault }] },
  });
  it("judges an encryption configuration whose bucket is not in the program (a literal name)", async () => {
    expect(
      await messages(s3BucketEncryptedWithCmk, [orphan("existing-bucket", { sseAlgorithm: "AES256" })]),
    ).toEqual([
      'orphan-sse: bucket existing-bucket is encrypted with sseAlgorithm "AES256", not a customer-managed KMS key',
    ]);
  });
  it("passes an orphan encryption configuration with a customer-managed key", async () => {
    expect(
      await messages(s3BucketEncryptedWithCmk, [
        orphan("existing-bucket", { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }),
      ]),
    ).toEqual([]);
  });
  it("accepts SSE-S3 on an orphan configuration of a bucket that is a literal access-log target", async () => {
    const logs = {
      type: "aws:s3/bucketLogging:BucketLogging",
      name: "logging",
      props: { bucket: "data-bucket", targetBucket: "existing-logs" },
    };
    expect(
      await messages(s3BucketEncryptedWithCmk, [orphan("existing-logs", { sseAlgorithm: "AES256" }), logs]),
    ).toEqual([]);
  });
  it("fails SSE-KMS without a key id (the AWS-managed aws/s3 key)", async () => {
    expect(
      (await messages(s3BucketEncryptedWithCmk, [data, sse(data, { sseAlgorithm: "aws:kms" })]))[0],
    ).toContain("without kmsMasterKeyId");
  });
  it("fails SSE-KMS with the alias/aws/s3 key", async () => {
    expect(
      (
        await messages(s3BucketEncryptedWithCmk, [
          data,
          sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" }),
        ])
      )[0],
    ).toContain("AWS-managed key");
  });
  it("ties the encryption to its bucket through propertyDependencies, not names", async () => {
    const other = bucket("other");
    // The configuration's `bucket` prop names "data", but its dependency is "other".
    const e = {
      ...sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }),
      propertyDependencies: { bucket: [other.urn!] },
    };
    expect(await messages(s3BucketEncryptedWithCmk, [data, other, e])).toEqual([
      "data: bucket data has no default-encryption configuration, so S3 uses SSE-S3 with an AWS-owned key",
    ]);
  });
  it("falls back to the literal bucket name when there are no property dependencies", async () => {
    const named = bucket("named", { bucket: "my-literal-bucket" });
    const e = {
      type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      name: "e",
      props: {
        bucket: "my-literal-bucket",
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } }],
      },
    };
    expect(await messages(s3BucketEncryptedWithCmk, [named, e])).toEqual([]);
  });
  it("accepts SSE-S3 on a server-access-log target bucket", async () => {
    const logs = bucket("logs");
    const resources = [
      data,
      logs,
      sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }),
      sse(logs, { sseAlgorithm: "AES256" }),
      logging(data, logs),
    ];
    expect(await messages(s3BucketEncryptedWithCmk, resources)).toEqual([]);
    expect(
      await messages(s3BucketEncryptedWithCmk, resources, { allowSseS3ForAccessLogBuckets: false }),
    ).toHaveLength(1);
  });
  it("skips a bucket whose key is unknown during preview", async () => {
    expect(
      await messages(s3BucketEncryptedWithCmk, [
        data,
        sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: unknown.string }),
      ]),
    ).toEqual([]);
  });
  it("still judges the other buckets when one has an unknown", async () => {
    const other = bucket("other");
    expect(
      await messages(s3BucketEncryptedWithCmk, [data, other, sse(data, { sseAlgorithm: unknown.string })]),
    ).toHaveLength(1);
  });
});

describe("the four attached-protection rules", () => {
  const data = bucket("data");
  const versioning = split("aws:s3/bucketVersioning:BucketVersioning", "v", data, {
    versioningConfiguration: { status: "Enabled" },
  });
  const encryption = sse(data, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN });
  const pab = split("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pab", data, {});
  const policy = split("aws:s3/bucketPolicy:BucketPolicy", "pol", data, { policy: "{}" });
  const all = [versioning, encryption, pab, policy];
  const rules = [
    [s3BucketVersioningAttached, versioning, "versioning (aws.s3.BucketVersioning)", "versioning"],
    [
      s3BucketEncryptionAttached,
      encryption,
      "default encryption (aws.s3.BucketServerSideEncryptionConfiguration)",
      "serverSideEncryptionConfiguration",
    ],
    [
      s3BucketPublicAccessBlockAttached,
      pab,
      "public access block (aws.s3.BucketPublicAccessBlock)",
      undefined,
    ],
    [s3BucketPolicyAttached, policy, "bucket policy (aws.s3.BucketPolicy)", "policy"],
  ] as const;

  describe.each(rules)("%p", (make, own, label, path) => {
    it("passes a bucket with its resource", async () => {
      expect(await messages(make, [data, own])).toEqual([]);
    });
    it("fails a bare bucket, naming the missing resource, with the inline property as path", async () => {
      expect(await messages(make, [data])).toEqual([`data: bucket data is missing: ${label}`]);
      expect(stackFindings(make(), [data])).toEqual([
        { urn: data.urn, message: `bucket data is missing: ${label}`, path, value: undefined },
      ]);
    });
    it("judges only its own concern: the other three resources do not satisfy it", async () => {
      expect(await messages(make, [data, ...all.filter((r) => r !== own)])).toEqual([
        `data: bucket data is missing: ${label}`,
      ]);
    });
    it("fails a second bucket whose resources belong to the first", async () => {
      const other = bucket("other");
      expect(await messages(make, [data, other, ...all])).toEqual([
        `other: bucket other is missing: ${label}`,
      ]);
    });
  });

  it("accepts inline versioning, encryption and policy on a legacy bucket", async () => {
    const legacy = bucket("legacy", {
      versioning: { enabled: true },
      serverSideEncryptionConfiguration: { rule: {} },
      policy: "{}",
    });
    for (const make of [s3BucketVersioningAttached, s3BucketEncryptionAttached, s3BucketPolicyAttached]) {
      expect(await messages(make, [legacy])).toEqual([]);
    }
  });
  it("accepts a BucketV2's versionings and serverSideEncryptionConfigurations lists", async () => {
    const v2 = bucket(
      "v2",
      { versionings: [{ enabled: true }], ...v2Encryption("aws:kms", KEY_ARN) },
      "aws:s3/bucketV2:BucketV2",
    );
    expect(await messages(s3BucketVersioningAttached, [v2])).toEqual([]);
    expect(await messages(s3BucketEncryptionAttached, [v2])).toEqual([]);
  });
  it("skips a bucket whose inline versioning is unknown", async () => {
    expect(await messages(s3BucketVersioningAttached, [bucket("u", { versioning: unknown.object })])).toEqual(
      [],
    );
  });
});

describe("s3BucketReplicatesInProduction", () => {
  const data = bucket("data");
  const replica = bucket("replica");
  const logs = bucket("logs");
  const replication = split(
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
    "rep",
    data,
    { rules: [{ status: "Enabled" }] },
    { rules: [replica.urn!] },
  );
  it("passes when the data bucket replicates; the replica and log bucket are exempt", async () => {
    expect(
      await messages(s3BucketReplicatesInProduction, [data, replica, logs, replication, logging(data, logs)]),
    ).toEqual([]);
  });
  it("fails a bucket with no replication configuration", async () => {
    expect(await messages(s3BucketReplicatesInProduction, [data])).toEqual([
      "data: bucket data has no replication configuration",
    ]);
  });
  it("fails the log bucket when log buckets are not exempt", async () => {
    const result = await messages(
      s3BucketReplicatesInProduction,
      [data, replica, logs, replication, logging(data, logs)],
      { exemptAccessLogBuckets: false },
    );
    expect(result).toEqual(["logs: bucket logs has no replication configuration"]);
  });
  it("passes a BucketV2 replicating through its replicationConfigurations list; its replica and its loggings target are exempt", async () => {
    const v2 = {
      ...bucket(
        "v2",
        {
          replicationConfigurations: [{ role: "r", rules: [{ status: "Enabled" }] }],
          loggings: [{ targetBucket: "logs" }],
        },
        "aws:s3/bucketV2:BucketV2",
      ),
      propertyDependencies: { replicationConfigurations: [replica.urn!], loggings: [logs.urn!] },
    };
    expect(await messages(s3BucketReplicatesInProduction, [v2, replica, logs])).toEqual([]);
  });
  it("passes legacy inline replication", async () => {
    expect(
      await messages(s3BucketReplicatesInProduction, [
        bucket("inline", { replicationConfiguration: { role: "r", rules: [] } }),
      ]),
    ).toEqual([]);
  });
  it("is advisory unless the environment config makes it mandatory", () => {
    expect(s3BucketReplicatesInProduction().enforcementLevel).toBe("advisory");
  });
});
