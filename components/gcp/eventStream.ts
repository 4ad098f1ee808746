import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { KafkaConnection, KafkaTopic } from "../contracts";
import { isKnown, Problems } from "../validation";
import {
  bootstrapAddress,
  capacityConfig,
  CAPACITY,
  CLUSTER_ID,
  defaultMinInsyncReplicas,
  DEFAULT_REPLICATION_FACTOR,
  MAX_REPLICATION_FACTOR,
  memoryRange,
  RebalanceMode,
  REBALANCE_MODES,
  REGION,
  SERVICE_ACCOUNT_EMAIL,
  SUBNET_ID,
  TOPIC_NAME,
  topicConfigs,
} from "./eventStreamConfig";
import { checkGcpKmsKeyOption, gcpKmsKey, GcpKmsKeyOption } from "./kmsKey";

/** The Managed Kafka API, whose service agent must be able to use the cluster's key. */
export const MANAGED_KAFKA_SERVICE = "managedkafka.googleapis.com";

/** The role that lets a principal connect to a cluster with SASL (OAUTHBEARER or PLAIN) and use it. */
export const MANAGED_KAFKA_CLIENT_ROLE = "roles/managedkafka.client";

export interface EventStreamArgs {
  /**
   * The region of the cluster, e.g. `europe-west1`; the subnets and the key are in it too.
   * @defaultValue - the provider's region (`gcp:region`)
   */
  region?: string;
  /** The project of the cluster, its key and the IAM grants. @defaultValue - the provider's project (`gcp:project`) */
  project?: string;
  /**
   * Subnets the brokers' and bootstrap addresses are created in (Private Service Connect), as
   * `projects/PROJECT/regions/REGION/subnetworks/SUBNET`: one per VPC network that clients use,
   * 1 to 10, in the cluster's region (the Network's subnet ids). There is no public endpoint.
   * See https://cloud.google.com/managed-service-for-apache-kafka/docs/reference/rest/v1/projects.locations.clusters
   */
  subnetIds: pulumi.Input<string>[];
  /**
   * The cluster id, the last part of its name and of the bootstrap address: 1 to 63 lower-case
   * letters, digits and hyphens, starting with a letter.
   * @defaultValue - the component's name
   */
  clusterId?: string;
  /** vCPUs of the whole cluster (3 or more). @defaultValue 3 */
  vcpuCount?: number;
  /** Memory of the whole cluster, GiB: 1 to 8 GiB per vCPU and at least 3. @defaultValue 12 */
  memoryGiB?: number;
  /**
   * What the cluster does with partitions when it grows: `AUTO_REBALANCE_ON_SCALE_UP` moves them
   * onto new brokers, so added capacity is used; `NO_REBALANCE` leaves that to an operator.
   * @defaultValue "AUTO_REBALANCE_ON_SCALE_UP"
   */
  rebalanceMode?: RebalanceMode;
  /** Replication factor of topics that do not set one (1 to 3; one copy per zone). @defaultValue 3 */
  defaultReplicationFactor?: number;
  /**
   * `min.insync.replicas` of every topic: copies that must have a write before it is acknowledged,
   * below the topic's replication factor (a topic with fewer copies gets its copies less one).
   * Managed Kafka has no cluster-wide broker settings here, so it is set per topic.
   * @defaultValue - the replication factor less one (at least 1)
   */
  minInsyncReplicas?: number;
  /** Topics to create, with their retention and compaction. @defaultValue [] */
  topics?: KafkaTopic[];
  /**
   * Service accounts of the workloads that produce and consume (emails). Each is granted
   * `roles/managedkafka.client` on the project: IAM offers the connect permission per project, not
   * per cluster; topic-level access, if wanted, is Kafka ACLs (`gcp.managedkafka.Acl`).
   * @defaultValue []
   */
  clientServiceAccounts?: pulumi.Input<string>[];
  /**
   * The customer-managed key of the cluster's data. Managed Kafka cannot change it after creation.
   * Google-managed encryption (`skip`) is refused. A brought key must be in the cluster's region.
   * @defaultValue - a key ring and key are created in the region, rotated every 90 days, and the
   * Managed Kafka service agent is granted it before the cluster is created
   */
  kmsKey?: GcpKmsKeyOption;
  /** Protect the cluster, its topics and its key from deletion (`protect`). @defaultValue true */
  protect?: boolean;
  /** Labels for every resource that takes them. @defaultValue {} */
  labels?: Record<string, string>;
}

