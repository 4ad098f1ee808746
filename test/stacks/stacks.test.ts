import * as aws from "@pulumi/aws";
import { synthesize } from "../../scripts/synth/harness";
import { listStacks, synthesizeStack } from "../../scripts/synth/stacks";
import { Plan } from "../helpers";

const BUCKET = "aws:s3/bucket:Bucket";
const KEY = "aws:kms/key:Key";

describe("every stack", () => {
  it.each(listStacks())("%s synthesizes with no deprecation warning", async (stack) => {
    const { warnings, resources } = await synthesizeStack(stack);
    expect(resources.length).toBeGreaterThan(0);
    expect(warnings.filter((w) => /deprecat/i.test(w))).toEqual([]);
  });

  it("the warning check sees a deprecated resource", async () => {
    const { warnings } = await synthesize(
      () => {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- on purpose: the check must see it
        new aws.s3.BucketV2("old");
      },
      { config: { "aws:region": "us-east-1" }, echoWarnings: false },
    );
    expect(warnings.some((w) => /BucketV2 is deprecated/.test(w))).toBe(true);
  });
});

describe("prod-aws", () => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("prod-aws"));
  });

  it("has primary and replica buckets and keys, the replication role, configuration and policies", () => {
    expect(p.names(BUCKET)).toEqual(
      expect.arrayContaining([
        "seawall-prod-lake",
        "seawall-prod-lake-replica",
        "seawall-prod-lake-access-logs",
      ]),
    );
    expect(p.names(KEY)).toEqual(
      expect.arrayContaining(["seawall-prod-lake-key", "seawall-prod-lake-replica-key"]),
    );
    expect(p.one("aws:iam/role:Role", "seawall-prod-lake-replication-role")).toBeDefined();
    expect(p.one("aws:iam/rolePolicy:RolePolicy", "seawall-prod-lake-replication-policy")).toBeDefined();
    expect(
      p.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "seawall-prod-lake-replication"),
    ).toBeDefined();
    expect(p.names("aws:s3/bucketPolicy:BucketPolicy")).toEqual(
      expect.arrayContaining([
        "seawall-prod-lake-policy",
        "seawall-prod-lake-replica-policy",
        "seawall-prod-lake-access-logs-policy",
      ]),
    );
  });

  it("runs Airflow and its RDS database, deletion-protected, and exports how to reach it", () => {
    expect(p.names("seawall:kubernetes:Airflow")).toEqual(["seawall-prod-pipeline-airflow"]);
    const db = p.one("aws:rds/instance:Instance", "seawall-prod-airflow-db");
    expect(db.protect).toBe(true);
    expect(db.inputs).toMatchObject({
      deletionProtection: true,
      multiAz: true,
      storageEncrypted: true,
      publiclyAccessible: false,
    });
    expect((p.output("kubernetes") as Record<string, unknown>).airflow).toEqual({
      namespace: "airflow",
      apiServerService: "airflow-api-server.airflow",
      adminPasswordSecret: "seawall-airflow-admin",
    });
  });

  it("puts the replica's resources on the replica region's provider", () => {
    const provider = p.one("pulumi:providers:aws", "seawall-prod-lake-replica-provider");
    expect(provider.inputs.region).toBe("us-west-2");
    const onReplica = p.resources.filter((r) => r.provider === provider.urn).map((r) => r.name);
    expect(onReplica.sort()).toEqual(
      [
        "seawall-prod-lake-replica",
        "seawall-prod-lake-replica-encryption",
        "seawall-prod-lake-replica-key",
        "seawall-prod-lake-replica-lifecycle",
        "seawall-prod-lake-replica-ownership",
        "seawall-prod-lake-replica-policy",
        "seawall-prod-lake-replica-public-access",
        "seawall-prod-lake-replica-versioning",
      ].sort(),
    );
  });

  it("protects the stateful stores and keeps buckets on destroy", () => {
    for (const name of ["seawall-prod-lake", "seawall-prod-lake-replica"]) {
      expect(p.one(BUCKET, name).protect).toBe(true);
      expect(p.one(BUCKET, name).inputs.forceDestroy).toBe(false);
    }
    for (const name of ["seawall-prod-lake-key", "seawall-prod-lake-replica-key"]) {
      expect(p.one(KEY, name).protect).toBe(true);
      expect(p.one(KEY, name).inputs.deletionWindowInDays).toBe(30);
    }
  });

  it("replicates with Replication Time Control", () => {
    const rules = p.one(
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "seawall-prod-lake-replication",
    ).inputs.rules as { destination: Record<string, unknown> }[];
    expect(rules[0].destination.replicationTime).toEqual({ status: "Enabled", time: { minutes: 15 } });
  });

  it("tags the lake with environment, owner, classification and backup", () => {
    expect(p.one(BUCKET, "seawall-prod-lake").inputs.tags).toMatchObject({
      "seawall:environment": "prod",
      "seawall:owner": "data-platform",
      "seawall:data-classification": "confidential",
      "seawall:backup": "true",
    });
  });

  it("exports the object store contract and bucket URIs", () => {
    expect(p.output("objectStore")).toEqual({
      scheme: "s3",
      bucket: expect.stringMatching(/^seawall-prod-lake-[0-9a-f]{7}$/),
      prefix: "events",
      region: "us-east-1",
      replica: {
        bucket: expect.stringMatching(/^seawall-prod-lake-replica-[0-9a-f]{7}$/),
        region: "us-west-2",
      },
    });
    expect(p.output("bucketUri")).toMatch(/^s3:\/\/seawall-prod-lake-[0-9a-f]{7}\/events$/);
    expect(p.output("replicaBucketUri")).toMatch(/^s3:\/\/seawall-prod-lake-replica-[0-9a-f]{7}\/events$/);
  });
});

describe("dev-aws", () => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("dev-aws"));
  });

  it("has no replica, replication or access-log bucket", () => {
    expect(p.names(BUCKET)).not.toContain("seawall-dev-lake-replica");
    expect(p.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toEqual([]);
    expect(p.resources.filter((r) => r.name.startsWith("seawall-dev-lake-replica"))).toEqual([]);
    expect(p.output("objectStore")).not.toHaveProperty("replica");
  });

  it("allows teardown: nothing protected, buckets emptied on destroy, short key window", () => {
    expect(p.resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
    expect(p.one(BUCKET, "seawall-dev-lake").inputs.forceDestroy).toBe(true);
    expect(p.one(KEY, "seawall-dev-lake-key").inputs.deletionWindowInDays).toBe(7);
  });

  it("still encrypts with a customer-managed key and versions", () => {
    const sse = p.one(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "seawall-dev-lake-encryption",
    );
    expect(
      (sse.inputs.rules as { applyServerSideEncryptionByDefault: object }[])[0]
        .applyServerSideEncryptionByDefault,
    ).toMatchObject({ sseAlgorithm: "aws:kms" });
    expect(
      p.one("aws:s3/bucketVersioning:BucketVersioning", "seawall-dev-lake-versioning").inputs
        .versioningConfiguration,
    ).toEqual({ status: "Enabled" });
  });
});
