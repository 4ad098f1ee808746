import * as kubernetes from "@pulumi/kubernetes";
import {
  EventStream,
  type EventStreamArgs,
  kafkaUsersForWorkloads,
  validateEventStreamArgs,
} from "../../components/kubernetes/eventStream";
import { DEFAULT_WORKLOADS } from "../../components/kubernetes/stageWorkersConfig";
import {
  strimziOperatorValues,
  validateStrimziOperatorArgs,
} from "../../components/kubernetes/strimziOperator";
import { KAFKA_JMX_RULES } from "../../components/kubernetes/strimziMetrics";
import { evaluateResources } from "../../policies/check";
import type { RecordedResource } from "../../scripts/synth/harness";
import { type Plan, plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { schemaErrors } from "./schemas";

const TOPICS: EventStreamArgs["topics"] = [
  { name: "events.raw", partitions: 12, retentionHours: 168 },
  { name: "events.valid", partitions: 12 },
  { name: "events.unique", partitions: 12 },
  { name: "features", partitions: 6, compaction: true },
  { name: "events.dead-letter", partitions: 3, retentionHours: 720 },
];
const CHAINED = [{ stages: ["ingest", "dedup", "lake-sink", "feature-writer"] as const }].map((w) => ({
  stages: [...w.stages],
}));

async function build(
  environment: EventStreamArgs["environment"],
  extra: Partial<EventStreamArgs> = {},
): Promise<{ p: Plan; es: EventStream }> {
  let es: EventStream | undefined;
  const p = await plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    es = new EventStream("kafka", {
      provider,
      environment,
      topics: TOPICS,
      users: kafkaUsersForWorkloads(CHAINED),
      storageClassName: "fast-ssd",
      ...extra,
    });
  });
  return { p, es: es! };
}

const CR = (kind: string) => `kubernetes:kafka.strimzi.io/v1:${kind}`;
const asObject = (r: RecordedResource, apiVersion?: string, kind?: string): Record<string, unknown> => ({
  ...r.inputs,
  ...(apiVersion ? { apiVersion, kind } : {}),
});

describe("the Strimzi operator's chart values", () => {
  it("sets only keys the Strimzi 1.2.0 chart knows", () => {
    const values = strimziOperatorValues({ watchNamespaces: ["seawall"], replicas: 1 });
    expect(unknownValuePaths(values, chartDefaults("strimzi/chart/1.2.0"))).toEqual([]);
    expect(unknownValuePaths({ watchNamespace: ["x"] }, chartDefaults("strimzi/chart/1.2.0"))).toEqual([
      "watchNamespace",
    ]);
  });

  it("refuses replicas outside 1 to 3 and a malformed watched namespace", () => {
    expect(
      problemsThrownBy(() => validateStrimziOperatorArgs({ watchNamespaces: ["Bad_NS"], replicas: 4 })),
    ).toEqual([
      { code: "SEAWALL_K8S_NAME", field: "watchNamespaces[0]", value: "Bad_NS" },
      { code: "SEAWALL_K8S_KAFKA_OPERATOR_REPLICAS", field: "replicas", value: 4 },
    ]);
  });
});

