import { resourceRule } from "../../../lib/rule";

export const managedKafkaCmek = () =>
  resourceRule({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:managedkafka/cluster:Cluster"],
    summary:
      "A Managed Kafka cluster encrypts the event log with a Google-managed key, so you cannot revoke or audit access per key.",
    description:
      "The Managed Service for Apache Kafka cluster has no gcpConfig.kmsKey, so topic data is encrypted with " +
      "Google-managed keys. A customer-managed key lets you restrict and audit decryption and crypto-shred the " +
      "event log.",
    remediation:
      "Set gcpConfig.kmsKey to a Cloud KMS key in the cluster's region and grant the Managed Kafka service agent access.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) =>
      props.gcpConfig?.kmsKey
        ? undefined
        : {
            message: "gcpConfig.kmsKey is not set",
            path: "gcpConfig.kmsKey",
            value: props.gcpConfig?.kmsKey as unknown,
          },
  });
