import { KafkaTopic } from "../contracts";

/**
 * Pure logic of the Managed Service for Apache Kafka event stream: the capacity the service accepts,
 * the bootstrap address clients use, and each topic's configuration. No Pulumi here, so it is
 * tested directly.
 */

/** Bytes in a GiB. */
export const GIB = 1024 ** 3;

/**
 * Managed Kafka's capacity limits: at least 3 vCPUs; memory 1 to 8 GiB per vCPU and at least 3 GiB.
 * See https://cloud.google.com/managed-service-for-apache-kafka/docs/plan-cluster-size and
 * https://cloud.google.com/managed-service-for-apache-kafka/docs/reference/rest/v1/CapacityConfig
 */
export const CAPACITY = {
  minVcpus: 3,
  minMemoryGiB: 3,
  minGiBPerVcpu: 1,
  maxGiBPerVcpu: 8,
} as const;

/** The largest replication factor a topic may have: the service runs its brokers across three zones. */
export const MAX_REPLICATION_FACTOR = 3;

/** Cluster ids Managed Kafka accepts (RFC 1035 labels, 1 to 63 characters). */
export const CLUSTER_ID = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Topic names Kafka accepts. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** A subnet as Managed Kafka takes it: `projects/PROJECT/regions/REGION/subnetworks/SUBNET`. */
export const SUBNET_ID =
  /^projects\/([^/]+)\/regions\/([a-z0-9-]+)\/subnetworks\/([a-z]([-a-z0-9]*[a-z0-9])?)$/;

/** A region code such as `europe-west1`. */
export const REGION = /^[a-z]+(-[a-z]+)+\d+$/;

/** A service account's email (`NAME@PROJECT.iam.gserviceaccount.com`, or a Google-created one). */
export const SERVICE_ACCOUNT_EMAIL = /^[a-z0-9][-a-z0-9._]*@[-a-z0-9.]+\.gserviceaccount\.com$/;

/** How the cluster moves partitions when it grows. */
export const REBALANCE_MODES = ["AUTO_REBALANCE_ON_SCALE_UP", "NO_REBALANCE"] as const;
export type RebalanceMode = (typeof REBALANCE_MODES)[number];

/** The port of the SASL listener that clients authenticate on with OAUTHBEARER or PLAIN. */
export const SASL_PORT = 9092;

/**
 * Whether `memoryGiB` is within Managed Kafka's limits for `vcpuCount`: 1 to 8 GiB per vCPU and at
 * least 3 GiB. Returns the allowed range, so a message can name it.
 */
export function memoryRange(vcpuCount: number): { min: number; max: number } {
  return {
    min: Math.max(CAPACITY.minMemoryGiB, vcpuCount * CAPACITY.minGiBPerVcpu),
    max: vcpuCount * CAPACITY.maxGiBPerVcpu,
  };
}

/** The `capacityConfig` of the cluster, as the provider takes it: decimal strings, memory in bytes. */
export function capacityConfig(
  vcpuCount: number,
  memoryGiB: number,
): { vcpuCount: string; memoryBytes: string } {
  return { vcpuCount: String(vcpuCount), memoryBytes: String(memoryGiB * GIB) };
}

/**
 * The address clients bootstrap from. Managed Kafka creates its DNS name in every VPC whose subnet
 * the cluster is attached to; the SASL listener (OAUTHBEARER with Google access tokens, or PLAIN) is
 * on 9092. The provider (v9.37) does not export the API's `bootstrapAddress`, so the component
 * builds the documented name from the cluster id, region and project.
 * See https://cloud.google.com/managed-service-for-apache-kafka/docs/reference/rest/v1/projects.locations.clusters
 */
export function bootstrapAddress(clusterId: string, region: string, project: string): string {
  return `bootstrap.${clusterId}.${region}.managedkafka.${project}.cloud.goog:${SASL_PORT}`;
}

/** The default replication factor: three copies, one per zone. */
export const DEFAULT_REPLICATION_FACTOR = 3;

/** The default `min.insync.replicas`: one fewer than the copies, so a write survives one broker down. */
export function defaultMinInsyncReplicas(replicationFactor: number): number {
  return Math.max(1, replicationFactor - 1);
}

/**
 * A topic's configuration: what it keeps (`cleanup.policy` compact or delete), for how long
 * (`retention.ms`), and how many copies must have a write before it is acknowledged
 * (`min.insync.replicas`, never more than the topic's copies less one, and at least one).
 */
export function topicConfigs(topic: KafkaTopic, replicationFactor: number, minInsyncReplicas: number) {
  const configs: Record<string, string> = {
    "cleanup.policy": topic.compaction ? "compact" : "delete",
    "min.insync.replicas": String(Math.min(minInsyncReplicas, defaultMinInsyncReplicas(replicationFactor))),
  };
  if (topic.retentionHours !== undefined) configs["retention.ms"] = String(topic.retentionHours * 3_600_000);
  return configs;
}
