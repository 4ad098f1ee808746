import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";
import { EventStream } from "./eventStream";
import { FeatureStore } from "./featureStore";
import { GcpMonitoring } from "./monitoring";
import { Network } from "./network";
import { ObjectStore } from "./objectStore";
import { platformAlertTopic } from "./platformAlerts";
import { monitoringArgs, validateOperationsArgs } from "./platformOperations";
import {
  eventStreamArgs,
  featureStoreArgs,
  GcpPlacement,
  networkArgs,
  objectStoreArgs,
  platformKmsKey,
  validateServiceArgs,
} from "./platformServices";
import { gcpSettingProblems, platformLabels } from "./platformSettings";

/**
 * The Kubernetes layer, loaded only when the platform runs one: `@pulumi/kubernetes` is an optional
 * peer dependency, and a program without the \`kubernetes\` setting must load this module without it.
 */
function kubernetesLayer(): typeof import("./platformKubernetes") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require("./platformKubernetes") as typeof import("./platformKubernetes");
}

export { platformLabels } from "./platformSettings";

/**
 * The id of the workloads' service account: `<name>-workers`, cut to the 30 characters IAM allows
 * (6 to 30 lower-case letters, digits and hyphens, starting with a letter, not ending in a hyphen).
 */
export function workloadAccountId(name: string): string {
  let id = `${name}-workers`.toLowerCase().replace(/[^a-z0-9-]/g, "-");
  if (!/^[a-z]/.test(id)) id = `w${id}`;
  return id.slice(0, 30).replace(/-+$/, "").padEnd(6, "0");
}

/**
 * Every problem with the platform's arguments on GCP, before anything is registered: settings GCP
 * has no equivalent for, labels GCP would reject, and each component's own validation, named as
 * the platform's fields.
 */
export function validateGcpPlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return [
    ...gcpSettingProblems(args),
    ...validateServiceArgs(args, profile),
    ...validateOperationsArgs(args, profile, gcp.config.project),
    ...(args.kubernetes ? kubernetesLayer().validateGcpKubernetesArgs(args, profile) : []),
  ];
}

/**
 * Builds the GCP platform's components as children of `parent`: the network, the workloads'
 * service account (the one identity the firewall admits and IAM grants the services to), the lake,
 * the event stream, the feature store, the alert topic and monitoring.
 */
export function buildGcpPlatform(
  parent: pulumi.Resource,
  name: string,
  args: DataPlatformArgs,
  profile: Profile,
): PlatformOutputs {
  const labels = platformLabels(args, profile);
  const workers = new gcp.serviceaccount.Account(
    `${name}-workers`,
    {
      accountId: workloadAccountId(name),
      displayName: `Seawall ${profile.environment} workers`,
      description: "The stage workers: Managed Kafka client, Memorystore IAM user, lake reader and writer.",
    },
    { parent },
  );
  const store = new ObjectStore(`${name}-lake`, objectStoreArgs(args, profile, labels), { parent });
  // The workers read and write the lake's objects; nothing else of the bucket (its IAM, its settings).
  new gcp.storage.BucketIAMMember(
    `${name}-lake-workers`,
    { bucket: store.bucketName, role: "roles/storage.objectUser", member: workers.member },
    { parent },
  );
  const network = new Network(`${name}-network`, networkArgs(args, workers.email), { parent });
  const placement: GcpPlacement = {
    networkId: network.networkId,
    kafkaSubnetIds: [network.kafkaSubnetIds.apply((ids) => ids[0])],
    workloadServiceAccount: workers.email,
  };
  const events = new EventStream(`${name}-events`, eventStreamArgs(args, profile, placement, labels), {
    parent,
  });
  // Memorystore for Valkey creates its endpoints through the network's service connection policy.
  // The instance's network input carries the policy, so the instance waits for it (a component's
  // own dependsOn does not hold back its children).
  const policy = network.serviceConnectionPolicy;
  const features = new FeatureStore(
    `${name}-features`,
    featureStoreArgs(
      args,
      profile,
      {
        ...placement,
        networkId: policy
          ? pulumi.all([network.networkId, policy.id]).apply(([id]) => id)
          : network.networkId,
      },
      labels,
    ),
    { parent },
  );
  // Backup and DR protects none of these stores (see GcpBackups): each protects itself (versioning,
  // soft delete and turbo replication; Memorystore backups and AOF; Kafka replays from the lake).
  const alerts = platformAlertTopic(parent, `${name}-alerts`, {
    region: args.region,
    kmsKey: platformKmsKey(profile),
    labels,
  });
  const monitoring = new GcpMonitoring(
    `${name}-monitoring`,
    monitoringArgs(args, profile, labels, {
      alertTopic: { topicId: alerts.topic.id, projectNumber: alerts.projectNumber },
      eventStream: { clusterId: events.cluster.clusterId },
      featureStore: { instanceId: features.instance.instanceId },
      // Cloud Storage reports the replication delay of a turbo-replicated dual-region bucket only.
      objectStore: turboReplicated(args, profile) ? { bucket: store.bucketName } : undefined,
    }),
    { parent },
  );
  const gcpNetwork = pulumi
    .all([network.networkId, network.subnetIds])
    .apply(([networkId, subnetIds]) => ({ networkId, subnetIds }));
  const kubernetes = !args.kubernetes
    ? undefined
    : kubernetesLayer().buildGcpKubernetes(
        parent,
        name,
        args,
        profile,
        labels,
        {
          network: gcpNetwork,
          workloadServiceAccount: workers.email,
          lakeBucket: store.bucketName,
          ...(network.privateServiceAccess
            ? {
                privateServiceAccess: {
                  connection: network.privateServiceAccess,
                  allocatedIpRange: network.privateServiceAccessRange,
                },
              }
            : {}),
        },
        {
          kafka: events.connection,
          redis: features.connection,
          lake: store.location,
          topics: args.eventStream?.topics ?? [],
        },
      );
  const prefix = args.objectStore?.prefix ?? "";
  return {
    objectStore: store.location,
    bucketUri: pulumi.interpolate`gs://${store.bucketName}/${prefix}`,
    kafka: events.connection,
    redis: features.connection,
    gcpNetwork,
    workloadServiceAccount: workers.email,
    ...(kubernetes ? { kubernetes } : {}),
    alertTopicId: alerts.topic.id,
    dashboardUrl: monitoring.dashboardUrl,
    kmsKeys: {
      ...(store.kmsKeyId ? { objectStore: store.kmsKeyId } : {}),
      eventStream: events.kmsKeyId,
      featureStore: features.kmsKeyId,
      alerts: alerts.kmsKeyId,
    },
  };
}

/** Whether the lake is a dual-region bucket with turbo replication. */
function turboReplicated(args: DataPlatformArgs, profile: Profile): boolean {
  return objectStoreArgs(args, profile, {}).turboReplication === true;
}
