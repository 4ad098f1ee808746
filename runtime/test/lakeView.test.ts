/**
 * The lake view: compaction resolved from names, so a reader sees each record once whatever state a
 * compaction left (property-checked over crash states), and rows decoded in each object's format, on
 * the filesystem store and on s3rver.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { lakeFormat, type LakeFormatName, type LakeRow } from "../src/formats";
import { listLake, readLakeRows, resolveLake, type LakeObject } from "../src/lake/view";
import { compactedLakeKey, firstOffsetOf, formatOf, lakeKey, parseLakeKey } from "../src/naming";
import { FsObjectStore } from "../src/store/fsStore";
import type { ObjectStore } from "../src/store/objectStore";
import { startS3rver } from "./s3rver";

jest.setTimeout(30000);

const obj = (
  partition: number,
  first: number,
  last: number | undefined,
  date = "2026-01-01",
  topic = "ev",
): LakeObject => {
  const base = { prefix: "lake", topic, date, partition, firstOffset: first };
  return {
    key: last === undefined ? lakeKey(base) : compactedLakeKey({ ...base, lastOffset: last }),
    topic,
    partition,
    date,
    firstOffset: first,
    ...(last === undefined ? {} : { lastOffset: last }),
    compacted: last !== undefined,
    format: "jsonl.gz",
  };
};

describe("compacted lake keys", () => {
  it("name both offsets, parse back, and keep firstOffsetOf and formatOf working", () => {
    const key = compactedLakeKey({
      prefix: "lake",
      topic: "ev",
      date: "2026-01-02",
      partition: 3,
      firstOffset: 7,
      lastOffset: 1234,
      extension: "parquet",
    });
    expect(key).toBe("lake/ev/dt=2026-01-02/ev-p3-o00000000000000000007-to00000000000000001234.parquet");
    expect(firstOffsetOf(key)).toBe(7);
    expect(formatOf(key)).toBe("parquet");
    expect(parseLakeKey(key)).toEqual({
      topic: "ev",
      date: "2026-01-02",
      partition: 3,
      firstOffset: 7,
      lastOffset: 1234,
      format: "parquet",
    });
    expect(parseLakeKey("lake/ev/dt=2026-01-02/ev-p3-o00000000000000000007.jsonl.gz")).toEqual({
      topic: "ev",
      date: "2026-01-02",
      partition: 3,
      firstOffset: 7,
      format: "jsonl.gz",
    });
    expect(parseLakeKey("lake/ev/dt=2026-01-02/other-p3-o00000000000000000007.jsonl.gz")).toBeUndefined();
  });
});

describe("resolveLake", () => {
  it("hides inputs a compaction wrote over, and earlier compactions a later one contains", () => {
    const c1 = obj(0, 0, 19);
    const c2 = obj(0, 0, 39);
    const visible = resolveLake([
      obj(0, 0, undefined),
      obj(0, 10, undefined),
      c1,
      obj(0, 20, undefined),
      c2,
      obj(0, 40, undefined),
      obj(1, 0, undefined),
    ]);
    expect(visible.map((o) => o.key)).toEqual([c2.key, obj(0, 40, undefined).key, obj(1, 0, undefined).key]);
  });

  it("fails loudly on compacted ranges that overlap without nesting", () => {
    expect(() => resolveLake([obj(0, 0, 19), obj(0, 10, 29)])).toThrow(
      expect.objectContaining({ code: "SEAWALL_LAKE_OVERLAP" }),
    );
  });

  it("shows every offset exactly once in any state a sequence of compactions leaves", () => {
    // A partition-date's plain objects (contiguous runs), then compactions each taking a prefix of
    // the live objects; each may have crashed after writing and deleted any subset of its inputs.
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.array(fc.boolean(), { maxLength: 12 })), {
          maxLength: 4,
        }),
        (sizes, compactions) => {
          let at = 0;
          const lake: LakeObject[] = sizes.map((n) => {
            const o = { ...obj(0, at, undefined), lastOffset: at + n - 1 };
            at += n;
            return o;
          });
          const lastOf = (o: LakeObject) => o.lastOffset!;
          for (const [take, kept] of compactions) {
            const live = resolveLake(lake);
            const inputs = live.slice(0, Math.min(take, live.length));
            const out = obj(0, inputs[0].firstOffset, lastOf(inputs[inputs.length - 1]));
            if (lake.some((o) => o.key === out.key)) continue;
            lake.push(out);
            inputs.forEach((input, i) => {
              if (input.key !== out.key && kept[i] === false) lake.splice(lake.indexOf(input), 1);
            });
          }
          const seen = resolveLake(lake).flatMap((o) =>
            Array.from({ length: lastOf(o) - o.firstOffset + 1 }, (_, i) => o.firstOffset + i),
          );
          expect(seen).toEqual(Array.from({ length: at }, (_, i) => i));
        },
      ),
    );
  });
});

const rows = (topic: string, partition: number, from: number, n: number): LakeRow[] =>
  Array.from({ length: n }, (_, i) => ({
    record: { topic, partition, offset: from + i, key: null, value: null, headers: {} },
    event: { eventId: `${topic}-${partition}-${from + i}`, entity: "e", ts: Date.UTC(2026, 0, 1), value: i },
  }));

async function put(store: ObjectStore, key: string, format: LakeFormatName, r: LakeRow[]) {
  await store.putIfAbsent(key, await lakeFormat(format).encode(r), {});
}

let dir: string;
let s3rver: Awaited<ReturnType<typeof startS3rver>>;
const stores: Record<string, ObjectStore> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "seawall-view-"));
  s3rver = await startS3rver(dir);
  stores.s3 = s3rver.store;
  stores.file = new FsObjectStore(join(dir, "fs"));
});

afterAll(async () => {
  await s3rver?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(["file", "s3"])("the lake view on the %s store", (name) => {
  it("lists a topic's live objects by date range and reads their rows in each object's format", async () => {
    const store = stores[name];
    const k = (date: string, partition: number, first: number, ext: LakeFormatName, last?: number) => {
      const base = { prefix: `v-${name}`, topic: "ev", date, partition, firstOffset: first, extension: ext };
      return last === undefined ? lakeKey(base) : compactedLakeKey({ ...base, lastOffset: last });
    };
    await put(store, k("2026-01-01", 0, 0, "jsonl.gz"), "jsonl.gz", rows("ev", 0, 0, 3));
    await put(store, k("2026-01-01", 0, 3, "parquet"), "parquet", rows("ev", 0, 3, 2));
    // A compaction that crashed before deleting its inputs.
    await put(store, k("2026-01-01", 0, 0, "parquet", 4), "parquet", rows("ev", 0, 0, 5));
    await put(store, k("2026-01-01", 0, 5, "jsonl.gz"), "jsonl.gz", rows("ev", 0, 5, 1));
    await put(store, k("2026-01-02", 1, 0, "jsonl.gz"), "jsonl.gz", rows("ev", 1, 0, 2));
    await put(store, k("2026-01-03", 1, 2, "jsonl.gz"), "jsonl.gz", rows("ev", 1, 2, 2));
    await put(
      store,
      `v-${name}/other/dt=2026-01-01/other-p0-o00000000000000000000.jsonl.gz`,
      "jsonl.gz",
      rows("other", 0, 0, 1),
    );
    await store.putIfAbsent(`v-${name}/ev/dt=2026-01-01/_SUCCESS`, Buffer.from(""), {});

    const objects = await listLake(store, { prefix: `v-${name}`, topic: "ev", toDate: "2026-01-02" });
    expect(
      objects.map((o) => [o.date, o.partition, o.firstOffset, o.lastOffset, o.compacted, o.format]),
    ).toEqual([
      ["2026-01-01", 0, 0, 4, true, "parquet"],
      ["2026-01-01", 0, 5, undefined, false, "jsonl.gz"],
      ["2026-01-02", 1, 0, undefined, false, "jsonl.gz"],
    ]);
    const read = await readLakeRows(store, objects);
    expect(read.map((r) => r.object.key)).toEqual(objects.map((o) => o.key));
    expect(read.flatMap((r) => r.rows.map((row) => row.eventId))).toEqual([
      "ev-0-0",
      "ev-0-1",
      "ev-0-2",
      "ev-0-3",
      "ev-0-4",
      "ev-0-5",
      "ev-1-0",
      "ev-1-1",
    ]);
    expect(read[0].rows[4]).toMatchObject({ _topic: "ev", _partition: 0, _offset: 4 });
    const all = await listLake(store, { prefix: `v-${name}`, fromDate: "2026-01-01", toDate: "2026-01-01" });
    expect(all.map((o) => o.topic)).toEqual(["ev", "ev", "other"]);
  });
});
