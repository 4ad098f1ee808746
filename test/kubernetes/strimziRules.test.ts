import { strimziAlertGroups, strimziRuleGroups } from "../../components/kubernetes/strimziMetrics";
import { type AlertCase, describeAlertRules } from "./promtool";
import { schemaErrors } from "./schemas";
import { renderStrimziPrometheusRule } from "../../components/kubernetes/strimziMetrics";

const scope = {
  cluster: "seawall",
  namespace: "seawall",
  operatorNamespace: "strimzi",
  pools: ["controller", "broker"],
};
const broker = 'namespace="seawall",kubernetes_pod_name="seawall-broker-0"';
const pvc = (name: string) => `{namespace="seawall",persistentvolumeclaim="${name}"}`;
const container = (c: string, pod: string, ns = "seawall") =>
  `container_last_seen{container="${c}",namespace="${ns}",pod="${pod}"}`;

/** `n` generations of a broker's kafka container, one every 2 minutes, each seen twice then stale. */
const crashLoop = (n: number) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `container_last_seen{container="kafka",namespace="seawall",pod="seawall-broker-0",id="c${i}"}`,
      i === n - 1 ? `${i > 0 ? `_x${2 * i} ` : ""}1x20` : `${i > 0 ? `_x${2 * i} ` : ""}1x1 stale`,
    ]),
  );

const CASES: Record<string, AlertCase> = {
  KafkaRunningOutOfSpace: {
    at: "5m",
    fires: {
      [`kubelet_volume_stats_available_bytes${pvc("data-0-seawall-broker-1")}`]: "10x10",
      [`kubelet_volume_stats_capacity_bytes${pvc("data-0-seawall-broker-1")}`]: "100x10",
    },
    labels: { severity: "warning", namespace: "seawall", persistentvolumeclaim: "data-0-seawall-broker-1" },
    // Another application's nearly full volume in the namespace is not Kafka's.
    quiet: {
      [`kubelet_volume_stats_available_bytes${pvc("data-0-seawall-broker-1")}`]: "50x10",
      [`kubelet_volume_stats_capacity_bytes${pvc("data-0-seawall-broker-1")}`]: "100x10",
      [`kubelet_volume_stats_available_bytes${pvc("data-redis-0")}`]: "1x10",
      [`kubelet_volume_stats_capacity_bytes${pvc("data-redis-0")}`]: "100x10",
    },
  },
  UnderReplicatedPartitions: {
    at: "5m",
    fires: { [`kafka_server_replicamanager_underreplicatedpartitions{${broker}}`]: "0 2x10" },
    labels: { severity: "warning", namespace: "seawall", kubernetes_pod_name: "seawall-broker-0" },
    quiet: { [`kafka_server_replicamanager_underreplicatedpartitions{${broker}}`]: "0x10" },
  },
  AbnormalControllerState: {
    at: "5m",
    fires: {
      'kafka_controller_kafkacontroller_activecontrollercount{namespace="seawall",strimzi_io_name="seawall-kafka",kubernetes_pod_name="seawall-controller-3"}':
        "0x10",
      'kafka_controller_kafkacontroller_activecontrollercount{namespace="seawall",strimzi_io_name="seawall-kafka",kubernetes_pod_name="seawall-controller-4"}':
        "0x10",
    },
    labels: { severity: "warning", namespace: "seawall", strimzi_io_name: "seawall-kafka" },
    quiet: {
      'kafka_controller_kafkacontroller_activecontrollercount{namespace="seawall",strimzi_io_name="seawall-kafka",kubernetes_pod_name="seawall-controller-3"}':
        "1x10",
      'kafka_controller_kafkacontroller_activecontrollercount{namespace="seawall",strimzi_io_name="seawall-kafka",kubernetes_pod_name="seawall-controller-4"}':
        "0x10",
    },
  },
  OfflinePartitions: {
    at: "5m",
    fires: {
      'kafka_controller_kafkacontroller_offlinepartitionscount{namespace="seawall",pod="seawall-controller-3"}':
        "3x10",
    },
    labels: { severity: "warning", namespace: "seawall", pod: "seawall-controller-3" },
    quiet: {
      'kafka_controller_kafkacontroller_offlinepartitionscount{namespace="seawall",pod="seawall-controller-3"}':
        "0x10",
    },
  },
  UnderMinIsrPartitionCount: {
    at: "5m",
    fires: { [`kafka_server_replicamanager_underminisrpartitioncount{${broker}}`]: "1x10" },
    labels: { severity: "warning", namespace: "seawall", kubernetes_pod_name: "seawall-broker-0" },
    quiet: { [`kafka_server_replicamanager_underminisrpartitioncount{${broker}}`]: "0x10" },
  },
  OfflineLogDirectoryCount: {
    at: "5m",
    fires: { [`kafka_log_logmanager_offlinelogdirectorycount{${broker}}`]: "1x10" },
    labels: { severity: "warning", namespace: "seawall", kubernetes_pod_name: "seawall-broker-0" },
    quiet: { [`kafka_log_logmanager_offlinelogdirectorycount{${broker}}`]: "0x10" },
  },
  ScrapeProblem: {
    at: "10m",
    fires: { [`up{${broker},instance="10.0.0.1:9404"}`]: "1 0x15" },
    labels: {
      severity: "critical",
      namespace: "seawall",
      kubernetes_pod_name: "seawall-broker-0",
      instance: "10.0.0.1:9404",
    },
    // The exporter pod is not a node.
    quiet: {
      [`up{${broker},instance="10.0.0.1:9404"}`]: "1x15",
      'up{namespace="seawall",kubernetes_pod_name="seawall-kafka-exporter-7d9f-x",instance="10.0.0.2:9404"}':
        "0x15",
    },
  },
  KafkaBrokerContainersDown: {
    at: "10m",
    fires: { [container("kafka", "other-broker-0")]: "1x15" },
    labels: { severity: "critical", container: "kafka", namespace: "seawall" },
    quiet: { [container("kafka", "seawall-broker-0")]: "1x15" },
  },
  KafkaContainerRestartedInTheLast5Minutes: {
    at: "14m",
    // A crash loop: a new container (a new id) every 2 minutes, each gone (stale) after 2 samples.
    fires: crashLoop(7),
    labels: { severity: "warning" },
    quiet: crashLoop(1),
  },
  UnderReplicatedPartition: {
    at: "5m",
    fires: {
      'kafka_topic_partition_under_replicated_partition{namespace="seawall",topic="events.raw",partition="2"}':
        "1x10",
    },
    labels: { severity: "warning", namespace: "seawall", topic: "events.raw", partition: "2" },
    quiet: {
      'kafka_topic_partition_under_replicated_partition{namespace="seawall",topic="events.raw",partition="2"}':
        "0x10",
    },
  },
  TopicOperatorContainerDown: {
    at: "10m",
    fires: { [container("user-operator", "seawall-entity-operator-5c8d-abcde")]: "1x15" },
    labels: { severity: "critical", container: "topic-operator", namespace: "seawall" },
    quiet: { [container("topic-operator", "seawall-entity-operator-5c8d-abcde")]: "1x15" },
  },
  UserOperatorContainerDown: {
    at: "10m",
    fires: { [container("topic-operator", "seawall-entity-operator-5c8d-abcde")]: "1x15" },
    labels: { severity: "critical", container: "user-operator", namespace: "seawall" },
    quiet: { [container("user-operator", "seawall-entity-operator-5c8d-abcde")]: "1x15" },
  },
  ClusterOperatorContainerDown: {
    at: "10m",
    // cAdvisor stops reporting the dead container: its series goes stale.
    fires: {
      [container("strimzi-cluster-operator", "strimzi-cluster-operator-6b-x", "strimzi")]: "0+60x3 stale",
    },
    labels: { severity: "critical", container: "strimzi-cluster-operator", namespace: "strimzi" },
    quiet: { [container("strimzi-cluster-operator", "strimzi-cluster-operator-6b-x", "strimzi")]: "0+60x15" },
  },
  CertificateExpiration: {
    at: "10m",
    fires: {
      'strimzi_certificate_expiration_timestamp_ms{cluster="seawall",resource_namespace="seawall",type="server"}': `${20 * 86400 * 1000}x15`,
    },
    labels: { severity: "warning", cluster: "seawall", resource_namespace: "seawall", type: "server" },
    quiet: {
      'strimzi_certificate_expiration_timestamp_ms{cluster="seawall",resource_namespace="seawall",type="server"}': `${90 * 86400 * 1000}x15`,
      'strimzi_certificate_expiration_timestamp_ms{cluster="other",resource_namespace="other",type="server"}': `${1 * 86400 * 1000}x15`,
    },
  },
};

