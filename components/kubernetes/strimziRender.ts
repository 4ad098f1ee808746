/**
 * Strimzi's custom resources as plain objects: the KRaft `Kafka`, its `KafkaNodePool`s and the
 * `KafkaTopic`s. No Pulumi here; the tests validate every object against Strimzi 1.2.0's strict
 * CRD schemas.
 *
 * API version: `kafka.strimzi.io/v1`, Strimzi's current API. Strimzi 1.0 removed `v1beta2` (1.2.0's
 * CRDs serve `v1` only), so an operator pinned to 1.2.0 accepts nothing else; `v1` also drops the
 * ZooKeeper-era fields (`spec.zookeeper`, `spec.kafka.replicas`/`storage` beside node pools), which
 * the strict schemas then reject if they creep back in.
 */
import type { KafkaTopic } from "../contracts";
import type { EnvironmentName } from "../profiles";
import type { KubeObject } from "./stageWorkersRender";

/** The API version of every Strimzi resource Seawall renders. */
export const STRIMZI_API_VERSION = "kafka.strimzi.io/v1";
/** Kafka as Strimzi 1.2.0 runs it by default (its kafka-versions.yaml), pinned so upgrades are explicit. */
export const KAFKA_VERSION = "4.3.1";
/** The KRaft metadata version of {@link KAFKA_VERSION}. */
export const KAFKA_METADATA_VERSION = "4.3-IV0";
/** The only listener: TLS inside the cluster (Strimzi's conventional internal TLS port). */
export const KAFKA_TLS_PORT = 9093;
/** The node label the brokers' rack (`broker.rack`) and the pods' spread come from. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";

/** How clients authenticate: SCRAM-SHA-512 passwords, or mutual TLS with client certificates. */
export type KafkaClientAuthentication = "scram-sha-512" | "tls";

/** Memory and CPU of one pod: requests, with the memory limit equal and CPU limited to twice the request. */
export interface PodSize {
  memory: string;
  cpu: string;
}

/** Sizes and durability of one environment's Kafka cluster. */
export interface StrimziProfile {
  /** Brokers (with dedicated controllers) or combined nodes (without). */
  brokers: number;
  /** Dedicated KRaft controllers; 0 makes the nodes combined controller+broker (dev). */
  controllers: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  brokerStorage: string;
  controllerStorage: string;
  broker: PodSize;
  controller: PodSize;
}

/**
 * Per environment: one combined node with replication factor 1 in dev; three dedicated controllers
 * and three brokers, replication factor 3 and min ISR 2 (one broker may be down and writes with
 * `acks=all` go on) in staging and prod.
 */
export const STRIMZI_PROFILES: Record<EnvironmentName, StrimziProfile> = {
  dev: {
    brokers: 1,
    controllers: 0,
    replicationFactor: 1,
    minInsyncReplicas: 1,
    brokerStorage: "10Gi",
    controllerStorage: "10Gi",
    broker: { memory: "2Gi", cpu: "250m" },
    controller: { memory: "2Gi", cpu: "250m" },
  },
  staging: {
    brokers: 3,
    controllers: 3,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    brokerStorage: "100Gi",
    controllerStorage: "10Gi",
    broker: { memory: "4Gi", cpu: "500m" },
    controller: { memory: "1Gi", cpu: "250m" },
  },
  prod: {
    brokers: 3,
    controllers: 3,
    replicationFactor: 3,
    minInsyncReplicas: 2,
    brokerStorage: "500Gi",
    controllerStorage: "20Gi",
    broker: { memory: "8Gi", cpu: "1" },
    controller: { memory: "2Gi", cpu: "500m" },
  },
};

