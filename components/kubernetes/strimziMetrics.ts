/**
 * The Kafka cluster's metrics and alerts, after Strimzi's published examples at tag 1.2.0
 * (strimzi/strimzi-kafka-operator, Apache-2.0, commit 6c7b43c4af0db547c10463ba09d1dfa6f5e156a0):
 * - the Prometheus JMX exporter rules of `packaging/examples/metrics/kafka-metrics.yaml` and
 *   `kafka-cruise-control-metrics.yaml`, unchanged, as ConfigMaps the `Kafka` references;
 * - the PodMonitors of `packaging/examples/metrics/prometheus-install/pod-monitors/` (Kafka's pods,
 *   the entity operator, the cluster operator), scoped to Seawall's namespaces;
 * - the alerts of `packaging/examples/metrics/prometheus-install/prometheus-rules/` (kafka,
 *   kafka-exporter-topic, entity operator, cluster operator, certificates) with their expressions'
 *   meaning kept, but scoped to this cluster and rewritten for node pools: Strimzi's examples match
 *   pods and claims named `<cluster>-kafka-<n>`, which node-pool pods (`<cluster>-<pool>-<n>`) are
 *   not, and filter on a `kubernetes_namespace` label their own PodMonitor never sets. `major`
 *   becomes `critical` (Seawall's severities are warning and critical). Two exporter alerts are left
 *   out: `TooLargeConsumerGroupLag` (the pipeline's `SeawallConsumerLagHigh` watches each
 *   workload's lag with the stack's threshold) and `NoMessageForTooLong` (it fires on every quiet
 *   topic, the dead-letter topic first, which is healthy when empty; the pipeline's freshness alerts
 *   watch for stalls).
 */
import { stringify } from "yaml";
import { alertRule, type AlertRule, renderPrometheusRule } from "./pipelineRules";
import { metricsConfigMaps } from "./strimziRender";
import type { KubeObject } from "./stageWorkersRender";

/** One JMX exporter rule. */
export interface JmxRule {
  pattern: string;
  name: string;
  type: "GAUGE" | "COUNTER" | "UNTYPED";
  value?: number;
  labels?: Record<string, string>;
}

