/** Runs maintenance commands in the test's process or as their own, and seeds a lake and features. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMaintenanceCommand } from "../src/commands/run";
import type { InRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import { connectRedis, type Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { freePort, stopChild, waitForPort } from "../src/services/local";
import { createFeatureFolder } from "../src/stages/dedup";
import { createLakeSink } from "../src/stages/lakeSink";
import type { ObjectStore } from "../src/store/objectStore";
import { S3ObjectStore } from "../src/store/s3Store";
import type { Event } from "../src/validate";

export interface CommandResult {
  code: number | null;
  signal?: NodeJS.Signals | null;
  /** The last JSON line on stdout. */
  report: Record<string, unknown> & { mismatches?: Array<Record<string, unknown>> };
  stderr: string;
}

/** Runs a command in this process (its stdout captured), as `node dist/main.js <name> ...` would. */
export async function runCommand(
  name: string,
  argv: string[],
  env: Record<string, string>,
): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  const writeErr = jest.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk).trimEnd());
    return true;
  });
  try {
    const code = await runMaintenanceCommand(name, argv, env, (line) => err.push(line));
    return { code, report: lastJson(out.join("")), stderr: err.join("\n") };
  } finally {
    write.mockRestore();
    writeErr.mockRestore();
  }
}

/** Runs a command as its own process (`node --import tsx src/main.ts <name> ...`). */
export function spawnCommand(
  name: string,
  argv: string[],
  env: Record<string, string>,
): Promise<CommandResult> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(__dirname, "..", "src", "main.ts"), name, ...argv],
    {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, report: lastJson(stdout), stderr })),
  );
}

function lastJson(text: string): CommandResult["report"] {
  const line = text.trim().split("\n").pop();
  return line ? (JSON.parse(line) as CommandResult["report"]) : {};
}

/** `n` events of `entities` entities, a minute apart from `start`, integer values (sums stay exact). */
export function makeEvents(
  prefix: string,
  n: number,
  entities: number,
  start: number,
  stepMs = 60_000,
): Event[] {
  return Array.from({ length: n }, (_, i) => ({
    eventId: `${prefix}-${i}`,
    entity: `${prefix}-e${i % entities}`,
    ts: start + i * stepMs,
    value: (i % 13) - 4,
  }));
}

/** Writes events to the lake through the real lake sink, `perObject` records an object, partitioned by entity. */
export async function seedLake(
  store: ObjectStore,
  redis: Redis,
  o: { prefix: string; topic: string; events: Event[]; perObject: number; partitions?: number },
): Promise<void> {
  const partitions = o.partitions ?? 2;
  const sink = createLakeSink(
    { LAKE_PREFIX: o.prefix, DEDUP_TTL_SECONDS: 3600, LAKE_FORMAT: "jsonl.gz" },
    {
      store,
      storePolicy: callPolicy({ dependency: "object-store" }),
      redis,
      redisPolicy: callPolicy({ dependency: "redis" }),
      metrics: createMetrics("lake-sink"),
      deadLetter: async (rejected) => {
        if (rejected.length > 0) throw new Error(`unexpected dead letters: ${rejected.length}`);
      },
    },
  );
  const offsets = new Array<number>(partitions).fill(0);
  const records: InRecord[] = o.events.map((e) => {
    const partition = Number(e.entity.split("-e").pop()) % partitions;
    return {
      topic: o.topic,
      partition,
      offset: offsets[partition]++,
      key: Buffer.from(e.entity),
      value: Buffer.from(JSON.stringify(e)),
      headers: {},
    };
  });
  for (let i = 0; i < records.length; i += o.perObject)
    await sink.process(records.slice(i, i + o.perObject), 2);
}

