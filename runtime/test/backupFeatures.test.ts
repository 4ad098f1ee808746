/**
 * backup-features against a real redis-server and s3rver: every feature key backed up once, parts
 * with checksums, the manifest last; what a backup holds restores to the same content.
 */
import { gunzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { drillFeatureBackup } from "../src/backup/drill";
import { latestBackup, type BackupLine, type BackupManifest } from "../src/backup/features";
import { featureKey, windowKey, windowStateKey } from "../src/features";
import { callPolicy } from "../src/resilience";
import { S3ObjectStore } from "../src/store/s3Store";
import { createCluster, type RedisClusterType } from "redis";
import { openClients } from "../src/commands/clients";
import { parseCommandEnv } from "../src/commands/env";
import {
  foldLive,
  makeEvents,
  runCommand,
  snapshotKeys,
  startRedisCluster,
  useS3rver,
} from "./commandSupport";
import { useRedis } from "./support";

jest.setTimeout(30000);

const redis = useRedis();
const s3 = useS3rver();
let store: S3ObjectStore;
let env: Record<string, string>;
const policy = callPolicy({ dependency: "object-store" });
const START = Date.UTC(2026, 0, 1, 10);

beforeAll(async () => {
  store = s3.store;
  env = {
    REDIS_HOST: redis.server.host,
    REDIS_PORT: String(redis.server.port),
    REDIS_TLS: "false",
    LOG_LEVEL: "silent",
    ...s3.env,
  };
  // 30 entities with windows and snapshots; one whose window grew past 128 members and shrank
  // (Redis keeps it in its large encoding, a restore makes it compact again); one whose window
  // state expired while its snapshot lives on; and keys that are not features.
  await foldLive(redis.client, makeEvents("bk", 300, 30, START));
  await foldLive(redis.client, makeEvents("big", 200, 1, START, 1000));
  await foldLive(redis.client, [
    { eventId: "big-late", entity: "big-e0", ts: START + 3_600_000 + 195_000, value: 1 },
  ]);
  await foldLive(redis.client, makeEvents("lone", 3, 1, START));
  await redis.client.del([windowKey("lone-e0"), windowStateKey("lone-e0")]);
  await redis.client.set("seawall:dedup:claim:x", "t/0/1");
  await redis.client.set("other", "1");
});

async function lines(manifest: BackupManifest): Promise<BackupLine[]> {
  const out: BackupLine[] = [];
  for (const p of manifest.parts) {
    const body = await store.get(p.key);
    expect(createHash("sha256").update(body).digest("hex")).toBe(p.sha256);
    expect(await store.head(p.key)).toMatchObject({ sha256: p.sha256, records: String(p.keys) });
    out.push(
      ...gunzipSync(body)
        .toString()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as BackupLine),
    );
  }
  return out;
}

it("backs up every feature key once, with TTLs, in parts with checksums, and the manifest last", async () => {
  const run = await runCommand("backup-features", ["--prefix", "backups/f1/"], env);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  const latest = await latestBackup(store, policy, "backups/f1/");
  expect(latest?.manifest.id).toBe(run.report.backup);
  const manifest = latest!.manifest;
  const got = await lines(manifest);
  const expected = Object.keys(await snapshotKeys(redis.client, "seawall:f*")).sort();
  // 30 + 1 entities with three keys each, and one snapshot alone.
  expect(expected).toHaveLength(31 * 3 + 1);
  expect(got.map((l) => l.key).sort()).toEqual(expected);
  expect(manifest).toMatchObject({ keys: expected.length, consistency: "entity", nodes: 1 });
  expect(run.report).toMatchObject({ ok: true, keys: expected.length, parts: manifest.parts.length });
  const state = got.find((l) => l.key === windowStateKey("bk-e0"))!;
  expect(state.type).toBe("hash");
  expect(state.pttl).toBeGreaterThan(3_500_000);
  expect(createHash("sha256").update(Buffer.from(state.payload, "base64")).digest("hex")).toBe(state.sha256);
  // The manifest is the last object written: nothing of the backup is newer.
  const keys = await store.list(`backups/f1/${manifest.id}/`);
  expect(keys).toEqual(
    [...manifest.parts.map((p) => p.key), `backups/f1/${manifest.id}/manifest.json`].sort(),
  );
});

