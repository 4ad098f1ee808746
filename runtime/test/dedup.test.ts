import type { InRecord, OutRecord, ProducerTransport } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import type { Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { createDedup } from "../src/stages/dedup";
import { featureKey, type FeatureSnapshot } from "../src/features";
import { createFeatureWriter } from "../src/stages/featureWriter";
import { unique, useRedis } from "./support";

jest.setTimeout(60000);

const local = useRedis();
let redis: Redis;
beforeAll(() => {
  redis = local.client;
});

class CapturingProducer implements ProducerTransport {
  sent: OutRecord[] = [];
  async send(records: OutRecord[]) {
    this.sent.push(...records);
  }
  async close() {}
}

const rec = (
  topic: string,
  offset: number,
  e: { eventId: string; entity: string; ts: number; value: number },
): InRecord => ({
  topic,
  partition: 0,
  offset,
  key: Buffer.from(e.entity),
  value: Buffer.from(JSON.stringify(e)),
  headers: {},
});

function setup(windowSeconds = 60) {
  const producer = new CapturingProducer();
  const metrics = createMetrics("dedup");
  const cfg = {
    TOPIC_EVENTS: "events",
    TOPIC_FEATURES: "features",
    TOPIC_DEAD_LETTER: "dlq",
    DEDUP_TTL_SECONDS: 600,
    FEATURE_WINDOW_SECONDS: windowSeconds,
    DEAD_LETTER_MAX_BYTES: 262144,
  };
  const stage = createDedup(cfg, {
    producer,
    redis,
    redisPolicy: callPolicy({ dependency: "redis" }),
    metrics,
  });
  return { producer, metrics, stage };
}

const features = (sent: OutRecord[]) =>
  sent.filter((r) => r.topic === "features").map((r) => JSON.parse(r.value.toString()) as FeatureSnapshot);

describe("dedup", () => {
  it("drops repeats of an event id, in and across batches, and keeps a replay of the same record", async () => {
    const { producer, stage, metrics } = setup();
    const topic = unique("valid");
    const a = { eventId: unique("a"), entity: "u1", ts: 1000, value: 1 };
    const b = { eventId: unique("b"), entity: "u1", ts: 2000, value: 2 };
    await stage.process([rec(topic, 0, a), rec(topic, 1, b), rec(topic, 2, a)], 1);
    await stage.process([rec(topic, 3, b)], 1);
    // The same batch again (a crash before commit): same positions, so re-emitted, not dropped.
    await stage.process([rec(topic, 0, a), rec(topic, 1, b)], 1);
    const events = producer.sent
      .filter((r) => r.topic === "events")
      .map((r) => JSON.parse(r.value.toString()).eventId);
    expect(events).toEqual([a.eventId, b.eventId, a.eventId, b.eventId]);
    expect((await metrics.duplicates.get()).values[0].value).toBe(2);
    const snaps = features(producer.sent);
    expect(snaps.at(-1)).toEqual({
      entity: "u1",
      count: 2,
      sum: 3,
      mean: 1.5,
      windowEnd: 2000,
      windowSeconds: 60,
      version: 2,
    });
  });

  it("computes count, sum and mean over the window ending at the entity's latest event", async () => {
    const { producer, stage } = setup(10);
    const topic = unique("valid");
    const entity = unique("u");
    const evs = [0, 5000, 9000, 12000, 25000].map((ts, i) => ({
      eventId: unique("e"),
      entity,
      ts,
      value: i + 1,
    }));
    await stage.process(
      evs.slice(0, 3).map((e, i) => rec(topic, i, e)),
      1,
    );
    expect(features(producer.sent).at(-1)).toMatchObject({ count: 3, sum: 6, windowEnd: 9000 });
    await stage.process([rec(topic, 3, evs[3])], 1);
    // Window [2000, 12000]: the event at 0 falls out.
    expect(features(producer.sent).at(-1)).toMatchObject({
      count: 3,
      sum: 2 + 3 + 4,
      mean: 3,
      windowEnd: 12000,
    });
    await stage.process([rec(topic, 4, evs[4])], 1);
    expect(features(producer.sent).at(-1)).toMatchObject({ count: 1, sum: 5, windowEnd: 25000, version: 5 });
    // A late event outside the window is counted in the version, never in the window.
    await stage.process([rec(topic, 5, { eventId: unique("late"), entity, ts: 1000, value: 100 })], 1);
    expect(features(producer.sent).at(-1)).toMatchObject({ count: 1, sum: 5, version: 6 });
  });

  it("dead-letters a record that is not an event instead of failing the batch", async () => {
    const { producer, stage } = setup();
    const topic = unique("valid");
    const bad: InRecord = {
      topic,
      partition: 0,
      offset: 9,
      key: null,
      value: Buffer.from("nope"),
      headers: {},
    };
    const noValue = rec(topic, 10, {
      eventId: unique("nv"),
      entity: "u",
      ts: 5,
      value: "x" as unknown as number,
    });
    await stage.process([bad, noValue], 1);
    expect(producer.sent).toHaveLength(2);
    expect(producer.sent[0]).toMatchObject({
      topic: "dlq",
      headers: { "x-reason": "not-an-event", "x-source-offset": "9" },
    });
    expect(producer.sent[1]).toMatchObject({
      topic: "dlq",
      headers: {
        "x-detail": "ts must be an integer and value a finite number within ±1000000000000000",
        "x-source-offset": "10",
      },
    });
  });
});

describe("feature writer", () => {
  it("writes the newest snapshot per entity with a TTL and never moves back to an older one", async () => {
    const stage = createFeatureWriter(
      { FEATURE_TTL_SECONDS: 120 },
      {
        redis,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics: createMetrics("feature-writer"),
        deadLetter: async (rejected) => {
          if (rejected.length > 0) throw new Error(`unexpected dead letters: ${rejected.length}`);
        },
      },
    );
    const entity = unique("u");
    const snap = (version: number, count: number): InRecord => ({
      topic: "features",
      partition: 0,
      offset: version,
      key: null,
      value: Buffer.from(
        JSON.stringify({
          entity,
          count,
          sum: count * 2,
          mean: 2,
          windowEnd: version,
          windowSeconds: 60,
          version,
        }),
      ),
      headers: {},
    });
    await stage.process([snap(1, 1), snap(3, 3), snap(2, 2)], 1);
    expect(await redis.hGetAll(featureKey(entity))).toMatchObject({ version: "3", count: "3", sum: "6" });
    await stage.process([snap(2, 2)], 1);
    expect((await redis.hGetAll(featureKey(entity))).count).toBe("3");
    const ttl = await redis.ttl(featureKey(entity));
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });
});
