/**
 * How the GCP platform maps a profile onto its operational components, Backups and Monitoring,
 * and what it tells Monitoring to watch. Pure, so each mapping is tested on its own and
 * `buildGcpPlatform` stays a list of components.
 */
import { PIPELINE_CONSUMER_GROUPS } from "../contracts";
import * as pulumi from "@pulumi/pulumi";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem, problemsUnder } from "../validation";
import { GcpMonitoringArgs, GcpPubsubAlertTarget, validateGcpMonitoringArgs } from "./monitoring";
import { GcpMonitoredServices, gcpProfileThresholds, GcpWatchedConsumer } from "./monitoringPolicies";

/** The pipeline's consumer groups (contracts.ts), as the consumers monitoring watches. */
export const PIPELINE_CONSUMERS: GcpWatchedConsumer<string>[] = PIPELINE_CONSUMER_GROUPS.map((c) => ({
  ...c,
}));

/** What the platform has for Monitoring to watch; each part only when the platform built it. */
export interface GcpPlatformWatchTargets {
  /** The Managed Kafka cluster's short id. */
  eventStream?: { clusterId: pulumi.Input<string> };
  /** The Memorystore for Valkey instance's short id. */
  featureStore?: { instanceId: pulumi.Input<string> };
  /** A dual-region bucket with turbo replication: only then does GCS publish its replication delay. */
  objectStore?: { bucket: pulumi.Input<string> };
  /** Alert on failed Backup and DR jobs of the project. */
  backups?: boolean;
  /** The Pub/Sub topic every alert is also published to. */
  alertTopic?: GcpPubsubAlertTarget;
}

/** The monitoring's arguments: the profile's thresholds, the team's emails and the watched services. */
export function monitoringArgs(
  args: DataPlatformArgs,
  profile: Profile,
  labels: Record<string, string>,
  targets: GcpPlatformWatchTargets,
): GcpMonitoringArgs {
  const services: GcpMonitoredServices<pulumi.Input<string>> = {};
  if (targets.eventStream)
    services.eventStream = { clusterId: targets.eventStream.clusterId, consumers: PIPELINE_CONSUMERS };
  if (targets.featureStore)
    services.featureStore = { engine: "valkey", instanceId: targets.featureStore.instanceId };
  if (targets.objectStore) services.objectStore = targets.objectStore;
  if (targets.backups) services.backups = { enabled: true };
  return {
    ...services,
    thresholds: gcpProfileThresholds(profile.monitoring),
    alertEmails: args.monitoring?.alertEmails,
    ...(targets.alertTopic ? { pubsub: targets.alertTopic } : {}),
    labels,
  };
}

/**
 * Every problem with the monitoring the platform would build, named under `monitoring.` (a profile
 * threshold out of range appears as `monitoring.thresholds.*`).
 */
export function validateOperationsArgs(
  args: DataPlatformArgs,
  profile: Profile,
  project: string | undefined,
): Problem[] {
  return [
    ...problemsUnder("monitoring", () =>
      validateGcpMonitoringArgs(monitoringArgs(args, profile, {}, {}), project),
    ),
  ];
}
