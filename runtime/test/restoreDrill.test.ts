/**
 * restore-drill against a real redis-server, the filesystem lake and s3rver: it passes on an intact
 * lake and backup, and fails (exit 1, the mismatch named) on a tampered object, a missing object and
 * a tampered backup; as of a time on the filesystem store, which keeps versions.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { latestBackup } from "../src/backup/features";
import { listLake } from "../src/lake/view";
import { callPolicy } from "../src/resilience";
import { FsObjectStore } from "../src/store/fsStore";
import type { ObjectStore } from "../src/store/objectStore";
import { S3ObjectStore } from "../src/store/s3Store";
import { foldLive, makeEvents, runCommand, seedLake, useS3rver, type CommandResult } from "./commandSupport";
import { unique, useRedis } from "./support";

jest.setTimeout(30000);

const redis = useRedis();
let dir: string;
const s3rver = useS3rver();
let s3: S3ObjectStore;
let s3Env: Record<string, string>;
const policy = callPolicy({ dependency: "object-store" });
const START = Date.UTC(2026, 0, 1, 22);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "seawall-drill-"));
  s3 = s3rver.store;
  s3Env = { ...baseEnv(), ...s3rver.env };
  await foldLive(redis.client, makeEvents("drill", 200, 20, START));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baseEnv(): Record<string, string> {
  return {
    REDIS_HOST: redis.server.host,
    REDIS_PORT: String(redis.server.port),
    REDIS_TLS: "false",
    LAKE_PREFIX: "lake",
    LOG_LEVEL: "silent",
  };
}

/** A filesystem lake of its own: 120 events of one date in objects of 20, and a feature backup. */
async function fsLake(): Promise<{
  root: string;
  store: FsObjectStore;
  env: Record<string, string>;
  topic: string;
}> {
  const root = mkdtempSync(join(dir, "fs-"));
  const store = new FsObjectStore(root);
  const topic = unique("ev");
  await seedLake(store, redis.client, {
    prefix: "lake",
    topic,
    events: makeEvents(topic, 120, 8, START),
    perObject: 20,
  });
  const env = { ...baseEnv(), LAKE_SCHEME: "file", LAKE_BUCKET: root };
  expect((await runCommand("backup-features", [], env)).code).toBe(0);
  return { root, store, env, topic };
}

function named(run: CommandResult, what: string, key?: string) {
  expect(run.code).toBe(1);
  expect(run.report.ok).toBe(false);
  expect(run.report.mismatches).toContainEqual(expect.objectContaining({ what, ...(key ? { key } : {}) }));
  expect(run.stderr).toContain(`${what}${key ? ` ${key}` : ""}`);
}

async function scratchLeft(store: ObjectStore): Promise<string[]> {
  return store.list("restore-drill/");
}

async function scratchKeys(): Promise<string[]> {
  const out: string[] = [];
  for await (const keys of redis.client.scanIterator({ MATCH: "{restore-drill:*" })) out.push(...keys);
  return out;
}

