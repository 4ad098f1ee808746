/**
 * Lake compaction: the lake sink beside it (coverage and claim rebuilds from compacted names), the
 * compaction itself on the filesystem store and s3rver, the `compact` command's flags, environment
 * and report, and a crash test: a real lake-sink process writes while `compact` runs as its own
 * process and is SIGKILLed at each crash point, then rerun.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lakeFormat, type LakeRow } from "../src/formats";
import { createMetrics } from "../src/metrics";
import { lakeKey } from "../src/naming";
import type { InRecord } from "../src/kafka/transport";
import { compactLake } from "../src/lake/compaction";
import { listLake, readLakeRows } from "../src/lake/view";
import { callPolicy } from "../src/resilience";
import { createLakeSink } from "../src/stages/lakeSink";
import { FsObjectStore } from "../src/store/fsStore";
import type { ObjectStore } from "../src/store/objectStore";
import { startS3rver } from "./s3rver";
import { runMaintenanceCommand } from "../src/commands/run";
import { createProducer } from "../src/kafka/rdkafka";
import { connectRedis } from "../src/redis";
import { scenarioTopics } from "./faultHarness";
import { supervise, unexpectedExits } from "./supervisor";
import { readTopic, startServices, unique, useRedis, waitFor, type Services } from "./support";

jest.setTimeout(60000);

const local = useRedis();
const DAY = Date.UTC(2026, 0, 1, 12);
const DATE = "2026-01-01";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "seawall-compact-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One partition's events at offsets [from, to), ids `<topic>-<partition>-<offset>` unless given. */
function records(
  topic: string,
  partition: number,
  from: number,
  to: number,
  id?: (o: number) => string,
): InRecord[] {
  return Array.from({ length: to - from }, (_, i) => {
    const offset = from + i;
    const eventId = id ? id(offset) : `${topic}-${partition}-${offset}`;
    const value = Buffer.from(JSON.stringify({ eventId, entity: "e", ts: DAY, value: offset }));
    return { topic, partition, offset, key: null, value, headers: {} };
  });
}

function newSink(store: ObjectStore) {
  return createLakeSink(
    { LAKE_PREFIX: "lake", DEDUP_TTL_SECONDS: 3600, LAKE_FORMAT: "jsonl.gz" },
    {
      store,
      storePolicy: callPolicy({ dependency: "object-store", maxAttempts: 1 }),
      redis: local.client,
      redisPolicy: callPolicy({ dependency: "redis" }),
      metrics: createMetrics("lake-sink"),
      deadLetter: async (rejected) => {
        if (rejected.length > 0) throw new Error(`unexpected dead letters: ${rejected.length}`);
      },
    },
  );
}

/** Every row the lake view shows for a topic, as `eventId@partition/offset`. */
async function viewRows(store: ObjectStore, topic: string): Promise<string[]> {
  const read = await readLakeRows(store, await listLake(store, { prefix: "lake", topic }));
  return read.flatMap((r) =>
    r.rows.map((row) => `${String(row.eventId)}@${String(row._partition)}/${String(row._offset)}`),
  );
}

/** A store whose next listing is one taken earlier: it names objects deleted since. */
function staleOnce(store: ObjectStore, snapshot: Map<string, string[]>): ObjectStore & { stale: number } {
  const s = Object.create(store) as ObjectStore & { stale: number };
  s.stale = 0;
  s.list = async (prefix: string) => {
    const old = snapshot.get(prefix);
    if (old) {
      snapshot.delete(prefix);
      s.stale++;
      return old;
    }
    return store.list(prefix);
  };
  return s;
}

