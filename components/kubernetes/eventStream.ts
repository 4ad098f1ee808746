/**
 * `seawall:kubernetes:EventStream`: Kafka on any Kubernetes cluster, run by Strimzi (1.2.0, API
 * `kafka.strimzi.io/v1`) in the workers' namespace, so the workers read the cluster CA and their
 * KafkaUser Secrets by `secretKeyRef`.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KafkaConnection, KafkaTopic } from "../contracts";
import { type EnvironmentName, PROFILES } from "../profiles";
import { isKnown, Problems } from "../validation";
import { checkKubernetesName } from "./clusterProvider";
import { customResource, k8sArgs } from "./kubeResources";
import { type KubeObject, renderNamespace } from "./stageWorkersRender";
import { renderMetricsConfigMaps, renderPodMonitors, renderStrimziPrometheusRule } from "./strimziMetrics";
import { StrimziOperator } from "./strimziOperator";
import {
  type KafkaClientAuthentication,
  KAFKA_TLS_PORT,
  type KafkaClusterInput,
  nodePoolNames,
  renderKafka,
  renderKafkaTopic,
  renderNodePools,
  STRIMZI_PROFILES,
  type StrimziProfile,
} from "./strimziRender";
import type { SecretKeyRef } from "./stageWorkersConfig";
import { type KafkaUserSpec, renderKafkaUser } from "./strimziUsers";

export type { KafkaUserSpec } from "./strimziUsers";
export { kafkaUsersForWorkloads } from "./strimziUsers";

/** A Secret's key, by name, in the event stream's namespace (the workers'). */
export type { SecretKeyRef } from "./stageWorkersConfig";

/** How one workload authenticates: its user name and the Secret the User Operator fills. */
export interface KafkaUserCredentials {
  /** The SCRAM user name (the KafkaUser's name), or the client certificate's subject for mTLS. */
  username: string;
  /** SCRAM: the password (`password`); mTLS: the private key (`user.key`). */
  secret: SecretKeyRef;
  /** mTLS only: the client certificate (`user.crt`). */
  certificate?: SecretKeyRef;
}

export interface EventStreamArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Sizes and durability ({@link STRIMZI_PROFILES}); `protect` on the cluster and topics per profile. */
  environment: EnvironmentName;
  /** The topics, as `KafkaTopic`s; each gets the environment's min ISR. */
  topics: KafkaTopic[];
  /**
   * One KafkaUser per workload, allowed only its input topic and consumer group and the topics it
   * writes ({@link kafkaUsersForWorkloads} derives them from the stage workers' workloads).
   */
  users: KafkaUserSpec[];
  /** The `Kafka` resource's name; Services and Secrets are named after it. @defaultValue "seawall" */
  clusterName?: string;
  /** The workers' namespace, where the cluster runs. @defaultValue "seawall" */
  namespace?: string;
  /**
   * Create that namespace (Pod Security `restricted`); false when another component makes it (then
   * pass that component in `opts.dependsOn`: the operator binds its Roles there).
   * @defaultValue true
   */
  createNamespace?: boolean;
  /** The operator's namespace. @defaultValue "strimzi" */
  operatorNamespace?: string;
  /** The volumes' StorageClass. @defaultValue the cluster's default StorageClass */
  storageClassName?: string;
  /**
   * `scram-sha-512` (SASL_SSL with a generated password per user) or `tls` (mutual TLS with a
   * client certificate per user, SSL). @defaultValue "scram-sha-512"
   */
  clientAuthentication?: KafkaClientAuthentication;
  /** Brokers (combined nodes in dev). @defaultValue 3, 1 in dev */
  brokers?: number;
  /** The default and internal topics' replication factor. @defaultValue 3, 1 in dev */
  replicationFactor?: number;
  /** `min.insync.replicas` of every topic. @defaultValue 2, 1 in dev */
  minInsyncReplicas?: number;
  /** Each broker's volume, e.g. `500Gi`. @defaultValue the profile's (500Gi prod, 100Gi staging, 10Gi dev) */
  brokerStorage?: string;
  /**
   * What the PodMonitors and the PrometheusRule need first: the kube-prometheus-stack release that
   * installs their CRDs. @defaultValue none
   */
  monitoringDependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** A rendered object as the Output `customResource` takes. */
