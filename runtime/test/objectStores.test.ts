/**
 * Every object-store backend against a real server on loopback: S3 on s3rver, Azure Blob on Azurite
 * (Microsoft's emulator), and the filesystem; and the lake sink on each.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { InRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import { connectRedis, type Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { startRedis, type RedisServer } from "../src/services/local";
import { createLakeSink } from "../src/stages/lakeSink";
import { spawn, type ChildProcess } from "node:child_process";
import { BlobServiceClient } from "@azure/storage-blob";
import { freePort, stopChild, waitForPort } from "../src/services/local";
import { AzureBlobObjectStore } from "../src/store/azureStore";
import { FsObjectStore } from "../src/store/fsStore";
import { GcsObjectStore } from "../src/store/gcsStore";
import { startGcsEmulator } from "./gcsEmulator";
import { versionsAsOf, type ObjectStore } from "../src/store/objectStore";
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
let s3: S3ObjectStore;
let azurite: ChildProcess;
let gcs: Awaited<ReturnType<typeof startGcsEmulator>>;
const stores: Record<string, ObjectStore> = {};
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
  s3 = new S3ObjectStore({
    bucket: "lake",
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  stores.s3 = s3;
  const azPort = await freePort();
  azurite = spawn(
    process.execPath,
    [
      require.resolve("azurite/dist/src/blob/main.js"),
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(azPort),
      "--inMemoryPersistence",
      "--silent",
      "--skipApiVersionCheck",
    ],
    { stdio: "ignore" },
  );
  await waitForPort(azPort, 30000);
  // Azurite's well-known development account (public, documented by Microsoft): not a secret.
  const conn = `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:${azPort}/devstoreaccount1;`;
  await BlobServiceClient.fromConnectionString(conn).getContainerClient("lake").create();
  stores.azure = new AzureBlobObjectStore(conn, "lake");
  stores.file = new FsObjectStore(join(dir, "fs"));
  gcs = await startGcsEmulator();
  stores.gcs = new GcsObjectStore({ bucket: "lake", endpoint: gcs.endpoint, projectId: "test" });
  redisServer = await startRedis();
  redis = await connectRedis({
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: redisServer.port,
    REDIS_TLS: false,
    CALL_TIMEOUT_MS: 2000,
  });
});

afterAll(async () => {
  s3?.destroy();
  if (azurite) await stopChild(azurite, () => azurite.kill("SIGTERM"));
  await gcs?.close();
  await redis?.close();
  await redisServer?.stop();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(["s3", "azure", "gcs", "file"])("%s object store", (name) => {
  const store = {
    putIfAbsent: (k: string, b: Buffer, m: Record<string, string>) => stores[name].putIfAbsent(k, b, m),
    head: (k: string) => stores[name].head(k),
    get: (k: string) => stores[name].get(k),
    list: (p: string) => stores[name].list(p),
    delete: (k: string) => stores[name].delete(k),
    listVersions: (p: string) => stores[name].listVersions(p),
  };

  it("deletes an object, and deleting a missing one is not an error", async () => {
    const prefix = `${unique("del")}/`;
    await store.putIfAbsent(`${prefix}a`, Buffer.from("a"), { "first-offset": "1" });
    await store.putIfAbsent(`${prefix}b`, Buffer.from("b"), {});
    await store.delete(`${prefix}a`);
    await store.delete(`${prefix}a`);
    await store.delete(`${prefix}never`);
    expect(await store.list(prefix)).toEqual([`${prefix}b`]);
    expect(await store.head(`${prefix}a`)).toBeUndefined();
    // Deleted keys can be written again (a restore puts objects back).
    expect(await store.putIfAbsent(`${prefix}a`, Buffer.from("again"), {})).toBe("created");
  });

  it("creates once, reports an existing object as exists, and keeps the first body and metadata", async () => {
    const key = `${unique("t")}/a.jsonl.gz`;
    expect(await store.putIfAbsent(key, Buffer.from("first"), { "first-offset": "1" })).toBe("created");
    expect(await store.putIfAbsent(key, Buffer.from("second"), { "first-offset": "2" })).toBe("exists");
    expect((await store.get(key)).toString()).toBe("first");
    expect(await store.head(key)).toMatchObject({ "first-offset": "1" });
    expect(await store.head(`${key}.missing`)).toBeUndefined();
  });

  it("lists keys under a prefix in order", async () => {
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
        { LAKE_PREFIX: "lake", DEDUP_TTL_SECONDS: 600, LAKE_FORMAT: "jsonl.gz" },
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

/** Stores that keep versions here: the filesystem store and the GCS wire emulator (every bucket versioned). */
describe.each(["file", "gcs"])("%s object store versions", (name) => {
  it("keeps a deleted object's body and metadata, readable by version id, with the deletion's time", async () => {
    const store = stores[name];
    const prefix = `${unique("ver")}/dt=2026-01-01/`;
    const before = Date.now();
    await store.putIfAbsent(`${prefix}a`, Buffer.from("first"), { sha256: "s1" });
    await store.putIfAbsent(`${prefix}b`, Buffer.from("other"), {});
    await new Promise((r) => setTimeout(r, 15));
    const written = Date.now();
    await new Promise((r) => setTimeout(r, 15));
    await store.delete(`${prefix}a`);
    const versions = await store.listVersions(prefix);
    expect(versions.map((v) => [v.key, v.deleted, v.latest])).toEqual([
      [`${prefix}a`, false, false],
      [`${prefix}a`, true, true],
      [`${prefix}b`, false, true],
    ]);
    const [body, marker] = versions;
    expect(body.lastModified.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(body.lastModified.getTime()).toBeLessThanOrEqual(written);
    expect(marker.lastModified.getTime()).toBeGreaterThan(written);
    expect((await store.get(body.key, body.versionId)).toString()).toBe("first");
    expect(await store.head(body.key, body.versionId)).toMatchObject({ sha256: "s1" });
    // The live view: only b; as of a time between the write and the delete: a and b.
    expect(await store.list(prefix)).toEqual([`${prefix}b`]);
    expect(versionsAsOf(versions, new Date(written)).map((v) => v.key)).toEqual([`${prefix}a`, `${prefix}b`]);
    expect(versionsAsOf(versions, new Date()).map((v) => v.key)).toEqual([`${prefix}b`]);
    // The live object's version id reads it too.
    const live = versions[2];
    expect((await store.get(live.key, live.versionId)).toString()).toBe("other");
  });
});

describe("file object store versions area", () => {
  it("stays out of list, sweep and keys; a rerun of a delete that died before recording it records it", async () => {
    const root = join(dir, "fs-versions");
    const store = new FsObjectStore(root);
    await store.putIfAbsent("lake/t/a.jsonl.gz", Buffer.from("a"), {});
    await store.delete("lake/t/a.jsonl.gz");
    expect(await store.list("")).toEqual([]);
    expect(await store.sweep(0)).toEqual({ removed: [], restored: [] });
    await expect(store.putIfAbsent(".versions/x", Buffer.from("x"), {})).rejects.toThrow(
      /invalid object key/,
    );
    // Simulate a delete killed between archiving the body and recording the deletion.
    const archive = join(root, ".versions", "lake", "t", "a.jsonl.gz");
    for (const f of readdirSync(archive).filter((n) => n.endsWith(".deleted"))) rmSync(join(archive, f));
    expect((await store.listVersions("lake/")).map((v) => v.deleted)).toEqual([false]);
    await store.delete("lake/t/a.jsonl.gz");
    expect((await store.listVersions("lake/")).map((v) => [v.deleted, v.latest])).toEqual([
      [false, false],
      [true, true],
    ]);
  });
});

describe("emulators without versions", () => {
  it("s3rver: ListObjectVersions is not implemented, and the error names it", async () => {
    await expect(s3.listVersions("x/")).rejects.toMatchObject({ code: "SEAWALL_LAKE_VERSIONS" });
  });

  it("Azurite: lists the live blobs as their only versions after a delete", async () => {
    const store = stores.azure;
    const prefix = `${unique("azv")}/`;
    await store.putIfAbsent(`${prefix}a`, Buffer.from("a"), {});
    await store.putIfAbsent(`${prefix}b`, Buffer.from("b"), {});
    await store.delete(`${prefix}a`);
    const versions = await store.listVersions(prefix);
    expect(versions.map((v) => [v.key, v.deleted, v.latest])).toEqual([[`${prefix}b`, false, true]]);
    expect((await store.get(versions[0].key, versions[0].versionId || undefined)).toString()).toBe("b");
  });
});