/** What the Kafka cluster's resources depend on. */
export interface KafkaClusterInput {
  /** The `Kafka` resource's name; Strimzi derives every Service and Secret name from it. */
  cluster: string;
  /** The workers' namespace: the cluster runs there. */
  namespace: string;
  profile: StrimziProfile;
  /** The StorageClass of the volumes; unset, the cluster's default. */
  storageClassName?: string;
  authentication: KafkaClientAuthentication;
  /** Hard anti-affinity over hosts within a pool (off in dev, where one node may be all there is). */
  spreadOverHosts: boolean;
}

/** The ConfigMaps (and their key) holding the JMX exporter rules of Kafka and of Cruise Control. */
export function metricsConfigMaps(cluster: string): {
  kafka: { name: string; key: string };
  cruiseControl: { name: string; key: string };
} {
  return {
    kafka: { name: `${cluster}-kafka-metrics`, key: "kafka-metrics-config.yml" },
    cruiseControl: { name: `${cluster}-cruise-control-metrics`, key: "metrics-config.yml" },
  };
}

/** The node pools' names: `controller` and `broker`, or one combined `dual` pool. */
export function nodePoolNames(profile: Pick<StrimziProfile, "controllers">): string[] {
  return profile.controllers > 0 ? ["controller", "broker"] : ["dual"];
}

const labels = { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" };

const resources = (s: PodSize) => ({
  requests: { memory: s.memory, cpu: s.cpu },
  limits: { memory: s.memory, cpu: doubleCpu(s.cpu) },
});

/** Twice a CPU quantity (`500m` → `1`, `1` → `2`). */
export function doubleCpu(cpu: string): string {
  const milli = cpu.endsWith("m") ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000;
  const twice = milli * 2;
  return twice % 1000 === 0 ? String(twice / 1000) : `${twice}m`;
}

const metricsConfig = (ref: { name: string; key: string }) => ({
  type: "jmxPrometheusExporter",
  valueFrom: { configMapKeyRef: ref },
});

/**
 * The KRaft `Kafka`: one internal TLS listener (no plain listener) with SCRAM-SHA-512 or mTLS client
 * authentication, simple (ACL) authorization, rack awareness on the zone label, replication factor
 * and min ISR for every topic including the offsets and transaction-state topics, no auto-created
 * topics (they come from `KafkaTopic`s), JMX metrics through Strimzi's exporter rules, the entity
 * operator (Topic and User Operators watching this namespace), Cruise Control and the Kafka
 * exporter. Strimzi makes the PodDisruptionBudgets itself (`maxUnavailable: 1` for the brokers and
 * controllers, set here explicitly).
 */
export function renderKafka(input: KafkaClusterInput): KubeObject {
  const { cluster, namespace, profile: p } = input;
  const maps = metricsConfigMaps(cluster);
  const small = { memory: "512Mi", cpu: "100m" };
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: "Kafka",
    metadata: { name: cluster, namespace, labels },
    spec: {
      kafka: {
        version: KAFKA_VERSION,
        metadataVersion: KAFKA_METADATA_VERSION,
        listeners: [
          {
            name: "tls",
            port: KAFKA_TLS_PORT,
            type: "internal",
            tls: true,
            authentication: { type: input.authentication },
          },
        ],
        authorization: { type: "simple" },
        rack: { type: "topology-label", topologyKey: ZONE_LABEL },
        config: {
          "default.replication.factor": p.replicationFactor,
          "min.insync.replicas": p.minInsyncReplicas,
          "offsets.topic.replication.factor": p.replicationFactor,
          "transaction.state.log.replication.factor": p.replicationFactor,
          "transaction.state.log.min.isr": p.minInsyncReplicas,
          "cruise.control.metrics.topic.replication.factor": p.replicationFactor,
          "cruise.control.metrics.topic.min.insync.replicas": p.minInsyncReplicas,
          "auto.create.topics.enable": false,
          "unclean.leader.election.enable": false,
        },
        metricsConfig: metricsConfig(maps.kafka),
        template: { podDisruptionBudget: { maxUnavailable: 1 } },
      },
      entityOperator: {
        topicOperator: { watchedNamespace: namespace, resources: resources(small) },
        userOperator: { watchedNamespace: namespace, resources: resources(small) },
      },
      cruiseControl: {
        resources: resources({ memory: "1Gi", cpu: "200m" }),
        metricsConfig: metricsConfig(maps.cruiseControl),
      },
      kafkaExporter: {
        topicRegex: ".*",
        groupRegex: ".*",
        resources: resources({ memory: "128Mi", cpu: "100m" }),
      },
    },
  };
}