const asOutput = (obj: KubeObject): pulumi.Output<KubeObject> =>
  pulumi.output(obj) as unknown as pulumi.Output<KubeObject>;

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const USER_NAME = /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/;
const STORAGE = /^[1-9][0-9]*(Gi|Ti)$/;
const AUTHENTICATIONS: readonly string[] = ["scram-sha-512", "tls"];

/** The profile after the args' overrides. */
export function eventStreamProfile(
  args: Pick<
    EventStreamArgs,
    "environment" | "brokers" | "replicationFactor" | "minInsyncReplicas" | "brokerStorage"
  >,
): StrimziProfile {
  const p = STRIMZI_PROFILES[args.environment];
  return {
    ...p,
    brokers: args.brokers ?? p.brokers,
    replicationFactor: args.replicationFactor ?? p.replicationFactor,
    minInsyncReplicas: args.minInsyncReplicas ?? p.minInsyncReplicas,
    brokerStorage: args.brokerStorage ?? p.brokerStorage,
  };
}

/** Checks {@link EventStreamArgs} and throws one error listing every problem. */
export function validateEventStreamArgs(
  args: Omit<EventStreamArgs, "provider" | "monitoringDependsOn">,
): void {
  const p = new Problems();
  const code = {
    name: "SEAWALL_K8S_KAFKA_NAME",
    replicas: "SEAWALL_K8S_KAFKA_REPLICAS",
    partitions: "SEAWALL_K8S_KAFKA_PARTITIONS",
    userTopic: "SEAWALL_K8S_KAFKA_USER_TOPIC",
  } as const;
  if (args.clusterName !== undefined && isKnown(args.clusterName)) {
    if (typeof args.clusterName !== "string" || !/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(args.clusterName)) {
      p.add(
        code.name,
        "clusterName",
        args.clusterName,
        'use 1 to 40 lower-case letters, digits and hyphens starting with a letter (Strimzi derives Service, pod and Secret names from it), e.g. "seawall"',
      );
    }
  }
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  if (args.operatorNamespace !== undefined)
    checkKubernetesName(p, "operatorNamespace", args.operatorNamespace);
  if (args.clientAuthentication !== undefined && !AUTHENTICATIONS.includes(args.clientAuthentication)) {
    p.add(
      "SEAWALL_K8S_KAFKA_AUTHENTICATION",
      "clientAuthentication",
      args.clientAuthentication,
      'use "scram-sha-512" (passwords, SASL_SSL) or "tls" (client certificates, SSL); there is no unauthenticated listener',
    );
  }
  if (args.brokerStorage !== undefined && isKnown(args.brokerStorage) && !STORAGE.test(args.brokerStorage)) {
    p.add(
      "SEAWALL_K8S_KAFKA_STORAGE",
      "brokerStorage",
      args.brokerStorage,
      'use a size in Gi or Ti, e.g. "500Gi"',
    );
  }
  const dev = args.environment === "dev";
  p.wholeNumber(
    code.replicas,
    "brokers",
    args.brokers,
    dev ? 1 : 3,
    50,
    "outside dev run at least 3 brokers",
  );
  p.wholeNumber(code.replicas, "replicationFactor", args.replicationFactor, 1, 50);
  p.wholeNumber(code.replicas, "minInsyncReplicas", args.minInsyncReplicas, 1, 50);
  const prof = eventStreamProfile(args);
  if (p.list.every((x) => x.code !== code.replicas)) {
    if (prof.replicationFactor > prof.brokers) {
      p.add(
        code.replicas,
        "replicationFactor",
        prof.replicationFactor,
        `must be at most the brokers (${prof.brokers}): each replica needs its own broker`,
      );
    }
    if (prof.minInsyncReplicas > prof.replicationFactor) {
      p.add(
        code.replicas,
        "minInsyncReplicas",
        prof.minInsyncReplicas,
        `must be at most the replication factor (${prof.replicationFactor}), or no write with acks=all succeeds`,
      );
    }
    if (!dev && prof.minInsyncReplicas >= prof.replicationFactor) {
      p.add(
        code.replicas,
        "minInsyncReplicas",
        prof.minInsyncReplicas,
        `must be below the replication factor (${prof.replicationFactor}) outside dev, so writes go on while a broker restarts (3 and 2)`,
      );
    }
  }
  const names = new Set<string>();
  (args.topics ?? []).forEach((t, i) => {
    const at = `topics[${i}]`;
    if (typeof t.name !== "string" || !TOPIC_NAME.test(t.name) || t.name === "." || t.name === "..") {
      p.add(
        code.name,
        `${at}.name`,
        t.name,
        "use 1 to 249 letters, digits, '.', '_' and '-' (a Kafka topic name)",
      );
    } else if (names.has(t.name)) {
      p.add(code.name, `${at}.name`, t.name, "name each topic once");
    }
    names.add(t.name);
    p.wholeNumber(code.partitions, `${at}.partitions`, t.partitions, 1, 10000);
    if (t.partitions === undefined)
      p.add(code.partitions, `${at}.partitions`, t.partitions, "set the partitions (1 to 10000)");
    p.wholeNumber(code.replicas, `${at}.replicationFactor`, t.replicationFactor, 1, 50);
    const rf = t.replicationFactor;
    if (
      typeof rf === "number" &&
      Number.isInteger(rf) &&
      (rf > prof.brokers || rf < prof.minInsyncReplicas)
    ) {
      p.add(
        code.replicas,
        `${at}.replicationFactor`,
        rf,
        `must be from min.insync.replicas (${prof.minInsyncReplicas}) to the brokers (${prof.brokers}); leave it unset for the cluster's ${prof.replicationFactor}`,
      );
    }
    p.wholeNumber("SEAWALL_K8S_KAFKA_TOPIC", `${at}.retentionHours`, t.retentionHours, 1, 24 * 365 * 10);
  });
  const users = new Set<string>();
  (args.users ?? []).forEach((u, i) => {
    const at = `users[${i}]`;
    if (typeof u.name !== "string" || !USER_NAME.test(u.name)) {
      p.add(
        code.name,
        `${at}.name`,
        u.name,
        "use 1 to 63 lower-case letters, digits, '.' and '-' (a Kubernetes name)",
      );
    } else if (users.has(u.name)) {
      p.add(code.name, `${at}.name`, u.name, "name each user once");
    }
    users.add(u.name);
    const known = (field: string, topic: string) => {
      if (!names.has(topic)) {
        p.add(
          code.userTopic,
          field,
          topic,
          `add it to topics (${[...names].join(", ") || "none"}) or remove it from the user`,
        );
      }
    };
    if (u.consumes) {
      known(`${at}.consumes.topic`, u.consumes.topic);
      if (typeof u.consumes.group !== "string" || u.consumes.group === "") {
        p.add(
          code.name,
          `${at}.consumes.group`,
          u.consumes.group,
          "name the consumer group the user reads in",
        );
      }
    }
    (u.produces ?? []).forEach((t, j) => known(`${at}.produces[${j}]`, t));
  });
  p.throwIfAny("seawall:kubernetes:EventStream");
}

