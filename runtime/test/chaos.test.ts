/**
 * Chaos: the four consuming stages run as separate processes under a supervisor while the test
 * SIGKILLs them at random points, takes a broker down, injects request errors and restarts Redis.
 * Afterwards nothing is lost or duplicated in the lake, the features are exact, every bad record is
 * dead-lettered, and the workers recovered on their own and still shut down cleanly on SIGTERM.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis } from "../src/redis";
import { mulberry32, sampleStream } from "../src/sample";
import { featureKey } from "../src/stages/featureWriter";
import { expectedFeatures } from "./expected";
import { produce, readLake, readTopic, startServices, waitFor, type Services } from "./support";
import { supervise, type Supervised } from "./supervisor";

jest.setTimeout(300000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Kafka protocol API keys and retriable errors for request-error injection.
const PRODUCE = 0;
const FETCH = 1;
const OFFSET_COMMIT = 8;
const NOT_LEADER_OR_FOLLOWER = 6;
const REQUEST_TIMED_OUT = 7;
const COORDINATOR_NOT_AVAILABLE = 15;

describe("chaos", () => {
  let svc: Services;
  let workers: Supervised[] = [];
  const logDir = mkdtempSync(join(tmpdir(), "seawall-chaos-"));

  beforeAll(async () => {
    svc = await startServices({ "c.raw": 4, "c.valid": 4, "c.events": 4, "c.features": 4, "c.dlq": 1 }, "c");
  });
  afterAll(async () => {
    await Promise.allSettled(workers.map((w) => w.terminate()));
    await svc.stop();
  });

  it("loses nothing and duplicates nothing through worker kills, a broker outage, request errors and a Redis restart", async () => {
    const rnd = mulberry32(Number(process.env.CHAOS_SEED ?? 7));
    const env = svc.rawEnv({
      KAFKA_SESSION_TIMEOUT_MS: "3000",
      FEATURE_WINDOW_SECONDS: "1800",
      BATCH_MIN: "50",
      BATCH_MAX: "500",
      CALL_TIMEOUT_MS: "2000",
      SHUTDOWN_DEADLINE_MS: "15000",
      CHAOS_CRASH_RATE: "0.01",
    });
    const cfg = svc.env(env);
    workers = (["ingest", "dedup", "lake-sink", "feature-writer"] as const).map((stage) =>
      supervise(stage, env, join(logDir, `${stage}.log`)),
    );
    const stream = [
      ...sampleStream({ events: 12000, entities: 40, duplicateRate: 0.08, malformedRate: 0.01, seed: 3 }),
    ];
    const valid = stream.filter((r) => r.kind === "valid").map((r) => JSON.parse(r.value.toString()));
    const invalid = stream.filter((r) => r.kind !== "valid" && r.kind !== "duplicate");

    // Feed the stream in slices while the faults happen.
    const feeding = (async () => {
      for (let i = 0; i < stream.length; i += 1000) {
        await produce(cfg, cfg.TOPIC_RAW, stream.slice(i, i + 1000));
        await sleep(300);
      }
    })();

    const faults: string[] = [];
    for (let round = 0; round < 10; round++) {
      await sleep(300 + rnd() * 1200);
      const w = workers[Math.floor(rnd() * workers.length)];
      w.kill();
      faults.push(`kill ${w.stage}`);
      if (round === 2) {
        await svc.kafka.command("down 1");
        await sleep(3000);
        await svc.kafka.command("up 1");
        faults.push("broker 1 down 3 s");
      }
      if (round === 4) {
        await svc.kafka.command(`errors ${PRODUCE} 20 ${NOT_LEADER_OR_FOLLOWER}`);
        await svc.kafka.command(`errors ${FETCH} 20 ${REQUEST_TIMED_OUT}`);
        await svc.kafka.command(`errors ${OFFSET_COMMIT} 10 ${COORDINATOR_NOT_AVAILABLE}`);
        faults.push("request errors");
      }
      if (round === 6) {
        await svc.redis.restart();
        faults.push("redis restarted");
      }
    }
    await feeding;

    await waitFor(
      "every valid event in the lake",
      async () => (await readLake(svc.lakeDir)).lines.length >= valid.length,
      150000,
    );
    await sleep(2000);
    const lake = await readLake(svc.lakeDir);
    const ids = lake.lines.map((l) => l.eventId);
    expect(ids.length).toBe(valid.length);
    expect(new Set(ids)).toEqual(new Set(valid.map((e) => e.eventId)));

    const expected = expectedFeatures(valid, 1800 * 1000);
    const redis = await connectRedis(cfg);
    try {
      const read = async () => {
        const out = new Map<string, { count: number; sum: number }>();
        for (const e of expected.keys()) {
          const h = await redis.hGetAll(featureKey(e));
          out.set(e, { count: Number(h.count), sum: Number(h.sum) });
        }
        return out;
      };
      await waitFor("exact features for every entity", async () => {
        const got = await read();
        return [...expected].every(([e, want]) => got.get(e)!.count === want.count);
      });
      expect(await read()).toEqual(expected);
    } finally {
      await redis.close();
    }

    // At-least-once into the dead-letter topic: every bad record is there (by source offset).
    const dlq = await readTopic(cfg, cfg.TOPIC_DEAD_LETTER, invalid.length);
    const bySource = new Map(
      dlq.map((r) => [r.headers["x-source-offset"].toString() + "/" + r.headers["x-source-partition"], r]),
    );
    expect(bySource.size).toBe(invalid.length);
    expect([...bySource.values()].map((r) => r.headers["x-reason"].toString()).sort()).toEqual(
      invalid.map((r) => r.kind).sort(),
    );

    // Workers were killed many times across the run, came back by themselves, and stop cleanly.
    expect(workers.reduce((n, w) => n + w.restarts, 0)).toBeGreaterThanOrEqual(5);
    const codes = await Promise.all(workers.map((w) => w.terminate()));
    rmSync(logDir, { recursive: true, force: true });
    expect(codes).toEqual([0, 0, 0, 0]);
  });
});