describe("the lake sink beside compaction", () => {
  it("after a compaction deleted its inputs, a replay of the input writes nothing and new records follow the compacted range", async () => {
    const store = new FsObjectStore(join(dir, unique("sink")));
    const topic = unique("ev");
    const input = records(topic, 0, 0, 30);
    for (let i = 0; i < 30; i += 10) await newSink(store).process(input.slice(i, i + 10), 1);
    const report = await compactLake(store, { prefix: "lake", date: DATE });
    expect(report).toMatchObject({ objectsRead: 3, objectsWritten: 1, objectsDeleted: 3 });
    const keys = await store.list("lake/");
    expect(keys).toEqual([
      `lake/${topic}/dt=${DATE}/${topic}-p0-o00000000000000000000-to00000000000000000029.jsonl.gz`,
    ]);
    await newSink(store).process(input, 1);
    expect(await store.list("lake/")).toEqual(keys);
    await newSink(store).process([...input.slice(20), ...records(topic, 0, 30, 35)], 1);
    expect((await store.list("lake/")).slice(1)).toEqual([
      `lake/${topic}/dt=${DATE}/${topic}-p0-o00000000000000000030.jsonl.gz`,
    ]);
    expect((await viewRows(store, topic)).length).toBe(35);
  });

  it("lists again when its listing names inputs a compaction has deleted since", async () => {
    const root = join(dir, unique("stale"));
    const store = new FsObjectStore(root);
    const topic = unique("ev");
    const input = records(topic, 0, 0, 30);
    for (let i = 0; i < 30; i += 10) await newSink(store).process(input.slice(i, i + 10), 1);
    const prefix = `lake/${topic}/dt=${DATE}/${topic}-p0-o`;
    const before = new Map([[prefix, await store.list(prefix)]]);
    await compactLake(store, { prefix: "lake", date: DATE });
    const stale = staleOnce(store, before);
    await newSink(stale).process(input.slice(20), 1);
    expect(stale.stale).toBe(1);
    expect(await store.list("lake/")).toHaveLength(1);
    expect((await viewRows(store, topic)).length).toBe(30);
  });

  it("rebuilds lost claims from the live objects only, even from a listing that names deleted inputs", async () => {
    const root = join(dir, unique("rebuild"));
    const store = new FsObjectStore(root);
    const topic = unique("ev");
    const input = records(topic, 0, 0, 30);
    for (let i = 0; i < 30; i += 10) await newSink(store).process(input.slice(i, i + 10), 1);
    const topicDir = `lake/${topic}/`;
    const before = new Map([[topicDir, await store.list(topicDir)]]);
    await compactLake(store, { prefix: "lake", date: DATE });
    await local.client.flushAll();
    const stale = staleOnce(store, before);
    // A repeat of offset 3's id at a later offset: the rebuilt claims must know offset 3 owns it.
    await newSink(stale).process(
      records(topic, 0, 30, 32, (o) => (o === 30 ? `${topic}-0-3` : `${topic}-0-${o}`)),
      1,
    );
    expect(stale.stale).toBe(1);
    const rows = await viewRows(store, topic);
    expect(rows.filter((r) => r.startsWith(`${topic}-0-3@`))).toEqual([`${topic}-0-3@0/3`]);
    expect(rows).toHaveLength(31);
  });

  it("reads a compacted object's coverage from its name, not from its rows, when its metadata is gone", async () => {
    const root = join(dir, unique("nometa"));
    const store = new FsObjectStore(root);
    const topic = unique("ev");
    // Offset 29 repeats an id of partition 0 in partition 1: compaction keeps the lower position,
    // so partition 1's compacted object ends at offset 28 but covers up to 29.
    const p1 = records(topic, 1, 0, 30, (o) => (o === 29 ? `${topic}-0-0` : `${topic}-1-${o}`));
    for (let i = 0; i < 30; i += 10) await newSink(store).process(p1.slice(i, i + 10), 1);
    await store.putIfAbsent(
      `lake/${topic}/dt=${DATE}/${topic}-p0-o00000000000000000000.jsonl.gz`,
      (await import("node:zlib")).gzipSync(
        `${JSON.stringify({ eventId: `${topic}-0-0`, entity: "e", ts: DAY, value: 0, _topic: topic, _partition: 0, _offset: 0 })}\n`,
      ),
      {},
    );
    const report = await compactLake(store, { prefix: "lake", date: DATE, topic });
    expect(report.duplicatesRemoved).toBe(1);
    const compacted = `lake/${topic}/dt=${DATE}/${topic}-p1-o00000000000000000000-to00000000000000000029.jsonl.gz`;
    expect(await store.list(`lake/${topic}/dt=${DATE}/${topic}-p1-`)).toEqual([compacted]);
    rmSync(join(root, `${compacted}.meta.json`));
    await newSink(store).process(p1.slice(20), 1);
    expect(await store.list(`lake/${topic}/dt=${DATE}/${topic}-p1-`)).toEqual([compacted]);
  });
});