/** Strimzi 1.2.0's JMX exporter rules for Kafka (`kafka-metrics.yaml`), in order: the first match wins. */
export const KAFKA_JMX_RULES: readonly JmxRule[] = [
  {
    pattern: "kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value",
    name: "kafka_server_$1_$2",
    type: "GAUGE",
    labels: { clientId: "$3", topic: "$4", partition: "$5" },
  },
  {
    pattern: "kafka.server<type=(.+), name=(.+), clientId=(.+), brokerHost=(.+), brokerPort=(.+)><>Value",
    name: "kafka_server_$1_$2",
    type: "GAUGE",
    labels: { clientId: "$3", broker: "$4:$5" },
  },
  {
    pattern:
      "kafka.server<type=(.+), cipher=(.+), protocol=(.+), listener=(.+), networkProcessor=(.+)><>connections",
    name: "kafka_server_$1_connections_tls_info",
    type: "GAUGE",
    labels: { cipher: "$2", protocol: "$3", listener: "$4", networkProcessor: "$5" },
  },
  {
    pattern:
      "kafka.server<type=(.+), clientSoftwareName=(.+), clientSoftwareVersion=(.+), listener=(.+), networkProcessor=(.+)><>connections",
    name: "kafka_server_$1_connections_software",
    type: "GAUGE",
    labels: { clientSoftwareName: "$2", clientSoftwareVersion: "$3", listener: "$4", networkProcessor: "$5" },
  },
  {
    pattern: "kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+-total):",
    name: "kafka_server_$1_$4",
    type: "COUNTER",
    labels: { listener: "$2", networkProcessor: "$3" },
  },
  {
    pattern: "kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+):",
    name: "kafka_server_$1_$4",
    type: "GAUGE",
    labels: { listener: "$2", networkProcessor: "$3" },
  },
  {
    pattern: "kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+-total)",
    name: "kafka_server_$1_$4",
    type: "COUNTER",
    labels: { listener: "$2", networkProcessor: "$3" },
  },
  {
    pattern: "kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+)",
    name: "kafka_server_$1_$4",
    type: "GAUGE",
    labels: { listener: "$2", networkProcessor: "$3" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)Percent\\w*><>MeanRate",
    name: "kafka_$1_$2_$3_percent",
    type: "GAUGE",
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)Percent\\w*><>Value",
    name: "kafka_$1_$2_$3_percent",
    type: "GAUGE",
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)Percent\\w*, (.+)=(.+)><>Value",
    name: "kafka_$1_$2_$3_percent",
    type: "GAUGE",
    labels: { $4: "$5" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+), (.+)=(.+)><>Count",
    name: "kafka_$1_$2_$3_total",
    type: "COUNTER",
    labels: { $4: "$5", $6: "$7" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+)><>Count",
    name: "kafka_$1_$2_$3_total",
    type: "COUNTER",
    labels: { $4: "$5" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count",
    name: "kafka_$1_$2_$3_total",
    type: "COUNTER",
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value",
    name: "kafka_$1_$2_$3",
    type: "GAUGE",
    labels: { $4: "$5", $6: "$7" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value",
    name: "kafka_$1_$2_$3",
    type: "GAUGE",
    labels: { $4: "$5" },
  },
  { pattern: "kafka.(\\w+)<type=(.+), name=(.+)><>Value", name: "kafka_$1_$2_$3", type: "GAUGE" },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Count",
    name: "kafka_$1_$2_$3_count",
    type: "COUNTER",
    labels: { $4: "$5", $6: "$7" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.*), (.+)=(.+)><>(\\d+)thPercentile",
    name: "kafka_$1_$2_$3",
    type: "GAUGE",
    labels: { $4: "$5", $6: "$7", quantile: "0.$8" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Count",
    name: "kafka_$1_$2_$3_count",
    type: "COUNTER",
    labels: { $4: "$5" },
  },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.*)><>(\\d+)thPercentile",
    name: "kafka_$1_$2_$3",
    type: "GAUGE",
    labels: { $4: "$5", quantile: "0.$6" },
  },
  { pattern: "kafka.(\\w+)<type=(.+), name=(.+)><>Count", name: "kafka_$1_$2_$3_count", type: "COUNTER" },
  {
    pattern: "kafka.(\\w+)<type=(.+), name=(.+)><>(\\d+)thPercentile",
    name: "kafka_$1_$2_$3",
    type: "GAUGE",
    labels: { quantile: "0.$4" },
  },
  {
    pattern: "kafka.server<type=raft-metrics><>(.+-total|.+-max):",
    name: "kafka_server_raftmetrics_$1",
    type: "COUNTER",
  },
  {
    pattern: "kafka.server<type=raft-metrics><>(current-state): (.+)",
    name: "kafka_server_raftmetrics_$1",
    value: 1,
    type: "UNTYPED",
    labels: { $1: "$2" },
  },
  { pattern: "kafka.server<type=raft-metrics><>(.+):", name: "kafka_server_raftmetrics_$1", type: "GAUGE" },
  {
    pattern: "kafka.server<type=raft-channel-metrics><>(.+-total|.+-max):",
    name: "kafka_server_raftchannelmetrics_$1",
    type: "COUNTER",
  },
  {
    pattern: "kafka.server<type=raft-channel-metrics><>(.+):",
    name: "kafka_server_raftchannelmetrics_$1",
    type: "GAUGE",
  },
  {
    pattern: "kafka.server<type=broker-metadata-metrics><>(.+):",
    name: "kafka_server_brokermetadatametrics_$1",
    type: "GAUGE",
  },
];

/** Strimzi 1.2.0's JMX exporter rule for Cruise Control (`kafka-cruise-control-metrics.yaml`). */
export const CRUISE_CONTROL_JMX_RULES: readonly JmxRule[] = [
  { pattern: "kafka.cruisecontrol<name=(.+)><>(\\w+)", name: "kafka_cruisecontrol_$1_$2", type: "GAUGE" },
];

/** The JMX exporter's configuration file. */
export function jmxExporterConfig(rules: readonly JmxRule[]): string {
  return stringify({ lowercaseOutputName: true, rules });
}

/** The ConfigMaps of Kafka's and Cruise Control's JMX exporter rules, which the `Kafka` references. */
export function renderMetricsConfigMaps(cluster: string, namespace: string): KubeObject[] {
  const maps = metricsConfigMaps(cluster);
  const configMap = (ref: { name: string; key: string }, rules: readonly JmxRule[]): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ref.name,
      namespace,
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    },
    data: { [ref.key]: jmxExporterConfig(rules) },
  });
  return [configMap(maps.kafka, KAFKA_JMX_RULES), configMap(maps.cruiseControl, CRUISE_CONTROL_JMX_RULES)];
}

const replace = (source: string, target: string) => ({
  sourceLabels: [source],
  separator: ";",
  regex: "(.*)",
  targetLabel: target,
  replacement: "$1",
  action: "replace",
});

/**
 * The PodMonitors: Kafka's pods (brokers, controllers, Cruise Control, the Kafka exporter) with
 * Strimzi's relabelings (the `strimzi_io_*` pod labels, pod, node), the entity operator's Topic and
 * User Operators, and the cluster operator in its own namespace.
 */
