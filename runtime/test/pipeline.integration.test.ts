import { startWorker, type Worker } from "../src/app";
import { sampleStream } from "../src/sample";
import { featureKey } from "../src/features";
import { connectRedis } from "../src/redis";
import { expectedFeatures } from "./expected";
import { createProducer } from "../src/kafka/rdkafka";
import type { InRecord } from "../src/kafka/transport";
import { produce, readLake, readTopic, startServices, waitFor, type Services } from "./support";

jest.setTimeout(180000);

describe("the pipeline on real services", () => {
  let svc: Services;
  const workers: Worker[] = [];

  beforeAll(async () => {
    svc = await startServices({ "t.raw": 4, "t.valid": 4, "t.events": 4, "t.features": 4, "t.dlq": 1 });
  });
  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.close()));
    await svc.stop();
  });

  it("lands every valid event in the lake once, dead-letters every bad one with its reason, and serves features", async () => {
    const cfg = svc.env({ FEATURE_WINDOW_SECONDS: "1800" });
    const stream = [...sampleStream({ events: 5000, entities: 50, duplicateRate: 0.1, malformedRate: 0.01 })];
    const valid = stream.filter((r) => r.kind === "valid");
    const invalid = stream.filter((r) => r.kind !== "valid" && r.kind !== "duplicate");
    expect(invalid.length).toBeGreaterThan(20);
    expect(stream.length - valid.length - invalid.length).toBeGreaterThan(300);

    for (const stage of ["ingest", "dedup", "lake-sink", "feature-writer", "feature-server"] as const) {
      workers.push(await startWorker(stage, cfg));
    }
    await produce(cfg, cfg.TOPIC_RAW, stream);

    const validEvents = valid.map((r) => JSON.parse(r.value.toString()));
    await waitFor(
      "every valid event in the lake",
      async () => (await readLake(svc.lakeDir)).lines.length >= valid.length,
      90000,
    );
    // Let the sink catch up with anything still in flight before asserting there is no extra.
    await new Promise((r) => setTimeout(r, 1000));
    const lake = await readLake(svc.lakeDir);
    const ids = lake.lines.map((l) => l.eventId).sort();
    expect(ids).toEqual(validEvents.map((e) => e.eventId).sort());
    expect(
      lake.files.every((f) =>
        /^lake\/t\.events\/dt=2026-01-0[12]\/t\.events-p\d-o\d{20}\.jsonl\.gz$/.test(f),
      ),
    ).toBe(true);
    expect(new Set(lake.files.map((f) => f.split("/")[2]))).toEqual(
      new Set(["dt=2026-01-01", "dt=2026-01-02"]),
    );
    for (const l of lake.lines) expect(l.file).toContain(`/dt=${new Date(l.ts).toISOString().slice(0, 10)}/`);

    const dlq = await readTopic(cfg, cfg.TOPIC_DEAD_LETTER);
    expect(dlq.length).toBe(invalid.length);
    const reasons = dlq.map((r) => r.headers["x-reason"].toString()).sort();
    expect(reasons).toEqual(invalid.map((r) => r.kind).sort());
    for (const r of dlq) {
      expect(r.headers["x-source-topic"].toString()).toBe(cfg.TOPIC_RAW);
      expect(Number(r.headers["x-source-offset"].toString())).toBeGreaterThanOrEqual(0);
    }
    // As lists: a record dead-lettered twice, or one missing, fails.
    expect(dlq.map((r) => r.value!.toString("base64")).sort()).toEqual(
      invalid.map((r) => r.value.toString("base64")).sort(),
    );

    const expected = expectedFeatures(validEvents, 1800 * 1000);
    const server = workers[4];
    const redis = await connectRedis(cfg);
    try {
      await waitFor("features of every entity", async () => {
        const hs = await Promise.all([...expected.keys()].map((e) => redis.hGetAll(featureKey(e))));
        return hs.every((h, i) => Number(h.count) === expected.get([...expected.keys()][i])!.count);
      });
    } finally {
      await redis.close();
    }
    const entities = [...expected.keys()];
    const res = await fetch(`http://127.0.0.1:${server.port}/features:batch`, {
      method: "POST",
      body: JSON.stringify({ entities: [...entities, "nobody"] }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      features: Record<string, { count: number; sum: number; mean: number } | null>;
    };
    for (const e of entities) {
      const want = expected.get(e)!;
      expect(body.features[e]).toMatchObject({ count: want.count, sum: want.sum });
      expect(body.features[e]!.mean).toBeCloseTo(want.sum / want.count, 9);
    }
    expect(body.features.nobody).toBeNull();
    const one = await fetch(`http://127.0.0.1:${server.port}/features/${entities[0]}`);
    expect(((await one.json()) as { count: number }).count).toBe(expected.get(entities[0])!.count);
    expect((await fetch(`http://127.0.0.1:${server.port}/features/nobody`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toMatch(/seawall_feature_reads_total\{stage="feature-server"\} \d+/);

    // Each worker's /metrics tells the same story as the data.
    const scrape = async (w: Worker) => (await fetch(`http://127.0.0.1:${w.port}/metrics`)).text();
    const value = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const [ingest, dedup, sink] = await Promise.all(workers.slice(0, 3).map(scrape));
    expect(value(ingest, /^seawall_records_in_total\{stage="ingest"\} (\d+)$/m)).toBe(stream.length);
    expect(
      value(ingest, /^seawall_records_dead_lettered_total\{reason="too-deep",stage="ingest"\} (\d+)$/m),
    ).toBe(invalid.filter((r) => r.kind === "too-deep").length);
    expect(value(dedup, /^seawall_records_duplicate_total\{stage="dedup"\} (\d+)$/m)).toBe(
      stream.length - valid.length - invalid.length,
    );
    expect(value(sink, /^seawall_lake_files_total\{stage="lake-sink"\} (\d+)$/m)).toBe(lake.files.length);
    expect(value(sink, /^seawall_batch_latency_seconds_count\{stage="lake-sink"\} (\d+)$/m)).toBeGreaterThan(
      0,
    );
    expect(value(sink, /^seawall_consumer_lag\{stage="lake-sink"\} (\d+)$/m)).toBe(0);
    expect(value(sink, /^seawall_breaker_state\{dependency="object-store",stage="lake-sink"\} (\d+)$/m)).toBe(
      0,
    );
    expect(value(dedup, /^seawall_aimd_batch_size\{stage="dedup"\} (\d+)$/m)).toBeGreaterThanOrEqual(100);
  });

  it("keeps a record's trace id through ingest, dedup and the dead-letter topic, with a new span at each hop", async () => {
    const cfg = svc.env({ FEATURE_WINDOW_SECONDS: "1800" });
    const traceparent = (trace: string, span: string) => `00-${trace}-${span}-01`;
    const validTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const badTrace = "0af7651916cd43dd8448eb211c80319c";
    const span = "00f067aa0ba902b7";
    const eventId = `traced-${process.pid}`;
    const event = { eventId, entity: "user-0", ts: Date.UTC(2026, 0, 1, 23, 30), value: 1, type: "click" };
    const bad = Buffer.from(`{"eventId": "${eventId}-bad", `);
    const producer = await createProducer(cfg);
    try {
      await producer.send([
        {
          topic: cfg.TOPIC_RAW,
          key: "user-0",
          value: Buffer.from(JSON.stringify(event)),
          headers: { traceparent: traceparent(validTrace, span) },
        },
        {
          topic: cfg.TOPIC_RAW,
          key: "bad",
          value: bad,
          headers: { traceparent: traceparent(badTrace, span) },
        },
      ]);
    } finally {
      await producer.close();
    }
    await waitFor(
      "the traced event in the lake",
      async () => (await readLake(svc.lakeDir)).lines.some((l) => l.eventId === eventId),
      60000,
    );
    const idOf = (r: InRecord) => {
      try {
        return (JSON.parse(r.value!.toString()) as { eventId?: unknown }).eventId;
      } catch {
        return undefined;
      }
    };
    const [valid, unique, dead] = await Promise.all([
      readTopic(cfg, cfg.TOPIC_VALID, 2000),
      readTopic(cfg, cfg.TOPIC_EVENTS, 2000),
      readTopic(cfg, cfg.TOPIC_DEAD_LETTER, 2000),
    ]);
    const hops = {
      valid: valid.filter((r) => idOf(r) === eventId),
      unique: unique.filter((r) => idOf(r) === eventId),
      dead: dead.filter((r) => r.value?.equals(bad)),
    };
    expect([hops.valid.length, hops.unique.length, hops.dead.length]).toEqual([1, 1, 1]);
    const parse = (r: InRecord) =>
      /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(r.headers.traceparent?.toString() ?? "")?.slice(1);
    const [validHop, uniqueHop, deadHop] = [hops.valid[0], hops.unique[0], hops.dead[0]].map(parse);
    expect([validHop?.[0], uniqueHop?.[0], deadHop?.[0]]).toEqual([validTrace, validTrace, badTrace]);
    // Each hop is a new span: none reuses the producer's span or the hop before it.
    expect(new Set([span, validHop?.[1], uniqueHop?.[1]]).size).toBe(3);
    expect(deadHop?.[1]).not.toBe(span);
    expect(hops.dead[0].headers["x-reason"]?.toString()).toBe("not-json");
  });
});