/**
 * The node pools: dedicated `controller` and `broker` pools (or one combined `dual` pool), each on
 * a persistent claim that outlives its node (`deleteClaim: false`), holding the KRaft metadata too,
 * spread over zones (preferred) and, outside dev, over hosts (required).
 */
export function renderNodePools(input: KafkaClusterInput): KubeObject[] {
  const { cluster, namespace, profile: p } = input;
  const pool = (name: string, roles: string[], replicas: number, size: string, pod: PodSize): KubeObject => {
    const selector = { matchLabels: { "strimzi.io/cluster": cluster, "strimzi.io/pool-name": name } };
    return {
      apiVersion: STRIMZI_API_VERSION,
      kind: "KafkaNodePool",
      metadata: { name, namespace, labels: { ...labels, "strimzi.io/cluster": cluster } },
      spec: {
        replicas,
        roles,
        storage: {
          type: "jbod",
          volumes: [
            {
              id: 0,
              type: "persistent-claim",
              size,
              ...(input.storageClassName ? { class: input.storageClassName } : {}),
              deleteClaim: false,
              kraftMetadata: "shared",
            },
          ],
        },
        resources: resources(pod),
        template: {
          pod: {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: selector, topologyKey: ZONE_LABEL } },
                ],
                ...(input.spreadOverHosts
                  ? {
                      requiredDuringSchedulingIgnoredDuringExecution: [
                        { labelSelector: selector, topologyKey: "kubernetes.io/hostname" },
                      ],
                    }
                  : {}),
              },
            },
          },
        },
      },
    };
  };
  if (p.controllers === 0) {
    return [pool("dual", ["controller", "broker"], p.brokers, p.brokerStorage, p.broker)];
  }
  return [
    pool("controller", ["controller"], p.controllers, p.controllerStorage, p.controller),
    pool("broker", ["broker"], p.brokers, p.brokerStorage, p.broker),
  ];
}

/**
 * A topic's Kubernetes name: the topic name when it is one (lower-case, no `_`), otherwise a
 * lower-cased form with a short digest (the topic then keeps its name in `spec.topicName`).
 */
export function kafkaTopicResourceName(topic: string): string {
  if (/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(topic)) return topic;
  let h = 0;
  for (const c of topic) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const base = topic
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, "-")
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, "")
    .slice(0, 200);
  return `${base || "topic"}-${h.toString(16).padStart(8, "0")}`;
}

/**
 * A `KafkaTopic` for the Topic Operator: partitions, replicas (the cluster's replication factor
 * unless the topic sets its own), the environment's min ISR, retention and cleanup policy.
 */
export function renderKafkaTopic(
  input: Pick<KafkaClusterInput, "cluster" | "namespace" | "profile">,
  topic: KafkaTopic,
): KubeObject {
  const name = kafkaTopicResourceName(topic.name);
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: "KafkaTopic",
    metadata: {
      name,
      namespace: input.namespace,
      labels: { ...labels, "strimzi.io/cluster": input.cluster },
    },
    spec: {
      ...(name !== topic.name ? { topicName: topic.name } : {}),
      partitions: topic.partitions,
      replicas: topic.replicationFactor ?? input.profile.replicationFactor,
      config: {
        "min.insync.replicas": input.profile.minInsyncReplicas,
        "cleanup.policy": topic.compaction ? "compact" : "delete",
        ...(topic.retentionHours !== undefined ? { "retention.ms": topic.retentionHours * 3_600_000 } : {}),
      },
    },
  };
}