/** Folds events into the features as the live chained pipeline does (dedup's fold, snapshots stored). */
export async function foldLive(redis: Redis, events: Event[], windowSeconds = 3600): Promise<void> {
  const fold = createFeatureFolder(
    { FEATURE_WINDOW_SECONDS: windowSeconds, FEATURE_TTL_SECONDS: 86400 },
    { redis, redisPolicy: callPolicy({ dependency: "redis" }) },
    { store: true },
  );
  const record: InRecord = { topic: "t", partition: 0, offset: 0, key: null, value: null, headers: {} };
  await fold(events.map((event) => ({ event, record })));
}

/** Every key under a pattern with its type and content (hash fields, zset members with scores). */
export async function snapshotKeys(redis: Redis, match: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for await (const keys of redis.scanIterator({ MATCH: match, COUNT: 1000 })) {
    for (const key of keys) {
      const type = await redis.type(key);
      out[key] =
        type === "hash"
          ? { ...(await redis.hGetAll(key)) }
          : type === "zset"
            ? await redis.zRangeWithScores(key, 0, -1)
            : await redis.get(key);
    }
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (o: object) => {
  run(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
};

/**
 * s3rver with a bucket `lake` for this test file, started before its tests and stopped after: a
 * client on it, and the LAKE_* variables a command reads (its credentials come from the default
 * chain, as on a pod: the environment). Read the fields inside hooks and tests.
 */
export function useS3rver(): { readonly store: S3ObjectStore; readonly env: Record<string, string> } {
  const ctx = {} as { store: S3ObjectStore; env: Record<string, string> };
  let dir: string;
  let server: InstanceType<typeof S3rver>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "seawall-s3rver-"));
    server = new S3rver({
      address: "127.0.0.1",
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: "lake" }],
    });
    const endpoint = `http://127.0.0.1:${(await server.run()).port}`;
    ctx.store = new S3ObjectStore({
      bucket: "lake",
      region: "us-east-1",
      endpoint,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    process.env.AWS_ACCESS_KEY_ID = "S3RVER";
    process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
    ctx.env = { LAKE_SCHEME: "s3", LAKE_BUCKET: "lake", LAKE_REGION: "us-east-1", LAKE_ENDPOINT: endpoint };
  });
  afterAll(async () => {
    ctx.store?.destroy();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return ctx;
}

/** A Redis Cluster of `n` primaries on loopback (real redis-servers), its slots split evenly. */
export async function startRedisCluster(
  n = 3,
): Promise<{ nodes: Array<{ host: string; port: number }>; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "seawall-cluster-"));
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const children = ports.map((port) =>
    spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        dir,
        "--loglevel",
        "warning",
      ],
      { stdio: "ignore" },
    ),
  );
  const stop = async () => {
    await Promise.all(children.map((c) => stopChild(c, () => c.kill("SIGTERM"))));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((p) => waitForPort(p, 10000)));
    const clients = await Promise.all(
      ports.map((p) =>
        connectRedis({ REDIS_HOST: "127.0.0.1", REDIS_PORT: p, REDIS_TLS: false, CALL_TIMEOUT_MS: 2000 }),
      ),
    );
    const per = Math.ceil(16384 / n);
    await Promise.all(
      clients.map((c, i) =>
        c.sendCommand([
          "CLUSTER",
          "ADDSLOTSRANGE",
          String(i * per),
          String(Math.min(16383, (i + 1) * per - 1)),
        ]),
      ),
    );
    for (const p of ports.slice(1)) await clients[0].sendCommand(["CLUSTER", "MEET", "127.0.0.1", String(p)]);
    for (let i = 0; ; i++) {
      const infos = (await Promise.all(clients.map((c) => c.sendCommand(["CLUSTER", "INFO"])))).map(String);
      const nodes = await Promise.all(clients.map((c) => c.sendCommand(["CLUSTER", "NODES"])));
      if (
        infos.every((x) => /cluster_state:ok/.test(x)) &&
        nodes.every((x) => String(x).trim().split("\n").length === n)
      )
        break;
      if (i > 200) throw new Error("the cluster did not form in 10 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(clients.map((c) => c.close()));
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: "127.0.0.1", port })), stop };
}