const DEFAULTS = {
  vcpuCount: 3,
  memoryGiB: 12,
  rebalanceMode: "AUTO_REBALANCE_ON_SCALE_UP" as RebalanceMode,
};

const isWholeNumber = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/**
 * Checks an {@link EventStreamArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `region` is the resolved region, when
 * known, that subnets and a brought key must be in.
 */
export function validateEventStreamArgs(
  args: EventStreamArgs,
  region: string | undefined = args.region,
): void {
  const p = new Problems();
  if (region === undefined || !REGION.test(region)) {
    p.add(
      "SEAWALL_GCP_EVENTSTREAM_REGION",
      "region",
      region,
      'set region (or the gcp:region config) to a region code such as "europe-west1"',
    );
  }
  if (!Array.isArray(args.subnetIds) || args.subnetIds.length < 1 || args.subnetIds.length > 10) {
    p.add(
      "SEAWALL_GCP_EVENTSTREAM_SUBNETS",
      "subnetIds",
      args.subnetIds,
      "give 1 to 10 subnets, one per VPC network whose workloads use the cluster (the Network's subnet ids)",
    );
  } else {
    args.subnetIds.forEach((subnet, i) => {
      if (!isKnown(subnet)) return;
      const m = typeof subnet === "string" ? SUBNET_ID.exec(subnet) : null;
      if (!m) {
        p.add(
          "SEAWALL_GCP_EVENTSTREAM_SUBNET_ID",
          `subnetIds[${i}]`,
          subnet,
          "must be projects/PROJECT/regions/REGION/subnetworks/SUBNET",
        );
      } else if (region && REGION.test(region) && m[2] !== region) {
        p.add(
          "SEAWALL_GCP_EVENTSTREAM_SUBNET_REGION",
          `subnetIds[${i}]`,
          subnet,
          `is in ${m[2]}, but Managed Kafka takes only subnets in the cluster's region (${region})`,
        );
      }
    });
  }
  if (args.clusterId !== undefined && !CLUSTER_ID.test(args.clusterId)) {
    p.add(
      "SEAWALL_GCP_EVENTSTREAM_CLUSTER_ID",
      "clusterId",
      args.clusterId,
      "must be 1-63 lower-case letters, digits and hyphens, start with a letter and not end with a hyphen",
    );
  }
  const vcpus = args.vcpuCount ?? DEFAULTS.vcpuCount;
  p.wholeNumber(
    "SEAWALL_GCP_EVENTSTREAM_VCPU",
    "vcpuCount",
    args.vcpuCount,
    CAPACITY.minVcpus,
    Number.MAX_SAFE_INTEGER,
    "Managed Kafka needs at least 3 vCPUs",
  );
  const memory = args.memoryGiB ?? DEFAULTS.memoryGiB;
  if (!isWholeNumber(memory) || memory < 1) {
    p.add(
      "SEAWALL_GCP_EVENTSTREAM_MEMORY",
      "memoryGiB",
      memory,
      "must be a whole number of GiB, 1 to 8 per vCPU and at least 3",
    );
  } else if (isWholeNumber(vcpus) && vcpus >= CAPACITY.minVcpus) {
    const { min, max } = memoryRange(vcpus);
    if (memory < min || memory > max) {
      p.add(
        "SEAWALL_GCP_EVENTSTREAM_MEMORY",
        "memoryGiB",
        memory,
        `must be ${min} to ${max} GiB for ${vcpus} vCPUs: Managed Kafka takes 1 to 8 GiB per vCPU and at least 3 GiB`,
      );
    }
  }
  if (args.rebalanceMode !== undefined && !REBALANCE_MODES.includes(args.rebalanceMode)) {
    p.add(
      "SEAWALL_GCP_EVENTSTREAM_REBALANCE",
      "rebalanceMode",
      args.rebalanceMode,
      `must be one of ${REBALANCE_MODES.join(", ")}`,
    );
  }
  p.wholeNumber(
    "SEAWALL_EVENTSTREAM_REPLICATION_FACTOR",
    "defaultReplicationFactor",
    args.defaultReplicationFactor,
    1,
    MAX_REPLICATION_FACTOR,
    "Managed Kafka spreads brokers over three zones",
  );
  const rf = args.defaultReplicationFactor ?? DEFAULT_REPLICATION_FACTOR;
  p.wholeNumber(
    "SEAWALL_EVENTSTREAM_MIN_INSYNC",
    "minInsyncReplicas",
    args.minInsyncReplicas,
    1,
    Math.max(1, rf),
  );
  if (isWholeNumber(rf) && rf > 1 && args.minInsyncReplicas === rf) {
    p.add(
      "SEAWALL_EVENTSTREAM_MIN_INSYNC_EQUALS_RF",
      "minInsyncReplicas",
      args.minInsyncReplicas,
      `must be below the replication factor (${rf}) or writes stop whenever one broker is down; use ${rf - 1}`,
    );
  }
  const seen = new Set<string>();
  (args.topics ?? []).forEach((t, i) => {
    const f = `topics[${i}]`;
    if (typeof t.name !== "string" || !TOPIC_NAME.test(t.name) || t.name === "." || t.name === "..") {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_NAME",
        `${f}.name`,
        t.name,
        "must be 1-249 letters, digits, dots, underscores or hyphens",
      );
    } else if (seen.has(t.name)) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE",
        `${f}.name`,
        t.name,
        "is declared twice; declare each topic once",
      );
    }
    seen.add(t.name);
    if (t.partitions === undefined) {
      p.add(
        "SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS",
        `${f}.partitions`,
        t.partitions,
        "set the number of partitions (1 or more)",
      );
    }
    p.wholeNumber("SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", `${f}.partitions`, t.partitions, 1, 10000);
    p.wholeNumber(
      "SEAWALL_EVENTSTREAM_TOPIC_REPLICATION",
      `${f}.replicationFactor`,
      t.replicationFactor,
      1,
      MAX_REPLICATION_FACTOR,
      "Managed Kafka spreads brokers over three zones",
    );
    p.wholeNumber("SEAWALL_EVENTSTREAM_TOPIC_RETENTION", `${f}.retentionHours`, t.retentionHours, 1, 876_000);
  });
  (args.clientServiceAccounts ?? []).forEach((email, i) => {
    if (isKnown(email) && (typeof email !== "string" || !SERVICE_ACCOUNT_EMAIL.test(email))) {
      p.add(
        "SEAWALL_GCP_EVENTSTREAM_CLIENT_ACCOUNT",
        `clientServiceAccounts[${i}]`,
        email,
        "must be a service account email, NAME@PROJECT.iam.gserviceaccount.com",
      );
    }
  });
  checkGcpKmsKeyOption(p, "kmsKey", args.kmsKey, {
    allowSkip: false,
    why: "Managed Kafka encrypts the event log with it, and cannot change the key after creation",
    location: region,
  });
  p.throwIfAny("seawall:gcp:EventStream: invalid arguments");
}

