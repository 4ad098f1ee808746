import { KafkaTopic } from "../contracts";

/**
 * Pure logic of the Event Hubs event stream: the tiers and their quotas, names Event Hubs accepts,
 * the Kafka endpoint, each topic's retention, the pipeline's consumer groups and the built-in data
 * roles. No Pulumi here, so it is tested directly.
 * Quotas: https://learn.microsoft.com/azure/event-hubs/event-hubs-quotas
 */

/** The Event Hubs tiers that speak Kafka. Basic has no Kafka endpoint and is not offered. */
export const EVENT_HUBS_TIERS = ["Standard", "Premium"] as const;
export type EventHubsTier = (typeof EVENT_HUBS_TIERS)[number];

/** What each tier allows per event hub (topic) and namespace. */
export const TIER_LIMITS: Record<
  EventHubsTier,
  {
    maxPartitions: number;
    maxRetentionHours: number;
    maxConsumerGroups: number;
    maxEventHubs: number;
    /** Throughput units (Standard) or processing units (Premium) the namespace may have. */
    capacities: readonly number[];
    customerManagedKey: boolean;
  }
> = {
  Standard: {
    maxPartitions: 32,
    maxRetentionHours: 168,
    maxConsumerGroups: 20,
    maxEventHubs: 10,
    capacities: Array.from({ length: 40 }, (_, i) => i + 1),
    customerManagedKey: false,
  },
  Premium: {
    maxPartitions: 100,
    maxRetentionHours: 2160,
    maxConsumerGroups: 100,
    maxEventHubs: 100,
    capacities: [1, 2, 4, 8, 16],
    customerManagedKey: true,
  },
};

/** The most throughput units auto-inflate may reach on Standard. */
export const MAX_THROUGHPUT_UNITS = 40;

/** Namespace names: 6 to 50 letters, digits and hyphens, starting with a letter, ending with a letter or digit. */
export const NAMESPACE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/;

/** Topic names that are also event hub names: Kafka's characters, starting and ending with a letter or digit. */
export const EVENT_HUB_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]{0,254}[a-zA-Z0-9])?$/;

/** An Entra ID object (principal) id. */
export const PRINCIPAL_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** An Azure location name such as `westeurope`. */
export const LOCATION = /^[a-z]+[a-z0-9]*$/;

/** A subnet's ARM id. */
export { SUBNET_ID } from "./privateEndpoint";

/** The Kafka endpoint's port (SASL_SSL). */
export const KAFKA_PORT = 9093;

/** Hours a compacted event hub keeps tombstones (Kafka's `delete.retention.ms` default, 24 h). */
export const TOMBSTONE_RETENTION_HOURS = 24;

/** Hours a topic without a retention keeps events: Kafka's default (168 h, 7 days). */
export const DEFAULT_RETENTION_HOURS = 168;

/** The private link sub-resource of an Event Hubs namespace, and its private DNS zone. */
export const PRIVATE_LINK_GROUP = "namespace";
export const PRIVATE_DNS_ZONE = "privatelink.servicebus.windows.net";

/**
 * Built-in roles for Event Hubs data with Entra ID. See
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/analytics
 */
export const EVENT_HUBS_DATA_SENDER_ROLE = "2b629674-e913-4c01-ae53-ef4638d8f975";
export const EVENT_HUBS_DATA_RECEIVER_ROLE = "a638d3c7-ab3a-418d-83e6-5f17a39d4fde";

/** The pipeline's consumer groups (contracts.ts): Event Hubs has them as resources of an event hub. */
export { PIPELINE_CONSUMER_GROUPS } from "../contracts";

/** The bootstrap server of a namespace's Kafka endpoint. */
export function bootstrapServer(namespaceName: string): string {
  return `${namespaceName}.servicebus.windows.net:${KAFKA_PORT}`;
}

/**
 * What an event hub keeps: by age (`Delete`, the topic's retention or 168 h) or the latest event
 * per key (`Compact`, which keeps tombstones {@link TOMBSTONE_RETENTION_HOURS} hours).
 */
export function retentionDescription(
  topic: KafkaTopic,
):
  | { cleanupPolicy: "Delete"; retentionTimeInHours: number }
  | { cleanupPolicy: "Compact"; tombstoneRetentionTimeInHours: number } {
  return topic.compaction
    ? { cleanupPolicy: "Compact", tombstoneRetentionTimeInHours: TOMBSTONE_RETENTION_HOURS }
    : { cleanupPolicy: "Delete", retentionTimeInHours: topic.retentionHours ?? DEFAULT_RETENTION_HOURS };
}

/** The subscription-scoped id of a built-in role, from any ARM id in that subscription. */
export function roleDefinitionId(resourceId: string, role: string): string {
  const subscription = resourceId.split("/").slice(0, 3).join("/");
  return `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}
