import { KafkaTopic } from "../contracts";

/**
 * Pure logic of the MSK event stream: the broker configuration it renders, the names that follow the
 * Kafka version, and each topic's configuration. No Pulumi here, so it is tested directly.
 */

/**
 * The Kafka version new clusters get: the current MSK line, in KRaft mode. MSK fixes a cluster's
 * metadata mode (ZooKeeper or KRaft) at creation and ZooKeeper ends with Kafka 3.9, so new
 * clusters start on KRaft.
 */
export const DEFAULT_KAFKA_VERSION = "4.1.x.kraft";

/** MSK Kafka versions: `4.1.x.kraft`, `3.9.x`, `2.8.2.tiered`, ... */
export const KAFKA_VERSION = /^\d+\.\d+\.(\d+|x)(\.(kraft|tiered))?$/;

/** Topic names Kafka accepts. */
export const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Broker settings the component owns; a user's `serverProperties` may not set them. */
export const OWNED_PROPERTIES = [
  "auto.create.topics.enable",
  "unclean.leader.election.enable",
  "default.replication.factor",
  "min.insync.replicas",
] as const;

export interface BrokerSettings {
  defaultReplicationFactor: number;
  minInsyncReplicas: number;
  /** Further `server.properties` entries. */
  extra?: Record<string, string | number | boolean>;
}

/**
 * The `server.properties` of the MSK configuration: topics are created on purpose (never by a
 * client's typo), a replica that is behind never becomes leader (no silent data loss), and a write
 * is acknowledged only once `min.insync.replicas` copies have it. Keys sorted, one per line.
 */
export function renderServerProperties(s: BrokerSettings): string {
  const props: Record<string, string> = {
    "auto.create.topics.enable": "false",
    "unclean.leader.election.enable": "false",
    "default.replication.factor": String(s.defaultReplicationFactor),
    "min.insync.replicas": String(s.minInsyncReplicas),
    "num.partitions": "3",
    "offsets.topic.replication.factor": String(s.defaultReplicationFactor),
    "transaction.state.log.replication.factor": String(s.defaultReplicationFactor),
    "transaction.state.log.min.isr": String(s.minInsyncReplicas),
  };
  for (const [key, value] of Object.entries(s.extra ?? {})) props[key] = String(value);
  return (
    Object.keys(props)
      .sort()
      .map((k) => `${k}=${props[k]}`)
      .join("\n") + "\n"
  );
}

/** The default replication factor for a cluster of `brokers`: three copies where there are three brokers. */
export function defaultReplicationFactor(brokers: number): number {
  return Math.min(3, brokers);
}

/** The default `min.insync.replicas`: one fewer than the copies, so a write survives one broker down. */
export function defaultMinInsyncReplicas(replicationFactor: number): number {
  return Math.max(1, replicationFactor - 1);
}

/**
 * A name-safe form of the Kafka version (`4.1.x.kraft` → `4-1-x-kraft`). The configuration's logical name
 * carries it, so a new version gets a new configuration (and revision) instead of an in-place edit
 * that MSK refuses.
 */
export function versionSlug(version: string): string {
  return version.toLowerCase().replace(/[^a-z0-9]+/g, "-");
}

/** A topic's configuration overrides, as the MSK topic resource takes them. */
export function topicConfigs(topic: KafkaTopic): Record<string, string> {
  const configs: Record<string, string> = {};
  if (topic.compaction) configs["cleanup.policy"] = "compact";
  if (topic.retentionHours !== undefined) configs["retention.ms"] = String(topic.retentionHours * 3_600_000);
  return configs;
}

export interface ClientPolicyInputs {
  /** `arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>` */
  clusterArn: string;
  /** The SCRAM credentials secret and its key, when clients use SCRAM. */
  scram?: { secretArn: string; keyArn: string };
}

/**
 * The IAM policy the pipeline's workers need to use the cluster: with IAM auth, connect, read and
 * write (idempotently) the cluster's topics and join its consumer groups, and nothing else (no
 * topic creation or deletion: topics are declared); with SCRAM, read the credentials secret.
 * See https://docs.aws.amazon.com/msk/latest/developerguide/iam-access-control.html
 */
export function clientPolicy(inputs: ClientPolicyInputs) {
  const [prefix, path] = inputs.clusterArn.split(":cluster/");
  const statements: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string | string[] }[] = [];
  if (inputs.scram) {
    statements.push(
      {
        Sid: "ReadScramCredentials",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
        Resource: inputs.scram.secretArn,
      },
      {
        Sid: "DecryptScramCredentials",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: inputs.scram.keyArn,
      },
    );
  } else {
    statements.push(
      {
        Sid: "ConnectToCluster",
        Effect: "Allow",
        Action: [
          "kafka-cluster:Connect",
          "kafka-cluster:DescribeCluster",
          "kafka-cluster:WriteDataIdempotently",
        ],
        Resource: inputs.clusterArn,
      },
      {
        Sid: "ReadAndWriteTopics",
        Effect: "Allow",
        Action: ["kafka-cluster:DescribeTopic", "kafka-cluster:ReadData", "kafka-cluster:WriteData"],
        Resource: `${prefix}:topic/${path}/*`,
      },
      {
        Sid: "JoinConsumerGroups",
        Effect: "Allow",
        Action: ["kafka-cluster:DescribeGroup", "kafka-cluster:AlterGroup"],
        Resource: `${prefix}:group/${path}/*`,
      },
    );
  }
  return { Version: "2012-10-17" as const, Statement: statements };
}
