import * as pulumi from "@pulumi/pulumi";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { EventStreamArgs, validateEventStreamArgs } from "./eventStream";
import { FeatureStoreArgs, validateFeatureStoreArgs } from "./featureStore";
import { NetworkArgs, validateNetworkArgs } from "./network";

/**
 * How the AWS platform derives the arguments of its Network, EventStream and FeatureStore from the
 * profile and the platform team's settings. Pure: the network's ids are passed in, so the same
 * functions serve validation (with placeholders) and the build.
 */

/** MSK spreads brokers over at most three zones. */
const MSK_MAX_ZONES = 3;

/** The network's ids the services are placed with. */
export interface Placement {
  subnetIds: pulumi.Input<string>[];
  kafkaSecurityGroupIds: pulumi.Input<string>[];
  redisSecurityGroupIds: pulumi.Input<string>[];
}

export function networkArgs(
  args: DataPlatformArgs,
  profile: Profile,
  tags: Record<string, string>,
): NetworkArgs {
  const s = args.network ?? {};
  return {
    vpc: s.existing
      ? { existing: { vpcId: s.existing.vpcId, subnetIds: s.existing.subnetIds } }
      : {
          args: {
            cidrBlock: s.cidrBlock,
            availabilityZones: profile.availabilityZones,
            ...(s.interfaceEndpoints ? { interfaceEndpoints: s.interfaceEndpoints } : {}),
          },
        },
    kafka: {
      clientAuthentication: [args.eventStream?.clientAuthentication ?? "iam"],
      openMonitoring: profile.sizes.aws.eventStream.openMonitoring,
    },
    redis: {},
    flowLogs: { args: { retentionInDays: profile.eventStream.logRetentionDays } },
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    tags,
  };
}

/** How many subnets the network has (known before deployment). */
export function subnetCount(args: DataPlatformArgs, profile: Profile): number {
  return args.network?.existing?.subnetIds.length ?? profile.availabilityZones;
}

export function eventStreamArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: Placement,
  tags: Record<string, string>,
): EventStreamArgs {
  const e = profile.eventStream;
  const size = profile.sizes.aws.eventStream;
  const s = args.eventStream ?? {};
  const subnetIds = placement.subnetIds.slice(0, MSK_MAX_ZONES);
  return {
    subnetIds,
    securityGroupIds: placement.kafkaSecurityGroupIds,
    kafkaVersion: s.kafkaVersion,
    brokerCount: size.brokersPerZone * subnetIds.length,
    instanceType: size.instanceType,
    volumeSizeGiB: size.volumeSizeGiB,
    maxVolumeSizeGiB: size.maxVolumeSizeGiB,
    clientAuthentication: s.clientAuthentication,
    defaultReplicationFactor: e.defaultReplicationFactor,
    minInsyncReplicas: e.minInsyncReplicas,
    enhancedMonitoring: size.enhancedMonitoring,
    openMonitoring: size.openMonitoring,
    logRetentionInDays: e.logRetentionDays,
    topics: s.topics,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    tags,
  };
}

export function featureStoreArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: Placement,
  tags: Record<string, string>,
): FeatureStoreArgs {
  const f = profile.featureStore;
  const s = args.featureStore ?? {};
  return {
    subnetIds: placement.subnetIds,
    securityGroupIds: placement.redisSecurityGroupIds,
    engineVersion: s.engineVersion,
    nodeType: profile.sizes.aws.featureStore.nodeType,
    shards: f.shards,
    replicasPerShard: f.replicasPerShard,
    multiAz: f.multiAz,
    maxmemoryPolicy: s.maxmemoryPolicy,
    snapshotRetentionDays: f.snapshotRetentionDays,
    finalSnapshot: true,
    logRetentionInDays: profile.eventStream.logRetentionDays,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    tags,
  };
}

/**
 * Every problem with the network, event stream and feature store the platform would build, named
 * as the platform's fields (`eventStream.topics[0].name`, `profile.featureStore.replicasPerShard`
 * appears as `featureStore.replicasPerShard`). Ids unknown before deployment are placeholders.
 */
export function validateServiceArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const tags = {};
  const count = subnetCount(args, profile);
  const placement: Placement = {
    subnetIds: Array.from({ length: count }, (_, i) => `subnet-placeholder-${i}`),
    kafkaSecurityGroupIds: ["sg-placeholder-kafka"],
    redisSecurityGroupIds: ["sg-placeholder-redis"],
  };
  return [
    ...problemsUnder("network", () => validateNetworkArgs(networkArgs(args, profile, tags))),
    ...problemsUnder("eventStream", () =>
      validateEventStreamArgs(eventStreamArgs(args, profile, placement, tags)),
    ),
    ...problemsUnder("featureStore", () =>
      validateFeatureStoreArgs(featureStoreArgs(args, profile, placement, tags)),
    ),
  ];
}
