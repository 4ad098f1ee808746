import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { gcpKmsKey, GcpKmsKeyOption } from "./kmsKey";

/** The Pub/Sub API, whose service agent must be able to use the alert topic's key. */
export const PUBSUB_SERVICE = "pubsub.googleapis.com";

/** What {@link platformAlertTopic} made. */
export interface PlatformAlertTopic {
  topic: gcp.pubsub.Topic;
  /** The topic's key. */
  kmsKeyId: pulumi.Output<string>;
  /** The project number, for the Cloud Monitoring notification agent's publisher grant. */
  projectNumber: pulumi.Output<string>;
}

/**
 * The platform's alert topic, as AWS's SNS alert topic: Cloud Monitoring publishes every alert to
 * it, and a pager or chat integration subscribes. Encrypted with its own customer-managed key (the
 * Pub/Sub service agent granted it first), its messages stored only in the platform's region.
 * Children of `parent`: `<name>-key...` (see `gcpKmsKey`) and `<name>` (`gcp.pubsub.Topic`).
 */
export function platformAlertTopic(
  parent: pulumi.Resource,
  name: string,
  settings: { region: string; kmsKey: GcpKmsKeyOption; labels: Record<string, string> },
): PlatformAlertTopic {
  const key = gcpKmsKey(parent, `${name}-key`, settings.kmsKey, {
    location: settings.region,
    serviceAgents: [PUBSUB_SERVICE],
    // An alert topic holds no data worth keeping: its key need not outlive it.
    protect: false,
    labels: settings.labels,
  });
  const topic = new gcp.pubsub.Topic(
    name,
    {
      kmsKeyName: key.keyId,
      messageStoragePolicy: { allowedPersistenceRegions: [settings.region], enforceInTransit: true },
      // Alerts are read within the week they are sent; redelivery covers a subscriber's outage.
      messageRetentionDuration: `${7 * 86400}s`,
      labels: { ...settings.labels, "seawall-component": "alerts" },
    },
    { parent, dependsOn: key.grants },
  );
  const project = gcp.organizations.getProjectOutput({}, { parent });
  return { topic, kmsKeyId: key.keyId!, projectNumber: project.number };
}