/** Writes one object as the sink would (name, metadata), rows given as (partition, offset, id). */
async function putObject(
  store: ObjectStore,
  topic: string,
  partition: number,
  rows: Array<[number, string]>,
  date = DATE,
) {
  const lakeRows: LakeRow[] = rows.map(([offset, eventId]) => ({
    record: { topic, partition, offset, key: null, value: null, headers: {} },
    event: { eventId, entity: "e", ts: Date.parse(`${date}T12:00:00Z`), value: offset },
  }));
  const body = await lakeFormat("jsonl.gz").encode(lakeRows);
  const key = lakeKey({ prefix: "lake", topic, date, partition, firstOffset: rows[0][0] });
  await store.putIfAbsent(key, body, {
    sha256: createHash("sha256").update(body).digest("hex"),
    "first-offset": String(rows[0][0]),
    "last-offset": String(rows[rows.length - 1][0]),
    records: String(rows.length),
  });
  return key;
}

const span = (topic: string, partition: number, from: number, to: number): Array<[number, string]> =>
  Array.from({ length: to - from }, (_, i) => [from + i, `${topic}-${partition}-${from + i}`]);

let s3rver: Awaited<ReturnType<typeof startS3rver>>;
const stores: Record<string, ObjectStore> = {};
beforeAll(async () => {
  s3rver = await startS3rver(dir);
  stores.s3 = s3rver.store;
  stores.file = new FsObjectStore(join(dir, "store"));
});
afterAll(async () => {
  await s3rver?.close();
});

describe.each(["file", "s3"])("compaction on the %s store", (name) => {
  it("merges a date's objects per partition, keeps one row per eventId (the lowest position), and a rerun changes nothing", async () => {
    const store = stores[name];
    const topic = unique("ev");
    await putObject(store, topic, 0, span(topic, 0, 0, 10));
    await putObject(store, topic, 0, span(topic, 0, 10, 20));
    await putObject(store, topic, 0, span(topic, 0, 20, 30));
    // Partition 1 repeats partition 0's offset 7 at its offset 5, and its own offset 2 at offset 8.
    const p1 = span(topic, 1, 0, 10).map(([o, id]): [number, string] => [
      o,
      o === 5 ? `${topic}-0-7` : o === 8 ? `${topic}-1-2` : id,
    ]);
    await putObject(store, topic, 1, p1.slice(0, 6));
    await putObject(store, topic, 1, p1.slice(6));
    const other = await putObject(store, topic, 0, span(topic, 0, 30, 32), "2026-01-02");
    const before = await viewRows(store, topic);

    const report = await compactLake(store, { prefix: "lake", date: DATE, topic });
    expect(report).toMatchObject({
      date: DATE,
      topics: [topic],
      dryRun: false,
      objectsRead: 5,
      objectsWritten: 2,
      objectsDeleted: 5,
      records: 38,
      duplicatesRemoved: 2,
    });
    expect(report.bytesAfter).toBeLessThan(report.bytesBefore);
    const dir0 = `lake/${topic}/dt=${DATE}/${topic}`;
    const keys = await store.list(`lake/${topic}/`);
    expect(keys).toEqual([
      `${dir0}-p0-o00000000000000000000-to00000000000000000029.jsonl.gz`,
      `${dir0}-p1-o00000000000000000000-to00000000000000000009.jsonl.gz`,
      other,
    ]);
    const body = await store.get(keys[1]);
    expect(await store.head(keys[1])).toMatchObject({
      sha256: createHash("sha256").update(body).digest("hex"),
      "first-offset": "0",
      "last-offset": "9",
      records: "8",
      "duplicates-removed": "2",
    });
    const after = await viewRows(store, topic);
    expect(after).toEqual(before.filter((r) => !r.endsWith("@1/5") && !r.endsWith("@1/8")));
    expect(new Set(after.map((r) => r.split("@")[0])).size).toBe(after.length);

    const again = await compactLake(store, { prefix: "lake", date: DATE, topic });
    expect(again).toMatchObject({
      objectsRead: 2,
      objectsWritten: 0,
      objectsDeleted: 0,
      duplicatesRemoved: 0,
      records: 38,
    });
    expect(await store.list(`lake/${topic}/`)).toEqual(keys);
  });
});

