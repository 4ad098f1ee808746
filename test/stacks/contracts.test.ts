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

/** Each cloud's lake scheme and Kafka topic resource, and the input that names the topic. */
const CLOUD: Record<string, { scheme: string; topicType: string; topicName: string }> = {
  aws: { scheme: "s3", topicType: "aws:msk/topic:Topic", topicName: "name" },
  gcp: { scheme: "gs", topicType: "gcp:managedkafka/topic:Topic", topicName: "topicId" },
  azure: { scheme: "abfss", topicType: "azure-native:eventhub:EventHub", topicName: "eventHubName" },
};

describe.each(listStacks())("the %s stack, as the workers see it", (stack) => {
  it("exports connections the runtime parses, and declares every topic the workers use", async () => {
    const { outputs, resources } = await synthesizeStack(stack);
    const cloud = CLOUD[outputs.cloud.value as string];
    const kafka = kafkaConnectionSchema.strict().parse(unwrap(outputs.kafka.value));
    const redis = redisConnectionSchema.strict().parse(unwrap(outputs.redis.value));
    const lake = objectStoreLocationSchema.strict().parse(unwrap(outputs.objectStore.value));
    const cfg = parseWorkerEnv({
      ...workerEnvFromContracts({ kafka, redis, lake }),
      KAFKA_CLIENT_REGION: lake.region,
      REDIS_AUTH: redis.authSecret,
    });
    expect(cfg).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: kafka.securityProtocol,
      REDIS_HOST: redis.host,
      REDIS_PORT: redis.port,
      REDIS_TLS: true,
      LAKE_SCHEME: cloud.scheme,
      LAKE_BUCKET: lake.bucket,
    });
    expect(cfg.LAKE_REPLICA).toBe(lake.replica?.bucket);
    expect(cfg.LAKE_REPLICA_REGION).toBe(lake.replica?.region);
    // The brokers create no topic on first use here: the stack declares every topic the workers use.
    const declared = resources
      .filter((r) => r.type === cloud.topicType)
      .map((r) => r.inputs[cloud.topicName]);
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
