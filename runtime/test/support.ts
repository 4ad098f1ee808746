/** Real services for a test file, a unique name per test, and readers for what the pipeline produced. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWorkerEnv, type WorkerConfig } from "../src/config";
import { createConsumer, createProducer } from "../src/kafka/rdkafka";
import type { InRecord } from "../src/kafka/transport";
import {
  localWorkerEnv,
  startMockCluster,
  startRedis,
  type MockCluster,
  type RedisServer,
} from "../src/services/local";
import { connectRedis, type Redis } from "../src/redis";
import { FsObjectStore } from "../src/store/fsStore";
import { lakeFormat } from "../src/formats";
import { formatOf } from "../src/naming";

export interface Services {
  kafka: MockCluster;
  redis: RedisServer;
  lakeDir: string;
  env(extra?: Record<string, string>): WorkerConfig;
  /** The same, as the variables a worker process reads. */
  rawEnv(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A redis-server for this test file and a client on it, started before its tests and stopped after.
 * Read `client` inside hooks and tests, once the server is up.
 */
export function useRedis(callTimeoutMs = 2000): { readonly client: Redis; readonly server: RedisServer } {
  const ctx = {} as { client: Redis; server: RedisServer };
  beforeAll(async () => {
    ctx.server = await startRedis();
    ctx.client = await connectRedis({
      REDIS_HOST: ctx.server.host,
      REDIS_PORT: ctx.server.port,
      REDIS_TLS: false,
      CALL_TIMEOUT_MS: callTimeoutMs,
    });
  });
  afterAll(async () => {
    await ctx.client?.close();
    await ctx.server?.stop();
  });
  return ctx;
}

let seq = 0;
export const unique = (name: string) => `${name}-${process.pid}-${++seq}`;

export async function startServices(topics: Record<string, number>, prefix = "t"): Promise<Services> {
  const [kafka, redis] = await Promise.all([startMockCluster(topics), startRedis()]);
  const lakeDir = mkdtempSync(join(tmpdir(), "seawall-lake-"));
  const rawEnv = (extra: Record<string, string> = {}) => ({
    ...localWorkerEnv({ kafka, redis, lakeDir }),
    LAKE_PREFIX: "lake",
    TOPIC_RAW: `${prefix}.raw`,
    TOPIC_VALID: `${prefix}.valid`,
    TOPIC_EVENTS: `${prefix}.events`,
    TOPIC_FEATURES: `${prefix}.features`,
    TOPIC_DEAD_LETTER: `${prefix}.dlq`,
    LOG_LEVEL: "silent",
    ...extra,
  });
  return {
    kafka,
    redis,
    lakeDir,
    rawEnv,
    env: (extra = {}) => parseWorkerEnv(rawEnv(extra)),
    async stop() {
      await Promise.allSettled([kafka.stop(), redis.stop()]);
      rmSync(lakeDir, { recursive: true, force: true });
    },
  };
}

export async function produce(
  cfg: WorkerConfig,
  topic: string,
  records: Array<{ key: string; value: Buffer }>,
) {
  const p = await createProducer(cfg);
  try {
    for (let i = 0; i < records.length; i += 5000) {
      await p.send(records.slice(i, i + 5000).map((r) => ({ topic, key: r.key, value: r.value })));
    }
  } finally {
    await p.close();
  }
}

/**
 * Reads a topic from the start with a fresh group until it has been idle for `idleMs`. It never stops
 * at a count: it reads on until idle, so a record more than expected fails the caller's count
 * assertion.
 * Before the first record the group may still be joining on a loaded machine: it waits up to 30 s.
 */
export async function readTopic(cfg: WorkerConfig, topic: string, idleMs = 3000): Promise<InRecord[]> {
  const c = await createConsumer(cfg, { groupId: unique("reader"), topics: [topic] });
  const out: InRecord[] = [];
  let last = Date.now();
  const deadline = Date.now() + 60000;
  const quiet = () => (out.length === 0 ? Math.max(idleMs, 30000) : idleMs);
  try {
    while (Date.now() < deadline) {
      const batch = await c.poll(5000, 200);
      if (batch.length) {
        out.push(...batch);
        last = Date.now();
      } else if (Date.now() - last > quiet()) break;
    }
  } finally {
    await c.close();
  }
  return out;
}

export interface LakeLine {
  eventId: string;
  entity: string;
  ts: number;
  value: number;
  _partition: number;
  _offset: number;
  /** The lake key the line was read from. */
  file: string;
}

/** Every line of every file in the lake, and the files. */
export async function readLake(dir: string): Promise<{ files: string[]; lines: LakeLine[] }> {
  const store = new FsObjectStore(dir);
  const files = await store.list("");
  const lines: LakeLine[] = [];
  for (const f of files) {
    const format = formatOf(f);
    if (!format) throw new Error(`not a lake object: ${f}`);
    for (const l of lakeFormat(format).decode(await store.get(f)))
      lines.push({ ...(l as unknown as LakeLine), file: f });
  }
  return { files, lines };
}

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * `redis` with every pipeline held until `release()`: the reads it sends stay pending, so a test
 * can fill a reader's queue and watch what it does over its bound.
 */
export function gatedRedis(redis: Redis): { redis: Redis; release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const gated = new Proxy(redis, {
    get(target, prop, receiver) {
      if (prop !== "multi") return Reflect.get(target, prop, receiver) as unknown;
      return () => {
        const m = target.multi();
        const exec = m.execAsPipeline.bind(m);
        m.execAsPipeline = (async () => {
          await gate;
          return exec();
        }) as typeof m.execAsPipeline;
        return m;
      };
    },
  });
  return { redis: gated, release };
}