it("restores what it backed up to the same content, the compacted large window included", async () => {
  const run = await runCommand("backup-features", ["--prefix", "backups/f2/"], env);
  expect(run.code).toBe(0);
  const { report, mismatches } = await drillFeatureBackup(
    { redis: redis.client, redisPolicy: callPolicy({ dependency: "redis" }), store, storePolicy: policy },
    { backupPrefix: "backups/f2/", scratchPrefix: "scratch:", keep: true },
  );
  expect(mismatches).toEqual([]);
  // Still in the large encoding at the source; restored compact, so DUMP payloads differ: the digest holds.
  expect(await redis.client.objectEncoding(windowKey("big-e0"))).toBe("skiplist");
  expect(await redis.client.objectEncoding(`scratch:${windowKey("big-e0")}`)).toBe("listpack");
  expect(report.restoredKeys).toBe(run.report.keys);
  const original = await snapshotKeys(redis.client, "seawall:f*");
  const restored = await snapshotKeys(redis.client, "scratch:*");
  expect(
    Object.fromEntries(Object.entries(restored).map(([k, v]) => [k.slice("scratch:".length), v])),
  ).toEqual(original);
  expect(await redis.client.hGet(featureKey("lone-e0"), "count")).toBe("3");
  await redis.client.del(Object.keys(restored));
});

it("never takes a backup without its manifest for the latest", async () => {
  const run = await runCommand("backup-features", ["--prefix", "backups/f3"], env);
  expect(run.code).toBe(0);
  // A later backup that died before its manifest: parts only.
  await store.putIfAbsent(
    "backups/f3/2999-01-01T00-00-00.000Z-dead00/part-00000.jsonl.gz",
    Buffer.from("x"),
    {},
  );
  expect((await latestBackup(store, policy, "backups/f3/"))?.manifest.id).toBe(run.report.backup);
});

describe("on a cluster", () => {
  let cluster: Awaited<ReturnType<typeof startRedisCluster>>;
  let client: RedisClusterType;
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    client = createCluster({ rootNodes: cluster.nodes.map((n) => ({ url: `redis://${n.host}:${n.port}` })) });
    await client.connect();
    for (let i = 0; i < 30; i++) {
      await client.hSet(featureKey(`c${i}`), { version: String(i), count: "1" });
      await client.zAdd(windowKey(`c${i}`), { score: i, value: `ev${i}|1` });
    }
  }, 30000);
  afterAll(async () => {
    await client?.close();
    await cluster?.stop();
  });

  it("scans every primary, and the drill restores into one hash-tagged slot on the primary that owns it", async () => {
    const [first] = cluster.nodes;
    const clusterEnv = { ...env, REDIS_HOST: first.host, REDIS_PORT: String(first.port) };
    const run = await runCommand("backup-features", ["--prefix", "backups/cluster/"], clusterEnv);
    expect(run.stderr).toBe("");
    expect(run.report).toMatchObject({ ok: true, keys: 60, consistency: "key", nodes: 3 });
    const { manifest } = (await latestBackup(store, policy, "backups/cluster/"))!;
    expect((await lines(manifest)).map((l) => l.key).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => [featureKey(`c${i}`), windowKey(`c${i}`)])
        .flat()
        .sort(),
    );
    const c = await openClients(parseCommandEnv(clusterEnv), clusterEnv, { redis: true });
    try {
      // A scratch tag whose slot another primary owns (the first holds slots 0-5461): the drill must follow MOVED.
      let tag = 0;
      while (Number(await c.redis!.sendCommand(["CLUSTER", "KEYSLOT", `{drill:${tag}}`])) <= 5461) tag++;
      const { report, mismatches } = await drillFeatureBackup(
        { redis: c.redis!, redisPolicy: c.redisPolicy, store, storePolicy: policy, redisAt: c.redisAt },
        { backupPrefix: "backups/cluster/", scratchPrefix: `{drill:${tag}}:`, keep: false },
      );
      expect(mismatches).toEqual([]);
      expect(report.restoredKeys).toBe(60);
    } finally {
      await c.close();
    }
  });
});

it.each([
  [["--prefix", "/abs"], '--prefix: got "/abs"'],
  [["--prefix", "a/../b"], '--prefix: got "a/../b"'],
  [["--prefix", ""], '--prefix: got ""'],
  [["--bucket", "x"], "--bucket"],
])("refuses %j with exit 2, naming the flag and the value", async (argv, named) => {
  const run = await runCommand("backup-features", argv, env);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(named);
  expect(run.stderr).toContain("usage: backup-features");
});
