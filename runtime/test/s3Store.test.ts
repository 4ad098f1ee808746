/** The S3 backend against a real S3-compatible server on loopback (s3rver), and the lake sink on it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { InRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import { connectRedis, type Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { startRedis, type RedisServer } from "../src/services/local";
import { createLakeSink } from "../src/stages/lakeSink";
import { S3ObjectStore } from "../src/store/s3Store";
import { unique } from "./support";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (o: object) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

jest.setTimeout(60000);

let dir: string;
let server: InstanceType<typeof S3rver>;
let store: S3ObjectStore;
let redisServer: RedisServer;
let redis: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "seawall-s3-"));
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: "lake" }],
  });
  const { port } = await server.run();
  store = new S3ObjectStore({
    bucket: "lake",
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  redisServer = await startRedis();
  redis = await connectRedis({
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: redisServer.port,
    REDIS_TLS: false,
    CALL_TIMEOUT_MS: 2000,
  });
});

afterAll(async () => {
  store?.destroy();
  await redis?.close();
  await redisServer?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("S3 object store", () => {
  it("creates once, reports an existing object as exists, and keeps the first body and metadata", async () => {
    const key = `${unique("t")}/a.jsonl.gz`;
    expect(await store.putIfAbsent(key, Buffer.from("first"), { "first-offset": "1" })).toBe("created");
    expect(await store.putIfAbsent(key, Buffer.from("second"), { "first-offset": "2" })).toBe("exists");
    expect((await store.get(key)).toString()).toBe("first");
    expect(await store.head(key)).toEqual({ "first-offset": "1" });
    expect(await store.head(`${key}.missing`)).toBeUndefined();
  });

  it("lists keys under a prefix in order, across pages", async () => {
    const prefix = `${unique("list")}/dt=2026-01-01/`;
    const keys = Array.from({ length: 5 }, (_, i) => `${prefix}f-${String(i).padStart(3, "0")}`);
    for (const k of [...keys].reverse()) await store.putIfAbsent(k, Buffer.from(k), {});
    await store.putIfAbsent(`${prefix.replace("2026-01-01", "2026-01-02")}other`, Buffer.from("x"), {});
    expect(await store.list(prefix)).toEqual(keys);
  });

  it("serves the lake sink: a replay with other batch sizes leaves each event once", async () => {
    const topic = unique("ev");
    const records: InRecord[] = Array.from({ length: 60 }, (_, o) => ({
      topic,
      partition: 0,
      offset: o,
      key: null,
      value: Buffer.from(
        JSON.stringify({ eventId: `${topic}-${o}`, entity: "e", ts: Date.UTC(2026, 0, 1), value: o }),
      ),
      headers: {},
    }));
    const sink = () =>
      createLakeSink(
        { LAKE_PREFIX: "lake", DEDUP_TTL_SECONDS: 600 },
        {
          store,
          storePolicy: callPolicy({ dependency: "object-store" }),
          redis,
          redisPolicy: callPolicy({ dependency: "redis" }),
          metrics: createMetrics("lake-sink"),
        },
      );
    await sink().process(records.slice(0, 25), 1);
    await sink().process(records.slice(0, 10), 1); // a crash, then a replay with a smaller batch
    const again = sink();
    for (let i = 10; i < 60; i += 15) await again.process(records.slice(i, i + 15), 1);
    const keys = await store.list(`lake/${topic}/`);
    const ids: string[] = [];
    for (const k of keys) {
      for (const line of gunzipSync(await store.get(k))
        .toString()
        .trim()
        .split("\n"))
        ids.push(JSON.parse(line).eventId);
    }
    expect(ids.sort()).toEqual(records.map((r) => JSON.parse(r.value!.toString()).eventId).sort());
    expect(keys[0]).toBe(`lake/${topic}/dt=2026-01-01/${topic}-p0-o00000000000000000000.jsonl.gz`);
    expect((await store.head(keys[0]))!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
