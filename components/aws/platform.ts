import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { Backups } from "./backups";
import { Monitoring } from "./monitoring";
import { ObjectStore, ObjectStoreArgs, REPLICATION_RULE_ID, validateObjectStoreArgs } from "./objectStore";
import { EventStream } from "./eventStream";
import { FeatureStore } from "./featureStore";
import { Network } from "./network";
import {
  eventStreamArgs,
  featureStoreArgs,
  networkArgs,
  Placement,
  validateServiceArgs,
} from "./platformServices";
import { backupsArgs, monitoringArgs, validateOperationsArgs } from "./platformOperations";

/**
 * The Kubernetes layer, loaded only when the platform runs one: `@pulumi/kubernetes` is an optional
 * peer dependency, and a program without the \`kubernetes\` setting must load this module without it.
 */
function kubernetesLayer(): typeof import("./platformKubernetes") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./platformKubernetes") as typeof import("./platformKubernetes");
}

/** The tags every resource of the platform carries. */
export function platformTags(args: DataPlatformArgs, profile: Profile): Record<string, string> {
  return {
    ...args.tags,
    "seawall:environment": profile.environment,
    "seawall:owner": args.owner,
    "seawall:data-classification": args.dataClassification ?? "internal",
    "seawall:backup": "true",
  };
}

/** The object store's arguments: the profile's, then the platform team's settings. */
export function objectStoreArgs(args: DataPlatformArgs, profile: Profile): ObjectStoreArgs {
  const s = args.objectStore ?? {};
  const replication = s.replication ?? profile.objectStore.replication;
  return {
    bucketName: s.bucketName,
    prefix: s.prefix,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    lifecycle: { ...profile.objectStore.lifecycle, ...s.lifecycle },
    replication:
      replication && args.replicaRegion
        ? {
            region: args.replicaRegion,
            replicationTimeControl: s.replicationTimeControl ?? profile.objectStore.replicationTimeControl,
          }
        : undefined,
    objectLock: s.objectLock,
    accessLogging: s.accessLogging ? { args: {} } : { skip: true },
    intelligentTiering: s.intelligentTiering ? {} : undefined,
    protect: profile.deletionProtection,
    forceDestroy: profile.forceDestroy,
    tags: platformTags(args, profile),
  };
}

export function validateAwsPlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return [
    ...problemsUnder("objectStore", () => validateObjectStoreArgs(objectStoreArgs(args, profile))),
    ...validateServiceArgs(args, profile),
    ...validateOperationsArgs(args, profile),
    ...(args.kubernetes ? kubernetesLayer().validateAwsKubernetesArgs(args, profile) : []),
  ];
}

/** Builds the AWS platform's components as children of `parent`. */
export function buildAwsPlatform(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
): PlatformOutputs {
  const storeArgs = objectStoreArgs(args, profile);
  const store = new ObjectStore(`${name}-lake`, storeArgs, { parent });
  const tags = platformTags(args, profile);
  const network = new Network(`${name}-network`, networkArgs(args, profile, tags), { parent });
  const placement: Placement = {
    subnetIds: Array.from({ length: network.subnetCount }, (_, i) =>
      network.privateSubnetIds.apply((ids) => ids[i]),
    ),
    kafkaSecurityGroupIds: network.kafkaSecurityGroupId ? [network.kafkaSecurityGroupId] : [],
    redisSecurityGroupIds: network.redisSecurityGroupId ? [network.redisSecurityGroupId] : [],
  };
  const eventArgs = eventStreamArgs(args, profile, placement, tags);
  const events = new EventStream(`${name}-events`, eventArgs, { parent });
  const featureArgs = featureStoreArgs(args, profile, placement, tags);
  const features = new FeatureStore(`${name}-features`, featureArgs, { parent });
  // AWS Backup selects the lake's buckets by the backup tag; MSK and ElastiCache are not supported
  // by AWS Backup (the feature store keeps its own snapshots).
  const backups = new Backups(`${name}-backups`, backupsArgs(args, profile, tags), { parent });
  const monitoring = new Monitoring(
    `${name}-monitoring`,
    monitoringArgs(args, profile, tags, {
      eventStream: { clusterName: events.clusterName, brokerCount: eventArgs.brokerCount ?? 1 },
      featureStore: {
        replicationGroupId: features.replicationGroupId,
        shards: featureArgs.shards ?? 1,
        replicasPerShard: featureArgs.replicasPerShard ?? 0,
      },
      // S3 publishes replication metrics only with Replication Time Control (metrics) on.
      objectStore:
        store.replicaBucket && storeArgs.replication?.replicationTimeControl
          ? {
              sourceBucket: store.bucketName,
              destinationBucket: store.replicaBucket.bucket,
              ruleId: REPLICATION_RULE_ID,
            }
          : undefined,
      backups: { vaultName: backups.vaultName },
    }),
    { parent },
  );
  const clusterNetwork = pulumi
    .all([network.vpcId, network.privateSubnetIds, network.clientSecurityGroupId])
    .apply(([vpcId, privateSubnetIds, clientSecurityGroupId]) => ({
      vpcId,
      privateSubnetIds,
      clientSecurityGroupId,
    }));
  const kubernetes = !args.kubernetes
    ? undefined
    : kubernetesLayer().buildAwsKubernetes(
        parent,
        name,
        args,
        profile,
        tags,
        {
          network: clusterNetwork,
          lake: { bucket: store.bucketName, prefix: args.objectStore?.prefix, kmsKeyArn: store.kmsKeyArn },
          kafkaClientPolicyArn: events.clientPolicyArn,
          kafkaClusterArn: events.clusterArn,
          alertTopicArn: monitoring.alertTopicArn,
          alertKmsKeyArn: monitoring.kmsKeyArn,
        },
        {
          kafka: events.connection,
          redis: features.connection,
          lake: store.location,
          topics: args.eventStream?.topics ?? [],
        },
      );
  const uri = (bucket: pulumi.Input<string>, prefix: string) => pulumi.interpolate`s3://${bucket}/${prefix}`;
  return {
    objectStore: store.location,
    bucketUri: uri(store.bucketName, args.objectStore?.prefix ?? ""),
    replicaBucketUri: store.replicaBucket
      ? uri(store.replicaBucket.bucket, args.objectStore?.prefix ?? "")
      : undefined,
    kafka: events.connection,
    alertTopicArn: monitoring.alertTopicArn,
    dashboardUrl: monitoring.dashboardUrl,
    kafkaClientPolicyArn: events.clientPolicyArn,
    redis: features.connection,
    network: clusterNetwork,
    ...(kubernetes ? { kubernetes } : {}),
    kmsKeys: {
      objectStore: store.kmsKeyArn,
      eventStream: events.kmsKeyArn,
      featureStore: features.kmsKeyArn,
      backups: backups.kmsKeyArn,
      ...(backups.copyKmsKeyArn ? { backupsCopy: backups.copyKmsKeyArn } : {}),
      alerts: monitoring.kmsKeyArn,
      ...(store.replicaKmsKeyArn ? { objectStoreReplica: store.replicaKmsKeyArn } : {}),
    },
  };
}
