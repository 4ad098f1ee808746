import { asList, Finding, Props, resourceRule } from "../../../lib/rule";

/** Strimzi's Kafka custom resource, by API version; Pulumi names a custom resource `kubernetes:<apiVersion>:<kind>`. */
const STRIMZI_KAFKA = ["kubernetes:kafka.strimzi.io/v1beta2:Kafka", "kubernetes:kafka.strimzi.io/v1:Kafka"];

export const strimziKafkaListenersSecure = () =>
  resourceRule({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: STRIMZI_KAFKA,
    summary: "A Strimzi Kafka listener accepts plaintext or unauthenticated clients inside the cluster.",
    description:
      "A listener of a Strimzi Kafka cluster has tls: false or no authentication. Any pod that can reach the " +
      "broker service can then read and write every topic, and events and credentials cross the pod network " +
      "in clear; a network policy alone does not stop a compromised pod in an allowed namespace.",
    remediation:
      'Give every listener in spec.kafka.listeners tls: true and authentication (type "tls", "scram-sha-512" ' +
      'or "oauth"), and spec.kafka.authorization to restrict topics.',
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props) => {
      const listeners = asList(props.spec?.kafka?.listeners as Props[] | undefined);
      return listeners.flatMap((l, i) => {
        const label = `listener "${l.name ?? i}"`;
        const path = `spec.kafka.listeners[${i}]`;
        const problems: Finding[] = [];
        if (l.tls !== true) {
          problems.push({
            message: `${label} has tls ${JSON.stringify(l.tls ?? false)}`,
            path: `${path}.tls`,
            value: l.tls as unknown,
          });
        }
        if (!l.authentication?.type) {
          problems.push({
            message: `${label} has no authentication`,
            path: `${path}.authentication.type`,
            value: l.authentication?.type as unknown,
          });
        }
        return problems;
      });
    },
  });
