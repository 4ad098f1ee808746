/**
 * One `KafkaUser` per workload, with simple-authorization ACLs limited to what the workload reads
 * (its input topic and its consumer group) and writes (its output topics and the dead-letter topic),
 * and the helper that derives those users from the stage workers' workloads as the runtime names
 * their topics and groups.
 *
 * What each stage writes (runtime/src/stages): `ingest` the valid topic (`TOPIC_VALID`); `dedup` the
 * events topic (`TOPIC_EVENTS`) and the features topic (`TOPIC_FEATURES`, one snapshot per entity per
 * batch); `lake-sink` and `feature-writer` nothing but dead letters; every consuming stage the
 * dead-letter topic (`TOPIC_DEAD_LETTER`); the feature server touches no topic. A chain writes what
 * its members write, less what it hands over in memory: the valid topic (ingest → dedup) and the
 * events topic when the lake sink is chained; the features topic is always kept for other readers
 * (runtime/src/stages/chain.ts).
 */
import { workerEnvSchema } from "../../runtime/src/config";
import type { KafkaClientAuthentication } from "./strimziRender";
import { STRIMZI_API_VERSION } from "./strimziRender";
import { isConsuming, type StageWorkload, workloadInput, workloadName } from "./stageWorkersConfig";
import type { KubeObject } from "./stageWorkersRender";

/** A Kafka client: what it consumes (topic and group) and the topics it produces to. */
export interface KafkaUserSpec {
  /** The KafkaUser's name, also its SCRAM user name and its Secret's name. */
  name: string;
  consumes?: { topic: string; group: string };
  produces: string[];
}

type TopicVar = "TOPIC_RAW" | "TOPIC_VALID" | "TOPIC_EVENTS" | "TOPIC_FEATURES" | "TOPIC_DEAD_LETTER";

const topicOf = (env: Record<string, unknown>, k: TopicVar): string =>
  typeof env[k] === "string" && env[k] !== ""
    ? (env[k] as string)
    : workerEnvSchema.shape[k].parse(undefined);

/** The topics a workload writes, dead-letter topic last; [] for the feature server. */
export function workloadOutputs(
  w: Pick<StageWorkload, "stages">,
  env: Record<string, unknown> = {},
): string[] {
  if (!isConsuming(w as StageWorkload)) return [];
  const has = (s: string) => (w.stages as string[]).includes(s);
  const out: string[] = [];
  if (has("ingest") && !has("dedup")) out.push(topicOf(env, "TOPIC_VALID"));
  if (has("dedup")) {
    if (!has("lake-sink")) out.push(topicOf(env, "TOPIC_EVENTS"));
    out.push(topicOf(env, "TOPIC_FEATURES"));
  }
  out.push(topicOf(env, "TOPIC_DEAD_LETTER"));
  return out;
}

/**
 * The Kafka users of the stage workers' workloads: `seawall-<workload name>`, consuming the
 * workload's input topic in its consumer group, producing its outputs. The feature server gets none.
 * `env` holds the workers' `KAFKA_GROUP_PREFIX` and `TOPIC_*` overrides, if any.
 */
export function kafkaUsersForWorkloads(
  workloads: readonly StageWorkload[],
  env: Record<string, unknown> = {},
): KafkaUserSpec[] {
  return workloads.flatMap((w) => {
    const input = workloadInput(w, env);
    if (!input) return [];
    return [{ name: `seawall-${workloadName(w)}`, consumes: input, produces: workloadOutputs(w, env) }];
  });
}

/** One ACL rule, as the KafkaUser CRD takes it. */
interface Acl {
  resource: { type: "topic" | "group"; name: string; patternType: "literal" };
  operations: string[];
}

/**
 * The user's ACLs, literal names only: Read (and Describe) on its input topic and Read on its
 * consumer group; Write (and Describe) on each topic it produces to. Nothing on the cluster, no
 * prefixes, no wildcards.
 */
export function userAcls(user: KafkaUserSpec): Acl[] {
  const topic = (name: string, operations: string[]): Acl => ({
    resource: { type: "topic", name, patternType: "literal" },
    operations,
  });
  const acls: Acl[] = [];
  if (user.consumes) {
    acls.push(topic(user.consumes.topic, ["Read", "Describe"]), {
      resource: { type: "group", name: user.consumes.group, patternType: "literal" },
      operations: ["Read"],
    });
  }
  for (const t of user.produces) acls.push(topic(t, ["Write", "Describe"]));
  return acls;
}

/** The `KafkaUser`: SCRAM-SHA-512 (the User Operator generates the password) or TLS, with its ACLs. */
export function renderKafkaUser(
  input: { cluster: string; namespace: string; authentication: KafkaClientAuthentication },
  user: KafkaUserSpec,
): KubeObject {
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: "KafkaUser",
    metadata: {
      name: user.name,
      namespace: input.namespace,
      labels: {
        "app.kubernetes.io/part-of": "seawall",
        "app.kubernetes.io/managed-by": "pulumi",
        "strimzi.io/cluster": input.cluster,
      },
    },
    spec: {
      authentication: { type: input.authentication },
      authorization: { type: "simple", acls: userAcls(user) },
    },
  };
}