export function renderPodMonitors(
  cluster: string,
  namespace: string,
  operatorNamespace: string,
): KubeObject[] {
  const monitor = (name: string, ns: string, spec: Record<string, unknown>): KubeObject => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: {
      name,
      namespace: ns,
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    },
    spec: { ...spec, namespaceSelector: { matchNames: [ns] } },
  });
  return [
    monitor(`${cluster}-kafka-resources`, namespace, {
      selector: {
        matchLabels: { "strimzi.io/cluster": cluster },
        matchExpressions: [{ key: "strimzi.io/kind", operator: "In", values: ["Kafka"] }],
      },
      podMetricsEndpoints: [
        {
          path: "/metrics",
          port: "tcp-prometheus",
          relabelings: [
            {
              separator: ";",
              regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)",
              replacement: "$1",
              action: "labelmap",
            },
            replace("__meta_kubernetes_namespace", "namespace"),
            replace("__meta_kubernetes_pod_name", "kubernetes_pod_name"),
            replace("__meta_kubernetes_pod_node_name", "node_name"),
            replace("__meta_kubernetes_pod_host_ip", "node_ip"),
          ],
        },
      ],
    }),
    monitor(`${cluster}-entity-operator`, namespace, {
      selector: {
        matchLabels: { "app.kubernetes.io/name": "entity-operator", "strimzi.io/cluster": cluster },
      },
      podMetricsEndpoints: [
        { path: "/metrics", port: "healthcheck-to" },
        { path: "/metrics", port: "healthcheck-uo" },
      ],
    }),
    monitor("strimzi-cluster-operator", operatorNamespace, {
      selector: { matchLabels: { "strimzi.io/kind": "cluster-operator" } },
      podMetricsEndpoints: [{ path: "/metrics", port: "http" }],
    }),
  ];
}

/** What the alerts are scoped to. */
export interface StrimziAlertScope {
  cluster: string;
  namespace: string;
  operatorNamespace: string;
  /** The node pools' names (their pods are `<cluster>-<pool>-<n>`). */
  pools: string[];
}

