import { strimziKafkaListenersSecure } from "../../../policies/rules/kubernetes/strimzi/strimziKafkaListenersSecure";
import { describeRule, unknown } from "../helpers";

const kafka = (...listeners: object[]) => ({
  apiVersion: "kafka.strimzi.io/v1beta2",
  kind: "Kafka",
  spec: { kafka: { replicas: 3, listeners } },
});
const tls = { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "tls" } };

describeRule(strimziKafkaListenersSecure, {
  type: "kubernetes:kafka.strimzi.io/v1beta2:Kafka",
  compliant: [
    { name: "passes a TLS listener with mTLS authentication", props: kafka(tls) },
    {
      name: "passes SCRAM over TLS on the v1 API",
      type: "kubernetes:kafka.strimzi.io/v1:Kafka",
      props: kafka({ ...tls, name: "scram", authentication: { type: "scram-sha-512" } }),
    },
    { name: "passes a cluster whose listeners are not given", props: { spec: { kafka: { replicas: 1 } } } },
  ],
  violating: [
    {
      name: "fails a plain listener (Strimzi's tls defaults to false)",
      props: kafka({
        name: "plain",
        port: 9092,
        type: "internal",
        authentication: { type: "scram-sha-512" },
      }),
      message: 'listener "plain" has tls false',
    },
    {
      name: "fails a TLS listener without authentication",
      props: kafka({ ...tls, authentication: undefined }),
      message: 'listener "tls" has no authentication',
    },
    {
      name: "fails one bad listener among good ones",
      props: kafka(tls, { name: "external", port: 9094, type: "loadbalancer", tls: false }),
      message: 'listener "external"',
    },
  ],
  notApplicable: [
    {
      name: "does not judge a KafkaTopic",
      type: "kubernetes:kafka.strimzi.io/v1beta2:KafkaTopic",
      props: {},
    },
  ],
  unknown: [
    {
      name: "skips when the listeners are unknown",
      props: { spec: { kafka: { listeners: unknown.array } } },
    },
  ],
});
