import * as pulumi from "@pulumi/pulumi";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { EventStreamArgs, validateEventStreamArgs } from "./eventStream";
import { FeatureStoreArgs, validateFeatureStoreArgs } from "./featureStore";
import { GcpKmsKeyOption } from "./kmsKey";
import { GcpNetworkArgs, validateGcpNetworkArgs } from "./network";
import { GcpObjectStoreArgs, validateGcpObjectStoreArgs } from "./objectStore";

/**
 * How the GCP platform derives the arguments of its Network, EventStream and FeatureStore from the
 * profile and the platform team's settings. Pure: the network's ids and the workloads' service
 * account are passed in, so the same functions serve validation (with placeholders) and the build.
 */

/** What the services are placed with and who may use them. */
export interface GcpPlacement {
  /** The VPC network, `projects/<project>/global/networks/<name>`. */
  networkId: pulumi.Input<string>;
  /** The subnets Managed Kafka's Private Service Connect addresses are taken from. */
  kafkaSubnetIds: pulumi.Input<string>[];
  /** The workloads' service account (email): admitted by the firewall, granted the services. */
  workloadServiceAccount: pulumi.Input<string>;
}

/** The customer-managed key every GCP component creates: rotated, destroyed only after the profile's window. */
export function platformKmsKey(profile: Profile): GcpKmsKeyOption {
  return { args: { destroyScheduledDays: profile.keyDeletionWindowDays } };
}

/**
 * The lake's arguments: the profile's, then the platform team's settings. Replication is a
 * dual-region bucket of the region and the replica region (Cloud Storage replicates inside one
 * bucket), with turbo replication where the profile asks for a replication time objective; object
 * lock is a bucket retention policy, locked for `COMPLIANCE`; Intelligent-Tiering is Autoclass.
 */
export function objectStoreArgs(
  args: DataPlatformArgs,
  profile: Profile,
  labels: Record<string, string>,
): GcpObjectStoreArgs {
  const s = args.objectStore ?? {};
  const dual = (s.replication ?? profile.objectStore.replication) && args.replicaRegion !== undefined;
  const autoclass = s.intelligentTiering ?? false;
  // Autoclass moves objects between classes itself: the profile's class transitions are left out
  // (the team's own, if any, are passed on and refused by the object store).
  const {
    infrequentAccessAfterDays: _ia,
    archiveAfterDays: _archive,
    ...expiry
  } = profile.objectStore.lifecycle;
  return {
    region: args.region,
    dualRegion: dual ? { replicaRegion: args.replicaRegion! } : { skip: true },
    turboReplication: dual
      ? (s.replicationTimeControl ?? profile.objectStore.replicationTimeControl)
      : undefined,
    bucketName: s.bucketName,
    prefix: s.prefix,
    kmsKey: platformKmsKey(profile),
    lifecycle: { ...(autoclass ? expiry : profile.objectStore.lifecycle), ...s.lifecycle },
    autoclass,
    retentionPolicy: s.objectLock
      ? { days: s.objectLock.days, locked: s.objectLock.mode === "COMPLIANCE" }
      : undefined,
    accessLogging: s.accessLogging ? { args: {} } : { skip: true },
    protect: profile.deletionProtection,
    labels,
  };
}

export function networkArgs(
  args: DataPlatformArgs,
  workloadServiceAccount: pulumi.Input<string>,
): GcpNetworkArgs {
  const s = args.network ?? {};
  return {
    region: args.region,
    network: s.existing
      ? { existing: { networkId: s.existing.vpcId, subnetIds: s.existing.subnetIds } }
      : { args: {} },
    // A service account, not a network tag: who may set a tag on an instance is not who may run as
    // the account, and the same identity is what IAM grants the services to.
    clients: { serviceAccounts: [workloadServiceAccount] },
    kafka: {},
    featureStore: { connectivity: "valkey" },
    flowLogs: { args: {} },
    nat: { skip: true },
  };
}

export function eventStreamArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: GcpPlacement,
  labels: Record<string, string>,
): EventStreamArgs {
  const e = profile.eventStream;
  const size = profile.sizes.gcp.eventStream;
  return {
    region: args.region,
    subnetIds: placement.kafkaSubnetIds,
    vcpuCount: size.vcpuCount,
    memoryGiB: size.memoryGiB,
    defaultReplicationFactor: e.defaultReplicationFactor,
    minInsyncReplicas: e.minInsyncReplicas,
    topics: args.eventStream?.topics,
    clientServiceAccounts: [placement.workloadServiceAccount],
    kmsKey: platformKmsKey(profile),
    protect: profile.deletionProtection,
    labels,
  };
}

export function featureStoreArgs(
  args: DataPlatformArgs,
  profile: Profile,
  placement: GcpPlacement,
  labels: Record<string, string>,
): FeatureStoreArgs {
  const f = profile.featureStore;
  const s = args.featureStore ?? {};
  return {
    region: args.region,
    network: placement.networkId,
    engineVersion: s.engineVersion,
    nodeType: profile.sizes.gcp.featureStore.nodeType,
    // Memorystore for Valkey replicates the primary to replicas in other zones (MULTI_ZONE).
    replicaCount: f.replicasPerShard,
    maxmemoryPolicy: s.maxmemoryPolicy,
    backupRetentionDays: f.snapshotRetentionDays,
    clientServiceAccounts: [placement.workloadServiceAccount],
    kmsKey: platformKmsKey(profile),
    protect: profile.deletionProtection,
    labels,
  };
}

/** The placeholders validation runs with: ids that exist only after deployment. */
const PLACEHOLDER = (args: DataPlatformArgs): GcpPlacement => ({
  networkId: "projects/placeholder/global/networks/placeholder",
  kafkaSubnetIds: [`projects/placeholder/regions/${args.region}/subnetworks/placeholder`],
  workloadServiceAccount: "placeholder@placeholder.iam.gserviceaccount.com",
});

/**
 * Every problem with the network, event stream and feature store the platform would build, named
 * as the platform's fields (`eventStream.topics[0].name`). Ids unknown before deployment are
 * placeholders.
 */
export function validateServiceArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const placement = PLACEHOLDER(args);
  const problems: Problem[] = [];
  if (profile.featureStore.shards !== 1)
    problems.push({
      code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED",
      field: "profile.featureStore.shards",
      value: profile.featureStore.shards,
      fix: "the GCP feature store is one Memorystore for Valkey shard with replicas: set it to 1 and scale with sizes.gcp.featureStore.nodeType",
    });
  return [
    ...problems,
    ...problemsUnder("objectStore", () =>
      validateGcpObjectStoreArgs(objectStoreArgs(args, profile, {}), args.region),
    ),
    ...problemsUnder("network", () =>
      validateGcpNetworkArgs(networkArgs(args, placement.workloadServiceAccount), args.region),
    ),
    ...problemsUnder("eventStream", () =>
      validateEventStreamArgs(eventStreamArgs(args, profile, placement, {}), args.region),
    ),
    ...problemsUnder("featureStore", () =>
      validateFeatureStoreArgs(featureStoreArgs(args, profile, placement, {}), args.region),
    ),
  ];
}