/**
 * A Kafka event stream on Google Cloud Managed Service for Apache Kafka: brokers reachable only
 * through the given subnets (Private Service Connect), the event log encrypted with a
 * customer-managed key that the Managed Kafka service agent is granted before the cluster exists,
 * TLS on every connection and SASL authentication with Google identities (OAUTHBEARER with access
 * tokens; the service has no unauthenticated listener), partitions rebalanced when the cluster
 * grows, and the declared topics with their retention, compaction and `min.insync.replicas`.
 *
 * What MSK offers and Managed Kafka does not: broker settings such as `auto.create.topics.enable`
 * are the service's own (topics are declared here, and clients get `roles/managedkafka.client`,
 * which does not create topics through the Managed Kafka API); storage is sized by the service.
 */
export class EventStream extends pulumi.ComponentResource {
  /** How clients connect: the cloud-neutral contract (SASL_SSL, OAUTHBEARER, port 9092). */
  readonly connection: pulumi.Output<KafkaConnection>;
  readonly cluster: gcp.managedkafka.Cluster;
  /** `projects/PROJECT/locations/REGION/clusters/ID`. */
  readonly clusterName: pulumi.Output<string>;
  /** The full id of the cluster's key. */
  readonly kmsKeyId: pulumi.Output<string>;
  readonly topics: gcp.managedkafka.Topic[];

