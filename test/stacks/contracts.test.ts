import type { z } from "zod";
import type { KafkaConnection, ObjectStoreLocation, RedisConnection } from "../../components/contracts";
import {
  kafkaConnectionSchema,
  objectStoreLocationSchema,
  parseWorkerEnv,
  redisConnectionSchema,
  workerEnvFromContracts,
} from "../../runtime/src/config";
import { Secret } from "../../scripts/synth/harness";
import { listStacks, loadStackConfig, synthesizeStack } from "../../scripts/synth/stacks";

/**
 * The platform's connection contracts (components/contracts.ts) and the runtime's schema of them
 * (runtime/src/config.ts) are two definitions of one interface, kept apart so the runtime's image
 * never carries Pulumi. These tests keep them one.
 */

jest.setTimeout(120000);

// Compile-time: every contract value a platform exports is a value the runtime accepts.
type Accepts<Runtime, Platform extends Runtime> = Platform;
export type ContractsFit = [
  Accepts<z.input<typeof kafkaConnectionSchema>, KafkaConnection>,
  Accepts<z.input<typeof redisConnectionSchema>, RedisConnection>,
  Accepts<z.input<typeof objectStoreLocationSchema>, ObjectStoreLocation>,
];

const unwrap = (v: unknown): unknown => (v instanceof Secret ? unwrap(v.value) : v);

/** Each cloud's lake scheme and Kafka topic resource, and the topic's name in its inputs. */
const CLOUD: Record<
  string,
  { scheme: string; topicType: string; topicName: (i: Record<string, unknown>) => unknown }
> = {
  aws: { scheme: "s3", topicType: "aws:msk/topic:Topic", topicName: (i) => i.name },
  gcp: { scheme: "gs", topicType: "gcp:managedkafka/topic:Topic", topicName: (i) => i.topicId },
  azure: { scheme: "abfss", topicType: "azure-native:eventhub:EventHub", topicName: (i) => i.eventHubName },
  kubernetes: {
    scheme: "s3",
    topicType: "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
    topicName: (i) => (i.spec as { topicName?: string }).topicName ?? (i.metadata as { name: string }).name,
  },
};

describe.each(listStacks())("the %s stack, as the workers see it", (stack) => {
  it("exports connections the runtime parses, and declares every topic the workers use", async () => {
    const { outputs, resources } = await synthesizeStack(stack);
    const cloud = CLOUD[outputs.cloud.value as string];
    const kafka = kafkaConnectionSchema.strict().parse(unwrap(outputs.kafka.value));
    const redis = redisConnectionSchema.strict().parse(unwrap(outputs.redis.value));
    const lake = objectStoreLocationSchema.strict().parse(unwrap(outputs.objectStore.value));
    // A SCRAM user's name and password come from its Secret (a KafkaUser's on the kubernetes target).
    const scram = kafka.saslMechanism?.startsWith("SCRAM")
      ? { KAFKA_USERNAME: "u", KAFKA_PASSWORD: "p" }
      : {};
    const cfg = parseWorkerEnv({
      ...workerEnvFromContracts({ kafka, redis, lake }),
      ...scram,
      KAFKA_CLIENT_REGION: lake.region,
      REDIS_AUTH: redis.authSecret,
    });
    expect(cfg).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: kafka.securityProtocol,
      // Behind Sentinel the workers ask the Sentinels for the primary instead.
      ...(redis.sentinel
        ? { REDIS_SENTINELS: redis.sentinel.sentinels, REDIS_SENTINEL_MASTER: redis.sentinel.masterName }
        : { REDIS_HOST: redis.host, REDIS_PORT: redis.port }),
      REDIS_TLS: true,
      LAKE_SCHEME: cloud.scheme,
      LAKE_BUCKET: lake.bucket,
    });
    expect(cfg.LAKE_REPLICA).toBe(lake.replica?.bucket);
    expect(cfg.LAKE_REPLICA_REGION).toBe(lake.replica?.region);
    // The brokers create no topic on first use here: the stack declares every topic the workers use.
    const declared = resources
      .filter((r) => r.type === cloud.topicType)
      .map((r) => cloud.topicName(r.inputs));
    const used = [
      cfg.TOPIC_RAW,
      cfg.TOPIC_VALID,
      cfg.TOPIC_EVENTS,
      cfg.TOPIC_FEATURES,
      cfg.TOPIC_DEAD_LETTER,
    ];
    expect(declared.sort()).toEqual(used.sort());
    if (stack.startsWith("prod-"))
      expect(lake.replica).toEqual({
        bucket: expect.any(String),
        region: loadStackConfig(stack)["seawall:replicaRegion"],
      });
  });
});
