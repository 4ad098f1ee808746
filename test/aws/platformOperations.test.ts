import * as pulumi from "@pulumi/pulumi";
import {
  backupsArgs,
  cacheMemberSuffixes,
  monitoringArgs,
  PIPELINE_CONSUMERS,
  validateOperationsArgs,
} from "../../components/aws/platformOperations";
import { DataPlatformArgs } from "../../components/platformArgs";
import { resolveProfile } from "../../components/profiles";
import { consumerGroups, parseWorkerEnv } from "../../runtime/src/config";

const base: DataPlatformArgs = {
  cloud: "aws",
  environment: "prod",
  owner: "data-platform",
  region: "us-east-1",
  replicaRegion: "us-west-2",
};
const tags = { "seawall:backup": "true" };

function resolved<T>(value: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v)));
}

describe("backupsArgs", () => {
  it("locks, copies to the replica region and restore-tests in prod, with prod retention", () => {
    expect(backupsArgs(base, resolveProfile("prod"), tags)).toEqual({
      dailyRetentionDays: 35,
      weeklyRetentionDays: 365,
      vaultLock: {},
      copy: { region: "us-west-2" },
      restoreTesting: {},
      forceDestroy: false,
      keyDeletionWindowInDays: 30,
      protect: true,
      tags,
    });
  });

  it("keeps dev's backups short, unlocked, uncopied, untested and deletable", () => {
    expect(backupsArgs({ ...base, environment: "dev" }, resolveProfile("dev"), tags)).toEqual({
      dailyRetentionDays: 7,
      weeklyRetentionDays: 35,
      vaultLock: undefined,
      copy: undefined,
      restoreTesting: undefined,
      forceDestroy: true,
      keyDeletionWindowInDays: 7,
      protect: false,
      tags,
    });
  });
});

describe("cacheMemberSuffixes", () => {
  it("names a primary and its replicas without cluster mode", () => {
    expect(cacheMemberSuffixes(1, 2)).toEqual(["-001", "-002", "-003"]);
  });

  it("names every shard's nodes with cluster mode", () => {
    expect(cacheMemberSuffixes(2, 1)).toEqual(["-0001-001", "-0001-002", "-0002-001", "-0002-002"]);
  });
});

describe("monitoringArgs", () => {
  it("watches nothing the platform did not build, with the profile's thresholds", () => {
    expect(monitoringArgs(base, resolveProfile("dev"), tags, {})).toEqual({
      thresholds: {
        kafkaDiskUsedPercent: 85,
        kafkaCpuPercent: 90,
        consumerLagMessages: 1_000_000,
        cacheCpuPercent: 90,
        cacheMemoryPercent: 90,
        cacheEvictions: 10_000,
        cacheReplicationLagSeconds: 60,
        replicationLatencySeconds: 3600,
      },
      alertEmails: undefined,
      keyDeletionWindowInDays: 7,
      tags,
    });
  });

  it("subscribes the team's alert emails", () => {
    const args = { ...base, monitoring: { alertEmails: ["oncall@example.com"] } };
    expect(monitoringArgs(args, resolveProfile("prod"), tags, {}).alertEmails).toEqual([
      "oncall@example.com",
    ]);
  });

  it("watches the pipeline's consumer groups and every cache node", async () => {
    const m = monitoringArgs(base, resolveProfile("prod"), tags, {
      eventStream: { clusterName: "events", brokerCount: 3 },
      featureStore: { replicationGroupId: pulumi.output("features"), shards: 1, replicasPerShard: 2 },
      backups: { vaultName: "vault" },
    });
    expect(m.eventStream).toEqual({ clusterName: "events", brokerCount: 3, consumers: PIPELINE_CONSUMERS });
    expect(PIPELINE_CONSUMERS.map((c) => `${c.group}<-${c.topic}`)).toEqual([
      "seawall-ingest<-events.raw",
      "seawall-dedup<-events.valid",
      "seawall-lake-sink<-events.unique",
      "seawall-feature-writer<-features",
    ]);
    // The same groups and topics the runtime's workers join with their default configuration.
    const workers = parseWorkerEnv({
      KAFKA_BOOTSTRAP_SERVERS: "b-1:9098",
      KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
      REDIS_HOST: "r",
      LAKE_BUCKET: "l",
    });
    expect(PIPELINE_CONSUMERS).toEqual(consumerGroups(workers).map(({ group, topic }) => ({ group, topic })));
    expect(await resolved(m.featureStore!.memberClusterIds)).toEqual([
      "features-001",
      "features-002",
      "features-003",
    ]);
    expect(m.backups).toEqual({ vaultName: "vault" });
    expect(m.objectStore).toBeUndefined();
  });
});

describe("validateOperationsArgs", () => {
  it("accepts every profile", () => {
    for (const environment of ["dev", "staging", "prod"] as const) {
      expect(validateOperationsArgs({ ...base, environment }, resolveProfile(environment))).toEqual([]);
    }
  });

  it("reports a cross-region backup copy without a replica region once, as the replica region", () => {
    const args = { ...base, replicaRegion: undefined, objectStore: { replication: false } };
    expect(validateOperationsArgs(args, resolveProfile("prod"))).toEqual([
      {
        code: "SEAWALL_PLATFORM_BACKUP_COPY_REGION_REQUIRED",
        field: "replicaRegion",
        value: undefined,
        fix: "required when backups are copied to another region (profile.backup.crossRegionCopy, on in prod); set a region other than us-east-1",
      },
    ]);
    expect(backupsArgs(args, resolveProfile("prod"), tags).copy).toBeUndefined();
  });

  it("leaves a missing replica region with replication on to the platform's own check", () => {
    expect(validateOperationsArgs({ ...base, replicaRegion: undefined }, resolveProfile("prod"))).toEqual([]);
  });

  it("reports impossible profile overrides under backups and monitoring", () => {
    const profile = resolveProfile("prod", {
      backup: { dailyRetentionDays: 60, weeklyRetentionDays: 30 },
      monitoring: { cpuPercent: 120 },
    });
    expect(validateOperationsArgs(base, profile).map(({ field, value }) => ({ field, value }))).toEqual([
      { field: "backups.weeklyRetentionDays", value: 30 },
      { field: "backups.vaultLock.minRetentionDays", value: 60 },
      { field: "monitoring.thresholds.kafkaCpuPercent", value: 120 },
      { field: "monitoring.thresholds.cacheCpuPercent", value: 120 },
    ]);
  });
});
