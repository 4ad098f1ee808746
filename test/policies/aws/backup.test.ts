import { ResourceDescriptor } from "../../../policies/lib/evaluate";
import { awsBackupCoversStatefulResources } from "../../../policies/rules/aws/backup/awsBackupCoversStatefulResources";
import { runPolicy, unknown } from "../helpers";

const urn = (type: string, name: string) => `urn:pulumi:test::p::${type}::${name}`;
const res = (
  type: string,
  name: string,
  props: Record<string, unknown> = {},
  propertyDependencies: Record<string, string[]> = {},
): ResourceDescriptor => ({
  type,
  name,
  urn: urn(type, name),
  props,
  propertyDependencies,
});

const table = res("aws:dynamodb/table:Table", "features", { tags: { backup: "daily" } });
const db = res("aws:rds/instance:Instance", "db", { tags: {} });
const plan = res("aws:backup/plan:Plan", "plan", { rules: [{ ruleName: "daily" }] });
const selection = (props: Record<string, unknown>, deps: Record<string, string[]> = {}) =>
  res(
    "aws:backup/selection:Selection",
    `sel-${Object.keys(props).join("-")}`,
    { planId: "p", iamRoleArn: "r", ...props },
    { planId: [plan.urn!], ...deps },
  );

async function findings(resources: ResourceDescriptor[], config = {}) {
  const result = await runPolicy(awsBackupCoversStatefulResources(), resources, config);
  return result.violations.map((v) => v.resource);
}

describe("awsBackupCoversStatefulResources", () => {
  it("passes resources selected by ARN through propertyDependencies", async () => {
    const s = selection(
      { resources: ["arn:aws:dynamodb:t", "arn:aws:rds:db"] },
      { resources: [table.urn!, db.urn!] },
    );
    expect(await findings([table, db, plan, s])).toEqual([]);
  });
  it("passes resources selected by tag", async () => {
    const s = selection({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    expect(await findings([table, plan, s])).toEqual([]);
  });
  it("passes tags that come from the provider's defaultTags", async () => {
    const provider = res("pulumi:providers:aws", "p", { defaultTags: { tags: { backup: "daily" } } });
    const withProvider = { ...db, provider: provider.urn };
    const s = selection({
      condition: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }],
    });
    expect(await findings([provider, withProvider, plan, s])).toEqual([]);
  });
  it("passes tags from defaultTags held as JSON text, as the engine holds provider inputs", async () => {
    const provider = res("pulumi:providers:aws", "p", {
      defaultTags: JSON.stringify({ tags: { backup: "daily" } }),
    });
    const s = selection({
      condition: [{ stringEquals: [{ key: "aws:ResourceTag/backup", value: "daily" }] }],
    });
    expect(await findings([provider, { ...db, provider: provider.urn }, plan, s])).toEqual([]);
  });
  it("passes a service wildcard and a full wildcard", async () => {
    expect(await findings([table, plan, selection({ resources: ["arn:aws:dynamodb:*:*:table/*"] })])).toEqual(
      [],
    );
    expect(await findings([db, plan, selection({ resources: ["*"] })])).toEqual([]);
  });
  it("fails every stateful resource when there is no backup plan", async () => {
    const bucket = res("aws:s3/bucket:Bucket", "lake");
    const volume = res("aws:ebs/volume:Volume", "vol");
    expect(await findings([table, db, bucket, volume])).toEqual(["features", "db", "lake", "vol"]);
  });
  it("fails a resource whose tag does not match the selection", async () => {
    const s = selection({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "weekly" }] });
    expect(await findings([table, plan, s])).toEqual(["features"]);
  });
  it("fails a resource excluded through notResources", async () => {
    const s = selection({ resources: ["*"], notResources: ["arn"] }, { notResources: [db.urn!] });
    expect(await findings([db, plan, s])).toEqual(["db"]);
  });
  it("fails a resource matched by a wildcard of another service", async () => {
    expect(await findings([table, plan, selection({ resources: ["arn:aws:rds:*:*:db:*"] })])).toEqual([
      "features",
    ]);
  });
  it("exempts S3 replicas and access-log buckets unless configured otherwise", async () => {
    const lake = res("aws:s3/bucket:Bucket", "lake", { tags: { backup: "daily" } });
    const replica = res("aws:s3/bucket:Bucket", "replica");
    const logs = res("aws:s3/bucket:Bucket", "logs");
    const rep = res(
      "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
      "rep",
      { rules: [] },
      { bucket: [lake.urn!], rules: [replica.urn!] },
    );
    const log = res(
      "aws:s3/bucketLogging:BucketLogging",
      "log",
      {},
      { bucket: [lake.urn!], targetBucket: [logs.urn!] },
    );
    const s = selection({ selectionTags: [{ type: "STRINGEQUALS", key: "backup", value: "daily" }] });
    const all = [lake, replica, logs, rep, log, plan, s];
    expect(await findings(all)).toEqual([]);
    expect(await findings(all, { exemptReplicaAndLogBuckets: false })).toEqual(["replica", "logs"]);
  });
  it("does not judge Aurora cluster members or read replicas", async () => {
    const memberDb = res("aws:rds/instance:Instance", "member", { dbClusterIdentifier: "c" });
    const replicaDb = res("aws:rds/instance:Instance", "rr", { replicateSourceDb: "src" });
    expect(await findings([memberDb, replicaDb])).toEqual([]);
  });
  it("skips a resource whose tags are unknown, and one a selection may select through unknowns", async () => {
    const unknownTags = res("aws:dynamodb/table:Table", "t2", { tags: unknown.object });
    const s = selection({ selectionTags: unknown.array });
    expect(await findings([unknownTags])).toEqual([]);
    expect(await findings([table, plan, s])).toEqual([]);
  });
});