/**
 * A KRaft Kafka cluster run by Strimzi: the operator (its own namespace, watching the workers'),
 * `Kafka` with dedicated controllers and brokers outside dev (one combined node in dev), persistent
 * volumes, rack awareness, TLS-only listener with SCRAM-SHA-512 (or mTLS), simple authorization,
 * Cruise Control, the Kafka exporter, JMX metrics with PodMonitors and Strimzi's alerts; topics as
 * `KafkaTopic`s and one `KafkaUser` per workload with ACLs on its own topics and group.
 */
export class EventStream extends pulumi.ComponentResource {
  /** How clients reach the brokers (no credentials: see {@link users}). */
  readonly connection: KafkaConnection;
  /** The cluster CA's certificate, which clients verify the brokers with. */
  readonly caSecret: SecretKeyRef;
  /** Per user name: its credentials' Secret, filled by the User Operator. */
  readonly users: Record<string, KafkaUserCredentials>;
  readonly namespace: string;
  readonly clusterName: string;
  readonly operator: StrimziOperator;

  constructor(name: string, args: EventStreamArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:EventStream", name, {}, opts);
    validateEventStreamArgs(args);
    const provider = args.provider;
    const cluster = args.clusterName ?? "seawall";
    const namespace = args.namespace ?? "seawall";
    const auth = args.clientAuthentication ?? "scram-sha-512";
    const profile = eventStreamProfile(args);
    const protect = PROFILES[args.environment].deletionProtection;
    this.namespace = namespace;
    this.clusterName = cluster;

    const ns =
      args.createNamespace === false
        ? []
        : [
            new kubernetes.core.v1.Namespace(`${name}-namespace`, k8sArgs(renderNamespace(namespace), []), {
              parent: this,
              provider,
            }),
          ];
    this.operator = new StrimziOperator(
      `${name}-operator`,
      {
        provider,
        watchNamespaces: [namespace],
        ...(args.operatorNamespace ? { namespace: args.operatorNamespace } : {}),
      },
      { parent: this, dependsOn: ns },
    );
    const child = (deps: pulumi.Input<pulumi.Resource>[], keep = false): pulumi.CustomResourceOptions => ({
      parent: this,
      provider,
      dependsOn: deps,
      ...(keep ? { protect } : {}),
    });
    const cr = (id: string, obj: KubeObject, keep = false) =>
      customResource(
        `${name}-${id}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        asOutput(obj),
        child([...ns, this.operator], keep),
      );

    const input: KafkaClusterInput = {
      cluster,
      namespace,
      profile,
      authentication: auth,
      spreadOverHosts: args.environment !== "dev",
      ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
    };
    const configMaps = renderMetricsConfigMaps(cluster, namespace).map(
      (obj) =>
        new kubernetes.core.v1.ConfigMap(
          `${name}-${obj.metadata.name.replace(`${cluster}-`, "")}`,
          k8sArgs(obj, ["data"]),
          child(ns),
        ),
    );
    const pools = renderNodePools(input).map((obj) => cr(`pool-${obj.metadata.name}`, obj, true));
    const kafka = customResource(
      `${name}-kafka`,
      { apiVersion: "kafka.strimzi.io/v1", kind: "Kafka" },
      asOutput(renderKafka(input)),
      child([...ns, this.operator, ...configMaps, ...pools], true),
    );
    for (const t of args.topics) {
      const obj = renderKafkaTopic(input, t);
      customResource(
        `${name}-topic-${obj.metadata.name}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        asOutput(obj),
        child([kafka], true),
      );
    }
    this.users = {};
    for (const u of args.users) {
      const obj = renderKafkaUser({ cluster, namespace, authentication: auth }, u);
      customResource(
        `${name}-user-${u.name}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        asOutput(obj),
        child([kafka]),
      );
      this.users[u.name] =
        auth === "tls"
          ? {
              username: `CN=${u.name}`,
              secret: { name: u.name, key: "user.key" },
              certificate: { name: u.name, key: "user.crt" },
            }
          : { username: u.name, secret: { name: u.name, key: "password" } };
    }

    const monitoring = [
      ...renderPodMonitors(cluster, namespace, this.operator.namespace),
      renderStrimziPrometheusRule({
        cluster,
        namespace,
        operatorNamespace: this.operator.namespace,
        pools: nodePoolNames(profile),
      }),
    ];
    for (const obj of monitoring) {
      customResource(
        `${name}-${obj.kind === "PrometheusRule" ? "rules" : obj.metadata.name.replace(`${cluster}-`, "")}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        asOutput(obj),
        child([...ns, this.operator, ...(args.monitoringDependsOn ?? [])]),
      );
    }

    this.connection = {
      bootstrapServers: `${cluster}-kafka-bootstrap.${namespace}.svc:${KAFKA_TLS_PORT}`,
      ...(auth === "tls"
        ? { securityProtocol: "SSL" as const }
        : { securityProtocol: "SASL_SSL" as const, saslMechanism: "SCRAM-SHA-512" as const }),
    };
    this.caSecret = { name: `${cluster}-cluster-ca-cert`, key: "ca.crt" };
    this.registerOutputs({
      connection: this.connection,
      caSecret: this.caSecret,
      users: this.users,
      namespace,
    });
  }
}