describe("compaction's checks", () => {
  it("cuts runs at --target-bytes, leaves runs below --min-objects, and a dry run writes and deletes nothing", async () => {
    const store = stores.file;
    const topic = unique("ev");
    const keys = [];
    for (let i = 0; i < 5; i++)
      keys.push(await putObject(store, topic, 0, span(topic, 0, i * 10, i * 10 + 10)));
    const one = (await store.get(keys[0])).length;
    const dry = await compactLake(store, {
      prefix: "lake",
      date: DATE,
      topic,
      targetBytes: one * 2 + 10,
      dryRun: true,
    });
    expect(dry).toMatchObject({ dryRun: true, objectsRead: 5, objectsWritten: 2, objectsDeleted: 0 });
    expect(await store.list(`lake/${topic}/`)).toEqual(keys);
    const report = await compactLake(store, { prefix: "lake", date: DATE, topic, targetBytes: one * 2 + 10 });
    expect(report).toMatchObject({ objectsWritten: 2, objectsDeleted: 4 });
    const d = `lake/${topic}/dt=${DATE}/${topic}-p0-o`;
    expect(await store.list(`lake/${topic}/`)).toEqual([
      `${d}00000000000000000000-to00000000000000000019.jsonl.gz`,
      `${d}00000000000000000020-to00000000000000000039.jsonl.gz`,
      keys[4],
    ]);
    // A larger target now merges the merged runs with the rest: nested ranges, never overlapping.
    await compactLake(store, { prefix: "lake", date: DATE, topic, minObjects: 3 });
    expect(await store.list(`lake/${topic}/`)).toEqual([
      `${d}00000000000000000000-to00000000000000000049.jsonl.gz`,
    ]);
    expect((await viewRows(store, topic)).length).toBe(50);
  });

  it("stops on an object whose body does not match its sha256, deleting nothing", async () => {
    const store = new FsObjectStore(join(dir, unique("corrupt")));
    const topic = unique("ev");
    const a = await putObject(store, topic, 0, span(topic, 0, 0, 5));
    const b = lakeKey({ prefix: "lake", topic, date: DATE, partition: 0, firstOffset: 5 });
    await store.putIfAbsent(b, await lakeFormat("jsonl.gz").encode([]), { sha256: "0".repeat(64) });
    await expect(compactLake(store, { prefix: "lake", date: DATE })).rejects.toMatchObject({
      code: "SEAWALL_LAKE_CHECKSUM",
    });
    expect(await store.list("lake/")).toEqual([a, b]);
  });
});

describe("the compact command", () => {
  const run = async (argv: string[], env: Record<string, string>) => {
    const errors: string[] = [];
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      const code = await runMaintenanceCommand("compact", argv, env, (l) => errors.push(l));
      return { code, errors, out };
    } finally {
      spy.mockRestore();
    }
  };

  it.each([
    [[], "--date: missing"],
    [["--date", "2026-02-30"], '--date: got "2026-02-30"'],
    [["--date", DATE, "--min-objects", "0"], '--min-objects: got "0"'],
    [["--date", DATE, "--target-bytes", "1e6"], '--target-bytes: got "1e6"'],
    [["--date", DATE, "--topic", "../x"], '--topic: got "../x"'],
    [["--date", DATE, "--since", "x"], "Unknown option '--since'"],
  ])("refuses %j with exit 2, naming the flag", async (argv, message) => {
    const { code, errors } = await run(argv, { LAKE_BUCKET: dir });
    expect(code).toBe(2);
    expect(errors[0]).toContain(message);
  });

  it("needs only the lake's variables: without LAKE_BUCKET it exits 78 naming it", async () => {
    const { code, errors } = await run(["--date", DATE], { LAKE_SCHEME: "file" });
    expect(code).toBe(78);
    expect(errors.join("\n")).toContain("LAKE_BUCKET: missing; set it to the bucket");
  });

  it("prints one JSON line with what it did and exits 0", async () => {
    const root = join(dir, unique("cmd"));
    const store = new FsObjectStore(root);
    const topic = unique("ev");
    await putObject(store, topic, 2, span(topic, 2, 0, 3));
    await putObject(store, topic, 2, span(topic, 2, 3, 6));
    const { code, out } = await run(["--date", DATE, "--topic", topic], {
      LAKE_BUCKET: root,
      LAKE_PREFIX: "lake",
    });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0])).toEqual({
      command: "compact",
      date: DATE,
      topics: [topic],
      dryRun: false,
      objectsRead: 2,
      objectsWritten: 1,
      objectsDeleted: 2,
      records: 6,
      duplicatesRemoved: 0,
      bytesBefore: expect.any(Number),
      bytesAfter: expect.any(Number),
    });
  });
});

/** `node src/main.ts compact ...` as its own process: its exit code or signal and its stdout. */
function compactProcess(
  env: Record<string, string>,
  argv: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(
      process.execPath,
      ["--import", "tsx", join(__dirname, "..", "src", "main.ts"), "compact", ...argv],
      {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    let err = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("close", (code, signal) => resolve({ code, signal, out, err }));
  });
}

