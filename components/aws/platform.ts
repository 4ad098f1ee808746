import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, SeawallValidationError } from "../validation";
import { ObjectStore, ObjectStoreArgs, validateObjectStoreArgs } from "./objectStore";
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

function prefixed(prefix: string, error: unknown): Problem[] {
  if (!(error instanceof SeawallValidationError)) throw error;
  return error.problems.map((p) => ({ ...p, field: `${prefix}.${p.field}` }));
}

export function validateAwsPlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  const services = validateServiceArgs(args, profile);
  try {
    validateObjectStoreArgs(objectStoreArgs(args, profile));
    return services;
  } catch (error) {
    return [...prefixed("objectStore", error), ...services];
  }
}

/** Builds the AWS platform's components as children of `parent`. */
export function buildAwsPlatform(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
): PlatformOutputs {
  const store = new ObjectStore(`${name}-lake`, objectStoreArgs(args, profile), { parent });
  const tags = platformTags(args, profile);
  const network = new Network(`${name}-network`, networkArgs(args, profile, tags), { parent });
  const placement: Placement = {
    subnetIds: Array.from({ length: network.subnetCount }, (_, i) =>
      network.privateSubnetIds.apply((ids) => ids[i]),
    ),
    kafkaSecurityGroupIds: network.kafkaSecurityGroupId ? [network.kafkaSecurityGroupId] : [],
    redisSecurityGroupIds: network.redisSecurityGroupId ? [network.redisSecurityGroupId] : [],
  };
  const events = new EventStream(`${name}-events`, eventStreamArgs(args, profile, placement, tags), {
    parent,
  });
  const features = new FeatureStore(`${name}-features`, featureStoreArgs(args, profile, placement, tags), {
    parent,
  });
  const uri = (bucket: pulumi.Input<string>, prefix: string) => pulumi.interpolate`s3://${bucket}/${prefix}`;
  return {
    objectStore: store.location,
    bucketUri: uri(store.bucketName, args.objectStore?.prefix ?? ""),
    replicaBucketUri: store.replicaBucket
      ? uri(store.replicaBucket.bucket, args.objectStore?.prefix ?? "")
      : undefined,
    kafka: events.connection,
    kafkaClientPolicyArn: events.clientPolicyArn,
    redis: features.connection,
    network: pulumi
      .all([network.vpcId, network.privateSubnetIds, network.clientSecurityGroupId])
      .apply(([vpcId, privateSubnetIds, clientSecurityGroupId]) => ({
        vpcId,
        privateSubnetIds,
        clientSecurityGroupId,
      })),
    kmsKeys: {
      objectStore: store.kmsKeyArn,
      eventStream: events.kmsKeyArn,
      featureStore: features.kmsKeyArn,
      ...(store.replicaKmsKeyArn ? { objectStoreReplica: store.replicaKmsKeyArn } : {}),
    },
  };
}
