/**
 * backfill against a real redis-server and the filesystem lake: the features it leaves are the
 * fold of the range's events, once, whether it runs once, twice, after a SIGKILL mid-run (the
 * command as its own process), or after the live pipeline folded part of the range already.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FEATURE_FIELDS, featureKey } from "../src/features";
import { FsObjectStore } from "../src/store/fsStore";
import { foldLive, makeEvents, runCommand, seedLake, snapshotKeys, spawnCommand } from "./commandSupport";
import { useRedis } from "./support";

jest.setTimeout(30000);

const redis = useRedis();
let dir: string;
let env: Record<string, string>;
// 600 events a minute apart from 2026-01-01 20:00 (two dates), 12 entities, in objects of 20.
const START = Date.UTC(2026, 0, 1, 20);
const events = makeEvents("bf", 600, 12, START);
const entities = [...new Set(events.map((e) => e.entity))];
/** The seawall keys the features are made of (the lake sink's claims are not features). */
const FEATURES = "seawall:f*";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "seawall-backfill-"));
  await seedLake(new FsObjectStore(dir), redis.client, {
    prefix: "lake",
    topic: "events.unique",
    events,
    perObject: 20,
  });
  env = {
    REDIS_HOST: redis.server.host,
    REDIS_PORT: String(redis.server.port),
    REDIS_TLS: "false",
    LAKE_SCHEME: "file",
    LAKE_BUCKET: dir,
    LAKE_PREFIX: "lake",
    LOG_LEVEL: "silent",
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function clearFeatures() {
  const keys = Object.keys(await snapshotKeys(redis.client, FEATURES));
  if (keys.length > 0) await redis.client.del(keys);
}

/** Each entity's stored snapshot without its version (which orders snapshots, it does not describe the window). */
async function features(): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (const e of entities) {
    const { version: _v, ...rest } = await redis.client.hGetAll(featureKey(e));
    out[e] = rest;
  }
  return out;
}

/** The features of every event folded once, straight through dedup's fold, as the live pipeline would. */
let reference: Record<string, Record<string, string>>;

beforeAll(async () => {
  await foldLive(redis.client, events);
  reference = await features();
  await clearFeatures();
});

const range = ["--from", "2026-01-01", "--to", "2026-01-02"];

it("folds the range once: a rerun leaves the same keys, versions included, and adds nothing", async () => {
  const first = await runCommand("backfill", range, env);
  expect(first.stderr).toBe("");
  expect(first.code).toBe(0);
  expect(await features()).toEqual(reference);
  expect(reference[entities[0]]).toMatchObject({ count: "6", windowSeconds: "3600" });
  const once = await snapshotKeys(redis.client, FEATURES);
  expect(first.report).toMatchObject({ ok: true, objects: 60, rows: 600, inRange: 600, entities: 12 });
  const again = await runCommand("backfill", range, env);
  expect(again.code).toBe(0);
  expect(again.report).toMatchObject({ added: 0 });
  expect(await snapshotKeys(redis.client, FEATURES)).toEqual(once);
  await clearFeatures();
});

it("after a SIGKILL mid-run, a rerun leaves what one run leaves", async () => {
  await runCommand("backfill", range, env);
  const once = await snapshotKeys(redis.client, FEATURES);
  await clearFeatures();
  // The command as its own process, killed at its first fold's crash point.
  const killed = await spawnCommand("backfill", range, { ...env, CHAOS_CRASH_RATE: "1" });
  expect(killed.signal).toBe("SIGKILL");
  const partial = await snapshotKeys(redis.client, FEATURES);
  expect(Object.keys(partial).length).toBeGreaterThan(0);
  expect(partial).not.toEqual(once);
  expect((await runCommand("backfill", range, env)).code).toBe(0);
  expect(await snapshotKeys(redis.client, FEATURES)).toEqual(once);
  await clearFeatures();
});

it("does not count again what the live pipeline already folded", async () => {
  // Live folded every other event; the backfill brings the rest, and the features are those of all, once.
  await foldLive(
    redis.client,
    events.filter((_, i) => i % 2 === 0),
  );
  const run = await runCommand("backfill", range, env);
  expect(run.code).toBe(0);
  expect(await features()).toEqual(reference);
  expect(run.report.added).toBeLessThan(run.report.folded as number);
  await clearFeatures();
});

it("leaves alone an entity whose stored snapshot is newer than the range", async () => {
  const e = entities[0];
  await redis.client.hSet(
    featureKey(e),
    Object.fromEntries(
      FEATURE_FIELDS.map((f) => [f, f === "windowEnd" ? String(Date.UTC(2026, 0, 3)) : "7"]),
    ),
  );
  const run = await runCommand("backfill", range, env);
  expect(run.report.storedNewer).toBe(1);
  expect(await redis.client.hGet(featureKey(e), "windowEnd")).toBe(String(Date.UTC(2026, 0, 3)));
  await clearFeatures();
});

it.each([
  [[], "--from: missing"],
  [["--from", "yesterday", "--to", "2026-01-02"], '--from: got "yesterday"'],
  [["--from", "2026-01-01", "--to", "2026-02-30"], '--to: got "2026-02-30"'],
  [["--from", "2026-01-02", "--to", "2026-01-01"], "--to: got 2026-01-01, before --from 2026-01-02"],
  [["--from", "2026-01-01", "--to", "2026-01-02", "--topic", "a b"], '--topic: got "a b"'],
  [["--from", "2026-01-01", "--until", "x"], "--until"],
])("refuses %j with exit 2, naming the flag and the value", async (argv, text) => {
  const run = await runCommand("backfill", argv, env);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain(text);
});