  constructor(name: string, args: EventStreamArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:EventStream", name, {}, opts);
    const region = args.region ?? gcp.config.region;
    validateEventStreamArgs(args, region);
    const location = region as string;
    const project = args.project ?? gcp.config.project;

    const labels = { ...args.labels, "seawall-component": "event-stream" };
    const protect = args.protect ?? true;
    const rf = args.defaultReplicationFactor ?? DEFAULT_REPLICATION_FACTOR;
    const minInsync = args.minInsyncReplicas ?? defaultMinInsyncReplicas(rf);

    const key = gcpKmsKey(this, `${name}-key`, args.kmsKey, {
      location,
      serviceAgents: [MANAGED_KAFKA_SERVICE],
      protect,
      labels,
      project,
    });
    this.kmsKeyId = key.keyId!;

    this.cluster = new gcp.managedkafka.Cluster(
      name,
      {
        clusterId: args.clusterId ?? name,
        location,
        project,
        capacityConfig: capacityConfig(
          args.vcpuCount ?? DEFAULTS.vcpuCount,
          args.memoryGiB ?? DEFAULTS.memoryGiB,
        ),
        gcpConfig: {
          accessConfig: { networkConfigs: args.subnetIds.map((subnet) => ({ subnet })) },
          kmsKey: key.keyId,
        },
        rebalanceConfig: { mode: args.rebalanceMode ?? DEFAULTS.rebalanceMode },
        labels,
      },
      // The service agent must hold the key before the cluster is created with it.
      { parent: this, protect, dependsOn: key.grants },
    );
    this.clusterName = this.cluster.name;

    this.topics = (args.topics ?? []).map((topic) => {
      const topicRf = topic.replicationFactor ?? rf;
      return new gcp.managedkafka.Topic(
        `${name}-topic-${topic.name}`,
        {
          cluster: this.cluster.clusterId,
          location,
          project,
          topicId: topic.name,
          partitionCount: topic.partitions,
          replicationFactor: topicRf,
          configs: topicConfigs(topic, topicRf, minInsync),
        },
        { parent: this, protect },
      );
    });

    (args.clientServiceAccounts ?? []).forEach((email, i) => {
      new gcp.projects.IAMMember(
        `${name}-client-${i}`,
        {
          project: project ?? this.cluster.project,
          role: MANAGED_KAFKA_CLIENT_ROLE,
          member: pulumi.interpolate`serviceAccount:${email}`,
        },
        { parent: this },
      );
    });

    this.connection = pulumi
      .all([this.cluster.clusterId, this.cluster.location, this.cluster.project])
      .apply(([id, at, inProject]) => ({
        bootstrapServers: bootstrapAddress(id, at, inProject),
        securityProtocol: "SASL_SSL" as const,
        saslMechanism: "OAUTHBEARER" as const,
        oauthProvider: "gcp" as const,
      }));

    this.registerOutputs({
      connection: this.connection,
      clusterName: this.clusterName,
      kmsKeyId: this.kmsKeyId,
    });
  }
}