describe("EventStream in prod", () => {
  let p: Plan;
  let es: EventStream;
  beforeAll(async () => {
    ({ p, es } = await build("prod"));
  });

  it("installs the pinned chart in its own restricted namespace, watching the workers' namespace, operands restricted", () => {
    const r = p.one("kubernetes:helm.sh/v3:Release", "kafka-operator").inputs;
    expect(r).toMatchObject({
      name: "strimzi",
      chart: "strimzi-kafka-operator",
      version: "1.2.0",
      repositoryOpts: { repo: "https://strimzi.io/charts/" },
      namespace: "strimzi",
    });
    expect(r.values).toEqual({
      replicas: 1,
      watchNamespaces: ["seawall"],
      watchAnyNamespace: false,
      extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
      podDisruptionBudget: { enabled: false, minAvailable: 1 },
      leaderElection: { enable: true },
      generateNetworkPolicy: true,
      generatePodDisruptionBudget: true,
      resources: { requests: { memory: "384Mi", cpu: "200m" }, limits: { memory: "384Mi", cpu: "1000m" } },
    });
    for (const n of ["kafka-namespace", "kafka-operator-namespace"]) {
      const ns = asObject(p.one("kubernetes:core/v1:Namespace", n), "v1", "Namespace");
      expect(schemaErrors(ns)).toEqual([]);
      expect(
        (ns.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
      ).toBe("restricted");
    }
  });

  it("runs KRaft with dedicated controllers and brokers, TLS + SCRAM only, ACLs, rack awareness, RF 3 and min ISR 2", () => {
    const kafka = p.one(CR("Kafka"), "kafka-kafka").inputs;
    expect(kafka.metadata).toEqual({
      name: "seawall",
      namespace: "seawall",
      labels: { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" },
    });
    expect(kafka.spec).toEqual({
      kafka: {
        version: "4.3.1",
        metadataVersion: "4.3-IV0",
        listeners: [
          { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } },
        ],
        authorization: { type: "simple" },
        rack: { type: "topology-label", topologyKey: "topology.kubernetes.io/zone" },
        config: {
          "default.replication.factor": 3,
          "min.insync.replicas": 2,
          "offsets.topic.replication.factor": 3,
          "transaction.state.log.replication.factor": 3,
          "transaction.state.log.min.isr": 2,
          "cruise.control.metrics.topic.replication.factor": 3,
          "cruise.control.metrics.topic.min.insync.replicas": 2,
          "auto.create.topics.enable": false,
          "unclean.leader.election.enable": false,
        },
        metricsConfig: {
          type: "jmxPrometheusExporter",
          valueFrom: { configMapKeyRef: { name: "seawall-kafka-metrics", key: "kafka-metrics-config.yml" } },
        },
        template: { podDisruptionBudget: { maxUnavailable: 1 } },
      },
      entityOperator: {
        topicOperator: {
          watchedNamespace: "seawall",
          resources: { requests: { memory: "512Mi", cpu: "100m" }, limits: { memory: "512Mi", cpu: "200m" } },
        },
        userOperator: {
          watchedNamespace: "seawall",
          resources: { requests: { memory: "512Mi", cpu: "100m" }, limits: { memory: "512Mi", cpu: "200m" } },
        },
      },
      cruiseControl: {
        resources: { requests: { memory: "1Gi", cpu: "200m" }, limits: { memory: "1Gi", cpu: "400m" } },
        metricsConfig: {
          type: "jmxPrometheusExporter",
          valueFrom: {
            configMapKeyRef: { name: "seawall-cruise-control-metrics", key: "metrics-config.yml" },
          },
        },
      },
      kafkaExporter: {
        topicRegex: ".*",
        groupRegex: ".*",
        resources: { requests: { memory: "128Mi", cpu: "100m" }, limits: { memory: "128Mi", cpu: "200m" } },
      },
    });
    expect(p.names(CR("KafkaNodePool"))).toEqual(["kafka-pool-broker", "kafka-pool-controller"]);
    const broker = p.one(CR("KafkaNodePool"), "kafka-pool-broker").inputs;
    const selector = { matchLabels: { "strimzi.io/cluster": "seawall", "strimzi.io/pool-name": "broker" } };
    expect(broker.spec).toEqual({
      replicas: 3,
      roles: ["broker"],
      storage: {
        type: "jbod",
        volumes: [
          {
            id: 0,
            type: "persistent-claim",
            size: "500Gi",
            class: "fast-ssd",
            deleteClaim: false,
            kraftMetadata: "shared",
          },
        ],
      },
      resources: { requests: { memory: "8Gi", cpu: "1" }, limits: { memory: "8Gi", cpu: "2" } },
      template: {
        pod: {
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: { labelSelector: selector, topologyKey: "topology.kubernetes.io/zone" },
                },
              ],
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: selector, topologyKey: "kubernetes.io/hostname" },
              ],
            },
          },
        },
      },
    });
    const controller = p.one(CR("KafkaNodePool"), "kafka-pool-controller").inputs;
    expect(controller.spec).toMatchObject({
      replicas: 3,
      roles: ["controller"],
      storage: { volumes: [{ size: "20Gi", class: "fast-ssd", deleteClaim: false }] },
    });
  });

  it("declares each topic with its partitions, RF 3, min ISR 2, retention and cleanup policy", () => {
    expect(p.names(CR("KafkaTopic"))).toEqual([
      "kafka-topic-events.dead-letter",
      "kafka-topic-events.raw",
      "kafka-topic-events.unique",
      "kafka-topic-events.valid",
      "kafka-topic-features",
    ]);
    expect(p.one(CR("KafkaTopic"), "kafka-topic-events.raw").inputs).toEqual({
      apiVersion: "kafka.strimzi.io/v1",
      kind: "KafkaTopic",
      metadata: {
        name: "events.raw",
        namespace: "seawall",
        labels: {
          "app.kubernetes.io/part-of": "seawall",
          "app.kubernetes.io/managed-by": "pulumi",
          "strimzi.io/cluster": "seawall",
        },
      },
      spec: {
        partitions: 12,
        replicas: 3,
        config: { "min.insync.replicas": 2, "cleanup.policy": "delete", "retention.ms": 604800000 },
      },
    });
    expect(p.one(CR("KafkaTopic"), "kafka-topic-features").inputs.spec).toEqual({
      partitions: 6,
      replicas: 3,
      config: { "min.insync.replicas": 2, "cleanup.policy": "compact" },
    });
  });

  it("gives the chained workload a SCRAM user allowed only its input, its group and the topics it writes", () => {
    expect(p.names(CR("KafkaUser"))).toEqual(["kafka-user-seawall-ingest-dedup-lake-sink-feature-writer"]);
    const user = p.one(CR("KafkaUser"), "kafka-user-seawall-ingest-dedup-lake-sink-feature-writer").inputs;
    expect(user.metadata).toMatchObject({
      name: "seawall-ingest-dedup-lake-sink-feature-writer",
      namespace: "seawall",
      labels: { "strimzi.io/cluster": "seawall" },
    });
    expect(user.spec).toEqual({
      authentication: { type: "scram-sha-512" },
      authorization: {
        type: "simple",
        acls: [
          {
            resource: { type: "topic", name: "events.raw", patternType: "literal" },
            operations: ["Read", "Describe"],
          },
          {
            resource: {
              type: "group",
              name: "seawall-ingest+dedup+lake-sink+feature-writer",
              patternType: "literal",
            },
            operations: ["Read"],
          },
          {
            resource: { type: "topic", name: "features", patternType: "literal" },
            operations: ["Write", "Describe"],
          },
          {
            resource: { type: "topic", name: "events.dead-letter", patternType: "literal" },
            operations: ["Write", "Describe"],
          },
        ],
      },
    });
  });

  it("outputs the bootstrap Service, SASL_SSL with SCRAM-SHA-512, the cluster CA Secret and each user's Secret", () => {
    expect(es.connection).toEqual({
      bootstrapServers: "seawall-kafka-bootstrap.seawall.svc:9093",
      securityProtocol: "SASL_SSL",
      saslMechanism: "SCRAM-SHA-512",
    });
    expect(es.caSecret).toEqual({ name: "seawall-cluster-ca-cert", key: "ca.crt" });
    expect(es.users).toEqual({
      "seawall-ingest-dedup-lake-sink-feature-writer": {
        username: "seawall-ingest-dedup-lake-sink-feature-writer",
        secret: { name: "seawall-ingest-dedup-lake-sink-feature-writer", key: "password" },
      },
    });
  });

  it("protects the cluster, its pools and topics in prod, not the users", () => {
    for (const r of p.resources.filter((x) => x.type.startsWith("kubernetes:kafka.strimzi.io/v1:"))) {
      expect({ name: r.name, protect: r.protect }).toEqual({
        name: r.name,
        protect: !r.type.endsWith(":KafkaUser"),
      });
    }
  });

  it("ships Strimzi's JMX exporter rules, PodMonitors for Kafka, the entity operator and the operator, and the alert rules", () => {
    const cm = p.one("kubernetes:core/v1:ConfigMap", "kafka-kafka-metrics").inputs;
    expect(Object.keys(cm.data as object)).toEqual(["kafka-metrics-config.yml"]);
    expect((cm.data as Record<string, string>)["kafka-metrics-config.yml"]).toMatch(
      /^lowercaseOutputName: true\nrules:\n/,
    );
    expect(KAFKA_JMX_RULES).toHaveLength(29);
    expect(p.names("kubernetes:monitoring.coreos.com/v1:PodMonitor")).toEqual([
      "kafka-entity-operator",
      "kafka-kafka-resources",
      "kafka-strimzi-cluster-operator",
    ]);
    expect(
      p.one("kubernetes:monitoring.coreos.com/v1:PodMonitor", "kafka-strimzi-cluster-operator").inputs
        .metadata,
    ).toMatchObject({
      namespace: "strimzi",
    });
    expect(p.names("kubernetes:monitoring.coreos.com/v1:PrometheusRule")).toEqual(["kafka-rules"]);
  });

  it("renders every object valid against its strict schema", () => {
    const kinds = p.resources.filter((r) =>
      /^kubernetes:(kafka\.strimzi\.io|monitoring\.coreos\.com)\/v1:|^kubernetes:core\/v1:ConfigMap$/.test(
        r.type,
      ),
    );
    expect(kinds.length).toBe(2 + 2 + 1 + 5 + 1 + 3 + 1);
    for (const r of kinds) {
      const [, apiVersion, kind] = /^kubernetes:(.+):(\w+)$/.exec(r.type)!;
      const obj = asObject(r, apiVersion.replace(/^core\//, ""), kind);
      expect({ name: r.name, errors: schemaErrors(obj) }).toEqual({ name: r.name, errors: [] });
    }
  });

  it("passes every mandatory rule of the policy pack", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("EventStream in dev", () => {
  let p: Plan;
  let es: EventStream;
  beforeAll(async () => {
    ({ p, es } = await build("dev", { storageClassName: undefined, clientAuthentication: "tls" }));
  });

  it("runs one combined node with RF 1 on the default StorageClass, nothing protected", () => {
    expect(p.names(CR("KafkaNodePool"))).toEqual(["kafka-pool-dual"]);
    const pool = p.one(CR("KafkaNodePool"), "kafka-pool-dual").inputs;
    expect(pool.spec).toMatchObject({
      replicas: 1,
      roles: ["controller", "broker"],
      storage: {
        type: "jbod",
        volumes: [
          { id: 0, type: "persistent-claim", size: "10Gi", deleteClaim: false, kraftMetadata: "shared" },
        ],
      },
    });
    const anti = (pool.spec as { template: { pod: { affinity: { podAntiAffinity: object } } } }).template.pod
      .affinity.podAntiAffinity;
    expect(Object.keys(anti)).toEqual(["preferredDuringSchedulingIgnoredDuringExecution"]);
    const config = (p.one(CR("Kafka"), "kafka-kafka").inputs.spec as { kafka: { config: object } }).kafka
      .config;
    expect(config).toMatchObject({
      "default.replication.factor": 1,
      "min.insync.replicas": 1,
      "offsets.topic.replication.factor": 1,
      "transaction.state.log.min.isr": 1,
    });
    expect(p.one(CR("KafkaTopic"), "kafka-topic-events.raw").inputs.spec).toMatchObject({
      replicas: 1,
      config: { "min.insync.replicas": 1 },
    });
    expect(p.resources.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
    for (const r of p.resources.filter((x) => x.type.startsWith("kubernetes:kafka.strimzi.io/v1:"))) {
      expect({ name: r.name, errors: schemaErrors(asObject(r)) }).toEqual({ name: r.name, errors: [] });
    }
  });

  it("with mTLS: a tls listener and users, SSL, the certificate and key Secrets", () => {
    const listeners = (p.one(CR("Kafka"), "kafka-kafka").inputs.spec as { kafka: { listeners: object[] } })
      .kafka.listeners;
    expect(listeners).toEqual([
      { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "tls" } },
    ]);
    expect(
      p.one(CR("KafkaUser"), "kafka-user-seawall-ingest-dedup-lake-sink-feature-writer").inputs.spec,
    ).toMatchObject({
      authentication: { type: "tls" },
    });
    expect(es.connection).toEqual({
      bootstrapServers: "seawall-kafka-bootstrap.seawall.svc:9093",
      securityProtocol: "SSL",
    });
    const user = "seawall-ingest-dedup-lake-sink-feature-writer";
    expect(es.users[user]).toEqual({
      username: `CN=${user}`,
      secret: { name: user, key: "user.key" },
      certificate: { name: user, key: "user.crt" },
    });
  });

  it("passes every mandatory rule of the policy pack", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("kafkaUsersForWorkloads", () => {
  it("gives each stage alone its input, its group and what it writes; the feature server none", () => {
    expect(kafkaUsersForWorkloads(DEFAULT_WORKLOADS)).toEqual([
      {
        name: "seawall-ingest",
        consumes: { topic: "events.raw", group: "seawall-ingest" },
        produces: ["events.valid", "events.dead-letter"],
      },
      {
        name: "seawall-dedup",
        consumes: { topic: "events.valid", group: "seawall-dedup" },
        produces: ["events.unique", "features", "events.dead-letter"],
      },
      {
        name: "seawall-lake-sink",
        consumes: { topic: "events.unique", group: "seawall-lake-sink" },
        produces: ["events.dead-letter"],
      },
      {
        name: "seawall-feature-writer",
        consumes: { topic: "features", group: "seawall-feature-writer" },
        produces: ["events.dead-letter"],
      },
    ]);
  });

  it("names chains' groups and outputs as the runtime does, with the workers' topic and prefix overrides", () => {
    expect(
      kafkaUsersForWorkloads(
        [{ stages: ["ingest", "dedup"], name: "front" }, { stages: ["dedup", "lake-sink"] }],
        {
          KAFKA_GROUP_PREFIX: "acme",
          TOPIC_DEAD_LETTER: "dlq",
        },
      ),
    ).toEqual([
      {
        name: "seawall-front",
        consumes: { topic: "events.raw", group: "acme-ingest+dedup" },
        produces: ["events.unique", "features", "dlq"],
      },
      {
        name: "seawall-dedup-lake-sink",
        consumes: { topic: "events.valid", group: "acme-dedup+lake-sink" },
        produces: ["features", "dlq"],
      },
    ]);
  });
});

describe("validateEventStreamArgs", () => {
  const ok = { environment: "prod" as const, topics: TOPICS, users: kafkaUsersForWorkloads(CHAINED) };

  it("accepts the defaults", () => {
    expect(() => validateEventStreamArgs(ok)).not.toThrow();
  });

  it("refuses replication that the brokers cannot hold, and a min ISR that blocks writes", () => {
    expect(problemsThrownBy(() => validateEventStreamArgs({ ...ok, replicationFactor: 4 }))).toEqual([
      { code: "SEAWALL_K8S_KAFKA_REPLICAS", field: "replicationFactor", value: 4 },
    ]);
    expect(problemsThrownBy(() => validateEventStreamArgs({ ...ok, minInsyncReplicas: 3 }))).toEqual([
      { code: "SEAWALL_K8S_KAFKA_REPLICAS", field: "minInsyncReplicas", value: 3 },
    ]);
    expect(problemsThrownBy(() => validateEventStreamArgs({ ...ok, brokers: 1 }))).toEqual([
      { code: "SEAWALL_K8S_KAFKA_REPLICAS", field: "brokers", value: 1 },
    ]);
  });

  it("names every bad topic, user and name at once", () => {
    const problems = problemsThrownBy(() =>
      validateEventStreamArgs({
        ...ok,
        clusterName: "Seawall",
        brokerStorage: "500GB",
        clientAuthentication: "plain" as never,
        topics: [
          ...TOPICS,
          { name: "bad topic", partitions: 0 },
          { name: "events.raw", partitions: 3, replicationFactor: 1, retentionHours: 0 },
        ],
        users: [
          { name: "seawall-x", consumes: { topic: "events.missing", group: "g" }, produces: ["nowhere"] },
        ],
      }),
    );
    expect(problems).toEqual([
      { code: "SEAWALL_K8S_KAFKA_NAME", field: "clusterName", value: "Seawall" },
      { code: "SEAWALL_K8S_KAFKA_AUTHENTICATION", field: "clientAuthentication", value: "plain" },
      { code: "SEAWALL_K8S_KAFKA_STORAGE", field: "brokerStorage", value: "500GB" },
      { code: "SEAWALL_K8S_KAFKA_NAME", field: "topics[5].name", value: "bad topic" },
      { code: "SEAWALL_K8S_KAFKA_PARTITIONS", field: "topics[5].partitions", value: 0 },
      { code: "SEAWALL_K8S_KAFKA_NAME", field: "topics[6].name", value: "events.raw" },
      { code: "SEAWALL_K8S_KAFKA_REPLICAS", field: "topics[6].replicationFactor", value: 1 },
      { code: "SEAWALL_K8S_KAFKA_TOPIC", field: "topics[6].retentionHours", value: 0 },
      { code: "SEAWALL_K8S_KAFKA_USER_TOPIC", field: "users[0].consumes.topic", value: "events.missing" },
      { code: "SEAWALL_K8S_KAFKA_USER_TOPIC", field: "users[0].produces[0]", value: "nowhere" },
    ]);
  });
});
