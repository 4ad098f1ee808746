import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { WorkerConfig } from "../src/config";
import type { InRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import type { Redis } from "../src/redis";
import { callPolicy } from "../src/resilience";
import { createLakeSink } from "../src/stages/lakeSink";
import { FsObjectStore } from "../src/store/fsStore";
import { readLake, unique, useRedis } from "./support";

jest.setTimeout(120000);

const local = useRedis();
let redis: Redis;
beforeAll(() => {
  redis = local.client;
});

/** A partition's records: events over two dates, some ids repeated at later offsets. */
function partitionRecords(topic: string, partition: number, n: number, repeatEvery: number): InRecord[] {
  const out: InRecord[] = [];
  for (let o = 0; o < n; o++) {
    const id =
      repeatEvery > 0 && o % repeatEvery === repeatEvery - 1
        ? `${topic}-${partition}-${o - 1}`
        : `${topic}-${partition}-${o}`;
    const ts = Date.UTC(2026, 0, 1, 23, 59) + (o % 3 === 0 ? 120000 : 0);
    const value = Buffer.from(JSON.stringify({ eventId: id, entity: "e", ts, value: o }));
    out.push({ topic, partition, offset: o, key: null, value, headers: {} });
  }
  return out;
}

function newSink(dir: string, format: WorkerConfig["LAKE_FORMAT"] = "jsonl.gz") {
  const metrics = createMetrics("lake-sink");
  return createLakeSink(
    { LAKE_PREFIX: "lake", DEDUP_TTL_SECONDS: 3600, LAKE_FORMAT: format },
    {
      store: new FsObjectStore(dir),
      storePolicy: callPolicy({ dependency: "object-store" }),
      redis,
      redisPolicy: callPolicy({ dependency: "redis" }),
      metrics,
      deadLetter: async (rejected) => {
        if (rejected.length > 0) throw new Error(`unexpected dead letters: ${rejected.length}`);
      },
    },
  );
}

describe.each(["jsonl.gz", "parquet"] as const)("lake sink writing %s", (format) => {
  it("writes each event once, per date, named by first offset, with a checksum", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lake-"));
    try {
      const topic = unique("ev");
      const records = partitionRecords(topic, 0, 30, 10);
      await newSink(dir, format).process(records, 2);
      const lake = await readLake(dir);
      expect(lake.files).toEqual([
        `lake/${topic}/dt=2026-01-01/${topic}-p0-o00000000000000000001.${format}`,
        `lake/${topic}/dt=2026-01-02/${topic}-p0-o00000000000000000000.${format}`,
      ]);
      const ids = lake.lines.map((l) => l.eventId);
      expect(ids.length).toBe(27);
      expect(new Set(ids).size).toBe(27);
      const meta = await new FsObjectStore(dir).head(lake.files[0]);
      expect(meta).toMatchObject({ "first-offset": "1", "last-offset": "28", records: "18" });
      expect(meta!.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(meta!["content-sha256"]).toBe(meta!.sha256);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stays exactly once when batches of any size are replayed from any earlier commit after crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ size: fc.integer({ min: 1, max: 40 }), crash: fc.boolean(), back: fc.nat(60) }),
          {
            minLength: 1,
            maxLength: 25,
          },
        ),
        async (steps) => {
          const dir = mkdtempSync(join(tmpdir(), "lake-"));
          try {
            const topic = unique("ev");
            const records = partitionRecords(topic, 1, 120, 7);
            let sink = newSink(dir, format);
            let committed = 0;
            let position = 0;
            for (const s of steps) {
              if (position >= records.length) break;
              const batch = records.slice(position, position + s.size);
              await sink.process(batch, 1);
              position += batch.length;
              if (s.crash) {
                // The process dies before or after committing: a new one starts from the commit.
                sink = newSink(dir, format);
                position = committed = Math.max(0, Math.min(committed, position - s.back));
              } else committed = position;
            }
            while (position < records.length) {
              const batch = records.slice(position, position + 17);
              await sink.process(batch, 1);
              position += batch.length;
            }
            const lake = await readLake(dir);
            const want = records
              .filter((r) => r.offset % 7 !== 6)
              .map((r) => JSON.parse(r.value!.toString()).eventId);
            expect(lake.lines.map((l) => l.eventId).sort()).toEqual(want.sort());
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("lake sink across a change of LAKE_FORMAT", () => {
  it("continues after the objects of the old format, even without their metadata, and never writes an event twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lake-"));
    try {
      const topic = unique("ev");
      const records = partitionRecords(topic, 2, 60, 0);
      await newSink(dir, "jsonl.gz").process(records.slice(0, 25), 1);
      // Lose the metadata, as after a crash between the body and its metadata: the sink must read
      // how far the old object goes from its body, in the old object's format.
      for (const f of (await readLake(dir)).files) rmSync(join(dir, `${f}.meta.json`));
      // The new process writes Parquet and replays from offset 10 (its last commit).
      await newSink(dir, "parquet").process(records.slice(10), 1);
      const lake = await readLake(dir);
      expect(lake.files.map((f) => f.slice(f.lastIndexOf(".") + 1)).sort()).toEqual([
        "gz",
        "gz",
        "parquet",
        "parquet",
      ]);
      const offsets = lake.lines
        .map((l) => (l as unknown as { _offset: number })._offset)
        .sort((a, b) => a - b);
      expect(offsets).toEqual(records.map((r) => r.offset));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