/** Strimzi's alerts for one cluster (see the module's notes for what changed and why). */
export function strimziAlertGroups(
  s: StrimziAlertScope,
): { name: string; interval: string; rules: AlertRule[] }[] {
  const ns = `namespace="${s.namespace}"`;
  const pods = `${s.cluster}-(${s.pools.join("|")})-[0-9]+`;
  const kafka = `container="kafka",namespace="${s.namespace}",pod=~"${pods}"`;
  const pvc = `namespace="${s.namespace}",persistentvolumeclaim=~"data(-[0-9]+)?-${pods}"`;
  const eo = (container: string) =>
    `container="${container}",namespace="${s.namespace}",pod=~"${s.cluster}-entity-operator-.+"`;
  const co = `container="strimzi-cluster-operator",namespace="${s.operatorNamespace}"`;
  const rule = alertRule;
  return [
    {
      name: "strimzi-kafka",
      interval: "1m",
      rules: [
        rule(
          "KafkaRunningOutOfSpace",
          `kubelet_volume_stats_available_bytes{${pvc}} * 100 / kubelet_volume_stats_capacity_bytes{${pvc}} < 15`,
          "10s",
          "warning",
          "Kafka is running out of free disk space",
          "Only {{ $value }} percent is free on the volume {{ $labels.persistentvolumeclaim }}: grow the node pool's storage size (Strimzi resizes the claims) or shorten the topics' retention.",
        ),
        rule(
          "UnderReplicatedPartitions",
          `kafka_server_replicamanager_underreplicatedpartitions{${ns}} > 0`,
          "10s",
          "warning",
          "Kafka has under-replicated partitions",
          "{{ $value }} partitions led by {{ $labels.kubernetes_pod_name }} have fewer in-sync replicas than replicas: a broker is down or lagging.",
        ),
        rule(
          "AbnormalControllerState",
          `sum by (strimzi_io_name, namespace) (kafka_controller_kafkacontroller_activecontrollercount{${ns}}) != 1`,
          "10s",
          "warning",
          "Kafka does not have exactly one active controller",
          "{{ $labels.strimzi_io_name }} in {{ $labels.namespace }} has {{ $value }} active KRaft controllers.",
        ),
        rule(
          "OfflinePartitions",
          `sum by (namespace, pod) (kafka_controller_kafkacontroller_offlinepartitionscount{${ns}}) > 0`,
          "10s",
          "warning",
          "Kafka has partitions with no leader",
          "The controller {{ $labels.namespace }}/{{ $labels.pod }} counts {{ $value }} partitions without a leader: they can be neither read nor written.",
        ),
        rule(
          "UnderMinIsrPartitionCount",
          `kafka_server_replicamanager_underminisrpartitioncount{${ns}} > 0`,
          "10s",
          "warning",
          "Kafka has partitions under their min ISR",
          "{{ $value }} partitions on {{ $labels.kubernetes_pod_name }} have fewer in-sync replicas than min.insync.replicas: producers with acks=all (the workers) are refused.",
        ),
        rule(
          "OfflineLogDirectoryCount",
          `kafka_log_logmanager_offlinelogdirectorycount{${ns}} > 0`,
          "10s",
          "warning",
          "Kafka has offline log directories",
          "{{ $value }} log directories are offline on {{ $labels.kubernetes_pod_name }} (a failed volume).",
        ),
        rule(
          "ScrapeProblem",
          `up{${ns},kubernetes_pod_name=~"${pods}"} == 0`,
          "3m",
          "critical",
          "Prometheus cannot scrape {{ $labels.kubernetes_pod_name }}",
          "Prometheus has not scraped {{ $labels.kubernetes_pod_name }}/{{ $labels.instance }} for 3 minutes: the node is down or its metrics endpoint is.",
        ),
        rule(
          "KafkaBrokerContainersDown",
          `absent(container_last_seen{${kafka}})`,
          "3m",
          "critical",
          "Every kafka container is down",
          "No kafka container of the cluster has run for 3 minutes (down or in CrashLoopBackOff).",
        ),
        rule(
          "KafkaContainerRestartedInTheLast5Minutes",
          `count(count_over_time(container_last_seen{${kafka}}[5m])) > 2 * count(container_last_seen{${kafka}})`,
          "5m",
          "warning",
          "Kafka containers restart too often",
          "More than twice as many kafka containers were seen in the last 5 minutes as run now: some restart repeatedly.",
        ),
      ],
    },
    {
      name: "strimzi-kafka-exporter",
      interval: "1m",
      rules: [
        rule(
          "UnderReplicatedPartition",
          `kafka_topic_partition_under_replicated_partition{${ns}} > 0`,
          "10s",
          "warning",
          "A topic has under-replicated partitions",
          "Topic {{ $labels.topic }} partition {{ $labels.partition }} has fewer in-sync replicas than replicas.",
        ),
      ],
    },
    {
      name: "strimzi-entity-operator",
      interval: "1m",
      rules: [
        rule(
          "TopicOperatorContainerDown",
          `absent(container_last_seen{${eo("topic-operator")}})`,
          "3m",
          "critical",
          "The Topic Operator is down",
          "The entity operator's topic-operator container has been down or in CrashLoopBackOff for 3 minutes: KafkaTopic changes are not applied.",
        ),
        rule(
          "UserOperatorContainerDown",
          `absent(container_last_seen{${eo("user-operator")}})`,
          "3m",
          "critical",
          "The User Operator is down",
          "The entity operator's user-operator container has been down or in CrashLoopBackOff for 3 minutes: KafkaUser changes (new users, ACLs, passwords) are not applied.",
        ),
      ],
    },
    {
      name: "strimzi-cluster-operator",
      interval: "1m",
      rules: [
        rule(
          "ClusterOperatorContainerDown",
          `count((container_last_seen{${co}} > (time() - 90))) < 1 or absent(container_last_seen{${co}})`,
          "1m",
          "critical",
          "The Strimzi cluster operator is down",
          "The cluster operator has been down for more than 90 seconds: nothing reconciles the Kafka cluster (rolling updates, certificate renewals).",
        ),
      ],
    },
    {
      name: "strimzi-certificates",
      interval: "1m",
      rules: [
        rule(
          "CertificateExpiration",
          `strimzi_certificate_expiration_timestamp_ms{cluster="${s.cluster}",resource_namespace="${s.namespace}"} / 1000 - time() < 30 * 24 * 60 * 60`,
          "5m",
          "warning",
          "A Strimzi certificate expires in less than 30 days",
          "The {{ $labels.type }} certificate of {{ $labels.cluster }} in {{ $labels.resource_namespace }} expires within 30 days and the operator has not renewed it: check the cluster operator and the maintenance windows.",
        ),
      ],
    },
  ];
}

/** The rule file (as promtool reads it). */
export function strimziRuleGroups(s: StrimziAlertScope): {
  groups: { name: string; interval: string; rules: AlertRule[] }[];
} {
  return { groups: strimziAlertGroups(s) };
}

/** The PrometheusRule kube-prometheus-stack's Prometheus loads (it selects every namespace's rules). */
export function renderStrimziPrometheusRule(s: StrimziAlertScope): KubeObject {
  return renderPrometheusRule(`${s.cluster}-kafka-rules`, s.namespace, strimziRuleGroups(s));
}
