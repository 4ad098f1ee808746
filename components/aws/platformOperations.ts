/**
 * How the AWS platform maps a profile onto its operational components, Backups and Monitoring,
 * and what it tells Monitoring to watch. Pure except for deriving Output identifiers, so each
 * mapping is tested on its own and `buildAwsPlatform` stays a list of components.
 */
import { PIPELINE_CONSUMER_GROUPS } from "../contracts";
import * as pulumi from "@pulumi/pulumi";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { BackupsArgs, validateBackupsArgs } from "./backups";
import { MonitoringArgs, validateMonitoringArgs } from "./monitoring";
import { MonitoredServices, profileThresholds, WatchedConsumer } from "./monitoringAlarms";

/** The pipeline's consumer groups (contracts.ts), as the consumers monitoring watches. */
export const PIPELINE_CONSUMERS: WatchedConsumer<string>[] = PIPELINE_CONSUMER_GROUPS.map((c) => ({ ...c }));

/** The backups' arguments: the profile's retention, lock, copies and restore tests. */
export function backupsArgs(
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
): BackupsArgs {
  const b = profile.backup;
  return {
    dailyRetentionDays: b.dailyRetentionDays,
    weeklyRetentionDays: b.weeklyRetentionDays,
    vaultLock: b.vaultLock ? {} : undefined,
    // Without a replica region the copy has nowhere to go; validateOperationsArgs says so.
    copy: b.crossRegionCopy && args.replicaRegion ? { region: args.replicaRegion } : undefined,
    restoreTesting: b.restoreTesting ? {} : undefined,
    // Recovery points must be deletable in throwaway environments, and nowhere else.
    forceDestroy: profile.forceDestroy,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    tags,
  };
}

/**
 * The member clusters (nodes) of a replication group, named as ElastiCache names them:
 * `<group>-001`... without cluster mode, `<group>-0001-001`... (shard, node) with it.
 */
export function cacheMemberSuffixes(shards: number, replicasPerShard: number): string[] {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  const nodes = Array.from({ length: 1 + replicasPerShard }, (_, i) => i + 1);
  if (shards <= 1) return nodes.map((n) => `-${pad(n, 3)}`);
  return Array.from({ length: shards }, (_, s) => nodes.map((n) => `-${pad(s + 1, 4)}-${pad(n, 3)}`)).flat();
}

/** What the platform has for Monitoring to watch; each part only when the platform built it. */
export interface PlatformWatchTargets {
  eventStream?: { clusterName: pulumi.Input<string>; brokerCount: number };
  featureStore?: { replicationGroupId: pulumi.Output<string>; shards: number; replicasPerShard: number };
  /** Only with replication metrics (Replication Time Control), or S3 publishes no replication metrics. */
  objectStore?: {
    sourceBucket: pulumi.Input<string>;
    destinationBucket: pulumi.Input<string>;
    ruleId: string;
  };
  backups?: { vaultName: pulumi.Input<string> };
}

/** The monitoring's arguments: the profile's thresholds, the team's settings and the watched services. */
export function monitoringArgs(
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
  targets: PlatformWatchTargets,
): MonitoringArgs {
  const services: MonitoredServices<pulumi.Input<string>> = {};
  if (targets.eventStream) services.eventStream = { ...targets.eventStream, consumers: PIPELINE_CONSUMERS };
  const cache = targets.featureStore;
  if (cache) {
    services.featureStore = {
      replicationGroupId: cache.replicationGroupId,
      memberClusterIds: cacheMemberSuffixes(cache.shards, cache.replicasPerShard).map((suffix) =>
        cache.replicationGroupId.apply((id) => id + suffix),
      ),
    };
  }
  if (targets.objectStore) services.objectStore = targets.objectStore;
  if (targets.backups) services.backups = targets.backups;
  return {
    ...services,
    thresholds: profileThresholds(profile.monitoring),
    alertEmails: args.monitoring?.alertEmails,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    tags,
  };
}

/**
 * Every problem with the backups and monitoring the platform would build, named under `backups.`
 * and `monitoring.` (a profile threshold out of range appears as `monitoring.thresholds.*`).
 */
export function validateOperationsArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const replication = args.objectStore?.replication ?? profile.objectStore.replication;
  // With replication on, the platform already reports the missing replica region.
  const copyProblems: Problem[] =
    profile.backup.crossRegionCopy && !args.replicaRegion && !replication
      ? [
          {
            code: "SEAWALL_PLATFORM_BACKUP_COPY_REGION_REQUIRED",
            field: "replicaRegion",
            value: args.replicaRegion,
            fix: `required when backups are copied to another region (profile.backup.crossRegionCopy, on in ${profile.environment}); set a region other than ${args.region}`,
          },
        ]
      : [];
  return [
    ...copyProblems,
    ...problemsUnder("backups", () => validateBackupsArgs(backupsArgs(args, profile, {}))),
    ...problemsUnder("monitoring", () => validateMonitoringArgs(monitoringArgs(args, profile, {}, {}))),
  ];
}