describe("compaction crashing beside a running lake-sink process", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startServices(scenarioTopics(["c"], 2), "c");
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("SIGKILLed at each crash point and rerun while the sink writes: every event once, every checksum right, a replay adds nothing", async () => {
    const store = new FsObjectStore(svc.lakeDir);
    const sinkEnv = svc.rawEnv({ BATCH_MIN: "5", BATCH_MAX: "40", KAFKA_GROUP_PREFIX: unique("g") });
    const sink = supervise("lake-sink", sinkEnv, join(dir, "crash-sink.log"));
    const lakeEnv = { LAKE_SCHEME: "file", LAKE_BUCKET: svc.lakeDir, LAKE_PREFIX: "lake" };
    const producer = await createProducer(svc.env());
    const ids = new Set<string>();
    let sent = 0;
    let producing = true;
    // 40 events every 60 ms, one in ten a repeat of an earlier id (the sink drops those).
    const feeding = (async () => {
      while (producing && sent < 1600) {
        const batch = Array.from({ length: 40 }, (_, i) => {
          const n = sent + i;
          const eventId = n % 10 === 9 ? `c-${n - 5}` : `c-${n}`;
          ids.add(eventId);
          return {
            topic: "c.events",
            key: `k${n % 7}`,
            value: Buffer.from(JSON.stringify({ eventId, entity: `k${n % 7}`, ts: DAY, value: n })),
          };
        });
        await producer.send(batch);
        sent += batch.length;
        await new Promise((r) => setTimeout(r, 60));
      }
    })();
    const plain = async () => (await store.list("lake/")).filter((k) => !k.includes("-to")).length;
    try {
      await waitFor("the sink's first objects", async () => (await plain()) >= 4, 30000);
      const crashAfterWrite = await compactProcess({ ...lakeEnv, CHAOS_CRASH_AT: "compact-after-write" }, [
        "--date",
        DATE,
      ]);
      expect(crashAfterWrite.signal).toBe("SIGKILL");
      expect((await store.list("lake/")).some((k) => k.includes("-to"))).toBe(true);
      await waitFor("more objects", async () => (await plain()) >= 3, 30000);
      const crashAfterDelete = await compactProcess(
        { ...lakeEnv, CHAOS_CRASH_AT: "compact-after-delete#2" },
        ["--date", DATE],
      );
      expect(crashAfterDelete.signal).toBe("SIGKILL");
      const finish = await compactProcess(lakeEnv, ["--date", DATE, "--min-objects", "2"]);
      expect({ code: finish.code, err: finish.err }).toEqual({ code: 0, err: "" });
      const report = JSON.parse(finish.out) as Record<string, number>;
      expect(report.objectsWritten).toBeGreaterThanOrEqual(1);
      expect(report.objectsDeleted).toBeGreaterThanOrEqual(2);
    } finally {
      producing = false;
      await feeding;
      await producer.close();
    }
    const want = [...ids].sort();
    const seen = async () => {
      const read = await readLakeRows(store, await listLake(store, { prefix: "lake" }));
      return read.flatMap((r) => r.rows.map((row) => String(row.eventId))).sort();
    };
    await waitFor("every event in the lake", async () => (await seen()).length >= want.length, 30000);
    expect(await sink.terminate()).toBe(0);
    expect(unexpectedExits([sink])).toEqual([]);
    expect(await seen()).toEqual(want);
    const live = await listLake(store, { prefix: "lake" });
    expect(live.some((o) => o.compacted)).toBe(true);
    for (const o of live) {
      const body = await store.get(o.key);
      expect({ key: o.key, sha256: (await store.head(o.key))?.sha256 }).toEqual({
        key: o.key,
        sha256: createHash("sha256").update(body).digest("hex"),
      });
    }
    // A replay of the sink's whole input, from the start, with the same claims: nothing new.
    const keys = await store.list("lake/");
    const input = await readTopic(svc.env(), "c.events", 1000);
    expect(input).toHaveLength(sent);
    const redis = await connectRedis(svc.env());
    try {
      const replay = createLakeSink(svc.env({ LAKE_PREFIX: "lake" }), {
        store,
        storePolicy: callPolicy({ dependency: "object-store" }),
        redis,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics: createMetrics("lake-sink"),
        deadLetter: async () => undefined,
      });
      for (let i = 0; i < input.length; i += 200) await replay.process(input.slice(i, i + 200), 2);
    } finally {
      await redis.close();
    }
    expect(await store.list("lake/")).toEqual(keys);
  });
});
