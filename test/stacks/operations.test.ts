import { loadStackConfig, synthesizeStack } from "../../scripts/synth/stacks";
import { parseStackConfig } from "../../stacks/config";
import { Plan } from "../helpers";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const VAULT = "aws:backup/vault:Vault";

describe("prod-aws backups and monitoring", () => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("prod-aws"));
  });

  it("backs up with the prod profile's retention, a vault lock, copies to us-west-2 and restore tests", () => {
    const rules = p.one("aws:backup/plan:Plan", "seawall-prod-backups-plan").inputs.rules as {
      ruleName: string;
      lifecycle: { deleteAfter: number };
      copyActions: { destinationVaultArn: string }[];
    }[];
    expect(rules.map((r) => [r.ruleName, r.lifecycle.deleteAfter])).toEqual([
      ["daily", 35],
      ["weekly", 365],
    ]);
    for (const r of rules) expect(r.copyActions[0].destinationVaultArn).toMatch(/^arn:aws:backup:us-west-2:/);
    expect(
      p.one("aws:backup/vaultLockConfiguration:VaultLockConfiguration", "seawall-prod-backups-vault-lock")
        .inputs,
    ).toMatchObject({
      minRetentionDays: 35,
      maxRetentionDays: 365,
    });
    expect(p.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan")).toHaveLength(1);
    expect(p.one(VAULT, "seawall-prod-backups-vault").protect).toBe(true);
  });

  it("selects the lake bucket through the platform's backup tag", () => {
    const lake = p.one("aws:s3/bucket:Bucket", "seawall-prod-lake");
    expect((lake.inputs.tags as Record<string, string>)["seawall:backup"]).toBe("true");
    expect(
      p.one("aws:backup/selection:Selection", "seawall-prod-backups-selection").inputs.selectionTags,
    ).toEqual([{ type: "STRINGEQUALS", key: "seawall:backup", value: "true" }]);
  });

  it("watches the MSK cluster's three brokers, the pipeline's consumers and the cache's three nodes", () => {
    const cluster = p.one("aws:msk/cluster:Cluster", "seawall-prod-events");
    const disk = p.names(ALARM).filter((n) => n.includes("-msk-disk-"));
    expect(disk).toEqual([
      "seawall-prod-monitoring-msk-disk-broker-1",
      "seawall-prod-monitoring-msk-disk-broker-2",
      "seawall-prod-monitoring-msk-disk-broker-3",
    ]);
    const offline = p.one(ALARM, "seawall-prod-monitoring-msk-offline-partitions");
    expect(offline.propertyDependencies.dimensions).toEqual([cluster.urn]);
    expect(p.names(ALARM).filter((n) => n.includes("-consumer-lag-"))).toHaveLength(4);
    const group = p.one("aws:elasticache/replicationGroup:ReplicationGroup", "seawall-prod-features");
    const memory = p
      .ofType(ALARM)
      .filter((a) => a.name.includes("-cache-memory-node-"))
      .map((a) => (a.inputs.dimensions as Record<string, string>).CacheClusterId);
    expect(memory).toHaveLength(3);
    for (const [i, id] of memory.entries()) expect(id.endsWith(`-00${i + 1}`)).toBe(true);
    expect(
      p.one(ALARM, "seawall-prod-monitoring-cache-memory-node-1").propertyDependencies.dimensions,
    ).toEqual([group.urn]);
  });

  it("watches the lake's replication rule and the backup vault, with prod thresholds", () => {
    const latency = p.one(ALARM, "seawall-prod-monitoring-s3-replication-latency").inputs;
    const location = p.output("objectStore") as { bucket: string; replica: { bucket: string } };
    expect(latency.dimensions).toEqual({
      SourceBucket: location.bucket,
      DestinationBucket: location.replica.bucket,
      RuleId: "replicate-everything",
    });
    expect(latency.threshold).toBe(900);
    const vaultName = p.one(VAULT, "seawall-prod-backups-vault");
    expect(
      p.one(ALARM, "seawall-prod-monitoring-backup-jobs-failed").propertyDependencies.dimensions,
    ).toEqual([vaultName.urn]);
  });

  it("exports the alert topic and the dashboard's URL", () => {
    expect(p.output("alertTopicArn")).toMatch(
      /^arn:aws:sns:us-east-1:123456789012:seawall-prod-monitoring-alerts/,
    );
    expect(p.output("dashboardUrl")).toBe(
      "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/seawall-prod-monitoring",
    );
  });
});

describe("dev-aws backups and monitoring", () => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack("dev-aws"));
  });

  it("keeps dev's backups short, unlocked, uncopied and untested", () => {
    const rules = p.one("aws:backup/plan:Plan", "seawall-dev-backups-plan").inputs.rules as {
      lifecycle: { deleteAfter: number };
      copyActions?: unknown;
    }[];
    expect(rules.map((r) => r.lifecycle.deleteAfter)).toEqual([7, 35]);
    expect(rules.every((r) => r.copyActions === undefined)).toBe(true);
    expect(p.ofType("aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toEqual([]);
    expect(p.ofType("aws:backup/restoreTestingPlan:RestoreTestingPlan")).toEqual([]);
    expect(p.one(VAULT, "seawall-dev-backups-vault").inputs.forceDestroy).toBe(true);
  });

  it("has no S3 replication alarms without replication, and dev thresholds elsewhere", () => {
    expect(p.names(ALARM).filter((n) => n.includes("-s3-"))).toEqual([]);
    expect(p.one(ALARM, "seawall-dev-monitoring-msk-disk-broker-1").inputs.threshold).toBe(85);
    expect(p.names(ALARM).filter((n) => n.includes("-msk-disk-"))).toHaveLength(2);
  });
});

describe("seawall:monitoring config", () => {
  it("subscribes the stack's alert emails to the alert topic", async () => {
    const p = new Plan(
      await synthesizeStack("prod-aws", {
        "seawall:monitoring": JSON.stringify({ alertEmails: ["oncall@example.com"] }),
      }),
    );
    expect(
      p.one("aws:sns/topicSubscription:TopicSubscription", "seawall-prod-monitoring-alerts-email-1").inputs,
    ).toEqual({
      topic: p.output("alertTopicArn"),
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });

  it("rejects an alert email that is not an address, before any resource", () => {
    const config = {
      ...loadStackConfig("prod-aws"),
      "seawall:monitoring": JSON.stringify({ alertEmails: ["oncall"] }),
    };
    expect(() => parseStackConfig("prod-aws", config)).toThrow(
      /seawall:monitoring\.alertEmails\.0 = "oncall"/,
    );
  });
});
