/**
 * No silent drops: what the lake sink and the feature writer cannot use goes to the dead-letter
 * sink with its reason, and what they can use is still processed; and the lake's claims survive a
 * Redis that forgot them (the sink rebuilds them from the lake before it claims again).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Rejected } from "../src/deadLetter";
import { featureKey } from "../src/features";
import type { InRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import { callPolicy } from "../src/resilience";
import { createFeatureWriter } from "../src/stages/featureWriter";
import { createLakeSink } from "../src/stages/lakeSink";
import { FsObjectStore } from "../src/store/fsStore";
import { readLake, unique, useRedis } from "./support";

jest.setTimeout(60000);

const local = useRedis();
const rec = (topic: string, offset: number, value: string | null): InRecord => ({
  topic,
  partition: 0,
  offset,
  key: null,
  value: value === null ? null : Buffer.from(value),
  headers: {},
});

describe("no silent drops", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "seawall-drops-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sink = (rejected: Rejected[]) =>
    createLakeSink(
      { LAKE_PREFIX: "lake", DEDUP_TTL_SECONDS: 600, LAKE_FORMAT: "jsonl.gz" },
      {
        store: new FsObjectStore(dir),
        storePolicy: callPolicy({ dependency: "object-store" }),
        redis: local.client,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics: createMetrics("lake-sink"),
        deadLetter: async (r) => {
          rejected.push(...r);
        },
      },
    );

  it("the lake sink dead-letters records that are not events, with the reason, and stores the rest", async () => {
    const topic = unique("events");
    const ts = Date.UTC(2026, 0, 2);
    const records = [
      rec(topic, 0, JSON.stringify({ eventId: "a", entity: "e", ts, value: 1 })),
      rec(topic, 1, "{not json"),
      rec(topic, 2, JSON.stringify({ entity: "e", ts, value: 1 })),
      rec(topic, 3, JSON.stringify({ eventId: "b", entity: "e", ts: "yesterday", value: 1 })),
      rec(topic, 4, JSON.stringify({ eventId: "c", entity: "e", ts: 9e15, value: 1 })),
      rec(topic, 5, null),
      rec(topic, 6, JSON.stringify({ eventId: "d", entity: "e", ts, value: 2 })),
    ];
    const rejected: Rejected[] = [];
    await sink(rejected).process(records, 2);
    expect(rejected.map((r) => [r.record.offset, r.reason, r.detail.replace(/:.*/s, "")])).toEqual([
      [1, "not-an-event", "not JSON"],
      [2, "not-an-event", "/eventId"],
      [3, "not-an-event", "/ts"],
      [4, "not-an-event", "/ts"],
      [5, "not-an-event", "no value"],
    ]);
    expect((await readLake(dir)).lines.map((l) => l.eventId)).toEqual(["a", "d"]);
  });

  it("the lake stays exactly once when Redis forgets the claims: they are rebuilt from the lake", async () => {
    const topic = unique("events");
    const ts = Date.UTC(2026, 0, 2);
    const ev = (offset: number, id: string) =>
      rec(topic, offset, JSON.stringify({ eventId: `${topic}-${id}`, entity: "e", ts, value: offset }));
    const rejected: Rejected[] = [];
    await sink(rejected).process([ev(0, "a"), ev(1, "b")], 1);
    await local.client.flushAll(); // Redis restarted empty
    // A repeat of "a" at a new offset (dedup forgot too and let it through) and a new event.
    await sink(rejected).process([ev(2, "a"), ev(3, "c")], 1);
    expect((await readLake(dir)).lines.map((l) => [l.eventId, l._offset])).toEqual([
      [`${topic}-a`, 0],
      [`${topic}-b`, 1],
      [`${topic}-c`, 3],
    ]);
    expect(rejected).toEqual([]);
  });

  it("the feature writer dead-letters snapshots it cannot store and writes the good ones", async () => {
    const entity = unique("u");
    const rejected: Rejected[] = [];
    const writer = createFeatureWriter(
      { FEATURE_TTL_SECONDS: 60 },
      {
        redis: local.client,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics: createMetrics("feature-writer"),
        deadLetter: async (r) => {
          rejected.push(...r);
        },
      },
    );
    const good = { entity, count: 1, sum: 2, mean: 2, windowEnd: 5, windowSeconds: 60, version: 1 };
    await writer.process(
      [
        rec("features", 0, "garbage"),
        rec("features", 1, JSON.stringify({ ...good, sum: null })),
        rec("features", 2, JSON.stringify(good)),
      ],
      1,
    );
    expect(rejected.map((r) => [r.record.offset, r.reason, r.detail])).toEqual([
      [0, "not-a-feature", expect.stringMatching(/^not JSON/)],
      [1, "not-a-feature", "/sum: must be a finite number"],
    ]);
    expect(await local.client.hGet(featureKey(entity), "sum")).toBe("2");
  });
});