describeAlertRules("Strimzi's alert rules (after Strimzi 1.2.0's examples)", strimziRuleGroups(scope), CASES);

describe("Strimzi's alert rules' scope and resource", () => {
  it("match the node pools' pods and claims, not Strimzi's pre-node-pool `<cluster>-kafka-<n>` names", () => {
    const byName = Object.fromEntries(
      strimziAlertGroups(scope)
        .flatMap((g) => g.rules)
        .map((r) => [r.alert, r.expr]),
    );
    expect(byName.KafkaBrokerContainersDown).toBe(
      'absent(container_last_seen{container="kafka",namespace="seawall",pod=~"seawall-(controller|broker)-[0-9]+"})',
    );
    expect(byName.KafkaRunningOutOfSpace).toContain(
      'persistentvolumeclaim=~"data(-[0-9]+)?-seawall-(controller|broker)-[0-9]+"',
    );
    const dev = strimziAlertGroups({ ...scope, pools: ["dual"] }).flatMap((g) => g.rules);
    expect(dev.find((r) => r.alert === "ScrapeProblem")?.expr).toBe(
      'up{namespace="seawall",kubernetes_pod_name=~"seawall-(dual)-[0-9]+"} == 0',
    );
  });

  it("renders a PrometheusRule valid against the prometheus-operator CRD", () => {
    const rule = renderStrimziPrometheusRule(scope);
    expect(schemaErrors(rule)).toEqual([]);
    expect(rule.metadata).toEqual({
      name: "seawall-kafka-rules",
      namespace: "seawall",
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    });
  });
});