describe("on one filesystem lake, in order", () => {
  let lake: Awaited<ReturnType<typeof fsLake>>;
  beforeAll(async () => {
    lake = await fsLake();
  });

  it("passes on an intact lake and backup, checks every object and key, and cleans up", async () => {
    const { store, env, topic } = lake;
    const run = await runCommand("restore-drill", [], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const objects = await listLake(store, { prefix: "lake" });
    const backup = await latestBackup(store, policy, "backups/features/");
    expect(run.report).toMatchObject({
      ok: true,
      mismatches: [],
      lake: {
        objects: objects.length,
        restoredObjects: objects.length,
        records: 120,
        restoredRecords: 120,
        deletionsChecked: true,
        totals: {
          [`${topic}/2026-01-01`]: { source: 120, restored: 120 },
        },
      },
      features: {
        backup: backup!.manifest.id,
        restoredKeys: backup!.manifest.keys,
        scratch: { kind: "key-prefix" },
      },
    });
    expect(await scratchLeft(store)).toEqual([]);
    expect(await scratchKeys()).toEqual([]);
  });

  it("fails when there is nothing to restore", async () => {
    const run = await runCommand(
      "restore-drill",
      ["--topic", lake.topic, "--from-date", "2030-01-01"],
      lake.env,
    );
    named(run, "nothing-to-restore");
  });

  it("passes after a compaction, whose deleted inputs are covered, not missing", async () => {
    const { store, env, topic } = lake;
    const before = (await listLake(store, { prefix: "lake" })).length;
    const compact = await runCommand(
      "compact",
      ["--date", "2026-01-01", "--topic", topic, "--min-objects", "2"],
      env,
    );
    expect(compact.code).toBe(0);
    const after = await listLake(store, { prefix: "lake" });
    expect(after.length).toBeLessThan(before);
    expect(after.every((o) => o.compacted)).toBe(true);
    const run = await runCommand("restore-drill", [], env);
    expect(run.stderr).toBe("");
    expect(run.report.lake).toMatchObject({ objects: after.length, records: 120, restoredRecords: 120 });
  });

  it("restores the lake as of a time from the filesystem store's versions", async () => {
    const { store, env, topic } = lake;
    const before = await listLake(store, { prefix: "lake" });
    await sleep(30);
    const asOf = new Date();
    await sleep(30);
    // After the time: an object lost and new ones written; as of the time, the lake was whole.
    await store.delete(before[0].key);
    await seedLake(store, redis.client, {
      prefix: "lake",
      topic,
      events: makeEvents(`${topic}-late`, 40, 8, START),
      perObject: 20,
    });
    named(await runCommand("restore-drill", [], env), "missing", before[0].key);
    const run = await runCommand("restore-drill", ["--as-of", asOf.toISOString()], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.report.lake).toMatchObject({
      asOf: asOf.toISOString(),
      objects: before.length,
      records: 120,
      restoredRecords: 120,
    });
    // Nothing had been written a day before: nothing to restore, and no backup started by then.
    const early = await runCommand(
      "restore-drill",
      ["--as-of", new Date(asOf.getTime() - 86_400_000).toISOString()],
      env,
    );
    named(early, "nothing-to-restore");
    named(early, "no-backup");
  });
});

it("passes on s3rver (which keeps no versions, and the report says deletions were not checked)", async () => {
  const topic = unique("ev");
  await seedLake(s3, redis.client, {
    prefix: "lake",
    topic,
    events: makeEvents(topic, 60, 5, START),
    perObject: 20,
  });
  expect((await runCommand("backup-features", [], s3Env)).code).toBe(0);
  const run = await runCommand("restore-drill", ["--topic", topic, "--keep"], s3Env);
  expect(run.code).toBe(0);
  expect(run.report.lake).toMatchObject({
    records: 60,
    restoredRecords: 60,
    deletionsChecked: false,
    kept: true,
  });
  // Kept: the restored copies are there, beside the source.
  const kept = await s3.list(`restore-drill/${String(run.report.runId)}/`);
  expect(kept).toHaveLength((run.report.lake as { objects: number }).objects);
  expect((await scratchKeys()).length).toBe((run.report.features as { restoredKeys: number }).restoredKeys);
  await redis.client.del(await scratchKeys());
});

it("fails on a tampered object, a missing object and a tampered backup, naming each", async () => {
  const { root, store, env } = await fsLake();
  const objects = await listLake(store, { prefix: "lake" });
  const [tampered, missing] = [objects[0], objects[3]];
  writeFileSync(join(root, tampered.key), gzipSync('{"eventId":"forged","entity":"x","ts":1,"value":1}\n'));
  await store.delete(missing.key);
  const { manifest } = (await latestBackup(store, policy, "backups/features/"))!;
  const part = manifest.parts[0];
  writeFileSync(join(root, part.key), gzipSync('{"key":"seawall:fs:x"}\n'));
  const run = await runCommand("restore-drill", [], env);
  named(run, "sha256", tampered.key);
  named(run, "records", tampered.key);
  named(run, "missing", missing.key);
  named(run, "part", part.key);
  expect(run.report.mismatches).toContainEqual(
    expect.objectContaining({ what: "records", key: tampered.key, actual: 1 }),
  );
  // Nothing else: the restored copies are what was read, and they are cleaned up.
  expect(run.report.mismatches!.map((m) => m.what).sort()).toEqual([
    "key-count",
    "missing",
    "part",
    "records",
    "sha256",
    "totals",
  ]);
  expect(await scratchLeft(store)).toEqual([]);
});

it.each([
  [["--as-of", "2026-13-01T00:00:00Z"], '--as-of: got "2026-13-01T00:00:00Z"'],
  [["--as-of", "2026-01-01T10:00:00"], '--as-of: got "2026-01-01T10:00:00"'],
  [["--from-date", "2026-1-1"], '--from-date: got "2026-1-1"'],
  [["--from-date", "2026-01-02", "--to-date", "2026-01-01"], "--to-date: got 2026-01-01"],
  [["--scratch-prefix", "../x"], '--scratch-prefix: got "../x"'],
  [["--topic", "a/b"], '--topic: got "a/b"'],
  [["--keep", "yes"], "--keep"],
])("refuses %j with exit 2, naming the flag and the value", async (argv, text) => {
  const run = await runCommand("restore-drill", argv, baseEnv());
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(text);
});
